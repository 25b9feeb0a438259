"""The migration that keeps the marketplace's subsidy use running fills it from the orders a
book recorded before it: what each programme paid in the month, in all and per resident, with
an order refunded in full left out."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from market_helpers import at, marketplace, order

import commons
from commons.money import Money
from commons.store.market_usage import MARKET_USAGE
from commons.store.schema import MIGRATIONS


def _used(api: commons.Books) -> dict[str | None, Money]:
    with api.session.reader.read() as t:
        return {who: t.market.subsidy_used("meal-80", "2026-11", who)
                for who in (None, "r-yu", "r-jiang")}


def test_the_migration_fills_the_running_figures_from_the_orders(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    api = marketplace(db, tmp_path)
    for oid in ("o1", "o2", "o3"):
        order(api, oid)
    api.market.event("o3", "dispute", at=at(4))
    api.market.event("o3", "resolve", at=at(5))  # in full: its subsidy is given back
    before = _used(api)
    assert before == {None: Money.yuan("7.20"), "r-yu": Money.yuan("7.20"),
                      "r-jiang": Money.zero()}
    api.close()
    # The book as it was before the migration: what it and every later one created is dropped.
    version = MIGRATIONS.index(MARKET_USAGE)
    later = " ".join(" ".join(m) for m in MIGRATIONS[version:])
    with sqlite3.connect(db) as conn:
        for table in reversed(re.findall(r"CREATE TABLE (\w+)", later)):
            conn.execute(f"DROP TABLE {table}")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    again = commons.connect(db)
    try:
        assert _used(again) == before
    finally:
        again.close()
