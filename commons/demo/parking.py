"""The demo's tidal-parking step: a month of Weiji Xincun (卫技新村, Changsha Yuhua).

Forty residents' spaces: by day, while residents are at work, thirty go to visitors of the
hospital next door (twenty on rest days); by night the residents park on their night cards; ten
stay with residents who are home all day. The month is imported, billed into the co-managed
account and reported against the fee bill the residents no longer pay. Sessions come from a
seeded generator, so every run shows the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from commons.demo.base import TIDAL_SPACES, WJXC, DemoStep, write_file
from commons.l10n import fraction_text
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["DEMO_MONTH", "DEMO_TARIFF", "FEE_BILL", "parking_step", "wjxc_sessions"]

COMPOUND = WJXC
DEMO_MONTH = "2026-11"
SPACES = TIDAL_SPACES
TARIFF_NAME, SESSIONS_NAME = "wjxc-tariff.toml", "wjxc-sessions-2026-11.csv"
VISITOR_SPACES, REST_DAY_SPACES = 30, 20
# What the residents would owe without parking: 320 flats of about 60 m² at 0.50 yuan/m².
FEE_BILL = Money.parse("9600.00")
DEMO_TARIFF = """\
# Weiji Xincun (卫技新村) tidal parking: the residents' committee runs it itself.
compound = "wjxc"
effective_from = "2026-01-01"
unit_minutes = 15
free_minutes = 15
daily_cap = "40.00"
overstay_per_unit = "3.00"

[[window]]
name = "hospital-day"
days = "working"
start = "07:30"
end = "18:30"
outside_spaces = 30
per_unit = "1.00"
per_hour = "3.00"

[[window]]
name = "weekend-day"
days = "rest"
start = "09:00"
end = "17:00"
outside_spaces = 20
per_unit = "1.50"

[[card]]
id = "resident-night"
holder = "resident"
covers = "night"
price = "60.00"

[[card]]
id = "staff-monthly"
holder = "outsider"
covers = "all"
price = "300.00"

[calendar]
holidays = ["2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06",
            "2026-05-01..2026-05-05", "2026-06-19..2026-06-21", "2026-09-25..2026-09-27",
            "2026-10-01..2026-10-07"]
workdays = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
"""


def _at(day: dt.date, minute: int) -> str:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return moment.isoformat()


def _visits(rng: random.Random, day: dt.date, space: str, opens: int, closes: int
            ) -> Iterator[tuple[str, str, str, str, str]]:
    """Visitors one after another on ``space`` between ``opens`` and ``closes`` (minutes)."""
    minute = opens + rng.randrange(0, 30)
    while True:
        stay = rng.choice((10, 40, 60, 90, 120, 150, 180))
        if minute + stay > closes + rng.choice((0, 0, 0, 20)):
            return
        yield (space, f"湘A{rng.randrange(10**5):05d}", _at(day, minute), _at(day, minute + stay),
               "outsider")
        minute += stay + rng.randrange(5, 45)


def wjxc_sessions(seed: int = 2026) -> list[tuple[str, ...]]:
    """November 2026 at Weiji Xincun as session rows (without their ids)."""
    rng = random.Random(seed)
    rows: list[tuple[str, ...]] = []
    first = dt.date(2026, 11, 1)
    plates = [f"湘A{9000 + n}" for n in range(SPACES)]
    for n in range(30):
        day = first + dt.timedelta(days=n)
        working = day.weekday() < 5
        for s in range(SPACES):
            space = f"WJ-P{s + 1:02d}"
            if s >= VISITOR_SPACES:  # residents at home all day and night
                if n == 0:
                    rows.append((space, plates[s], _at(first, 0), _at(first, 30 * 1440),
                                 "resident"))
                continue
            if s < REST_DAY_SPACES or working:
                opens, closes = (450, 1110) if working else (540, 1020)
                if working and s >= VISITOR_SPACES - 2:  # two hospital staff with cards
                    rows.append((space, f"湘A{7000 + s}", _at(day, 460), _at(day, 1090),
                                 "staff-monthly"))
                else:
                    rows.extend(_visits(rng, day, space, opens, closes))
            back = 1140 + rng.randrange(0, 120)
            leaves = 1440 + 390 + rng.randrange(0, 55)
            rows.append((space, plates[s], _at(day, back), _at(day, leaves), "resident-night"))
    return rows


def _write(folder: Path) -> tuple[Path, Path]:
    """The tariff and the month's sessions, as files in the demo folder."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("session_id", "space", "plate", "entered_at", "exited_at", "kind"))
    writer.writerows((f"wjxc-{n:05d}", *row) for n, row in enumerate(wjxc_sessions(), 1))
    return (write_file(folder, TARIFF_NAME, DEMO_TARIFF),
            write_file(folder, SESSIONS_NAME, out.getvalue()))


def parking_step(api: Books, folder: Path) -> DemoStep:
    """Import, bill and report a month of Weiji Xincun's tidal parking."""
    tariff, sessions = _write(folder)
    api.parking.tariff(tariff)
    imported = api.parking.import_sessions(sessions)
    with sessions.open("rb") as opened:  # a host may hand over an open file (or rows)
        again = api.parking.import_sessions(opened)
    bill = api.parking.bill(DEMO_MONTH, compound=COMPOUND, detail=False)
    report = api.parking.report(DEMO_MONTH, compound=COMPOUND, fee_bill=FEE_BILL)
    night = max(report.occupancy, key=lambda h: h.residents)
    day = max(report.occupancy, key=lambda h: h.outsiders)
    collected = bill.compounds[0]
    lines = [
        "Weiji Xincun rents its residents' idle daytime spaces to the hospital",
        "next door and pays for its services without a yuan of property fee.",
        "",
        f"  imported {imported.new:,} sessions of {DEMO_MONTH} on {SPACES} tidal spaces; the "
        f"same file again, as an open file: {again.already_recorded:,} already recorded, "
        f"{again.new} new",
        f"  busiest night hour {night.hour:02d}:00: {fraction_text(night.residents, 1)} "
        f"residents' cars; busiest day hour {day.hour:02d}:00: "
        f"{fraction_text(day.outsiders, 1)} visitors' cars",
        f"  windows over the outsiders' allowance: {len(report.breaches)}",
        f"  billed {collected.bill.session_count:,} sessions and {len(collected.bill.cards)} "
        f"cards: {collected.bill.total.format_symbol()}, collected per space into the "
        f"co-managed account ({collected.status})",
        f"  the residents' fee bill would be {FEE_BILL.format_symbol()}: parking covers "
        f"{fraction_text((report.covered or Fraction(0)) * 100)}% of it",
        f"  plot it: commons parking report --period {DEMO_MONTH} --fee-bill "
        f"{FEE_BILL} --plot wjxc-parking.png",
    ]
    return DemoStep("parking", f"Weiji Xincun's tidal parking, {DEMO_MONTH}",
                    tuple(lines))
