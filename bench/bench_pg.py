"""Benchmark of the PostgreSQL store (issue 20), with the SQLite figures for the same run beside.

N transactions (2 postings each) over C compounds are posted by W writer processes at once, each
into its own book (a street office's: C / W compounds, one hash chain), in posts of 1,000
entries through the library. Then, per store:

    postings/s of the W writers together                       target >= 50,000 (PostgreSQL)
    audit verify of every book, one after another              target <= 20 s
    a compound's balance (ledger.balance(compound=...))         target <= 50 ms
    the largest writer process's peak memory                    target <= 300 MB
    the verifying process's peak memory                         target <= 300 MB

With ``--offices`` every PostgreSQL book keeps its street office apart under row-level
security (``commons db tenant``): each writer posts as its office's own role, through the row
policies and without COPY (which the server refuses where policies apply), and the books are
verified as an auditors' role (``db grant --auditor``), which the policies bind too.

The issue's size is N = 1,000,000 over 500 compounds with 8 writers (the default). The server is
the one ``--url`` names (``postgresql://USER@HOST:PORT/DB``; books ``bench_0`` ... are replaced),
or a throwaway one started from /usr/lib/postgresql/*/bin as the tests start theirs.

    .venv/bin/python bench/bench_pg.py                  # 1,000,000 transactions, 8 writers
    .venv/bin/python bench/bench_pg.py --n 80000        # a quick run
    .venv/bin/python bench/bench_pg.py --n 200000 --offices
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

TARGETS = {"postings_per_s": 50_000, "verify_s": 20.0, "balance_ms": 50.0, "rss_mb": 300,
           "verify_rss_mb": 300}
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


def _verify(urls: list[str]) -> tuple[float, float]:
    """Verify every book, one after another; the seconds it took and the peak RSS in MB."""
    import commons

    started = time.perf_counter()
    for url in urls:
        with commons.connect(url, read_only=True) as books:
            report = books.audit.verify()
            assert report.ok, report.problems
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _prepare(url: str, writer: int, compounds: int, writers: int) -> None:
    import commons

    with commons.connect(url) as books:
        for c in _compounds(writer, compounds, writers):
            books.ledger.chart(c)


def _offices(urls: list[str], compounds: int) -> tuple[list[str], list[str]]:
    """Make each book's writer a street office kept to its compounds, and one auditors' role
    for every book; the URLs the offices and the auditors connect with."""
    import psycopg

    from commons.store.pg import PgStore
    from commons.store.pg_roles import grant
    from commons.store.pg_tenants import enrol

    def as_role(url: str, role: str) -> str:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{role}@{rest.split('@', 1)[-1]}"

    with psycopg.connect(urls[0].split("?")[0], autocommit=True) as conn:
        for role in [f"bench_office_{w}" for w in range(len(urls))] + ["bench_auditor"]:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                continue
            conn.execute(f"CREATE ROLE {role} LOGIN".encode())
    for w, url in enumerate(urls):
        store = PgStore.open(url)
        try:
            enrol(store, f"bench_office_{w}", _compounds(w, compounds, len(urls)))
            grant(store, "bench_auditor", auditor=True)
        finally:
            store.close()
    return ([as_role(url, f"bench_office_{w}") for w, url in enumerate(urls)],
            [as_role(url, "bench_auditor") for url in urls])


def run_store(urls: list[str], n: int, compounds: int, *, offices: bool = False
              ) -> dict[str, float]:
    """Post, verify and read balances on the books at ``urls`` (with ``offices``: as each
    book's street office, verified by the auditors); the figures."""
    import commons

    writers = len(urls)
    for w, url in enumerate(urls):
        _prepare(url, w, compounds, writers)
    readers = urls
    if offices:
        urls, readers = _offices(urls, compounds)
    share = [n // writers + (w < n % writers) for w in range(writers)]
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(writers) as pool:
        rss = pool.starmap(_writer, [(url, w, share[w], compounds, writers)
                                     for w, url in enumerate(urls)])
    posting_s = time.perf_counter() - started
    with context.Pool(1) as pool:  # a process of its own, so its peak memory is its own
        verify_s, verify_rss = pool.apply(_verify, (readers,))
    with commons.connect(urls[0], read_only=True) as books:  # an office reads its own
        books.ledger.balance(compound="c000")  # the first read opens the store
        started = time.perf_counter()
        for _ in range(10):
            books.ledger.balance(compound="c000")
        balance_ms = (time.perf_counter() - started) * 100
    return {"postings_per_s": 2 * n / posting_s, "verify_s": verify_s,
            "balance_ms": balance_ms, "rss_mb": max(rss), "verify_rss_mb": verify_rss}


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
    parser.add_argument("--offices", action="store_true",
                        help="post as street offices under row-level security")
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
                       args.compounds, offices=args.offices)
        with tempfile.TemporaryDirectory(prefix="bench-pg-") as folder:
            lite = run_store([str(Path(folder) / f"bench_{w}.db") for w in range(args.writers)],
                             args.n, args.compounds)
    finally:
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
            server.remove()  # type: ignore[attr-defined]
    offices = "; on PostgreSQL each a street office under row-level security"
    print(f"{args.n:,} transactions ({2 * args.n:,} postings) over {args.compounds} compounds, "
          f"{args.writers} writers, one book each{offices if args.offices else ''}")
    print(f"{'figure':<16}{'PostgreSQL':>14}{'SQLite':>14}{'target':>12}")
    for key, target in TARGETS.items():
        sign = ">=" if key == "postings_per_s" else "<="
        print(f"{key:<16}{pg[key]:>14,.1f}{lite[key]:>14,.1f}{sign:>6} {target:>5,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
