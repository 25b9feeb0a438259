"""The demo: a sample district built from the seed stories, walked through every duty.

It grows with every capability. Each step returns its narrative as lines of text together with the
values it produced, so the CLI only prints and tests can check the figures.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from commons.billing.split import (
    FloorCoefficients,
    SharePlan,
    Split,
    Stage,
    split_total,
    weights_for,
)
from commons.estate.household import Household
from commons.money import Money

__all__ = ["DemoReport", "DemoStep", "DemoUseCases", "elevator_building"]


@attrs.frozen
class DemoStep:
    """One step of the walk: which duty or capability, a title, and what it showed."""

    topic: str
    title: str
    lines: tuple[str, ...]


@attrs.frozen
class DemoReport:
    steps: tuple[DemoStep, ...]
    elevator_split: Split


def elevator_building() -> list[Household]:
    """Seed 004 (Leshan Shizhong): a six-storey walk-up adding an elevator, two flats a floor."""
    areas = ("56.37", "71.20")
    return [
        Household(f"LS-3-{floor}0{flat + 1}", "LS-3", floor, Decimal(areas[flat]),
                  f"owner-{floor}0{flat + 1}")
        for floor in range(1, 7)
        for flat in range(2)
    ]


def _elevator_step() -> tuple[DemoStep, Split]:
    households = elevator_building()
    plan = SharePlan((
        Stage("government", percent=Decimal(40), cap=Money.parse("200000.00")),
        Stage("elevator-firm", percent=Decimal(5)),
        Stage("residents", rest=True),
    ))
    weights = weights_for("floor", households, FloorCoefficients.standard())
    split = split_total(Money.parse("580000.00"), weights, plan)
    lines = [
        "Seed 004: in Leshan's old compounds floors disagree over elevator costs and",
        "\"one objects, all stall\". A coefficient per floor settles it: floors 1-2 pay",
        "nothing, each floor above pays more, times the flat's area.",
        "",
    ]
    lines += [f"  {s.party:<14} {s.amount.format_symbol():>14}" for s in split.shares]
    lines.append("")
    lines += [f"  {p.id:<10} floor {p.id[5]}  weight {p.weight:>8}  {p.amount.format_symbol():>13}"
              for p in split.parts]
    lines.append(f"  check: {len(split.parts)} parts sum to {split.parts_total.format_symbol()}"
                 f" = the residents' share; shares sum to {split.total.format_symbol()}")
    return DemoStep("split", "Elevator retrofit cost split (seed 004)", tuple(lines)), split


class DemoUseCases:
    """The sample district."""

    def demo(self) -> DemoReport:
        """Build the sample district and walk it through every capability commons has."""
        elevator, split = _elevator_step()
        return DemoReport((elevator,), split)
