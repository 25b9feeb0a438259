"""The deterministic side of bundle pricing: what each compound costs, alone and in the bundle,
and the unit price that breaks even or earns the target margin.

Costs are per month, in whole fen. An item's quantity in a compound is its driver (m², buildings,
households, gates, elevators; a fixed item counts once per contract) times ``1 + age_uplift x
age``. An item with ``per`` needs whole units of staff, ``ceil(quantity / per)``; in the bundle
the quantities are pooled first, so one cleaner may serve two small compounds: that and the
fixed items (one manager for the whole bundle) are the economies of scale. An item without
``per`` costs its quantity times the unit cost, rounded to the fen once per compound. Overheads
are ``overhead_rate`` of direct costs (rounded once) plus ``overhead_fixed`` per contract.
Shared costs are split over the compounds with ``allocate`` (pooled items by quantity, fixed
items and fixed overheads by area, the rate overhead by direct cost), so the parts add up.

A month's margin at unit price p (yuan per m² per month), with the expected collection rate r:
collected K = round(100 p x area x r) fen, after tax N = round((K + I) x (1 - tax)) where I is
parking and other public income, margin = N + subsidies - costs. Each rounding is to the nearest
fen, halves up, so at the exact break-even price the margin is within one fen of zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from commons.allocation import allocate
from commons.contracts.catalog import CostDriver
from commons.contracts.contract import fen_half_up
from commons.contracts.scenario import CostItem, Scenario, ScenarioCompound
from commons.errors import InvalidInput
from commons.money import Money

__all__ = ["CompoundPricing", "CostModel", "bid_price", "cost_model", "margin_at", "solve_price",
           "unit_price_text"]

PRICE_PLACES = 4


def unit_price_text(value: Fraction) -> str:
    """A unit price as text: yuan per m² per month with four decimals (hundredths of a fen),
    rounded up: the exact break-even price rounded to the nearest could lose a few jiao a month
    when fed back as the scenario's ``price``, and rounded up it never earns less than it says.
    Every place that shows a price (the CLI, the demo) shows it through here."""
    scaled = math.ceil(value * 10**PRICE_PLACES)
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled)).rjust(PRICE_PLACES + 1, "0")
    return f"{sign}{text[:-PRICE_PLACES]}.{text[-PRICE_PLACES:]}"


def bid_price(value: Fraction) -> Fraction:
    """The price shown for an exact price, as a number: rounded up to four decimals, the rule
    of ``unit_price_text``. Every price whose risk is simulated is simulated at this one, so
    the loss probability printed beside a price is that of the price printed."""
    return Fraction(math.ceil(value * 10**PRICE_PLACES), 10**PRICE_PLACES)


def _quantity(item: CostItem, compound: ScenarioCompound) -> Fraction:
    return compound.quantity(item.driver) * (1 + item.age_uplift * compound.age_years)


def _standalone_item(item: CostItem, compound: ScenarioCompound) -> int:
    q = _quantity(item, compound)
    if item.per is not None:
        return math.ceil(q / item.per) * item.unit_cost.fen
    return fen_half_up(q * item.unit_cost.fen)


def _split(amount: int, weights: Mapping[str, Fraction], fallback: Mapping[str, Fraction]
           ) -> dict[str, int]:
    if amount == 0:
        return dict.fromkeys(weights, 0)
    use = weights if any(weights.values()) else fallback
    return {k: m.fen for k, m in allocate(amount, use).items()}


def _bundle_item(item: CostItem, compounds: Sequence[ScenarioCompound],
                 by_area: Mapping[str, Fraction]) -> dict[str, int]:
    """The item's cost in the bundle, split over the compounds."""
    if item.driver is CostDriver.FIXED:
        whole = 1 + item.age_uplift * max(c.age_years for c in compounds)
        cost = (math.ceil(whole / item.per) * item.unit_cost.fen if item.per is not None
                else fen_half_up(whole * item.unit_cost.fen))
        return _split(cost, by_area, by_area)
    if item.per is None:
        return {c.id: _standalone_item(item, c) for c in compounds}
    quantities = {c.id: _quantity(item, c) for c in compounds}
    staff = math.ceil(sum(quantities.values(), Fraction(0)) / item.per)
    return _split(staff * item.unit_cost.fen, quantities, by_area)


def _overheads(scenario: Scenario, direct: int) -> int:
    return fen_half_up(direct * scenario.overhead_rate) + scenario.overhead_fixed.fen


@attrs.frozen
class CompoundPricing:
    """One compound's costs per month: its share inside the bundle and on its own, and its own
    break-even price (yuan per m² per month, exact) were it contracted alone."""

    id: str
    households: int
    area_m2: Fraction
    cost: Money
    standalone_cost: Money
    standalone_price: Fraction


@attrs.frozen
class CostModel:
    """The costs of the bundle per month, computed once; incomes and subsidies per month."""

    scenario: Scenario
    compounds: tuple[CompoundPricing, ...]
    cost: Money
    income: Money
    subsidy: Money
    area_m2: Fraction

    @property
    def standalone_cost(self) -> Money:
        """What the compounds would cost a month, each served alone."""
        return sum((c.standalone_cost for c in self.compounds), Money.zero())

    @property
    def bundle_saving(self) -> Money:
        """What bundling saves a month."""
        return self.standalone_cost - self.cost


def solve_price(*, cost: int, income: int, subsidy: int, area_m2: Fraction, scenario: Scenario,
                margin: Fraction = Fraction(0)) -> Fraction:
    """The exact unit price (yuan per m² per month) whose margin is ``margin`` of revenue, in
    the model without rounding: p·A·r·(1-t) + I·(1-t) + S - C = m·(p·A·r + I + S)."""
    rate, keep = scenario.collection.mean, 1 - scenario.tax_rate
    if area_m2 <= 0 or rate <= 0:
        raise InvalidInput("a price per m² needs floor area and a collection rate above 0",
                           fix="give every compound its area_m2 and a collection rate")
    fees_per_fen = area_m2 * rate  # fen collected per fen of unit price
    constant = income * keep + subsidy - cost - margin * (income + subsidy)
    fen = -constant / (fees_per_fen * (keep - margin))
    return fen / 100


def margin_at(model: CostModel, price: Fraction) -> Money:
    """The bundle's expected margin for one month at ``price`` yuan per m² (see the module)."""
    s = model.scenario
    collected = fen_half_up(price * 100 * model.area_m2 * s.collection.mean)
    after_tax = fen_half_up((collected + model.income.fen) * (1 - s.tax_rate))
    return Money(after_tax + model.subsidy.fen - model.cost.fen)


def cost_model(scenario: Scenario) -> CostModel:
    """Every compound's cost in the bundle and alone, and its standalone break-even price."""
    compounds = scenario.compounds
    by_area = {c.id: Fraction(c.area_m2) for c in compounds}
    direct = dict.fromkeys(by_area, 0)
    for item in scenario.items:
        for cid, fen in _bundle_item(item, compounds, by_area).items():
            direct[cid] += fen
    total_direct = sum(direct.values())
    rate_part = _split(fen_half_up(total_direct * scenario.overhead_rate),
                       {k: Fraction(v) for k, v in direct.items()}, by_area)
    fixed_part = _split(scenario.overhead_fixed.fen, by_area, by_area)
    priced = []
    for c in compounds:
        alone_direct = sum(_standalone_item(item, c) for item in scenario.items)
        alone = alone_direct + _overheads(scenario, alone_direct)
        price = solve_price(cost=alone, income=c.income.fen, subsidy=c.subsidy.fen,
                            area_m2=by_area[c.id], scenario=scenario)
        in_bundle = direct[c.id] + rate_part[c.id] + fixed_part[c.id]
        priced.append(CompoundPricing(c.id, c.households, by_area[c.id], Money(in_bundle),
                                      Money(alone), price))
    subsidy = scenario.subsidy + sum((c.subsidy for c in compounds), Money.zero())
    return CostModel(scenario, tuple(priced), sum((p.cost for p in priced), Money.zero()),
                     sum((c.income for c in compounds), Money.zero()), subsidy,
                     sum(by_area.values(), Fraction(0)))


def contributions(model: CostModel, price: Fraction) -> dict[str, Money]:
    """Each compound's expected monthly contribution at ``price``: its share of the fees
    collected (by area) and of the income after tax, plus its subsidies (the bundle's by area),
    less its cost. They add up to ``margin_at(model, price)``, to the fen."""
    s = model.scenario
    by_area = {c.id: c.area_m2 for c in model.compounds}
    collected = fen_half_up(price * 100 * model.area_m2 * s.collection.mean)
    fees = _split(collected, by_area, by_area)
    after_tax = fen_half_up((collected + model.income.fen) * (1 - s.tax_rate))
    income = {c.id: c.income.fen for c in s.compounds}
    taxed = _split(after_tax, {k: Fraction(fees[k] + income[k]) for k in fees}, by_area)
    bundle_subsidy = _split(s.subsidy.fen, by_area, by_area)
    cost = {c.id: c.cost.fen for c in model.compounds}
    return {c.id: Money(taxed[c.id] + c.subsidy.fen + bundle_subsidy[c.id] - cost[c.id])
            for c in s.compounds}
