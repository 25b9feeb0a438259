"""Faults a new user's trial of volunteer points found, each held by a test: a statement or
balance as of a day counts only what is dated by then; a received transfer is dated on its
day and the statement's totals add up; the sponsor fund cannot be overdrawn; a roster names
every bad line at once; an order paid with points by one member is refused to another with a
reason; a stranger's statement is refused; expiry cannot run ahead of today."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from market_helpers import order
from points_helpers import earn, points_books, refused, roster_file

import commons
from commons.errors import ErrorCode
from commons.money import Money

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def api(tmp_path: Path) -> commons.Books:
    return points_books(tmp_path / "p.db", tmp_path)


def test_a_balance_as_of_a_day_counts_only_what_is_dated_by_then(api: commons.Books,
                                                                 tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-05,r-yu,4"])
    api.points.redeem("jz", "r-yu", item="rice", id="shelf-1", on="2026-11-20")  # 40 points
    before = api.points.statement("r-yu", as_of="2026-11-01")
    assert (before.balance, before.lots, before.movements) == (0, (), ())
    assert (before.total("earned"), before.total("spent")) == (0, 0)
    between = api.points.statement("r-yu", as_of="2026-11-19")
    assert (between.balance, between.spendable, between.total("spent")) == (40, 40, 0)
    assert [x.remaining for x in between.lots] == [40]
    after = api.points.balance("r-yu", as_of="2026-11-20")
    assert (after.balance, after.spendable) == (0, 0)
    # Spending on a day before the points were earned draws nothing.
    earn(api, tmp_path, "r2", ["b,clean-up,2026-11-25,r-yu,1"])
    refused(ErrorCode.INSUFFICIENT_FUNDS, api.points.transfer, "jz", "r-yu", "r-yu-son", 5,
            id="t-1", on="2026-11-24")
    api.points.transfer("jz", "r-yu", "r-yu-son", 5, id="t-1", on="2026-11-25")


def test_an_expiry_counts_from_its_day(tmp_path: Path) -> None:
    api = points_books(tmp_path / "p.db", tmp_path)
    earn(api, tmp_path, "r1", ["a,clean-up,2024-11-05,r-yu,2"])
    refused(ErrorCode.INVALID_DATE, api.points.expire, "2026-12-02")  # today is 2026-12-01
    (run,) = api.points.expire("2026-11-30")
    assert run.points == 20
    assert api.points.balance("r-yu", as_of="2026-11-04").balance == 20
    assert api.points.statement("r-yu", as_of="2026-11-04").total("expired") == 0
    assert api.points.balance("r-yu", as_of="2026-11-30").balance == 0


def test_a_received_transfer_is_dated_on_its_day_and_the_totals_add_up(
        api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-05,r-yu,3"])
    api.points.transfer("jz", "r-yu", "r-yu-son", 10, id="t-1", on="2026-11-09")
    son = api.points.statement("r-yu-son", as_of="2026-11-30")
    assert [(m.date.isoformat(), m.kind, m.points) for m in son.movements] == [
        ("2026-11-09", "received", 10)]
    (lot,) = son.lots
    assert (lot.earned_on.isoformat(), lot.expires_on.isoformat()) == (
        "2026-11-05", "2028-11-05")
    assert api.points.statement("r-yu-son", as_of="2026-11-08").balance == 0
    yu = api.points.statement("r-yu", as_of="2026-11-30")
    for s in (son, yu):
        assert s.balance == (s.total("earned") + s.total("received") - s.total("given")
                             - s.total("spent") - s.total("expired"))
    assert (yu.total("given"), son.total("received")) == (10, 10)


def test_the_sponsor_fund_cannot_be_overdrawn(tmp_path: Path) -> None:
    api = points_books(tmp_path / "p.db", tmp_path, fund="5.00")
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,10"])  # issued on 12-01, today
    order(api, "o1", day=10)  # the resident pays 7.80
    order(api, "o2", day=11)
    error = refused(ErrorCode.INSUFFICIENT_FUNDS, api.points.redeem, "jz", "r-yu", order="o1",
                    points=60, on="2026-11-10")
    assert "50" in (error.fix or "")  # the most the fund can pay for
    api.points.redeem("jz", "r-yu", order="o1", points=50, on="2026-11-10")
    # The 5.00 are owed to the provider until it is paid: nothing is left for another order.
    refused(ErrorCode.INSUFFICIENT_FUNDS, api.points.redeem, "jz", "r-yu", order="o2",
            points=1, on="2026-11-11")
    assert api.points.balance("r-yu", as_of="2026-11-30").balance == 50
    api.market.settle("2026-11")
    report = api.points.report("jz", "2026-Q4").liability
    assert report.fund == Money.zero() and report.due == Money.zero()


def test_a_roster_names_every_bad_line_at_once(api: commons.Books, tmp_path: Path) -> None:
    bad = roster_file(tmp_path, "bad", ["a,clean-up,2026-02-30,r-yu,1",
                                        "a,sweeping,2026-11-08,r-jiang,1",
                                        "b,help-elderly,2026-11-08,r-jiang,1.5",
                                        "c,clean-up,2026-11-08,r-sun,-1",
                                        "c,clean-up,2026-11-08,r-yu,1.005",
                                        "d,clean-up,2026-11-08,r-yu,1",
                                        "d,clean-up,2026-11-08,r-yu,2",
                                        "e,clean-up,2026-11-08,r-sun,1"])
    problems: Any = refused(ErrorCode.SEVERAL, api.points.submit, "jz", bad, by="org-wang")
    assert [(p.where.line, p.where.field, p.code) for p in problems.problems] == [
        (2, "date", ErrorCode.INVALID_DATE), (3, "kind", ErrorCode.NOT_FOUND),
        (4, "quantity", ErrorCode.INVALID_AMOUNT), (5, "quantity", ErrorCode.INVALID_AMOUNT),
        (6, "quantity", ErrorCode.INVALID_AMOUNT), (8, "person", ErrorCode.CONFLICT)]
    assert all(p.where.file and p.where.file.endswith("bad.csv") for p in problems.problems)
    refused(ErrorCode.NOT_FOUND, api.points.confirm, "bad", by="cw-zhao")
    # Nothing was stored: the good lines go in once the roster is corrected.
    assert earn(api, tmp_path, "good", ["e,clean-up,2026-11-08,r-sun,1"]) == 10


def test_an_order_paid_with_points_is_refused_to_another_member(api: commons.Books,
                                                                tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3", "a,clean-up,2026-11-08,"
                                                                "r-yu-son,3"])
    order(api, "o1", day=10)
    api.points.redeem("jz", "r-yu", order="o1", points=20, on="2026-11-10")
    error = refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.redeem, "jz",
                    "r-yu-son", order="o1", points=3, on="2026-11-10")
    assert "r-yu" in error.what and error.fix
    assert api.points.balance("r-yu-son", as_of="2026-11-30").balance == 30


def test_a_strangers_statement_is_refused(api: commons.Books) -> None:
    refused(ErrorCode.NOT_FOUND, api.points.statement, "ghost", programme="jz")
    refused(ErrorCode.NOT_FOUND, api.points.balance, "ghost", programme="jz")


def test_hundredths_of_an_hour_at_most(api: commons.Books, tmp_path: Path) -> None:
    problems: Any = refused(ErrorCode.INVALID_AMOUNT, api.points.submit, "jz",
                            roster_file(tmp_path, "fine", ["a,clean-up,2026-11-08,r-yu,1.005"]),
                            by="org-wang")
    (problem,) = problems.problems
    assert "1.01" in (problem.fix or "")


def test_a_period_that_ends_between_a_backdated_spend_and_its_roster_reports(
        tmp_path: Path) -> None:
    # Points earned 11-08 but issued on 12-01 (the roster's confirmation, today) and spent on
    # 11-10: at November's end the journal has the spend and not the issue.
    api = points_books(tmp_path / "p.db", tmp_path)
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,10"])
    order(api, "o1", day=10)
    api.points.redeem("jz", "r-yu", order="o1", points=50, on="2026-11-10")
    november = api.points.report("jz", "2026-11").liability
    assert (november.issued, november.held, november.value) == (0, -50, Money.zero())
    quarter = api.points.report("jz", "2026-Q4").liability
    assert (quarter.issued, quarter.held, quarter.spent) == (100, 50, 50)
