"""The five duties in ``commons demo``: clear, collect, set aside, vote, sign and pay a cleaning
subsidy with two sign-offs, refuse the firm alone with its reason; again as a no-op; the books
verify."""

from __future__ import annotations

from pathlib import Path

import pytest

import commons
from commons import Money
from commons.clock import FixedClock
from commons.demo import run_demo
from commons.demo.revenue import CLEANING

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")


def test_the_demo_walks_the_five_duties_twice_and_verifies(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db", clock=FixedClock.parse("2027-01-05T09:00:00"),
                         actor="demo") as api:
        steps = run_demo(api).steps
        topics = [s.topic for s in steps]
        assert topics.index("clear") < topics.index("collect") < topics.index("use")
        text = "\n".join(line for step in steps for line in step.lines)
        assert "the account is never held in the firm's name" in text
        assert "paid as entry" in text and "resolution wjxc-r-cleaning" in text
        assert "only hj-property (firm) has approved it" in text
        assert "hj-property has already approved" in text
        assert "neither of them the owners' side" in text
        before = list(api.session.store.conn.iterdump())
        again = run_demo(api).steps
        assert list(api.session.store.conn.iterdump()) == before
        collect = next(s for s in again if s.topic == "collect")
        assert "collected Q4 2026: 0 incomes posted, 11 already recorded" in collect.lines[-1]
        assert api.revenue.show(CLEANING).disbursement is not None
        assert api.revenue.show("zy-1-stair-lights").disbursement is None
        balance = api.revenue.balance("wjxc")
        assert balance.available.fen >= 0 and balance.maintenance_due == Money(0)
        assert api.revenue.balance("zy-1").bank == Money.yuan("1860.00")
        assert api.audit.verify().ok
