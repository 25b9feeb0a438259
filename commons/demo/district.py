"""The demo: a sample district built from the places commons keeps books for, walked through
every duty.

One district (``demo_base.DISTRICT``) carries the whole walk, in the order the books would live
it: the estate is imported; the compounds' resources and opening balances are cleared (清);
September's journal is posted and reconciled with the bank, and the month closed; a quarter of
income is collected (收) and November's tidal parking billed into it; the maintenance fund is
set aside and balances managed (管); the owners vote a cleaning subsidy that two signers pay,
while the firm alone is refused (用); property fees are invoiced with a subsidy and a
concession; the trail is exported and checked, and the quarter disclosed (审); the balance
sheet and the quarter's income statement are drawn up; a firm prices
Ziyuan's bundle; and Leshan Shizhong's elevator cost is split by floor. Each step returns its
narrative as lines of text, so the CLI only prints and tests can check the figures. Every input
is written into ``<db>-files/`` first, so each step can be replayed from the command line.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import Household, Split
from commons.demo.audit import audit_step
from commons.demo.base import (
    DISTRICT,
    WJXC,
    ZIYUAN,
    DemoReport,
    DemoStep,
    demo_folder,
    write_file,
)
from commons.demo.billing import billing_step
from commons.demo.contracts import bid_step, bundle_step
from commons.demo.ledger import ledger_step
from commons.demo.market import market_step
from commons.demo.parking import parking_step
from commons.demo.points import points_step
from commons.demo.reconcile import boc_web_step, reconcile_step, wallet_step
from commons.demo.revenue import clear_step, collect_step, set_aside_step, use_step
from commons.demo.statements import statements_step
from commons.errors import RefusedByRule
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["DemoReport", "DemoStep", "elevator_building", "run_demo"]

ELEVATOR_HOUSEHOLDS, ELEVATOR_PLAN = "ls-3-households.csv", "ls-3-elevator-plan.toml"
_PLAN_TOML = """\
# Leshan Shizhong: government 40% capped at 200,000.00, the elevator firm gives up 5%,
# residents the rest
[[stage]]
party = "government"
percent = "40"
cap = "200000.00"

[[stage]]
party = "elevator-firm"
percent = "5"

[[stage]]
party = "residents"
rest = true
"""


def elevator_building() -> list[Household]:
    """Leshan Shizhong: a six-storey walk-up adding an elevator, two flats a floor."""
    areas = ("56.37", "71.20")
    return [
        Household(f"LS-3-{floor}0{flat + 1}", "LS-3", floor, Decimal(areas[flat]),
                  f"owner-{floor}0{flat + 1}")
        for floor in range(1, 7)
        for flat in range(2)
    ]


def _elevator_step(api: Books, folder: Path) -> tuple[DemoStep, Split]:
    households = elevator_building()
    rows = write_file(folder, ELEVATOR_HOUSEHOLDS, "id,building,floor,area_m2,owner\n" + "".join(
        f"{h.id},{h.building},{h.floor},{h.area_m2},{h.owner}\n" for h in households))
    plan = write_file(folder, ELEVATOR_PLAN, _PLAN_TOML)
    split = api.splits.split(Money.parse("580000.00"), rows, by="floor", plan=plan)
    lines = [
        "Leshan Shizhong: in its old compounds floors disagree over elevator costs and",
        "\"one objects, all stall\". A coefficient per floor settles it: floors 1-2 pay",
        "nothing, each floor above pays more, times the flat's area.",
        "",
    ]
    lines += [f"  {s.party:<14} {s.amount.format_symbol():>14}" for s in split.shares]
    lines.append("")
    floor_of = {h.id: h.floor for h in households}
    lines += [f"  {p.id:<10} floor {floor_of[p.id]}  weight {p.weight:>8}  "
              f"{p.amount.format_symbol():>13}" for p in split.parts]
    lines.append(f"  check: {len(split.parts)} parts sum to {split.parts_total.format_symbol()}"
                 f" = the residents' share; shares sum to {split.total.format_symbol()}")
    return DemoStep("split", "Elevator retrofit cost split (Leshan Shizhong)", tuple(lines)), split


def _district_step(api: Books, folder: Path) -> DemoStep:
    files = [(kind, write_file(folder, f"district-{kind}.csv", text))
             for kind, text in DISTRICT.items()]
    imported = api.estate.import_files(files)
    lines = ["Changsha Yuhua: Ziyuan community's old buildings have no gate and no",
             "firm; the community bundles its micro-compounds to one firm (共享物业). Weiji",
             "Xincun next door manages itself and rents its idle daytime spaces to the hospital.",
             "", "  imported " + ", ".join(f"{s.kind} {s.new} new/{s.already_recorded} already"
                                           for s in imported), ""]
    for compound in (*ZIYUAN, WJXC):
        summary = api.estate.show(compound)
        kinds = ", ".join(f"{r.kind.value} {r.count}" for r in summary.resources)
        lines.append(f"  {compound:<5} {summary.compound.name:<5} "
                     f"{summary.compound.governance.value:<12} {summary.households:>2} households"
                     f" {summary.area_m2:>8} m2; {kinds}"
                     + (f" ({summary.tidal} tidal)" if summary.tidal else ""))
    return DemoStep("estate", "The sample district (Changsha Yuhua)", tuple(lines))


def run_demo(api: Books) -> DemoReport:
    """Build the sample district and walk it through every capability commons has.

    Only into a new database (or one an earlier demo made): the journal is append-only, so
    sample entries mixed into real books could never be taken out. Running it again on its
    own database changes nothing.
    """
    if not api.dedicate("demo"):
        raise RefusedByRule(
            f"{api.path} already holds books, and the demo would add sample "
            "entries to them for good", fix="run the demo on books of its own, in a new file",
            context={"kind": "demo"})
    with demo_folder(api.path) as (folder, kept):
        elevator, split = _elevator_step(api, folder)
        steps = (
            _district_step(api, folder),
            clear_step(api),
            ledger_step(api, folder),
            reconcile_step(api, folder),
            wallet_step(api, folder),
            collect_step(api, folder),
            boc_web_step(api, folder),
            parking_step(api, folder),
            set_aside_step(api),
            use_step(api),
            billing_step(api),
            market_step(api, folder),
            points_step(api, folder),
            audit_step(api, folder),
            statements_step(api, folder),
            bundle_step(api, folder),
            bid_step(api, folder),
            elevator,
        )
    return DemoReport(steps, split, str(folder) if kept else None)
