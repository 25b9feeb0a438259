"""Bundled contracts: the catalog, contract terms, evaluations and performance pay, the
blacklist and bids, and monthly settlement posted to the ledger once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import WriteFile, raises
from hypothesis import given
from hypothesis import strategies as st
from test_estate import ESTATE

import commons
from commons import ConflictError, InvalidInput, Money, NotFound, Problems, RefusedByRule
from commons.clock import FixedClock
from commons.contracts.catalog import DEFAULT_CATALOG, CostDriver
from commons.contracts.contract import BundleContract, Regime
from commons.contracts.evaluation import (
    Bid,
    Evaluation,
    PartyScore,
    Tender,
    blacklisting,
    check_bid,
    performance_pay,
)
from commons.contracts.settlement import settle
from commons.errors import ErrorCode
from commons.periods import Period

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLOCK = FixedClock.parse("2026-06-01T12:00:00")
OCT = Period(2026, 10)
AREAS = {"wjxc": Decimal("147.57"), "zy-1": Decimal("88.05")}  # the sample estate's floor areas


def contract(**changes: object) -> BundleContract:
    terms: dict[str, object] = {
        "id": "k1", "bundle": "yh", "firm": "f1", "starts_on": dt.date(2026, 7, 1),
        "ends_on": dt.date(2027, 6, 30), "regime": Regime.LUMP_SUM,
        "unit_price": Money.parse("0.80"), "base_percent": Decimal(70)}
    terms.update(changes)
    return BundleContract(**terms)  # type: ignore[arg-type]


def evaluation(a: str = "90", b: str = "80", c: str = "70") -> Evaluation:
    return Evaluation("k1", OCT, Decimal(a), Decimal(b), Decimal(c))


# --- catalog and terms ---------------------------------------------------------------------------

def test_the_default_catalog_has_seed_000s_7_categories_and_23_items() -> None:
    assert len(DEFAULT_CATALOG.categories) == 7
    assert len(DEFAULT_CATALOG.items) == 23
    assert {c.id for c in DEFAULT_CATALOG.categories} >= {
        "repairs", "order", "sanitation", "greening", "facilities", "parking", "customer"}
    assert all(DEFAULT_CATALOG.in_category(c.id) for c in DEFAULT_CATALOG.categories)
    assert {i.driver for i in DEFAULT_CATALOG.items} == set(CostDriver)
    with raises(NotFound, ErrorCode.NOT_FOUND):
        DEFAULT_CATALOG.select(["cleaning", "massage"])


@pytest.mark.parametrize(("percent", "ok"), [("4.99", False), ("5", True), ("7.5", True),
                                             ("10", True), ("10.01", False)])
def test_a_commission_is_5_to_10_percent(percent: str, ok: bool) -> None:
    make = lambda: contract(regime=Regime.COMMISSION,  # noqa: E731
                            commission_percent=Decimal(percent))
    if ok:
        assert make().commission_percent == Decimal(percent)
    else:
        with raises(InvalidInput, ErrorCode.INVALID_INPUT):
            make()


@pytest.mark.parametrize(("changes", "field"), [
    ({"regime": Regime.COMMISSION}, "commission_percent"),
    ({"commission_percent": Decimal(8)}, "commission_percent"),
    ({"weights": (40, 30, 20)}, "weights"),
    ({"ends_on": dt.date(2026, 6, 30)}, "ends_on"),
    ({"unit_price": Money(0)}, "unit_price"),
    ({"base_percent": Decimal(101)}, "base_percent"),
])
def test_impossible_terms_are_refused_naming_the_field(changes: dict[str, object],
                                                       field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        contract(**changes)
    assert caught.value.field == field


# --- evaluations and the blacklist ---------------------------------------------------------------

def test_the_weighted_score_and_performance_pay_are_exact() -> None:
    assert evaluation().score((40, 30, 30)) == 81  # 36 + 24 + 21
    assert evaluation("90.5", "80", "70").score((40, 30, 30)) == Fraction(8120, 100)
    assert performance_pay(Money.parse("1000.00"), Fraction(81)) == Money.parse("810.00")
    # 0.01 x 1/2 = half a fen: halves round up
    assert performance_pay(Money(1), Fraction(50)) == Money(1)
    assert performance_pay(Money(3), Fraction(100, 3)) == Money(1)


@given(st.integers(0, 10**10), st.fractions(0, 100))
def test_performance_pay_follows_the_score_within_half_a_fen(fen: int, score: Fraction) -> None:
    pay = performance_pay(Money(fen), score)
    assert abs(pay.fen - fen * score / 100) <= Fraction(1, 2)
    assert performance_pay(Money(fen), Fraction(0)) == Money(0)
    assert performance_pay(Money(fen), Fraction(100)) == Money(fen)
    assert performance_pay(Money(fen), min(Fraction(100), score + 1)) >= pay


@pytest.mark.parametrize(("score", "listed"), [("0", True), ("5.99", True), ("6", False),
                                               ("6.00", False), ("9.5", False)])
def test_a_party_score_below_6_blacklists(score: str, listed: bool) -> None:
    entry = blacklisting(PartyScore("f1", 2026, Decimal(score), dt.date(2026, 12, 20), ""))
    assert (entry is not None) is listed
    if entry is not None:
        assert entry.listed_on == dt.date(2026, 12, 20)
        assert "below 6" in entry.reason


def test_a_blacklisted_firm_cannot_bid_but_could_before_it_was_listed() -> None:
    tender = Tender("t1", "yh", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    listed = blacklisting(PartyScore("f1", 2025, Decimal(5), dt.date(2026, 3, 1), "careless"))
    check_bid(tender, Bid("t1", "f1", Money(80), dt.date(2026, 2, 28)), listed)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        check_bid(tender, Bid("t1", "f1", Money(80), dt.date(2026, 3, 1)), listed)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        check_bid(tender, Bid("t1", "f1", Money(80), dt.date(2027, 1, 1)), None)


# --- settlement (domain) -------------------------------------------------------------------------

def test_lump_sum_pays_the_price_base_plus_performance() -> None:
    s = settle(contract(), OCT, areas=AREAS, evaluation=evaluation())
    price = round(Fraction(80) * Fraction("235.62"))  # 0.80 x 235.62 m² = 188.50 (18849.6 fen)
    assert s.costs == Money(price) == Money(18850)
    assert s.base == Money(round(Fraction(price * 70, 100)))  # 131.95
    assert s.performance_due == s.costs - s.base
    assert s.performance_paid == Money(round(s.performance_due.fen * Fraction(81, 100)))
    assert s.paid == s.base + s.performance_paid
    assert s.surplus is None and s.surplus_to == "firm"
    assert s.entry is not None
    assert sum(p.amount.fen for p in s.entry.postings if p.amount.fen > 0) == s.paid.fen


def test_commission_pays_costs_plus_commission_and_the_surplus_is_the_owners() -> None:
    k = contract(regime=Regime.COMMISSION, commission_percent=Decimal(8))
    s = settle(k, OCT, areas=AREAS, evaluation=evaluation(), costs=Money.parse("1000.00"),
               fees_collected=Money.parse("1200.00"))
    assert s.commission == Money.parse("80.00")
    assert s.base == Money.parse("56.00")
    assert s.performance_paid == Money.parse("19.44")  # 24.00 x 81%
    assert s.paid == Money.parse("1075.44")
    assert (s.surplus, s.surplus_to) == (Money.parse("124.56"), "owners")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        settle(k, OCT, areas=AREAS, evaluation=evaluation())
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        settle(contract(), OCT, areas=AREAS, evaluation=evaluation(), costs=Money(1))


@given(st.integers(1, 10**6), st.integers(0, 10_000), st.integers(0, 10**9),
       st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 10**8),
                       min_size=1).filter(lambda d: any(d.values())),
       st.integers(0, 100), st.booleans())
def test_settlement_entries_balance_and_pay_what_the_regime_says(
        price_fen: int, base_hundredths: int, costs: int, area_hundredths: dict[str, int],
        score: int, commission: bool) -> None:
    k = contract(unit_price=Money(price_fen), base_percent=Decimal(base_hundredths).scaleb(-2),
                 **({"regime": Regime.COMMISSION, "commission_percent": Decimal(6)}
                    if commission else {}))
    areas = {c: Decimal(a).scaleb(-2) for c, a in area_hundredths.items()}
    s = settle(k, OCT, areas=areas, evaluation=evaluation(str(score), str(score), str(score)),
               costs=Money(costs) if commission else None)
    assert s.paid == (s.costs if commission else Money(0)) + s.base + s.performance_paid
    assert s.base + s.performance_due == (s.commission if commission else s.costs)
    if s.entry is None:
        assert s.paid == Money(0)
        return
    assert sum(p.amount.fen for p in s.entry.postings) == 0
    assert -sum(p.amount.fen for p in s.entry.postings if p.amount.fen < 0) == s.paid.fen
    assert {p.account.rsplit(":", 1)[1] for p in s.entry.postings} <= set(areas)


def test_settlement_outside_the_term_or_without_area_is_refused() -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        settle(contract(), Period(2026, 6), areas=AREAS, evaluation=evaluation())
    with raises(RefusedByRule, ErrorCode.REFUSED):
        settle(contract(), OCT, areas={"x": Decimal(0)}, evaluation=evaluation())


# --- use cases -----------------------------------------------------------------------------------

@pytest.fixture
def api(tmp_path: Path, write_file: WriteFile) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "contracts.db", clock=CLOCK) as handle:
        handle.estate.import_files([(kind, write_file(f"{kind}.csv", text))
                                    for kind, text in ESTATE.items()])
        handle.contracts.add_firm("f1", name="新南北物业")
        handle.contracts.add_firm("f2", name="君尚物业")
        handle.contracts.add_bundle("yh", compounds=["zy-1", "wjxc"], name="雨花连片")
        yield handle


def signed(api: commons.Books, **changes: object) -> BundleContract:
    terms: dict[str, object] = {"bundle": "yh", "firm": "f1", "starts_on": dt.date(2026, 7, 1),
                                "ends_on": dt.date(2027, 6, 30), "regime": "lump_sum",
                                "unit_price": "0.80"}
    terms.update(changes)
    return api.contracts.sign(str(terms.pop("id", "k1")), **terms)  # type: ignore[arg-type]


def test_records_are_idempotent_and_conflicts_refused(api: commons.Books) -> None:
    assert api.contracts.add_firm("f1", name="新南北物业").name == "新南北物业"
    with pytest.raises(ConflictError):
        api.contracts.add_firm("f1", name="another")
    assert [b.compounds for b in api.contracts.bundles()] == [("zy-1", "wjxc")]
    with pytest.raises(ConflictError):
        api.contracts.add_bundle("yh", compounds=["wjxc"])
    with raises(NotFound, ErrorCode.NOT_FOUND):
        api.contracts.add_bundle("b2", compounds=["nowhere"])
    k = signed(api, items=["cleaning", "manager"], weights="50,25,25", base_percent="60")
    assert api.contracts.show("k1") == k == signed(api, items=["manager", "cleaning"],
                                                   weights="50,25,25", base_percent="60")
    assert k.items == ("cleaning", "manager") and k.weights == (50, 25, 25)
    with pytest.raises(ConflictError):
        signed(api, unit_price="0.90")
    with raises(NotFound, ErrorCode.NOT_FOUND):
        signed(api, id="k2", firm="f9")


def test_a_blacklisted_firm_cannot_bid_through_the_api(api: commons.Books) -> None:
    api.contracts.tender("t1", bundle="yh", closes_on=dt.date(2026, 6, 30))
    assert api.contracts.bid("t1", firm="f2", unit_price="0.75").firm == "f2"
    fine = api.contracts.party_score("f1", year=2025, score="6", reason="")
    assert fine.blacklisted is None
    outcome = api.contracts.party_score("f1", year=2026, score="5.5", reason="党组织考评不合格")
    assert outcome.blacklisted is not None
    assert [(e.firm, e.listed_on, e.reason) for e in api.contracts.blacklist()] == [
        ("f1", dt.date(2026, 6, 1), "党组织考评不合格")]
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.contracts.bid("t1", firm="f1", unit_price="0.70")
    with raises(RefusedByRule, ErrorCode.REFUSED):
        signed(api, id="k9", starts_on=dt.date(2026, 6, 1))
    assert [b.firm for b in api.contracts.bids("t1")] == ["f2"]
    with pytest.raises(InvalidInput) as caught:
        api.contracts.party_score("f2", year=2026, score="11")
    assert caught.value.field == "party"


def test_settlement_posts_once_through_the_ledger(api: commons.Books) -> None:
    signed(api)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.contracts.settle("k1", "2026-10")
    scored = api.contracts.evaluate("k1", "2026-10", street_office="90", community="80",
                                    committee="70")
    assert scored.score == 81
    first = api.contracts.settle("k1", "2026-10")
    assert (first.posted, first.already_recorded) == (1, 0)
    again = api.contracts.settle("k1", "2026-10")
    assert (again.posted, again.already_recorded) == (0, 1)
    assert again.settlement == first.settlement
    paid = first.settlement.paid
    payable = api.ledger.balance("liabilities:payable:firm")
    assert sum((b.balance for b in payable.balances), Money(0)) == -paid
    expense = api.ledger.balance("expenses:property-service")
    assert sum((b.balance for b in expense.balances), Money(0)) == paid
    assert {b.account for b in expense.balances} == {"expenses:property-service:wjxc",
                                                     "expenses:property-service:zy-1"}
    assert api.audit.verify().ok


def test_a_commission_settlement_changed_later_is_a_conflict(api: commons.Books) -> None:
    signed(api, regime="commission", commission_percent="8")
    api.contracts.evaluate("k1", OCT, street_office="100", community="100", committee="100")
    report = api.contracts.settle("k1", OCT, costs="1000.00")
    assert report.settlement.paid == Money.parse("1080.00")
    commission = api.ledger.balance("expenses:firm-commission")
    assert sum((b.balance for b in commission.balances), Money(0)) == Money.parse("80.00")
    with raises(Problems, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.contracts.settle("k1", OCT, costs="1100.00")
    with pytest.raises(ConflictError):
        api.contracts.evaluate("k1", OCT, street_office="10", community="100", committee="100")
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.contracts.evaluate("k1", "2026-05", street_office="1", community="1", committee="1")
