"""The marketplace's monthly settlement as a use case: each provider's month settled once, each
compound's share posted into its co-managed account as marketplace income and recorded as a
collection (收) against the agreement's space, and the volunteer points residents paid with
shown apart from their yuan and paid from the sponsor funds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from commons.app.market_orders import MarketOrders
from commons.errors import ErrorCode, InvalidInput
from commons.ledger.accounts import chart_for_compound
from commons.market.model import Agreement
from commons.market.postings import share_entry
from commons.market.settlement import Settlement, settle_lines
from commons.money import Money
from commons.periods import Period

if TYPE_CHECKING:
    from commons.ledger.journal import Entry
    from commons.store import Tables

__all__ = ["MarketSettling", "SettlementRun", "points_on_orders"]


def points_on_orders(t: Tables, provider: str, month: Period) -> dict[str, Money]:
    """The yuan value of the volunteer points redeemed on each of ``provider``'s orders of
    ``month`` (of every programme)."""
    found: dict[str, Money] = {}
    for _, order, value in t.points.redeemed_at(provider, month):
        found[order] = found.get(order, Money.zero()) + value
    return found


@attrs.frozen
class SettlementRun:
    """A month's settlement: each provider's, and how many were posted now or before."""

    period: Period
    settlements: tuple[Settlement, ...]
    posted: int
    already_recorded: int


class MarketSettling(MarketOrders):
    """Order events (``MarketOrders``) and the month's settlement."""

    def settle(self, period: Period | str) -> SettlementRun:
        """Settle ``period`` for every provider with orders (or a fixed share) in it: post each
        compound's share into its public revenue, once. Settling again changes nothing. A
        month that has not ended by the session's clock is refused (INVALID_DATE)."""
        month = period if isinstance(period, Period) else Period.parse(period)
        today = self.clock.today()
        if today <= month.last_day:
            after = month.next().first_day
            raise InvalidInput(f"{month} has not ended yet (today is {today}): a month still "
                               "running cannot be settled, since its later completions could "
                               "no longer be recorded", field="period",
                               code=ErrorCode.INVALID_DATE,
                               fix=f"settle {month} from {after}")
        settled_at = self.clock.now().in_timezone("UTC").isoformat()
        done, posted, already = [], 0, 0
        with self.store.write() as t:
            by_provider = t.market.settling(month)
            fixed = {a.provider for a in t.market.agreements() if a.fixed_monthly}
            entries: list[Entry] = []
            collections = []
            charts: set[str] = set()
            agreements: dict[str, list[Agreement]] = {}
            for a in t.market.agreements():
                agreements.setdefault(a.provider, []).append(a)
            for provider in sorted(set(by_provider) | fixed):
                stored = t.market.settlement(provider, month)
                if stored is not None:
                    done.append(stored)
                    already += 1
                    continue
                s = settle_lines(provider, month, by_provider.get(provider, ()),
                                 agreements.get(provider, []),
                                 blacklisted_on=self._blacklisted_on(t, provider),
                                 points=points_on_orders(t, provider, month))
                if not (s.lines or s.shares or s.withheld):
                    continue
                for share in s.shares:
                    charts.add(share.compound)
                    entry, collection = share_entry(s, share, self.actor)
                    entries.append(entry)
                    if collection is not None:
                        collections.append(collection)
                t.market.add_settlement(s, settled_at)
                done.append(s)
                posted += 1
            if entries:
                opened = t.ledger.accounts()
                for account in (a for c in sorted(charts) for a in chart_for_compound(c)):
                    if account.name not in opened:  # each compound's chart, as open_chart does
                        t.ledger.open_account(account)
                self._open_accounts(t, (p.account for e in entries for p in e.postings))
                self.ledger.post_in(t, entries, None, None, origin=f"market settle {month}")
                ids = t.ledger.known([c.external_id for c in collections])
                t.revenue.add_collections([(c, ids[c.external_id][0], Money.zero())
                                           for c in collections])
            # Volunteer points redeemed on these providers' orders: paid from sponsor funds.
            from commons.app.points_spending import pay_redemptions  # noqa: PLC0415

            pay_redemptions(self.ledger, t, month, done, self.actor)
        return SettlementRun(month, tuple(done), posted, already)
