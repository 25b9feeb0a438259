"""The audit (审) view of a compound's public revenue over a run of months: income by source,
spending by purpose with the authority and approvals behind each payment, and the co-managed
account's opening and closing balance. The disclosure (公示) renders this; it only holds values.
"""

from __future__ import annotations

import datetime as dt

import attrs

from commons.money import CURRENCY, Money
from commons.periods import Period

__all__ = ["IncomeLine", "RevenueStatement", "SpendingLine"]


@attrs.frozen
class IncomeLine:
    """Income booked to ``account`` from ``resource`` (None: income that names no resource)."""

    account: str
    resource: str | None
    amount: Money
    entries: int


@attrs.frozen
class SpendingLine:
    """One payment: what for, to whom, its journal entry, and the authority behind it
    (``committee`` with the signer who acted for it, or ``resolution`` with its id)."""

    proposal: str
    purpose: str
    payee: str
    amount: Money
    date: dt.date
    entry_id: int
    authority: str
    resolution: str | None
    committee_signer: str | None
    approvers: tuple[str, ...]


@attrs.frozen
class RevenueStatement:
    """Public revenue of ``compound`` from the first day of ``period_from`` to the last day of
    ``period_to``; ``opening`` and ``closing`` are the co-managed bank balances around it."""

    compound: str
    period_from: Period
    period_to: Period
    opening: Money
    closing: Money
    income: tuple[IncomeLine, ...]
    spending: tuple[SpendingLine, ...]
    commission: Money
    set_aside: Money

    @property
    def income_total(self) -> Money:
        """All income of the statement."""
        return sum((line.amount for line in self.income), Money.zero(CURRENCY))

    @property
    def spending_total(self) -> Money:
        """All spending of the statement."""
        return sum((line.amount for line in self.spending), Money.zero(CURRENCY))
