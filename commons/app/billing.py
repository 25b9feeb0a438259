"""Use cases of property fees: schedules, monthly invoices, payments, arrears, receipts.

Each runs in one transaction and posts to the ledger through the ledger's own posting path
(``LedgerService.post_in``) inside it, so the billing tables and the journal always agree: a
refused file or a refused entry leaves both as they were. Every entry carries an external id
(``invoice:HH:YYYY-MM``, ``payment:ID``, ``credit:HH:YYYY-MM``), so running a month or a file
again is "already recorded". See ``commons.billing.postings`` for the chart of fee accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.billing_batches import InvoiceBatch, PaymentBatch
from commons.app.ledger import LedgerService
from commons.app.session import Service, Session
from commons.billing.arrears import AgingReport, Arrear, CollectionRate, age
from commons.billing.fees import FeeSchedule
from commons.billing.invoices import Invoice, line_kinds
from commons.billing.payments import Payment
from commons.billing.postings import cash_accounts, fee_accounts, payment_entry
from commons.billing.receipts import Receipt
from commons.errors import CommonsError, ConflictError, NotFound, Problems, RefusedByRule
from commons.estate.household import Household
from commons.files import open_text
from commons.io.billing_files import read_payments, read_schedules, schedule_format
from commons.io.sources import Source, given_values, through
from commons.money import Money
from commons.periods import Period, as_date

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["BillingService", "HouseholdAccount", "InvoiceRun", "InvoiceStanding",
           "PaymentImport", "ScheduleImport"]


@attrs.frozen
class ScheduleImport:
    """What importing a schedule file did, by schedule id."""

    file: str
    new: tuple[str, ...]
    updated: tuple[str, ...]
    already_recorded: tuple[str, ...]


@attrs.frozen
class InvoiceRun:
    """A month's invoicing: how many invoices were issued or already recorded, their sums by
    who carries them, the credit applied, and schedules skipped for having no price yet."""

    period: Period
    issued: int
    already_recorded: int
    gross: Money
    subsidies: Money
    concessions: Money
    due: Money
    credit_applied: Money
    compounds: tuple[str, ...]
    skipped: tuple[str, ...] = ()


@attrs.frozen
class PaymentImport:
    """What ``billing.pay`` recorded from a payments file: counts and the amount taken."""

    file: str
    recorded: int
    already_recorded: int
    amount: Money
    applied: Money
    credit: Money


@attrs.frozen
class InvoiceStanding:
    """An invoice and what has been paid against it."""

    invoice: Invoice
    paid: Money

    @property
    def outstanding(self) -> Money:
        """What is still owed on the invoice."""
        return self.invoice.due - self.paid


@attrs.frozen
class HouseholdAccount:
    """A household's fee account: its invoices, what it paid, what was applied, its credit."""

    household: str
    invoices: tuple[InvoiceStanding, ...]
    paid: Money
    applied: Money
    credit: Money

    @property
    def outstanding(self) -> Money:
        """What the household still owes over all its invoices."""
        return sum((i.outstanding for i in self.invoices), Money.zero())


def _open_accounts(t: Tables, schedule: FeeSchedule, compound: str) -> None:
    for account in fee_accounts(compound, schedule.regime, line_kinds(schedule)):
        t.ledger.open_account(account)


class BillingService(Service):
    """Property fees; each use case runs in one transaction."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger  # the one posting path: ``ledger.post_in`` inside a transaction

    def schedule(self, source: Source | Iterable[FeeSchedule], *,
                 encoding: str | None = None) -> ScheduleImport:
        """Import fee schedules from a TOML (``[[schedule]]`` tables) or CSV file, or the host's
        own ``FeeSchedule`` values: all of them, or none. ``source`` may also be an open text
        or binary file (TOML or CSV, told by its first line) or rows of the CSV's columns.

        A schedule stored with the same content is already recorded; a changed one replaces
        it, unless the change would bill a month already invoiced differently (a conflict).
        """
        values, given = given_values(source)
        if values is not None:
            return self._schedule("", values)
        return through(given, self._schedule_file, kind="schedules", fmt=schedule_format,
                       encoding=encoding)

    def _schedule_file(self, path: Path, encoding: str | None) -> ScheduleImport:
        open_text(path, encoding).close()  # a mistyped path must not create a database
        return self._schedule(str(path), read_schedules(path, encoding))

    def _schedule(self, file: str, schedules: list[FeeSchedule]) -> ScheduleImport:
        with self.store.write() as t:
            stored = {s.id: s for s in t.billing.schedules()}
            problems = _schedule_problems(t, schedules, stored, file)
            if problems:
                raise Problems(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} in "
                               f"{file}; no schedule was stored",
                               problems, fix="correct the schedules named above and import "
                               "the file again")
            new: list[str] = []
            updated: list[str] = []
            same: list[str] = []
            for s in schedules:
                old = stored.get(s.id)
                (same if old == s else updated if old else new).append(s.id)
                if old != s:
                    t.billing.put_schedule(s)
        return ScheduleImport(file, tuple(new), tuple(updated), tuple(same))

    def schedules(self) -> tuple[FeeSchedule, ...]:
        """Every fee schedule, in the order they were recorded."""
        with self.reader.read() as t:
            return tuple(t.billing.schedules())

    def invoice(self, period: str | Period, *, compound: str | None = None
                ) -> InvoiceRun:
        """Invoice every household of ``compound`` (or of every compound a schedule covers) for
        ``period``: exact fees, subsidy and concession lines, posted to the ledger, held credit
        applied. A household invoiced for the month already is skipped; if its invoice would now
        come out differently, that is a conflict and nothing is issued."""
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.store.write() as t:
            targets, skipped = _targets(t, month, compound)
            batch = InvoiceBatch(month, self.actor)
            for schedule, c in targets:
                _open_accounts(t, schedule, c)
                batch.invoice_compound(t, schedule, c)
            batch.raise_if_conflicts()
            t.billing.insert_invoices(batch.new)
            for source, household, allocations in batch.credit_applications:
                t.billing.insert_applications(source, household, month.first_day, allocations)
            self.ledger.post_in(t, batch.entries, None, None,
                                origin=f"billing invoice {month}")
        sums = batch.sums()
        return InvoiceRun(month, len(batch.new), batch.already_recorded, sums["gross"],
                          sums["subsidies"], sums["concessions"], sums["due"],
                          Money(batch.credit_applied), tuple(sorted({c for _, c in targets})),
                          skipped)

    def show_invoice(self, invoice_id: str) -> Invoice:
        """One invoice by its id; NotFound if there is none."""
        with self.reader.read() as t:
            invoice = t.billing.invoice(invoice_id)
        if invoice is None:
            raise NotFound(f"invoice {invoice_id} does not exist",
                           fix="invoices are named HOUSEHOLD:YYYY-MM; issue the month's invoices "
                           "first", context={"kind": "invoice", "id": invoice_id})
        return invoice

    def pay(self, source: Source | Iterable[Payment], *,
            encoding: str | None = None) -> PaymentImport:
        """Import a payments CSV (or the host's ``Payment`` values): every row checked first,
        then all stored and posted, or none. ``source`` may also be an open text or binary
        file, or rows (mappings of the CSV's columns to values).

        Rows are applied in date order (file order within a day). A row whose external id is
        recorded with the same content is skipped; with other content it is a conflict.
        """
        values, given = given_values(source)
        if values is not None:
            return self._pay("", list(enumerate(values, start=1)))
        return through(given, self._pay_file, kind="payments", encoding=encoding)

    def _pay_file(self, path: Path, encoding: str | None) -> PaymentImport:
        open_text(path, encoding).close()  # a mistyped path must not create a database
        return self._pay(str(path), read_payments(path, encoding))

    def _pay(self, file: str, payments: list[tuple[int, Payment]]) -> PaymentImport:
        with self.store.write() as t:
            batch = PaymentBatch(t, file, [p for _, p in payments])
            for line, payment in sorted(payments, key=lambda lp: (lp[1].date, lp[0])):
                batch.add(line, payment)
            batch.raise_if_refused()
            entries = []
            for applied, compound in batch.accepted:
                for account in cash_accounts(compound):
                    t.ledger.open_account(account)
                t.billing.insert_payment(applied)
                entries.append(payment_entry(applied, compound, self.actor))
            self.ledger.post_in(t, entries, None, None,
                                origin=f"billing pay {file or '(payments given)'}")
        accepted = [a for a, _ in batch.accepted]
        return PaymentImport(file, len(accepted), batch.already_recorded,
                             sum((a.payment.amount for a in accepted), Money.zero()),
                             sum((a.applied for a in accepted), Money.zero()),
                             sum((a.credit for a in accepted), Money.zero()))

    def account(self, household: str) -> HouseholdAccount:
        """A household's invoices with what was paid on each, its payments and credit."""
        with self.reader.read() as t:
            _household(t, household)
            standings = tuple(InvoiceStanding(i, paid) for i, paid in
                              t.billing.invoices_of(household))
            paid = t.billing.paid(household)
            credit = t.billing.credits([household]).get(household, Money.zero())
        applied = sum((s.paid for s in standings), Money.zero())
        return HouseholdAccount(household, standings, paid, applied, credit)

    def arrears(self, as_of: dt.date | str, *, compound: str | None = None) -> AgingReport:
        """What households owed on ``as_of``, by compound and age (0-30, 31-90, 91-180 and over
        180 days since the invoice was issued)."""
        as_of = as_date(as_of, "as_of")
        with self.reader.read() as t:
            if compound is not None:
                _compound(t, compound)
            rows = t.billing.outstanding(as_of, compound)
        return age(as_of, (Arrear(iid, hh, c, p, owed, (as_of - issued).days)
                           for iid, hh, c, p, owed, issued in rows))

    def collection_rate(self, period: str | Period, *, compound: str | None = None,
                        as_of: dt.date | str | None = None) -> tuple[CollectionRate, ...]:
        """Per compound: what its households were billed for ``period`` and what was collected
        on those invoices (by ``as_of`` if given)."""
        as_of = None if as_of is None else as_date(as_of, "as_of")
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.reader.read() as t:
            if compound is not None:
                _compound(t, compound)
            rows = t.billing.collection(month, compound, as_of)
        return tuple(CollectionRate(c, month, n, Money(billed, cur), Money(paid, cur), full)
                     for c, n, billed, paid, full, cur in rows)

    def receipt(self, payment_id: str) -> Receipt:
        """The receipt of a recorded payment: figures, 大写, the invoices it paid, its credit."""
        with self.reader.read() as t:
            payment = t.billing.payment(payment_id)
            if payment is None:
                raise NotFound(f"payment {payment_id} is not recorded",
                               fix="name a payment by the external_id it was imported with")
            household, compound = _household(t, payment.household)
            allocations = tuple(t.billing.applications_of(f"payment:{payment_id}"))
        credit = payment.amount - sum((a.amount for a in allocations), Money.zero())
        return Receipt(payment, household.owner, compound, allocations, credit)


def _compound(t: Tables, compound: str) -> None:
    if t.estate.compound(compound) is None:
        raise NotFound(f"compound {compound!r} is not recorded",
                       fix="import the compound first, or check the spelling",
                       context={"kind": "compound", "id": compound})


def _household(t: Tables, household: str) -> tuple[Household, str]:
    """The household and its compound."""
    found = t.estate.records({"households": {household}})["households"].get(household)
    if not isinstance(found, Household):
        raise NotFound(f"household {household!r} is not recorded",
                       fix="import the household first, or check the id",
                       context={"kind": "household", "id": household})
    building = t.estate.building(found.building)
    assert building is not None
    return found, building.compound


def _schedule_problems(t: Tables, schedules: Sequence[FeeSchedule],
                       stored: dict[str, FeeSchedule], file: str) -> list[CommonsError]:
    problems: list[CommonsError] = []
    owner = {c: s.id for s in stored.values() for c in s.compounds}
    in_file: dict[str, str] = {}
    for s in schedules:
        for c in s.compounds:
            field = "compounds" if s.line is not None else f"{s.id}.compounds"
            if t.estate.compound(c) is None:
                problems.append(NotFound(f"schedule {s.id} covers compound {c!r}, which is "
                                         "not recorded", fix="import the compound first, or "
                                         "check the spelling", file=file, line=s.line,
                                         field=field))
            other = in_file.get(c) or (owner.get(c) if owner.get(c) != s.id else None)
            if other is not None and other != s.id:
                problems.append(ConflictError(
                    f"compound {c} is already covered by schedule {other}", file=file,
                    line=s.line, field=field,
                    fix="a compound has one fee schedule; change that one instead"))
            in_file[c] = s.id
        old = stored.get(s.id)
        if old is not None and old != s:
            problems += _changed_terms(t, old, s, file)
    return problems


def _changed_terms(t: Tables, old: FeeSchedule, new: FeeSchedule,
                   file: str) -> list[CommonsError]:
    out: list[CommonsError] = []
    for compound, period in t.billing.invoiced_periods(old.compounds):
        if compound not in new.compounds or old.terms(period) != new.terms(period):
            out.append(ConflictError(
                f"schedule {new.id} would bill {compound} for {period} differently, but that "
                "month is invoiced", file=file, field=f"{new.id}",
                fix="keep the terms of invoiced months; give a new price a date after them"))
            break
    return out


def _targets(t: Tables, month: Period, compound: str | None
             ) -> tuple[list[tuple[FeeSchedule, str]], tuple[str, ...]]:
    """(schedule, compound) pairs to invoice, and the schedules with no price for the month."""
    schedules = t.billing.schedules()
    if compound is not None:
        _compound(t, compound)
        chosen = [s for s in schedules if compound in s.compounds]
        if not chosen:
            raise RefusedByRule(f"no fee schedule covers compound {compound}",
                                fix="import a fee schedule that covers it first",
                                context={"kind": "schedule", "compound": compound})
        chosen[0].rate_for(month)  # refuses a month before its first price
        return [(chosen[0], compound)], ()
    priced = [s for s in schedules if s.terms(month) is not None]
    skipped = tuple(s.id for s in schedules if s.terms(month) is None)
    return [(s, c) for s in priced for c in s.compounds], skipped
