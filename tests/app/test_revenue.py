"""The five duties through the api: collections split exactly and idempotent, bad collection
files refused whole by file:line:field, the quarterly set-aside at least its share, clearing and
the opening balance, signers, holder and limit, and every refusal on the way of a payment, each
changing nothing; and the statement an audit reads."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from revenue_helpers import COLLECTIONS_HEADER, build_estate, collections_csv, resolution
from strategies import income_fen, percents, sharing_rules

import commons
from commons import ConflictError, InvalidInput, Money, NotFound, Problems, RefusedByRule
from commons.app import SharingRule
from commons.clock import FixedClock
from commons.errors import ErrorCode
from commons.revenue.income import Quarter, default_rule, quarter_dues

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLOCK = FixedClock.parse("2026-12-01T10:00:00")
NOV = dt.date(2026, 11, 30)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "r.db", clock=CLOCK, actor="committee") as handle:
        build_estate(handle, tmp_path)
        yield handle


def snapshot(api: commons.Books) -> list[str]:
    return list(api.session.store.conn.iterdump())


def income(api: commons.Books, tmp_path: Path, *rows: str, name: str = "in.csv") -> None:
    api.revenue.collect(collections_csv(tmp_path, rows, name))


def signers(api: commons.Books, compound: str = "wjxc") -> None:
    api.revenue.add_signer(compound, "wang", role="self-management-committee", name="王")
    api.revenue.add_signer(compound, "li", role="owners-committee")
    api.revenue.add_signer(compound, "sq", role="community")
    api.revenue.add_signer(compound, "firm1", role="firm")
    api.revenue.add_signer(compound, "firm2", role="firm")


# --- collect: the split -------------------------------------------------------------------------


@given(fen=income_fen, rule=sharing_rules())
def test_a_collection_splits_exactly_into_commission_and_owners_share(fen: int,
                                                                      rule: SharingRule) -> None:
    commission, owners = rule.split(Money(fen))
    assert commission + owners == Money(fen)
    exact = Decimal(fen) * rule.commission_percent / 100
    assert abs(Decimal(commission.fen) - exact) < 1
    assert commission.fen >= 0 and owners.fen >= 0


@given(net=st.integers(min_value=-10**9, max_value=10**12), share=percents)
def test_the_set_aside_is_never_below_its_share(net: int, share: Decimal) -> None:
    rule = SharingRule("wjxc", dt.date(2026, 1, 1), Decimal(0), maintenance_percent=share)
    due = rule.maintenance_due(Money(net))
    if net <= 0:
        assert due == Money(0)
    else:
        assert Decimal(due.fen) >= Decimal(net) * share / 100 > Decimal(due.fen) - 1
        assert due.fen <= net


@pytest.mark.parametrize(("commission", "cap"), [("30.01", "30"), ("10", "9.99"), ("100", "0")])
def test_a_commission_above_its_cap_is_refused(commission: str, cap: str) -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        SharingRule("wjxc", dt.date(2026, 1, 1), commission, cap)


@pytest.mark.parametrize("text", ["-1", "100.01", "12.345", "ten", "1e1", "NaN"])
def test_a_percentage_out_of_range_or_too_fine_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        SharingRule("wjxc", dt.date(2026, 1, 1), text)


def test_collect_posts_income_and_commission_by_resource_kind(api: commons.Books,
                                                              tmp_path: Path) -> None:
    api.revenue.rule("wjxc", commission_percent="10", effective_from=dt.date(2026, 1, 1))
    path = collections_csv(tmp_path, [
        "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,1234.57,hospital,tidal parking",
        "ad-1,2026-10-05,wjxc,wjxc-ad1,2026-10,4500.00,adco,",
        "rm-1,2026-10-06,wjxc,wjxc-room1,2026-10,800.00,,",
        "bs-1,2026-10-07,wjxc,wjxc-bs1,2026-10,0.03,telecom,"])
    summary = api.revenue.collect(path)
    assert (summary.posted, summary.already_recorded) == (4, 0)
    assert summary.income == Money.yuan("6534.60")
    # 10% of each, each split on its own: 123.46 + 450.00 + 80.00 + 0.00
    assert summary.commission == Money.yuan("653.46")
    balances = {b.account: b.balance for b in api.ledger.balance(compound="wjxc").balances}
    assert balances["assets:bank:co-managed:wjxc"] == Money.yuan("6534.60")
    assert balances["income:parking:wjxc"] == Money.yuan("-1234.57")
    assert balances["income:advertising:wjxc"] == Money.yuan("-4500.00")
    assert balances["income:rent:wjxc"] == Money.yuan("-800.00")
    assert balances["income:services:wjxc"] == Money.yuan("-0.03")
    assert balances["liabilities:payable:operator:wjxc"] == Money.yuan("-653.46")
    trail = api.ledger.trail("income:parking:wjxc")
    assert trail[0].external_id == "pk-1" and "payer: hospital" in trail[0].memo


def test_collecting_again_is_already_recorded_and_changes_nothing(api: commons.Books,
                                                                  tmp_path: Path) -> None:
    path = collections_csv(tmp_path, ["pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,",
                                      "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,"])
    first = api.revenue.collect(path)
    before = snapshot(api)
    again = api.revenue.collect(path)
    assert (first.posted, again.posted, again.already_recorded) == (1, 0, 1)
    assert snapshot(api) == before


def test_the_same_external_id_with_another_amount_is_a_conflict(api: commons.Books,
                                                                tmp_path: Path) -> None:
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,")
    before = snapshot(api)
    path = collections_csv(tmp_path, ["pk-2,2026-10-04,wjxc,wjxc-p1,2026-10,5.00,,",
                                      "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.01,,"], "b.csv")
    with pytest.raises(Problems) as info:
        api.revenue.collect(path)
    assert isinstance(info.value.problems[0], ConflictError)
    assert f"{path}:3: field 'external_id'" in str(info.value)
    assert snapshot(api) == before


BAD_ROWS = [
    ("x,2026-10-03,nowhere,wjxc-p1,2026-10,1.00,,", "compound", ErrorCode.INVALID_INPUT),
    ("x,2026-10-03,wjxc,nothing,2026-10,1.00,,", "resource", ErrorCode.INVALID_INPUT),
    ("x,2026-10-03,wjxc,zy-1-p1,2026-10,1.00,,", "resource", ErrorCode.INVALID_INPUT),
    ("x,2026-10-03,wjxc,wjxc-p1,2026-10,-1.00,,", "amount", ErrorCode.INVALID_AMOUNT),
    ("x,2026-10-03,wjxc,wjxc-p1,2026-10,0.00,,", "amount", ErrorCode.INVALID_AMOUNT),
    ("x,2026-10-03,wjxc,wjxc-p1,2026-10,1.005,,", "amount", ErrorCode.INVALID_AMOUNT),
    ("x,2026-10-03,wjxc,wjxc-p1,2026-10,1.5e2,,", "amount", ErrorCode.INVALID_AMOUNT),
    ("x,2026-13-03,wjxc,wjxc-p1,2026-10,1.00,,", "date", ErrorCode.INVALID_DATE),
    ("x,3 Oct,wjxc,wjxc-p1,2026-10,1.00,,", "date", ErrorCode.INVALID_DATE),
    ("x,2026-10-03,wjxc,wjxc-p1,2026-13,1.00,,", "period", ErrorCode.INVALID_DATE),
    ("x,2026-10-03,wjxc,wjxc-p1,Oct,1.00,,", "period", ErrorCode.INVALID_DATE),
    (",2026-10-03,wjxc,wjxc-p1,2026-10,1.00,,", "external_id", ErrorCode.INVALID_INPUT),
]


def test_excel_dates_in_a_gbk_file_are_collected(api: commons.Books, tmp_path: Path) -> None:
    """Issue 16 item 9: ``revenue collect`` refused ``2026/10/3`` (what Excel in a Chinese locale
    writes) and a GBK file; it reads them as the statement import does."""
    path = tmp_path / "excel.csv"
    rows = ["x-1,2026/10/3,wjxc,wjxc-p1,2026-10,100.00,王,停车费",
            "x-2,20261004,wjxc,wjxc-p1,2026-10,50.00,,",
            "x-3,2026.10.5,wjxc,wjxc-p1,2026-10,1.00,,"]
    path.write_bytes(("\n".join([COLLECTIONS_HEADER.strip(), *rows]) + "\n").encode("gbk"))
    done = api.revenue.collect(path)
    assert (done.posted, done.income) == (3, Money.parse("151.00"))


@pytest.mark.parametrize(("row", "field", "code"), BAD_ROWS)
def test_a_bad_collection_line_is_named_and_nothing_is_posted(
        api: commons.Commons, tmp_path: Path, row: str, field: str, code: ErrorCode) -> None:
    path = collections_csv(tmp_path, ["ok-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,", row])
    before = snapshot(api)
    with pytest.raises(Problems) as info:
        api.revenue.collect(path)
    assert f"{path}:3: field '{field}'" in str(info.value)
    assert info.value.code == code
    assert snapshot(api) == before


def test_every_bad_line_is_reported_at_once(api: commons.Books, tmp_path: Path) -> None:
    path = collections_csv(tmp_path, [r for r, _, _ in BAD_ROWS[:4]])
    with pytest.raises(Problems) as info:
        api.revenue.collect(path)
    assert [p.line for p in info.value.problems] == [2, 3, 4, 5]


def test_the_refusal_counts_every_line_of_the_file(api: commons.Books, tmp_path: Path) -> None:
    path = collections_csv(tmp_path, ["ok-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,"]
                           + [r for r, _, _ in BAD_ROWS[:4]])
    with raises(Problems, ErrorCode.SEVERAL):
        api.revenue.collect(path)


def test_income_into_a_closed_month_is_named_by_its_line(api: commons.Books,
                                                         tmp_path: Path) -> None:
    api.ledger.close_period("2026-09")
    path = collections_csv(tmp_path, ["ok-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,",
                                      "late,2026-09-30,wjxc,wjxc-p1,2026-09,5.00,,"])
    before = snapshot(api)
    with pytest.raises(Problems) as info:
        api.revenue.collect(path)
    assert f"{path}:3: field 'date'" in str(info.value)
    assert info.value.code == ErrorCode.CLOSED_PERIOD
    assert snapshot(api) == before


def test_a_collection_file_without_its_columns_is_refused(api: commons.Books,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("external_id,date,compound,resource,amount\n", encoding="utf-8")
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE):
        api.revenue.collect(path)


def test_a_rule_cannot_change_how_recorded_income_was_split(api: commons.Books,
                                                            tmp_path: Path) -> None:
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,")
    with raises(RefusedByRule, ErrorCode.CLOSED_PERIOD):
        api.revenue.rule("wjxc", commission_percent="5", effective_from=dt.date(2026, 10, 3))
    rule = api.revenue.rule("wjxc", commission_percent="5", effective_from=dt.date(2026, 10, 4))
    assert api.revenue.rule("wjxc", commission_percent="5",
                            effective_from=dt.date(2026, 10, 4)) == rule
    with pytest.raises(ConflictError):
        api.revenue.rule("wjxc", commission_percent="6", effective_from=dt.date(2026, 10, 4))
    income(api, tmp_path, "pk-2,2026-10-05,wjxc,wjxc-p1,2026-10,100.00,,", name="b.csv")
    owed = api.revenue.balance("wjxc").owed_to_operator
    assert owed == Money.yuan("5.00")  # the first income under no rule, the second at 5%


# --- set-aside ----------------------------------------------------------------------------------


def test_set_aside_moves_at_least_the_share_of_net_revenue_once(api: commons.Books,
                                                                tmp_path: Path) -> None:
    api.revenue.rule("wjxc", commission_percent="10", maintenance_percent="50",
                     effective_from=dt.date(2026, 1, 1))
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.01,,",
           "pk-2,2026-08-03,wjxc,wjxc-p1,2026-08,999.00,,")
    done = api.revenue.set_aside("wjxc", "2026-Q4")
    # income 100.01, commission 10.00, net 90.01, half is 45.005: at least 45.01
    assert (done.due.net, done.amount, done.status) == (Money.yuan("90.01"),
                                                         Money.yuan("45.01"), "posted")
    trail = api.ledger.trail("equity:maintenance-fund:wjxc")
    assert [(t.external_id, t.amount, t.date) for t in trail] == [
        ("set-aside:wjxc:2026-Q4", Money.yuan("-45.01"), "2026-12-31")]
    before = snapshot(api)
    again = api.revenue.set_aside("wjxc", Quarter.parse("2026-Q4"))
    assert (again.amount, again.status) == (Money(0), "already recorded")
    assert snapshot(api) == before
    assert api.revenue.set_aside("wjxc", "2027-Q1").status == "nothing to set aside"


def test_income_booked_after_a_set_aside_is_topped_up(api: commons.Books,
                                                      tmp_path: Path) -> None:
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,")
    api.revenue.set_aside("wjxc", "2026-Q4")
    income(api, tmp_path, "pk-2,2026-11-03,wjxc,wjxc-p1,2026-11,10.00,,", name="late.csv")
    assert api.revenue.balance("wjxc").maintenance_due == Money.yuan("5.00")
    top_up = api.revenue.set_aside("wjxc", "2026-Q4")
    assert (top_up.amount, top_up.due.set_aside) == (Money.yuan("5.00"), Money.yuan("55.00"))
    assert api.revenue.balance("wjxc").maintenance_fund == Money.yuan("55.00")


def test_a_quarter_takes_the_share_in_effect_on_its_first_day() -> None:
    rules = [SharingRule("c", dt.date(2026, 1, 1), 0, maintenance_percent=50),
             SharingRule("c", dt.date(2026, 11, 15), 0, maintenance_percent=80)]
    dues = quarter_dues("c", {"2026-10": (1000, 0), "2027-01": (1000, 0)}, rules, {})
    assert [d.required.fen for d in dues.values()] == [500, 800]
    assert quarter_dues("c", {"2026-10": (1000, 0)}, [], {})[Quarter(2026, 4)].required.fen \
        == default_rule("c").maintenance_due(Money(1000)).fen == 500


# --- clear --------------------------------------------------------------------------------------


def test_clear_lists_earnings_idle_resources_and_unattributed_income(
        api: commons.Books, tmp_path: Path) -> None:
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,100.00,,",
           "pk-2,2026-11-03,wjxc,wjxc-p1,2026-11,20.00,,",
           "ad-1,2025-11-30,wjxc,wjxc-ad1,2025-11,999.00,,",  # a day before the window
           "ad-2,2025-12-01,wjxc,wjxc-ad1,2025-12,50.00,,")
    api.ledger.post([commons.Entry(dt.date(2026, 9, 1), "cash found in the kiosk", (
        commons.Posting("assets:bank:co-managed:wjxc", Money.yuan("7.00")),
        commons.Posting("income:rent:wjxc", Money.yuan("-7.00"))), "kiosk-cash",
        compound="wjxc")])
    report = api.revenue.clear("wjxc", as_of=NOV)
    assert report.since == dt.date(2025, 12, 1)
    earned = {r.resource: (r.earned, r.entries) for r in report.resources}
    assert earned == {"wjxc-p1": (Money.yuan("120.00"), 2), "wjxc-ad1": (Money.yuan("50.00"), 1),
                      "wjxc-p2": (Money(0), 0), "wjxc-room1": (Money(0), 0),
                      "wjxc-bs1": (Money(0), 0)}
    assert [r.resource for r in report.idle] == ["wjxc-bs1", "wjxc-p2", "wjxc-room1"]
    assert [(u.external_id, u.amount, u.reason) for u in report.unattributed] == [
        ("kiosk-cash", Money.yuan("7.00"), "names no resource")]
    assert (report.opening, report.opening_status) == (None, "none")


def test_clear_opens_the_chart_and_posts_the_opening_balance_once(api: commons.Books) -> None:
    report = api.revenue.clear("zy-1", as_of=NOV, opening="18650.00")
    assert (report.opening, report.opening_status) == (Money.yuan("18650.00"), "posted")
    trail = api.ledger.trail("equity:opening-balance:zy-1")
    assert [(t.external_id, t.amount) for t in trail] == [("opening:zy-1", Money.yuan("-18650.00"))]
    before = snapshot(api)
    later = api.revenue.clear("zy-1", as_of=dt.date(2026, 12, 31), opening="18650.00")
    assert later.opening_status == "already recorded"
    assert api.revenue.clear("zy-1", as_of=NOV).opening == Money.yuan("18650.00")
    assert snapshot(api) == before
    with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.revenue.clear("zy-1", as_of=NOV, opening="18650.01")
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        api.revenue.clear("wjxc", as_of=NOV, opening="-1.00")
    with pytest.raises(NotFound):
        api.revenue.clear("nowhere", as_of=NOV)


# --- manage -------------------------------------------------------------------------------------


def test_the_account_is_never_held_in_the_firms_name(api: commons.Books) -> None:
    before = snapshot(api)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.revenue.account_holder("zy-1", "green-firm", role="firm")
    assert snapshot(api) == before
    held = api.revenue.account_holder("zy-1", "zy-committee", role="业委会")
    assert held.role.value == "owners-committee"


def test_signers_are_recorded_once_in_one_role(api: commons.Books) -> None:
    signers(api)
    assert api.revenue.add_signer("wjxc", "wang", role="self-management-committee",
                                  name="王").role.owners_side
    with pytest.raises(ConflictError):
        api.revenue.add_signer("wjxc", "wang", role="community")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        api.revenue.add_signer("wjxc", "x", role="mayor")
    assert [s.id for s in api.revenue.signers("wjxc")] == ["firm1", "firm2", "li", "sq", "wang"]


def test_the_limit_is_set_by_a_resolution_passed_in_that_compound(api: commons.Books) -> None:
    resolution(api, "R-zy", compound="zy-1", matter="rules")
    resolution(api, "R-fail", matter="rules", votes=["yes", "no", "no"])
    resolution(api, "R-open", matter="rules", close=False)
    for rid in ("R-zy", "R-fail", "R-open"):
        with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
            api.revenue.limit("wjxc", "500.00", resolution=rid)
    with pytest.raises(NotFound):
        api.revenue.limit("wjxc", "500.00", resolution="R-none")
    resolution(api, "R-limit", matter="rules")
    assert api.revenue.limit("wjxc", "500.00", resolution="R-limit").amount == Money.yuan("500")


# --- use ----------------------------------------------------------------------------------------


@pytest.fixture
def funded(api: commons.Books, tmp_path: Path) -> commons.Books:
    """wjxc with 1000.00 collected (half due to maintenance), signers and a 300.00 limit."""
    income(api, tmp_path, "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,1000.00,,")
    signers(api)
    resolution(api, "R-limit", matter="rules")
    api.revenue.limit("wjxc", "300.00", resolution="R-limit")
    return api


def test_within_the_limit_the_committee_decides_with_two_roles(funded: commons.Books) -> None:
    funded.revenue.propose("S1", compound="wjxc", purpose="greening", amount="300.00",
                           payee="flower co-op")
    funded.revenue.approve("S1", signer="sq")
    status = funded.revenue.approve("S1", signer="wang")
    assert status.earmarked
    assert funded.revenue.balance("wjxc").available == Money.yuan("200.00")
    paid = funded.revenue.disburse("S1", date=NOV)
    assert (paid.authority.kind, paid.authority.signer) == ("committee", "wang")
    assert funded.revenue.balance("wjxc").available == Money.yuan("200.00")
    assert funded.revenue.balance("wjxc").bank == Money.yuan("700.00")
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        funded.revenue.disburse("S1", date=NOV)
    assert funded.audit.verify().ok


def test_above_the_limit_a_spending_needs_a_resolution(funded: commons.Books) -> None:
    before = snapshot(funded)
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="300.01",
                               payee="cleaners")
    assert snapshot(funded) == before


@pytest.mark.parametrize(("setup", "why"), [
    ({"compound": "zy-1", "matter": "use-public-revenue"}, "decided in zy-1"),
    ({"matter": "hire-firm"}, "not the use of public revenue"),
    ({"votes": ["yes", "no", "no"]}, "failed"),
])
def test_a_resolution_that_cannot_authorise_is_refused_at_once(
        funded: commons.Books, setup: dict[str, object], why: str) -> None:
    resolution(funded, "R1", **setup)  # type: ignore[arg-type]
    before = snapshot(funded)
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="400.00",
                               payee="cleaners", resolution="R1")
    assert snapshot(funded) == before


def test_one_resolution_authorises_one_spending(funded: commons.Books) -> None:
    resolution(funded, "R1")
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="400.00",
                           payee="cleaners", resolution="R1")
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        funded.revenue.propose("S2", compound="wjxc", purpose="repairs", amount="10.00",
                               payee="x", resolution="R1")
    resolution(funded, "R-limit-2", matter="other")
    funded.revenue.limit("wjxc", "200.00", resolution="R-limit-2")
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.propose("S3", compound="wjxc", purpose="repairs", amount="10.00",
                               payee="x", resolution="R-limit-2")
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.limit("wjxc", "1.00", resolution="R1")


def test_approvals_need_two_signers_of_two_roles_one_owners_side(funded: commons.Books) -> None:
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="100.00",
                           payee="cleaners")
    funded.revenue.approve("S1", signer="firm1")
    before = snapshot(funded)
    for signer, code in [("nobody", ErrorCode.NOT_AUTHORISED), ("firm1", ErrorCode.ALREADY_DONE),
                         ("firm2", ErrorCode.NOT_AUTHORISED), ("sq", ErrorCode.NOT_AUTHORISED)]:
        with raises(RefusedByRule, code):
            funded.revenue.approve("S1", signer=signer)
        assert snapshot(funded) == before
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.disburse("S1", date=NOV)
    funded.revenue.approve("S1", signer="li")
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        funded.revenue.approve("S1", signer="wang")


def test_a_resolution_must_have_passed_before_anyone_approves(funded: commons.Books) -> None:
    resolution(funded, "R1", close=False)
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="400.00",
                           payee="cleaners", resolution="R1")
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        funded.revenue.approve("S1", signer="wang")
    assert funded.revenue.tally("S1").passes
    assert funded.revenue.close_vote("S1").passes
    funded.revenue.approve("S1", signer="wang")
    funded.revenue.approve("S1", signer="sq")
    paid = funded.revenue.disburse("S1", date=NOV)
    assert (paid.authority.kind, paid.authority.resolution) == ("resolution", "R1")


def test_spending_over_the_available_balance_is_refused(funded: commons.Books) -> None:
    # 1000.00 collected, 500.00 of it the maintenance share: 500.00 available
    resolution(funded, "R1")
    resolution(funded, "R2")
    funded.revenue.propose("S1", compound="wjxc", purpose="repairs", amount="400.00",
                           payee="roofer", resolution="R1")
    funded.revenue.propose("S2", compound="wjxc", purpose="cleaning", amount="100.01",
                           payee="cleaners", resolution="R2")
    for sid in ("S1", "S2"):
        funded.revenue.approve(sid, signer="wang")
    funded.revenue.approve("S1", signer="sq")
    before = snapshot(funded)
    with raises(RefusedByRule, ErrorCode.INSUFFICIENT_FUNDS):
        funded.revenue.approve("S2", signer="sq")  # 400.00 is earmarked: not available twice
    assert snapshot(funded) == before
    funded.revenue.disburse("S1", date=NOV)
    assert funded.revenue.balance("wjxc").available == Money.yuan("100.00")


def test_vote_and_tally_need_a_resolution_to_act_on(funded: commons.Books) -> None:
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="10.00", payee="x")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        funded.revenue.resolution_of("S1")
    with pytest.raises(NotFound):
        funded.revenue.tally("S9")


def test_proposing_again_is_a_no_op_and_other_terms_a_conflict(funded: commons.Books) -> None:
    first = funded.revenue.propose("S1", compound="wjxc", purpose="expenses:cleaning",
                                   amount="10.00", payee="x")
    assert funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="10.00",
                                  payee="x") == first
    with pytest.raises(ConflictError):
        funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="11.00",
                               payee="x")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        funded.revenue.propose("S2", compound="wjxc", purpose="operator-commission",
                               amount="1.00", payee="x")


# --- audit --------------------------------------------------------------------------------------


def test_the_statement_shows_income_by_source_and_spending_with_authority(
        funded: commons.Books, tmp_path: Path) -> None:
    funded.revenue.clear("wjxc", as_of=dt.date(2026, 9, 30), opening="50.00")
    income(funded, tmp_path, "ad-1,2026-11-03,wjxc,wjxc-ad1,2026-11,200.00,,", name="b.csv")
    resolution(funded, "R1")
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="400.00",
                           payee="cleaners", resolution="R1")
    funded.revenue.approve("S1", signer="firm1")
    funded.revenue.approve("S1", signer="li")
    funded.revenue.disburse("S1", date=NOV)
    s = funded.revenue.statement("wjxc", period_from="2026-10", period_to="2026-11")
    assert (s.opening, s.closing) == (Money.yuan("50.00"), Money.yuan("850.00"))
    assert [(i.account, i.resource, i.amount) for i in s.income] == [
        ("income:advertising:wjxc", "wjxc-ad1", Money.yuan("200.00")),
        ("income:parking:wjxc", "wjxc-p1", Money.yuan("1000.00"))]
    [line] = s.spending
    assert (line.proposal, line.purpose, line.resolution, line.approvers) == (
        "S1", "cleaning", "R1", ("firm1 (firm)", "li (owners-committee)"))
    assert line.entry_id == funded.ledger.trail("expenses:cleaning:wjxc")[0].entry_id
    assert s.income_total - s.spending_total == s.closing - s.opening
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        funded.revenue.statement("wjxc", period_from="2026-11", period_to="2026-10")


@pytest.mark.parametrize("sql", [
    "UPDATE revenue_approvals SET signer = 'x'",
    "DELETE FROM revenue_approvals",
    "UPDATE revenue_disbursements SET resolution = NULL",
    "DELETE FROM revenue_proposals",
    "UPDATE revenue_collections SET amount_fen = 1",
])
def test_the_trail_of_a_payment_cannot_be_rewritten(funded: commons.Books, sql: str) -> None:
    resolution(funded, "R1")
    funded.revenue.propose("S1", compound="wjxc", purpose="cleaning", amount="400.00",
                           payee="cleaners", resolution="R1")
    funded.revenue.approve("S1", signer="firm1")
    funded.revenue.approve("S1", signer="li")
    funded.revenue.disburse("S1", date=NOV)
    with pytest.raises(sqlite3.DatabaseError, match="history"):
        funded.session.store.conn.execute(sql)
