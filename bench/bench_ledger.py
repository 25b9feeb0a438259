"""Benchmark of the shared-revenue ledger (issue 3, "Benchmark").

On N transactions of 2 postings each over 50 accounts and 3 years (``bench/ledger_data.py``,
cached in ``bench/out/ledger-N/``) it measures, against a fresh database in ``bench/out``:

    (a) ``commons --db DB --json ledger post commons.jsonl`` in a subprocess: wall seconds,
        postings/s and peak RSS of the child       target >= 60,000 postings/s, <= 300 MB
    (b) the balance of every account: through the CLI (``commons ledger balance``, best of 3)
        target <= 0.5 s; through the library in-process (best of 5)           target <= 0.1 s
    (c) ``commons audit verify``                                               target <= 10 s
    (d) a bare prototype of the same posting work (json.loads, sha256 chain over a canonical
        serialisation, sqlite3 executemany into two plain tables in one transaction): the
        ~80,000 postings/s floor to approach; once plain, once with a UNIQUE external_id index
    (e) unless ``--no-compare`` (or env BENCH_NO_COMPARE): ledger-cli, hledger and bean-check on
        the same data (``compare_ledgers.py``), and the ratios of their time to commons' balance
        time; the issue wants commons >= 20x faster than the fastest tool.

Balances reported by commons are checked against the generator's own totals. Figures go to
``bench/out/ledger-results-N.json`` as well as the screen.

    .venv/bin/python bench/bench_ledger.py                 # 1,000,000 transactions
    .venv/bin/python bench/bench_ledger.py --n 20000 --no-compare
    make bench                                             # bench/run.py calls main()

The default N can also come from env BENCH_N. With ``--strict`` the exit code is 1 when a target
is missed (always 1 when a step fails).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

__all__ = ["TARGETS", "main", "parse_fen", "prototype_post", "run"]

TARGETS = {
    "post_postings_per_s": 60_000,  # at least
    "post_max_rss_mb": 300,  # at most
    "balance_cli_s": 0.5,  # at most
    "balance_library_s": 0.1,  # at most
    "verify_s": 10.0,  # at most
    "ratio_vs_fastest": 20.0,  # at least
}
PROTOTYPE_FLOOR = 80_000  # postings/s the issue measured for the bare prototype
BATCH = 5_000  # entries per executemany in the prototype


# ---------------------------------------------------------------------------------------------
# (d) the bare prototype


def parse_fen(text: str) -> int:
    """Yuan text with at most two decimals -> integer fen, without floats."""
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    whole, _, part = digits.partition(".")
    if not whole.isdigit() or len(part) > 2 or (part and not part.isdigit()):
        raise ValueError(f"bad amount {text!r}")
    fen = int(whole) * 100 + (int(part.ljust(2, "0")) if part else 0)
    return -fen if negative else fen


def prototype_post(jsonl: str | Path, db: str | Path, *, unique_external_id: bool = False,
                   batch: int = BATCH) -> dict[str, object]:
    """Post ``jsonl`` into a new SQLite file the simplest way that does the same work as the
    ledger: parse each line, convert amounts to fen, check the entry balances, chain sha256 over
    a canonical serialisation plus the previous hash, and executemany into ``entries`` and
    ``postings`` inside one transaction. Memory is bounded by ``batch``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(str(db), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, date TEXT NOT NULL, "
                 "memo TEXT NOT NULL, external_id TEXT NOT NULL, prev_hash TEXT NOT NULL, "
                 "hash TEXT NOT NULL) STRICT")
    conn.execute("CREATE TABLE postings (entry_id INTEGER NOT NULL, account TEXT NOT NULL, "
                 "amount INTEGER NOT NULL, currency TEXT NOT NULL) STRICT")
    if unique_external_id:
        conn.execute("CREATE UNIQUE INDEX entries_external_id ON entries (external_id)")
    started = time.perf_counter()
    entries: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    head = "0" * 64
    entry_id = 0
    posting_count = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    sha256 = hashlib.sha256

    def flush() -> None:
        conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", entries)
        conn.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", postings)
        entries.clear()
        postings.clear()

    conn.execute("BEGIN IMMEDIATE")
    with open(jsonl, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            legs = [(p["account"], parse_fen(p["amount"]), p.get("currency", "CNY"))
                    for p in record["postings"]]
            if sum(leg[1] for leg in legs) != 0:
                raise ValueError(f"entry {record['external_id']} does not balance")
            entry_id += 1
            canonical = dumps([record["date"], record["memo"], record["external_id"], legs])
            digest = sha256(f"{head}\n{canonical}".encode()).hexdigest()
            entries.append((entry_id, record["date"], record["memo"], record["external_id"],
                            head, digest))
            head = digest
            for account, fen, currency in legs:
                postings.append((entry_id, account, fen, currency))
            posting_count += len(legs)
            if len(entries) >= batch:
                flush()
    flush()
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return {"entries": entry_id, "postings": posting_count, "seconds": round(seconds, 3),
            "postings_per_s": round(posting_count / seconds), "head": head}


def _prototype_child(argv: Sequence[str]) -> int:
    """``bench_ledger.py prototype-child JSONL DB [--unique]``: run the prototype, print JSON."""
    result = prototype_post(argv[0], argv[1], unique_external_id="--unique" in argv[2:])
    print(json.dumps(result))
    return 0


# ---------------------------------------------------------------------------------------------
# helpers


def _commons_exe() -> list[str] | None:
    for candidate in (Path(sys.executable).parent / "commons", REPO / ".venv" / "bin" / "commons"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("commons")
    return [found] if found else None


def _fen_of(value: object) -> int | None:
    """A balance as reported (Money, fen int, or yuan text) -> fen; None if unrecognised."""
    fen = getattr(value, "fen", None)
    if isinstance(fen, int):
        return fen
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return parse_fen(value.replace(",", "").split()[0])
        except (ValueError, IndexError):
            return None
    return None


def _field(row: object, *names: str) -> object:
    for name in names:
        if isinstance(row, dict) and name in row:
            return row[name]
        if hasattr(row, name):
            return getattr(row, name)
    return None


def _balance_rows(report: object) -> dict[str, int] | None:
    """Account -> fen from a balance report, whatever its exact shape (a ``{"balances": [...]}``
    dict, an object with ``.balances``, a list of rows, or a mapping account -> amount)."""
    rows = _field(report, "balances")
    if rows is None:
        rows = report
    if isinstance(rows, dict):
        pairs: Iterable[tuple[object, object]] = rows.items()
    elif isinstance(rows, (list, tuple)):
        pairs = [(_field(row, "account", "name"), _field(row, "balance", "amount"))
                 for row in rows]
    else:
        return None
    found: dict[str, int] = {}
    for account, value in pairs:
        fen = _fen_of(value)
        if account is not None and fen is not None:
            found[str(_field(account, "name") if not isinstance(account, str) else account)] = fen
    return found


def _check_balances(report: object, expected: dict[str, int]) -> str:
    rows = _balance_rows(report)
    if rows is None:
        return "not checked (shape not recognised)"
    checked = [name for name in expected if name in rows]
    wrong = [name for name in checked if rows[name] != expected[name]]
    if not checked:
        return f"not checked (no account names recognised among {len(rows)} rows)"
    if wrong:
        name = wrong[0]
        return (f"WRONG: {len(wrong)} of {len(checked)} accounts differ, e.g. {name} "
                f"{rows[name]} fen, expected {expected[name]}")
    return f"ok ({len(checked)}/{len(expected)} accounts agree with the generator)"


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _db_size_mb(db: Path) -> float:
    total = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return round(total / 1e6, 1)


def _load() -> str:
    """The 1-minute load average: a figure measured while other work ran is not this code's."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _tail(text: object, limit: int = 400) -> str:
    return str(text).strip()[-limit:]


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# the steps


def _ledger_available(exe: list[str] | None) -> tuple[bool, bool, str]:
    """(cli has `ledger post`, library has ledger.balance, why not)."""
    cli = False
    why = ""
    if exe is None:
        why = "no `commons` executable (run `make lint` or `pip install -e .` first)"
    else:
        done = subprocess.run([*exe, "ledger", "post", "--help"], capture_output=True, text=True,
                              check=False)
        cli = done.returncode == 0
        if not cli:
            why = f"`commons ledger post` is not there yet: {_tail(done.stderr, 200)}"
    try:
        from commons.app.ledger import LedgerService

        library = all(hasattr(LedgerService, name) for name in ("open", "post", "balance"))
    except ImportError:
        library = False
    return cli, library, why


def _open_accounts(exe: list[str], db: Path, accounts: list[str], library: bool) -> float:
    started = time.perf_counter()
    if library:
        import commons

        with commons.connect(db) as handle:
            for name in accounts:
                handle.ledger.open(name)
    else:
        for name in accounts:
            subprocess.run([*exe, "--db", str(db), "ledger", "open", name], check=True,
                           capture_output=True)
    return time.perf_counter() - started


def _library_balance(db: Path, expected: dict[str, int], runs: int = 5) -> dict[str, object]:
    import commons

    started = time.perf_counter()
    with commons.connect(db) as handle:
        report = handle.ledger.balance()
        first = time.perf_counter() - started
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            report = handle.ledger.balance()
            times.append(time.perf_counter() - began)
    return {"seconds": round(min(times), 4), "first_with_connect_s": round(first, 4),
            "all_s": [round(t, 4) for t in times], "check": _check_balances(report, expected)}


def _summary_counts(stdout: Path) -> dict[str, object]:
    data = _load_json(stdout)
    if isinstance(data, dict):
        return {key: data.get(key) for key in ("posted", "already_recorded", "refused")
                if key in data}
    text = stdout.read_text(encoding="utf-8", errors="replace") if stdout.exists() else ""
    return {"output": _tail(text, 200)}


def _measure_commons(exe: list[str], db: Path, args: Sequence[str],
                     label: str, n: int) -> dict[str, object]:
    from compare_ledgers import measure

    figures = measure([*exe, "--db", str(db), "--json", *args],
                      stdout=OUT / f"commons-{label}-{n}.out")
    figures["ok"] = figures["returncode"] == 0
    return figures


def _run_balance(exe: list[str], db: Path, n: int, expected: dict[str, int], library: bool,
                 commons: dict[str, Any]) -> None:
    """(b): the balance of every account through the CLI (best of 3) and the library (of 5)."""
    runs = [_measure_commons(exe, db, ["ledger", "balance"], "balance", n) for _ in range(3)]
    best = min(runs, key=lambda r: float(r["seconds"]))
    best["all_s"] = [r["seconds"] for r in runs]
    best["check"] = _check_balances(_load_json(OUT / f"commons-balance-{n}.out"), expected)
    commons["balance_cli"] = best
    print(f"(b) commons ledger balance (CLI, best of 3): {best['seconds']:.3f} s "
          f"{best['all_s']}, peak RSS {best['max_rss_mb']} MB; {best['check']}"
          + ("" if best["ok"] else f"\n    FAILED: {_tail(best['stderr'])}"))
    if library:
        try:
            lib = _library_balance(db, expected)
        except Exception as exc:  # report and carry on with the other steps
            lib = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"    library balance FAILED: {lib['error']}")
        else:
            print(f"    ledger.balance() in-process, best of 5: {lib['seconds']:.4f} s "
                  f"(first call with connect {lib['first_with_connect_s']:.3f} s); "
                  f"{lib['check']}")
        commons["balance_library"] = lib
    else:
        print("    library ledger.balance not available; skipping the in-process figure")


def _run_commons(n: int, data: Path, expected: dict[str, int], *, repost: bool,
                 results: dict[str, Any]) -> None:
    import ledger_data

    exe = _commons_exe()
    # Time commands as installed, with bytecode: from an editable checkout with
    # PYTHONDONTWRITEBYTECODE set, each run would compile the library from source first.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "commons"),
                    str(REPO / "cli")], check=False)
    cli, library, why = _ledger_available(exe)
    if not cli or exe is None:
        print(f"commons: skipping (a)-(c): {why}")
        results["commons"] = {"skipped": why}
        return
    db = OUT / f"ledger-{n}.db"
    _remove_db(db)
    commons: dict[str, Any] = {}
    results["commons"] = commons
    accounts = (data / ledger_data.FILES["accounts"]).read_text(encoding="utf-8").split()
    init = _measure_commons(exe, db, ["init"], "init", n)
    if not init["ok"]:
        print(f"commons init failed: {_tail(init['stderr'])}")
        commons["error"] = "init failed"
        return
    opened = _open_accounts(exe, db, accounts, library)
    print(f"commons: opened {len(accounts)} accounts in {opened:.2f} s "
          f"({'library' if library else 'CLI'})")

    # (a) post
    print(f"(a) commons ledger post: {2 * n:,} postings ...", flush=True)
    post = _measure_commons(exe, db, ["ledger", "post", str(data / ledger_data.FILES["commons"])],
                            "post", n)
    post["postings_per_s"] = round(2 * n / post["seconds"]) if post["seconds"] else None
    post["summary"] = _summary_counts(OUT / f"commons-post-{n}.out")
    post["db_mb"] = _db_size_mb(db)
    commons["post"] = post
    print(f"    {post['seconds']:.2f} s, {post['postings_per_s']:,} postings/s, peak RSS "
          f"{post['max_rss_mb']} MB (all processes together {post['tree_peak_rss_mb']} MB), "
          f"db {post['db_mb']} MB, summary {post['summary']}"
          + ("" if post["ok"] else f"\n    FAILED (exit {post['returncode']}): "
             f"{_tail(post['stderr'])}"))

    # (b) balance, CLI (best of 3) and library (best of 5)
    _run_balance(exe, db, n, expected, library, commons)

    # (c) audit verify
    verify = _measure_commons(exe, db, ["audit", "verify"], "verify", n)
    commons["verify"] = verify
    print(f"(c) commons audit verify: {verify['seconds']:.2f} s, peak RSS "
          f"{verify['max_rss_mb']} MB" + ("" if verify["ok"] else
                                          f", FAILED: {_tail(verify['stderr'])}"))

    if repost:
        again = _measure_commons(
            exe, db, ["ledger", "post", str(data / ledger_data.FILES["commons"])], "repost", n)
        again["summary"] = _summary_counts(OUT / f"commons-repost-{n}.out")
        commons["repost"] = again
        print(f"    re-post of the same file: {again['seconds']:.2f} s, summary "
              f"{again['summary']}")


def _run_prototype(n: int, data: Path, results: dict[str, Any]) -> None:
    import ledger_data
    from compare_ledgers import measure

    proto: dict[str, Any] = {}
    results["prototype"] = proto
    for variant, extra in (("plain", []), ("unique_external_id", ["--unique"])):
        db = OUT / f"prototype-{n}.db"
        out = OUT / f"prototype-{variant}-{n}.out"
        figures = measure([sys.executable, __file__, "prototype-child",
                           str(data / ledger_data.FILES["commons"]), str(db), *extra], stdout=out)
        inner = _load_json(out)
        if figures["returncode"] != 0 or not isinstance(inner, dict):
            figures["error"] = _tail(figures["stderr"])
            print(f"(d) prototype {variant} FAILED: {figures['error']}")
        else:
            figures["wall_s"] = figures.pop("seconds")
            figures.update(inner)
            figures["wall_postings_per_s"] = round(2 * n / float(figures["wall_s"]))
            figures["db_mb"] = _db_size_mb(db)
            print(f"(d) prototype ({variant}): {inner['seconds']:.2f} s in-process, "
                  f"{inner['postings_per_s']:,} postings/s (wall {figures['wall_s']:.2f} s), "
                  f"peak RSS {figures['max_rss_mb']} MB, db {figures['db_mb']} MB")
        proto[variant] = figures
        _remove_db(db)


def _ratios(results: dict[str, Any]) -> None:
    compare = results.get("compare") or {}
    commons = results.get("commons") or {}
    times = {"CLI": (commons.get("balance_cli") or {}).get("seconds")
             if (commons.get("balance_cli") or {}).get("ok") else None,
             "library": (commons.get("balance_library") or {}).get("seconds")}
    tools = {tool: figures["seconds"] for tool, figures in compare.items()
             if figures.get("ok")}
    ratios: dict[str, dict[str, float]] = {}
    for how, own in times.items():
        if not own:
            continue
        ratios[how] = {tool: round(float(seconds) / float(own), 1)
                       for tool, seconds in tools.items()}
    results["ratios"] = ratios
    if not tools or not ratios:
        print("(e) ratios: nothing to compare (commons balance or the tools were not measured)")
        return
    print("(e) tool time / commons balance time (the issue wants >= 20x vs the fastest tool):")
    for how, row in ratios.items():
        cells = ", ".join(f"{tool} {ratio:,}x" for tool, ratio in row.items())
        fastest = min(tools, key=lambda tool: float(tools[tool]))
        print(f"    commons {how}: {cells}; vs fastest ({fastest}) {row[fastest]:,}x")


def _verdicts(results: dict[str, Any]) -> list[tuple[str, object, str, bool | None]]:
    """(what, measured, target, met) for each target; met is None when not measured."""
    commons = results.get("commons") or {}
    post = commons.get("post") or {}
    cli = commons.get("balance_cli") or {}
    lib = commons.get("balance_library") or {}
    verify = commons.get("verify") or {}
    cli_ratio = (results.get("ratios") or {}).get("CLI") or {}
    compare = results.get("compare") or {}
    fastest = min((t for t in cli_ratio if compare.get(t, {}).get("ok")),
                  key=lambda t: float(compare[t]["seconds"]), default=None)

    def row(what: str, value: object, target: str, ok: bool | None, good: bool
            ) -> tuple[str, object, str, bool | None]:
        return (what, value, target, None if not ok else good)

    rate = post.get("postings_per_s")
    rss = post.get("tree_peak_rss_mb") or post.get("max_rss_mb")
    return [
        row("post postings/s", rate, f">= {TARGETS['post_postings_per_s']:,}",
            bool(post.get("ok") and rate), (rate or 0) >= TARGETS["post_postings_per_s"]),
        row("post peak RSS MB (all processes)", rss, f"<= {TARGETS['post_max_rss_mb']}",
            bool(post.get("ok") and rss), (rss or 0) <= TARGETS["post_max_rss_mb"]),
        row("balance CLI s", cli.get("seconds"), f"<= {TARGETS['balance_cli_s']}",
            bool(cli.get("ok")), float(cli.get("seconds") or 0) <= TARGETS["balance_cli_s"]),
        row("balance library s", lib.get("seconds"), f"<= {TARGETS['balance_library_s']}",
            "seconds" in lib,
            float(lib.get("seconds") or 0) <= TARGETS["balance_library_s"]),
        row("audit verify s", verify.get("seconds"), f"<= {TARGETS['verify_s']}",
            bool(verify.get("ok")), float(verify.get("seconds") or 0) <= TARGETS["verify_s"]),
        row(f"ratio vs fastest ({fastest or 'tool'})", cli_ratio.get(fastest) if fastest else None,
            f">= {TARGETS['ratio_vs_fastest']:.0f}x", fastest is not None,
            float(cli_ratio.get(fastest) or 0) >= TARGETS["ratio_vs_fastest"]),
    ]


def run(n: int, *, compare: bool = True, skip: Sequence[str] = (), repost: bool = False,
        install: bool = True) -> dict[str, Any]:
    """Every step for N transactions; prints as it goes and returns the figures."""
    import ledger_data

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"bench_ledger: {n:,} transactions ({2 * n:,} postings); cores {os.cpu_count()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"load average {_load()} (anything above ~0.5 means other work shares the cores)")
    data = OUT / f"ledger-{n}"
    formats = ledger_data.FORMATS if compare else ("commons",)
    info = ledger_data.ensure(data, n, formats=formats)
    balances = info["balances_fen"]
    expected = {str(k): int(v) for k, v in balances.items()} if isinstance(balances, dict) else {}
    results: dict[str, Any] = {"n": n, "postings": 2 * n, "cores": os.cpu_count(),
                               "python": platform.python_version(),
                               "sqlite": sqlite3.sqlite_version, "targets": TARGETS,
                               "load_average_start": _load()}
    _run_commons(n, data, expected, repost=repost, results=results)
    _run_prototype(n, data, results)
    if compare:
        from compare_ledgers import compare as compare_tools

        results["compare"] = compare_tools(data, n, skip=skip, install=install)
    _ratios(results)
    results["verdicts"] = _verdicts(results)
    results["load_average_end"] = _load()
    print(f"\n{'target':34} {'measured':>12}  {'wanted':>12}")
    for what, value, target, met in results["verdicts"]:
        shown = "-" if value is None else (f"{value:,}" if isinstance(value, int) else value)
        verdict = "not measured" if met is None else ("ok" if met else "MISSED")
        print(f"{what:34} {shown!s:>12}  {target:>12}  {verdict}")
    if n < 1_000_000:
        print("(targets are set for 1,000,000 transactions; smaller runs are indicative only)")
    print(f"load average at the end: {_load()}")
    path = OUT / f"ledger-results-{n}.json"
    path.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"figures written to {path}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["prototype-child"]:
        return _prototype_child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N") or 1_000_000),
                        help="transactions (default 1,000,000 or env BENCH_N)")
    parser.add_argument("--no-compare", action="store_true",
                        help="leave out ledger-cli, hledger and bean-check (also env "
                             "BENCH_NO_COMPARE)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=("ledger", "hledger", "bean-check"),
                        help="leave one comparison tool out (repeatable)")
    parser.add_argument("--no-install", action="store_true",
                        help="compare only with tools already installed")
    parser.add_argument("--repost", action="store_true",
                        help="also time posting the same file again (all already recorded)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # parse_known_args: bench/run.py may call main() with its own arguments in sys.argv.
    args, _unknown = parser.parse_known_args(argv)
    no_compare = args.no_compare or os.environ.get("BENCH_NO_COMPARE", "") not in ("", "0")
    results = run(args.n, compare=not no_compare, skip=args.skip, repost=args.repost,
                  install=not args.no_install)
    steps = [*(results.get("commons") or {}).values(),
             *(results.get("prototype") or {}).values()]
    failed = any(isinstance(step, dict) and (step.get("ok") is False or "error" in step)
                 for step in steps)
    missed = any(met is False for *_, met in results["verdicts"])
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
