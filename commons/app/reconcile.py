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
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

import attrs

from commons.app.reconcile_hand import (
    BOOKED,
    BankLine,
    BookedLine,
    MatchView,
    book_entry,
    list_lines,
    list_matches,
    manual_match,
)
from commons.app.session import Service, Session
from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.io.bank_formats import (
    is_xml,
    read_profiles,
    read_statement_bytes,
    read_statements,
)
from commons.io.sources import read_bytes_of
from commons.money import Money, currency_of, parse_fen
from commons.periods import Period
from commons.reconcile.accounts import account_number, statements_of_account
from commons.reconcile.matching import (
    KINDS,
    MAX_WINDOW_DAYS,
    DateWindow,
    MatchFound,
    match_items,
)
from commons.reconcile.reconciliation import MatchRecord, ReconciliationStatement, reconcile
from commons.reconcile.statements import (
    Skipped,
    Statement,
    line_keys,
    plan_continuation,
    without_balances,
)

if TYPE_CHECKING:
    from commons.app.ledger import LedgerService
    from commons.store import Tables

__all__ = ["BankAccount", "ImportedStatement", "MatchRun", "ReconcileService",
           "StatementImport", "Unmatched"]


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
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()


@attrs.frozen
class StatementImport:
    """What ``reconcile.import_statement`` did with one file. ``format`` is ``camt.053`` or
    ``csv:<profile>``, naming the profile used (the first built-in one the header fits when
    none was named)."""

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
class BankAccount:
    """The number (IBAN or other) and currency recorded for a books' bank account; statements
    of another account or currency are refused."""

    account: str
    number: str
    currency: str
    bank: str = ""


@attrs.frozen
class MatchRun:
    """The matches one ``reconcile.run`` made, and what it left unmatched (lines booked and
    postings dated up to the period's end plus the window)."""

    account: str
    period: Period
    window_days: DateWindow
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
                             len(amounts) - skip, skip, statement.skipped, statement.notes)


def _opening(statement: Statement, opening: str | None, *, check: bool) -> Money | None:
    """The opening balance the user gave, in the statement's currency; one that contradicts
    the balances the file reports is refused."""
    if opening is None:
        return None
    try:
        start = Money(parse_fen(opening, statement.currency), statement.currency)
    except CommonsError as e:
        raise e.located(field="opening") from None
    if check and statement.balances_known and start != statement.opening:
        raise InvalidInput(
            f"--opening {start.format_grouped()} contradicts the file, whose balances open at "
            f"{statement.opening.format_grouped()}", file=statement.source, field="opening",
            fix="give no opening balance, or ignore the file's balances if they are wrong",
            code=ErrorCode.INVALID_AMOUNT, context={"kind": "opening"})
    return start


class ReconcileService(Service):
    """Bank reconciliation's use cases; each runs in one transaction."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger  # the one posting path: ``ledger.post_in`` inside a transaction

    def lines(self, *, account: str, period: str | Period | None = None,
              unmatched: bool = False) -> list[BankLine]:
        """The account's imported bank lines (of ``period`` if given; only the unmatched ones
        with ``unmatched``), in booking order."""
        month = None if period is None else (
            period if isinstance(period, Period) else Period.parse(period))
        with self.reader.read() as t:
            first = month.first_day if month else dt.date.min
            return list_lines(t, _account_id(t, account), first,
                              month.last_day if month else dt.date.max, unmatched)

    def matches(self, *, account: str, period: str | Period) -> list[MatchView]:
        """The account's matches touching ``period``, with both sides' dates and amounts."""
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.reader.read() as t:
            return list_matches(t, _account_id(t, account), month.first_day, month.last_day)

    def match(self, *, account: str, lines: Sequence[int],
              postings: Sequence[tuple[int, int]]) -> MatchRecord:
        """Match bank ``lines`` to book ``postings`` (entry id, seq) by hand; their amounts
        must agree, otherwise the match is refused with the difference."""
        made_at = self.clock.now().in_timezone("UTC").isoformat()
        with self.store.write() as t:
            account_id = _account_id(t, account)
            found = manual_match(t, account_id, lines, postings)
            (match_id,) = t.reconcile.add_matches(account_id, [found], made_at, self.actor)
        return MatchRecord(match_id, found.kind, found.line_ids, found.postings)

    def book(self, *, account: str, line: int, against: str,
             memo: str | None = None) -> BookedLine:
        """Book an unmatched bank line (a charge, interest) against ``against`` as a journal
        entry keyed by the line, and match the two. Booking the line again records nothing."""
        made_at = self.clock.now().in_timezone("UTC").isoformat()
        with self.store.write() as t:
            account_id = _account_id(t, account)
            entry, held = book_entry(t, account, account_id, line, against, memo)
            summary = self.ledger.post_in(t, [entry], None, None)
            if held is not None and not summary.posted:
                return BookedLine(line, entry.external_id, held, posted=False)
            if held is not None:
                raise RefusedByRule(f"bank line {line} is already in match {held}",
                                    field="line", fix=f"undo match {held} first",
                                    code=ErrorCode.CONFLICT,
                                    context={"kind": "match", "match": str(held)})
            entry_id = t.ledger.known([entry.external_id])[entry.external_id][0]
            posting = (entry_id, t.reconcile.posting_of(entry_id, account_id))
            (match_id,) = t.reconcile.add_matches(
                account_id, [MatchFound(BOOKED, (line,), (posting,))], made_at, self.actor)
        return BookedLine(line, entry.external_id, match_id, posted=bool(summary.posted))

    def import_statement(self, path: str | Path | IO[str] | IO[bytes], *, account: str,
                         profile: str | None = None, encoding: str | None = None,
                         opening: str | None = None, balances: str = "check"
                         ) -> StatementImport:
        """Import a bank statement file (CSV or camt.053 XML) of the books' ``account``.

        ``path`` may also be an open binary or text file (a text one is read as UTF-8).
        ``profile`` names a built-in CSV profile or a TOML profile file; without it the
        built-in profiles are tried in turn. ``encoding`` overrides the detection of UTF-8
        or GBK/GB18030. ``opening`` (yuan) is the balance before the file's first statement
        where the file gives none; ``balances="ignore"`` reads a file whose balances are
        missing or redacted without checking them (the books record them as computed). All
        of the file is stored, or nothing.
        """
        if balances not in ("check", "ignore"):
            raise InvalidInput(f"balances must be check or ignore, not {balances!r}",
                               field="balances", fix="write check or ignore")
        if isinstance(path, str | Path):
            data = read_statement_bytes(path)
            source = str(path)
        else:
            text = not isinstance(path.read(0), bytes)
            data = read_bytes_of(path)
            source = str(getattr(path, "name", "") or "<statement file>")
            encoding = "utf-8" if text else encoding
        profiles = read_profiles(profile)
        statements = read_statements(data, source, profiles=profiles, encoding=encoding,
                                     ignore_balances=balances == "ignore")
        imported_at = self.clock.now().in_timezone("UTC").isoformat()
        done = []
        with self.store.write() as t:
            account_id = _account_id(t, account)
            tail = t.reconcile.tail(account_id).balance
            recorded = t.reconcile.bank_account(account_id)
            statements = statements_of_account(statements, recorded, account, source,
                                               tail.currency if tail is not None else None)
            # The opening given is that of the account's first statement in the file.
            start = _opening(statements[0], opening, check=balances == "check")
            statements = [without_balances(s, start if number == 0 else None)
                          if balances == "ignore" or (number == 0 and start is not None
                                                      and not s.balances_known) else s
                          for number, s in enumerate(statements)]
            for number, statement in enumerate(statements):
                keys = line_keys(statement.lines)
                known = t.reconcile.known(account_id, keys)
                plan = plan_continuation(statement, keys, known, t.reconcile.tail(account_id),
                                         start if number == 0 else None)
                new = list(zip(keys, statement.lines, strict=True))[plan.skip:]
                if new:
                    t.reconcile.add_statement(account_id, statement, plan.opening, new,
                                              imported_at, self.actor)
                done.append(_imported(statement, plan.opening, plan.skip))
        kind = "camt.053" if is_xml(data) else statements[0].reader
        return StatementImport(account, source, kind, tuple(done))

    def set_account(self, account: str, *, number: str, currency: str = "CNY",
                    bank: str | None = None) -> BankAccount:
        """Record the number (IBAN or other) and currency of the bank account the books'
        ``account`` stands for, and the ``bank`` it is kept at (a disclosure names it); later
        imports refuse statements of another account or currency. Recording it again with
        other values changes it; without ``bank``, a bank recorded before stays."""
        digits = account_number(number)
        if not digits or len(digits) > 64:
            raise InvalidInput(f"account number {number[:40]!r} is empty or too long",
                               field="number", fix="give the IBAN or the bank's account number")
        if bank is not None and (not bank.strip() or len(bank) > 100 or "\n" in bank):
            raise InvalidInput(f"bank name {bank[:40]!r} is empty, too long or not one line",
                               field="bank", fix="give the bank's name as it prints it, e.g. "
                               "长沙银行雨花支行")
        try:
            currency_of(currency)
        except CommonsError as e:
            raise e.located(field="currency") from None
        with self.store.write() as t:
            account_id = _account_id(t, account)
            t.reconcile.set_bank_account(account_id, digits, currency,
                                         None if bank is None else bank.strip())
            name = t.reconcile.bank_name(account_id)
        return BankAccount(account, digits, currency, name)

    def run(self, *, account: str, period: str | Period,
            window_days: DateWindow | int | str = 3) -> MatchRun:
        """Match the account's unmatched statement lines to its unmatched book postings, up
        to the period's last day plus the window's reach (postings from that many days before
        the first statement), and store the matches. ``window_days`` is N days (a posting in
        several lines, or several in one, never dated after its lines) or a signed range
        ``"LOW:HIGH"`` of the book date minus the bank date that holds for every match
        (``"-2:5"``: the book date 2 days before to 5 days after the bank's)."""
        month = period if isinstance(period, Period) else Period.parse(period)
        window = DateWindow.of(window_days)
        made_at = self.clock.now().in_timezone("UTC").isoformat()
        last = month.last_day + dt.timedelta(days=window.reach)
        with self.store.write() as t:
            account_id = _account_id(t, account)
            first = self._first_statement(t, account_id, account)
            lines = t.reconcile.unmatched_lines(account_id, last)
            # A posting a few days before the first statement may clear in it.
            since = first[0] - dt.timedelta(days=window.reach)
            postings = t.reconcile.unmatched_postings(account_id, first[1].currency, since, last)
            found = match_items(lines, postings, window_days=window)
            ids = t.reconcile.add_matches(account_id, found, made_at, self.actor)
        matched_lines = sum(len(m.line_ids) for m in found)
        matched_postings = sum(len(m.postings) for m in found)
        return MatchRun(account, month, window,
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
                bank_through=t.reconcile.bank_through(account_id, end),
                bank_balance_computed=t.reconcile.balances_computed(account_id, end))

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
