"""``commons db status`` and ``commons db migrate`` on both stores: one list of versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, as_json, ok, pg_book, raises, refused_json

from commons.errors import ErrorCode, RefusedByRule
from commons.store import SCHEMA_VERSION


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, db_path: Path) -> str:
    if request.param == "sqlite":
        return str(db_path)
    return pg_book(request.getfixturevalue("pg_server"), db_path)


def test_status_then_migrate_then_status(cli: Invoke, where: str) -> None:
    before = as_json(ok(cli("--db", where, "--json", "db", "status", db=False)))
    assert (before["schema_version"], before["pending"]) == (None, SCHEMA_VERSION)
    moved = as_json(ok(cli("--db", where, "--json", "db", "migrate", db=False)))
    assert moved["after"]["schema_version"] == SCHEMA_VERSION
    after = as_json(ok(cli("--db", where, "--json", "db", "status", db=False)))
    assert (after["schema_version"], after["pending"]) == (SCHEMA_VERSION, 0)
    assert after["store"] == ("postgresql" if "://" in where else "sqlite")
    assert "up to date" in ok(cli("--db", where, "db", "status", db=False)).output


def test_a_book_left_at_an_old_version_is_moved_forward(pg_server: Any, db_path: Path,
                                                       cli: Invoke) -> None:
    from commons.store.pg import PgStore

    url = pg_book(pg_server, db_path)
    store = PgStore.open(url, create=True)  # at the newest; undo the last version by hand
    store.close()
    pg_server.undo_newest_version(url.split("book=")[1])
    status = as_json(ok(cli("--db", url, "--json", "db", "status", db=False)))
    assert status["pending"] == 1
    moved = as_json(ok(cli("--db", url, "--json", "db", "migrate", db=False)))
    assert (moved["before"]["schema_version"], moved["after"]["schema_version"]) == (
        SCHEMA_VERSION - 1, SCHEMA_VERSION)


def test_copy_a_file_to_a_server_book_and_back(cli: Invoke, pg_server: Any, db_path: Path,
                                               tmp_path: Path) -> None:
    ok(cli("demo"))
    url = pg_book(pg_server, tmp_path / "copy")
    there = as_json(ok(cli("--json", "db", "copy", str(db_path), url, db=False)))
    assert there["rows"] > 100
    back = tmp_path / "back.db"
    again = as_json(ok(cli("--json", "db", "copy", url, str(back), db=False)))
    assert again["rows"] == there["rows"]
    for where in (url, str(back)):
        verified = as_json(ok(cli("--db", where, "--json", "audit", "verify", db=False)))
        original = as_json(ok(cli("--json", "audit", "verify")))
        assert verified["ok"] and verified["head"] == original["head"]
        assert as_json(ok(cli("--db", where, "--json", "ledger", "balance", db=False))) == \
            as_json(ok(cli("--json", "ledger", "balance")))
    refused_json(cli("--json", "db", "copy", str(db_path), url, db=False), ErrorCode.CONFLICT)


def test_a_copy_that_differs_is_refused_naming_the_difference(tmp_path: Path) -> None:
    import datetime as dt

    import commons
    from commons import Entry, Money, Posting
    from commons.store import open_store
    from commons.store.copying import _compare

    def post(books: commons.Books, n: int) -> None:
        books.ledger.post([Entry(dt.date(2026, 3, 1), "fee", (
            Posting("assets:bank:co-managed:wjxc", Money(100)),
            Posting("income:parking:wjxc", Money(-100))), f"x-{n}")])

    with commons.connect(tmp_path / "a.db") as a:
        a.ledger.chart("wjxc")
        post(a, 1)
        a.db.copy(str(tmp_path / "b.db"))
        post(a, 2)
    one, other = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    with one.read() as src, other.read() as dst, raises(RefusedByRule, ErrorCode.STORAGE,
                                                            match="entry 2"):
        _compare(src, dst, "a", "b")
    one.close()
    other.close()


def test_a_file_has_no_roles_to_grant(cli: Invoke) -> None:
    ok(cli("init"))
    refused_json(cli("--json", "db", "grant", "clerk"), ErrorCode.STORAGE)
