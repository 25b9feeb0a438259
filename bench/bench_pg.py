"""Benchmark of the PostgreSQL store (issue 20), with the SQLite figures for the same run beside.

N transactions (2 postings each) over C compounds are posted by W writer processes at once, each
into its own book (a street office's: C / W compounds, one hash chain), in posts of 1,000
entries through the library. Then, per store:

    postings/s of the W writers together                       target >= 50,000 (PostgreSQL)
    audit verify of every book, one after another              target <= 20 s
    a compound's balance (ledger.balance(compound=...))         target <= 50 ms
    the largest writer process's peak memory                    target <= 300 MB

The issue's size is N = 1,000,000 over 500 compounds with 8 writers (the default). The server is
the one ``--url`` names (``postgresql://USER@HOST:PORT/DB``; books ``bench_0`` ... are replaced),
or a throwaway one started from /usr/lib/postgresql/*/bin as the tests start theirs.

    .venv/bin/python bench/bench_pg.py                  # 1,000,000 transactions, 8 writers
    .venv/bin/python bench/bench_pg.py --n 80000        # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TESTS = BENCH.parent / "tests"

__all__ = ["TARGETS", "main"]

TARGETS = {"postings_per_s": 50_000, "verify_s": 20.0, "balance_ms": 50.0, "rss_mb": 300}
BATCH = 1_000


def _compounds(writer: int, compounds: int, writers: int) -> list[str]:
    return [f"c{c:03d}" for c in range(writer, compounds, writers)]


def _writer(url: str, writer: int, n: int, compounds: int, writers: int) -> float:
    """Post ``n`` transactions into one book; the process's peak RSS in MB."""
    import commons
    from commons import Entry, Money, Posting

    mine = _compounds(writer, compounds, writers)
    with commons.connect(url, actor=f"writer-{writer}") as books:
        for start in range(0, n, BATCH):
            batch = []
            for i in range(start, min(n, start + BATCH)):
                c = mine[i % len(mine)]
                fen = (i * 7919 + writer) % 500_000 + 1
                batch.append(Entry(dt.date(2026, i % 12 + 1, i % 28 + 1), f"停车费 {i}", (
                    Posting(f"assets:bank:co-managed:{c}", Money(fen)),
                    Posting(f"income:parking:{c}", Money(-fen))), f"w{writer}-{i}"))
            books.ledger.post(batch)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _prepare(url: str, writer: int, compounds: int, writers: int) -> None:
    import commons

    with commons.connect(url) as books:
        for c in _compounds(writer, compounds, writers):
            books.ledger.chart(c)


def run_store(urls: list[str], n: int, compounds: int) -> dict[str, float]:
    """Post, verify and read balances on the books at ``urls``; the figures."""
    import commons

    writers = len(urls)
    for w, url in enumerate(urls):
        _prepare(url, w, compounds, writers)
    share = [n // writers + (w < n % writers) for w in range(writers)]
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(writers) as pool:
        rss = pool.starmap(_writer, [(url, w, share[w], compounds, writers)
                                     for w, url in enumerate(urls)])
    posting_s = time.perf_counter() - started
    started = time.perf_counter()
    for url in urls:
        with commons.connect(url, read_only=True) as books:
            report = books.audit.verify()
            assert report.ok, report.problems
    verify_s = time.perf_counter() - started
    with commons.connect(urls[0], read_only=True) as books:
        books.ledger.balance(compound="c000")  # the first read opens the store
        started = time.perf_counter()
        for _ in range(10):
            books.ledger.balance(compound="c000")
        balance_ms = (time.perf_counter() - started) * 100
    return {"postings_per_s": 2 * n / posting_s, "verify_s": verify_s,
            "balance_ms": balance_ms, "rss_mb": max(rss)}


def _server() -> tuple[str, object]:
    sys.path.insert(0, str(TESTS))
    from pg_server import PgServer, binaries

    found = binaries()
    if found is None:
        raise SystemExit("no PostgreSQL binaries: install postgresql or pass --url")
    server = PgServer(found)
    server.init("shared_buffers = '256MB'", "max_wal_size = '4GB'")
    server.start()
    server.psql("CREATE DATABASE bench")
    return server.url("bench"), server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="transactions in all")
    parser.add_argument("--compounds", type=int, default=500)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--url", help="a PostgreSQL server's database (else a throwaway one)")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    server = None
    url = args.url
    if url is None:
        url, server = _server()
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            for w in range(args.writers):
                conn.execute(f"DROP SCHEMA IF EXISTS bench_{w} CASCADE".encode())
        pg = run_store([f"{url}?book=bench_{w}" for w in range(args.writers)], args.n,
                       args.compounds)
        with tempfile.TemporaryDirectory(prefix="bench-pg-") as folder:
            lite = run_store([str(Path(folder) / f"bench_{w}.db") for w in range(args.writers)],
                             args.n, args.compounds)
    finally:
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
            server.remove()  # type: ignore[attr-defined]
    print(f"{args.n:,} transactions ({2 * args.n:,} postings) over {args.compounds} compounds, "
          f"{args.writers} writers, one book each")
    print(f"{'figure':<16}{'PostgreSQL':>14}{'SQLite':>14}{'target':>12}")
    for key, target in TARGETS.items():
        sign = ">=" if key == "postings_per_s" else "<="
        print(f"{key:<16}{pg[key]:>14,.1f}{lite[key]:>14,.1f}{sign:>6} {target:>5,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
