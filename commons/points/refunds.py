"""A marketplace refund of an order that volunteer points paid part of: what comes back as
points, from which redemption, and into which lots.

Yuan first: a refund goes back in yuan up to what the resident paid in yuan, and only the part
beyond that comes back from the points (for a full refund, all of the points' value). That part
is a share of the points' yuan value: each redemption on the order gives back that share of its
yuan value exactly (the part split over the redemptions to the fen by largest remainder), and of
its points rounded half up to a whole point, all of them when its whole value comes back. The
yuan books so gain or lose no fen, no settlement line shows a negative ``resident_paid``, and no
more points come back than were spent.

A returned point goes back into a new lot, earned on the refund day, that keeps the expiry day
of the lot it was spent from; the points come back in the reverse of the order they were spent
(latest expiry first). A point whose lot expired by the refund day comes back with that lot's
earned day too, so it is not spendable and ``points expire`` takes it, as if never spent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from commons.allocation import allocate
from commons.money import Money
from commons.points.lots import Draw

__all__ = ["Give", "Spent", "points_returned", "returned_lots"]


@attrs.frozen
class Spent:
    """A redemption on an order: ``person``'s ``points`` of ``programme``, worth ``value``."""

    programme: str
    person: str
    points: int
    value: Money


@attrs.frozen
class Give:
    """What a refund gives back of one redemption: ``points`` to ``person``, and ``value``
    (yuan) moved back from the sponsor fund's receivable to the order's payment channel."""

    programme: str
    person: str
    points: int
    value: Money


def points_returned(spent: Sequence[Spent], share: Money, refund: Money, *, full: bool
                    ) -> tuple[Give, ...]:
    """What a refund of ``refund`` gives back of the redemptions ``spent`` on an order whose
    resident's share is ``share`` (``full``: the whole order is refunded): see the module."""
    total = Money(sum(s.value.fen for s in spent))
    paid_in_yuan = share - total
    beyond = total if full else max(refund - paid_in_yuan, Money.zero())
    assert beyond <= total, "a partial refund never exceeds the resident's share"
    if not spent or (not beyond and not full):
        return ()
    values = allocate(beyond, {i: s.value.fen for i, s in enumerate(spent)}) if total else {}
    gives = []
    for i, s in enumerate(spent):
        if beyond == total:
            points = s.points
        else:  # a share beyond / total of the points, half up to a whole point
            points = (2 * s.points * beyond.fen + total.fen) // (2 * total.fen)
        value = values.get(i, Money.zero())
        if points or value:
            gives.append(Give(s.programme, s.person, points, value))
    return tuple(gives)


def returned_lots(draws: Sequence[Draw], points: int, day: dt.date
                  ) -> list[tuple[dt.date, dt.date, int]]:
    """The lots (earned on, expires on, points) that ``points`` of a redemption that drew
    ``draws`` (oldest first) come back in on ``day``: latest expiry first, each keeping the
    expiry of the lot it was spent from (see the module)."""
    assert 0 < points <= sum(d.points for d in draws)
    lots, left = [], points
    for d in reversed(draws):
        take = min(left, d.points)
        earned = day if day < d.lot.expires_on else d.lot.earned_on
        lots.append((earned, d.lot.expires_on, take))
        left -= take
        if not left:
            break
    return lots
