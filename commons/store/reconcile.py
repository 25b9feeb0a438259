"""Reconciliation tables: imported bank statements and their lines, and the matches made.

Book postings are read from the ledger's ``postings`` and ``entries`` (never written: the
journal is append-only). Every method runs inside the caller's transaction. Money crosses as
INTEGER fen plus a currency column.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from commons.money import Money
from commons.reconcile.matching import BankItem, BookItem, MatchFound
from commons.reconcile.reconciliation import BookRow, LineRow, MatchRecord
from commons.reconcile.statements import Statement, StatementLine, StoredTail
from commons.store.queries import where_in

__all__ = ["FirstStatement", "ReconcileTables"]

FirstStatement = tuple[dt.date, Money]  # first day and opening balance of an account's first


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class ReconcileTables:
    """Statements, lines and matches in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def tail(self, account_id: int) -> StoredTail:
        """Where the account's stored bank history ends: last line and balance, last statement."""
        row = self.conn.execute(
            "SELECT l.line_key, l.balance_fen, l.currency, s.statement_id, s.last_day "
            "FROM bank_lines l JOIN bank_statements s ON s.id = l.statement "
            "WHERE l.account_id = ? ORDER BY l.id DESC LIMIT 1", (account_id,)).fetchone()
        if row is None:
            return StoredTail()
        key, fen, currency, statement_id, last_day = row
        return StoredTail(Money(fen, currency), key, statement_id, _day(last_day))

    def known(self, account_id: int, keys: Sequence[str]
              ) -> dict[str, tuple[int, dt.date, Money]]:
        """Those of ``keys`` already stored for the account: line id, booking date, amount."""
        rows = where_in(self.conn, "SELECT line_key, id, booked_on, amount_fen, currency FROM "
                        "bank_lines WHERE account_id = ? AND line_key IN ({})", keys,
                        before=(account_id,))
        return {key: (lid, _day(day), Money(fen, cur)) for key, lid, day, fen, cur in rows}

    def add_statement(self, account_id: int, statement: Statement, opening: Money,
                      lines: Sequence[tuple[str, StatementLine]], imported_at: str,
                      actor: str) -> int:
        """Store the statement's new ``lines`` (key, line), starting from ``opening``."""
        closing = opening + sum((line.amount for _, line in lines), Money.zero(opening.currency))
        first = min((line.booked_on for _, line in lines), default=statement.first_day)
        cursor = self.conn.execute(
            "INSERT INTO bank_statements (account_id, statement_id, source, bank_account, "
            "currency, opening_fen, closing_fen, first_day, last_day, imported_at, actor, "
            "balances) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, statement.statement_id, statement.source, statement.bank_account,
             opening.currency, opening.fen, closing.fen, min(first, statement.first_day)
             .isoformat(), statement.last_day.isoformat(), imported_at, actor,
             "reported" if statement.balances_known else "computed"))
        statement_row = cursor.lastrowid
        def rows() -> Iterator[tuple[object, ...]]:
            # Generated, not listed: a 100 MB statement's rows would add a third to its import.
            running = opening.fen
            for key, line in lines:
                running += line.amount.fen
                yield (statement_row, account_id, key, line.booked_on.isoformat(),
                       line.value_on.isoformat() if line.value_on else None, line.amount.fen,
                       line.amount.currency, running, line.reference, line.payment_reference,
                       line.counterparty, line.memo, line.source_line)

        self.conn.executemany(
            "INSERT INTO bank_lines (statement, account_id, line_key, booked_on, value_on, "
            "amount_fen, currency, balance_fen, reference, payment_reference, counterparty, "
            "memo, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
        assert statement_row is not None
        return statement_row

    def first_statement(self, account_id: int) -> FirstStatement | None:
        """The account's first stored statement (first day and opening balance), or None."""
        row = self.conn.execute(
            "SELECT first_day, opening_fen, currency FROM bank_statements WHERE account_id = ? "
            "ORDER BY id LIMIT 1", (account_id,)).fetchone()
        return None if row is None else (_day(row[0]), Money(row[1], row[2]))

    def balances_computed(self, account_id: int, end: dt.date) -> bool:
        """Whether the latest statement begun by ``end`` had its balances computed, not
        reported. One the bank reported continues the history it was checked against, so
        an earlier computed one no longer makes the balance at ``end`` a computed one."""
        row = self.conn.execute("SELECT balances FROM bank_statements WHERE account_id = ? AND "
                                "first_day <= ? ORDER BY last_day DESC, id DESC LIMIT 1",
                                (account_id, end.isoformat())).fetchone()
        return row is not None and row[0] == "computed"

    def bank_account(self, account_id: int) -> tuple[str, str] | None:
        """The number and currency recorded for the books' bank account, or None."""
        row = self.conn.execute("SELECT number, currency FROM bank_accounts WHERE account_id = ?",
                                (account_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def set_bank_account(self, account_id: int, number: str, currency: str,
                         bank: str | None = None) -> None:
        """Record (or change) the number and currency of the books' bank account, and the
        bank's name unless ``bank`` is None (then a name recorded before stays)."""
        self.conn.execute("INSERT INTO bank_accounts (account_id, number, currency, bank) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET number = "
                          "excluded.number, currency = excluded.currency, bank = "
                          "COALESCE(?, bank_accounts.bank)",
                          (account_id, number, currency, bank or "", bank))

    def bank_name(self, account_id: int) -> str:
        """The name of the bank recorded for the books' bank account ('' when none is)."""
        row = self.conn.execute("SELECT bank FROM bank_accounts WHERE account_id = ?",
                                (account_id,)).fetchone()
        return "" if row is None else str(row[0])

    def listed_lines(self, account_id: int, first: dt.date, last: dt.date,
                     unmatched: bool) -> list[tuple[Any, ...]]:
        """The account's lines booked ``first``..``last`` (only those no match holds, if
        ``unmatched``): id, day, fen, currency, counterparty, memo, reference, payment
        reference, statement id, match id or None."""
        return self.conn.execute(
            "SELECT l.id, l.booked_on, l.amount_fen, l.currency, l.counterparty, l.memo, "
            "l.reference, l.payment_reference, s.statement_id, m.match_id FROM bank_lines l "
            "JOIN bank_statements s ON s.id = l.statement LEFT JOIN reconcile_match_lines m "
            "ON m.line_id = l.id WHERE l.account_id = ? AND l.booked_on BETWEEN ? AND ?"
            + (" AND m.match_id IS NULL" if unmatched else "") + " ORDER BY l.booked_on, l.id",
            (account_id, first.isoformat(), last.isoformat())).fetchall()

    def line(self, line_id: int) -> tuple[Any, ...] | None:
        """One line: account id, key, day, fen, currency, counterparty, memo, match id."""
        row = self.conn.execute(
            "SELECT l.account_id, l.line_key, l.booked_on, l.amount_fen, l.currency, "
            "l.counterparty, l.memo, m.match_id FROM bank_lines l LEFT JOIN "
            "reconcile_match_lines m ON m.line_id = l.id WHERE l.id = ?", (line_id,)).fetchone()
        return tuple(row) if row is not None else None

    def posting(self, entry_id: int, seq: int) -> tuple[Any, ...] | None:
        """One posting: account id, day, fen, currency, match id or None."""
        row = self.conn.execute(
            "SELECT p.account_id, p.date, p.amount_fen, p.currency, m.match_id FROM postings p "
            "LEFT JOIN reconcile_match_postings m ON m.entry_id = p.entry_id AND m.seq = p.seq "
            "WHERE p.entry_id = ? AND p.seq = ?", (entry_id, seq)).fetchone()
        return tuple(row) if row is not None else None

    def posting_of(self, entry_id: int, account_id: int) -> int:
        """The place (seq) of the entry's posting to the account."""
        row = self.conn.execute("SELECT seq FROM postings WHERE entry_id = ? AND account_id = ? "
                                "ORDER BY seq LIMIT 1", (entry_id, account_id)).fetchone()
        return int(row[0])

    def match_sides(self, account_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Both sides of every match of the account: (match id, kind, line id, day, fen,
        currency) and (match id, entry id, seq, day, fen, currency)."""
        lines = self.conn.execute(
            "SELECT m.match_id, r.kind, l.id, l.booked_on, l.amount_fen, l.currency FROM "
            "reconcile_match_lines m JOIN reconcile_matches r ON r.id = m.match_id JOIN "
            "bank_lines l ON l.id = m.line_id WHERE r.account_id = ? ORDER BY m.match_id, l.id",
            (account_id,)).fetchall()
        postings = self.conn.execute(
            "SELECT m.match_id, p.entry_id, p.seq, p.date, p.amount_fen, p.currency FROM "
            "reconcile_match_postings m JOIN reconcile_matches r ON r.id = m.match_id JOIN "
            "postings p ON p.entry_id = m.entry_id AND p.seq = m.seq WHERE r.account_id = ? "
            "ORDER BY m.match_id, p.entry_id, p.seq", (account_id,)).fetchall()
        return lines, postings

    def bank_through(self, account_id: int, end: dt.date) -> dt.date | None:
        """The last day the stored statements cover, up to ``end``."""
        row = self.conn.execute("SELECT MAX(MIN(last_day, ?)) FROM bank_statements WHERE "
                                "account_id = ? AND first_day <= ?",
                                (end.isoformat(), account_id, end.isoformat())).fetchone()
        return _day(row[0]) if row and row[0] else None

    def lines_through(self, account_id: int, end: dt.date) -> list[LineRow]:
        """The account's bank lines booked on or before ``end``."""
        rows = self.conn.execute(
            "SELECT id, booked_on, amount_fen, currency, reference, payment_reference, "
            "counterparty, memo FROM bank_lines WHERE account_id = ? AND booked_on <= ? "
            "ORDER BY id", (account_id, end.isoformat()))
        return [LineRow(lid, _day(day), Money(fen, cur), ref or pay,
                        " / ".join(t for t in (party, memo) if t))
                for lid, day, fen, cur, ref, pay, party, memo in rows]

    def book_rows(self, account_id: int, currency: str, first: dt.date,
                  last: dt.date) -> list[BookRow]:
        """The account's postings in ``currency`` dated ``first``..``last``, with their entries."""
        rows = self.conn.execute(
            "SELECT p.entry_id, p.seq, p.date, p.amount_fen, e.memo, e.external_id, e.reverses "
            "FROM postings p JOIN entries e ON e.id = p.entry_id WHERE p.account_id = ? AND "
            "p.currency = ? AND p.date BETWEEN ? AND ? ORDER BY p.date, p.entry_id, p.seq",
            (account_id, currency, first.isoformat(), last.isoformat()))
        return [BookRow(eid, seq, _day(day), Money(fen, currency), memo, ext, rev)
                for eid, seq, day, fen, memo, ext, rev in rows]

    def book_balance(self, account_id: int, currency: str, as_of: dt.date) -> Money:
        """The account's balance in the books in ``currency`` at the end of ``as_of``."""
        row = self.conn.execute(
            "SELECT COALESCE(SUM(amount_fen), 0) FROM postings WHERE account_id = ? AND "
            "currency = ? AND date <= ?", (account_id, currency, as_of.isoformat())).fetchone()
        return Money(row[0], currency)

    def unmatched_lines(self, account_id: int, last: dt.date) -> list[BankItem]:
        """The account's bank lines booked up to ``last`` that no match holds."""
        rows = self.conn.execute(
            "SELECT l.id, l.booked_on, l.amount_fen, l.reference, l.payment_reference "
            "FROM bank_lines l LEFT JOIN reconcile_match_lines m ON m.line_id = l.id "
            "WHERE l.account_id = ? AND l.booked_on <= ? AND m.line_id IS NULL",
            (account_id, last.isoformat()))
        return [BankItem(lid, _day(day), fen, tuple(r for r in (ref, pay) if r))
                for lid, day, fen, ref, pay in rows]

    def unmatched_postings(self, account_id: int, currency: str, first: dt.date,
                           last: dt.date) -> list[BookItem]:
        """Postings to the account not in any match, except an entry and its reversal when
        neither is matched: they cancel in the books and the bank never sees them."""
        rows = self.conn.execute(
            """SELECT p.entry_id, p.seq, p.date, p.amount_fen, e.external_id, e.reverses
               FROM postings p JOIN entries e ON e.id = p.entry_id
               LEFT JOIN reconcile_match_postings m ON m.entry_id = p.entry_id AND m.seq = p.seq
               WHERE p.account_id = ? AND p.currency = ? AND p.date BETWEEN ? AND ?
                 AND m.entry_id IS NULL""",
            (account_id, currency, first.isoformat(), last.isoformat())).fetchall()
        free = {(eid, seq): fen for eid, seq, _, fen, _, _ in rows}
        cancelled = {key for eid, seq, _, fen, _, rev in rows if rev is not None
                     and free.get((rev, seq)) == -fen for key in ((eid, seq), (rev, seq))}
        return [BookItem(eid, seq, _day(day), fen, ext) for eid, seq, day, fen, ext, _ in rows
                if (eid, seq) not in cancelled]

    def add_matches(self, account_id: int, found: Sequence[MatchFound], made_at: str,
                    actor: str) -> list[int]:
        """Store the matches; the ids they were given, in order."""
        row = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM reconcile_matches").fetchone()
        ids = list(range(row[0] + 1, row[0] + 1 + len(found)))
        self.conn.executemany(
            "INSERT INTO reconcile_matches (id, account_id, kind, made_at, actor) "
            "VALUES (?, ?, ?, ?, ?)", [(i, account_id, m.kind, made_at, actor)
                                       for i, m in zip(ids, found, strict=True)])
        self.conn.executemany(
            "INSERT INTO reconcile_match_lines (line_id, match_id) VALUES (?, ?)",
            [(line, i) for i, m in zip(ids, found, strict=True) for line in m.line_ids])
        self.conn.executemany(
            "INSERT INTO reconcile_match_postings (entry_id, seq, match_id) VALUES (?, ?, ?)",
            [(e, s, i) for i, m in zip(ids, found, strict=True) for e, s in m.postings])
        return ids

    def matches(self, account_id: int) -> list[MatchRecord]:
        """Every match of the account."""
        kinds = dict(self.conn.execute(
            "SELECT id, kind FROM reconcile_matches WHERE account_id = ?", (account_id,)))
        lines: dict[int, list[int]] = {i: [] for i in kinds}
        postings: dict[int, list[tuple[int, int]]] = {i: [] for i in kinds}
        for mid, line in self.conn.execute(
                "SELECT m.match_id, m.line_id FROM reconcile_match_lines m JOIN "
                "reconcile_matches r ON r.id = m.match_id WHERE r.account_id = ? "
                "ORDER BY m.line_id", (account_id,)):
            lines[mid].append(line)
        for mid, eid, seq in self.conn.execute(
                "SELECT m.match_id, m.entry_id, m.seq FROM reconcile_match_postings m JOIN "
                "reconcile_matches r ON r.id = m.match_id WHERE r.account_id = ? "
                "ORDER BY m.entry_id, m.seq", (account_id,)):
            postings[mid].append((eid, seq))
        return [MatchRecord(i, kinds[i], tuple(lines[i]), tuple(postings[i])) for i in kinds]

    def match(self, match_id: int) -> tuple[str, MatchRecord] | None:
        """One match and the name of its account."""
        row = self.conn.execute(
            "SELECT r.kind, a.name FROM reconcile_matches r JOIN accounts a ON "
            "a.id = r.account_id WHERE r.id = ?", (match_id,)).fetchone()
        if row is None:
            return None
        lines = tuple(r[0] for r in self.conn.execute(
            "SELECT line_id FROM reconcile_match_lines WHERE match_id = ? ORDER BY line_id",
            (match_id,)))
        postings = tuple((r[0], r[1]) for r in self.conn.execute(
            "SELECT entry_id, seq FROM reconcile_match_postings WHERE match_id = ? "
            "ORDER BY entry_id, seq", (match_id,)))
        return row[1], MatchRecord(match_id, row[0], lines, postings)

    def delete_match(self, match_id: int) -> None:
        """Delete a match; its lines and postings are unmatched again."""
        self.conn.execute("DELETE FROM reconcile_matches WHERE id = ?", (match_id,))
