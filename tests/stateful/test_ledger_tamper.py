"""Changes made behind the library's back, with the sqlite3 module directly, are detected.

Each test drops the append-only triggers first (as a tamperer would), edits the file, and then
``audit.verify`` (read-only, as an auditor opens it) and ``commons audit verify`` must fail and
name the entry (or the account) that was touched.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result
from ledger_helpers import BANK, PARKING, REPAIRS

import commons
from commons import FixedClock, Money
from commons.app.ledger_results import VerifyReport
from commons.ledger.journal import Entry, Posting
from commons.ledger.problems import ProblemKind

Invoke = Callable[..., Result]
TAMPERED = 4  # the entry the tests change; it has a neighbour on each side


def legs(*pairs: tuple[str, int]) -> tuple[Posting, ...]:
    return tuple(Posting(a, Money(f)) for a, f in pairs)


@pytest.fixture
def db(db_path: Path) -> Path:
    """Six entries and the reversal of entry 2; entry 4 has three postings and every link."""
    with commons.connect(db_path, clock=FixedClock.parse("2026-07-01T09:00:00"),
                         actor="accountant") as api:
        api.ledger.chart("wjxc")
        day = dt.date(2026, 3, 1)
        api.ledger.post([
            Entry(day, "停车费 1", legs((BANK, 12000), (PARKING, -12000)), "pk-1"),
            Entry(day, "停车费 2", legs((BANK, 3000), (PARKING, -3000)), "pk-2"),
            Entry(day, "停车费 3", legs((BANK, 4500), (PARKING, -4500)), "pk-3"),
            Entry(dt.date(2026, 3, 5), "repairs and parking", legs(
                (BANK, 50000), (REPAIRS, 10000), (PARKING, -60000)), "pk-4",
                resource="p-07", period="2026-03", compound="wjxc"),
            Entry(dt.date(2026, 3, 9), "停车费 5", legs((BANK, 700), (PARKING, -700)), "pk-5"),
            Entry(dt.date(2026, 3, 9), "停车费 6", legs((BANK, 800), (PARKING, -800)), "pk-6"),
        ])
        api.ledger.reverse(2, reason="double-counted", on=dt.date(2026, 3, 20))
        assert api.audit.verify().ok
    return db_path


def raw(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


def drop_triggers(conn: sqlite3.Connection) -> None:
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in names:
        conn.execute(f"DROP TRIGGER {name}")


def tamper(db: Path, *statements: str) -> None:
    with closing(raw(db)) as conn:
        drop_triggers(conn)
        for sql in statements:
            conn.execute(sql)


def verify(db: Path) -> VerifyReport:
    with commons.connect(db, read_only=True) as api:
        return api.audit.verify()


def assert_detected(db: Path, cli: Invoke, kind: ProblemKind, entry_id: int | None
                    ) -> VerifyReport:
    """verify fails through the api and the CLI, and its first problem is of ``kind`` and
    concerns ``entry_id``."""
    report = verify(db)
    assert not report.ok
    assert report.problems
    first = report.problems[0]
    assert (first.kind, first.entry_id) == (kind, entry_id), report.problems
    result = cli("--read-only", "audit", "verify")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"[{kind}]" in result.stderr
    as_json = cli("--read-only", "--json", "audit", "verify")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["ok"] is False and data["problems"] == [p.as_json() for p in report.problems]
    assert data["problems"][0]["kind"] == kind.value
    return report


# --- the triggers -------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "UPDATE entries SET memo = 'edited' WHERE id = 4",
    "UPDATE entries SET hash = hash",
    "DELETE FROM entries WHERE id = 7",
    "UPDATE postings SET amount_fen = amount_fen + 1 WHERE entry_id = 4 AND seq = 0",
    "DELETE FROM postings WHERE entry_id = 4",
    "DELETE FROM closed_periods",
    "UPDATE closed_periods SET period = '1999-01'",
])
def test_the_journal_refuses_update_and_delete(db: Path, sql: str) -> None:
    with commons.connect(db) as api:
        api.ledger.close_period("2026-01")
    with closing(raw(db)) as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(sql)
    assert verify(db).ok


def test_an_honest_file_verifies(db: Path, cli: Invoke) -> None:
    report = verify(db)
    assert report.ok and report.entries == 7 and report.problems == ()
    result = cli("--read-only", "audit", "verify")
    assert result.exit_code == 0 and "verified 7 entries" in result.stdout
    assert report.head_hash in result.stdout


# --- one change at a time, each detected ---------------------------------------------------------


def test_changing_one_amount_names_the_entry(db: Path, cli: Invoke) -> None:
    tamper(db, f"UPDATE postings SET amount_fen = 49000 WHERE entry_id = {TAMPERED} AND seq = 0")
    assert_detected(db, cli, ProblemKind.UNBALANCED_ENTRY, TAMPERED)


def test_changing_both_sides_of_an_entry_names_the_entry(db: Path, cli: Invoke) -> None:
    # Still balanced, so only the content hash (and the kept balances) can tell.
    tamper(db, "UPDATE postings SET amount_fen = amount_fen * 2 WHERE entry_id = 3")
    report = assert_detected(db, cli, ProblemKind.CHANGED_CONTENT, 3)
    assert ProblemKind.BALANCE_MISMATCH in {p.kind for p in report.problems}


def test_changing_a_memo_names_the_entry(db: Path, cli: Invoke) -> None:
    tamper(db, f"UPDATE entries SET memo = '停车费 (edited)' WHERE id = {TAMPERED}")
    assert_detected(db, cli, ProblemKind.CHANGED_CONTENT, TAMPERED)


def test_deleting_an_entry_and_its_postings_is_detected(db: Path, cli: Invoke) -> None:
    tamper(db, f"DELETE FROM postings WHERE entry_id = {TAMPERED}",
           f"DELETE FROM entries WHERE id = {TAMPERED}")
    assert_detected(db, cli, ProblemKind.MISSING_ENTRIES, TAMPERED + 1)


def test_deleting_the_last_entry_is_detected_by_the_kept_balances(db: Path, cli: Invoke) -> None:
    tamper(db, "DELETE FROM postings WHERE entry_id = 7", "DELETE FROM entries WHERE id = 7")
    assert_detected(db, cli, ProblemKind.BALANCE_MISMATCH, None)


def test_truncation_changes_the_head_an_auditor_kept(db: Path) -> None:
    # A truncated chain with its balances fixed up is internally consistent; what exposes it is
    # the head hash recorded before (exports and verify print it).
    before = verify(db).head_hash
    tamper(db, "DELETE FROM postings WHERE entry_id = 7", "DELETE FROM entries WHERE id = 7",
           "DELETE FROM balances", "INSERT INTO balances (account_id, currency, amount_fen) "
           "SELECT account_id, currency, SUM(amount_fen) FROM postings "
           "GROUP BY account_id, currency")
    after = verify(db)
    assert after.entries == 6 and after.head_hash != before


def test_reordering_the_chain_is_detected(db: Path, cli: Invoke) -> None:
    # Swap entries 3 and 4 whole (entry rows and their postings), keeping the ids in order.
    with closing(raw(db)) as conn:
        drop_triggers(conn)
        cols = [r[1] for r in conn.execute("PRAGMA table_info(entries)")]
        rows = {r[0]: r for r in conn.execute("SELECT * FROM entries WHERE id IN (3, 4)")}
        posts = {i: conn.execute("SELECT * FROM postings WHERE entry_id = ?", (i,)).fetchall()
                 for i in (3, 4)}
        conn.execute("BEGIN")
        conn.execute("DELETE FROM postings WHERE entry_id IN (3, 4)")
        conn.execute("DELETE FROM entries WHERE id IN (3, 4)")
        marks = ", ".join("?" * len(cols))
        for new_id, old_id in ((3, 4), (4, 3)):
            conn.execute(f"INSERT INTO entries ({', '.join(cols)}) VALUES ({marks})",
                         (new_id, *rows[old_id][1:]))
            for p in posts[old_id]:
                conn.execute(f"INSERT INTO postings VALUES ({', '.join('?' * len(p))})",
                             (new_id, *p[1:]))
        conn.execute("COMMIT")
    assert_detected(db, cli, ProblemKind.BROKEN_LINK, 3)


def test_swapping_the_ids_of_two_entries_is_detected(db: Path, cli: Invoke) -> None:
    tamper(db, "UPDATE entries SET id = -5 WHERE id = 5",
           "UPDATE entries SET id = 5 WHERE id = 6", "UPDATE entries SET id = 6 WHERE id = -5",
           "UPDATE postings SET entry_id = -5 WHERE entry_id = 5",
           "UPDATE postings SET entry_id = 5 WHERE entry_id = 6",
           "UPDATE postings SET entry_id = 6 WHERE entry_id = -5")
    assert_detected(db, cli, ProblemKind.BROKEN_LINK, 5)


def test_editing_a_kept_balance_names_the_account(db: Path, cli: Invoke) -> None:
    tamper(db, "UPDATE balances SET amount_fen = amount_fen + 100 WHERE account_id = "
               f"(SELECT id FROM accounts WHERE name = '{BANK}')")
    report = assert_detected(db, cli, ProblemKind.BALANCE_MISMATCH, None)
    assert BANK in report.problems[0].detail


def test_a_made_up_kept_balance_is_detected(db: Path, cli: Invoke) -> None:
    tamper(db, "INSERT INTO balances (account_id, currency, amount_fen) SELECT id, 'USD', 500 "
               f"FROM accounts WHERE name = '{REPAIRS}'")
    report = assert_detected(db, cli, ProblemKind.BALANCE_MISMATCH, None)
    assert REPAIRS in report.problems[0].detail


def test_renaming_an_account_is_detected(db: Path, cli: Invoke) -> None:
    tamper(db, f"UPDATE accounts SET name = 'income:parking:other' WHERE name = '{PARKING}'")
    assert_detected(db, cli, ProblemKind.CHANGED_CONTENT, 1)


ENTRY_COLUMNS = {
    "date": "date(date, '+1 day')",
    "memo": "memo || ' '",
    "external_id": "external_id || '-x'",
    "actor": "'mallory'",
    "resource": "COALESCE(resource, '') || 'x'",
    "period": "COALESCE(period, '') || 'x'",
    "compound": "COALESCE(compound, '') || 'x'",
    "reverses": "COALESCE(reverses, 0) + 1",
    "recorded_at": "'2026-07-02T09:00:00+00:00'",
    "content_hash": "substr('0123456789abcdef', 1 + (unicode(content_hash) % 16), 1) "
                    "|| substr(content_hash, 2)",
    "prev_hash": "(CASE substr(prev_hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) "
                 "|| substr(prev_hash, 2)",
    "hash": "(CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2)",
}
# The columns the chain hash covers, not the content hash, and the date its postings repeat; the
# rest change the content.
ENTRY_KINDS = {"date": ProblemKind.MISDATED_POSTINGS, "actor": ProblemKind.CHANGED_LINK,
               "recorded_at": ProblemKind.CHANGED_LINK, "hash": ProblemKind.CHANGED_LINK,
               "prev_hash": ProblemKind.BROKEN_LINK}


@pytest.mark.parametrize("column", sorted(ENTRY_COLUMNS))
def test_any_column_of_an_entry_changed_is_detected(db: Path, cli: Invoke, column: str) -> None:
    with closing(raw(db)) as conn:
        before = conn.execute(f"SELECT {column} FROM entries WHERE id = {TAMPERED}").fetchone()
    tamper(db, f"UPDATE entries SET {column} = {ENTRY_COLUMNS[column]} WHERE id = {TAMPERED}")
    with closing(raw(db)) as conn:
        after = conn.execute(f"SELECT {column} FROM entries WHERE id = {TAMPERED}").fetchone()
    assert after != before, "the tamper did not change anything"
    assert_detected(db, cli, ENTRY_KINDS.get(column, ProblemKind.CHANGED_CONTENT), TAMPERED)


POSTING_COLUMNS = {
    "account_id": f"(SELECT id FROM accounts WHERE name = '{REPAIRS}')",
    "amount_fen": "amount_fen + 1",
    "currency": "'USD'",
    "seq": "seq + 10",
    "entry_id": "3, seq = 7",  # moved to another entry
}


@pytest.mark.parametrize("column", sorted(POSTING_COLUMNS))
def test_any_column_of_a_posting_changed_is_detected(db: Path, cli: Invoke, column: str) -> None:
    tamper(db, f"UPDATE postings SET {column} = {POSTING_COLUMNS[column]} "
               f"WHERE entry_id = {TAMPERED} AND seq = 0")
    report = verify(db)
    assert not report.ok
    assert report.problems[0].entry_id in (3, TAMPERED), report.problems
    assert cli("--read-only", "audit", "verify").exit_code == 1


def test_swapping_the_order_of_postings_is_detected(db: Path, cli: Invoke) -> None:
    tamper(db, f"UPDATE postings SET seq = 9 WHERE entry_id = {TAMPERED} AND seq = 0",
           f"UPDATE postings SET seq = 0 WHERE entry_id = {TAMPERED} AND seq = 2",
           f"UPDATE postings SET seq = 2 WHERE entry_id = {TAMPERED} AND seq = 9")
    assert_detected(db, cli, ProblemKind.CHANGED_CONTENT, TAMPERED)


def test_moving_a_posting_to_another_date_is_detected(db: Path, cli: Invoke) -> None:
    with commons.connect(db, read_only=True) as api:
        march = api.ledger.balance(as_of=dt.date(2026, 3, 31))
    tamper(db, f"UPDATE postings SET date = '2026-04-02' WHERE entry_id = {TAMPERED}")
    with commons.connect(db, read_only=True) as api:
        assert api.ledger.balance(as_of=dt.date(2026, 3, 31)) != march  # the tamper matters
    assert_detected(db, cli, ProblemKind.MISDATED_POSTINGS, TAMPERED)


@pytest.mark.slow
@pytest.mark.parametrize("change", [
    None,
    f"UPDATE postings SET amount_fen = amount_fen + 1 WHERE entry_id = {TAMPERED} AND seq = 0",
    f"DELETE FROM entries WHERE id = {TAMPERED}",
    "DELETE FROM entries WHERE id = 3",  # the last entry before the second walker's range
])
def test_walking_the_chain_in_processes_finds_what_one_walk_finds(
        db: Path, monkeypatch: pytest.MonkeyPatch, change: str | None) -> None:
    """Ranges walked by separate processes report exactly what one walk reports."""
    from commons.app import verifying

    if change is not None:
        tamper(db, change)
    one_walk = verify(db)
    monkeypatch.setattr(verifying, "PARALLEL_FROM_ENTRIES", 1)
    assert verifying.verify_ranges(7, 2) == [(1, 4), (5, 7)]
    with commons.connect(db, read_only=True) as api:
        in_processes = api.audit.verify(workers=2)
    assert in_processes == one_walk
    assert in_processes.ok is (change is None)
