"""allocate (exact largest-remainder apportionment), share plans and elevator floor coefficients."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    decimal_forms,
    fen,
    int_keys,
    non_negative_fen,
    plan_amounts,
    share_plans,
    str_keys,
    tied_weights,
    weight_maps,
)

from commons import FloorCoefficients, Household, InvalidInput, Money, SharePlan, Stage, allocate
from commons.billing.split import split_total, weights_for
from commons.errors import ErrorCode


def exact_shares(total: int, weights: Mapping[Any, Any]) -> dict[Any, Fraction]:
    whole = sum(Fraction(w) for w in weights.values())
    return {k: total * Fraction(w) / whole for k, w in weights.items()}


def hamilton(total: int, weights: Mapping[Any, Any]) -> dict[Any, int]:
    """A slow, obviously correct oracle: floors, then one fen each to the largest remainders,
    ties to the smallest key; a negative total is the negation of the positive split."""
    shares = exact_shares(abs(total), weights)
    parts = {k: math.floor(s) for k, s in shares.items()}
    leftover = abs(total) - sum(parts.values())
    for k in sorted(shares, key=lambda k: (-(shares[k] - parts[k]), k))[:leftover]:
        parts[k] += 1
    return {k: -p if total < 0 else p for k, p in parts.items()}


def fen_of(parts: Mapping[Any, Money]) -> dict[Any, int]:
    return {k: m.fen for k, m in parts.items()}


# --- the laws --------------------------------------------------------------------------------


@given(fen, weight_maps())
def test_parts_sum_exactly_to_the_total(total: int, weights: dict[Any, Any]) -> None:
    parts = allocate(Money(total), weights)
    assert list(parts) == list(weights)  # one part per key, in the input's order
    assert sum(parts.values()) == Money(total)
    assert all(m.currency == "CNY" for m in parts.values())


@given(fen, weight_maps())
def test_each_part_is_within_one_fen_of_its_exact_share(total: int,
                                                        weights: dict[Any, Any]) -> None:
    parts = allocate(total, weights)
    for key, share in exact_shares(total, weights).items():
        assert abs(parts[key].fen - share) < 1
        assert parts[key].fen in (math.floor(share), math.ceil(share))


@given(fen, weight_maps())
def test_allocate_matches_the_reference_hamilton_method(total: int,
                                                        weights: dict[Any, Any]) -> None:
    assert fen_of(allocate(total, weights)) == hamilton(total, weights)


@given(fen, weight_maps(values=decimal_forms))
def test_how_a_decimal_is_written_does_not_matter(total: int, weights: dict[Any, Any]) -> None:
    parts = allocate(total, weights)
    assert fen_of(parts) == hamilton(total, weights)
    assert parts == allocate(total, {k: Fraction(w) for k, w in weights.items()})


@given(fen, weight_maps(values=tied_weights))
def test_equal_weights_get_parts_that_differ_by_at_most_one_fen(
    total: int, weights: dict[Any, Any]
) -> None:
    parts = allocate(total, weights)
    by_weight: dict[Fraction, list[int]] = {}
    for key, w in weights.items():
        by_weight.setdefault(Fraction(w), []).append(parts[key].fen)
    for amounts in by_weight.values():
        assert max(amounts) - min(amounts) <= 1


@given(fen, weight_maps(values=tied_weights), st.randoms(use_true_random=False))
def test_permuting_the_input_permutes_the_output(
    total: int, weights: dict[Any, Any], random: Any
) -> None:
    items = list(weights.items())
    random.shuffle(items)
    shuffled = allocate(total, items)
    assert shuffled == allocate(total, weights)
    assert list(shuffled) == [k for k, _ in items]


@given(non_negative_fen, weight_maps(values=tied_weights))
def test_a_larger_weight_never_gets_fewer_fen(total: int, weights: dict[Any, Any]) -> None:
    parts = allocate(total, weights)
    for a, wa in weights.items():
        for b, wb in weights.items():
            if wa > wb:
                assert parts[a] >= parts[b]


@given(fen, weight_maps())
def test_zero_weights_get_zero(total: int, weights: dict[Any, Any]) -> None:
    parts = allocate(total, weights)
    for key, w in weights.items():
        if w == 0:
            assert parts[key] == Money(0)


@given(non_negative_fen, weight_maps())
def test_a_refund_is_the_negation_of_the_charge(total: int, weights: dict[Any, Any]) -> None:
    charge = allocate(total, weights)
    refund = allocate(-total, weights)
    assert refund == {k: -m for k, m in charge.items()}
    assert sum(refund.values()) == Money(-total)


@given(weight_maps(keys=str_keys), st.sampled_from(["CNY", "USD"]), fen)
def test_the_parts_keep_the_totals_currency(weights: dict[str, Any], currency: str,
                                           total: int) -> None:
    parts = allocate(Money(total, currency), weights)
    assert {m.currency for m in parts.values()} == {currency}
    assert sum(parts.values(), Money.zero(currency)) == Money(total, currency)


@given(fen, weight_maps(keys=int_keys), st.integers(min_value=1, max_value=10**4))
def test_scaling_every_weight_changes_nothing(total: int, weights: dict[int, Any],
                                             factor: int) -> None:
    assert allocate(total, weights) == allocate(total, {k: w * factor for k, w in weights.items()})


@given(fen, weight_maps(keys=str_keys))
def test_the_same_value_as_int_decimal_or_fraction_splits_alike(
    total: int, weights: dict[str, Any]
) -> None:
    as_fraction = {k: Fraction(w) for k, w in weights.items()}
    as_decimal = {k: Decimal(f.numerator) / Decimal(f.denominator) for k, f in as_fraction.items()
                  if (f * 10**6).denominator == 1}
    assert allocate(total, weights) == allocate(total, as_fraction)
    if len(as_decimal) == len(weights):  # only when each value has a finite decimal expansion
        assert allocate(total, weights) == allocate(total, as_decimal)


# --- worked examples -------------------------------------------------------------------------


def test_ties_go_to_the_smallest_key() -> None:
    assert fen_of(allocate(Money.parse("100.00"), {"c": 1, "a": 1, "b": 1})) == {
        "c": 3333, "a": 3334, "b": 3333}
    assert fen_of(allocate(2, {3: 1, 1: 1, 2: 1})) == {3: 0, 1: 1, 2: 1}
    assert fen_of(allocate(-2, {3: 1, 1: 1, 2: 1})) == {3: 0, 1: -1, 2: -1}


def test_the_readme_areas() -> None:
    parts = allocate(Money.parse("100.00"), {"101": Decimal("56.37"), "102": Decimal("71.20"),
                                             "201": Decimal("56.37")})
    assert {k: str(v) for k, v in parts.items()} == {"101": "30.65", "102": "38.71",
                                                    "201": "30.64"}


def test_largest_remainder_beats_key_order() -> None:
    # Exact shares 0.4, 0.6: the single fen goes to the larger remainder, not the smaller key.
    assert fen_of(allocate(1, {"a": 2, "b": 3})) == {"a": 0, "b": 1}


def test_decimals_with_more_digits_than_the_decimal_context_stay_exact() -> None:
    # Both weights have more than 28 significant digits; rounding them to the default decimal
    # context would make them equal and hand the fen to "x" by key order.
    x = Decimal("1000000000000000000000000000000.5")
    y = Decimal("1000000000000000000000000000001")
    assert fen_of(allocate(1, {"x": x, "y": y})) == {"x": 0, "y": 1}


@given(st.integers(min_value=0, max_value=10**6), st.dictionaries(
    # 10**30 plus a few tenths: 32 significant digits that differ only at the end.
    # (Built from text: Decimal arithmetic would round them to the context's 28 digits.)
    str_keys, st.integers(min_value=0, max_value=40).map(lambda n: Decimal(f"{10**30}.{n}")),
    min_size=1, max_size=8))
def test_long_decimals_match_the_reference(total: int, weights: dict[str, Decimal]) -> None:
    assert fen_of(allocate(total, weights)) == hamilton(total, weights)


def test_a_single_part_takes_everything_and_zero_splits_to_zeros() -> None:
    assert allocate(Money.parse("-12.34"), {"only": Decimal("0.01")}) == {"only": Money(-1234)}
    assert allocate(0, {"a": 1, "b": 2}) == {"a": Money(0), "b": Money(0)}


def test_an_int_total_is_a_count_of_fen() -> None:
    assert allocate(7, {"a": 1}) == {"a": Money(7)}


def test_decimal_and_fraction_subclasses_are_still_exact_numbers() -> None:
    class Area(Decimal):
        pass

    class Share(Fraction):
        pass

    assert fen_of(allocate(3, {"a": Area("1.5"), "b": Share(3, 2)})) == {"a": 2, "b": 1}


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(("weights", "code"), [
    ({}, ErrorCode.INVALID_INPUT),
    ([], ErrorCode.INVALID_INPUT),
    ({"a": 0, "b": Decimal("0.00"), "c": Fraction(0)}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": -1}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": Decimal("-0.01")}, ErrorCode.INVALID_AMOUNT),
    ({"a": Fraction(-1, 3), "b": 1}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": 1.5}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": 1.0}, ErrorCode.INVALID_AMOUNT),
    ({"a": True, "b": 1}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": "2"}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": None}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": Decimal("NaN")}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": Decimal("sNaN")}, ErrorCode.INVALID_AMOUNT),
    ({"a": 1, "b": Decimal("Infinity")}, ErrorCode.INVALID_AMOUNT),
    ({"a": Decimal(1), "b": Decimal("NaN")}, ErrorCode.INVALID_AMOUNT),
    ({"a": Decimal(1), "b": Decimal("sNaN")}, ErrorCode.INVALID_AMOUNT),
    ({"a": Decimal(1), "b": Decimal("-Infinity")}, ErrorCode.INVALID_AMOUNT),
    ({"a": Decimal(1), "b": Decimal("-1E+2")}, ErrorCode.INVALID_AMOUNT),
    ([("a", 1), ("b", 2), ("a", 3)], ErrorCode.INVALID_INPUT),
])
def test_refusals(weights: Any, code: ErrorCode) -> None:
    with pytest.raises(InvalidInput) as caught:
        allocate(Money(100), weights)
    assert caught.value.code == code
    assert caught.value.fix


def test_an_int_subclass_other_than_int_is_refused() -> None:
    class Count(int):
        pass

    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        allocate(10, {"a": Count(1)})


@pytest.mark.parametrize("total", [1.5, Decimal("1.50"), True])
def test_the_total_must_be_money_or_whole_fen(total: Any) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        allocate(total, {"a": 1})


# --- share plans -----------------------------------------------------------------------------


def amounts(plan: SharePlan, total: str) -> list[tuple[str, str]]:
    return [(s.party, str(s.amount)) for s in plan.apply(Money.parse(total))]


@given(share_plans(), fen)
def test_plan_stages_sum_exactly_to_the_total(plan: SharePlan, total: int) -> None:
    shares = plan.apply(Money(total))
    assert [s.party for s in shares] == [s.party for s in plan.stages]
    assert sum(s.amount for s in shares) == Money(total)
    for share in shares:  # every party pays (or is refunded) in the total's direction
        assert share.amount.fen * total >= 0


@given(share_plans(), non_negative_fen)
def test_plan_stages_respect_caps_fixed_amounts_and_percentages(plan: SharePlan,
                                                                total: int) -> None:
    remaining = total
    for stage, share in zip(plan.stages, plan.apply(Money(total)), strict=True):
        amount = share.amount.fen
        assert 0 <= amount <= remaining
        if stage.cap is not None:
            assert amount <= stage.cap.fen
        if stage.fixed is not None:
            wanted = stage.fixed.fen
        elif stage.percent is not None:
            base = total if stage.of == "total" else remaining
            exact = base * Fraction(stage.percent) / 100
            wanted = math.floor(exact + Fraction(1, 2))  # half a fen rounds up
        else:
            wanted = remaining
        if stage.cap is not None:
            wanted = min(wanted, stage.cap.fen)
        assert amount == min(wanted, remaining)
        remaining -= amount
    assert remaining == 0


@given(share_plans(), non_negative_fen)
def test_a_refund_through_a_plan_mirrors_the_charge(plan: SharePlan, total: int) -> None:
    charge = plan.apply(Money(total))
    refund = plan.apply(Money(-total))
    assert [(s.party, -s.amount) for s in charge] == [(s.party, s.amount) for s in refund]


README_PLAN = SharePlan((
    Stage("government", percent=Decimal(40), cap=Money.parse("200000.00")),
    Stage("elevator-firm", percent=Decimal(5)),
    Stage("residents", rest=True),
))


@pytest.mark.parametrize(("plan", "total", "expected"), [
    (README_PLAN, "580000.00",
     [("government", "200000.00"), ("elevator-firm", "29000.00"), ("residents", "351000.00")]),
    (README_PLAN, "100000.00",  # under the cap
     [("government", "40000.00"), ("elevator-firm", "5000.00"), ("residents", "55000.00")]),
    (README_PLAN, "-1000.00",  # a refund runs the same plan backwards
     [("government", "-400.00"), ("elevator-firm", "-50.00"), ("residents", "-550.00")]),
    (SharePlan((Stage("a", percent=Decimal(50)), Stage("b", percent=Decimal(50), of="remaining"),
                Stage("c", rest=True))), "1000.00",
     [("a", "500.00"), ("b", "250.00"), ("c", "250.00")]),
    (SharePlan((Stage("a", percent=Decimal(50)), Stage("b", percent=Decimal(50)),
                Stage("c", rest=True))), "1000.00",
     [("a", "500.00"), ("b", "500.00"), ("c", "0.00")]),
    (SharePlan((Stage("a", percent=Decimal(80)), Stage("b", percent=Decimal(80)),
                Stage("c", rest=True))), "100.00",  # never more than remains
     [("a", "80.00"), ("b", "20.00"), ("c", "0.00")]),
    (SharePlan((Stage("firm", fixed=Money.parse("2000.00")), Stage("r", rest=True))), "1500.00",
     [("firm", "1500.00"), ("r", "0.00")]),
    (SharePlan((Stage("firm", fixed=Money.parse("2000.00")), Stage("r", rest=True))), "5000.00",
     [("firm", "2000.00"), ("r", "3000.00")]),
    (SharePlan((Stage("gov", percent=Decimal(30), cap=Money.parse("20000.00")),
                Stage("r", rest=True))), "100000.00",
     [("gov", "20000.00"), ("r", "80000.00")]),
    (SharePlan((Stage("gov", fixed=Money.parse("900.00"), cap=Money.parse("500.00")),
                Stage("r", rest=True))), "1000.00",
     [("gov", "500.00"), ("r", "500.00")]),
    (SharePlan((Stage("gov", percent=Decimal(50)), Stage("r", rest=True))), "10.01",
     [("gov", "5.01"), ("r", "5.00")]),  # 500.5 fen rounds half up
    (SharePlan((Stage("gov", percent=Decimal("33.33")), Stage("r", rest=True))), "100.00",
     [("gov", "33.33"), ("r", "66.67")]),
    (SharePlan((Stage("gov", percent=Decimal("0.5")), Stage("r", rest=True))), "1.00",
     [("gov", "0.01"), ("r", "0.99")]),  # half a fen rounds up
    (SharePlan((Stage("gov", percent=Decimal("0.4")), Stage("r", rest=True))), "1.00",
     [("gov", "0.00"), ("r", "1.00")]),
    (SharePlan.everyone_pays(), "12.34", [("residents", "12.34")]),
])
def test_plan_behaviours(plan: SharePlan, total: str, expected: list[tuple[str, str]]) -> None:
    assert amounts(plan, total) == expected


@pytest.mark.parametrize(("make", "code"), [
    (lambda: SharePlan(()), ErrorCode.INVALID_INPUT),
    (lambda: SharePlan((Stage("a", percent=Decimal(10)),)), ErrorCode.INVALID_INPUT),
    (lambda: SharePlan((Stage("a", rest=True), Stage("b", rest=True))), ErrorCode.INVALID_INPUT),
    (lambda: SharePlan((Stage("a", rest=True), Stage("b", percent=Decimal(1)))),
     ErrorCode.INVALID_INPUT),
    (lambda: SharePlan((Stage("a", percent=Decimal(1)), Stage("a", rest=True))),
     ErrorCode.INVALID_INPUT),
    (lambda: Stage("a", percent=Decimal(101)), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", percent=Decimal(-1)), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", percent=30.0), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", percent=True), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", percent=Decimal("NaN")), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a"), ErrorCode.INVALID_INPUT),
    (lambda: Stage("a", percent=Decimal(1), fixed=Money(1)), ErrorCode.INVALID_INPUT),
    (lambda: Stage("a", fixed=Money(-1)), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", percent=Decimal(1), cap=Money(-1)), ErrorCode.INVALID_AMOUNT),
    (lambda: Stage("a", rest=True, cap=Money(100)), ErrorCode.INVALID_INPUT),
])
def test_plan_refusals(make: Any, code: ErrorCode) -> None:
    with raises(InvalidInput, code):
        make()


def test_a_cap_in_another_currency_is_refused_when_applied() -> None:
    plan = SharePlan((Stage("gov", percent=Decimal(10), cap=Money(100, "USD")),
                      Stage("r", rest=True)))
    with raises(InvalidInput, ErrorCode.CURRENCY_MISMATCH):
        plan.apply(Money(10000))


def test_plan_from_a_parsed_file() -> None:
    plan = SharePlan.from_mapping({"stage": [
        {"party": "government", "percent": "30", "cap": "50000.00"},
        {"party": "firm", "percent": 10, "of": "remaining"},
        {"party": "sponsor", "fixed": 2000},
        {"party": "residents", "rest": True},
    ]})
    assert plan.stages == (
        Stage("government", percent=Decimal(30), cap=Money.parse("50000.00")),
        Stage("firm", percent=Decimal(10), of="remaining"),
        Stage("sponsor", fixed=Money.parse("2000")),
        Stage("residents", rest=True),
    )
    assert amounts(plan, "100000.00") == [("government", "30000.00"), ("firm", "7000.00"),
                                          ("sponsor", "2000.00"), ("residents", "61000.00")]


@pytest.mark.parametrize(("data", "code"), [
    ({}, ErrorCode.INVALID_INPUT),
    ({"stage": []}, ErrorCode.INVALID_INPUT),
    ({"stage": {"party": "a"}}, ErrorCode.INVALID_INPUT),
    ({"stage": [{"percent": "1"}, {"party": "r", "rest": True}]}, ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "a", "percentt": "1"}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "a", "percent": 30.5}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "a", "percent": True}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "a", "percent": "30%"}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_AMOUNT),
    ({"stage": [{"party": "a", "fixed": 1.5}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_AMOUNT),
    ({"stage": [{"party": "a", "fixed": "1.234"}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_AMOUNT),
    ({"stage": [{"party": "a", "percent": "1", "of": "half"}, {"party": "r", "rest": True}]},
     ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "r", "rest": "false"}]}, ErrorCode.INVALID_INPUT),
    ({"stage": [{"party": "r", "rest": 1}]}, ErrorCode.INVALID_INPUT),
])
def test_plan_file_refusals_name_the_stage(data: dict[str, Any], code: ErrorCode) -> None:
    with raises(InvalidInput, code) as caught:
        SharePlan.from_mapping(data)
    assert caught.value.field is not None
    assert caught.value.field.startswith("stage")


# --- elevator floor coefficients ------------------------------------------------------------


def household(floor: int, area: str = "56.37", hid: str | None = None) -> Household:
    return Household(hid or f"h{floor}", "B1", floor, Decimal(area), "owner")


@pytest.mark.parametrize(("floor", "coefficient"), [
    (1, "0"), (2, "0"), (3, "1.00"), (4, "1.20"), (5, "1.40"), (6, "1.60"), (10, "2.40"),
    (40, "8.40"),
])
def test_standard_coefficients(floor: int, coefficient: str) -> None:
    assert FloorCoefficients.standard().coefficient(floor) == Decimal(coefficient)


def test_standard_coefficients_weigh_by_area_unless_told_not_to() -> None:
    h = household(6, "71.20")
    assert FloorCoefficients.standard().weight(h) == Decimal("1.60") * Decimal("71.20")
    assert FloorCoefficients.standard(by_area=False).weight(h) == Decimal("1.60")
    assert FloorCoefficients.standard().weight(household(2)) == 0


@pytest.mark.parametrize("floor", [41, -1, 100])
def test_a_floor_without_a_coefficient_is_refused(floor: int) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        FloorCoefficients.standard().coefficient(floor)


def test_coefficients_from_a_parsed_file() -> None:
    table = FloorCoefficients.from_mapping({"floors": {"3": "1.5", "1": 0, "2": "0"},
                                            "by_area": False})
    assert table.table == ((1, Decimal(0)), (2, Decimal(0)), (3, Decimal("1.5")))
    assert not table.by_area
    assert table.weight(household(3)) == Decimal("1.5")
    assert FloorCoefficients.from_mapping({}) == FloorCoefficients.standard()
    assert FloorCoefficients.from_mapping({"by_area": False}) == FloorCoefficients.standard(
        by_area=False)


@pytest.mark.parametrize(("data", "why"), [
    ({"floors": ["1", "2"]}, "is not a table"),
    ({"floors": {"three": "1.0"}}, "floors.three"),
    ({"floors": {"3": "abc"}}, "floors.3"),
    ({"floors": {"3": 1.2}}, "floors.3"),
    ({"floors": {"3": "-1"}}, "floors.3"),
    ({"floors": {"3": True}}, "floors.3"),
    ({"by_area": "false"}, "by_area must be true or false"),
])
def test_coefficient_file_refusals(data: dict[str, Any], why: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        FloorCoefficients.from_mapping(data)


def test_elevator_split_lets_the_ground_floors_off() -> None:
    homes = [household(f, area, f"{f}0{i}") for f in range(1, 7)
             for i, area in enumerate(("56.37", "71.20"), start=1)]
    weights = weights_for("floor", homes, FloorCoefficients.standard())
    split = split_total(Money.parse("351000.00"), weights)
    by_id = {p.id: p.amount for p in split.parts}
    assert by_id["101"] == by_id["102"] == by_id["201"] == by_id["202"] == Money(0)
    assert sum(by_id.values()) == Money.parse("351000.00")
    assert by_id["301"] < by_id["401"] < by_id["501"] < by_id["601"]
    assert by_id["601"] < by_id["602"]  # same floor, larger flat


def test_weights_for_each_method() -> None:
    homes = [household(1, "50.00", "a"), household(3, "100.50", "b")]
    assert weights_for("area", homes) == {"a": Decimal("50.00"), "b": Decimal("100.50")}
    assert weights_for("households", homes) == {"a": 1, "b": 1}
    assert weights_for("equal", homes) == {"a": 1, "b": 1}
    assert weights_for("floor", homes) == {"a": 0, "b": Decimal("100.50")}
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        weights_for("area", [*homes, household(2, "1.00", "a")])


@given(share_plans(), fen, weight_maps(keys=str_keys, values=tied_weights))
def test_split_total_parts_sum_to_the_last_share(plan: SharePlan, total: int,
                                                 weights: dict[str, Any]) -> None:
    split = split_total(Money(total), weights, plan)
    assert sum(s.amount for s in split.shares) == Money(total)
    assert sum(p.amount for p in split.parts) == split.shares[-1].amount == split.parts_total
    assert [p.id for p in split.parts] == list(weights)
    for part in split.parts:
        if not isinstance(weights[part.id], Fraction):  # a Fraction is shown as a rounded Decimal
            assert part.weight == weights[part.id]
            assert isinstance(part.weight, Decimal)


@given(plan_amounts, plan_amounts)
def test_two_fixed_stages_never_exceed_the_total(a: Money, b: Money) -> None:
    total = Money(10**6)
    plan = SharePlan((Stage("a", fixed=a), Stage("b", fixed=b), Stage("r", rest=True)))
    shares = plan.apply(total)
    assert shares[0].amount == min(a, total)
    assert shares[1].amount == min(b, total - shares[0].amount)


def test_keys_that_cannot_be_ordered_are_refused_when_a_tie_needs_them() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        allocate(Money(1), {"a": 1, 2: 1})


def test_from_commons_import_allocate_is_the_function_after_the_module_was_imported() -> None:
    # The module is named allocation, not allocate: importing a submodule binds its name on the
    # package, which would hand out the module where a host expects the function.
    import commons.allocation
    from commons import allocate as exported

    assert exported is commons.allocation.allocate
    assert exported(Money(100), {"a": 1, "b": 2}) == {"a": Money(33), "b": Money(67)}


def test_by_area_may_stand_inside_the_floors_table_as_the_split_help_shows_it() -> None:
    inside = FloorCoefficients.from_mapping({"floors": {"3": "1.0", "by_area": False}})
    above = FloorCoefficients.from_mapping({"floors": {"3": "1.0"}, "by_area": False})
    assert inside == above and not inside.by_area
    with pytest.raises(InvalidInput) as e:
        FloorCoefficients.from_mapping({"floors": {"by_area": True}, "by_area": True})
    assert e.value.field == "floors.by_area"
