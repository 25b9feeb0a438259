"""The PostgreSQL store under load and under attack: many writers on several books, a writer
killed in the middle of a bulk load, and changes made on the server behind the library's back.

Real processes post through the library at once; the run's server (``pg_server``) holds the
books, one schema each.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from ledger_helpers import BANK, PARKING, bulk_records, expected_balances, write_jsonl

import commons
from commons import Money
from commons.ledger.journal import Entry, Posting
from commons.ledger.problems import ProblemKind

pytestmark = pytest.mark.slow

WRITER = """
import sys, commons
url, actor, *files = sys.argv[1:]
for name in files:
    with commons.connect(url, actor=actor) as books:
        books.ledger.post(name)
"""


def start_writer(url: str, actor: str, files: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, actor, *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if k != "COMMONS_DB"})


def new_book(server: Any, name: str) -> str:
    url = f"{server.url('commons')}?book={name}"
    with commons.connect(url) as books:
        books.ledger.chart("wjxc")
    return url


def rows(server: Any, book: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(server.url("commons")) as conn:
        conn.execute(f"SET search_path = {book}")
        return [tuple(r) for r in conn.execute(sql)]


def test_eight_writers_on_four_books_fork_skip_lose_and_double_nothing(
        pg_server: Any, tmp_path: Path) -> None:
    books = {f"writers_{n}": new_book(pg_server, f"writers_{n}") for n in range(4)}
    chunks, size = 8, 25
    records: dict[str, list[dict[str, Any]]] = {book: [] for book in books}
    procs = []
    for w in range(8):
        book = f"writers_{w % 4}"
        files = []
        for c in range(chunks):
            batch = list(bulk_records(size, f"w{w}-c{c}", seed=w * 100 + c))
            records[book] += batch
            files.append(write_jsonl(tmp_path / f"w{w}-{c}.jsonl", batch))
        procs.append(start_writer(books[book], f"writer-{w}", files))
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    for book, url in books.items():
        with commons.connect(url, read_only=True) as api:
            report = api.audit.verify()
            assert report.ok, report.problems
            assert report.entries == 2 * chunks * size
            balances = {x.account: x.balance.fen for x in api.ledger.balance().balances
                        if x.balance}
        assert balances == {k: v for k, v in expected_balances(records[book]).items() if v}
        ids = [r[0] for r in rows(pg_server, book, "SELECT id FROM entries ORDER BY id")]
        assert ids == list(range(1, 2 * chunks * size + 1)), "one line, no gaps"
        links = rows(pg_server, book, "SELECT e.prev_hash, p.hash FROM entries e JOIN "
                     "entries p ON p.id = e.id - 1")
        assert all(prev == before for prev, before in links), "no fork"
        external = [r[0] for r in rows(pg_server, book, "SELECT external_id FROM entries")]
        assert sorted(external) == sorted(r["external_id"] for r in records[book])
        actors = {r[0] for r in rows(pg_server, book, "SELECT DISTINCT actor FROM entries")}
        assert len(actors) == 2, "both writers of the book posted"


def test_a_writer_killed_in_a_bulk_load_leaves_the_book_consistent(
        pg_server: Any, tmp_path: Path) -> None:
    url = new_book(pg_server, "killed")
    small = list(bulk_records(50, "first"))
    big = list(bulk_records(40_000, "big"))
    files = [write_jsonl(tmp_path / "first.jsonl", small), write_jsonl(tmp_path / "big.jsonl",
                                                                       big)]
    proc = start_writer(url, "loader", files)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not rows(
            pg_server, "killed", "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND "
            "(query LIKE 'INSERT INTO postings%' OR query LIKE 'COPY postings%')"):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    with commons.connect(url, read_only=True) as api:
        report = api.audit.verify()
        assert report.ok, report.problems
        assert report.entries in {50, 50 + 40_000}, "a post is whole or absent"
        balances = {x.account: x.balance.fen for x in api.ledger.balance().balances
                    if x.balance}
    posted = small if report.entries == 50 else small + big
    assert balances == {k: v for k, v in expected_balances(posted).items() if v}
    # The killed writer's lock went with its connection: the book takes posts again.
    with commons.connect(url) as api:
        assert api.ledger.post(files[0]).already_recorded == 50


def test_the_server_refuses_changes_to_the_journal_and_verify_finds_a_superusers(
        pg_server: Any) -> None:
    url = new_book(pg_server, "tampered")
    day = dt.date(2026, 3, 1)
    with commons.connect(url) as api:
        api.ledger.post([Entry(day, f"停车费 {n}", (Posting(BANK, Money(100 * n)),
                                                   Posting(PARKING, Money(-100 * n))), f"pk-{n}")
                         for n in range(1, 6)])
        assert api.audit.verify().ok
    with psycopg.connect(pg_server.url("commons"), autocommit=True) as conn:
        conn.execute("SET search_path = tampered")
        for sql in ("UPDATE entries SET memo = 'x' WHERE id = 3",
                    "DELETE FROM postings WHERE entry_id = 3",
                    "UPDATE balances SET amount_fen = 0 WHERE account_id = 1"):
            if sql.startswith("UPDATE balances"):
                conn.execute(sql)  # kept balances change; verify must notice
                continue
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation):
                conn.execute(sql)
        conn.execute("ALTER TABLE entries DISABLE TRIGGER USER")
        conn.execute("UPDATE entries SET memo = 'changed' WHERE id = 3")
        conn.execute("ALTER TABLE entries ENABLE TRIGGER USER")
    with commons.connect(url, read_only=True) as api:
        report = api.audit.verify()
    kinds = {(p.kind, p.entry_id) for p in report.problems}
    assert not report.ok
    assert (ProblemKind.CHANGED_CONTENT, 3) in kinds
    assert any(kind is ProblemKind.BALANCE_MISMATCH for kind, _ in kinds)


def test_the_application_role_cannot_change_history_and_the_auditors_cannot_write(
        pg_server: Any, tmp_path: Path) -> None:
    url = new_book(pg_server, "granted")
    pg_server.psql("CREATE ROLE clerk LOGIN; CREATE ROLE auditor LOGIN")
    with commons.connect(url) as owner:
        owner.db.grant("clerk")
        owner.db.grant("auditor", auditor=True)
    clerk_url = f"{pg_server.url('commons', user='clerk')}?book=granted"
    records = list(bulk_records(20, "clerk"))
    with commons.connect(clerk_url, actor="clerk") as clerk:
        assert clerk.ledger.post(write_jsonl(tmp_path / "c.jsonl", records)).posted == 20
        clerk.ledger.close_period("2026-01")
    with psycopg.connect(pg_server.url("commons", user="clerk"), autocommit=True) as conn:
        conn.execute("SET search_path = granted")
        for sql in ("UPDATE entries SET memo = 'x' WHERE id = 3",
                    "DELETE FROM postings WHERE entry_id = 3",
                    "DELETE FROM closed_periods", "DELETE FROM accounts"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    auditor_url = f"{pg_server.url('commons', user='auditor')}?book=granted"
    with commons.connect(auditor_url, read_only=True) as auditor:
        report = auditor.audit.verify()
        assert report.ok and report.entries == 20
    with psycopg.connect(pg_server.url("commons", user="auditor"), autocommit=True) as conn:
        conn.execute("SET search_path = granted")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO closed_periods VALUES ('2026-02', 'x', 'x')")


def test_reports_are_read_from_a_hot_standby(pg_server: Any, tmp_path: Path) -> None:
    url = new_book(pg_server, "replicated")
    standby = pg_server.standby()
    try:
        read_url = f"{standby.url('commons')}?book=replicated"
        records = list(bulk_records(30, "rep"))
        with commons.connect(url, read_url=read_url) as books:
            books.ledger.post(write_jsonl(tmp_path / "r.jsonl", records))  # to the primary
            lsn = pg_server.psql("SELECT pg_current_wal_lsn()")
            deadline = time.monotonic() + 30
            while standby.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'") != "t":
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.1)
            balances = {x.account: x.balance.fen for x in books.ledger.balance().balances
                        if x.balance}
            assert books.audit.verify().entries == 30
            assert str(standby.port) in books.session.reader.path
            assert str(pg_server.port) in books.session.store.path
        assert balances == {k: v for k, v in expected_balances(records).items() if v}
        assert standby.psql("SELECT pg_is_in_recovery()") == "t"
    finally:
        standby.stop()
        standby.remove()
