"""Receipts (收据) for fee payments: figures and the amount in Chinese capitals (大写金额).

A receipt names the payment, the household and its owner, the amount both ways, the invoices it
paid and any credit held, as plain text a cashier can print.
"""

from __future__ import annotations

import attrs

from commons.billing.payments import Allocation, Payment
from commons.money import Money

__all__ = ["Receipt"]


@attrs.frozen
class Receipt:
    """A payment's receipt: who paid, for what invoices, the credit left, and the amount in
    words."""

    payment: Payment
    owner: str
    compound: str
    allocations: tuple[Allocation, ...]
    credit: Money

    @property
    def amount_chinese(self) -> str:
        """The amount in Chinese capital numerals (大写), as a receipt prints it."""
        return self.payment.amount.format_chinese()

    def lines(self) -> tuple[str, ...]:
        """The receipt as text lines."""
        p = self.payment
        out = [
            "物业费收据  PROPERTY FEE RECEIPT",
            f"No.        {p.id}",
            f"date       {p.date.isoformat()}",
            f"household  {p.household} ({self.owner}), compound {self.compound}",
            f"payer      {p.payer or self.owner}",
            f"amount     {p.amount.format_symbol()}",
            f"大写       人民币{self.amount_chinese}",
        ]
        if self.allocations:
            out.append("paid:")
            out += [f"  {a.invoice:<28} {a.amount.format_grouped():>12}"
                    for a in self.allocations]
        if self.credit:
            out.append(f"  {'credit held for later months':<28} {self.credit.format_grouped():>12}")
        if p.memo:
            out.append(f"memo       {p.memo}")
        return tuple(out)
