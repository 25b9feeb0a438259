"""Use cases of bank reconciliation: import statements, match them to the books, report, undo.

``reconcile.import_statement`` reads a CSV (through a column profile) or camt.053 file, checks it
adds up and continues the statements already stored, and stores its new lines in one transaction: a
bad file stores nothing, and importing the same or an overlapping file again adds nothing.
``reconcile.run`` matches what is not matched yet; ``reconcile.report`` builds the
余额调节表 at a month's end; ``reconcile.unmatch`` undoes one match.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING

import attrs

from commons.app.session import Service
from commons.errors import ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.io.bank_formats import (
    is_xml,
    read_profiles,
    read_statement_bytes,
    read_statements,
)
from commons.io.sources import read_bytes_of
from commons.money import Money
from commons.periods import Period
from commons.reconcile.matching import KINDS, MAX_WINDOW_DAYS, match_items
from commons.reconcile.reconciliation import MatchRecord, ReconciliationStatement, reconcile
from commons.reconcile.statements import Statement, line_keys, plan_continuation

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["ImportedStatement", "MatchRun", "ReconcileService", "StatementImport",
           "Unmatched"]


@attrs.frozen
class ImportedStatement:
    """One statement of an imported file: its lines, how many were new and how many already
    recorded (an overlapping or repeated statement)."""

    statement_id: str
    first_day: dt.date
    last_day: dt.date
    opening: Money
    closing: Money
    lines: int
    added: int
    already_recorded: int


@attrs.frozen
class StatementImport:
    """What ``reconcile.import_statement`` did with one file. ``format`` is ``camt.053`` or
    ``csv:<profile>``."""

    account: str
    source: str
    format: str
    statements: tuple[ImportedStatement, ...]

    @property
    def added(self) -> int:
        """Statement lines stored by this import, over every statement in the file."""
        return sum(s.added for s in self.statements)

    @property
    def already_recorded(self) -> int:
        """Statement lines that were already stored and were skipped."""
        return sum(s.already_recorded for s in self.statements)


@attrs.frozen
class MatchRun:
    """The matches one ``reconcile.run`` made, and what it left unmatched (lines booked and
    postings dated up to the period's end plus the window)."""

    account: str
    period: Period
    window_days: int
    matches: tuple[MatchRecord, ...]
    unmatched_lines: int
    unmatched_postings: int

    def by_kind(self) -> dict[str, int]:
        """How many matches each pass made, by kind (every kind listed, zeros too)."""
        counts = Counter(m.kind for m in self.matches)
        return {kind: counts.get(kind, 0) for kind in KINDS}


@attrs.frozen
class Unmatched:
    """A match ``reconcile.unmatch`` undid: its lines and postings are free to match again."""

    account: str
    match: MatchRecord


def _account_id(t: Tables, account: str) -> int:
    found = t.ledger.accounts().get(account)
    if found is None:
        raise NotFound(f"account {account} is not open", field="account",
                       fix="name the bank account as the books do, e.g. "
                       "assets:bank:co-managed:wjxc", code=ErrorCode.UNKNOWN_ACCOUNT)
    return found[0]


def _imported(statement: Statement, start: Money, skip: int) -> ImportedStatement:
    """The statement as imported; without balances in the file, its opening is where the
    stored history had it (``start`` is the balance its first new line follows)."""
    amounts = [line.amount for line in statement.lines]
    zero = Money.zero(statement.currency)
    opening = (statement.opening if statement.balances_known
               else start - sum(amounts[:skip], zero))
    return ImportedStatement(statement.statement_id, statement.first_day, statement.last_day,
                             opening, opening + sum(amounts, zero), len(amounts),
                             len(amounts) - skip, skip)


class ReconcileService(Service):
    """Bank reconciliation's use cases; each runs in one transaction."""

    def import_statement(self, path: str | Path | IO[str] | IO[bytes], *, account: str,
                         profile: str | None = None,
                         encoding: str | None = None) -> StatementImport:
        """Import a bank statement file (CSV or camt.053 XML) of the books' ``account``.

        ``path`` may also be an open binary or text file (a text one is read as UTF-8).
        ``profile`` names a built-in CSV profile or a TOML profile file; without it the
        built-in profiles are tried in turn. ``encoding`` overrides the detection of UTF-8
        or GBK/GB18030. All of the file is stored, or nothing.
        """
        if isinstance(path, str | Path):
            data = read_statement_bytes(path)
            source = str(path)
        else:
            text = not isinstance(path.read(0), bytes)
            data = read_bytes_of(path)
            source = str(getattr(path, "name", "") or "<statement file>")
            encoding = "utf-8" if text else encoding
        profiles = read_profiles(profile)
        statements = read_statements(data, source, profiles=profiles, encoding=encoding)
        imported_at = self.clock.now().in_timezone("UTC").isoformat()
        done = []
        with self.store.write() as t:
            account_id = _account_id(t, account)
            for statement in statements:
                keys = line_keys(statement.lines)
                known = t.reconcile.known(account_id, keys)
                plan = plan_continuation(statement, keys, known, t.reconcile.tail(account_id))
                new = list(zip(keys, statement.lines, strict=True))[plan.skip:]
                if new:
                    t.reconcile.add_statement(account_id, statement, plan.opening, new,
                                              imported_at, self.actor)
                done.append(_imported(statement, plan.opening, plan.skip))
        kind = "camt.053" if is_xml(data) else f"csv:{profiles[0].name}"
        return StatementImport(account, source, kind, tuple(done))

    def run(self, *, account: str, period: str | Period,
            window_days: int = 3) -> MatchRun:
        """Match the account's unmatched statement lines to its unmatched book postings, up
        to the period's last day plus ``window_days`` (postings from ``window_days`` before the
        first statement), and store the matches."""
        month = period if isinstance(period, Period) else Period.parse(period)
        if type(window_days) is not int or not 0 <= window_days <= MAX_WINDOW_DAYS:
            raise InvalidInput(f"a date window of {window_days!r} days is out of range",
                               field="window_days",
                               fix=f"give a whole number of days from 0 to {MAX_WINDOW_DAYS}")
        made_at = self.clock.now().in_timezone("UTC").isoformat()
        last = month.last_day + dt.timedelta(days=window_days)
        with self.store.write() as t:
            account_id = _account_id(t, account)
            first = self._first_statement(t, account_id, account)
            lines = t.reconcile.unmatched_lines(account_id, last)
            # A posting a few days before the first statement may clear in it.
            since = first[0] - dt.timedelta(days=window_days)
            postings = t.reconcile.unmatched_postings(account_id, first[1].currency, since, last)
            found = match_items(lines, postings, window_days=window_days)
            ids = t.reconcile.add_matches(account_id, found, made_at, self.actor)
        matched_lines = sum(len(m.line_ids) for m in found)
        matched_postings = sum(len(m.postings) for m in found)
        return MatchRun(account, month, window_days,
                        tuple(MatchRecord(i, m.kind, m.line_ids, m.postings)
                              for i, m in zip(ids, found, strict=True)),
                        len(lines) - matched_lines, len(postings) - matched_postings)

    @staticmethod
    def _first_statement(t: Tables, account_id: int, account: str) -> tuple[dt.date, Money]:
        first = t.reconcile.first_statement(account_id)
        if first is None:
            raise NotFound(f"no bank statement of {account} has been imported",
                           fix=f"import a bank statement of {account} first",
                           context={"kind": "statement", "account": account})
        return first

    def report(self, *, account: str, period: str | Period) -> ReconciliationStatement:
        """The reconciliation statement (余额调节表) of ``account`` at the end of ``period``."""
        month = period if isinstance(period, Period) else Period.parse(period)
        end = month.last_day
        with self.reader.read() as t:
            account_id = _account_id(t, account)
            first_day, opening = self._first_statement(t, account_id, account)
            if end < first_day:
                raise RefusedByRule(
                    f"the bank statements of {account} start on {first_day}, after {month}",
                    fix="report a month the imported statements cover")
            currency = opening.currency
            lines = t.reconcile.lines_through(account_id, end)
            bank_balance = opening + sum((x.amount for x in lines), Money.zero(currency))
            return reconcile(
                account, month, book_balance=t.reconcile.book_balance(account_id, currency, end),
                bank_balance=bank_balance,
                postings=t.reconcile.book_rows(
                    account_id, currency, first_day - dt.timedelta(days=MAX_WINDOW_DAYS), end),
                lines=lines, matches=t.reconcile.matches(account_id),
                statements_from=first_day,
                bank_through=t.reconcile.bank_through(account_id, end))

    def unmatch(self, match_id: int) -> Unmatched:
        """Undo match ``match_id``; its lines and postings may then be matched again."""
        with self.store.write() as t:
            found = t.reconcile.match(match_id)
            if found is None:
                raise NotFound(f"match {match_id} does not exist", field="match_id",
                               fix="name a match by its id, as the reconciliation report shows it",
                               context={"kind": "match", "id": str(match_id)})
            t.reconcile.delete_match(match_id)
        return Unmatched(found[0], found[1])
