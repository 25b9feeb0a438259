"""Bundle pricing under uncertainty: Monte Carlo over the collection rate, seeded and exact.

The cost model is deterministic and computed once (``pricing.cost_model``). What is random is
the share of fees each compound collects, drawn per compound and month (or once per compound
for the term) from the scenario's distribution, with numpy's PCG64 generator seeded by the
scenario's seed: the same seed gives the same margins, whatever the chunking.

Draws are probabilities, not money. A rate is drawn as a float and quantised to a whole number
of millionths; every amount of money is then integer fen in int64 arrays, each rounding explicit
and halves up, as in ``pricing``: the fees due from a compound for a month are
round(100 x price x area) fen, computed once exactly; collected = round(due x ppm / 10^6);
after tax = round((collected + income) x (1 - tax)) per month for the bundle; the margin over the
term adds the months and the subsidies, less the costs. Percentiles are by nearest rank, so
each is one of the simulated margins, to the fen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from commons.contracts.contract import fen_half_up
from commons.contracts.pricing import (
    CompoundPricing,
    CostModel,
    bid_price,
    contributions,
    cost_model,
    margin_at,
    solve_price,
)
from commons.contracts.scenario import Collection, Scenario
from commons.errors import InvalidInput
from commons.extras import require
from commons.money import Money

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CHUNK_RUNS", "CompoundResult", "PricePoint", "SimulationReport", "price_point",
           "simulate"]

CHUNK_RUNS = 1000  # runs drawn and summed at a time: bounded memory, a progress tick each
PPM = 1_000_000  # a drawn rate is kept as whole millionths
_SAFE_FEN = 2**62 // (2 * PPM)  # a month's fees due above this could overflow int64
Progress = Callable[[int], None]


@attrs.frozen
class CompoundResult:
    """One compound inside the bundle, per month: its share of the cost, its expected
    contribution at the simulated price (negative: others carry it, 以大带小), and its
    standalone cost and break-even price were it contracted alone."""

    id: str
    households: int
    area_m2: Fraction
    cost: Money
    contribution: Money
    standalone_cost: Money
    standalone_price: Fraction
    standalone_loss: Fraction = Fraction(0)  # alone, at its standalone price as shown


@attrs.frozen
class PricePoint:
    """A unit price (yuan per m² per month, exact) and what the simulation says of it: the
    expected margin a month, how many of the runs ended in a loss, and the margin's p5, p50
    and p95 over the term."""

    price: Fraction
    expected_margin: Money
    runs: int
    losses: int
    margin_p5: Money
    margin_p50: Money
    margin_p95: Money

    @property
    def loss_probability(self) -> Fraction:
        """The share of runs that ended in a loss."""
        return Fraction(self.losses, self.runs)


@attrs.frozen
class SimulationReport:
    """What a bundle costs and earns. Prices are exact yuan per m² per month; ``cost``,
    ``bundle_saving`` and ``expected_margin`` are per month; ``margins`` (sorted, fen) and the
    percentiles are over the whole term of ``months``."""

    bundle: str
    name: str
    months: int
    runs: int
    seed: int
    break_even_price: Fraction
    target_price: Fraction
    price: Fraction
    cost: Money
    standalone_cost: Money
    bundle_saving: Money
    expected_margin: Money
    compounds: tuple[CompoundResult, ...]
    losses: int
    margin_p5: Money
    margin_p50: Money
    margin_p95: Money
    margins: tuple[int, ...] = attrs.field(repr=False)
    break_even_loss: Fraction = Fraction(0)  # at the break-even price as shown (about half)
    target_loss: Fraction = Fraction(0)  # at the target price as shown

    @property
    def loss_probability(self) -> Fraction:
        """The share of runs that ended in a loss."""
        return Fraction(self.losses, self.runs)


def _rates(rng: np.random.Generator, collection: Collection, shape: tuple[int, int, int]
           ) -> npt.NDArray[np.int64]:
    """Collection rates in millionths: the inverse distribution function of uniform draws."""
    import numpy as np  # noqa: PLC0415 - numpy loads only when a simulation runs

    low, mode, high = (float(x) for x in (collection.low, collection.mode, collection.high))
    if collection.distribution == "fixed" or low == high:
        return np.full(shape, round(low * PPM), dtype=np.int64)
    u = rng.random(shape)
    if collection.distribution == "uniform":
        rate = low + u * (high - low)
    else:
        cut = (mode - low) / (high - low)
        rate = np.where(u < cut, low + np.sqrt(u * (high - low) * (mode - low)),
                        high - np.sqrt((1 - u) * (high - low) * (high - mode)))
    return np.rint(rate * PPM).astype(np.int64)


def _margins(model: CostModel, price: Fraction, runs: int, seed: int,
             on_progress: Progress | None) -> npt.NDArray[np.int64]:
    import numpy as np  # noqa: PLC0415 - numpy loads only when a simulation runs

    s = model.scenario
    due = np.array([fen_half_up(price * 100 * c.area_m2) for c in model.compounds],
                   dtype=np.int64)
    if int(due.max(initial=0)) * len(due) > _SAFE_FEN:
        raise InvalidInput(f"the fees due a month ({int(due.sum())} fen) are too large to "
                           "simulate exactly", fix="check the areas and the price")
    keep = 1 - s.tax_rate
    keep_num, keep_den = keep.numerator, keep.denominator
    fixed = s.months * (model.subsidy.fen - model.cost.fen)
    months = s.months if s.collection.per == "month" else 1
    rng = np.random.Generator(np.random.PCG64(seed))
    out = np.empty(runs, dtype=np.int64)
    for start in range(0, runs, CHUNK_RUNS):
        n = min(CHUNK_RUNS, runs - start)
        ppm = _rates(rng, s.collection, (n, len(due), months))
        collected = (due[None, :, None] * ppm * 2 + PPM) // (2 * PPM)
        per_month = collected.sum(axis=1)  # (n, months)
        if months == 1:
            per_month = np.repeat(per_month, s.months, axis=1)
        gross = per_month + model.income.fen
        after_tax = (gross * (2 * keep_num) + keep_den) // (2 * keep_den)
        out[start:start + n] = after_tax.sum(axis=1) + fixed
        if on_progress is not None:
            on_progress(n)
    out.sort()
    return out


def _nearest_rank(sorted_fen: npt.NDArray[np.int64], percent: int) -> Money:
    rank = max(1, math.ceil(percent * len(sorted_fen) / 100))
    return Money(int(sorted_fen[rank - 1]))


def price_point(model: CostModel, price: Fraction, *, runs: int, seed: int,
                on_progress: Progress | None = None) -> PricePoint:
    """Simulate ``model`` at ``price`` (below zero: at zero) ``runs`` times from ``seed``.

    The same seed draws the same collection rates at every price, and a run's margin never
    falls as the price rises, so at a higher price no more runs lose (common random numbers).
    """
    require("sim")
    price = max(Fraction(0), price)
    margins = _margins(model, price, runs, seed, on_progress)
    return PricePoint(price, margin_at(model, price), runs, int((margins < 0).sum()),
                      _nearest_rank(margins, 5), _nearest_rank(margins, 50),
                      _nearest_rank(margins, 95))


def _loss_at(model: CostModel, price: Fraction, runs: int, seed: int) -> Fraction:
    return price_point(model, bid_price(price), runs=runs, seed=seed).loss_probability


def _standalone_loss(scenario: Scenario, c: CompoundPricing, runs: int, seed: int) -> Fraction:
    """The loss probability of compound ``c`` contracted alone at its standalone price: a
    scenario of it alone, without the bundle's subsidy (its standalone price has none)."""
    alone = attrs.evolve(scenario, compounds=tuple(x for x in scenario.compounds
                                                   if x.id == c.id), subsidy=Money.zero())
    return _loss_at(cost_model(alone), c.standalone_price, runs, seed)


def simulate(scenario: Scenario, *, runs: int | None = None, seed: int | None = None,
             on_progress: Progress | None = None) -> SimulationReport:
    """Price the bundle and simulate its margin ``runs`` times (the scenario's by default).

    The simulated price is the scenario's ``price`` if it names one, else the target price as
    shown (rounded up to four decimals); a price below zero (public income alone covers the
    costs) is simulated as zero. The break-even and target prices as shown, and each compound
    alone at its standalone price, are simulated too, from the same seed, for the loss
    probability printed beside each.
    """
    require("sim")
    runs = scenario.runs if runs is None else runs
    seed = scenario.seed if seed is None else seed
    if runs < 1:
        raise InvalidInput(f"runs = {runs} is not a positive number", field="runs",
                           fix="simulate at least one run")
    model = cost_model(scenario)
    break_even, target = (
        solve_price(cost=model.cost.fen, income=model.income.fen, subsidy=model.subsidy.fen,
                    area_m2=model.area_m2, scenario=scenario, margin=margin)
        for margin in (Fraction(0), scenario.target_margin))
    price = max(Fraction(0), scenario.price if scenario.price is not None else bid_price(target))
    shares = contributions(model, price)
    margins = _margins(model, price, runs, seed, on_progress)
    expected = margin_at(model, price)
    return SimulationReport(
        scenario.id, scenario.name, scenario.months, runs, seed, break_even, target, price,
        model.cost, model.standalone_cost, model.bundle_saving, expected,
        tuple(_result(c, shares[c.id], _standalone_loss(scenario, c, runs, seed))
              for c in model.compounds),
        int((margins < 0).sum()), _nearest_rank(margins, 5), _nearest_rank(margins, 50),
        _nearest_rank(margins, 95), tuple(margins.tolist()),
        _loss_at(model, break_even, runs, seed), _loss_at(model, target, runs, seed))


def _result(c: CompoundPricing, contribution: Money, loss: Fraction) -> CompoundResult:
    return CompoundResult(c.id, c.households, c.area_m2, c.cost, contribution,
                          c.standalone_cost, c.standalone_price, loss)
