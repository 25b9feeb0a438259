"""Benchmark of the financial statements (issue 17): the balance sheet and the income
statement of a book of N transactions (default 200,000, the book ``bench_startup.py`` builds:
``bench/ledger_data.py``'s journal over 50 accounts and 3 years, posted into a temporary folder).

Each is timed in-process through the library (best of ``--runs``) and as a whole command
(median of ``--runs``), and written to ``bench/out/reports-results-N.json``:

    books.reports.balance_sheet(as_of=2025-12-31)                   target <= 0.5 s
    books.reports.income(2025-01..2025-12, monthly: 12 columns)     target <= 0.5 s
    commons report balance-sheet / report income --monthly          target <= 1.0 s

    .venv/bin/python bench/bench_reports.py                 # 200,000 transactions, 5 runs
    .venv/bin/python bench/bench_reports.py --n 20000 --runs 3
    .venv/bin/python bench/bench_reports.py --book /tmp/book.db   # a book built before
    make bench                                              # bench/run.py calls main()

With ``--strict`` the exit code is 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import bench_startup  # noqa: E402  (bench/bench_startup.py, found through the path above)

__all__ = ["TARGETS", "main", "run"]

TARGETS = {"balance_sheet_s": 0.5, "income_monthly_s": 0.5,  # each at most
           "balance_sheet_cli_s": 1.0, "income_cli_s": 1.0}
DEFAULT_N = 200_000


def _best(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def run(n: int, runs: int, book: Path | None = None) -> dict[str, float]:
    """Every figure for a book of N transactions (built now, unless ``book`` is one already),
    printed as it goes and returned."""
    import commons

    exe = bench_startup._commons_exe()
    # Commands are timed with bytecode, as installed (see bench_startup.run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(BENCH.parent / "commons"),
                    str(BENCH.parent / "cli"), *([str(BENCH.parent / "build")]
                                                 if (BENCH.parent / "build").is_dir() else [])],
                   check=False)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="commons-reports-") as folder:
        book = book or bench_startup.build_book(exe, n, Path(folder))
        with commons.connect(book, read_only=True) as books:
            sheet = books.reports.balance_sheet(as_of="2025-12-31")
            assert sheet.balanced, sheet.difference
            figures["balance_sheet_s"] = _best(
                lambda: books.reports.balance_sheet(as_of="2025-12-31"), runs)
            figures["income_monthly_s"] = _best(lambda: books.reports.income(
                date_from="2025-01", date_to="2025-12", grouping="monthly"), runs)
        figures["balance_sheet_cli_s"], _ = bench_startup.median_wall(
            [*exe, "--db", str(book), "report", "balance-sheet", "--as-of", "2025-12-31"], runs)
        figures["income_cli_s"], _ = bench_startup.median_wall(
            [*exe, "--db", str(book), "report", "income", "--from", "2025-01", "--to",
             "2025-12", "--monthly"], runs)
    labels = {"balance_sheet_s": "balance sheet (library, best)",
              "income_monthly_s": "income statement, 12 months (library, best)",
              "balance_sheet_cli_s": "commons report balance-sheet (median)",
              "income_cli_s": "commons report income --monthly (median)"}
    print(f"bench_reports: {n:,} transactions, {os.cpu_count()} cores, {runs} runs each")
    for key, label in labels.items():
        verdict = "ok" if figures[key] <= TARGETS[key] else "MISSED"
        print(f"  {label:<46} {figures[key]:7.3f} s   target <= {TARGETS[key]:.2f} s  {verdict}")
    path = OUT / f"reports-results-{n}.json"
    OUT.mkdir(exist_ok=True)
    path.write_text(json.dumps({"n": n, "runs": runs, **figures, "targets": TARGETS},
                               indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {path}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Time the balance sheet and the income statement on a book of --n transactions."""
    return bench_startup.timed_main(argv, doc=__doc__ or "", env="BENCH_REPORTS_N", runs=5,
                                    runs_help="runs of each statement", run=run,
                                    targets=TARGETS)

if __name__ == "__main__":
    sys.exit(main())
