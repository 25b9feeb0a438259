"""Benchmark of tidal parking (issue 7, "Benchmarks"): price and post 1,000,000 sessions.

On N sessions of one month (October 2026, with the National Day holidays and a make-up working
day) over 10 compounds of 200 tidal spaces each (generated here, cached in
``bench/out/parking-N/``), against a fresh database in ``bench/out``, it measures each step in
its own process, for wall seconds and that process's peak RSS:

    (a) import: ``commons --db DB --json parking import sessions.csv``: parse, check every row
        (spaces, tariffs, kinds, repeated and stored ids, overlaps) and store
    (b) bill, the issue's "price and post": ``Books.parking.bill("2026-10", detail=False)``:
        read every session, price it day by day to the fen, split card fees over spaces, and
        collect each space's income into the journal          target <= 15 s and <= 300 MB
        (the CLI's ``parking bill`` does the same and also keeps a line per session for its
        output, which a million-line JSON document makes a matter of printing, not pricing)

The bill's total is checked against a second pricing of the same sessions in the benchmark
process, one ``price(session, tariff, calendar)`` at a time from the stored text. Figures go
to ``bench/out/parking-results-N.json`` as well as the screen.

    .venv/bin/python bench/bench_parking.py              # 1,000,000 sessions
    .venv/bin/python bench/bench_parking.py --n 50000
    make bench                                           # bench/run.py calls main()

The default N can also come from env BENCH_PARKING_N. With ``--strict`` the exit code is 1 when
a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
TARIFF = REPO / "tests" / "fixtures" / "parking" / "wjxc-tariff-2026.toml"

__all__ = ["TARGETS", "generate", "main"]

TARGETS = {"bill_s": 15.0, "bill_max_rss_mb": 300}  # at most
COMPOUNDS = 10
SPACES = 200
KINDS = ["outsider"] * 14 + ["resident"] * 3 + ["resident-night", "staff-monthly", "nurse-night"]


def generate(folder: Path, n: int, seed: int = 7) -> Path:
    """Estate, tariffs and N sessions (cached); the sessions file's path."""
    sessions = folder / "sessions.csv"
    if sessions.is_file():
        return sessions
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ids = [f"bc{c:02d}" for c in range(COMPOUNDS)]
    (folder / "compounds.csv").write_text(
        "id,name,community,governance,built_year\n"
        + "".join(f"{c},Bench {c},bench,self-managed,1990\n" for c in ids), encoding="utf-8")
    (folder / "resources.csv").write_text(
        "id,compound,kind,tidal\n" + "".join(f"{c}-P{s:03d},{c},parking,true\n"
                                             for c in ids for s in range(SPACES)),
        encoding="utf-8")
    text = TARIFF.read_text(encoding="utf-8")
    for c in ids:
        (folder / f"tariff-{c}.toml").write_text(
            text.replace('compound = "wjxc"', f'compound = "{c}"'), encoding="utf-8")
    per_space = -(-n // (COMPOUNDS * SPACES))
    month_s = 31 * 86_400
    step = month_s // per_space  # each session starts in its own slot: no two overlap
    written = 0
    tmp = sessions.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write("session_id,space,plate,entered_at,exited_at,kind\n")
        for k in range(per_space):
            for c in ids:
                for s in range(SPACES):
                    if written == n:
                        break
                    start = k * step + rng.randrange(0, step // 3)
                    end = start + rng.randrange(300, step * 2 // 3)
                    out.write(f"s{written},{c}-P{s:03d},A{rng.randrange(10**5):05d},"
                              f"{_local(start)},{_local(end)},{rng.choice(KINDS)}\n")
                    written += 1
    tmp.rename(sessions)
    return sessions


def _local(offset_s: int) -> str:
    """Local time in October 2026, ``offset_s`` seconds after its first midnight."""
    day, rest = divmod(offset_s, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    month, day = (10, day + 1) if day < 31 else (11, day - 30)
    return f"2026-{month:02d}-{day:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}"


def _measured(argv: Sequence[str]) -> tuple[float, float, str]:
    """Run ``argv``: wall seconds, the child's own peak RSS in MB, its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read()


BILL = """
import sys, time
import commons
start = time.perf_counter()
with commons.connect(sys.argv[1]) as c:
    bill = c.parking.bill("2026-10", detail=False)
print(time.perf_counter() - start, bill.total.fen, sum(b.bill.session_count
      for b in bill.compounds))
"""


def _expected_total(db: Path) -> tuple[int, int]:
    """The month's total priced again here, session by session through ``price`` from the
    stored text, without the bill's bulk path (SQL instants, shared day plans, card split)."""
    import datetime as dt
    import sqlite3

    from commons.parking.pricing import Session, price
    from commons.parking.tariff import TariffFile

    file = TariffFile.parse(TARIFF.read_text(encoding="utf-8"))
    rows = sqlite3.connect(db).execute(
        "SELECT id, space, plate, entered_at, exited_at, kind FROM parking_sessions")
    fen = count = 0
    cards: set[tuple[str, str, str]] = set()
    for sid, space, plate, entered, exited, kind in rows:
        session = Session(sid, space, plate, dt.datetime.fromisoformat(entered),
                          dt.datetime.fromisoformat(exited), kind)
        days = [d for d in price(session, file.tariff, file.calendar) if d.date.month == 10]
        if days:
            count += 1
            fen += sum(d.amount.fen for d in days)
            card = file.tariff.card(kind)
            if card is not None:
                cards.add((space.split("-")[0], kind, plate))
    fen += sum(file.tariff.card(kind).price.fen for _, kind, _ in cards)  # type: ignore[union-attr]
    return fen, count


def run(n: int) -> dict[str, Any]:
    folder = OUT / f"parking-{n}"
    sessions = generate(folder, n)
    db = OUT / f"parking-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    commons = [str(Path(sys.executable).parent / "commons"), "--db", str(db), "--json"]
    subprocess.run([*commons, "estate", "import", "compounds", str(folder / "compounds.csv"),
                    "resources", str(folder / "resources.csv")], check=True,
                   stdout=subprocess.DEVNULL)
    for c in range(COMPOUNDS):
        subprocess.run([*commons, "parking", "tariff", str(folder / f"tariff-bc{c:02d}.toml")],
                       check=True, stdout=subprocess.DEVNULL)
    import_s, import_rss, out = _measured([*commons, "parking", "import", str(sessions)])
    imported = json.loads(out)
    bill_s, bill_rss, out = _measured([sys.executable, "-c", BILL, str(db)])
    inner_s, total_fen, billed = out.split()
    expected_fen, expected_count = _expected_total(db)
    return {
        "n": n, "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "import_s": round(import_s, 2), "import_max_rss_mb": round(import_rss),
        "imported": imported["new"],
        "bill_s": round(bill_s, 2), "bill_inside_s": round(float(inner_s), 2),
        "bill_max_rss_mb": round(bill_rss), "billed_sessions": int(billed),
        "total_fen": int(total_fen), "total_matches_reference": int(total_fen) == expected_fen
        and int(billed) == expected_count,
        "sessions_per_s": round(n / bill_s),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_PARKING_N",
                                                                    "1000000")))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    print(f"os.cpu_count() = {os.cpu_count()}; {args.n:,} sessions, "
          f"{COMPOUNDS} compounds x {SPACES} tidal spaces", flush=True)
    results = run(args.n)
    OUT.mkdir(exist_ok=True)
    (OUT / f"parking-results-{args.n}.json").write_text(json.dumps(results, indent=2))
    print(f"(a) import  {results['import_s']:7.2f} s  peak RSS {results['import_max_rss_mb']} MB"
          f"  ({results['imported']:,} sessions stored)")
    print(f"(b) bill    {results['bill_s']:7.2f} s  peak RSS {results['bill_max_rss_mb']} MB"
          f"  (price and post {results['billed_sessions']:,} sessions, "
          f"{results['sessions_per_s']:,}/s; targets <= {TARGETS['bill_s']} s, "
          f"<= {TARGETS['bill_max_rss_mb']} MB)")
    from commons.money import Money

    print(f"    total {Money(results['total_fen']).format_grouped()} yuan; matches a second "
          f"pricing session by session: {results['total_matches_reference']}")
    print(f"    import + bill {results['import_s'] + results['bill_s']:.2f} s")
    missed = (results["bill_s"] > TARGETS["bill_s"]
              or results["bill_max_rss_mb"] > TARGETS["bill_max_rss_mb"]
              or not results["total_matches_reference"])
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
