"""A marketplace refund of an order that volunteer points paid part of, inside the feed's
transaction: the yuan part is the marketplace's refund entry; here the points (and their yuan
value, from the sponsor fund's receivable back to the payment channel) come back to the holder.
The rules are ``commons.points.refunds``'s.

The marketplace looks redemptions up only for an order being resolved (rare), never on the
feed's hot path of completions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commons.market.orders import CHINA
from commons.market.postings import CLEARING
from commons.periods import Period
from commons.points.lots import RETURNED
from commons.points.model import act_parts, content_of
from commons.points.postings import return_entry
from commons.points.refunds import Spent, points_returned, returned_lots

if TYPE_CHECKING:
    from commons.ledger.journal import Prepared
    from commons.market.orders import Order
    from commons.store import Tables

__all__ = ["give_points_back"]

def give_points_back(t: Tables, order: Order, actor: str) -> list[Prepared]:
    """Give back, for resolved ``order``, what its refund returns of the points redeemed on it:
    new lots for the holders, a ``return`` act per programme (its value negative, so what the
    settlement counts for the points is what they still pay) and the entries to post."""
    found = t.points.redemptions_on(order.id)
    if not found:
        return []
    assert order.split is not None and order.refund is not None and order.closed_at is not None
    spent = []
    for programme, content, value in found:
        person, points, _ = act_parts(content)
        spent.append(Spent(programme, person, int(points), value))
    day = order.closed_at.astimezone(CHINA).date()
    month = str(order.period)
    entries = []
    for give in points_returned(spent, order.split.resident, order.refund,
                                full=order.fully_refunded):
        source = f"{RETURNED}{order.id}"
        if give.points:
            draws = t.points.draws(give.programme, order.id)
            if draws:
                lots = returned_lots(draws, give.points, day)
            else:  # redeemed before draws were kept: the programme's full expiry from today
                found_programme = t.points.programme(give.programme)
                assert found_programme is not None
                lots = [(day, found_programme[0].expires_on(day), give.points)]
            t.points.add_lots(give.programme, [(give.person, earned, expires, n, True, source)
                                               for earned, expires, n in lots])
        t.points.add_act(give.programme, "return", order.id,
                         content_of(give.person, give.points, order.id),
                         provider=order.provider, period=month, value=-give.value)
        entries.append(return_entry(give.programme, order.id, give.person, give.points, day,
                                    actor, value=give.value,
                                    channel_account=f"{CLEARING}:{order.channel}",
                                    period=str(Period.of(day))))
    return entries
