"""The demo's bundle step: Changsha Yuhua's "shared property" in Ziyuan community, priced.

Houjiatang sub-district's Ziyuan community has 55 buildings 30 to 50 years old, most of them staff
housing of bankrupt state firms: many tenants, many old and poor residents, no gate, no owners'
committee, no firm. No firm would take one such micro-compound alone, so the community bundled 27
neighbouring old buildings and gave them to one firm. The eight yards below add up to those 27
buildings; their households, areas and the unit costs are commons' estimate of such a bundle in
Changsha, not figures from the article. The street office's monthly subsidy and the parking of
the two largest yards help the bundle carry its smallest, oldest yards. A yard's collection rate
is drawn once for the term (per = "term"): who pays and who does not changes slowly.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import fraction_text, unit_price_text
from commons.demo.base import DemoStep, write_file

if TYPE_CHECKING:
    from commons.app import Books, SimulationReport

__all__ = ["SCENARIO_NAME", "ZIYUAN_SCENARIO", "bid_step", "bundle_step", "ziyuan_report"]

SCENARIO_NAME = "ziyuan-bundle.toml"

ZIYUAN_SCENARIO = """\
[bundle]
id = "ziyuan"
name = "Ziyuan shared property"
months = 12
runs = 2000
seed = 2022
target_margin = "5"
tax_rate = "6"
overhead_rate = "6"
overhead_fixed = "600.00"
subsidy = "4000.00"

[collection]
distribution = "triangular"
low = "55"
mode = "75"
high = "92"
per = "term"

[[item]]
id = "manager"
unit_cost = "4500.00"

[[item]]
id = "help-desk"
unit_cost = "800.00"

[[item]]
id = "cleaning"
unit_cost = "2200.00"
per = 150

[[item]]
id = "rubbish"
unit_cost = "1.50"

[[item]]
id = "patrol"
unit_cost = "2800.00"
per = 25000

[[item]]
id = "roof-and-walls"
unit_cost = "0.02"
age_uplift = "1"

[[item]]
id = "stairwells"
unit_cost = "60.00"
age_uplift = "1"

[[item]]
id = "lighting"
unit_cost = "20.00"
""" + "".join(
    f"""
[[compound]]
id = "{id}"
households = {households}
area_m2 = "{area}"
buildings = {buildings}
age = {age}
parking_income = "{parking}"
"""
    for id, households, area, buildings, age, parking in (
        ("zy-machinery", 210, "12600.00", 6, 42, "2400.00"),
        ("zy-textile", 170, "9860.00", 5, 38, "900.00"),
        ("zy-grain", 120, "6960.00", 4, 45, "0.00"),
        ("zy-printing", 72, "4180.00", 3, 48, "0.00"),
        ("zy-chemical", 66, "3900.00", 3, 40, "0.00"),
        ("zy-power", 40, "2320.00", 2, 35, "0.00"),
        ("zy-building-materials", 36, "2050.00", 2, 50, "0.00"),
        ("zy-commerce", 30, "1760.00", 2, 33, "0.00"),
    ))


def ziyuan_report(books: Books, folder: Path) -> SimulationReport:
    """Write Ziyuan's scenario to ``folder`` (so ``commons bundle simulate`` can run it again)
    and price it; no database is touched."""
    return books.contracts.simulate(write_file(folder, SCENARIO_NAME, ZIYUAN_SCENARIO))


def bundle_step(books: Books, folder: Path) -> DemoStep:
    """Price Ziyuan's bundle: break-even and target prices, who carries whom, the risk."""
    r = ziyuan_report(books, folder)
    carried = [c.id for c in r.compounds if c.contribution.is_negative()]
    lines = [
        "Changsha Yuhua: Ziyuan community bundles 27 old buildings in eight yards, none with",
        "a firm of its own, and gives them to one firm (共享物业). Before it bids, the firm",
        "prices the bundle; prices are CNY per m² per month.",
        "",
        f"  break-even {unit_price_text(r.break_even_price)}, target (5% margin) "
        f"{unit_price_text(r.target_price)}",
        f"  runs that lose money: {_loss(r.break_even_loss)} at break-even, "
        f"{_loss(r.target_loss)} at the target",
        "",
        f"  {'yard':<22} {'cost/month':>12} {'contribution':>13} {'alone loss':>11} "
        f"{'alone price':>12}",
    ]
    lines += [f"  {c.id:<22} {c.cost.format_grouped():>12} "
              f"{c.contribution.format_grouped():>13} {_loss(c.standalone_loss):>11} "
              f"{unit_price_text(c.standalone_price):>12}"
              for c in r.compounds]
    lines += [
        "",
        f"  one by one the yards would cost {r.standalone_cost.format_symbol()} a month; "
        f"bundled {r.cost.format_symbol()}:",
        f"  bundling saves {r.bundle_saving.format_symbol()} a month",
        f"  carried by the others (以大带小): {', '.join(carried) or 'none'}",
        f"  {r.runs} runs (random seed {r.seed}) at the target price: loss probability "
        f"{fraction_text(r.loss_probability * 100, 2)}%",
        f"  margin over {r.months} months: p5 {r.margin_p5.format_symbol()}, p50 "
        f"{r.margin_p50.format_symbol()}, p95 {r.margin_p95.format_symbol()}",
    ]
    return DemoStep("bundle", "Pricing Ziyuan's shared property (Changsha Yuhua)", tuple(lines))


def _loss(share: Fraction) -> str:
    return f"{fraction_text(share * 100, 2)}%"


def bid_step(books: Books, folder: Path) -> DemoStep:
    """What the firm bids for Ziyuan: a sweep of prices from just below break-even, and the
    lowest price that loses money in at most 5% of the runs (``bundle simulate --sweep
    --max-loss``)."""
    scenario = folder / SCENARIO_NAME  # written by bundle_step
    r = books.contracts.simulate(scenario)
    start = Fraction(math.floor(r.break_even_price * 20), 20)  # down to 0.05
    points = books.contracts.sweep_prices(scenario, (start, start + Fraction(3, 10),
                                                     Fraction(1, 20)))
    lowest = books.contracts.lowest_price(scenario, "5%")
    lines = [
        "At break-even about half the runs lose money. The firm sweeps the price and asks",
        "for the lowest one that loses in at most 5% of the runs:",
        "",
        f"  {'price':>8} {'loss':>8} {'margin p5':>14} {'margin p50':>14} {'margin p95':>14}",
    ]
    lines += [f"  {unit_price_text(p.price):>8} {_loss(p.loss_probability):>8} "
              f"{p.margin_p5.format_grouped():>14} {p.margin_p50.format_grouped():>14} "
              f"{p.margin_p95.format_grouped():>14}" for p in points]
    lines += [
        "",
        f"  bid at least {unit_price_text(lowest.price)} (loss {_loss(lowest.loss_probability)}"
        f", margin p50 {lowest.margin_p50.format_symbol()} over {r.months} months)",
        f"  commons bundle simulate {SCENARIO_NAME} --sweep {unit_price_text(start)}:"
        f"{unit_price_text(start + Fraction(3, 10))}:0.05 --max-loss 5%",
    ]
    return DemoStep("bid", "A price the firm can bid for Ziyuan", tuple(lines))
