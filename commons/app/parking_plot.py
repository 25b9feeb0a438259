"""Drawing a month of tidal parking as a street office would put it in a slide: cars parked by
hour of day (residents at night, outsiders in the window) beside the parking income and the
owners' fee bill it pays for.

matplotlib is imported inside ``write_plot``, so no other command pays for it, and drawn through
its Agg canvas without pyplot, so a host's own matplotlib state is left alone. Labels are in
English: the fonts a server has rarely include Chinese ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commons.errors import InvalidInput
from commons.extras import require
from commons.money import Money, fraction_text
from commons.parking.month import OWNERS
from commons.parking.tariff import Tariff, WindowDays
from commons.parking.usage import ParkingReport

__all__ = ["PLOT_FORMATS", "write_plot"]

PLOT_FORMATS = {".png": "png", ".svg": "svg"}
_RESIDENTS, _OUTSIDERS, _WINDOW = "#1f4e79", "#f28e2b", "#fde9d0"
_OWNERS_COLOUR, _OPERATOR_COLOUR, _FEES_COLOUR = "#59a14f", "#b6d7a8", "#9e9e9e"


def write_plot(report: ParkingReport, tariff: Tariff, path: Path) -> None:
    """Draw ``report`` into ``path``; the suffix (.png or .svg) chooses the format."""
    fmt = PLOT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"cannot draw {path.name}: the plot is PNG or SVG", field="plot",
                           fix="name the file with .png or .svg")
    require("plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 - see above
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(13, 5.6), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    hours, money = figure.subplots(1, 2, width_ratios=[2.3, 1])
    _occupancy(hours, report, tariff)
    _income(money, report)
    bill = report.bill
    figure.suptitle(f"Tidal parking at {report.compound}, {report.period}: "
                    f"{bill.session_count:,} sessions, income CNY {bill.total.format_grouped()}",
                    fontsize=15, fontweight="bold")
    try:
        figure.savefig(path, format=fmt)
    except OSError as e:
        raise InvalidInput(f"cannot write {path}: {e.strerror}", field="plot",
                           fix="name a file in a writable folder") from None


def _occupancy(ax: Any, report: ParkingReport, tariff: Tariff) -> None:
    # Drawing only: matplotlib works in floats; every figure printed comes from exact values.
    residents = [float(h.residents) for h in report.occupancy]
    outsiders = [float(h.outsiders) for h in report.occupancy]
    centres = [h.hour + 0.5 for h in report.occupancy]
    for window in tariff.windows:
        if window.days in (WindowDays.WORKING, WindowDays.EVERY):
            ax.axvspan(window.start_minute / 60, window.end_minute / 60, color=_WINDOW,
                       zorder=0, label=f"outsider window {window.span} (working days)")
            ax.hlines(window.outside_spaces, window.start_minute / 60, window.end_minute / 60,
                      colors=_OUTSIDERS, linestyles="dotted", linewidth=2,
                      label=f"outsider allowance: {window.outside_spaces} spaces")
    # Outsiders at the bottom, so their bars meet the allowance line directly.
    ax.bar(centres, outsiders, width=0.85, color=_OUTSIDERS, label="outsiders (hospital visitors)")
    ax.bar(centres, residents, width=0.85, bottom=outsiders, color=_RESIDENTS, label="residents")
    spaces = len(report.spaces)
    if spaces:
        ax.axhline(spaces, color="black", linestyle="--", linewidth=1.2,
                   label=f"{spaces} tidal spaces")
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 2), [f"{h:02d}:00" for h in range(0, 25, 2)])
    ax.set_ylim(0, max([spaces, *(r + o for r, o in zip(residents, outsiders, strict=True))])
                * 1.25 or 1)
    ax.set_xlabel("hour of day (local time)", fontsize=11)
    ax.set_ylabel("cars parked, average over the month", fontsize=11)
    ax.set_title("Who parks when", fontsize=13)
    ax.legend(loc="upper left", fontsize=9, ncols=2, framealpha=0.9)
    ax.grid(axis="y", alpha=0.3)


def _income(ax: Any, report: ParkingReport) -> None:
    bill = report.bill
    owners = bill.share_of(OWNERS)
    operator = bill.total - owners
    labels = ["parking income"]
    ax.bar([0], [_yuan(owners)], color=_OWNERS_COLOUR, width=0.6, label="owners' share")
    if operator:
        ax.bar([0], [_yuan(operator)], bottom=[_yuan(owners)], color=_OPERATOR_COLOUR,
               width=0.6, label=f"{bill.operator}'s share")
    ax.annotate(f"owners\n{owners.format_grouped()}", (0, _yuan(owners) / 2),
                ha="center", va="center", color="white", fontsize=10, fontweight="bold")
    if report.fee_bill is not None:
        labels.append("owners' fee bill")
        ax.bar([1], [_yuan(report.fee_bill)], color=_FEES_COLOUR, width=0.6,
               label="fee bill for the month")
        ax.annotate(f"CNY {report.fee_bill.format_grouped()}", (1, _yuan(report.fee_bill)),
                    ha="center", va="bottom", fontsize=10)
    covered = report.covered
    title = "Income and what it pays for"
    if covered is not None:
        title = f"Parking covers {fraction_text(covered * 100, 0)}% of fees"
    ax.set_title(title, fontsize=13)
    ax.set_xticks(range(len(labels)), labels, fontsize=11)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    top = max(_yuan(bill.total), _yuan(report.fee_bill) if report.fee_bill else 0.0)
    ax.set_ylim(0, top * 1.2 or 1)
    ax.set_ylabel("CNY", fontsize=11)
    ax.legend(loc="upper right", fontsize=9)
    ax.grid(axis="y", alpha=0.3)


def _yuan(amount: Money) -> float:
    """A bar's height in yuan: for drawing only, never for arithmetic."""
    return amount.fen / 100
