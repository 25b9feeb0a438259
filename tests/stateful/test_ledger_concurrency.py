"""Two processes posting into one file at once: nothing lost, nothing doubled, one chain.

Real subprocesses run the installed ``commons`` console script at the same time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from ledger_helpers import bulk_records, commons_script, expected_balances, write_jsonl

import commons

N = 5_000

pytestmark = pytest.mark.slow


def env(actor: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "COMMONS_DB"}
    out["COMMONS_ACTOR"] = actor
    return out


def post_at_once(db: Path, *files: Path) -> list[dict[str, object]]:
    """Start one ``commons ledger post`` per file together; wait for all; their summaries."""
    procs = [subprocess.Popen([str(commons_script()), "--db", str(db), "--json", "ledger",
                               "post", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env(f"proc-{i}"))
             for i, f in enumerate(files)]
    summaries = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        summaries.append(json.loads(out))
    return summaries


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shared.db"
    with commons.connect(path) as api:
        api.ledger.chart("wjxc")
    return path


def test_two_processes_posting_at_once_lose_nothing(db: Path, tmp_path: Path) -> None:
    a = list(bulk_records(N, "a", seed=1))
    b = list(bulk_records(N, "b", seed=2))
    summaries = post_at_once(db, write_jsonl(tmp_path / "a.jsonl", a),
                             write_jsonl(tmp_path / "b.jsonl", b))
    assert [s["posted"] for s in summaries] == [N, N]

    with commons.connect(db, read_only=True) as api:
        report = api.audit.verify()
        assert report.ok, report.problems
        assert report.entries == 2 * N
        balances = {x.account: x.balance.fen for x in api.ledger.balance().balances if x.balance}
    expected = expected_balances(a + b)
    assert balances == {k: v for k, v in expected.items() if v}
    assert report.head_hash in {s["head"] for s in summaries}, "the last post's head is the head"

    with closing(sqlite3.connect(db)) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM entries ORDER BY id")]
        assert ids == list(range(1, 2 * N + 1)), "the chain is one line with no gaps"
        external = {r[0] for r in conn.execute("SELECT external_id FROM entries")}
        assert external == {r["external_id"] for r in a + b}
        # Each post is one transaction, so each file's entries sit together in the chain.
        actors = [r[0] for r in conn.execute("SELECT actor FROM entries ORDER BY id")]
        assert actors[0] != actors[-1]
        assert actors == [actors[0]] * N + [actors[-1]] * N


def test_the_same_file_posted_twice_at_once_is_recorded_once(db: Path, tmp_path: Path) -> None:
    records = list(bulk_records(N, "same"))
    path = write_jsonl(tmp_path / "same.jsonl", records)
    summaries = post_at_once(db, path, path)
    assert sorted((s["posted"], s["already_recorded"]) for s in summaries) == [(0, N), (N, 0)]
    with commons.connect(db, read_only=True) as api:
        report = api.audit.verify()
        assert report.ok and report.entries == N
        balances = {x.account: x.balance.fen for x in api.ledger.balance().balances if x.balance}
    assert balances == {k: v for k, v in expected_balances(records).items() if v}
