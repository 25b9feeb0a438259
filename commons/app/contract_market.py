"""The bundle's firm's marketplace record, read for its monthly tri-party evaluation.

Contracts and the marketplace are sibling domains that know nothing of each other; here, at
the app layer, the marketplace's orders of the providers that are the contract's firm, in the
bundle's compounds, are counted the way ``commons market report`` counts them and handed to
the evaluation as plain figures (``MarketRecord``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commons.app.market_reports import categories_read
from commons.contracts.evaluation import MarketRecord
from commons.market.settlement import market_report

if TYPE_CHECKING:
    from commons.contracts.contract import BundleContract
    from commons.periods import Period
    from commons.store import Tables

__all__ = ["market_record"]


def market_record(t: Tables, contract: BundleContract, compounds: tuple[str, ...],
                  month: Period) -> MarketRecord | None:
    """The month's record of the providers that are ``contract``'s firm, in ``compounds``
    (the bundle's); None when the firm serves on no marketplace."""
    providers = [p.id for p in t.market.providers() if p.firm == contract.firm]
    if not providers:
        return None
    inside = set(compounds)
    orders = [o for p in providers for o in t.market.orders(placed_in=month, provider=p)
              if o.compound in inside]
    figures = market_report(month, orders, categories_read(t)).providers
    return MarketRecord(sum(f.orders for f in figures), sum(f.levels_measured for f in figures),
                        sum(f.levels_met for f in figures), sum(f.complaints for f in figures))
