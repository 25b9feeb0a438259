"""``commons db status`` and ``commons db migrate`` on both stores: one list of versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, as_json, ok, pg_book

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
    book = url.split("book=")[1]
    store = PgStore.open(url, create=True)  # at the newest; undo the last version by hand
    store.close()
    pg_server.psql(f"SET search_path = {book}; DROP TABLE account_redatings CASCADE; "
                   "DROP FUNCTION account_redatings_append_only_update_refuse(); "
                   "DROP FUNCTION account_redatings_append_only_delete_refuse(); "
                   f"UPDATE schema_version SET version = {SCHEMA_VERSION - 1}", db="commons")
    status = as_json(ok(cli("--db", url, "--json", "db", "status", db=False)))
    assert status["pending"] == 1
    moved = as_json(ok(cli("--db", url, "--json", "db", "migrate", db=False)))
    assert (moved["before"]["schema_version"], moved["after"]["schema_version"]) == (
        SCHEMA_VERSION - 1, SCHEMA_VERSION)
