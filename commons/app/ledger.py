"""Use cases of the shared-revenue ledger: open accounts, post, query, reverse, close.

``ledger.post`` streams a file (or any iterable of entries) through one transaction: either
every entry is posted or already recorded, or nothing changes and a ``Problems`` error names every
refused line. Memory stays flat however long the file is.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from array import array
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

import attrs

from commons.app.compounds import check_compound
from commons.app.session import Service
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
    RefusedByRule,
)
from commons.ledger.accounts import Account, chart_for_compound
from commons.money import Money
from commons.periods import Period, as_date

# The posting path (the journal's parser and hashing, the rules, the file reader) is imported by
# the methods that post: a balance or a trail, which a command must answer within 0.1 s, never
# loads it.
if TYPE_CHECKING:
    from pathlib import Path

    from commons.app.ledger_results import PeriodClosed, PostSummary, TrailLine
    from commons.ledger.journal import Entry, Prepared, StoredEntry
    from commons.ledger.rules import ChainHead, Link, Outcome
    from commons.ledger.statements import ListedAccount
    from commons.store import Tables

__all__ = ["AccountBalance", "BalanceReport", "LedgerService"]

MAX_REPORTED = 50  # refused lines described in full; the rest are counted
Progress = Callable[[int], None]



@attrs.frozen
class AccountBalance:
    """One account's balance in a balance report."""

    account: str
    balance: Money


@attrs.frozen
class BalanceReport:
    """Balances of the accounts asked for, with a total per currency, as of a date (or all)."""

    balances: tuple[AccountBalance, ...]
    totals: tuple[Money, ...]
    as_of: dt.date | None = None





def _entries_or_rows(source: object) -> Iterable[Entry] | list[Any]:
    """``Entry`` values as given, or, for an open file or rows, a one-item list holding the
    source to spool as a journal file (the first item is looked at, not consumed)."""
    if hasattr(source, "read"):
        return [source]
    items = iter(source)  # type: ignore[call-overload]
    first = next(items, None)
    rest = itertools.chain([] if first is None else [first], items)
    return [rest] if isinstance(first, Mapping) else rest


def _twice_in_post(outcome: Outcome, external_id: str, seen: tuple[int, str] | None,
                   first_id: int, lines: array[int]) -> Outcome:
    """An external id met earlier in the same post with other content is no stored entry (the
    post is refused whole), so the refusal names the earlier line instead of an entry id.
    ``seen`` is the entry the id was met as, and ``lines`` holds the line of each entry the post
    accepted, from entry ``first_id`` on: an array, not a dict of external ids, since a post of
    a million entries would hold another 100 MB for the rare refusal."""
    from commons.ledger.rules import Outcome  # noqa: PLC0415 - see the imports

    if outcome.status != "refused" or seen is None or seen[0] < first_id:
        return outcome
    first = lines[seen[0] - first_id]
    where = f" (first on line {first})" if first else ""
    return Outcome("refused", None, ConflictError(
        f"external id {external_id} appears twice with other content{where}",
        field="external_id", fix="give each entry its own external_id",
        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY))


class _Tally:
    """Counts of a post's outcomes and the refusals to report, each with its place: the line
    of a file, the position among entries a host gave, or, for entries a use case built
    (``origin``), that use case and its inputs and the entry's external id."""

    def __init__(self, file: str | None, origin: str | None = None) -> None:
        self.file = file
        self.origin = origin
        self.posted = self.already_recorded = self.refused = 0
        self.problems: list[CommonsError] = []

    def add(self, outcome: Outcome, line: int | None, external_id: str | None = None) -> None:
        if outcome.status == "posted":
            self.posted += 1
        elif outcome.status == "already recorded":
            self.already_recorded += 1
        else:
            self.refused += 1
            error = outcome.error
            assert error is not None
            if len(self.problems) >= MAX_REPORTED:
                return
            if self.origin is None:
                self.problems.append(error.located(file=self.file, line=line))
                return
            known = not external_id or external_id in error.what
            named = "" if known else f" (entry {external_id})"
            error.what = f"{self.origin}{named}: {error.what}"
            self.problems.append(error.located())

    def raise_if_refused(self) -> None:
        """Raise one ``Problems`` listing what was refused; its ``code`` is the one its problems
        share (``unknown_account`` for a post naming accounts that are not open)."""
        if not self.refused:
            return
        total = self.posted + self.already_recorded + self.refused
        if self.origin is not None:
            fix = f"correct what {self.origin} was given, or the books it needs, and run it again"
        elif self.file is not None:
            fix = "correct the lines named above and post the file again"
        else:
            fix = "correct the entries named above (numbered from 1 as given) and post them again"
        raise Problems(f"{self.refused} of {total} entries refused; nothing was posted",
                          self.problems, fix=fix)


class LedgerService(Service):
    """The ledger's use cases; each runs in one transaction."""

    def open(self, account: str, *, type: str | None = None, compound: str | None = None,
             opened_on: dt.date | str | None = None, description: str = "") -> Account:
        """Open an account before anything posts to it; opening it again is a no-op."""
        opened_on = None if opened_on is None else as_date(opened_on, "opened_on")
        opened = Account.create(account, type=type, compound=compound, opened_on=opened_on,
                                description=description)
        with self.store.write() as t:
            t.ledger.open_account(opened)
        return opened

    def chart(self, compound: str, *, opened_on: dt.date | str | None = None
              ) -> list[Account]:
        """Open the standard public-revenue accounts of one compound (a no-op where open).

        Where the estate holds compounds, ``compound`` must be one of them (a "did you mean"
        names the nearest); books kept without an estate may open a chart for any name.
        """
        opened_on = None if opened_on is None else as_date(opened_on, "opened_on")
        chart = chart_for_compound(compound, opened_on)
        with self.store.write() as t:
            check_compound(t, compound, opening=True, field="compound")
            for account in chart:
                t.ledger.open_account(account)
        return chart

    def post(self, source: str | Path | IO[str] | IO[bytes] | Iterable[Entry]
             | Iterable[Mapping[str, Any]], *, encoding: str | None = None,
             on_progress: Progress | None = None, workers: int = 1) -> PostSummary:
        """Post a JSON Lines file (or entries) in one transaction: all of it, or nothing.

        ``source`` may be a path, an open text or binary file of JSON Lines, ``Entry`` values,
        or rows (the JSON records as mappings). Entries whose external id is already recorded
        with the same content are skipped. With ``workers`` above 1, a large file is parsed in
        a second process while this one writes (the CLI does this; a host opts in, since it
        starts a process).
        """
        from pathlib import Path  # noqa: PLC0415

        from commons.files import open_text  # noqa: PLC0415 - see the imports
        from commons.io.sources import spooled  # noqa: PLC0415

        if hasattr(source, "read") or not isinstance(source, str | Path):
            entries = _entries_or_rows(source)
            if isinstance(entries, list):  # an open file or rows: read as a journal file
                with spooled(entries[0], kind="journal", fmt="jsonl",
                             encoding=encoding) as spool:
                    return self.post(spool.path, encoding=spool.encoding,
                                     on_progress=on_progress, workers=workers)
            source = entries
        if isinstance(source, str | Path):
            open_text(source, encoding).close()  # a mistyped path must not create a database
        from commons.io.collector import collector_paused  # noqa: PLC0415

        new_file = self.session.new_file()
        try:
            with collector_paused(), self.store.write() as t:
                summary = self.post_in(t, source, encoding, on_progress, workers)
        except BaseException:
            self.session.discard_if_unused(new_file)  # a refused post leaves no database
            raise
        if not summary.posted:
            self.session.discard_if_unused(new_file)  # nor does one that posted nothing
        return summary

    def post_in(self, t: Tables, source: str | Path | Iterable[Entry | Prepared],
                encoding: str | None, on_progress: Progress | None, workers: int = 1, *,
                origin: str | None = None) -> PostSummary:
        """The post itself, inside the caller's write transaction ``t``: the one posting path
        every area's service uses, so its entries pass the same rules as ``post``. A use case
        posting entries it built names itself and its inputs as ``origin``, which refusals
        then name instead of a line."""
        from commons.io.journal_jsonl import chunks  # noqa: PLC0415 - see the imports
        from commons.ledger.rules import Outcome, plan_prepared  # noqa: PLC0415

        tally = _Tally(str(source) if isinstance(source, str | os.PathLike) else None, origin)
        recorded_at = self.clock.now().in_timezone("UTC").isoformat()
        accounts = t.ledger.named_accounts()
        closed = t.ledger.closed_periods()
        head: ChainHead | Link = t.ledger.head()
        # Once a line is refused nothing more is written, so the ids that would have been
        # are remembered here to report every later conflict with them.
        unwritten: dict[str, tuple[int, str]] = {}
        first_id, lines = head.id + 1, array("q")  # the line of each entry accepted, by id
        for chunk in chunks(source, encoding, self.actor, workers=workers):
            entries = [e for _, e, _ in chunk if not isinstance(e, CommonsError)]
            accounts.load(leg.account for e in entries for leg in e.legs)
            known = t.ledger.known([e.external_id for e in entries])
            known.update((e.external_id, unwritten[e.external_id]) for e in entries
                         if e.external_id in unwritten)
            reversible = t.ledger.reversible({e.reverses for e in entries
                                              if e.reverses is not None})
            undoes = t.ledger.legs_of(reversible)
            accepted: list[tuple[Prepared, Link]] = []
            for line, item, _ in chunk:
                if isinstance(item, CommonsError):
                    tally.add(Outcome("refused", None, item), line)
                    continue
                outcome, link = plan_prepared(item, head, known, accounts, closed,
                                              recorded_at, reversible, undoes)
                external_id = item.external_id
                tally.add(_twice_in_post(outcome, external_id, known.get(external_id), first_id,
                                         lines), line, external_id)
                if link is not None:
                    lines.append(line or 0)
                    accepted.append((item, link))
                    head = link  # the new head of the chain
                    known[external_id] = (link.id, item.content_hash)
                    if item.reverses is not None:
                        reversible[item.reverses] = link.id
            if not tally.problems:
                try:
                    t.ledger.append(accepted, recorded_at, accounts.ids)
                except CommonsError as e:
                    raise e.located(file=tally.file) from None
            else:
                unwritten.update((p.external_id, (link.id, p.content_hash)) for p, link in accepted)
            if on_progress is not None:
                on_progress(sum(size for _, _, size in chunk))
        tally.raise_if_refused()
        from commons.app.ledger_results import PostSummary  # noqa: PLC0415 - see the imports

        return PostSummary(tally.posted, tally.already_recorded, 0, head.hash)

    def balance(self, account: str | None = None, *, compound: str | None = None,
                as_of: dt.date | str | None = None) -> BalanceReport:
        """Balances of the accounts under ``account`` (a prefix), of ``compound``, at a date.

        A compound the books do not know is refused (see ``check_compound``), not reported as
        an empty balance."""
        as_of = None if as_of is None else as_date(as_of, "as_of")
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            rows = t.ledger.balances(account, compound, as_of)
        totals: dict[str, Money] = {}
        for _, m in rows:
            totals[m.currency] = totals.get(m.currency, Money.zero(m.currency)) + m
        return BalanceReport(tuple(AccountBalance(n, m) for n, m in rows),
                             tuple(totals.values()), as_of)

    def accounts(self, *, compound: str | None = None, type: str | None = None,
                 closed: bool = False, lang: str = "zh") -> tuple[ListedAccount, ...]:
        """Every account (of ``compound``, of ``type``) with its label in ``lang``, opening date
        and balance; accounts closed by today only with ``closed``."""
        from commons.ledger.statements import list_accounts  # noqa: PLC0415 - see the imports

        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            opened, rows = t.ledger.accounts(), t.ledger.balances()
        return list_accounts([a for _, a in opened.values()], rows, today=self.clock.today(),
                             compound=compound, type=type, closed=closed, lang=lang)

    def trail(self, account: str, *, limit: int = 100, offset: int = 0
              ) -> tuple[TrailLine, ...]:
        """Every posting of ``account`` in date order with its running balance, one page."""
        with self.reader.read() as t:
            if account not in t.ledger.accounts():
                raise NotFound(f"account {account} is not open",
                               fix="name an open account; the balances list them",
                               code=ErrorCode.UNKNOWN_ACCOUNT)
            rows = t.ledger.trail(account, limit=limit, offset=offset)
        from commons.app.ledger_results import TrailLine  # noqa: PLC0415

        return tuple(
            TrailLine(r.entry_id, r.date, r.memo, Money(r.amount_fen, r.currency),
                      Money(r.balance_fen, r.currency), r.external_id, r.actor, r.reverses, r.hash)
            for r in rows)

    def trail_length(self, account: str) -> int:
        """How many postings ``account``'s whole trail holds, so a page can say what is left."""
        with self.reader.read() as t:
            if account not in t.ledger.accounts():
                raise NotFound(f"account {account} is not open",
                               fix="name an open account; the balances list them",
                               code=ErrorCode.UNKNOWN_ACCOUNT)
            return t.ledger.postings_count(account)

    def reverse(self, entry_id: int, *, reason: str, on: dt.date | str | None = None
                ) -> StoredEntry:
        """Post the reversal of entry ``entry_id``, dated ``on`` (today by default), in one
        transaction with the checks that it exists and was not reversed already."""
        on = None if on is None else as_date(on, "on")
        if not reason.strip():
            raise InvalidInput("a reversal needs a reason", field="reason",
                               fix="say why, e.g. 'posted to the wrong compound'")
        with self.store.write() as t:
            original = t.ledger.entry(entry_id)
            if original is None:
                raise NotFound(f"entry {entry_id} does not exist",
                               fix="name an entry by its id, as an account's trail shows it",
                               context={"kind": "entry", "id": str(entry_id)})
            already = t.ledger.reversed_by(entry_id)
            if already is not None:
                raise RefusedByRule(f"entry {entry_id} was already reversed by entry {already}",
                                    fix="nothing to do; post a new entry to change it again",
                                    code=ErrorCode.ALREADY_DONE)
            reversal = original.entry.reversal(date=on or self.clock.today(), entry_id=entry_id,
                                               reason=reason, actor=self.actor)
            self.post_in(t, [reversal], None, None,
                         origin=f"ledger reverse {entry_id} (dated {reversal.date})")
            done = t.ledger.reversed_by(entry_id)
            stored = t.ledger.entry(done) if done is not None else None
        assert stored is not None and stored.entry.reverses == entry_id
        return stored

    def close_period(self, period: str | Period) -> PeriodClosed:
        """Close a month against new postings; closing it again is a no-op."""
        month = period if isinstance(period, Period) else Period.parse(period)
        closed_at = self.clock.now().in_timezone("UTC").isoformat()
        with self.store.write() as t:
            new = t.ledger.close_period(str(month), closed_at, self.actor)
        from commons.app.ledger_results import PeriodClosed  # noqa: PLC0415

        return PeriodClosed(month, new)

    def redate(self, accounts: str | Iterable[str] = (), *, compound: str | None = None,
               opened_on: dt.date | str | None, reason: str = "") -> tuple[Account, ...]:
        """Move the opening date of ``accounts`` (or of every account of ``compound``'s chart)
        to ``opened_on`` (None: from the start), for accounts opened with a wrong date that
        have no postings yet, in one transaction: an account with postings, or a closed one,
        refuses the whole. Each re-dating is kept (who, when, why, at which chain head) and
        ``audit verify`` checks every account still agrees with its last one."""
        day = as_date(opened_on, "opened_on") if opened_on is not None else None
        names = [accounts] if isinstance(accounts, str) else list(accounts)
        recorded_at = self.clock.now().in_timezone("UTC").isoformat()
        with self.store.write() as t:
            if compound is not None:
                check_compound(t, compound)
                names += [a.name for a in chart_for_compound(compound)]
            if not names:
                raise InvalidInput("no account to re-date", field="accounts",
                                   fix="name the accounts, or the compound whose chart it is",
                                   code=ErrorCode.INVALID_INPUT)
            head = t.ledger.head()
            for name in dict.fromkeys(names):
                t.ledger.redate_account(name, day, reason=reason, actor=self.actor,
                                        recorded_at=recorded_at, head=head)
            opened = t.ledger.accounts()
            return tuple(opened[name][1] for name in dict.fromkeys(names))

    def close_account(self, account: str, *, on: dt.date | str | None = None) -> Account:
        """Close an account from ``on`` (today by default): postings dated then or later are
        refused. The account and its history stay."""
        on = None if on is None else as_date(on, "on")
        day = on or self.clock.today()
        with self.store.write() as t:
            found = t.ledger.accounts().get(account)
            if found is None:
                raise NotFound(f"account {account} is not open",
                               fix="name an open account; the balances list them",
                               code=ErrorCode.UNKNOWN_ACCOUNT)
            t.ledger.close_account(account, day)
        return attrs.evolve(found[1], closed_on=day)
