"""Where the bundle's firm serves on the marketplace, its month there is an input to the
monthly tri-party evaluation: repair call-outs that missed their service levels and complaints,
in the bundle's compounds only, lower the score and with it the performance pay."""

from __future__ import annotations

from pathlib import Path

import pytest
from market_helpers import at, marketplace, order

import commons
from commons.app import MarketRecord
from commons.money import Money

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def api(tmp_path: Path) -> commons.Books:
    api = marketplace(tmp_path / "m.db", tmp_path)
    api.contracts.add_bundle("jx", compounds=["jx171"], name="江西路171号院")
    api.contracts.sign("k-jx", bundle="jx", firm="shinan-pm", starts_on="2026-01-01",
                       ends_on="2026-12-31", regime="lump_sum", unit_price="0.60")
    return api


def _repairs(api: commons.Books) -> None:
    """Three call-outs in the bundle (one accepted after 45 minutes, past the 30 a repair
    allows; one disputed) and a disputed one in Laoshan, outside it."""
    order(api, "fix-1", service="fix", resident=None, day=3)
    order(api, "fix-3", service="fix", resident=None, day=5)
    m = api.market
    m.place_order("fix-2", service="fix", household="jx171-102", at=at(4, 9))
    for step, minute in (("accept", 45), ("start", 50), ("complete", 55)):
        m.event("fix-2", step, at=at(4, 9, minute))
    m.event("fix-3", "dispute", at=at(6), comment="又漏水了")
    order(api, "fix-ls", service="fix", household="ls-1-101", resident=None, day=7)
    m.event("fix-ls", "dispute", at=at(8))


def test_the_firm_s_marketplace_month_lowers_its_score_and_pay(api: commons.Books) -> None:
    _repairs(api)
    scored = api.contracts.evaluate("k-jx", "2026-11", street_office="90", community="80",
                                    committee="70")
    assert scored.market == MarketRecord(orders=3, levels_measured=3, levels_met=2,
                                         complaints=1)
    assert scored.weighted == 81 and scored.market.deduction == 10 and scored.score == 71
    settled = api.contracts.settle("k-jx", "2026-11").settlement
    assert settled.score == 71 and settled.market == scored.market
    # 0.60 a m² on 148 m² is 88.80: 70% base, and 71% of the rest's 26.64 earned.
    assert (settled.base, settled.performance_due) == (Money.yuan("62.16"), Money.yuan("26.64"))
    assert settled.performance_paid == Money.yuan("18.91")


def test_a_quiet_month_or_a_firm_with_no_marketplace_changes_nothing(api: commons.Books
                                                                     ) -> None:
    quiet = api.contracts.evaluate("k-jx", "2026-10", street_office="90", community="80",
                                   committee="70")
    assert quiet.market == MarketRecord(0, 0, 0, 0) and quiet.score == quiet.weighted == 81
    api.contracts.add_firm("other", name="别家物业")
    api.contracts.sign("k-2", bundle="jx", firm="other", starts_on="2026-01-01",
                       ends_on="2026-12-31", regime="lump_sum", unit_price="0.60")
    _repairs(api)
    other = api.contracts.evaluate("k-2", "2026-11", street_office="90", community="80",
                                   committee="70")
    assert other.market is None and other.score == 81
