"""The pure rules of volunteer points, as properties: a redemption's yuan value is points / rate
to the fen, rounded half up; caps hold and what they keep back is reported; lots are spent
oldest first and never below zero; no one confirms their own roster, nor one of their role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import points_counts, points_lots, points_programmes, points_rates, roster_lines

from commons.errors import CommonsError, ErrorCode
from commons.money import Money
from commons.points.earning import (
    Award,
    RosterLine,
    award,
    check_confirmer,
    check_submitter,
    line_points,
    month_of,
)
from commons.points.lots import Lot, draw_oldest_first, expired_lots, spendable
from commons.points.model import ActivityKind, Programme, Staff, add_months, yuan_value


@given(points_counts, points_rates)
def test_the_yuan_value_is_points_over_rate_rounded_half_up_to_the_fen(points: int,
                                                                       rate: int) -> None:
    exact = Fraction(points * 100, rate)
    fen = yuan_value(points, rate).fen
    assert -Fraction(1, 2) < fen - exact <= Fraction(1, 2)
    assert (fen - exact == Fraction(1, 2)) <= (exact.denominator == 2)


@pytest.mark.parametrize(("points", "rate", "yuan"), [
    (7, 10, "0.70"), (1, 3, "0.33"), (2, 3, "0.67"), (1, 200, "0.01"), (1, 201, "0.00"),
    (50, 10, "5.00"), (0, 7, "0.00")])
def test_the_rounding_rule_by_example(points: int, rate: int, yuan: str) -> None:
    assert str(yuan_value(points, rate)) == yuan


@given(points_programmes(), roster_lines(),
       st.dictionaries(st.sampled_from(["p-a", "p-b"]), st.integers(0, 300)))
def test_caps_hold_and_the_excess_is_exactly_what_they_keep_back(
        programme: Programme, lines: list[RosterLine], before: dict[str, int]) -> None:
    earned = {(p, "2026-11"): n for p, n in before.items()}
    awards, after = award(programme, lines, earned)
    assert [a.line for a in awards] == lines
    totals: dict[tuple[str, str], int] = {}
    wanted: dict[tuple[str, str], int] = {}
    for a in awards:
        assert a.points == line_points(programme, a.line) and a.issued + a.excess == a.points
        key = (a.line.person, month_of(a.line.day))
        totals[key] = totals.get(key, 0) + a.issued
        wanted[key] = wanted.get(key, 0) + a.points
    for key, issued in totals.items():
        room = max(0, programme.monthly_cap - earned.get(key, 0))
        assert issued == min(room, wanted[key])
        assert after[key] == earned.get(key, 0) + issued <= max(programme.monthly_cap,
                                                                earned.get(key, 0))


@given(points_programmes(), roster_lines(), st.integers(min_value=1, max_value=11))
def test_a_roster_capped_a_chunk_at_a_time_is_capped_as_if_whole(
        programme: Programme, lines: list[RosterLine], size: int) -> None:
    ordered = sorted(lines, key=lambda x: x.day)
    whole, _ = award(programme, ordered, {})
    parts: list[Award] = []
    earned: dict[tuple[str, str], int] = {}
    for start in range(0, len(ordered), size):
        chunk, earned = award(programme, ordered[start:start + size], earned)
        parts += chunk
    assert parts == list(whole)


def test_a_line_earns_whole_points_rounded_down() -> None:
    p = Programme("pp", "n", "o", (ActivityKind("clean", "c", "hour", 3),), 100, 10, 24, "s",
                  Money(0), staff=(Staff("o-1", "organiser"),))
    line = RosterLine("a", "clean", dt.date(2026, 11, 1), "p-a", Decimal("2.5"))
    assert line_points(p, line) == 7


@given(points_lots(), st.integers(min_value=1, max_value=3000),
       st.integers(min_value=0, max_value=900))
def test_spending_draws_oldest_first_and_never_below_zero(lots: list[Lot], points: int,
                                                          days: int) -> None:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=days)
    have = spendable(lots, day)
    try:
        draws = draw_oldest_first(lots, points, day, who="p-a", what="test")
    except CommonsError as e:
        assert e.code == ErrorCode.INSUFFICIENT_FUNDS and have < points
        return
    assert have >= points and sum(d.points for d in draws) == points
    assert all(d.lot.spendable_on(day) and d.points <= d.lot.remaining for d in draws)
    used = {d.lot.id for d in draws}
    untouched = [x for x in lots if x.spendable_on(day) and x.id not in used]
    partial = [d.lot for d in draws if d.points < d.lot.remaining]
    for lot in untouched + partial:  # nothing younger was drawn before an older lot emptied
        assert all((d.lot.expires_on, d.lot.earned_on, d.lot.id) <=
                   (lot.expires_on, lot.earned_on, lot.id) for d in draws)


@given(points_lots(), st.integers(min_value=0, max_value=1200))
def test_expiry_takes_exactly_the_lots_past_their_day(lots: list[Lot], days: int) -> None:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=days)
    gone = expired_lots(lots, day)
    assert {x.id for x in gone} == {x.id for x in lots if x.remaining and x.expires_on <= day}
    later = [x for x in lots if x.since > day]  # not held yet: neither spendable nor expired
    assert spendable(lots, day) + sum(x.remaining for x in gone) + sum(
        x.remaining for x in later) == sum(x.remaining for x in lots)


PEOPLE = ["o-1", "o-2", "c-1", "p-a", "nobody"]


@given(points_programmes(), roster_lines(size=3), st.sampled_from(PEOPLE),
       st.sampled_from(PEOPLE))
def test_no_one_confirms_their_own_roster_nor_one_of_their_role(
        programme: Programme, lines: list[RosterLine], organiser: str, confirmer: str) -> None:
    people = {x.person for x in lines}
    try:
        check_submitter(programme, "r", organiser, named=organiser in people)
        check_confirmer(programme, "r", organiser, confirmer, named=confirmer in people)
    except CommonsError as e:
        assert e.code == ErrorCode.NOT_AUTHORISED
        allowed = False
    else:
        allowed = True
    roles = {s.person: s.role for s in programme.staff}
    assert allowed == (organiser in roles and confirmer in roles and confirmer != organiser
                       and roles[confirmer] != roles[organiser]
                       and not {organiser, confirmer} & {x.person for x in lines})


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.integers(min_value=1, max_value=120))
def test_a_lot_expires_its_months_later_on_the_same_day_or_the_months_last(
        day: dt.date, months: int) -> None:
    after = add_months(day, months)
    assert (after.year - day.year) * 12 + after.month - day.month == months
    assert after.day == day.day or (after.day < day.day and
                                    (after + dt.timedelta(days=1)).day == 1)


@given(points_programmes(), st.integers(min_value=-500, max_value=50_000),
       st.integers(min_value=0, max_value=100_000))
def test_the_most_points_within_a_sum_is_the_largest_count_worth_no_more(
        p: Programme, limit_fen: int, points: int) -> None:
    # Both refusals of a redemption (more than the share, more than the fund) name it.
    limit = Money(limit_fen)
    most = p.most_points_within(limit, points)
    assert 0 <= most <= points
    assert most == 0 or p.value_of(most) <= limit
    assert most == points or p.value_of(most + 1) > limit
