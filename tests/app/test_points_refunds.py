"""A refund of a marketplace order that volunteer points paid part of, on both stores: yuan back
up to what the resident paid in yuan, the rest as points into lots that keep the spent lots'
expiry; the sponsor fund is never asked to pay for what was refunded; the settlement's parts
still sum to its gross with no negative ``resident_paid``; the same feed again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from market_helpers import at, clock, order
from points_helpers import earn, points_books, refused

import commons
from commons.errors import ErrorCode
from commons.money import Money

pytestmark = pytest.mark.usefixtures("store")

DUE, FUND = "assets:receivable:points-fund:jz", "assets:points-fund:jz"
CHANNEL = "assets:market:wechat-pay"


@pytest.fixture
def api(tmp_path: Path) -> commons.Books:
    books = points_books(tmp_path / "p.db", tmp_path)
    earn(books, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,5"])  # 50 points, to 2028-11-08
    return books


def balance(api: commons.Books, account: str) -> Money:
    found = [b.balance for b in api.ledger.balance(account=account).balances
             if b.account == account]
    return found[0] if found else Money.zero()


def disputed(api: commons.Books, oid: str, points: int, day: int = 10) -> None:
    """``oid`` completed on ``day`` (12.00, the resident pays 7.80), ``points`` of r-yu's paid
    on it, and disputed."""
    order(api, oid, day=day)
    api.points.redeem("jz", "r-yu", order=oid, points=points, on=f"2026-11-{day}")
    api.market.event(oid, "dispute", at=at(day, 15))


def test_a_full_refund_gives_the_points_back_and_the_fund_owes_nothing(
        api: commons.Books) -> None:
    disputed(api, "o1", 33)  # 3.30 in points, 4.50 in yuan
    assert balance(api, DUE) == Money.yuan("3.30")
    api.market.event("o1", "resolve", at=at(12, 9))
    # The yuan the resident paid went back through the channel; the points came back as points.
    assert balance(api, CHANNEL) == Money.zero()
    assert balance(api, DUE) == Money.zero()
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 50
    statement = api.points.statement("r-yu", as_of="2026-11-12")
    assert [(m.kind, m.points, m.reference) for m in statement.movements][-1] == (
        "returned", 33, "refund:o1")
    (back,) = [x for x in statement.lots if x.source == "refund:o1"]
    assert (back.earned_on, back.expires_on, back.remaining) == (
        dt.date(2026, 11, 12), dt.date(2028, 11, 8), 33)
    x = api.points.report("jz", "2026-Q4").liability
    assert (x.issued, x.held, x.spent, x.expired, x.due) == (50, 50, 0, 0, Money.zero())
    # Nothing of the order settles, so the fund pays nothing for it.
    run = api.market.settle("2026-11")
    assert all(s.points_value == Money.zero() for s in run.settlements)
    assert balance(api, FUND) == Money.yuan("100.00")
    # The same resolve again is already recorded and changes nothing.
    before = api.ledger.balance().balances
    assert api.market.event("o1", "resolve", at=at(12, 9)).status == "already recorded"
    assert api.ledger.balance().balances == before
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 50


def test_a_partial_refund_is_yuan_first_then_points(api: commons.Books) -> None:
    disputed(api, "o1", 33)  # 3.30 in points, 4.50 in yuan
    disputed(api, "o2", 10, day=11)  # 1.00 in points, 6.80 in yuan
    # 6.05 back on o1: the 4.50 paid in yuan, and 1.55 of the 3.30 in points: 33 x 155 / 330
    # = 15.5 points, half up 16. 0.50 back on o2: all in yuan, no points.
    api.market.event("o1", "resolve", at=at(12, 9), refund="6.05")
    api.market.event("o2", "resolve", at=at(12, 10), refund="0.50")
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 50 - 33 - 10 + 16
    assert balance(api, DUE) == Money.yuan("1.75") + Money.yuan("1.00")
    assert balance(api, CHANNEL) == Money.yuan("6.80") - Money.yuan("0.50")
    x = api.points.report("jz", "2026-Q4").liability
    assert (x.issued, x.held, x.spent) == (50, 23, 27)
    s = api.market.statement("canteen", "2026-11").settlement
    lines = {line.order: line for line in s.lines}
    assert (lines["o1"].gross, lines["o1"].resident_paid, lines["o1"].points_value) == (
        Money.yuan("5.95"), Money.zero(), Money.yuan("1.75"))
    assert (lines["o2"].gross, lines["o2"].resident_paid, lines["o2"].points_value) == (
        Money.yuan("11.50"), Money.yuan("6.30"), Money.yuan("1.00"))
    for line in s.lines:
        assert line.gross == line.resident_paid + line.subsidy + line.concession + \
            line.points_value
    assert s.gross == s.resident_paid + s.subsidy + s.concession + s.points_value
    api.market.settle("2026-11")
    # The fund paid what the points still pay, and owes nothing more.
    assert balance(api, FUND) == Money.yuan("100.00") - Money.yuan("2.75")
    assert balance(api, DUE) == Money.zero()


def test_a_refund_of_the_whole_share_gives_all_the_points_back(api: commons.Books) -> None:
    disputed(api, "o1", 33)
    api.market.event("o1", "resolve", at=at(12, 9), refund="7.80")  # the subsidy stays paid
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 50
    (line,) = api.market.statement("canteen", "2026-11").settlement.lines
    assert (line.resident_paid, line.points_value, line.gross) == (
        Money.zero(), Money.zero(), Money.yuan("4.20"))


def test_points_whose_lot_expired_by_the_refund_day_come_back_expired(
        api: commons.Books, tmp_path: Path) -> None:
    """A returned point keeps its lot's expiry; past it, ``points expire`` takes it."""
    disputed(api, "o1", 20)
    api.market.event("o1", "resolve", at="2028-11-20T09:00:00+08:00")
    statement = api.points.statement("r-yu", as_of="2028-11-20")
    (back,) = [x for x in statement.lots if x.source == "refund:o1"]
    assert (back.earned_on, back.expires_on) == (dt.date(2026, 11, 8), dt.date(2028, 11, 8))
    assert statement.spendable == 0
    later = commons.connect(tmp_path / "p.db", clock=clock("2028-11-20T12:00:00"))
    (expiry,) = later.points.expire("2028-11-20")  # expiry runs on or after its day
    assert expiry.points == 50
    x = later.points.report("jz", "2028-Q4").liability
    assert (x.issued, x.held, x.spent, x.expired) == (50, 0, 0, 50)


def test_a_refused_refund_changes_nothing(api: commons.Books) -> None:
    disputed(api, "o1", 33)
    before = api.ledger.balance().balances
    refused(ErrorCode.INVALID_AMOUNT, api.market.event, "o1", "resolve", at=at(12, 9),
            refund="7.81")
    assert api.ledger.balance().balances == before
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 17
    assert api.market.order("o1").state.value == "disputed"
    api.market.event("o1", "resolve", at=at(12, 9), refund="7.00")
    assert api.points.balance("r-yu", as_of="2026-11-12").balance == 17 + 25  # 33 x 250 / 330


@pytest.mark.sqlite_only
def test_a_redemption_recorded_before_draws_were_kept_gives_one_lot_back(
        api: commons.Books, tmp_path: Path) -> None:
    """Its lots unknown, the points come back in one lot with the programme's full expiry."""
    import sqlite3
    from contextlib import closing

    disputed(api, "o1", 33)
    with closing(sqlite3.connect(tmp_path / "p.db")) as conn:
        conn.execute("DELETE FROM points_draws")  # as a redemption was recorded then
        conn.commit()
    api.market.event("o1", "resolve", at=at(12, 9))
    (back,) = [x for x in api.points.statement("r-yu", as_of="2026-11-12").lots
               if x.source == "refund:o1"]
    assert (back.earned_on, back.expires_on, back.points) == (
        dt.date(2026, 11, 12), dt.date(2028, 11, 12), 33)
