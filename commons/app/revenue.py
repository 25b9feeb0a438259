"""Use cases of the five duties over public revenue (清、收、管、用、审): clear a compound's
resources and opening balance, collect income from CSV split by the sharing rule, set aside the
maintenance share each quarter, report the balance and the statement for the audit. Managing and
using the money (signers, limits, proposals, approvals, disbursements) are in ``spending``.

Every money step is a journal entry posted through the ledger's own posting path, in the use
case's one transaction, with its compound, resource and period and an external id, so that
running a step again is "already recorded".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.revenue_books import balance_of, compound_of, open_chart, post_entry
from commons.app.spending import SpendingService
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    Problems,
    RefusedByRule,
    Where,
)
from commons.estate.resource import Resource
from commons.files import open_text
from commons.io.revenue_files import read_collections
from commons.io.sources import Source, through
from commons.ledger.journal import Entry, prepare
from commons.ledger.rules import refusal
from commons.money import Money, money_field
from commons.periods import Period, as_date
from commons.revenue.income import (
    BANK,
    COMMISSION,
    DEFAULT_MAINTENANCE_PERCENT,
    DEFAULT_MAX_COMMISSION_PERCENT,
    MAINTENANCE_FUND,
    ClearReport,
    Collection,
    Quarter,
    QuarterDue,
    ResourceEarning,
    SharingRule,
    UnattributedIncome,
    account_of,
    clear_since,
    default_rule,
    opening_entry,
    quarter_dues,
    rule_on,
    set_aside_entry,
)
from commons.revenue.spending import RevenueBalance
from commons.revenue.statement import RevenueStatement

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["CollectSummary", "RevenueService", "SetAside"]

_MAX_REPORTED = 50


@attrs.frozen
class CollectSummary:
    """What a collection file did: incomes posted, already recorded, and the money of the new
    ones: income, the commission split off, and the owners' share (income - commission)."""

    file: str
    posted: int
    already_recorded: int
    income: Money
    commission: Money

    @property
    def owners_share(self) -> Money:
        """What the owners keep: the income less the operator's commission."""
        return self.income - self.commission


@attrs.frozen
class SetAside:
    """A quarter's maintenance set-aside: the quarter's figures, what this call moved
    (``amount``, with ``status`` posted, already recorded, or nothing to set aside) and its
    entry."""

    compound: str
    due: QuarterDue
    amount: Money
    status: str
    entry_id: int | None


class RevenueService(SpendingService):
    """The five duties; each use case runs in one transaction."""

    def rule(self, compound: str, *, commission_percent: Decimal | str | int,
             max_commission_percent: Decimal | str | int = DEFAULT_MAX_COMMISSION_PERCENT,
             maintenance_percent: Decimal | str | int = DEFAULT_MAINTENANCE_PERCENT,
             effective_from: dt.date | str) -> SharingRule:
        """Set ``compound``'s sharing rule from ``effective_from``: a commission above its cap
        is refused, and so is a rule that would change how recorded income was split."""
        effective_from = as_date(effective_from, "effective_from")
        rule = SharingRule(compound, effective_from, commission_percent, max_commission_percent,
                           maintenance_percent)
        with self.store.write() as t:
            compound_of(t, compound)
            stored = {r.effective_from: r for r in t.revenue.rules(compound)}
            if effective_from in stored:
                if stored[effective_from] != rule:
                    raise ConflictError(f"{compound} already has a sharing rule from "
                                        f"{effective_from}", field="from",
                                        fix="a rule is never changed; set a new one from a "
                                            "later date",
                                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
                return rule
            last = t.revenue.last_income_date(compound)
            if last is not None and effective_from <= last:
                raise RefusedByRule(
                    f"{compound}'s income is booked up to {last}; a rule from {effective_from} "
                    "would change how it was split", field="from",
                    fix=f"make the rule effective from {last + dt.timedelta(days=1)} or later",
                    code=ErrorCode.CLOSED_PERIOD)
            t.revenue.add_rule(rule, self._now(), self.actor)
        return rule

    def rules(self, compound: str) -> tuple[SharingRule, ...]:
        """``compound``'s sharing rules by the date each takes effect."""
        with self.reader.read() as t:
            compound_of(t, compound)
            return tuple(t.revenue.rules(compound))

    def clear(self, compound: str, *, as_of: dt.date | str,
              opening: Money | str | None = None) -> ClearReport:
        """Clear (清) ``compound``: every resource with what it earned in the twelve months to
        ``as_of``, the idle ones, income naming no resource, and with ``opening`` the verified
        opening balance of the co-managed account, posted once (another amount later is a
        ConflictError). With ``opening`` it opens the compound's chart if it is not open;
        without, it only reads, so an auditor may clear a read-only file."""
        as_of = as_date(as_of, "as_of")
        if opening is None:
            with self.reader.read() as t:
                return _clear_report(t, compound, as_of, "none")
        with self.store.write() as t:
            compound_of(t, compound)
            open_chart(t, compound)
            status = self._record_opening(t, compound, money_field(opening, "opening"), as_of)
            return _clear_report(t, compound, as_of, status)

    def _record_opening(self, t: Tables, compound: str, amount: Money, day: dt.date) -> str:
        if amount.is_negative():
            raise InvalidInput(f"an opening balance of {amount} is negative", field="opening",
                               fix="give the co-managed account's balance on the bank's "
                                   "statement, zero or more", code=ErrorCode.INVALID_AMOUNT)
        stored = t.revenue.opening(compound)
        if stored is not None:
            if stored[1] != amount:
                raise ConflictError(
                    f"{compound}'s opening balance was verified as {stored[1]} on {stored[0]}; "
                    f"{amount} differs", field="opening",
                    fix="the opening is recorded once; book a difference found later as its "
                        "own entry",
                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
            return "already recorded"
        entry_id = None
        if amount:
            entry_id, _ = post_entry(self.ledger, t, opening_entry(compound, amount, day,
                                                            actor=self.actor),
                                     f"revenue clear {compound} (opening {amount} as of {day})")
        t.revenue.add_opening(compound, day, amount, entry_id, self._now(), self.actor)
        return "posted"

    def collect(self, path: Source, *, encoding: str | None = None) -> CollectSummary:
        """Collect (收) the incomes of a CSV file (external_id,date,compound,resource,period,
        amount[,payer,memo]): each into the co-managed account, with the operator's commission
        split off by the compound's sharing rule, to the fen. The whole file is checked first;
        any problem is named by file:line:field and nothing is posted. Incomes already
        recorded are skipped. ``path`` may also be an open text or binary file, or rows
        (mappings of those columns to values)."""
        return through(path, self._collect, kind="collections", encoding=encoding)

    def _collect(self, path: Path, encoding: str | None) -> CollectSummary:
        file = str(path)
        open_text(path, encoding).close()  # a mistyped path must not create a database
        parsed, problems, rows = read_collections(path, encoding)
        with self.store.write() as t:
            entries = self._collection_entries(t, file, parsed, problems)
            known = t.ledger.known([e.external_id for _, e, _ in entries])
            for line, entry, _ in entries:
                seen = known.get(entry.external_id)
                if seen is not None and seen[1] != entry.content_hash():
                    problems.append(ConflictError(
                        f"external id {entry.external_id} was recorded as entry {seen[0]} with "
                        "other content", file=file, line=line, field="external_id",
                        fix="give a new income a new external_id; correct a recorded one with "
                            "a reversal", code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY))
            problems += _ledger_refusals(t, file, [(n, e) for n, e, _ in entries
                                                   if e.external_id not in known])
            _raise_if(problems, rows)
            new = [(entry, c) for _, entry, c in entries if entry.external_id not in known]
            self.ledger.post_in(t, [e for e, _ in new], None, None,
                                origin=f"revenue collect {file}")
            ids = t.ledger.known([e.external_id for e, _ in new])
            t.revenue.add_collections([(c, ids[e.external_id][0], _commission(e, c))
                                       for e, c in new])
        zero = Money.zero()
        return CollectSummary(file, len(new), len(entries) - len(new),
                              sum((c.amount for _, c in new), zero),
                              sum((_commission(e, c) for e, c in new), zero))

    def _collection_entries(self, t: Tables, file: str, parsed: list[tuple[int, Collection]],
                            problems: list[CommonsError]
                            ) -> list[tuple[int, Entry, Collection]]:
        """Each parsed collection's entry, checked against the estate (unknown compound or
        resource, a resource of another compound) and against the file's earlier lines; the
        problems are added to ``problems``. Repeated lines are kept once."""
        rules: dict[str, list[SharingRule]] = {}
        seen: dict[str, Collection] = {}
        out = []
        for line, c in parsed:
            def refuse(field: str, what: str, fix: str, line: int = line) -> None:
                problems.append(InvalidInput(what, fix=fix, file=file, line=line, field=field))

            if c.compound not in rules:
                if t.estate.compound(c.compound) is None:
                    refuse("compound", f"compound {c.compound!r} is not recorded",
                           "import the compound first, or check the spelling")
                    continue
                open_chart(t, c.compound)
                rules[c.compound] = t.revenue.rules(c.compound)
            resource = t.estate.resource(c.resource)
            if resource is None or resource.compound != c.compound:
                where = "is not recorded" if resource is None else \
                    f"belongs to {resource.compound}, not {c.compound}"
                refuse("resource", f"resource {c.resource!r} {where}",
                       "name a resource of the compound, as imported with its estate")
                continue
            if c.external_id in seen:
                if seen[c.external_id] != c:
                    refuse("external_id", f"external id {c.external_id} appears twice with "
                           "other content", "give each income its own external_id")
                continue
            seen[c.external_id] = c
            rule = rule_on(rules[c.compound], c.date) or default_rule(c.compound)
            out.append((line, c.entry(resource.kind, rule, actor=self.actor), c))
        return out

    def set_aside(self, compound: str, quarter: Quarter | str) -> SetAside:
        """Set aside at least the rule's maintenance share of ``quarter``'s net public revenue
        (income minus commission) into the maintenance fund, external id
        ``set-aside:COMPOUND:QUARTER``. Again it is already recorded; income booked into the
        quarter afterwards is set aside by a top-up."""
        q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
        with self.store.write() as t:
            compound_of(t, compound)
            open_chart(t, compound)
            rules = t.revenue.rules(compound)
            due = quarter_dues(compound, t.revenue.monthly_income(compound), rules,
                               t.revenue.set_asides(compound)).get(q)
            if due is None:
                rule = rule_on(rules, q.first_day) or default_rule(compound)
                zero = Money.zero()
                due = QuarterDue(q, zero, zero, rule.maintenance_percent, zero, zero)
            count = t.revenue.set_aside_count(compound, q)
            if not due.outstanding:
                status = "already recorded" if count else "nothing to set aside"
                return SetAside(compound, due, Money.zero(), status, None)
            entry = set_aside_entry(compound, q, due.outstanding, top_up=count, actor=self.actor)
            entry_id, _ = post_entry(self.ledger, t, entry,
                                     f"revenue set-aside {compound} {q} (dated {entry.date})")
            t.revenue.add_set_aside(compound, q, count, entry_id, due.outstanding, due.net,
                                    due.percent)
        return SetAside(compound, attrs.evolve(due, set_aside=due.set_aside + due.outstanding),
                        due.outstanding, "posted", entry_id)

    def balance(self, compound: str) -> RevenueBalance:
        """Manage (管): the compound's bank balance, maintenance fund and what is due to it,
        money earmarked for approved payments, what is owed to the operator, and what is left
        available."""
        with self.reader.read() as t:
            compound_of(t, compound)
            return balance_of(t, compound)

    def statement(self, compound: str, *, period_from: Period | str,
                  period_to: Period | str) -> RevenueStatement:
        """Audit (审): income by source, spending by purpose with its authority and approvers,
        and the co-managed account's balance before and after the months given."""
        first = period_from if isinstance(period_from, Period) else Period.parse(period_from)
        last = period_to if isinstance(period_to, Period) else Period.parse(period_to)
        if last < first:
            raise InvalidInput(f"the statement would end ({last}) before it starts ({first})",
                               field="to", fix="give the first month, then the last")
        since, until = first.first_day, last.last_day
        with self.reader.read() as t:
            compound_of(t, compound)
            before = t.revenue.moved(compound, BANK, dt.date.min, since - dt.timedelta(days=1))
            during = t.revenue.moved(compound, BANK, since, until)
            return RevenueStatement(
                compound, first, last, before, before + during,
                tuple(t.revenue.income_lines(compound, since, until)),
                tuple(t.revenue.spending_lines(compound, since, until)),
                t.revenue.moved(compound, COMMISSION, since, until),
                -t.revenue.moved(compound, MAINTENANCE_FUND, since, until))


def _clear_report(t: Tables, compound: str, as_of: dt.date, status: str) -> ClearReport:
    """What clearing ``compound`` as of ``as_of`` finds, read in ``t``; ``status`` says what
    became of an opening balance given now ("none" when none was)."""
    compound_of(t, compound)
    stored = t.revenue.opening(compound)
    if stored is not None and status == "none":
        status = "already recorded"
    since = clear_since(as_of)
    rows = t.revenue.earnings(compound, since, as_of)
    return ClearReport(compound, as_of, since, *_earnings(t.estate.resources(compound), rows),
                       opening=None if stored is None else stored[1], opening_status=status)


def _commission(entry: Entry, c: Collection) -> Money:
    commission = account_of(COMMISSION, c.compound)
    return sum((p.amount for p in entry.postings if p.account == commission), Money.zero())


def _ledger_refusals(t: Tables, file: str, entries: list[tuple[int, Entry]]
                     ) -> list[CommonsError]:
    """What the journal would refuse of the new incomes (a closed month, an account not open
    on the date), named by the file's line: the CSV's date is what the journal refuses."""
    accounts = {name: account for name, (_, account) in t.ledger.accounts().items()}
    closed = t.ledger.closed_periods()
    found = []
    for line, entry in entries:
        why = refusal(prepare(entry), accounts, closed)
        if why is not None:
            why.where = Where(file, line, "date")
            found.append(why.located())
    return found


def _raise_if(problems: list[CommonsError], total: int) -> None:
    if problems:
        raise Problems(f"{len(problems)} of {total} collections refused; nothing was posted",
                       sorted(problems, key=lambda p: p.line or 0)[:_MAX_REPORTED],
                       fix="correct the lines named above and collect the file again")


def _earnings(resources: list[Resource],
              rows: list[tuple[int, str, str, str, str | None, int]]
              ) -> tuple[tuple[ResourceEarning, ...], tuple[UnattributedIncome, ...]]:
    """Income entries summed per resource of the compound; the rest are unattributed."""
    earned: dict[str, tuple[int, int]] = {r.id: (0, 0) for r in resources}
    unattributed = []
    for entry_id, day, external_id, memo, resource, fen in rows:
        if resource is not None and resource in earned:
            total, count = earned[resource]
            earned[resource] = (total + fen, count + 1)
        else:
            unattributed.append(UnattributedIncome(entry_id, dt.date.fromisoformat(day),
                                                   external_id, memo, resource, Money(fen)))
    return (tuple(ResourceEarning(r.id, r.kind, r.tidal, Money(earned[r.id][0]),
                                  earned[r.id][1]) for r in resources), tuple(unattributed))
