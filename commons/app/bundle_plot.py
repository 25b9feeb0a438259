"""The picture of a bundle simulation: the margin's distribution and each compound's share.

matplotlib loads only here, only when a plot is asked for, with the Agg backend so it draws to a
file on a server without a display. Money is handed to it as whole yuan (integer division of
fen, for the axes only); the figures themselves stay in the report.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from commons.contracts.simulation import SimulationReport
from commons.errors import InvalidInput
from commons.extras import require

__all__ = ["plot_report"]


def _yuan(fen: int) -> int:
    return fen // 100


def plot_report(report: SimulationReport, path: str | Path) -> Path:
    """Draw the report to ``path`` (PNG, or any format matplotlib knows by the extension)."""
    require("plot")
    import matplotlib  # noqa: PLC0415 - heavy, and only a plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    out = Path(path)
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    margins = [_yuan(m) for m in report.margins]
    left.hist(margins, bins=min(60, max(10, len(set(margins)))), color="#4c78a8")
    for label, money, style in (("p5", report.margin_p5, ":"), ("p50", report.margin_p50, "-"),
                                ("p95", report.margin_p95, ":")):
        left.axvline(_yuan(money.fen), color="black", linestyle=style,
                     label=f"{label} {money.format_grouped()}")
    left.axvline(0, color="#e45756", label=f"loss below 0: {report.losses} of {report.runs}")
    left.set_title(f"{report.bundle}: margin over {report.months} months, {report.runs} runs")
    left.set_xlabel("margin (CNY)")
    left.set_ylabel("runs")
    left.legend()
    ids = [c.id for c in report.compounds]
    positions = list(range(len(ids)))
    right.bar([p - 0.2 for p in positions], [_yuan(c.cost.fen) for c in report.compounds],
              width=0.4, label="cost in the bundle", color="#9d9d9d")
    right.bar([p + 0.2 for p in positions], [_yuan(c.contribution.fen)
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
