"""The two batches of property fees, worked out inside the caller's transaction before
anything is written: a month's invoices, and a file of payments.

Each collects what it would write and every problem it meets; the use case writes only when
there is no problem, so a batch is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from commons.billing.fees import FeeSchedule
from commons.billing.invoices import Invoice, LineKind, MonthPricer
from commons.billing.payments import (
    Allocation,
    Applied,
    OpenInvoice,
    Payment,
    apply_payment,
    check_prepay,
    credit_for,
)
from commons.billing.postings import invoice_legs, issue_entry
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
)
from commons.estate.household import Household
from commons.ledger.journal import Entry
from commons.money import Money
from commons.periods import Period

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["InvoiceBatch", "PaymentBatch"]

MAX_REPORTED = 50


class InvoiceBatch:
    """A month's invoices for some compounds: the new ones, the credit applied to them, and one
    ledger entry per compound summing them (see ``commons.billing.postings``)."""

    def __init__(self, period: Period, actor: str) -> None:
        self.period = period
        self.actor = actor
        self.new: list[Invoice] = []
        self.entries: list[Entry] = []
        self.credit_applications: list[tuple[str, str, tuple[Allocation, ...]]] = []
        self.already_recorded = 0
        self.conflicts: list[CommonsError] = []
        self.conflicted = 0
        self.credit_applied = 0
        self._pricers: dict[str, MonthPricer] = {}
        # Invoices of one schedule, compound and gross fee post alike.
        self._legs: dict[tuple[str, str, int], tuple[tuple[str, int], ...]] = {}

    def invoice_compound(self, t: Tables, schedule: FeeSchedule, compound: str) -> None:
        """Price the month's invoice of every household of ``compound`` under ``schedule``."""
        pricer = self._pricers.get(schedule.id)
        if pricer is None:
            pricer = self._pricers[schedule.id] = MonthPricer(schedule, self.period)
        households = t.estate.households(compound=compound)
        ids = [h.id for h in households]
        stored = t.billing.invoices_for(self.period, ids)
        credits = t.billing.credits(ids)
        sums: dict[str, int] = {}
        issued: list[str] = []
        credit_fen = 0
        for household in households:
            invoice = pricer.invoice(household, compound)
            old = stored.get(household.id)
            if old is not None:
                self._again(old, invoice)
                continue
            self.new.append(invoice)
            issued.append(invoice.id)
            key = (schedule.id, compound, invoice.gross.fen)
            legs = self._legs.get(key)
            if legs is None:
                legs = self._legs[key] = invoice_legs(invoice)
            for account, fen in legs:
                sums[account] = sums.get(account, 0) + fen
            credit = credits.get(household.id)
            if credit and invoice.due:
                credit_fen += self._apply_credit(invoice, credit)
        entry = (issue_entry(compound, self.period, issued, sums, credit_fen, self.actor)
                 if issued else None)
        if entry is not None:
            self.entries.append(entry)

    def _again(self, old: Invoice, invoice: Invoice) -> None:
        if old == invoice:
            self.already_recorded += 1
            return
        self.conflicted += 1
        if len(self.conflicts) < MAX_REPORTED:
            self.conflicts.append(ConflictError(
                f"invoice {old.id} was issued for {old.gross} (due {old.due}) under schedule "
                f"{old.schedule}, but would now be {invoice.gross} (due {invoice.due})",
                field="period", fix="an issued month keeps its terms; correct it with a "
                "reversal and a credit note, or date a new price after it",
                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY))

    def _apply_credit(self, invoice: Invoice, credit: Money) -> int:
        """Apply held credit to a new invoice; the fen applied."""
        allocations = credit_for(credit, [OpenInvoice(invoice.id, self.period, invoice.due)])
        source = f"credit:{invoice.household}:{self.period}"
        self.credit_applications.append((source, invoice.household, allocations))
        applied = sum(a.amount.fen for a in allocations)
        self.credit_applied += applied
        return applied

    def raise_if_conflicts(self) -> None:
        """Refuse the whole run if any invoice of the month would change."""
        if self.conflicts:
            raise Problems(f"{self.conflicted} invoices of {self.period} would change; nothing "
                           "was issued", self.conflicts,
                           fix="a changed schedule may not re-bill an invoiced month")

    def sums(self) -> dict[str, Money]:
        """The new invoices' gross, subsidies, concessions and dues."""
        fen = {"gross": 0, "subsidies": 0, "concessions": 0, "due": 0}
        for invoice in self.new:
            fen["gross"] += invoice.gross.fen
            for line in invoice.lines:
                key = {LineKind.SUBSIDY: "subsidies", LineKind.CONCESSION: "concessions",
                       LineKind.RESIDENT: "due"}[line.kind]
                fen[key] += line.amount.fen
        return {k: Money(v) for k, v in fen.items()}


@attrs.define
class _Household:
    household: Household
    compound: str
    open: list[OpenInvoice]
    credit: Money


class PaymentBatch:
    """A file of payments applied one by one, in date order, to what each household owes."""

    def __init__(self, t: Tables, file: str, payments: Sequence[Payment]) -> None:
        self.t = t
        self.file = file
        self.stored = t.billing.payments([p.id for p in payments])
        self.schedules = {c: s for s in t.billing.schedules() for c in s.compounds}
        self.accepted: list[tuple[Applied, str]] = []
        self.already_recorded = 0
        self.problems: list[CommonsError] = []
        self.refused = 0
        self._seen: dict[str, tuple[Payment, int]] = {}  # this file's payments, with their line
        self._households: dict[str, _Household] = {}

    def add(self, line: int, payment: Payment) -> None:
        """Take the payment of file line ``line``, or count it refused with its problem."""
        try:
            self._add(payment, line)
        except CommonsError as e:
            self.refused += 1
            if len(self.problems) < MAX_REPORTED:
                self.problems.append(e.located(file=self.file, line=line))

    def _add(self, payment: Payment, line: int) -> None:
        seen = self._seen.get(payment.id)
        earlier = seen[0] if seen is not None else self.stored.get(payment.id)
        if earlier is not None:
            if earlier != payment:
                # Nothing of a refused file is stored: an id met earlier in it is no record.
                what = ("was recorded" if seen is None
                        else f"appears twice in the file (first on line {seen[1]})")
                raise ConflictError(f"payment {payment.id} {what} with other content",
                                    field="external_id",
                                    fix="give a new payment a new external_id",
                                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
            self.already_recorded += 1
            return
        self._seen[payment.id] = (payment, line)
        state = self._household(payment.household)
        if payment.invoice is not None:
            self._check_invoice(payment)
        applied = apply_payment(payment, state.open)
        credit = state.credit + applied.credit
        if applied.credit:
            check_prepay(payment, self.schedules.get(state.compound), state.household, credit)
        paid = {a.invoice: a.amount for a in applied.allocations}
        state.open = [attrs.evolve(i, outstanding=i.outstanding - paid.get(i.id, Money.zero()))
                      for i in state.open if i.outstanding != paid.get(i.id)]
        state.credit = credit
        self.accepted.append((applied, state.compound))

    def _household(self, household_id: str) -> _Household:
        known = self._households.get(household_id)
        if known is not None:
            return known
        found = self.t.estate.records({"households": {household_id}})["households"]
        household = found.get(household_id)
        if not isinstance(household, Household):
            raise NotFound(f"household {household_id!r} is not recorded", field="household",
                           fix="check the id, or import the household first",
                           context={"kind": "household", "id": household_id})
        building = self.t.estate.building(household.building)
        assert building is not None
        state = _Household(household, building.compound, self.t.billing.open_invoices(
            household_id), self.t.billing.credits([household_id]).get(household_id,
                                                                      Money.zero()))
        self._households[household_id] = state
        return state

    def _check_invoice(self, payment: Payment) -> None:
        assert payment.invoice is not None
        invoice = self.t.billing.invoice(payment.invoice)
        if invoice is None:
            raise NotFound(f"invoice {payment.invoice} does not exist", field="invoice",
                           fix="name an issued invoice (HOUSEHOLD:YYYY-MM) or leave it empty")
        if invoice.household != payment.household:
            raise InvalidInput(f"invoice {payment.invoice} is household {invoice.household}'s, "
                               f"not {payment.household}'s", field="invoice",
                               fix="name one of the paying household's invoices")

    def raise_if_refused(self) -> None:
        """Refuse the whole file if any payment was refused: nothing is recorded."""
        if self.problems:
            total = self.refused + len(self.accepted) + self.already_recorded
            raise Problems(f"{self.refused} of {total} payments refused; nothing was recorded",
                           self.problems,
                           fix="correct the lines named above and import the file again")
