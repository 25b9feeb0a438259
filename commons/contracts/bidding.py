"""What a firm should bid for a bundle: a given price evaluated, a sweep of prices, the lowest
price whose risk of a loss is acceptable, and how the price moves if a compound leaves the
bundle or the costs rise.

Every price is simulated from the scenario's seed, so each run draws the same collection rates
at every price (common random numbers), and a run's margin never falls as the price rises: the
loss probability never rises along a sweep, and the lowest price under a loss target is found
by bisection, exactly for that seed. Prices live on one grid, four decimals of a yuan per m² a
month (hundredths of a fen, ``pricing.PRICE_PLACES``): a price given with more decimals is
refused, and a price found is on the grid, so every price is shown as it was simulated (the
rounding rule of ``pricing.unit_price_text``).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from commons.contracts.contract import fen_half_up, parse_percent
from commons.contracts.pricing import (
    PRICE_PLACES,
    CostModel,
    bid_price,
    cost_model,
    solve_price,
    unit_price_text,
)
from commons.contracts.scenario import Scenario
from commons.contracts.simulation import PricePoint, price_point
from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.l10n import percent_text
from commons.money import Money

__all__ = [
    "COST_RISE",
    "MAX_SWEEP_POINTS",
    "Sensitivity",
    "evaluate_price",
    "lowest_price",
    "parse_max_loss",
    "parse_price",
    "parse_sweep",
    "sensitivity",
    "sweep",
]

MAX_SWEEP_POINTS = 1000  # each point is a whole simulation
COST_RISE = Fraction(1, 10)  # the sensitivity table's rise in costs
_GRID = Fraction(1, 10**PRICE_PLACES)
_MAX_DOUBLINGS = 40  # from 0.0001, past ¥100 million per m² a month


def parse_price(text: str, field: str = "--price") -> Fraction:
    """A unit price in yuan per m² per month: zero or more, at most four decimals."""
    bare = unicodedata.normalize("NFKC", str(text)).strip()
    try:
        value = Decimal(bare)
    except InvalidOperation:
        value = Decimal("NaN")
    exponent = value.as_tuple().exponent if value.is_finite() else None
    if not isinstance(exponent, int) or value < 0 or exponent < -PRICE_PLACES:
        raise InvalidInput(f"price {text!r} is not a price of zero or more with at most "
                           f"{PRICE_PLACES} decimals", field=field,
                           fix="write yuan per m² per month, e.g. 1.25 or 0.8675",
                           code=ErrorCode.INVALID_AMOUNT)
    return Fraction(value)


def parse_sweep(text: str) -> tuple[Fraction, Fraction, Fraction]:
    """``FROM:TO:STEP`` prices: FROM at most TO, STEP above zero, at most
    ``MAX_SWEEP_POINTS`` prices."""
    parts = unicodedata.normalize("NFKC", str(text)).split(":")
    if len(parts) != 3:
        raise InvalidInput(f"sweep {text!r} is not FROM:TO:STEP", field="--sweep",
                           fix="write three prices, e.g. 1.00:1.40:0.05",
                           code=ErrorCode.INVALID_INPUT)
    start, stop, step = (parse_price(p, "--sweep") for p in parts)
    if step <= 0:
        raise InvalidInput(f"sweep {text!r} has a step of {parts[2].strip()}, not above zero",
                           field="--sweep", fix="give a step such as 0.05",
                           code=ErrorCode.INVALID_INPUT)
    if start > stop:
        raise InvalidInput(f"sweep {text!r} starts above where it ends", field="--sweep",
                           fix=f"write the lower price first: {parts[1].strip()}:"
                               f"{parts[0].strip()}:{parts[2].strip()}",
                           code=ErrorCode.INVALID_INPUT)
    points = int((stop - start) / step) + 1
    if points > MAX_SWEEP_POINTS:
        raise InvalidInput(f"sweep {text!r} has {points} prices, more than "
                           f"{MAX_SWEEP_POINTS}", field="--sweep",
                           fix="use a larger step or a narrower range",
                           code=ErrorCode.INVALID_INPUT)
    return start, stop, step


def parse_max_loss(text: str | int) -> Fraction:
    """A loss probability written as a percentage ("5%" or 5), as a share (0.05); a bare
    fraction below 1 is refused with the percentage it likely means, as scenario percentages
    are."""
    try:
        return Fraction(parse_percent(text, "the loss probability")) / 100
    except InvalidInput as e:
        raise e.located(field="--max-loss") from None


def _runs_seed(scenario: Scenario, runs: int | None, seed: int | None) -> tuple[int, int]:
    runs = scenario.runs if runs is None else runs
    if runs < 1:
        raise InvalidInput(f"runs = {runs} is not a positive number", field="runs",
                           fix="simulate at least one run")
    return runs, scenario.seed if seed is None else seed


def evaluate_price(scenario: Scenario, price: Fraction, *, runs: int | None = None,
                   seed: int | None = None) -> PricePoint:
    """The bundle at ``price``: its loss probability and margin percentiles."""
    runs, seed = _runs_seed(scenario, runs, seed)
    return price_point(cost_model(scenario), price, runs=runs, seed=seed)


def sweep(scenario: Scenario, start: Fraction, stop: Fraction, step: Fraction, *,
          runs: int | None = None, seed: int | None = None) -> tuple[PricePoint, ...]:
    """The bundle at ``start``, ``start + step``, ... up to ``stop``, lowest first."""
    runs, seed = _runs_seed(scenario, runs, seed)
    model = cost_model(scenario)
    count = int((stop - start) / step) + 1
    return tuple(price_point(model, start + i * step, runs=runs, seed=seed)
                 for i in range(count))


def _lowest(model: CostModel, max_loss: Fraction, runs: int, seed: int,
            start: Fraction) -> PricePoint:
    """The lowest grid price at which at most ``max_loss`` of the runs lose: a price known to
    be enough is found by doubling from ``start``, then the grid between bisected."""
    allowed = int(max_loss * runs)  # losses / runs <= max_loss

    def at(units: int) -> PricePoint:
        return price_point(model, units * _GRID, runs=runs, seed=seed)

    low = at(0)
    if low.losses <= allowed:
        return low
    high_units = max(1, int(start / _GRID))
    for _ in range(_MAX_DOUBLINGS):
        high = at(high_units)
        if high.losses <= allowed:
            break
        high_units *= 2
    else:
        raise RefusedByRule(
            f"no price up to {unit_price_text(high_units * _GRID)} a m² keeps the loss "
            f"probability at or below {percent_text(max_loss)}%: some runs lose at any price",
            field="--max-loss", fix="allow a higher loss probability, or check the "
            "scenario's collection rate (a rate near 0 loses whatever the price)")
    low_units = 0  # loses too often; high_units does not
    while high_units - low_units > 1:
        middle = (low_units + high_units) // 2
        point = at(middle)
        if point.losses <= allowed:
            high_units, high = middle, point
        else:
            low_units = middle
    return high


def lowest_price(scenario: Scenario, max_loss: Fraction, *, runs: int | None = None,
                 seed: int | None = None) -> PricePoint:
    """The lowest price (on the grid) whose simulated loss probability is at most
    ``max_loss`` (a share from 0 to 1), and what the simulation says of it."""
    if not 0 <= max_loss <= 1:
        raise InvalidInput(f"a loss probability of {percent_text(max_loss)}% is not from 0 to "
                           "100%",
                           field="--max-loss", fix="write a percentage such as 5%",
                           code=ErrorCode.INVALID_AMOUNT)
    runs, seed = _runs_seed(scenario, runs, seed)
    model = cost_model(scenario)
    start = solve_price(cost=model.cost.fen, income=model.income.fen,
                        subsidy=model.subsidy.fen, area_m2=model.area_m2, scenario=scenario)
    return _lowest(model, max_loss, runs, seed, max(start, _GRID))


@attrs.frozen
class Sensitivity:
    """One case of the sensitivity table: the bundle as it is, without one compound, or with
    every cost higher. ``break_even`` and ``target`` are simulated at their prices as shown;
    ``change`` is the target price less the whole bundle's (both as shown)."""

    case: str
    compound: str | None
    cost_rise: Fraction
    break_even: PricePoint
    target: PricePoint
    change: Fraction


def _prices(scenario: Scenario, model: CostModel, runs: int, seed: int
            ) -> tuple[PricePoint, PricePoint]:
    return tuple(  # type: ignore[return-value]
        price_point(model, bid_price(solve_price(
            cost=model.cost.fen, income=model.income.fen, subsidy=model.subsidy.fen,
            area_m2=model.area_m2, scenario=scenario, margin=margin)), runs=runs, seed=seed)
        for margin in (Fraction(0), scenario.target_margin))


def sensitivity(scenario: Scenario, *, runs: int | None = None, seed: int | None = None,
                cost_rise: Fraction = COST_RISE) -> tuple[Sensitivity, ...]:
    """The break-even and target prices of the bundle as it is, without each of its compounds
    in turn (a bundle of one has no such row), and with every cost ``cost_rise`` higher (the
    month's cost times 1 + rise, rounded to the fen once)."""
    runs, seed = _runs_seed(scenario, runs, seed)
    model = cost_model(scenario)
    cases: list[tuple[str, str | None, Fraction, Scenario, CostModel]] = [
        ("bundle", None, Fraction(0), scenario, model)]
    if len(scenario.compounds) > 1:
        for c in scenario.compounds:
            without = attrs.evolve(scenario, compounds=tuple(
                x for x in scenario.compounds if x.id != c.id))
            cases.append((f"without {c.id}", c.id, Fraction(0), without, cost_model(without)))
    dearer = attrs.evolve(model, cost=Money(fen_half_up(model.cost.fen * (1 + cost_rise))))
    cases.append((f"costs +{percent_text(cost_rise, 0)}%", None, cost_rise, scenario, dearer))
    rows: list[Sensitivity] = []
    for case, compound, rise, case_scenario, case_model in cases:
        break_even, target = _prices(case_scenario, case_model, runs, seed)
        base = rows[0].target.price if rows else target.price
        rows.append(Sensitivity(case, compound, rise, break_even, target, target.price - base))
    return tuple(rows)
