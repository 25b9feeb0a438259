"""Benchmark of monthly property-fee invoicing (issue 7, "Benchmarks").

Builds an estate of 100,000 households (areas 30.00 .. 150.00 m², 50 compounds under one bundled
schedule with a street-office subsidy and a firm concession) in a database file, then times
``billing.invoice`` for one month: pricing every household, storing the invoices and their lines
and posting one ledger entry each, in one transaction (``time.perf_counter``). It then times the
same month again (every invoice already recorded) and checks that the ledger's receivables and
income match the invoices, to the fen.

Target (issue 7): at most 5 s for 100,000 households.

    .venv/bin/python bench/bench_billing.py            # 100,000 households
    .venv/bin/python bench/bench_billing.py --n 20000
    make bench                                         # bench/run.py calls main()
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import commons
from commons.clock import FixedClock

DEFAULT_N = 100_000
COMPOUNDS = 50
TARGET_SECONDS = 5.0
SEED = 20261001
PERIOD = "2026-10"
SCHEDULE = """\
[[schedule]]
id = "bundle"
compounds = [{compounds}]
regime = "lump_sum"
[[schedule.rate]]
from = "2026-01-01"
price = "0.80"
[[schedule.rate]]
from = "2026-07-01"
price = "0.95"
[[schedule.stage]]
party = "street-office"
percent = "20"
cap = "15.00"
[[schedule.stage]]
party = "firm"
percent = "10"
[[schedule.stage]]
party = "residents"
rest = true
"""


def write_estate(folder: Path, n: int) -> list[tuple[str, Path]]:
    """CSV files of ``COMPOUNDS`` compounds, 60 flats a building, ``n`` households."""
    rng = random.Random(SEED)
    compounds = ["id,name,community,governance,built_year"]
    compounds += [f"c{c:02d},Compound {c},Community,entrusted,1990" for c in range(COMPOUNDS)]
    buildings = ["id,compound,floors,elevator"]
    households = ["id,building,floor,area_m2,owner"]
    seen: set[str] = set()
    for i in range(n):
        compound = f"c{i % COMPOUNDS:02d}"
        building = f"{compound}-b{i // COMPOUNDS // 60:04d}"
        if building not in seen:
            seen.add(building)
            buildings.append(f"{building},{compound},6,no")
        area = rng.randint(3000, 15000)
        households.append(f"H{i:07d},{building},{1 + i % 6},{area // 100}.{area % 100:02d},"
                          f"owner-{i}")
    files = []
    for kind, lines in (("compounds", compounds), ("buildings", buildings),
                        ("households", households)):
        path = folder / f"{kind}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append((kind, path))
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="households (default 100,000)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_estate(folder, args.n)
        schedule = folder / "schedule.toml"
        schedule.write_text(SCHEDULE.format(compounds=", ".join(
            f'"c{c:02d}"' for c in range(COMPOUNDS))), encoding="utf-8")
        clock = FixedClock.parse("2026-10-31T18:00:00")
        with commons.connect(folder / "bench.db", clock=clock, actor="bench") as books:
            start = time.perf_counter()
            books.estate.import_files(files)
            books.billing.schedule(schedule)
            setup = time.perf_counter() - start
            start, cpu = time.perf_counter(), time.process_time()
            run = books.billing.invoice(PERIOD)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            again = books.billing.invoice(PERIOD)
            second = time.perf_counter() - start
            report = books.ledger.balance()
            verified = books.audit.verify()
    balances = {b.account.rsplit(":", 1)[0]: commons.Money.zero() for b in report.balances}
    for b in report.balances:
        stem = b.account.rsplit(":", 1)[0]
        balances[stem] += b.balance
    if (run.issued != args.n or again.issued != 0 or again.already_recorded != args.n
            or balances["income:firm:property-fees"] != -run.gross
            or balances["assets:receivable:fees"] != run.due or not verified.ok):
        raise AssertionError("invoices and the ledger disagree")
    cores = os.cpu_count() or 1
    met = seconds <= TARGET_SECONDS
    print(f"invoice {args.n:,} households for {PERIOD} (priced, stored, posted): {seconds:.2f} s "
          f"wall, {cpu:.2f} s CPU (target <= {TARGET_SECONDS:g} s) on os.cpu_count() = {cores}: "
          f"{'met' if met else 'MISSED'}")
    print(f"  gross {run.gross.format_grouped()}, street-office subsidy "
          f"{run.subsidies.format_grouped()}, firm concession {run.concessions.format_grouped()}"
          f", residents owe {run.due.format_grouped()}")
    print(f"  the same month again: {again.already_recorded:,} already recorded in "
          f"{second:.2f} s; estate import and schedule took {setup:.2f} s (not timed above); "
          f"audit verify ok over {verified.entries:,} entries")
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
