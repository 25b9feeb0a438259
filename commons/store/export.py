"""Streaming reads for audit exports: the entries touching a scope, as the journal held them at
a chain head.

Every query stops at the head's entry id, so the same export can be derived again later, after
more entries were posted (the journal is append-only, so entries up to the head never change).
Rows come from cursors one at a time; nothing here holds more than one entry's postings.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Iterator

from commons.io.export_xlsx import SheetExtent
from commons.ledger.export import ExportScope, ScopedEntry, ScopedLeg
from commons.ledger.rules import ChainHead
from commons.revenue.disclosure import PeriodPosting

__all__ = ["AccountOpening", "ExportTables", "OutOfDateOrder"]

# An account as a Beancount export opens it: (name, opened_on or None, first posting date,
# currencies posted), for accounts with postings up to the head.
AccountOpening = tuple[str, str | None, str, tuple[str, ...]]
_Header = tuple[int, str, str, str, str, int | None, int | None, str]
# tuple.__new__ on the class builds a NamedTuple in C, at half the cost of its own __new__.
_new_leg = functools.partial(tuple.__new__, ScopedLeg)
_new_entry = functools.partial(tuple.__new__, ScopedEntry)


class OutOfDateOrder(Exception):
    """The journal's ids are not in date order, so it must be read sorted by date."""


def _merge(entries: Iterator[_Header], postings: Iterator[tuple[int, int, int, int, str, str]],
           accounts: dict[int, tuple[str, str | None]], covered: set[int], in_id_order: bool,
           ) -> Iterator[ScopedEntry]:
    """Walk the two cursors, which share one order, giving each entry its postings."""
    # Each account's name and whether it is in scope, found with one lookup a posting.
    legs_of = {aid: (name, aid in covered) for aid, (name, _) in accounts.items()}
    pending = next(postings, None)
    last_day = ""
    for header in entries:
        entry_id, day = header[0], header[1]
        if in_id_order:
            if day < last_day:
                raise OutOfDateOrder(entry_id)
            last_day = day
        legs: list[ScopedLeg] = []
        # Skip postings whose entry is gone (audit verify reports them).
        while pending is not None and (pending[0] < entry_id if in_id_order else
                                       (pending[5], pending[0]) < (day, entry_id)):
            pending = next(postings, None)
        while pending is not None and pending[0] == entry_id:
            _, seq, aid, fen, currency, _ = pending
            name, in_scope = legs_of.get(aid) or (f"#{aid}", False)
            legs.append(_new_leg((seq, name, fen, currency, in_scope)))
            pending = next(postings, None)
        yield _new_entry((*header, tuple(legs)))


class ExportTables:
    """Read-only queries over the ledger tables for exports and their checks."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def link(self, entry_id: int) -> ChainHead | None:
        """The chain link of entry ``entry_id`` (None if there is no such entry)."""
        row = self.conn.execute("SELECT id, hash FROM entries WHERE id = ?",
                                (entry_id,)).fetchone()
        return ChainHead(row[0], row[1]) if row else None

    def entry_of_hash(self, hash: str) -> tuple[int, dt.date] | None:
        """The entry whose chain hash is ``hash``: its id and date, or None when no entry has
        it. A hash is searched seldom (a printed statement checked), so the journal is
        scanned, not indexed."""
        row = self.conn.execute("SELECT id, date FROM entries WHERE hash = ?",
                                (hash,)).fetchone()
        return None if row is None else (row[0], dt.date.fromisoformat(row[1]))

    def _accounts(self) -> dict[int, tuple[str, str | None]]:
        rows = self.conn.execute("SELECT id, name, compound FROM accounts")
        return {aid: (name, compound) for aid, name, compound in rows}

    def _dates(self, scope: ExportScope, column: str) -> tuple[str, list[object]]:
        sql, args = "", list[object]()
        if scope.date_from is not None:
            sql += f" AND {column} >= ?"
            args.append(scope.date_from.isoformat())
        if scope.date_to is not None:
            sql += f" AND {column} <= ?"
            args.append(scope.date_to.isoformat())
        return sql, args

    def entries(self, scope: ExportScope, head: int, *, in_id_order: bool = True
                ) -> Iterator[ScopedEntry]:
        """Entries 1..``head`` with a posting in ``scope``, in (date, entry id) order, each
        with all its postings in seq order, those in scope marked.

        ``in_id_order`` reads both tables in their key order, with no sort, which is (date, id)
        order for a journal posted in date order; the first entry dated before the one ahead of
        it raises ``OutOfDateOrder``, and the caller reads again with ``in_id_order=False``.
        """
        accounts = self._accounts()
        covered = {aid for aid, (name, compound) in accounts.items()
                   if scope.covers(name, compound)}
        dates, args = self._dates(scope, "date")
        touching = ""
        if scope.filters_accounts:
            # "+" keeps SQLite from looking the accounts up in postings_by_account, which
            # reads all of their postings for every entry (a scoped export took minutes): by
            # the primary key it reads the entry's own few postings.
            touching = (" AND EXISTS (SELECT 1 FROM postings q WHERE q.entry_id = {} AND "
                        f"+q.account_id IN ({','.join(map(str, sorted(covered) or [-1]))}))")
        order = "" if in_id_order else "date, "
        entries = self.conn.execute(
            "SELECT id, date, memo, external_id, actor, reverses, (SELECT MIN(r.id) FROM "
            "entries r WHERE r.reverses = e.id AND r.id <= ?), hash FROM entries e WHERE "
            f"id <= ?{dates}{touching.format('e.id')} ORDER BY {order}id", [head, head, *args])
        postings = self.conn.execute(
            "SELECT entry_id, seq, account_id, amount_fen, currency, date FROM postings p WHERE "
            f"entry_id <= ?{dates}{touching.format('p.entry_id')} "
            f"ORDER BY {order}entry_id, seq", [head, *args])
        yield from _merge(entries, postings, accounts, covered, in_id_order)

    def opening(self, scope: ExportScope, head: int) -> dict[tuple[str, str], int]:
        """Balances of the accounts in scope before its first date (empty without one)."""
        if scope.date_from is None:
            return {}
        accounts = self._accounts()
        rows = self.conn.execute(
            "SELECT account_id, currency, SUM(amount_fen) FROM postings WHERE entry_id <= ? "
            "AND date < ? GROUP BY account_id, currency", (head, scope.date_from.isoformat()))
        return {(accounts[aid][0], currency): fen for aid, currency, fen in rows
                if aid in accounts and scope.covers(*accounts[aid])}

    def extents(self, scope: ExportScope, head: int) -> tuple[list[SheetExtent], int]:
        """What bounds the widths of an XLSX export's columns: per account in scope and
        currency, the largest amount, the debits and the credits over entries 1..``head``
        (read from the covering index); the widest memo, external id and actor, and the most
        counterparts, of all entries in the scope's dates (over every account: reading them
        per account joins each posting to its entry, four times as slow on a million
        postings); and the widest account name. A text's width is (bytes + characters) / 2 of
        its UTF-8, which counts a Chinese character (3 bytes) as two columns and an ASCII one
        as one, without reading the text into Python."""
        accounts = self._accounts()
        covered = sorted(aid for aid, (name, compound) in accounts.items()
                         if scope.covers(name, compound))
        dates, args = self._dates(scope, "date")

        def width(column: str) -> str:
            return f"MAX((length(CAST({column} AS BLOB)) + length({column})) / 2)"

        texts = self.conn.execute(
            f"SELECT {width('memo')}, {width('external_id')}, {width('actor')} FROM entries "
            f"WHERE id <= ?{dates}", [head, *args]).fetchone()
        legs = self.conn.execute("SELECT MAX(seq) FROM postings WHERE entry_id <= ?",
                                 (head,)).fetchone()[0]
        rows = self.conn.execute(
            "SELECT account_id, currency, MAX(ABS(amount_fen)), "
            "SUM(CASE WHEN amount_fen > 0 THEN amount_fen ELSE 0 END), "
            "SUM(CASE WHEN amount_fen < 0 THEN amount_fen ELSE 0 END) "
            f"FROM postings WHERE entry_id <= ?{dates} AND account_id "
            f"IN ({','.join(map(str, covered or [-1]))}) GROUP BY account_id, currency",
            [head, *args])
        memo, external_id, actor = (v or 0 for v in texts)
        extents = [SheetExtent(accounts[aid][0], currency, largest, debits, credits, memo,
                               external_id, actor, legs or 0)
                   for aid, currency, largest, debits, credits in rows]
        names = self.conn.execute(f"SELECT {width('name')} FROM accounts").fetchone()[0]
        return extents, names or 0

    def openings(self, head: int) -> list[AccountOpening]:
        """Every account with postings in entries 1..``head``: its opening date, first posting
        date and currencies, by name."""
        rows = self.conn.execute(
            "SELECT a.name, a.opened_on, MIN(p.date), group_concat(DISTINCT p.currency) "
            "FROM postings p JOIN accounts a ON a.id = p.account_id WHERE p.entry_id <= ? "
            "GROUP BY a.id ORDER BY a.name", (head,))
        return [(name, opened, first, tuple(sorted(currencies.split(","))))
                for name, opened, first, currencies in rows]

    def period_postings(self, compound: str, first: dt.date, last: dt.date
                        ) -> list[PeriodPosting]:
        """The postings to ``compound``'s income and expense accounts dated ``first``..``last``,
        with their entry's memo, in (date, entry, seq) order (a period is small)."""
        rows = self.conn.execute(
            "SELECT p.entry_id, p.date, a.name, p.amount_fen, p.currency, e.memo FROM postings p "
            "JOIN accounts a ON a.id = p.account_id JOIN entries e ON e.id = p.entry_id "
            "WHERE a.compound = ? AND (a.type = 'income' OR a.type = 'expenses') "
            "AND p.date BETWEEN ? AND ? ORDER BY p.date, p.entry_id, p.seq",
            (compound, first.isoformat(), last.isoformat()))
        return [(eid, dt.date.fromisoformat(day), name, fen, currency, memo)
                for eid, day, name, fen, currency, memo in rows]
