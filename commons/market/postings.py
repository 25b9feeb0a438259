"""The marketplace's journal entries: the accounts an order posts to, and the entry that moves
a compound's share from a provider's payable into the compound's public revenue."""

from __future__ import annotations

from commons.ledger.journal import Entry, Posting
from commons.market.settlement import CompoundShare, Settlement
from commons.revenue.income import BANK, Collection, account_of

__all__ = ["CLEARING", "PAYABLE", "SHARE_INCOME", "SUBSIDY_DUE", "TRANSFERS", "market_accounts",
           "share_entry"]

PAYABLE = "liabilities:payable:provider"
SUBSIDY_DUE = "assets:receivable:subsidy"
CLEARING = "assets:market"
TRANSFERS = "assets:market:transfers"
SHARE_INCOME = "income:marketplace"


def market_accounts(channel: str, provider: str, funder: str | None) -> dict[str, str]:
    """The accounts an order paid through ``channel`` to ``provider`` posts to: by channel,
    the funder's receivable, the provider's payable."""
    names = {"paid": f"{CLEARING}:{channel}", "payable": f"{PAYABLE}:{provider}"}
    if funder is not None:
        names["subsidy"] = f"{SUBSIDY_DUE}:{funder}"
    return names


def share_entry(s: Settlement, share: CompoundShare, actor: str
                ) -> tuple[Entry, Collection | None]:
    """The entry moving a compound's share from the provider's payable into the compound's
    co-managed account as marketplace income, and the collection (收) that records it against
    the agreement's space."""
    c, amount, period = share.compound, share.amount, s.period
    external_id = f"market:share:{s.provider}:{c}:{period}"
    earmark = f", earmarked for {share.earmark}" if share.earmark else ""
    memo = f"marketplace share of {s.provider} ({share.agreement}){earmark}"
    entry = Entry(period.last_day, memo,
                  (Posting(f"{PAYABLE}:{s.provider}", amount), Posting(TRANSFERS, -amount),
                   Posting(account_of(BANK, c), amount),
                   Posting(account_of(SHARE_INCOME, c), -amount)),
                  external_id, actor, share.space, str(period), c)
    if share.space is None or amount.fen <= 0:
        return entry, None
    return entry, Collection(external_id, period.last_day, c, share.space, period, amount,
                             payer=s.provider, memo=entry.memo)
