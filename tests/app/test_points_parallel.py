"""A large roster is parsed in a worker process while the books check and write it: on both
stores the worker's rows are the rows read in-process (the same roster again is a no-op), and
every bad line is named with its place, nothing recorded. Members are checked as for a
chunk of thousands (every member's id read once) so that path meets the same refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from points_helpers import points_books, refused, roster_file

import commons
from commons.errors import ErrorCode
from commons.io import points_files
from commons.store import points as points_tables

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> commons.Books:
    monkeypatch.setattr(points_files, "PARALLEL_FROM_BYTES", 0)  # small files take it too
    monkeypatch.setattr(points_tables, "_LOOKUPS", 0)
    return points_books(tmp_path / "p.db", tmp_path)


def test_a_roster_parsed_in_a_worker_is_the_roster_read_here(api: commons.Books,
                                                            tmp_path: Path) -> None:
    rows = ["a,clean-up,2026-11-08,r-yu,2.5", "a,clean-up,2026-11-08,r-jiang,2",
            "h,help-elderly,2026-11-09,r-yu,1"]
    done = api.points.submit("jz", roster_file(tmp_path, "r1", rows), by="org-wang",
                             workers=2)
    assert (done.lines, done.already_recorded) == (3, False)
    again = api.points.submit("jz", tmp_path / "r1.csv", by="org-wang")  # read here
    assert again.already_recorded
    assert api.points.confirm("r1", by="cw-zhao").issued == 25 + 20 + 15


def test_a_bad_line_in_the_worker_is_named_and_nothing_is_recorded(api: commons.Books,
                                                                  tmp_path: Path) -> None:
    bad = roster_file(tmp_path, "bad", ["a,clean-up,2026-11-08,r-yu,1",
                                        "a,clean-up,2026-13-08,r-jiang,1",
                                        "b,clean-up,2026-11-08,r-sun,1.005"])
    error: Any = refused(ErrorCode.SEVERAL, api.points.submit, "jz", bad, by="org-wang",
                         workers=2)  # every bad line crosses from the worker, in order
    assert [(p.where.line, p.where.field, p.code) for p in error.problems] == [
        (3, "date", ErrorCode.INVALID_DATE), (4, "quantity", ErrorCode.INVALID_AMOUNT)]
    refused(ErrorCode.NOT_FOUND, api.points.confirm, "bad", by="cw-zhao")


def test_a_stranger_and_a_line_posted_before_are_refused_by_line(api: commons.Books,
                                                                tmp_path: Path) -> None:
    api.points.submit("jz", roster_file(tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,1"]),
                      by="org-wang", workers=2)
    problems: Any = refused(ErrorCode.SEVERAL, api.points.submit, "jz", roster_file(
        tmp_path, "r2", ["b,clean-up,2026-11-09,r-jiang,1", "a,clean-up,2026-11-08,r-yu,1",
                         "b,clean-up,2026-11-09,nobody,1"]), by="org-wang", workers=2)
    assert [(p.where.line, p.code) for p in problems.problems] == [
        (3, ErrorCode.CONFLICT), (4, ErrorCode.NOT_FOUND)]
