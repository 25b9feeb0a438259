"""Bad input and hostile files end in one clear CommonsError and change nothing.

Each case here once ended in a traceback, created a file it should not have, or let a change
made behind the library's back pass verification.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, raises, refused
from ledger_helpers import BANK, PARKING, record, write_jsonl

import commons
from commons import Entry, FixedClock, InvalidInput, Money, Posting
from commons.errors import ErrorCode


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    ok(cli("init"))
    ok(cli("ledger", "chart", "wjxc"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "a.jsonl", [
        record("pk-1", "2026-01-05", [(BANK, 3000), (PARKING, -3000)]),
        record("pk-2", "2026-01-06", [(BANK, 500), (PARKING, -500)]),
    ])))
    return tmp_path / "a.jsonl"


def raw(db: Path, *statements: str) -> None:
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                    ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            conn.execute(sql)


def test_a_posting_slipped_in_outside_any_entry_fails_verification(
        books: Path, cli: Invoke, db_path: Path) -> None:
    bank = "(SELECT id FROM accounts WHERE name = 'assets:bank:co-managed:wjxc')"
    raw(db_path,
        f"INSERT INTO postings VALUES (0, 0, {bank}, '2026-01-07', -2500, 'CNY')",
        f"UPDATE balances SET amount_fen = amount_fen - 2500 WHERE account_id = {bank}")
    failed = cli("audit", "verify")
    assert failed.exit_code == 1
    assert "[orphan_postings]" in failed.stderr and "[trial_balance]" in failed.stderr


def test_reading_commands_never_create_a_database(cli: Invoke, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for args in (("audit", "verify"), ("ledger", "balance"), ("ledger", "trail", BANK)):
        refused(cli("--db", typo, *args, db=False), ErrorCode.NOT_FOUND)
    assert not typo.exists()


def test_read_only_opens_exactly_the_named_file(cli: Invoke, tmp_path: Path) -> None:
    odd = tmp_path / "books#1 100%.db"
    ok(cli("--db", odd, "ledger", "chart", "wjxc", db=False))
    data = as_json(cli("--db", odd, "--read-only", "--json", "audit", "verify", db=False))
    assert data["ok"] is True
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db-wal"
                  and not p.name.endswith("-shm")) == ["books#1 100%.db"]


@pytest.mark.parametrize("make", ["directory", "missing folder", "not sqlite", "foreign sqlite"])
def test_a_db_path_that_is_no_commons_database_is_refused(
        cli: Invoke, tmp_path: Path, make: str) -> None:
    target = tmp_path / "x.db"
    if make == "directory":
        target.mkdir()
    elif make == "missing folder":
        target = tmp_path / "nowhere" / "x.db"
    elif make == "not sqlite":
        target.write_text("just some notes\n" * 100)
    else:
        with closing(sqlite3.connect(target)) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    refused(cli("--db", target, "ledger", "chart", "wjxc", db=False), ErrorCode.STORAGE,
            str(target.name))
    if make == "foreign sqlite":
        with closing(sqlite3.connect(target)) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
        assert tables == ["invoices"]


@pytest.mark.parametrize(("line", "field", "code"), [
    ({"memo": "\ud800"}, "memo", ErrorCode.INVALID_INPUT),
    ({"reverses": 2**70}, "reverses", ErrorCode.INVALID_INPUT),
    ({"reverses": True}, "reverses", ErrorCode.INVALID_INPUT),
    ({"postings": [{"account": BANK, "amount": "9" * 30 + ".00"},
                   {"account": PARKING, "amount": "-" + "9" * 30 + ".00"}]}, "postings[0].amount",
     ErrorCode.INVALID_AMOUNT),
])
def test_hostile_journal_lines_are_refused_by_field(
        books: Path, cli: Invoke, tmp_path: Path, line: dict[str, object], field: str,
        code: ErrorCode) -> None:
    before = as_json(cli("--json", "ledger", "balance"))
    bad = {**record("x-1", "2026-01-09", [(BANK, 100), (PARKING, -100)]), **line}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8", errors="surrogatepass")
    refused(cli("ledger", "post", path), code, f"field '{field}'")
    assert as_json(cli("--json", "ledger", "balance")) == before


def test_json_nested_too_deep_is_refused_with_its_line(books: Path, cli: Invoke,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    refused(cli("ledger", "post", path), ErrorCode.MALFORMED_FILE, "deep.jsonl:1")


def test_a_csv_field_beyond_the_csv_limit_is_refused_with_its_file(cli: Invoke,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,weight\na,1\n\"" + "x" * 200_000 + "\",2\n", encoding="utf-8")
    refused(cli("split", "100", "--by", "equal", path), ErrorCode.MALFORMED_FILE, "w.csv")


def test_ids_beyond_sqlite_integers_are_usage_errors(books: Path, cli: Invoke) -> None:
    big = str(2**70)
    assert cli("ledger", "reverse", big, "--reason", "r").exit_code == 2
    assert cli("ledger", "trail", BANK, "--limit", big).exit_code == 2


def test_accounts_change_only_by_closing_once(books: Path, cli: Invoke, db_path: Path) -> None:
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="only be closed"):
            conn.execute("UPDATE accounts SET compound = 'other' WHERE name = ?", (BANK,))
        with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
            conn.execute("DELETE FROM accounts WHERE name = ?", (BANK,))
    ok(cli("ledger", "close-account", PARKING, "--date", "2026-02-01"))
    refused(cli("ledger", "close-account", PARKING), ErrorCode.UNKNOWN_ACCOUNT)
    late = write_jsonl(db_path.parent / "late.jsonl",
                       [record("pk-3", "2026-02-02", [(BANK, 100), (PARKING, -100)])])
    refused(cli("ledger", "post", late), ErrorCode.ACCOUNT_CLOSED)


def test_the_demo_never_writes_into_real_books(books: Path, cli: Invoke) -> None:
    before = as_json(cli("--json", "ledger", "balance"))
    refused(cli("demo"), ErrorCode.REFUSED)
    assert as_json(cli("--json", "ledger", "balance")) == before


def test_the_demo_runs_again_on_its_own_database(cli: Invoke) -> None:
    ok(cli("demo"))
    again = ok(cli("demo"))
    assert "audit verify: ok" in again.stdout


def test_entries_refuse_a_time_where_a_date_belongs() -> None:
    import datetime as dt

    with pytest.raises(InvalidInput) as info:
        Entry(dt.datetime(2026, 1, 1, 9, 0), "m",  # type: ignore[arg-type]
              (Posting(BANK, Money(1)), Posting(PARKING, Money(-1))), "x")
    assert info.value.field == "date"


def test_a_fixed_clock_refuses_text_that_is_no_instant() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        FixedClock.parse("next tuesday")


def test_a_library_read_of_a_missing_database_is_not_found(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "none.db") as books, pytest.raises(commons.NotFound):
        books.ledger.balance()
    assert not (tmp_path / "none.db").exists()
