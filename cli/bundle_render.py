"""How ``commons bundle simulate`` shows a bundle's prices and what to bid: the report as text
and JSON, and what ``--price``, ``--sweep``, ``--max-loss`` and ``--sensitivity`` add to it.
Prices are CNY per m² per month; a month's figures say so, and every margin percentile is over
the scenario's whole term, with the expected margin beside them in the same unit."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from commons.app import (
    PricePoint,
    Sensitivity,
    SimulationReport,
    count_text,
    fraction_text,
    unit_price_text,
)
from commons.money import Money

from .render import table, yuan

__all__ = ["BidAsked", "bid_json", "bid_text", "loss", "simulation_json", "simulation_text"]

decimals = fraction_text
price = unit_price_text


@attrs.frozen
class BidAsked:
    """What ``bundle simulate`` was asked beyond the report: a price, a sweep, the lowest
    price under ``max_loss`` (as written), the sensitivity table."""

    evaluated: PricePoint | None
    sweep: tuple[PricePoint, ...] | None
    lowest: PricePoint | None
    max_loss: str | None
    sensitivity: tuple[Sensitivity, ...] | None
    months: int  # the scenario's term, which the margins are over


def loss(share: Fraction) -> str:
    """A loss probability as printed: a percentage with two decimals."""
    return f"{decimals(share * 100, 2)}%"


def margin_json(expected_a_month: Money, p5: Money, p50: Money, p95: Money, months: int
                ) -> dict[str, str]:
    """The margin over the term of ``months``: expected, p5, p50 and p95, all in one unit."""
    return {"expected": yuan(expected_a_month * months), "p5": yuan(p5), "p50": yuan(p50),
            "p95": yuan(p95)}


def point_json(p: PricePoint, months: int) -> dict[str, Any]:
    """A price and what the simulation says of it, as docs/formats.md lists it:
    ``expected_margin`` a month, ``margin`` over the term of ``months``."""
    return {"price": price(p.price), "unit": UNIT,
            "loss_probability": decimals(p.loss_probability, 4), "losses": p.losses,
            "runs": p.runs, "expected_margin": yuan(p.expected_margin), "months": months,
            "margin": margin_json(p.expected_margin, p.margin_p5, p.margin_p50, p.margin_p95,
                                  months)}


def bid_json(b: BidAsked) -> dict[str, Any]:
    """The keys each option asked for adds to the report's JSON (only those asked for)."""
    data: dict[str, Any] = {}
    if b.evaluated is not None:
        data["evaluated"] = point_json(b.evaluated, b.months)
    if b.sweep is not None:
        data["sweep"] = [point_json(p, b.months) for p in b.sweep]
    if b.lowest is not None:
        data["max_loss"] = {"target": b.max_loss, **point_json(b.lowest, b.months)}
    if b.sensitivity is not None:
        data["sensitivity"] = [
            {"case": s.case, "compound": s.compound, "cost_rise": decimals(s.cost_rise * 100, 2),
             "break_even": point_json(s.break_even, b.months),
             "target": point_json(s.target, b.months),
             "target_change": price(s.change)} for s in b.sensitivity]
    return data


def margins_text(expected_a_month: Money, p5: Money, p50: Money, p95: Money,
                 months: int) -> str:
    """The margin over the term in one unit: expected (and a month of it), p5, p50, p95."""
    return (f"margin over {count_text(months, 'month')}: expected "
            f"{(expected_a_month * months).format_grouped()} "
            f"({expected_a_month.format_grouped()} a month), p5 {p5.format_grouped()}, "
            f"p50 {p50.format_grouped()}, p95 {p95.format_grouped()}")


def _margins(p: PricePoint, months: int) -> str:
    return margins_text(p.expected_margin, p.margin_p5, p.margin_p50, p.margin_p95, months)


def sweep_text(points: tuple[PricePoint, ...]) -> str:
    """The sweep as a table: price, loss probability, losses, margin p5/p50/p95."""
    return table(("price", "loss", "runs lost", "margin p5", "margin p50", "margin p95"),
                 [(price(p.price), loss(p.loss_probability), f"{p.losses}/{p.runs}",
                   p.margin_p5.format_grouped(), p.margin_p50.format_grouped(),
                   p.margin_p95.format_grouped()) for p in points], right=(0, 1, 2, 3, 4, 5))


def sensitivity_text(rows: tuple[Sensitivity, ...]) -> str:
    """The sensitivity table: each case's break-even and target price with their loss."""
    return table(("case", "break-even", "loss", "target", "loss", "target change"),
                 [(s.case, price(s.break_even.price), loss(s.break_even.loss_probability),
                   price(s.target.price), loss(s.target.loss_probability),
                   ("+" if s.change >= 0 else "") + price(s.change)) for s in rows],
                 right=(1, 2, 3, 4, 5))


def bid_text(b: BidAsked) -> list[str]:
    """The sections each option asked for adds below the report, in the options' order."""
    parts = []
    if b.evaluated is not None:
        p = b.evaluated
        parts.append(f"--price {price(p.price)} (CNY per m² per month): loss probability "
                     f"{loss(p.loss_probability)} ({p.losses} of {p.runs} runs); "
                     f"{_margins(p, b.months)}")
    if b.sweep is not None:
        parts.append(f"prices swept, margin over {count_text(b.months, 'month')}:\n"
                     + sweep_text(b.sweep))
    if b.lowest is not None:
        p = b.lowest
        parts.append(f"lowest price with a loss probability of at most {b.max_loss}: "
                     f"{price(p.price)} (loss {loss(p.loss_probability)}, {p.losses} of "
                     f"{p.runs} runs; {_margins(p, b.months)})")
    if b.sensitivity is not None:
        parts.append("sensitivity, prices needed:\n" + sensitivity_text(b.sensitivity))
    return parts


UNIT = "CNY/m2/month"


def _scenario_priced(r: SimulationReport) -> bool:
    """Whether the report's price is one the scenario named rather than the target price as
    shown (a scenario naming exactly that price reads the same either way)."""
    return price(r.price) != price(max(Fraction(0), r.target_price))


def simulation_json(r: SimulationReport) -> dict[str, Any]:
    return {
        "bundle": r.bundle, "break_even_price": price(r.break_even_price),
        "break_even_loss_probability": decimals(r.break_even_loss, 4),
        "target_price": price(r.target_price),
        "target_loss_probability": decimals(r.target_loss, 4), "price": price(r.price),
        "price_is": "scenario" if _scenario_priced(r) else "target", "unit": UNIT,
        "months": r.months,
        "compounds": [{"id": c.id, "cost": yuan(c.cost), "contribution": yuan(c.contribution),
                       "standalone_price": price(c.standalone_price),
                       "standalone_loss_probability": decimals(c.standalone_loss, 4),
                       "standalone_cost": yuan(c.standalone_cost)} for c in r.compounds],
        "cost": yuan(r.cost), "standalone_cost": yuan(r.standalone_cost),
        "bundle_saving": yuan(r.bundle_saving), "expected_margin": yuan(r.expected_margin),
        "loss_probability": decimals(r.loss_probability, 4), "losses": r.losses,
        "margin": margin_json(r.expected_margin, r.margin_p5, r.margin_p50, r.margin_p95,
                              r.months),
        "runs": r.runs, "seed": r.seed,
    }


def simulation_text(r: SimulationReport) -> str:
    rows = [(c.id, str(c.households), decimals(c.area_m2, 2), c.cost.format_grouped(),
             c.contribution.format_grouped(), c.standalone_cost.format_grouped(),
             price(c.standalone_price), loss(c.standalone_loss)) for c in r.compounds]
    lines = [
        f"bundle {r.bundle}{' (' + r.name + ')' if r.name else ''}: "
        f"{count_text(len(r.compounds), 'compound')}, prices in CNY per m² per month, each "
        "with the share of runs that lose money at it",
        f"  break-even price  {price(r.break_even_price)}  loss {loss(r.break_even_loss)}",
        f"  target price      {price(r.target_price)}  loss {loss(r.target_loss)}",
        f"  report price      {price(r.price)}  loss {loss(r.loss_probability)}",
        f"  (the {'scenario' if _scenario_priced(r) else 'target'} price: the contributions "
        "and margins below are at it; --price P evaluates another)",
        "",
        table(("compound", "households", "area m²", "cost/month", "contribution",
               "alone/month", "alone price", "alone loss"), rows,
              right=(1, 2, 3, 4, 5, 6, 7)),
        "",
        f"a month: bundle cost {r.cost.format_grouped()}, one by one "
        f"{r.standalone_cost.format_grouped()}, bundling saves "
        f"{r.bundle_saving.format_grouped()}",
        f"{count_text(r.runs, 'run')} (seed {r.seed}) at {price(r.price)}, "
        + margins_text(r.expected_margin, r.margin_p5, r.margin_p50, r.margin_p95, r.months)
        + f"; loss probability {loss(r.loss_probability)}",
    ]
    return "\n".join(lines)
