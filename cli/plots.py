"""The CLI's pictures: a bundle simulation and a month of tidal parking, drawn from the values
the library returns (the library itself never draws).

matplotlib is imported inside each drawing function, so no other command pays for it. The
bundle's picture uses the Agg backend so it draws to a file on a server without a display; the
parking month is drawn through its Agg canvas without pyplot, so a host's own matplotlib state is
left alone. Money is handed to matplotlib as yuan for the axes only; every figure printed comes
from exact values. Labels are in English: the fonts a server has rarely include Chinese ones.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from commons.app import (
    PARKING_OWNERS,
    ParkingReport,
    PricePoint,
    SimulationReport,
    Tariff,
    WindowDays,
    fraction_text,
    unit_price_text,
)
from commons.errors import InvalidInput
from commons.extras import require
from commons.money import Money

__all__ = ["PLOT_FORMATS", "plot_bundle", "plot_parking", "plot_sweep"]

PLOT_FORMATS = {".png": "png", ".svg": "svg"}
_RESIDENTS, _OUTSIDERS, _WINDOW = "#1f4e79", "#f28e2b", "#fde9d0"
_OWNERS_COLOUR, _OPERATOR_COLOUR, _FEES_COLOUR = "#59a14f", "#b6d7a8", "#9e9e9e"


def plot_parking(report: ParkingReport, tariff: Tariff, path: Path) -> None:
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
    owners = bill.share_of(PARKING_OWNERS)
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


def _whole_yuan(fen: int) -> int:
    return fen // 100


def plot_bundle(report: SimulationReport, path: str | Path) -> Path:
    """Draw the report to ``path`` (PNG, or any format matplotlib knows by the extension)."""
    import matplotlib  # noqa: PLC0415 - heavy, and only a plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    out = Path(path)
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    margins = [_whole_yuan(m) for m in report.margins]
    left.hist(margins, bins=min(60, max(10, len(set(margins)))), color="#4c78a8")
    for label, money, style in (("p5", report.margin_p5, ":"), ("p50", report.margin_p50, "-"),
                                ("p95", report.margin_p95, ":")):
        left.axvline(_whole_yuan(money.fen), color="black", linestyle=style,
                     label=f"{label} {money.format_grouped()}")
    left.axvline(0, color="#e45756", label=f"loss below 0: {report.losses} of {report.runs}")
    left.set_title(f"{report.bundle}: margin over {report.months} months, {report.runs} runs")
    left.set_xlabel("margin (CNY)")
    left.set_ylabel("runs")
    left.legend()
    ids = [c.id for c in report.compounds]
    positions = list(range(len(ids)))
    right.bar([p - 0.2 for p in positions], [_whole_yuan(c.cost.fen) for c in report.compounds],
              width=0.4, label="cost in the bundle", color="#9d9d9d")
    right.bar([p + 0.2 for p in positions], [_whole_yuan(c.contribution.fen)
                                             for c in report.compounds],
              width=0.4, label="contribution", color=["#54a24b" if c.contribution.fen >= 0
                                                      else "#e45756" for c in report.compounds])
    right.axhline(0, color="black", linewidth=0.8)
    right.set_xticks(positions, ids, rotation=60 if len(ids) > 8 else 0, ha="right")
    right.set_title("per compound, CNY a month: who carries whom")
    right.legend()
    try:
        with warnings.catch_warnings():
            # Chinese compound ids draw as boxes where no CJK font is installed; the figures
            # are still right, so that is not worth a warning on every run.
            warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
            figure.savefig(out, dpi=100)
    except (OSError, ValueError) as e:
        raise InvalidInput(f"cannot write the plot to {out}: {e}", field="--plot",
                           fix="give a writable path ending in .png, .svg or .pdf") from None
    finally:
        plt.close(figure)
    return out


def plot_sweep(bundle: str, points: tuple[PricePoint, ...], path: str | Path,
               lowest: PricePoint | None = None) -> Path:
    """Draw a sweep of prices to ``path``: the loss probability, and the margin's p5, p50 and
    p95 over the term, against the price; ``lowest`` (a --max-loss price) is marked."""
    require("plot")
    import matplotlib  # noqa: PLC0415 - heavy, and only a plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    out = Path(path)
    # Drawing only: matplotlib works in floats; every figure printed comes from exact values.
    prices = [float(p.price) for p in points]
    figure, (risk, margin) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    risk.plot(prices, [float(p.loss_probability * 100) for p in points], marker="o",
              color="#e45756")
    risk.set_title(f"{bundle}: loss probability by price")
    risk.set_xlabel("price (CNY per m² per month)")
    risk.set_ylabel("runs that lose (%)")
    margin.fill_between(prices, [_whole_yuan(p.margin_p5.fen) for p in points],
                        [_whole_yuan(p.margin_p95.fen) for p in points], color="#4c78a8",
                        alpha=0.25, label="p5 to p95")
    margin.plot(prices, [_whole_yuan(p.margin_p50.fen) for p in points], color="#4c78a8",
                marker="o", label="p50")
    margin.axhline(0, color="black", linewidth=0.8)
    margin.set_title("margin over the term (CNY)")
    margin.set_xlabel("price (CNY per m² per month)")
    if lowest is not None:
        for ax in (risk, margin):
            ax.axvline(float(lowest.price), color="black", linestyle=":",
                       label=f"--max-loss price {unit_price_text(lowest.price)}")
        risk.legend()
    margin.legend()
    try:
        figure.savefig(out, dpi=100)
    except (OSError, ValueError) as e:
        raise InvalidInput(f"cannot write the plot to {out}: {e}", field="--plot",
                           fix="give a writable path ending in .png, .svg or .pdf") from None
    finally:
        plt.close(figure)
    return out
