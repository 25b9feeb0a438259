"""How property fees reach the ledger: the chart of fee accounts and the entry of each event.

Chart, per compound C (a party P is a share-plan stage's party, e.g. ``street-office``):

| account | regime | holds |
|---|---|---|
| ``assets:receivable:fees:C`` | both | what households owe on their invoices |
| ``assets:receivable:subsidy:P:C`` | both | subsidies a public body P owes (政府补一点) |
| ``assets:bank:fees:C`` | both | fees received |
| ``liabilities:prepaid-fees:C`` | both | households' credit: paid ahead or paid too much |
| ``income:firm:property-fees:C`` | lump_sum | the firm's fee income (包干制); never the owners' |
| ``expenses:firm:concession:C`` | lump_sum | what the firm gives up of its income (企业让一点) |
| ``liabilities:held-for-owners:C`` | commission | the owners' fees held for them (酬金制) |
| ``assets:receivable:concession:P:C`` | commission | what the firm P gave up and owes the owners |

Fees never touch the public-revenue accounts (``income:parking:C``, ``equity:owners-fund:C``):
under a lump sum they are the firm's income, under commission a liability to the owners until
their account with the firm is settled.

Entries and their external ids: an invoice ``invoice:HH:YYYY-MM`` (dated the month's first day:
the receivables and concession against the income or the owners' liability); a payment
``payment:ID`` (the bank against the receivables it paid and the credit it left); credit
applied to a new invoice ``credit:HH:YYYY-MM``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from commons.billing.fees import Regime
from commons.billing.invoices import Invoice, LineKind
from commons.billing.payments import Allocation, Applied
from commons.ledger.accounts import Account
from commons.ledger.journal import Entry, Posting
from commons.ledger.periods import Period
from commons.money import Money

__all__ = ["cash_accounts", "credit_entry", "fee_accounts", "invoice_entry", "payment_entry"]


def receivable(compound: str) -> str:
    return f"assets:receivable:fees:{compound}"


def bank(compound: str) -> str:
    return f"assets:bank:fees:{compound}"


def prepaid(compound: str) -> str:
    return f"liabilities:prepaid-fees:{compound}"


def _gross_account(regime: Regime, compound: str) -> str:
    if regime is Regime.LUMP_SUM:
        return f"income:firm:property-fees:{compound}"
    return f"liabilities:held-for-owners:{compound}"


def _line_account(kind: LineKind, party: str, regime: Regime, compound: str) -> str:
    if kind is LineKind.RESIDENT:
        return receivable(compound)
    if kind is LineKind.SUBSIDY:
        return f"assets:receivable:subsidy:{party}:{compound}"
    if regime is Regime.LUMP_SUM:
        return f"expenses:firm:concession:{compound}"
    return f"assets:receivable:concession:{party}:{compound}"


_DESCRIPTIONS = {
    "assets:receivable:fees": "property fees households owe",
    "assets:receivable:subsidy": "fee subsidy owed by {party}",
    "assets:bank:fees": "property fees received",
    "liabilities:prepaid-fees": "households' fee credit (prepaid or overpaid)",
    "income:firm:property-fees": "the firm's property-fee income (lump sum, 包干制)",
    "expenses:firm:concession": "fees the firm gives up (企业让一点)",
    "liabilities:held-for-owners": "fees held for the owners (commission, 酬金制)",
    "assets:receivable:concession": "fees {party} gave up and owes the owners",
}


def _describe(name: str, compound: str) -> str:
    stem = name.removesuffix(f":{compound}")
    for prefix, text in _DESCRIPTIONS.items():
        if stem == prefix:
            return text
        if stem.startswith(prefix + ":"):
            return text.format(party=stem.removeprefix(prefix + ":"))
    return ""


def fee_accounts(compound: str, regime: Regime, parties: Iterable[tuple[LineKind, str]]
                 ) -> list[Account]:
    """The accounts a compound's fees post to under ``regime`` with the plan's ``parties``."""
    names = [receivable(compound), bank(compound), prepaid(compound),
             _gross_account(regime, compound)]
    names += [_line_account(kind, party, regime, compound) for kind, party in parties
              if kind is not LineKind.RESIDENT]
    return [Account(n, compound, None, None, _describe(n, compound))
            for n in dict.fromkeys(names)]


def cash_accounts(compound: str) -> list[Account]:
    """The accounts a payment posts to, whatever the regime."""
    return [Account(n, compound, None, None, _describe(n, compound))
            for n in (receivable(compound), bank(compound), prepaid(compound))]


def invoice_entry(invoice: Invoice) -> Entry | None:
    """The invoice's entry, or None for an invoice of 0.00 (nothing to record)."""
    if not invoice.gross:
        return None
    c = invoice.compound
    postings = [Posting(_line_account(line.kind, line.party, invoice.regime, c), line.amount)
                for line in invoice.lines if line.amount]
    postings.append(Posting(_gross_account(invoice.regime, c), -invoice.gross))
    return Entry(invoice.issued_on, f"property fee {invoice.period} {invoice.household}",
                 tuple(postings), f"invoice:{invoice.id}", compound=c,
                 period=str(invoice.period))


def payment_entry(applied: Applied, compound: str) -> Entry:
    """A payment: into the bank, out of the receivables it paid, the rest into credit."""
    p = applied.payment
    postings = [Posting(bank(compound), p.amount)]
    if applied.applied:
        postings.append(Posting(receivable(compound), -applied.applied))
    if applied.credit:
        postings.append(Posting(prepaid(compound), -applied.credit))
    return Entry(p.date, f"fee payment {p.household}", tuple(postings), f"payment:{p.id}",
                 compound=compound, period=str(Period.of(p.date)))


def credit_entry(household: str, compound: str, period: Period,
                 allocations: Sequence[Allocation], day: dt.date) -> Entry:
    """Held credit applied to the household's invoices when ``period`` is issued."""
    total = sum((a.amount for a in allocations), Money.zero())
    return Entry(day, f"fee credit applied {period} {household}",
                 (Posting(prepaid(compound), total), Posting(receivable(compound), -total)),
                 f"credit:{household}:{period}", compound=compound, period=str(period))
