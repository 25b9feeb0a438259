"""The five duties' demo steps (for the lead to wire into ``commons demo``): they run on a new
database and again as a no-op, pay the cleaning subsidy with two sign-offs, refuse the firm
alone with its reason, and leave books that verify."""

from __future__ import annotations

from pathlib import Path

import commons
from commons import Money
from commons.api.demo_revenue import CLEANING, revenue_demo_steps
from commons.clock import FixedClock


def test_the_revenue_demo_runs_twice_and_verifies(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db", clock=FixedClock.parse("2027-01-05T09:00:00"),
                         actor="demo") as api:
        steps = revenue_demo_steps(api)
        text = "\n".join(line for step in steps for line in step.lines)
        assert "the account is never held in the firm's name" in text
        assert "paid as entry" in text and "resolution wjxc-r-cleaning" in text
        assert "only hj-property (firm) has approved it" in text
        assert "hj-property has already approved" in text
        assert "neither of them the owners' side" in text
        before = list(api.store.conn.iterdump())
        again = revenue_demo_steps(api)
        assert list(api.store.conn.iterdump()) == before
        assert "collected Q4 2026: 0 incomes posted, 11 already recorded" in again[0].lines[4]
        assert api.revenue_show(CLEANING).disbursement is not None
        assert api.revenue_show("zy-1-stair-lights").disbursement is None
        assert api.revenue_balance("wjxc").available.fen >= 0
        assert api.revenue_balance("zy-1").bank == Money.yuan("1860.00")
        assert api.audit_verify().ok
