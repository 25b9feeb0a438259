"""Benchmark of the exact split (issue 2, "Benchmark").

Allocates 100,000,000.00 yuan over 1,000,000 households weighted by floor area (Decimals with two
decimals between 30.00 and 150.00 m2, keyed by str ids, as a households CSV would give them) and
reports:

- wall time of ``allocate`` (``time.perf_counter``), best of several runs, each on newly made
  weights (a Decimal caches its hash, so re-splitting the same objects would flatter the figure);
- peak resident memory of a fresh process that builds the weights and splits once (the kernel's
  ``ru_maxrss``), and what the weights alone take before the split;
- the peak of the memory ``allocate`` itself allocates (``tracemalloc``, a separate run, since
  tracing slows Python down several times).

Target (issue 2): at most 2 s and at most 300 MB on this 2-core machine. Every run also checks the
result: one part per household and the parts summing to the total, to the fen.

    .venv/bin/python bench/bench_split.py            # 1,000,000 weights
    .venv/bin/python bench/bench_split.py --n 100000 --runs 5
    make bench                                        # bench/run.py calls main()
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from decimal import Decimal

from commons.allocation import allocate
from commons.money import Money

TOTAL = "100000000.00"
DEFAULT_N = 1_000_000
TARGET_SECONDS = 2.0
TARGET_MB = 300.0
SEED = 20261001


def make_weights(n: int, seed: int = SEED) -> dict[str, Decimal]:
    """n floor areas 30.00 .. 150.00 m2 keyed H0000001 ..., each its own Decimal object."""
    rng = random.Random(seed)
    return {f"H{i:07d}": Decimal(rng.randint(3000, 15000)).scaleb(-2) for i in range(1, n + 1)}


def split_once(total: Money, weights: dict[str, Decimal]) -> tuple[float, float]:
    """Wall and CPU seconds for one allocate; raises if the result is not exact."""
    start, cpu = time.perf_counter(), time.process_time()
    parts = allocate(total, weights)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if len(parts) != len(weights) or sum(p.fen for p in parts.values()) != total.fen:
        raise AssertionError("allocate did not return one part per weight summing to the total")
    return seconds, cpu


def traced_peak_mb(total: Money, weights: dict[str, Decimal]) -> float:
    """Peak MB that allocate itself allocates, the result included (the weights are not)."""
    gc.collect()
    tracemalloc.start()
    try:
        parts = allocate(total, weights)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del parts
    return peak / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident memory so far.

    On Linux this is VmHWM from /proc: ``ru_maxrss`` would also count the parent's memory that a
    forked child held before it exec'd, so it overstates a child started from a big parent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    unit = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20


def _child(n: int) -> int:
    """In a fresh process: build the weights, split once, print the peak RSS figures as JSON."""
    weights = make_weights(n)
    gc.collect()
    before = peak_rss_mb()
    split_once(Money.parse(TOTAL), weights)
    print(json.dumps({"before_mb": before, "peak_mb": peak_rss_mb()}))
    return 0


def process_peak_mb(n: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True,
                          text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="households (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best is quoted")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target is missed")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child is not None:
        return _child(args.child)

    rss = process_peak_mb(args.n)  # first, while this process is still small
    total = Money.parse(TOTAL)
    times = []
    for _ in range(args.runs):
        # Fresh Decimal objects for every run, as a newly read file gives: a Decimal caches its
        # hash, so splitting the same objects again would be faster than any real first split.
        weights = make_weights(args.n)
        times.append(split_once(total, weights))
        del weights
    best = min(wall for wall, _ in times)
    traced = traced_peak_mb(total, make_weights(args.n))
    cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    met = best <= TARGET_SECONDS and rss["peak_mb"] <= TARGET_MB
    print(f"allocate {args.n:,} weights: {best:.2f} s, peak {rss['peak_mb']:.0f} MB "
          f"(target <= {TARGET_SECONDS:g} s, <= {TARGET_MB:g} MB) on {cores} cores: "
          f"{'met' if met else 'MISSED'}")
    print(f"  runs (wall/CPU): {', '.join(f'{w:.2f}/{c:.2f}' for w, c in times)} s; "
          f"load average {load} (other processes running slow the wall time)")
    print(f"  peak RSS of a fresh process {rss['peak_mb']:.0f} MB, of which the "
          f"{args.n:,} weights and ids take {rss['before_mb']:.0f} MB before the split")
    print(f"  allocate's own allocations peak at {traced:.0f} MB (tracemalloc, result included)")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
