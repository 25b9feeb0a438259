"""The demo: a sample district built from the seed stories, walked through every duty.

It grows with every capability. Each step returns its narrative as lines of text together with the
values it produced, so the CLI only prints and tests can check the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs

from commons.api.ledger import LedgerUseCases
from commons.billing.split import (
    FloorCoefficients,
    SharePlan,
    Split,
    Stage,
    split_total,
    weights_for,
)
from commons.errors import RefusedByRule
from commons.estate.household import Household
from commons.ledger.journal import Entry, Posting
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
    floor_of = {h.id: h.floor for h in households}
    lines += [f"  {p.id:<10} floor {floor_of[p.id]}  weight {p.weight:>8}  "
              f"{p.amount.format_symbol():>13}" for p in split.parts]
    lines.append(f"  check: {len(split.parts)} parts sum to {split.parts_total.format_symbol()}"
                 f" = the residents' share; shares sum to {split.total.format_symbol()}")
    return DemoStep("split", "Elevator retrofit cost split (seed 004)", tuple(lines)), split


WJXC = "wjxc"  # 卫技新村, Weiji Xincun: seed 001's self-managed compound with tidal parking


def _entry(day: int, memo: str, external_id: str, debit: str, credit: str, yuan: str) -> Entry:
    amount = Money.parse(yuan)
    return Entry(dt.date(2026, 10, day), memo,
                 (Posting(f"{debit}:{WJXC}", amount), Posting(f"{credit}:{WJXC}", -amount)),
                 external_id, actor="demo", compound=WJXC, period="2026-10")


def wjxc_october() -> Iterator[Entry]:
    """A month of Weiji Xincun's public revenue: hospital visitors park by day, a lift ad pays,
    the self-management committee pays cleaning and greening, the bank charges a fee."""
    bank = "assets:bank:co-managed"
    yield _entry(1, "opening balance verified by the committee", "wjxc-open-2026-10",
                 bank, "equity:opening-balance", "18650.00")
    for day in range(1, 32):
        weekday = dt.date(2026, 10, day).weekday() < 5
        takings = "1380.00" if weekday else "420.00"
        yield _entry(day, "tidal parking, hospital visitors 07:30-18:30", f"wjxc-tidal-{day:02d}",
                     bank, "income:parking", takings)
    yield _entry(8, "lift advertising, Q4", "wjxc-ad-2026-q4", bank, "income:advertising",
                 "4500.00")
    yield _entry(15, "cleaning, October", "wjxc-clean-2026-10", "expenses:cleaning", bank,
                 "6800.00")
    yield _entry(20, "greening: flower beds", "wjxc-green-2026-10", "expenses:greening", bank,
                 "1250.00")
    yield _entry(20, "greening: flower beds (posted twice by mistake)", "wjxc-green-dup",
                 "expenses:greening", bank, "1250.00")
    yield _entry(31, "bank charges", "wjxc-fee-2026-10", "expenses:bank-charges", bank, "12.50")


def _ledger_step(books: LedgerUseCases) -> DemoStep:
    books.ledger_chart(WJXC)
    summary = books.ledger_post(wjxc_october())
    again = books.ledger_post(wjxc_october())
    greening = books.ledger_trail(f"expenses:greening:{WJXC}")
    duplicate = next(t for t in greening if t.external_id == "wjxc-green-dup")
    if duplicate.entry_id not in {t.reverses for t in greening}:  # the demo may run again
        books.ledger_reverse(duplicate.entry_id, reason="greening posted twice",
                             on=dt.date(2026, 10, 31))
    books.ledger_close("2026-09")
    report = books.ledger_balance(compound=WJXC)
    verified = books.audit_verify()
    lines = [
        "Seed 001: Weiji Xincun rents residents' idle daytime spaces to the hospital next",
        "door. Its co-managed account takes every yuan; the journal is append-only.",
        "",
        f"  posted {summary.posted} entries for October; posting the same file again: "
        f"{again.already_recorded} already recorded, {again.posted} posted",
        f"  the duplicated greening bill (entry {duplicate.entry_id}) is reversed, not deleted;"
        " September is closed",
        "",
    ]
    lines += [f"  {b.account:<34} {b.balance.format_symbol():>13}" for b in report.balances]
    trial = sum((b.balance for b in report.balances), Money.zero())
    lines.append(f"  {'trial balance':<34} {trial.format_symbol():>13}")
    lines.append(f"  audit verify: {'ok' if verified.ok else 'FAILED'}, {verified.entries} "
                 f"entries, chain head {verified.head_hash[:16]}")
    return DemoStep("ledger", "Weiji Xincun's public revenue, October 2026 (seed 001)",
                    tuple(lines))


class DemoUseCases:
    """The sample district."""

    def demo(self) -> DemoReport:
        """Build the sample district and walk it through every capability commons has.

        Only into a new database (or one an earlier demo made): the journal is append-only, so
        sample entries mixed into real books could never be taken out.
        """
        assert isinstance(self, LedgerUseCases)
        with self.store.write() as t:
            if t.meta("demo") != "yes":
                if not t.is_empty():
                    raise RefusedByRule(
                        f"{self.path} already holds books, and the demo would add sample "
                        "entries to them for good", fix="run it on a new file: "
                        "commons --db demo.db demo")
                t.set_meta("demo", "yes")
        elevator, split = _elevator_step()
        # Imported here: the parking step builds on DemoStep, defined above.
        from commons.api.demo_parking import parking_step  # noqa: PLC0415

        return DemoReport((elevator, _ledger_step(self), parking_step(self)), split)
