"""The marketplace's pure domain: listing rules, the price split, the order life cycle,
settlement with the compound's share, subsidy claims, service levels and ratings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from random import Random

import attrs
import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from strategies import order_moves, paid_in_points

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.market.model import (
    Agreement,
    Category,
    Provider,
    ProviderKind,
    Resident,
    Service,
    SubsidyProgramme,
    parse_channel,
    parse_provider_kind,
    resident_as_of,
)
from commons.market.orders import (
    CHINA,
    EventType,
    Order,
    OrderEvent,
    OrderState,
    moved,
    placed,
    split_price,
)
from commons.market.settlement import (
    SettlementLine,
    bayesian_rating,
    level_met,
    market_report,
    settle_lines,
    settle_provider,
    subsidy_claim,
)
from commons.money import Money
from commons.periods import Period

NOV = Period(2026, 11)
MEAL = Category("canteen-meal", "meal", 15, 90, ceiling=Money.yuan("15.00"))
AGED = SubsidyProgramme("meal-80", "street-office", "aged-80+", ("canteen-meal",),
                        Decimal(30), Money.yuan("100.00"), Money.yuan("3000.00"), Decimal(5))


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHINA)


def event(kind: str, order: str = "o1", when: dt.datetime | None = None, **kw: object
          ) -> OrderEvent:
    return OrderEvent(f"{order}:{kind}", EventType(kind), order, when or at(3), **kw)


def new_order(order: str = "o1") -> Order:
    return placed(event("place", order, at(3, 11), service="meal", household="h1",
                        resident="r1"), provider="canteen", category="canteen-meal",
                  compound="jx171")


def completed(order: str = "o1", price: str = "12.00") -> Order:
    o = new_order(order).apply(event("accept", order, at(3, 11, 5)))
    o = o.apply(event("start", order, at(3, 11, 30)))
    split = split_price(Money.yuan(price), AGED, tag="aged-80+", limit=Money.yuan("100.00"))
    return o.apply(event("complete", order, at(3, 12)), split=split)


def test_a_provider_kind_and_channel_read_chinese() -> None:
    assert parse_provider_kind("社会组织") is ProviderKind.SOCIAL_ORGANISATION
    assert parse_channel("微信支付") == "wechat-pay"
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        parse_channel("bitcoin")


def test_a_low_cost_service_above_its_ceiling_cannot_list() -> None:
    provider = Provider("canteen", "长者食堂", ProviderKind.SOCIAL_ORGANISATION, ("jx171",))
    fine = Service("meal", "canteen", "canteen-meal", "午餐", "meal", Money.yuan("15.00"),
                   ("jx171",))
    fine.check_listable(MEAL, provider)
    with raises(RefusedByRule, ErrorCode.ABOVE_CEILING):
        Service("dear", "canteen", "canteen-meal", "午餐", "meal", Money.yuan("15.01"),
                ("jx171",)).check_listable(MEAL, provider)
    with raises(RefusedByRule, ErrorCode.REFUSED, match="jx9"):
        Service("far", "canteen", "canteen-meal", "午餐", "meal", Money.yuan("10.00"),
                ("jx9",)).check_listable(MEAL, provider)


def test_the_split_sums_to_the_price_and_respects_the_limit() -> None:
    split = split_price(Money.yuan("12.33"), AGED, tag="aged-80+", limit=Money.yuan("100.00"))
    assert (split.subsidy, split.concession) == (Money.yuan("3.70"), Money.yuan("0.62"))
    assert split.subsidy + split.concession + split.resident == Money.yuan("12.33")
    spent = split_price(Money.yuan("12.33"), AGED, tag="aged-80+", limit=Money.yuan("1.00"))
    assert spent.subsidy == Money.yuan("1.00")
    assert spent.resident > split.resident  # the budget is spent: the resident's part grows
    assert split_price(Money.yuan("9.00"), None).resident == Money.yuan("9.00")


def test_the_life_cycle_refuses_illegal_moves_with_the_state() -> None:
    o = new_order()
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE, match="placed") as info:
        o.apply(event("start"))
    assert info.value.context["state"] == "placed"
    cancelled = o.apply(event("cancel"))
    assert cancelled.state is OrderState.CANCELLED and not cancelled.settles
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE, match="cancelled"):
        cancelled.apply(event("accept"))
    accepted = o.apply(event("accept"))
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE, match="does not allow"):
        accepted.apply(event("cancel"), cancel_after_accept=False)
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        o.apply(event("accept", when=at(1)))


def test_a_rating_is_given_once_and_stars_are_one_to_five() -> None:
    rated = completed().apply(event("rate", stars=5, comment="好吃"))
    assert rated.stars == 5
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE):
        rated.apply(event("rate", stars=4))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        event("rate", stars=6)


def test_refunds_partial_up_to_the_residents_part_or_in_full() -> None:
    disputed = completed().apply(event("dispute"))
    partial = disputed.apply(event("resolve", refund=Money.yuan("2.00")))
    assert partial.settles and partial.refund == Money.yuan("2.00")
    full = disputed.apply(event("resolve"))
    assert full.fully_refunded and not full.settles
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        disputed.apply(event("resolve", refund=Money.yuan("11.00")))


def test_the_settlement_takes_the_compounds_share_and_equals_its_orders() -> None:
    orders = [completed("o1"), completed("o2", "10.00").apply(event("dispute", "o2")).apply(
        event("resolve", "o2", refund=Money.yuan("1.00"))), new_order("o3")]
    share = Agreement("a1", "canteen", "jx171", dt.date(2026, 10, 1), space="room-1",
                      share_percent=Decimal(10), earmark="cleaning")
    s = settle_provider("canteen", NOV, orders, [share])
    assert s.orders == 2 and s.gross == Money.yuan("21.00")
    assert s.gross == s.resident_paid + s.subsidy + s.concession
    assert s.compound_share == Money.yuan("2.10") and s.shares[0].earmark == "cleaning"
    assert s.net_payable == s.resident_paid + s.subsidy - s.compound_share
    fixed = Agreement("a2", "canteen", "jx171", dt.date(2026, 10, 1),
                      fixed_monthly=Money.yuan("50.00"))
    assert settle_provider("canteen", NOV, orders, [fixed]).compound_share == Money.yuan("50")
    later = settle_provider("canteen", NOV, orders, [share], blacklisted_on=dt.date(2026, 11, 3))
    assert later.orders == 0 and later.withheld == ("o1", "o2")


def test_an_agreement_has_a_share_or_a_fixed_sum() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Agreement("a", "p", "c", dt.date(2026, 1, 1))


def test_the_claim_lists_each_eligible_order() -> None:
    claim = subsidy_claim("street-office", NOV, [completed("o1"), completed("o2")],
                          {"meal-80": "street-office"})
    assert [line.order for line in claim.lines] == ["o1", "o2"]
    assert claim.total == Money.yuan("7.20") and claim.lines[0].tag == "aged-80+"
    assert not subsidy_claim("other", NOV, [completed()], {"meal-80": "street-office"}).lines


def test_service_levels_and_the_bayesian_rating() -> None:
    assert level_met(completed(), MEAL) is True
    slow = Category("canteen-meal", "meal", 1, 90)
    assert level_met(completed(), slow) is False
    assert level_met(new_order(), MEAL) is None
    assert bayesian_rating([5], Fraction(3)) == Fraction(20, 6)
    assert bayesian_rating([], Fraction(3)) is None
    report = market_report(NOV, [completed("o1").apply(event("rate", "o1", stars=4)),
                                 new_order("o2").apply(event("cancel", "o2"))],
                           {"canteen-meal": MEAL})
    figures = report.providers[0]
    assert (figures.orders, figures.completed, figures.cancelled) == (2, 1, 1)
    assert figures.completion_rate == Fraction(1, 2) and figures.levels_share == 1


@pytest.mark.parametrize("percent", ["101", "-1", "1.234", "NaN"])
def test_a_programme_refuses_a_bad_percent(percent: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        SubsidyProgramme("p", "f", "t", ("c",), Decimal(percent), Money(0), Money(0))


@given(paid=paid_in_points(), blacklisted=st.one_of(st.none(), st.integers(1, 29)),
       shuffle=st.randoms(use_true_random=False))
def test_points_move_part_of_the_residents_share_and_nothing_else(
        paid: tuple[list[tuple[SettlementLine, dt.date]], dict[str, Money]],
        blacklisted: int | None, shuffle: Random) -> None:
    """Points redeemed on orders take their value out of resident_paid into points_value, line
    by line; gross, subsidy, concession, the shares and the net payable are as without them;
    the settlement still equals the sum of its lines; the input's order does not matter."""
    lines, points = paid
    agreement = Agreement("a1", "canteen", "jx171", dt.date(2026, 11, 1), space="jx171-centre",
                          share_percent=Decimal(10))
    on = None if blacklisted is None else dt.date(2026, 11, blacklisted)
    plain = settle_lines("canteen", NOV, lines, [agreement], blacklisted_on=on)
    shuffle.shuffle(lines)
    s = settle_lines("canteen", NOV, lines, [agreement], blacklisted_on=on, points=points)
    assert s.withheld == plain.withheld
    assert (s.gross, s.subsidy, s.concession, s.compound_share, s.net_payable) == (
        plain.gross, plain.subsidy, plain.concession, plain.compound_share, plain.net_payable)
    assert s.resident_paid + s.points_value == plain.resident_paid
    assert s.points_value == sum((points.get(x.order, Money.zero()) for x in s.lines),
                                 Money.zero())
    assert s.gross == s.resident_paid + s.subsidy + s.concession + s.points_value
    for line in s.lines:
        assert line.resident_paid.fen >= 0
        assert line.points_value == points.get(line.order, Money.zero())


@given(order_moves)
def test_folding_events_into_plain_fields_gives_what_evolving_the_order_gives(
        moves: list[tuple[str, int, int | None, int]]) -> None:
    """The bulk import folds a feed's events into a dict of fields by ``moved``; the one state
    machine must give it the order, and the refusals, that ``Order.apply`` gives."""
    order = new_order()
    fields = attrs.asdict(order, recurse=False)
    split = split_price(Money.yuan("12.00"), AGED, tag="aged-80+", limit=Money.yuan("100.00"))
    for i, (kind, minutes, refund_fen, stars) in enumerate(moves):
        e = event(kind, when=at(3, 11) + dt.timedelta(minutes=minutes),
                  refund=None if refund_fen is None else Money(refund_fen), stars=stars,
                  comment=f"note {i}", service="meal", household="h1")
        options = {"split": split} if kind == "complete" else {"cancel_after_accept": i % 2 == 0}
        try:
            evolved: Order | ErrorCode = order.apply(e, **options)  # type: ignore[arg-type]
        except (InvalidInput, RefusedByRule) as refused:
            evolved = refused.code
        try:
            fields.update(moved(fields, e.values(), **options))  # type: ignore[arg-type]
            folded: Order | ErrorCode = Order(**fields)
        except (InvalidInput, RefusedByRule) as refused:
            folded = refused.code
        assert folded == evolved
        if isinstance(evolved, Order):
            order = evolved


def test_a_resident_is_taken_as_of_the_latest_record_not_after_the_day() -> None:
    first, moved = Resident("r1", "c1-1", tags="aged-80+"), Resident("r1", "c1-2")
    records = [("2026-01-01", first), ("2026-06-01", moved)]
    assert resident_as_of(records, dt.date(2025, 12, 31)) is None
    assert resident_as_of(records, dt.date(2026, 5, 31)) == first
    assert resident_as_of(records, dt.date(2026, 6, 1)) == moved
    assert resident_as_of([], dt.date(2026, 6, 1)) is None
