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

Entries and their external ids:

- a month's new invoices of one compound: one entry ``invoices:C:YYYY-MM:DIGEST``, dated the
  month's first day, summing their lines (receivables, subsidies, concession against the income
  or the owners' liability) and the households' credit applied to them. DIGEST is taken over the
  invoice ids, so the same invoices always make the same entry. The invoices themselves, each
  household's lines to the fen, are the subsidiary ledger (明细账) behind these control
  accounts: the receivable of a compound always equals what its households owe. One entry per
  invoice would write 100,000 entries and 400,000 postings for a large bundle's month, far more
  than the 5 s a month's billing may take.
- a payment ``payment:ID``: the bank against the receivables it paid and the credit it left.

Each entry names its ``actor`` (who ran the use case), as the ledger records on every entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from commons.billing.fees import Regime
from commons.billing.invoices import Invoice, LineKind
from commons.billing.payments import Applied
from commons.ledger.accounts import Account
from commons.ledger.journal import Entry, Posting
from commons.money import CURRENCY, Money
from commons.periods import Period

__all__ = ["cash_accounts", "fee_accounts", "invoice_legs", "issue_entry", "payment_entry"]


def receivable(compound: str) -> str:
    """The account of fees billed and not yet paid in ``compound``."""
    return f"assets:receivable:fees:{compound}"


def bank(compound: str) -> str:
    """The bank account that fees of ``compound`` are paid into."""
    return f"assets:bank:fees:{compound}"


def prepaid(compound: str) -> str:
    """The account of fees paid ahead (credit held for households) in ``compound``."""
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


def invoice_legs(invoice: Invoice) -> tuple[tuple[str, int], ...]:
    """What an invoice adds to its compound's accounts, in fen: each line's receivable (or
    concession) and the gross against the income or the owners' liability."""
    c = invoice.compound
    legs = [(_line_account(line.kind, line.party, invoice.regime, c), line.amount.fen)
            for line in invoice.lines if line.amount]
    legs.append((_gross_account(invoice.regime, c), -invoice.gross.fen))
    return tuple(legs)


def issue_entry(compound: str, period: Period, invoice_ids: Sequence[str],
                legs: Mapping[str, int], credit_fen: int, actor: str,
                currency: str = CURRENCY) -> Entry | None:
    """The entry of a month's new invoices of one compound: their summed ``legs`` (account ->
    fen) and ``credit_fen`` of held credit applied to them; None if it moves nothing."""
    sums = dict(legs)
    if credit_fen:
        sums[prepaid(compound)] = sums.get(prepaid(compound), 0) + credit_fen
        sums[receivable(compound)] = sums.get(receivable(compound), 0) - credit_fen
    postings = tuple(Posting(a, Money(fen, currency)) for a, fen in sums.items() if fen)
    if not postings:
        return None
    ordered = sorted(invoice_ids)
    digest = hashlib.sha256("\n".join(ordered).encode()).hexdigest()[:16]
    return Entry(period.first_day,
                 f"property fees {period}: {len(ordered)} invoices of {compound} "
                 f"({ordered[0]} .. {ordered[-1]})", postings,
                 f"invoices:{compound}:{period}:{digest}", actor, compound=compound,
                 period=str(period))


def payment_entry(applied: Applied, compound: str, actor: str) -> Entry:
    """A payment: into the bank, out of the receivables it paid, the rest into credit."""
    p = applied.payment
    postings = [Posting(bank(compound), p.amount)]
    if applied.applied:
        postings.append(Posting(receivable(compound), -applied.applied))
    if applied.credit:
        postings.append(Posting(prepaid(compound), -applied.credit))
    return Entry(p.date, f"fee payment {p.household}", tuple(postings), f"payment:{p.id}",
                 actor, compound=compound, period=str(Period.of(p.date)))
