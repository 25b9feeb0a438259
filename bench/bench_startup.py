"""Start-up benchmark (issue 13, "a lazy package"): what a command costs before it works.

On a book of N transactions (default 200,000; ``bench/ledger_data.py`` writes the journal once
into ``bench/out/ledger-N/``, and the book is posted once into a temporary folder) it measures,
each as a whole process, median of ``--runs`` (default 10), and writes them to
``bench/out/startup-results-N.json``:

    ``commons --version``                                           target <= 0.10 s
    ``commons --db BOOK ledger balance``                            target <= 0.10 s
    ``python -c "import commons"`` minus ``python -c pass``         target <= 20 ms

and the ``commons`` line of ``python -X importtime -c "import commons"`` (its cumulative
microseconds, median of the runs), the modules ``import commons`` loads beyond the bare
interpreter's, and the slowest imports of ``commons ledger balance``.

    .venv/bin/python bench/bench_startup.py                 # 200,000 transactions, 10 runs
    .venv/bin/python bench/bench_startup.py --n 20000 --runs 5
    .venv/bin/python bench/bench_startup.py --book /tmp/book.db   # a book built before
    make bench                                              # bench/run.py calls main()

The default N can also come from env BENCH_STARTUP_N. With ``--strict`` the exit code is 1 when a
target is missed (always 1 when a command fails).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

__all__ = ["TARGETS", "importtime", "main", "median_wall", "run"]

TARGETS = {"version_s": 0.10, "balance_s": 0.10, "import_ms": 20.0}  # each at most
DEFAULT_N = 200_000
OPEN_ACCOUNTS = """\
import sys
from commons_cli.main import main
for name in sys.argv[2:]:
    if main(["--db", sys.argv[1], "ledger", "open", name], standalone_mode=False):
        sys.exit(f"could not open {name}")  # click returns the exit code of a refusal
"""


def _commons_exe() -> list[str]:
    for candidate in (Path(sys.executable).parent / "commons", REPO / ".venv" / "bin" / "commons"):
        if candidate.exists():
            return [str(candidate)]
    raise SystemExit("no `commons` executable: run `make lint` or `pip install -e .` first")


def median_wall(cmd: Sequence[str], runs: int) -> tuple[float, float]:
    """The median wall seconds of ``cmd`` run to completion ``runs`` times (output discarded),
    and the median CPU seconds (user + system) of the child: on cores other work shares, the
    wall time waits for them and the CPU time shows what the command itself costs. A failing
    command stops the benchmark with its stderr."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed (exit {done.returncode}): "
                             f"{done.stderr.decode(errors='replace')[-400:]}")
    return statistics.median(walls), statistics.median(cpus)


def importtime(cmd: Sequence[str]) -> list[tuple[int, int, str]]:
    """``-X importtime`` lines of ``cmd`` (a Python command line without the flag) as
    (self us, cumulative us, indented module name)."""
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True,
                          text=True, check=True)
    lines = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        lines.append((int(own), int(cumulative), name.rstrip()))
    return lines


def _module_count(code: str) -> int:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(len(sys.modules))"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def build_book(exe: list[str], n: int, folder: Path) -> Path:
    """A book of N transactions in ``folder``: init, open the 50 accounts, post the journal."""
    import ledger_data

    data = OUT / f"ledger-{n}"
    ledger_data.ensure(data, n, formats=("commons",))
    book = folder / "book.db"
    started = time.perf_counter()
    subprocess.run([*exe, "--db", str(book), "init"], check=True, capture_output=True)
    accounts = (data / ledger_data.FILES["accounts"]).read_text(encoding="utf-8").split()
    # One process runs `commons ledger open` for every account: fifty starts would cost more
    # than the rest of the build on a small book.
    subprocess.run([sys.executable, "-c", OPEN_ACCOUNTS, str(book), *accounts], check=True,
                   capture_output=True)
    subprocess.run([*exe, "--db", str(book), "ledger", "post",
                    str(data / ledger_data.FILES["commons"])], check=True, capture_output=True)
    print(f"book: {n:,} transactions posted into {book} in "
          f"{time.perf_counter() - started:.1f} s")
    return book


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def run(n: int, runs: int, book: Path | None = None) -> dict[str, float]:
    """Every figure for a book of N transactions (built now, unless ``book`` is one already),
    printed as it goes and returned."""
    exe = _commons_exe()
    python = sys.executable
    # Time commands as installed, with bytecode: from an editable checkout with
    # PYTHONDONTWRITEBYTECODE set, each run would compile the library from source first. The
    # Makefile's strict editable install imports the modules through the link tree in build/.
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "commons"), str(REPO / "cli"),
                    *([str(REPO / "build")] if (REPO / "build").is_dir() else [])], check=False)
    print(f"bench_startup: cores {os.cpu_count()}, Python {platform.python_version()}, "
          f"load average {_load()} (anything above ~0.5 means other work shares the cores); "
          f"median of {runs} runs each")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="commons-startup-") as folder:
        book = book or build_book(exe, n, Path(folder))
        bare, _ = median_wall([python, "-c", "pass"], runs)
        imported, _ = median_wall([python, "-c", "import commons"], runs)
        figures["import_ms"] = (imported - bare) * 1000
        cumulative = [next(c for _, c, name in importtime([python, "-c", "import commons"])
                           if name.strip() == "commons") for _ in range(runs)]
        figures["importtime_ms"] = statistics.median(cumulative) / 1000
        figures["version_s"], figures["version_cpu_s"] = median_wall([*exe, "--version"], runs)
        figures["balance_s"], figures["balance_cpu_s"] = median_wall(
            [*exe, "--db", str(book), "ledger", "balance"], runs)
        slowest = sorted(importtime([python, exe[0], "--db", str(book), "ledger",
                                     "balance"]), key=lambda line: -line[1])[:12]
    modules = _module_count("import commons") - _module_count("")
    print(f"  bare interpreter (python -c pass)        {bare * 1000:7.1f} ms")
    print(f"  import commons (minus the bare start)    {figures['import_ms']:7.1f} ms   "
          f"target <= {TARGETS['import_ms']:.0f} ms  {_verdict(figures['import_ms'], 20)}")
    print(f"  import commons (-X importtime, cumul.)   {figures['importtime_ms']:7.1f} ms   "
          f"({modules} modules beyond the bare interpreter's)")
    for key, label in (("version_s", "commons --version"),
                       ("balance_s", f"commons ledger balance ({n:,} tx)")):
        print(f"  {label:<40} {figures[key]:7.3f} s    target <= {TARGETS[key]:.2f} s  "
              f"{_verdict(figures[key], TARGETS[key])}  (CPU {figures[key[:-2] + '_cpu_s']:.3f} s)")
    print("  slowest imports of `commons ledger balance` (-X importtime, cumulative us):")
    for _own, cumulative_us, name in slowest:
        print(f"    {cumulative_us:>9,}  {name.strip()}")
    print(f"load average at the end: {_load()}")
    path = OUT / f"startup-results-{n}.json"
    path.write_text(json.dumps({"n": n, "runs": runs, "cores": os.cpu_count(),
                                "python": platform.python_version(), "bare_ms": bare * 1000,
                                "modules": modules, **figures, "targets": TARGETS}, indent=1)
                    + "\n", encoding="utf-8")
    print(f"figures written to {path}")
    return figures


def timed_main(argv: Sequence[str] | None, *, doc: str, env: str, runs: int, runs_help: str,
               run: Callable[[int, int, Path | None], dict[str, float]],
               targets: dict[str, float]) -> int:
    """The command line every book-timing benchmark shares: --n (or ``env``), --runs, --book
    and --strict, then ``run(n, runs, book)`` and its figures against ``targets``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get(env) or DEFAULT_N),
                        help=f"transactions in the book (default 200,000 or env {env})")
    parser.add_argument("--runs", type=int, default=runs, help=runs_help)
    parser.add_argument("--book", type=Path,
                        help="time this book of --n transactions instead of building one")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # parse_known_args: bench/run.py may call main() with its own arguments in sys.argv.
    args, _unknown = parser.parse_known_args(argv)
    figures = run(args.n, args.runs, args.book)
    missed = any(figures[key] > target for key, target in targets.items())
    return 1 if args.strict and missed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Time the start-up of the commands on a book of --n transactions."""
    return timed_main(argv, doc=__doc__ or "", env="BENCH_STARTUP_N", runs=10,
                      runs_help="runs of each command (median)", run=run, targets=TARGETS)

if __name__ == "__main__":
    sys.exit(main())
