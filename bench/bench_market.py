"""Benchmark of the services marketplace (issue 18, "Done when"): 1,000 providers, 10,000
services, 500 compounds and 1,000,000 order events.

It builds the marketplace in a fresh database under ``bench/out`` (compounds, households,
residents aged 80+, a meal subsidy, providers with a 10% agreement each, services listed in
bulk), writes N events (orders placed, accepted, started, completed, some rated, some
cancelled), then measures, each in its own process for wall seconds and peak RSS:

    (a) import: ``Books.market.import_events(feed, workers=os.cpu_count())``
                                                         target <= 30 s and <= 400 MB
    (b) settle the month: ``Books.market.settle``         target <= 10 s
    (c) one household's search: ``Books.market.search``   target <= 20 ms (median of 20)

    .venv/bin/python bench/bench_market.py               # 1,000,000 events
    .venv/bin/python bench/bench_market.py --n 50000
    make bench                                           # bench/run.py calls main()

The default N can also come from env BENCH_MARKET_N. With ``--strict`` the exit code is 1 when
a target is missed. Figures go to ``bench/out/market-results-N.json`` too, with the CPU
seconds of each step beside its wall seconds: on a shared machine the two differ.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"

__all__ = ["TARGETS", "build", "main"]

TARGETS = {"import_s": 30.0, "import_max_rss_mb": 400, "settle_s": 10.0, "search_ms": 20.0}
PROVIDERS, SERVICES, COMPOUNDS, HOUSEHOLDS = 1000, 10_000, 500, 20
CATEGORIES = ("canteen-meal", "childcare-hour", "elderly-care-visit", "housekeeping-hour",
              "repair-call-out", "moving-help", "health-check")


def _estate(books: Any) -> None:
    compounds = [{"id": f"c{c}", "name": f"小区{c}", "community": "市南", "governance":
                  "entrusted", "built_year": "1985"} for c in range(COMPOUNDS)]
    buildings = [{"id": f"c{c}-1", "compound": f"c{c}", "floors": "6", "elevator": "no"}
                 for c in range(COMPOUNDS)]
    households = [{"id": f"c{c}-{h}", "building": f"c{c}-1", "floor": str(1 + h % 6),
                   "area_m2": "60.00", "owner": f"o{c}-{h}"}
                  for c in range(COMPOUNDS) for h in range(HOUSEHOLDS)]
    resources = [{"id": f"c{c}-room", "compound": f"c{c}", "kind": "room", "tidal": "no"}
                 for c in range(COMPOUNDS)]
    books.estate.import_files([("compounds", compounds), ("buildings", buildings),
                               ("households", households), ("resources", resources)])


def build(db: Path, n: int, seed: int = 18) -> tuple[Path, str]:
    """The marketplace and an N-event feed; the feed's path and a household to search for."""
    import commons
    from commons.app import ListedService
    from commons.money import Money

    rng = random.Random(seed)
    books = commons.connect(db, clock=commons.FixedClock.parse("2026-11-30T20:00:00"))
    _estate(books)
    m = books.market
    m.add_subsidy("meal-80", funder="street-office", tag="aged-80+", categories="canteen-meal",
                  percent="30", cap="100.00", budget="500000.00", concession="5")
    for h in range(0, COMPOUNDS * HOUSEHOLDS, 4):
        c, k = divmod(h, HOUSEHOLDS)
        m.add_resident(f"r{h}", household=f"c{c}-{k}", tags="aged-80+", since="2026-01-01")
    served: dict[int, list[int]] = {}
    for p in range(PROVIDERS):
        areas = [(p + i) % COMPOUNDS for i in range(0, 10, 2)]
        served[p] = areas
        m.add_provider(f"p{p}", name=f"服务商{p}", kind="merchant", areas=[f"c{a}" for a in areas])
        m.add_agreement(f"a{p}", provider=f"p{p}", compound=f"c{areas[0]}",
                        starts_on="2026-11-01", space=f"c{areas[0]}-room", share_percent="10")
    services = []
    for s in range(SERVICES):
        p = s % PROVIDERS
        services.append(ListedService(f"s{s}", f"p{p}", CATEGORIES[s % len(CATEGORIES)],
                                      f"服务{s}", "unit", Money(800 + 100 * (s % 50)),
                                      tuple(f"c{a}" for a in served[p])))
    with books.session.store.write() as t:  # listed in bulk: 10,000 one-by-one calls is setup
        m._categories(t)
        t.market.add_services(services)
    books.close()
    feed = db.with_suffix(".jsonl")
    with feed.open("w", encoding="utf-8") as f:
        written, o = 0, 0
        while written < n:
            s = rng.randrange(SERVICES)
            area = services[s].compounds[rng.randrange(5)]
            k = rng.randrange(HOUSEHOLDS)
            h = int(area[1:]) * HOUSEHOLDS + k
            day, minute = 1 + o % 28, (o // 28) % 600
            at = f"2026-11-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00+08:00"
            place = {"id": f"e{o}-0", "type": "place", "order": f"o{o}", "at": at,
                     "service": f"s{s}", "household": f"{area}-{k}"}
            if h % 4 == 0:
                place["resident"] = f"r{h}"
            steps = [place] + [{"id": f"e{o}-{i}", "type": kind, "order": f"o{o}",
                                "at": at.replace(":00+08", f":{10 * i:02d}+08")}
                               for i, kind in enumerate(("accept", "start", "complete"), 1)]
            if o % 10 == 9:
                steps = [steps[0], {"id": f"e{o}-9", "type": "cancel", "order": f"o{o}",
                                    "at": at.replace(":00+08", ":05+08")}]
            elif o % 3 == 0:
                steps.append({"id": f"e{o}-4", "type": "rate", "order": f"o{o}", "at":
                              at.replace(":00+08", ":50+08"), "stars": 1 + o % 5})
            for e in steps[:n - written]:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
            written += len(steps[:n - written])
            o += 1
    return feed, "c0-0"


# Each step in a process of its own, on 1 December: November, the feed's month, has ended.
_CHILD = """
import json, os, resource, sys, time, statistics
import commons
books = commons.connect(sys.argv[1], clock=commons.FixedClock.parse("2026-12-01T09:00:00"))
start = time.perf_counter()
cpu = time.process_time()
if sys.argv[2] == "import":
    done = books.market.import_events(sys.argv[3], workers=os.cpu_count() or 1)
    out = {"applied": done.applied}
elif sys.argv[2] == "settle":
    run = books.market.settle("2026-11")
    out = {"settled": run.posted}
else:
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        hits = books.market.search(sys.argv[3], category="canteen-meal")
        times.append(time.perf_counter() - t0)
    out = {"hits": len(hits), "search_ms": statistics.median(times) * 1000}
out["seconds"] = time.perf_counter() - start
out["cpu_s"] = time.process_time() - cpu
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN)  # the feed's parser, once it ended
out["worker_cpu_s"] = worker.ru_utime + worker.ru_stime
out["worker_max_rss_mb"] = worker.ru_maxrss / 1024
print(json.dumps(out))
"""


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True,
                          text=True, check=True)
    return dict(json.loads(done.stdout))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_MARKET_N",
                                                                     "1000000")))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    db = OUT / f"market-{args.n}.db"
    for stale in OUT.glob(f"market-{args.n}.*"):
        stale.unlink()
    t0 = time.perf_counter()
    feed, household = build(db, args.n)
    print(f"market: built {PROVIDERS} providers, {SERVICES} services, {COMPOUNDS} compounds "
          f"and {args.n:,} events in {time.perf_counter() - t0:.1f} s")
    imported = _child(str(db), "import", str(feed))
    settled = _child(str(db), "settle")
    searched = _child(str(db), "search", household)
    results = {"n": args.n, "cpus": os.cpu_count(), "load": os.getloadavg(),
               "import": imported, "settle": settled,
               "search": searched}
    (OUT / f"market-results-{args.n}.json").write_text(json.dumps(results, indent=2))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  import {imported['applied']:,} events: {imported['seconds']:.1f} s "
          f"({imported['cpu_s']:.1f} s of CPU), {imported['max_rss_mb']:.0f} MB; its parser "
          f"{imported['worker_cpu_s']:.1f} s of CPU, {imported['worker_max_rss_mb']:.0f} MB "
          f"(target <= 30 s, <= 400 MB)\n"
          f"  settle the month ({settled['settled']} providers): {settled['seconds']:.1f} s "
          f"({settled['cpu_s']:.1f} s of CPU; target <= 10 s)\n"
          f"  search one household ({searched['hits']} hits): {searched['search_ms']:.1f} ms "
          f"(target <= 20 ms)\n  load average {load} on {os.cpu_count()} CPUs")
    missed = [imported["seconds"] > TARGETS["import_s"],
              imported["max_rss_mb"] + imported["worker_max_rss_mb"]
              > TARGETS["import_max_rss_mb"],
              settled["seconds"] > TARGETS["settle_s"],
              searched["search_ms"] > TARGETS["search_ms"]]
    return 1 if args.strict and any(missed) else 0


if __name__ == "__main__":
    sys.exit(main())
