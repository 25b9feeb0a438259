"""Benchmark of bank reconciliation (issue 5, "Benchmark").

Posts 100,000 receipts and payments of one co-managed account over a year, writes the bank's
statement of them as a 100,000-line CSV (dates shifted up to three days, shuffled within a
day, with a running balance), and then, each in a fresh process so that its peak memory is its
own (VmHWM):

- ``import``: ``reconcile.import_statement`` of the whole CSV (parse, integrity, keys, store);
- ``run``: ``reconcile.run`` matching the 100,000 lines against the 100,000 postings and
  storing the matches, then ``reconcile.report`` at the year's end.

Target (issue 5): at most 5 s and at most 400 MB for the matching of 100,000 lines against
100,000 postings. Every run checks that everything matched and the statement reconciles.

    .venv/bin/python bench/bench_reconcile.py           # 100,000 lines
    .venv/bin/python bench/bench_reconcile.py --n 20000
    make bench                                           # bench/run.py calls main()
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import commons
from commons import Entry, FixedClock, Money, Posting

DEFAULT_N = 100_000
TARGET_SECONDS = 5.0
TARGET_MB = 400.0
SEED = 20261031
BANK = "assets:bank:co-managed:wjxc"
START = dt.date(2026, 1, 1)
CLOCK = FixedClock.parse("2027-01-02T09:00:00")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM on Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    unit = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20


def movements(n: int, seed: int = SEED) -> list[tuple[dt.date, int]]:
    """n book dates and signed fen: mostly parking and ad receipts, some payments."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        fen = rng.randint(100, 2_000_000)
        out.append((START + dt.timedelta(days=rng.randint(0, 359)),
                    fen if rng.random() < 0.8 else -fen // 4 or -1))
    return out


def entries(moves: Sequence[tuple[dt.date, int]]) -> Iterator[Entry]:
    for i, (day, fen) in enumerate(moves):
        other = "income:parking:wjxc" if fen > 0 else "expenses:repairs:wjxc"
        yield Entry(day, f"movement {i}", (Posting(BANK, Money(fen)), Posting(other, Money(-fen))),
                    f"bench-{i}")


def statement_csv(moves: Sequence[tuple[dt.date, int]], path: Path, seed: int = SEED) -> None:
    """The bank's view: each movement a line up to three days later or earlier, by date."""
    rng = random.Random(seed + 1)
    lines = sorted(((day + dt.timedelta(days=rng.randint(-3, 3)), rng.random(), fen)
                    for day, fen in moves))
    balance = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("date,amount,balance,reference,memo\n")
        for number, (day, _, fen) in enumerate(lines, start=1):
            balance += fen
            out.write(f"{day},{Money(fen)},{Money(balance)},B{number:07d},bank line {number}\n")


def setup(folder: Path, n: int) -> None:
    moves = movements(n)
    with commons.connect(folder / "bench.db", clock=CLOCK, actor="bench") as books:
        books.ledger.chart("wjxc")
        books.ledger.post(entries(moves))
    statement_csv(moves, folder / "statement.csv")


def _child(step: str, folder: Path) -> int:
    """In a fresh process: one step, its wall time and this process's peak RSS, as JSON."""
    with commons.connect(folder / "bench.db", clock=CLOCK, actor="bench") as books:
        start = time.perf_counter()
        figures: dict[str, object] = {}
        if step == "import":
            done = books.reconcile.import_statement(folder / "statement.csv", account=BANK)
            figures["added"] = done.added
        else:
            run = books.reconcile.run(account=BANK, period="2026-12")
            figures["run_s"] = time.perf_counter() - start
            report = books.reconcile.report(account=BANK, period="2026-12")
            figures.update(matched=len(run.matches), unmatched=run.unmatched_lines
                           + run.unmatched_postings, reconciled=report.reconciled)
        figures.update(seconds=time.perf_counter() - start, peak_mb=peak_rss_mb())
    print(json.dumps(figures))
    return 0


def in_child(step: str, folder: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", step, str(folder)],
                          capture_output=True, text=True, check=True)
    figures: dict[str, object] = json.loads(done.stdout)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="lines and postings")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child is not None:
        return _child(args.child[0], Path(args.child[1]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        setup(folder, args.n)
        setup_s = time.perf_counter() - started
        imported = in_child("import", folder)
        run = in_child("run", folder)
    if imported["added"] != args.n or run["unmatched"] != 0 or not run["reconciled"]:
        raise AssertionError(f"the bench's statement did not import, match or reconcile: "
                             f"{imported} {run}")
    cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    seconds = float(str(run["run_s"]))
    peak = float(str(run["peak_mb"]))
    met = seconds <= TARGET_SECONDS and peak <= TARGET_MB
    print(f"reconcile run, {args.n:,} lines against {args.n:,} postings: {seconds:.2f} s, peak "
          f"{peak:.0f} MB (target <= {TARGET_SECONDS:g} s, <= {TARGET_MB:g} MB) on {cores} "
          f"cores: {'met' if met else 'MISSED'}")
    print(f"  {run['matched']:,} matches stored; run + report {float(str(run['seconds'])):.2f} s")
    print(f"  import of the {args.n:,}-line CSV: {float(str(imported['seconds'])):.2f} s, peak "
          f"{float(str(imported['peak_mb'])):.0f} MB")
    print(f"  setup (posting the books, writing the CSV) {setup_s:.1f} s; load average {load}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
