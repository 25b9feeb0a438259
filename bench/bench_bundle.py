"""Benchmark of the bundle pricing simulation (issue 8, "Benchmark").

Simulates a bundle of 30 compounds over 12 months, 10,000 runs, with a triangular collection rate
drawn per compound and month (3.6 million draws), the way ``commons bundle simulate`` does:
the scenario is parsed from TOML text, costed once, then the Monte Carlo runs. Reports the wall
time of the whole ``simulate`` call (``time.perf_counter``), best of several, and of the TOML
parse, with ``os.cpu_count()``. Target (issue 8): at most 5 s. Every run checks that the same
seed gives the same margins.

    .venv/bin/python bench/bench_bundle.py                  # 10,000 runs, 30 compounds
    .venv/bin/python bench/bench_bundle.py --runs 100000 --compounds 60
    make bench                                               # bench/run.py calls main()
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence

from commons.contracts.scenario import Scenario
from commons.contracts.simulation import simulate
from commons.l10n import fraction_text

TARGET_S = 5.0
HEAD = """\
[bundle]
id = "bench"
months = {months}
runs = {runs}
seed = 8
target_margin = "5"
tax_rate = "6"
overhead_rate = "8"
overhead_fixed = "800.00"
subsidy = "3000.00"

[collection]
distribution = "triangular"
low = "55"
mode = "78"
high = "95"
per = "month"

[[item]]
id = "manager"
unit_cost = "6000.00"

[[item]]
id = "cleaning"
unit_cost = "2600.00"
per = 120

[[item]]
id = "gate-guard"
unit_cost = "3300.00"
per = 1

[[item]]
id = "elevator-maintenance"
unit_cost = "450.00"

[[item]]
id = "roof-and-walls"
unit_cost = "0.05"
age_uplift = "1"

[[item]]
id = "stairwells"
unit_cost = "60.00"
"""


def scenario_text(compounds: int, runs: int, months: int) -> str:
    rng = random.Random(30)
    parts = [HEAD.format(runs=runs, months=months)]
    for i in range(compounds):
        households = rng.randint(20, 400)
        area = households * rng.randint(4500, 8000)  # hundredths of m² per household
        parts.append(f"""
[[compound]]
id = "c{i:02d}"
households = {households}
area_m2 = "{area // 100}.{area % 100:02d}"
buildings = {max(1, households // 40)}
gates = {rng.randint(0, 2)}
elevators = {rng.randint(0, 3)}
age = {rng.randint(20, 50)}
parking_income = "{rng.randint(0, 3000)}.00"
""")
    return "".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="Monte Carlo runs")
    parser.add_argument("--compounds", type=int, default=30)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is quoted")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))

    text = scenario_text(args.compounds, args.runs, args.months)
    start = time.perf_counter()
    scenario = Scenario.from_toml(text, "bench.toml")
    parse_s = time.perf_counter() - start
    times, first = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = simulate(scenario)
        times.append(time.perf_counter() - start)
        assert first is None or report.margins == first, "the same seed must give the same result"
        first = report.margins
    best = min(times)
    print(f"os.cpu_count() = {os.cpu_count()}")
    print(f"bundle simulation: {args.runs:,} runs x {args.compounds} compounds x {args.months} "
          f"months = {args.runs * args.compounds * args.months:,} draws")
    print(f"  parse {parse_s * 1000:.1f} ms; simulate best {best:.3f} s of "
          f"{', '.join(f'{t:.3f}' for t in times)} (target <= {TARGET_S:.0f} s)")
    print(f"  break-even {fraction_text(report.break_even_price, 4)} CNY/m2/month, "
          f"loss probability {report.losses}/{report.runs}, p50 margin {report.margin_p50}")
    return 1 if args.strict and best > TARGET_S else 0


if __name__ == "__main__":
    raise SystemExit(main())
