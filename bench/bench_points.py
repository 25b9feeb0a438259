"""Benchmark of volunteer points (issue 19, "Done when"): 1,000,000 roster lines for 100,000
people, submitted, confirmed and posted; then one person's statement.

It builds the books in a fresh database under ``bench/out`` (a district of households, a
programme after Leshan's 嘉州积分 and its 100,000 members) and writes the rosters: ten
activities, each naming every person once, two to a CSV file (N lines in all). Then it
measures, each in its own process for wall seconds and peak RSS:

    (a) submit and confirm every roster: ``Books.points.submit`` (with ``workers`` the
        cores: each file is parsed in a second process) and ``.confirm``
                                                         target <= 30 s and <= 300 MB
    (b) one person's statement: ``Books.points.statement`` target <= 50 ms (median of 20)

    .venv/bin/python bench/bench_points.py               # 1,000,000 lines, 100,000 people
    .venv/bin/python bench/bench_points.py --n 50000 --people 5000
    make bench                                           # bench/run.py calls main()

With ``--strict`` the exit code is 1 when a target is missed. Figures go to
``bench/out/points-results-N.json`` too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"

__all__ = ["TARGETS", "build", "main"]

TARGETS = {"post_s": 30.0, "post_max_rss_mb": 300, "statement_ms": 50.0}
HOUSEHOLD_SIZE, COMPOUND_SIZE = 2, 500
PER_ROSTER = 2  # activities a roster file lists: five files of 200,000 lines for 1,000,000
PROGRAMME = """\
id = "jiazhou"
name = "嘉州积分"
operator = "乐山市中区"
monthly_cap = 100000
points_per_yuan = 10
expiry_months = 24
sponsor = "shizhong-street-office"
fund = "1000000.00"
[[kind]]
id = "clean-up"
name = "环境清洁"
basis = "hour"
points = 10
[[staff]]
person = "organiser"
role = "organiser"
[[staff]]
person = "community"
role = "community"
"""


def _estate(books: Any, people: int) -> None:
    households = (people + HOUSEHOLD_SIZE - 1) // HOUSEHOLD_SIZE
    compounds = (households + COMPOUND_SIZE - 1) // COMPOUND_SIZE
    books.estate.import_files([
        ("compounds", [{"id": f"c{c}", "name": f"小区{c}", "community": "市中",
                        "governance": "entrusted", "built_year": "1990"}
                       for c in range(compounds)]),
        ("buildings", [{"id": f"c{c}-1", "compound": f"c{c}", "floors": "6",
                        "elevator": "no"} for c in range(compounds)]),
        ("households", [{"id": f"h{h}", "building": f"c{h // COMPOUND_SIZE}-1",
                         "floor": str(1 + h % 6), "area_m2": "60.00", "owner": f"o{h}"}
                        for h in range(households)]),
    ])


def build(db: Path, n: int, people: int) -> list[Path]:
    """The books with the programme and its members, and the roster files."""
    import commons
    from commons.app import Member

    books = commons.connect(db, clock=commons.FixedClock.parse("2026-12-31T20:00:00"))
    _estate(books, people)
    programme = db.with_suffix(".toml")
    programme.write_text(PROGRAMME, encoding="utf-8")
    books.points.add_programme(programme, on="2026-12-01")
    books.points.enrol("jiazhou", [Member(f"p{i}", f"h{i // HOUSEHOLD_SIZE}", i % 3 == 0)
                                   for i in range(people)])
    books.close()
    rosters, written, activity = [], 0, 0
    while written < n:
        path = db.parent / f"{db.stem}-r{len(rosters)}.csv"
        with path.open("w", encoding="utf-8") as f:
            f.write("activity,kind,date,person,quantity\n")
            for _ in range(PER_ROSTER):
                lines = min(people, n - written)
                day = f"2026-12-{1 + activity % 28:02d}"
                f.writelines(f"a{activity},clean-up,{day},p{i},{1 + i % 4}.5\n"
                             for i in range(lines))
                written += lines
                activity += 1
        rosters.append(path)
    return rosters


_CHILD = """
import json, os, resource, sys, time, statistics
import commons
books = commons.connect(sys.argv[1], clock=commons.FixedClock.parse("2026-12-31T20:00:00"))
start = time.perf_counter()
if sys.argv[2] == "post":
    issued = lines = 0
    for path in sys.argv[3:]:
        lines += books.points.submit("jiazhou", path, by="organiser",
                                     workers=os.cpu_count() or 1).lines
        issued += books.points.confirm(path.rsplit("/", 1)[1][:-4], programme="jiazhou",
                                       by="community").issued
    out = {"lines": lines, "issued": issued, "rosters": len(sys.argv) - 3}
else:
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        s = books.points.statement(sys.argv[3], programme="jiazhou")
        times.append(time.perf_counter() - t0)
    out = {"lots": len(s.lots), "balance": s.balance,
           "statement_ms": statistics.median(times) * 1000}
out["seconds"] = time.perf_counter() - start
out["cpu_s"] = time.process_time()
# The roster parsers' CPU (their peak RSS is not told here: a child's counts the pages it
# shared with this process before it started Python afresh).
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
out["worker_cpu_s"] = workers.ru_utime + workers.ru_stime
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True,
                          text=True, check=True)
    return dict(json.loads(done.stdout))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="roster lines in all")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    db = OUT / f"points-{args.n}.db"
    for stale in OUT.glob(f"points-{args.n}*"):
        stale.unlink()
    t0 = time.perf_counter()
    rosters = build(db, args.n, args.people)
    print(f"points: built {args.people:,} members and {len(rosters)} rosters of {args.n:,} "
          f"lines in {time.perf_counter() - t0:.1f} s ({os.cpu_count()} cores)")
    load_before = os.getloadavg()
    posted = _child(str(db), "post", *map(str, rosters))
    stated = _child(str(db), "statement", "p0")
    results = {"n": args.n, "people": args.people, "cpus": os.cpu_count(),
               "load_before": load_before, "load": os.getloadavg(), "post": posted,
               "statement": stated}
    (OUT / f"points-results-{args.n}.json").write_text(json.dumps(results, indent=2))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    before = ", ".join(f"{x:.2f}" for x in load_before)
    print(f"  submit and confirm {posted['lines']:,} lines in {posted['rosters']} rosters "
          f"({posted['issued']:,} points): {posted['seconds']:.1f} s ({posted['cpu_s']:.1f} s "
          f"of CPU here, {posted['worker_cpu_s']:.1f} s in the roster parser), "
          f"{posted['max_rss_mb']:.0f} MB (target <= 30 s, <= 300 MB)\n"
          f"  one person's statement ({stated['lots']} lots): {stated['statement_ms']:.1f} ms "
          f"(target <= 50 ms)\n  load average {before} before, {load} after")
    missed = [posted["seconds"] > TARGETS["post_s"],
              posted["max_rss_mb"] > TARGETS["post_max_rss_mb"],
              stated["statement_ms"] > TARGETS["statement_ms"]]
    return 1 if args.strict and any(missed) else 0


if __name__ == "__main__":
    sys.exit(main())
