"""Ledger tables: accounts, the hash-chained journal, kept balances and closed periods.

Every method runs inside the caller's transaction (``SqliteStore.write()`` or ``read()``). Money
crosses as INTEGER fen plus a currency column. Entries are appended with ``executemany`` on the
raw connection because posting millions of them is the hot path.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from commons.errors import ConflictError, ErrorCode, NotFound, RefusedByRule
from commons.ledger.accounts import Account, matches_prefix
from commons.money import MAX_FEN, Money
from commons.store.queries import where_in

# The journal's values, the chain's rules and the verify problems are imported by the methods
# that write or check entries: a balance or a trail, answered within 0.1 s, never loads them.
if TYPE_CHECKING:
    from commons.ledger.journal import Leg, Prepared, StoredEntry
    from commons.ledger.problems import VerifyProblem
    from commons.ledger.rules import ChainHead, Link, StoredRow

__all__ = ["LedgerTables", "NamedAccounts", "TrailRow"]

_ENTRY_COLUMNS = ("id, date, memo, external_id, actor, resource, period, compound, reverses, "
                  "recorded_at, content_hash, prev_hash, hash")


class TrailRow(NamedTuple):
    """One posting of an account's trail, with the account's running balance after it."""

    entry_id: int
    date: str
    memo: str
    amount_fen: int
    currency: str
    balance_fen: int
    external_id: str
    actor: str
    reverses: int | None
    hash: str


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _prefix_filter(prefix: str | None) -> tuple[str, list[str]]:
    if not prefix:
        return "", []
    return " AND (a.name = ? OR a.name LIKE ? ESCAPE '\\')", [
        prefix, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"]


_LOOKUPS = 2_000  # above this many accounts named, reading every account is the cheaper way
_ACCOUNT_COLUMNS = "id, name, compound, opened_on, closed_on, description"


def _accounts(rows: Iterable[tuple[int, str, str | None, str | None, str | None, str]]
              ) -> dict[str, tuple[int, Account]]:
    return {name: (aid, Account(name, compound, _date(opened), _date(closed), text))
            for aid, name, compound, opened, closed, text in rows}


def _every_account(conn: sqlite3.Connection) -> dict[str, tuple[int, Account]]:
    return _accounts(conn.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts"))


class NamedAccounts(Mapping[str, Account]):
    """The open accounts a post names, read as its entries name them (``load``), with their
    row ids (``ids``): a post to a few of 100,000 accounts reads a few. Listing them (as a
    refusal does to suggest the nearest names) reads every account once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids: dict[str, int] = {}
        self._found: dict[str, Account] = {}
        self._looked_up: set[str] = set()
        self._whole = False

    def load(self, names: Iterable[str]) -> None:
        """Read those of ``names`` not read yet."""
        wanted = set(names) - self._looked_up
        if len(wanted) >= _LOOKUPS:
            self._read_all()  # a scan of every account costs less than thousands of lookups
        elif wanted and not self._whole:
            self._add(_accounts(where_in(self.conn, f"SELECT {_ACCOUNT_COLUMNS} FROM accounts "
                                         "WHERE name IN ({})", wanted)))
            self._looked_up |= wanted

    def _add(self, found: Mapping[str, tuple[int, Account]]) -> None:
        for name, (aid, account) in found.items():
            self.ids[name] = aid
            self._found[name] = account

    def __getitem__(self, name: str) -> Account:
        found = self._found.get(name)
        if found is None:
            self.load((name,))
            return self._found[name]
        return found

    def get(self, key: str, default: Any = None) -> Any:
        """The open account ``key``, or ``default`` (a post asks for every leg's)."""
        return self._found[key] if key in self else default

    def _read_all(self) -> None:
        if not self._whole:
            self._add(_every_account(self.conn))
            self._whole = True

    def __contains__(self, name: object) -> bool:
        if name not in self._found and isinstance(name, str):
            self.load((name,))
        return name in self._found

    def __iter__(self) -> Iterator[str]:
        self._read_all()
        return iter(self._found)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class LedgerTables:
    """The ledger's rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def accounts(self) -> dict[str, tuple[int, Account]]:
        """Every account by name, with its row id."""
        return _every_account(self.conn)

    def named_accounts(self) -> NamedAccounts:
        """The open accounts, read as a post names them."""
        return NamedAccounts(self.conn)

    def open_account(self, account: Account) -> tuple[int, bool]:
        """Insert ``account``; opening it again as it is is a no-op, otherwise a conflict."""
        row = self.conn.execute(
            "SELECT id, compound, opened_on, closed_on FROM accounts WHERE name = ?",
            (account.name,)).fetchone()
        opened = account.opened_on.isoformat() if account.opened_on else None
        if row is not None:
            aid, compound, opened_on, closed_on = row
            if (compound, opened_on) != (account.compound, opened) or closed_on:
                raise ConflictError(
                    f"account {account.name} is already open"
                    f"{' (closed on ' + closed_on + ')' if closed_on else ''} with compound "
                    f"{compound or '-'} from {opened_on or 'the start'}",
                    fix="if it has no postings yet, re-date it (``ledger.redate``); otherwise "
                        "open a new account under another name",
                    context={"account": account.name, "kind": "redate"},
                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
            return aid, False
        cursor = self.conn.execute(
            "INSERT INTO accounts (name, type, compound, opened_on, description) "
            "VALUES (?, ?, ?, ?, ?)",
            (account.name, account.type.value, account.compound, opened, account.description))
        assert cursor.lastrowid is not None
        return cursor.lastrowid, True

    def close_account(self, name: str, on: dt.date) -> None:
        """Close the open account ``name`` on ``on``; NotFound if there is no such open account."""
        cursor = self.conn.execute(
            "UPDATE accounts SET closed_on = ? WHERE name = ? AND closed_on IS NULL",
            (on.isoformat(), name))
        if cursor.rowcount != 1:
            raise NotFound(f"account {name} is not open",
                           fix="check the name; the balances list the open accounts",
                           code=ErrorCode.UNKNOWN_ACCOUNT)

    def redate_account(self, name: str, opened_on: dt.date | None, *, reason: str, actor: str,
                       recorded_at: str, head: ChainHead) -> dt.date | None:
        """Re-date the open account ``name`` that has no postings; its former opening date.

        The re-dating is kept in ``account_redatings`` (append-only) before the account
        changes; the schema's trigger allows the change only to what that row says."""
        row = self.conn.execute("SELECT id, opened_on, closed_on FROM accounts WHERE name = ?",
                                (name,)).fetchone()
        if row is None:
            raise NotFound(f"account {name} is not open",
                           fix="check the name; the balances list the open accounts",
                           context={"account": name}, code=ErrorCode.UNKNOWN_ACCOUNT)
        aid, before, closed_on = row
        if closed_on is not None:
            raise RefusedByRule(f"account {name} was closed on {closed_on}; a closed account "
                                "is not re-dated", fix="open a new account under another name",
                                context={"account": name}, code=ErrorCode.ACCOUNT_CLOSED)
        posted = self.conn.execute("SELECT COUNT(*) FROM postings WHERE account_id = ?",
                                   (aid,)).fetchone()[0]
        if posted:
            raise RefusedByRule(
                f"account {name} has {posted} posting{'' if posted == 1 else 's'}, so its "
                f"opening date "
                f"({before or 'the start'}) stands: re-dating it would change what they mean",
                fix="post the entry within the account's dates, or open a new account under "
                    "another name", context={"account": name}, code=ErrorCode.ACCOUNT_IN_USE)
        after = opened_on.isoformat() if opened_on else None
        self.conn.execute(
            "INSERT INTO account_redatings (account_id, old_opened_on, new_opened_on, reason, "
            "actor, recorded_at, head_id, head_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (aid, before, after, reason, actor, recorded_at, head.id, head.hash))
        self.conn.execute("UPDATE accounts SET opened_on = ? WHERE id = ?", (after, aid))
        return _date(before)

    def redating_mismatches(self) -> list[VerifyProblem]:
        """Accounts whose opening date is not what their newest re-dating says (a change made
        behind the library's back), and re-dated accounts that had postings by then."""
        from commons.ledger.problems import ProblemKind, VerifyProblem  # noqa: PLC0415

        rows = self.conn.execute(
            "SELECT a.name, a.opened_on, r.new_opened_on FROM accounts a JOIN account_redatings r "
            "ON r.id = (SELECT MAX(id) FROM account_redatings WHERE account_id = a.id) "
            "WHERE a.opened_on IS NOT r.new_opened_on LIMIT 20").fetchall()
        problems = [VerifyProblem(ProblemKind.CHANGED_OPENING, None,
                                  f"account {name} opens on {opened or 'the start'}, but its "
                                  f"last re-dating says {said or 'the start'}")
                    for name, opened, said in rows]
        rows = self.conn.execute(
            "SELECT a.name, r.id FROM account_redatings r JOIN accounts a ON a.id = r.account_id "
            "WHERE EXISTS (SELECT 1 FROM postings p WHERE p.account_id = r.account_id AND "
            "p.entry_id <= r.head_id) LIMIT 20").fetchall()
        return problems + [VerifyProblem(ProblemKind.REDATED_IN_USE, None,
                                         f"account {name} was re-dated (re-dating {rid}) after "
                                         "postings named it") for name, rid in rows]

    def closed_periods(self) -> frozenset[str]:
        """The closed months, as ``YYYY-MM``."""
        return frozenset(r[0] for r in self.conn.execute("SELECT period FROM closed_periods"))

    def close_period(self, period: str, closed_at: str, actor: str) -> bool:
        """Close ``period``: True, or False if it was closed already."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO closed_periods (period, closed_at, actor) VALUES (?, ?, ?)",
            (period, closed_at, actor))
        return cursor.rowcount == 1

    def head(self) -> ChainHead:
        """The newest entry's id and hash (the genesis head when the journal is empty)."""
        from commons.ledger.rules import ChainHead  # noqa: PLC0415 - see the imports

        row = self.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        return ChainHead(row[0], row[1]) if row else ChainHead()

    def known(self, external_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """External ids already in the journal, with their entry id and content hash."""
        rows = where_in(self.conn, "SELECT external_id, id, content_hash FROM entries "
                        "WHERE external_id IN ({})", external_ids)
        return {ext: (eid, content) for ext, eid, content in rows}

    def append(self, linked: Sequence[tuple[Prepared, Link]], recorded_at: str,
               account_ids: Mapping[str, int]) -> None:
        """Write entries and their postings, and add them to the kept balances."""
        entry_rows = []
        posting_rows = []
        deltas: dict[tuple[int, str], int] = {}
        # Unpacked by position: every field is written, and one unpacking per entry (and per
        # posting) is measurably faster than reading each field by name on the posting path.
        for (ext, day, memo, actor, resource, period, compound, reverses, legs, digest), \
                (entry_id, prev_hash, link) in linked:
            entry_rows.append((entry_id, day, memo, ext, actor, resource, period, compound,
                               reverses, recorded_at, digest, prev_hash, link))
            for seq, (account, fen, currency) in enumerate(legs):
                aid = account_ids[account]
                posting_rows.append((entry_id, seq, aid, day, fen, currency))
                key = (aid, currency)
                deltas[key] = deltas.get(key, 0) + fen
        self.conn.executemany(f"INSERT INTO entries ({_ENTRY_COLUMNS}) VALUES "
                              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entry_rows)
        self.conn.executemany("INSERT INTO postings (entry_id, seq, account_id, date, amount_fen, "
                              "currency) VALUES (?, ?, ?, ?, ?, ?)", posting_rows)
        try:
            self.conn.executemany(
                "INSERT INTO balances (account_id, currency, amount_fen) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id, currency) DO UPDATE SET amount_fen = "
                "balances.amount_fen + excluded.amount_fen",
                [(a, c, f) for (a, c), f in deltas.items()])
        except (sqlite3.IntegrityError, OverflowError):
            raise self._beyond_storable(deltas) from None

    def _beyond_storable(self, deltas: Mapping[tuple[int, str], int]) -> RefusedByRule:
        """The refusal when a kept balance would leave SQLite's integers (SQLite turns such a
        sum into a REAL, which the STRICT column refuses): it names the account."""
        for (aid, currency), fen in deltas.items():
            row = self.conn.execute("SELECT a.name, b.amount_fen FROM accounts a LEFT JOIN "
                                    "balances b ON b.account_id = a.id AND b.currency = ? "
                                    "WHERE a.id = ?", (currency, aid)).fetchone()
            if abs((row[1] or 0) + fen) > MAX_FEN:
                return RefusedByRule(
                    f"the balance of {row[0]} would go beyond {MAX_FEN} fen, which commons "
                    "cannot store", field="postings",
                    fix="check the amounts for a typo; nothing was posted")
        return RefusedByRule(f"a balance would go beyond {MAX_FEN} fen, which commons cannot "
                             "store", fix="check the amounts for a typo; nothing was posted")

    def balances(self, prefix: str | None = None, compound: str | None = None,
                 as_of: dt.date | None = None) -> list[tuple[str, Money]]:
        """Balance of every matching account (kept totals, or summed up to ``as_of``)."""
        where, args = _prefix_filter(prefix)
        if compound is not None:
            where += " AND a.compound = ?"
            args.append(compound)
        if as_of is None:
            sql = ("SELECT a.name, b.currency, b.amount_fen FROM balances b JOIN accounts a "
                   f"ON a.id = b.account_id WHERE 1 = 1{where} ORDER BY a.name, b.currency")
        else:
            sql = ("SELECT a.name, p.currency, SUM(p.amount_fen) FROM accounts a JOIN postings p "
                   f"ON p.account_id = a.id AND p.date <= ? WHERE 1 = 1{where} "
                   "GROUP BY a.name, p.currency ORDER BY a.name, p.currency")
            args.insert(0, as_of.isoformat())
        rows = self.conn.execute(sql, args).fetchall()
        assert all(prefix is None or matches_prefix(r[0], prefix) for r in rows)
        return [(name, Money(fen, currency)) for name, currency, fen in rows]

    def balances_at(self, as_of: dt.date, compound: str | None = None
                    ) -> list[tuple[str, Money]]:
        """Balance of every account (of ``compound``) at the end of ``as_of``: its kept
        balance less its postings dated later, which the index reads from the end of each
        account's postings, so a sheet at the end of the books reads almost none."""
        where, args = "", [as_of.isoformat()]
        if compound is not None:
            where, args = " WHERE a.compound = ?", [*args, compound]
        rows = self.conn.execute(
            "SELECT a.name, b.currency, b.amount_fen - COALESCE((SELECT SUM(p.amount_fen) "
            "FROM postings p WHERE p.account_id = b.account_id AND p.currency = b.currency "
            "AND p.date > ?), 0) FROM balances b JOIN accounts a ON a.id = b.account_id"
            f"{where} ORDER BY a.name, b.currency", args)
        return [(name, Money(fen, currency)) for name, currency, fen in rows]

    def monthly_sums(self, first: dt.date, last: dt.date, compound: str | None = None
                     ) -> list[tuple[str, str, Money]]:
        """The postings of every income and expense account (of ``compound``) from ``first``
        to ``last`` summed by month (``YYYY-MM``), in SQL: an income statement reads only
        these sums. Each account and currency the kept balances name is one range of the
        postings' index (CROSS JOIN keeps SQLite from scanning the whole index instead)."""
        where, args = "", [first.isoformat(), last.isoformat()]
        if compound is not None:
            where, args = " AND a.compound = ?", [*args, compound]
        rows = self.conn.execute(
            "SELECT a.name, substr(p.date, 1, 7) AS month, p.currency, SUM(p.amount_fen) "
            "FROM accounts a CROSS JOIN balances b ON b.account_id = a.id "
            "CROSS JOIN postings p ON p.account_id = b.account_id AND p.currency = b.currency "
            "AND p.date BETWEEN ? AND ? "
            f"WHERE a.type IN ('income', 'expenses'){where} "
            "GROUP BY a.name, month, p.currency", args)
        return [(name, month, Money(fen, currency)) for name, month, currency, fen in rows]

    def trail(self, account: str, *, limit: int, offset: int) -> list[TrailRow]:
        """An account's postings in date order with the running balance, one page."""
        return list(map(TrailRow._make, self.conn.execute(
            """SELECT p.entry_id, p.date, e.memo, p.amount_fen, p.currency,
                      SUM(p.amount_fen) OVER (PARTITION BY p.currency
                          ORDER BY p.date, p.entry_id, p.seq ROWS UNBOUNDED PRECEDING),
                      e.external_id, e.actor, e.reverses, e.hash
               FROM postings p JOIN accounts a ON a.id = p.account_id
               JOIN entries e ON e.id = p.entry_id
               WHERE a.name = ? ORDER BY p.date, p.entry_id, p.seq LIMIT ? OFFSET ?""",
            (account, limit, offset))))

    def postings_count(self, account: str) -> int:
        """How many postings ``account`` has: the length of its whole trail."""
        row = self.conn.execute("SELECT COUNT(*) FROM postings p JOIN accounts a "
                                "ON a.id = p.account_id WHERE a.name = ?", (account,)).fetchone()
        return int(row[0])

    def entry(self, entry_id: int) -> StoredEntry | None:
        """One stored entry with its postings, or None."""
        from commons.ledger.journal import Entry, Posting, StoredEntry  # noqa: PLC0415 - see the imports

        row = self.conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id = ?",
                                (entry_id,)).fetchone()
        if row is None:
            return None
        postings = self.conn.execute(
            "SELECT a.name, p.amount_fen, p.currency FROM postings p JOIN accounts a "
            "ON a.id = p.account_id WHERE p.entry_id = ? ORDER BY p.seq", (entry_id,))
        entry = Entry(_date(row[1]) or dt.date.min, row[2],
                      tuple(Posting(name, Money(fen, cur)) for name, fen, cur in postings),
                      row[3], row[4], row[5], row[6], row[7], row[8])
        return StoredEntry(row[0], entry, row[9], row[10], row[11], row[12])

    def reversible(self, entry_ids: set[int]) -> dict[int, int | None]:
        """For those of ``entry_ids`` that exist: the entry that reversed each, or None."""
        rows = where_in(self.conn, "SELECT e.id, r.id FROM entries e LEFT JOIN entries r "
                        "ON r.reverses = e.id WHERE e.id IN ({})", sorted(entry_ids))
        return dict(rows)

    def legs_of(self, entry_ids: Iterable[int]) -> dict[int, list[Leg]]:
        """The postings of each of ``entry_ids``, in order."""
        from commons.ledger.journal import Leg  # noqa: PLC0415 - see the imports

        rows = where_in(self.conn, "SELECT p.entry_id, a.name, p.amount_fen, p.currency "
                        "FROM postings p JOIN accounts a ON a.id = p.account_id "
                        "WHERE p.entry_id IN ({}) ORDER BY p.entry_id, p.seq", sorted(entry_ids))
        legs: dict[int, list[Leg]] = {}
        for entry_id, name, fen, currency in rows:
            legs.setdefault(entry_id, []).append(Leg(name, fen, currency))
        return legs

    def reversed_by(self, entry_id: int) -> int | None:
        """The id of the entry that reversed ``entry_id``, or None."""
        row = self.conn.execute("SELECT id FROM entries WHERE reverses = ?",
                                (entry_id,)).fetchone()
        return row[0] if row else None

    def stored_rows(self, first: int = 1, last: int | None = None) -> Iterator[StoredRow]:
        """Entries ``first``..``last`` in id order exactly as stored, each followed by its
        postings in canonical form (``FIELD_SEPARATOR`` within a leg, ``LEG_SEPARATOR`` between),
        their sums per currency, how many there are, and how many carry another date than the
        entry's. A posting whose account row is gone shows as account ``#id``.

        Two cursors walk entries and postings in their primary-key order and are merged here,
        which reads a million entries in a few seconds.
        """
        from commons.ledger.journal import FIELD_SEPARATOR, LEG_SEPARATOR  # noqa: PLC0415
        from commons.ledger.rules import StoredRow  # noqa: PLC0415

        # tuple.__new__ on the class builds a NamedTuple in C, at half the cost of its own
        # __new__: verify reads every entry of the journal through it.
        new_stored_row = functools.partial(tuple.__new__, StoredRow)

        names = dict(self.conn.execute("SELECT id, name FROM accounts").fetchall())
        bounds = (first, last if last is not None else 2**62)
        entries = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id BETWEEN ? AND ? ORDER BY id", bounds)
        postings = self.conn.execute(
            "SELECT entry_id, account_id, amount_fen, currency, date FROM postings "
            "WHERE entry_id BETWEEN ? AND ? ORDER BY entry_id, seq", bounds)
        pending = next(postings, None)
        fs = FIELD_SEPARATOR
        for row in entries:
            entry_id, day = row[0], row[1]
            legs: list[str] = []
            sums: dict[str, int] = {}
            misdated = 0
            while pending is not None and pending[0] <= entry_id:
                if pending[0] == entry_id:
                    _, aid, fen, currency, posted_on = pending
                    legs.append(f"{names.get(aid) or f'#{aid}'}{fs}{fen}{fs}{currency}")
                    sums[currency] = sums.get(currency, 0) + fen
                    misdated += posted_on != day
                pending = next(postings, None)
            yield new_stored_row((*row, LEG_SEPARATOR.join(legs), sums, len(legs), misdated))

    def link_before(self, entry_id: int) -> tuple[int, str]:
        """The id and hash of the entry stored just before ``entry_id`` (0 and genesis if none)."""
        from commons.ledger.journal import GENESIS_HASH  # noqa: PLC0415 - see the imports

        row = self.conn.execute("SELECT id, hash FROM entries WHERE id < ? ORDER BY id DESC "
                                "LIMIT 1", (entry_id,)).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    def orphan_postings(self) -> list[VerifyProblem]:
        """Postings whose entry does not exist (left behind, or slipped in from outside)."""
        from commons.ledger.problems import ProblemKind, VerifyProblem  # noqa: PLC0415 - see the imports

        rows = self.conn.execute(
            "SELECT p.entry_id, COUNT(*) FROM postings p LEFT JOIN entries e ON e.id = p.entry_id "
            "WHERE e.id IS NULL GROUP BY p.entry_id LIMIT 20").fetchall()
        return [VerifyProblem(ProblemKind.ORPHAN_POSTINGS, eid,
                              f"{count} postings name entry {eid}, which does not exist")
                for eid, count in rows]

    def unbalanced_totals(self) -> list[VerifyProblem]:
        """Currencies whose kept balances do not sum to zero (the trial balance)."""
        from commons.ledger.problems import ProblemKind, VerifyProblem  # noqa: PLC0415 - see the imports

        rows = self.conn.execute("SELECT currency, SUM(amount_fen) FROM balances "
                                 "GROUP BY currency HAVING SUM(amount_fen) != 0").fetchall()
        return [VerifyProblem(ProblemKind.TRIAL_BALANCE, None,
                              f"the trial balance in {cur} is {Money(total, cur)}, not zero")
                for cur, total in rows]

    def balance_mismatches(self) -> list[VerifyProblem]:
        """Kept balances that disagree with the sum of the postings."""
        from commons.ledger.problems import ProblemKind, VerifyProblem  # noqa: PLC0415 - see the imports

        rows = self.conn.execute(
            """SELECT a.name, s.currency, s.total, COALESCE(b.amount_fen, 0)
               FROM (SELECT account_id, currency, SUM(amount_fen) AS total FROM postings
                     GROUP BY account_id, currency) s
               JOIN accounts a ON a.id = s.account_id
               LEFT JOIN balances b ON b.account_id = s.account_id AND b.currency = s.currency
               WHERE s.total != COALESCE(b.amount_fen, 0)
               UNION ALL
               SELECT a.name, b.currency, 0, b.amount_fen FROM balances b
               JOIN accounts a ON a.id = b.account_id
               WHERE b.amount_fen != 0 AND NOT EXISTS (SELECT 1 FROM postings p
                   WHERE p.account_id = b.account_id AND p.currency = b.currency)""")
        return [VerifyProblem(ProblemKind.BALANCE_MISMATCH, None,
                              f"kept balance of {name} is {Money(kept, cur)} but its postings "
                              f"sum to {Money(total, cur)}") for name, cur, total, kept in rows]


