"""Fee payments: read from CSV, applied to a household's open invoices, the rest held as credit.

A payment pays the invoice it names first (if it names one), then the household's other open
invoices oldest month first; what is left is held as the household's credit (prepayment or
overpayment), which pays each later invoice as it is issued. A household may hold at most
``prepay_months`` months of its fee as credit (12 unless the schedule says otherwise): more is
refused, since a fee paid years ahead is a loan nobody agreed to. Whatever happens, the money a
household paid equals what was applied to its invoices plus its credit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from commons.billing.fees import FeeSchedule
from commons.billing.invoices import MonthPricer
from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.estate.household import Household
from commons.files import Row
from commons.money import Money
from commons.periods import Period, read_date

__all__ = ["PAYMENT_COLUMNS", "PAYMENT_OPTIONAL", "Allocation", "Applied", "OpenInvoice",
           "Payment", "apply_payment", "check_prepay", "credit_for", "prepay_refusal"]

PAYMENT_COLUMNS = ("external_id", "date", "household", "amount")
PAYMENT_OPTIONAL = ("invoice", "payer", "memo")


def _positive_amount(text: str) -> Money:
    amount = Money.parse(text)
    if amount.fen <= 0:
        raise InvalidInput(f"amount {text!r} is not positive",
                           fix="a payment is more than 0.00; record refunds as their own entry",
                           code=ErrorCode.INVALID_AMOUNT)
    return amount


@attrs.frozen
class Payment:
    """Money a household paid towards its fees, as the bank or cashier recorded it."""

    id: str
    date: dt.date
    household: str
    amount: Money
    invoice: str | None = None
    payer: str = ""
    memo: str = ""

    def __attrs_post_init__(self) -> None:
        if self.amount.fen <= 0:
            raise InvalidInput(f"payment {self.id}: amount {self.amount} is not positive",
                               field="amount", fix="a payment is more than 0.00",
                               code=ErrorCode.INVALID_AMOUNT)

    @classmethod
    def from_row(cls, row: Row) -> Payment:
        """One row of a payments CSV (see ``PAYMENT_COLUMNS``); errors name the field."""
        return cls(
            id=row.text("external_id"),
            date=row.parse("date", read_date),
            household=row.text("household"),
            amount=row.parse("amount", _positive_amount),
            invoice=row.text("invoice", required=False) or None,
            payer=row.text("payer", required=False),
            memo=row.text("memo", required=False),
        )


@attrs.frozen
class OpenInvoice:
    """An invoice with something still owed on it."""

    id: str
    period: Period
    outstanding: Money


@attrs.frozen
class Allocation:
    """Part of a payment (or of credit) applied to one invoice."""

    invoice: str
    amount: Money


@attrs.frozen
class Applied:
    """Where a payment went: its allocations, oldest invoice first, and the credit left."""

    payment: Payment
    allocations: tuple[Allocation, ...]
    credit: Money

    def __attrs_post_init__(self) -> None:
        assert sum(a.amount for a in self.allocations) + self.credit == self.payment.amount

    @property
    def applied(self) -> Money:
        """What the payment paid of invoices; the rest is held as credit."""
        return self.payment.amount - self.credit


def _oldest_first(amount: Money, open_invoices: Sequence[OpenInvoice], first: str | None
                  ) -> tuple[tuple[Allocation, ...], Money]:
    """``amount`` over ``open_invoices`` (``first`` before the rest, then oldest month first);
    the allocations and what is left."""
    ordered = sorted(open_invoices, key=lambda i: (i.id != first, i.period, i.id))
    remaining = amount
    out = []
    for invoice in ordered:
        part = min(remaining, invoice.outstanding)
        if part.fen > 0:
            out.append(Allocation(invoice.id, part))
            remaining -= part
    return tuple(out), remaining


def apply_payment(payment: Payment, open_invoices: Sequence[OpenInvoice]) -> Applied:
    """Apply ``payment`` to ``open_invoices``: the named one first, then oldest month first."""
    allocations, left = _oldest_first(payment.amount, open_invoices, payment.invoice)
    return Applied(payment, allocations, left)


def credit_for(credit: Money, open_invoices: Sequence[OpenInvoice]) -> tuple[Allocation, ...]:
    """Held ``credit`` applied to ``open_invoices``, oldest month first."""
    return _oldest_first(credit, open_invoices, None)[0]


def prepay_refusal(credit: Money, monthly_due: Money, months: int) -> str | None:
    """Why holding ``credit`` is too much prepayment for a fee of ``monthly_due``, or None."""
    limit = monthly_due * months
    if credit <= limit:
        return None
    return (f"it leaves {credit.format_grouped()} as credit, more than {months} months of the "
            f"household's fee ({months} x {monthly_due.format_grouped()} = "
            f"{limit.format_grouped()})")


def check_prepay(payment: Payment, schedule: FeeSchedule | None, household: Household,
                 credit: Money) -> None:
    """Refuse ``payment`` if it leaves ``household`` holding ``credit`` when no fee is in force
    for it under its compound's ``schedule``, or more credit than the schedule lets it pay
    ahead."""
    month = Period.of(payment.date)
    if schedule is None or schedule.terms(month) is None:
        raise RefusedByRule(f"payment {payment.id} would leave {credit} as credit, but no "
                            f"fee is in force for {payment.household} in {month}",
                            field="amount", fix="pay only what is invoiced")
    monthly = MonthPricer(schedule, month).lines(household.area_m2)[1][-1].amount
    why = prepay_refusal(credit, monthly, schedule.prepay_months)
    if why is not None:
        raise RefusedByRule(f"payment {payment.id}: {why}", field="amount",
                            fix=f"pay at most {schedule.prepay_months} months ahead "
                            "(the schedule's prepay_months)")
