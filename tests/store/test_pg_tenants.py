"""Street offices sharing one server book, kept apart by the server's row-level security.

Two offices' roles and an auditors' role connect to the run's server as themselves (not as
the superuser, who passes every policy): each office sees and writes only its own compounds,
the auditors read all and write nothing, and both offices post into the book's one hash chain
at once without forking it.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import Invoke, as_json, ok, pg_book, raises, refused_json

import commons
from commons import Entry, Money, Posting
from commons.errors import CommonsError, ErrorCode, NotFound, RefusedByRule
from commons.store.pg import PgStore
from commons.store.pg_tenants import routes

pytestmark = pytest.mark.slow

A, B = "wjxc", "ls3"  # Weiji Xincun's and Leshan's compounds, each kept by its street office


def fee(compound: str, n: int, fen: int = 100) -> Entry:
    return Entry(dt.date(2026, 3, 1), f"停车费 {n}", (
        Posting(f"assets:bank:co-managed:{compound}", Money(fen)),
        Posting(f"income:parking:{compound}", Money(-fen))), f"{compound}-{n}")


def role_url(url: str, role: str) -> str:
    """``url`` (the superuser's) as ``role`` connects to the same book."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{role}@{rest.split('@', 1)[1]}"


@pytest.fixture
def shared(pg_server: Any, tmp_path: Path, cli: Invoke) -> dict[str, str]:
    """One book with two offices (A and B) and an auditor; the URLs each connects with."""
    owner = pg_book(pg_server, tmp_path / "shared")
    suffix = owner.rsplit("_", 1)[1][:8]
    roles = {k: f"{k}_{suffix}" for k in ("office_a", "office_b", "auditor")}
    for role in roles.values():
        pg_server.psql(f"CREATE ROLE {role} LOGIN")
    with commons.connect(owner) as books:
        books.ledger.chart(A)
        books.ledger.chart(B)
        books.ledger.post([fee(A, 0), fee(B, 0, 250)])
    ok(cli("--db", owner, "db", "tenant", roles["office_a"], "--compound", A, db=False))
    done = as_json(ok(cli("--db", owner, "--json", "db", "tenant", roles["office_b"],
                          "--compound", B, db=False)))
    assert {"accounts", "postings", "balances", "entries"} <= set(done["kept_apart"])
    assert "closed_periods" in done["shared"] and done["compounds"] == [B]
    ok(cli("--db", owner, "db", "grant", roles["auditor"], "--auditor", db=False))
    return {"owner": owner, **{k: role_url(owner, r) for k, r in roles.items()}}


def balances(url: str) -> dict[str, int]:
    with commons.connect(url, read_only=True) as books:
        return {b.account: b.balance.fen for b in books.ledger.balance().balances}


def test_an_office_sees_and_writes_only_its_own_compounds(shared: dict[str, str]) -> None:
    seen = balances(shared["office_a"])
    assert seen and all(name.endswith(f":{A}") for name in seen)
    assert seen["assets:bank:co-managed:wjxc"] == 100
    with commons.connect(shared["office_a"]) as books:
        books.ledger.post([fee(A, 1)])
        with raises(CommonsError, ErrorCode.UNKNOWN_ACCOUNT):  # B's accounts are not there
            books.ledger.post([fee(B, 1)])
        with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED, match="accounts"):
            books.ledger.chart("ls4")  # a compound of no office of A's: the server refuses
        with raises(NotFound, ErrorCode.UNKNOWN_ACCOUNT):  # B's account is no row to A
            books.ledger.close_account(f"income:parking:{B}", on=dt.date(2026, 4, 1))
        with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED, match="closed_periods"):
            books.ledger.close_period("2026-03")  # a month closes for the district, not one office
    everything = balances(shared["owner"])
    assert everything[f"assets:bank:co-managed:{B}"] == 250
    assert everything[f"assets:bank:co-managed:{A}"] == 200
    assert "assets:bank:co-managed:ls4" not in everything


def test_an_office_reads_nothing_of_another_by_plain_sql(shared: dict[str, str]) -> None:
    conninfo, book = shared["office_b"].split("?book=")
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"SET search_path = {book}")
        names = {n for (n,) in conn.execute("SELECT name FROM accounts")}
        assert names and all(n.endswith(f":{B}") for n in names)
        (entries,) = conn.execute("SELECT count(*) FROM entries").fetchone() or (0,)
        assert entries == 1  # the whole book holds two
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO accounts (name, type, compound) VALUES "
                         f"('income:ads:{A}', 'income', '{A}')")


def test_the_auditor_reads_all_and_writes_nothing(shared: dict[str, str], cli: Invoke) -> None:
    assert balances(shared["auditor"]) == balances(shared["owner"])
    verified = as_json(ok(cli("--db", shared["auditor"], "--json", "audit", "verify", db=False)))
    assert verified["ok"] and verified["entries"] == 2
    with commons.connect(shared["auditor"]) as books, raises(
            RefusedByRule, ErrorCode.NOT_AUTHORISED):
        books.ledger.post([fee(A, 9)])
    refused_json(cli("--db", shared["office_a"], "--json", "audit", "verify", db=False),
                 ErrorCode.NOT_AUTHORISED)


def test_two_offices_post_into_the_one_chain_at_once_without_a_fork(
        shared: dict[str, str]) -> None:
    rounds, size = 6, 20
    errors: list[BaseException] = []

    def office(url: str, compound: str) -> None:
        try:
            for r in range(rounds):
                with commons.connect(url, actor=f"office-{compound}") as books:
                    books.ledger.post([fee(compound, 1 + r * size + i) for i in range(size)])
        except BaseException as e:  # handed to the test's thread
            errors.append(e)

    threads = [threading.Thread(target=office, args=(shared[k], c))
               for k, c in (("office_a", A), ("office_b", B))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with commons.connect(shared["auditor"], read_only=True) as books:
        report = books.audit.verify()
        assert report.ok, report.problems
        assert report.entries == 2 + 2 * rounds * size  # nothing lost, nothing doubled
    for key, compound in (("office_a", A), ("office_b", B)):
        assert balances(shared[key])[f"assets:bank:co-managed:{compound}"] == \
            100 * (1 + rounds * size) + (150 if compound == B else 0)


def policed(url: str) -> tuple[set[str], set[str]]:
    """The tables of the book at ``url`` that reach a compound, and those whose row security
    is on and FORCEd."""
    store = PgStore.open(url)
    try:
        kept = routes(store.conn.raw)
        forced = {t for (t,) in store.conn.raw.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind = 'r' AND relrowsecurity AND relforcerowsecurity")}
    finally:
        store.close()
    return set(kept), forced


def test_every_table_that_reaches_a_compound_has_its_policy(shared: dict[str, str]) -> None:
    kept, forced = policed(shared["owner"])
    assert kept == forced
    assert {"households", "buildings", "resources", "parking_sessions"} <= forced


def test_a_migrate_puts_the_policies_on_the_new_tables(shared: dict[str, str], pg_server: Any,
                                                      cli: Invoke) -> None:
    book = shared["owner"].split("book=")[1]
    pg_server.undo_newest_version(book)
    tables = f"SELECT tablename FROM pg_tables WHERE schemaname = '{book}'"
    before = set(pg_server.psql(tables, db="commons").split())
    ok(cli("--db", shared["owner"], "db", "migrate", db=False))
    kept, forced = policed(shared["owner"])
    assert kept == forced
    office = shared["office_a"].split("://")[1].split("@")[0]
    new = sorted(kept - before)
    rights = pg_server.psql(" UNION ALL ".join(
        f"SELECT has_table_privilege('{office}', '{book}.{t}', 'INSERT')" for t in new),
        db="commons") if new else ""
    assert set(rights.split()) <= {"t"}


def test_a_file_has_no_offices(cli: Invoke) -> None:
    ok(cli("init"))
    refused_json(cli("--json", "db", "tenant", "office", "--compound", A), ErrorCode.STORAGE)
