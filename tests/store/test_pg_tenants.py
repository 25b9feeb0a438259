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

import attrs
import psycopg
import pytest
from conftest import Invoke, as_json, ok, pg_book, raises, refused_json

import commons
from commons import Entry, Money, Posting
from commons.errors import CommonsError, ConflictError, ErrorCode, NotFound, RefusedByRule
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


def new_book(server: Any, where: Path) -> dict[str, str]:
    """A book with A's and B's charts, one fee each, and the server roles of two offices and
    an auditor (not yet given any right); the URLs each connects with."""
    owner = pg_book(server, where)
    suffix = owner.rsplit("_", 1)[1][:8]
    roles = {k: f"{k}_{suffix}" for k in ("office_a", "office_b", "auditor")}
    for role in roles.values():
        server.psql(f"CREATE ROLE {role} LOGIN")
    with commons.connect(owner) as books:
        books.ledger.chart(A)
        books.ledger.chart(B)
        books.ledger.post([fee(A, 0), fee(B, 0, 250)])
    return {"owner": owner, **{k: role_url(owner, r) for k, r in roles.items()},
            **{f"{k}_role": r for k, r in roles.items()}}


@pytest.fixture(scope="module")
def shared(pg_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One book shared by office A and office B, and read by the auditors (one for the
    module: the tests below assert what holds whatever the others posted)."""
    urls = new_book(pg_server, tmp_path_factory.mktemp("shared") / "shared.db")
    with commons.connect(urls["owner"]) as books:
        books.db.tenant(urls["office_a_role"], [A])
        books.db.tenant(urls["office_b_role"], [B])
        books.db.grant(urls["auditor_role"], auditor=True)
    return urls


def test_db_tenant_keeps_an_office_to_its_compounds(pg_server: Any, tmp_path: Path,
                                                    cli: Invoke) -> None:
    urls = new_book(pg_server, tmp_path / "cli.db")
    owner, office = urls["owner"], urls["office_b_role"]
    text = ok(cli("--db", owner, "db", "tenant", office, "--compound", B, db=False)).stdout
    assert text.startswith(f"{office} keeps {B}: its rows of ")
    done = as_json(ok(cli("--db", owner, "--json", "db", "tenant", office, "--compound", "ls4",
                          db=False)))
    assert done["compounds"] == sorted([B, "ls4"])  # added to what it kept
    assert {"accounts", "postings", "balances", "entries"} <= set(done["kept_apart"])
    assert "closed_periods" in done["shared"]
    assert set(balances(urls["office_b"])) == {a for a in balances(owner) if a.endswith(B)}
    refused_json(cli("--db", owner, "--json", "db", "tenant", "Not A Role", "--compound", B,
                     db=False), ErrorCode.INVALID_INPUT)
    for command in (("db", "tenant", "no_such_office", "--compound", B),
                    ("db", "grant", "no_such_office")):
        refused_json(cli("--db", owner, "--json", *command, db=False), ErrorCode.NOT_FOUND)


def balances(url: str) -> dict[str, int]:
    with commons.connect(url, read_only=True) as books:
        return {b.account: b.balance.fen for b in books.ledger.balance().balances}


def test_an_office_sees_and_writes_only_its_own_compounds(shared: dict[str, str]) -> None:
    before = balances(shared["owner"])
    seen = balances(shared["office_a"])
    assert seen == {a: fen for a, fen in before.items() if a.endswith(f":{A}")}
    with commons.connect(shared["office_a"]) as books:
        # 120 entries, 240 postings: a bulk load, which goes through a temporary table
        # since the server refuses COPY FROM under row policies.
        books.ledger.post([fee(A, 10_000 + i) for i in range(120)])
        with raises(CommonsError, ErrorCode.UNKNOWN_ACCOUNT):  # B's accounts are not there
            books.ledger.post([fee(B, 10_001)])
        with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED, match="accounts"):
            books.ledger.chart("ls4")  # a compound of no office of A's: the server refuses
        with raises(NotFound, ErrorCode.UNKNOWN_ACCOUNT):  # B's account is no row to A
            books.ledger.close_account(f"income:parking:{B}", on=dt.date(2026, 4, 1))
        with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED, match="closed_periods"):
            books.ledger.close_period("2026-03")  # a month closes for the district
        with raises(ConflictError, ErrorCode.CONFLICT, match="external_id"):
            books.ledger.post([attrs.evolve(fee(A, 10_200), external_id=f"{B}-0")])  # B's
    after = balances(shared["owner"])
    assert after[f"assets:bank:co-managed:{A}"] == \
        before[f"assets:bank:co-managed:{A}"] + 100 * 120
    assert {a: f for a, f in after.items() if a.endswith(B)} == \
        {a: f for a, f in before.items() if a.endswith(B)}
    assert "assets:bank:co-managed:ls4" not in after


def test_an_office_reads_nothing_of_another_by_plain_sql(shared: dict[str, str]) -> None:
    conninfo, book = shared["office_b"].split("?book=")
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"SET search_path = {book}")
        names = {n for (n,) in conn.execute("SELECT name FROM accounts")}
        assert names and all(n.endswith(f":{B}") for n in names)
        accounts = {a for (a,) in conn.execute("SELECT DISTINCT account_id FROM postings")}
        assert accounts <= {i for (i,) in conn.execute("SELECT id FROM accounts")}
        seen = conn.execute("SELECT count(*) FROM entries").fetchall()[0][0]
        assert 0 < seen < whole_book(shared)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO accounts (name, type, compound) VALUES "
                         f"('income:ads:{A}', 'income', '{A}')")


def whole_book(shared: dict[str, str]) -> int:
    """How many entries the book holds, as the auditors count them."""
    with commons.connect(shared["auditor"], read_only=True) as books:
        return books.audit.verify().entries


def test_the_auditor_reads_all_and_writes_nothing(shared: dict[str, str], cli: Invoke) -> None:
    assert balances(shared["auditor"]) == balances(shared["owner"])
    verified = as_json(ok(cli("--db", shared["auditor"], "--json", "audit", "verify", db=False)))
    assert verified["ok"]
    assert verified == as_json(ok(cli("--db", shared["owner"], "--json", "audit", "verify",
                                      db=False)))
    with commons.connect(shared["auditor"]) as books, raises(
            RefusedByRule, ErrorCode.NOT_AUTHORISED):
        books.ledger.post([fee(A, 20_001)])
    refused_json(cli("--db", shared["office_a"], "--json", "audit", "verify", db=False),
                 ErrorCode.NOT_AUTHORISED)


def test_two_offices_post_into_the_one_chain_at_once_without_a_fork(
        shared: dict[str, str]) -> None:
    rounds, size = 6, 20
    errors: list[BaseException] = []
    entries = whole_book(shared)
    before = balances(shared["owner"])

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
        assert report.ok, report.problems  # one chain, no fork, no gap
        assert report.entries == entries + 2 * rounds * size  # nothing lost or doubled
    for key, compound in (("office_a", A), ("office_b", B)):
        bank = f"assets:bank:co-managed:{compound}"
        assert balances(shared[key])[bank] == before[bank] + 100 * rounds * size


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
