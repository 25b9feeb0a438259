"""Lots of points: each issue (or transfer received) is a lot with the day it was earned and the
day it expires. Spending draws on lots oldest first (the earliest expiry, then the earliest
earned, then the first recorded); a lot on or after its expiry day is not spendable, and
``points expire`` moves what is left of it to the programme's expired account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from commons.errors import ErrorCode, RefusedByRule

__all__ = ["RETURNED", "Draw", "Lot", "draw_oldest_first", "expired_lots", "spendable",
           "spending_order"]

RETURNED = "refund:"  # the source of a lot a marketplace refund gave back, before the order


@attrs.frozen
class Lot:
    """A lot of ``person``'s points: how many were earned, how many remain, when it was earned
    and when it expires, and where it came from (a roster, or a transfer); a lot received in
    a transfer keeps the earned and expiry days of the lot it came from, and holds points
    from ``received_on``, the transfer's day."""

    id: int
    person: str
    earned_on: dt.date
    expires_on: dt.date
    points: int
    remaining: int
    source: str
    received_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        assert 0 <= self.remaining <= self.points and self.earned_on < self.expires_on, self

    @property
    def since(self) -> dt.date:
        """The day the person holds the lot from: earned, or received in a transfer."""
        return self.received_on or self.earned_on

    def spendable_on(self, day: dt.date) -> bool:
        """Whether points of this lot can be spent on ``day``: held by then, not expired."""
        return self.remaining > 0 and self.since <= day < self.expires_on


@attrs.frozen
class Draw:
    """Points taken from one lot."""

    lot: Lot
    points: int

    def __attrs_post_init__(self) -> None:
        assert 0 < self.points <= self.lot.remaining, self


def spending_order(lot: Lot) -> tuple[dt.date, dt.date, int]:
    """The order lots are spent in, oldest first: the soonest to expire, then the earliest
    earned, then the first recorded."""
    return lot.expires_on, lot.earned_on, lot.id


def spendable(lots: Iterable[Lot], day: dt.date) -> int:
    """How many points of ``lots`` can be spent on ``day``."""
    return sum(lot.remaining for lot in lots if lot.spendable_on(day))


def draw_oldest_first(lots: Sequence[Lot], points: int, day: dt.date, *,
                      who: str, what: str) -> tuple[Draw, ...]:
    """The draws that take ``points`` from ``lots`` on ``day``, oldest first; refused (and
    nothing drawn) when the lots hold fewer spendable points: a balance never goes below
    zero."""
    assert points > 0
    have = spendable(lots, day)
    if have < points:
        raise RefusedByRule(f"{who} holds {have} points spendable on {day}; {what} asks "
                            f"for {points}", field="points",
                            code=ErrorCode.INSUFFICIENT_FUNDS,
                            fix=f"spend at most {have} points" if have else
                            "earn points first, or spend them on a day they are held",
                            context={"kind": "person", "id": who})
    draws, left = [], points
    for lot in sorted((x for x in lots if x.spendable_on(day)), key=spending_order):
        take = min(left, lot.remaining)
        draws.append(Draw(lot, take))
        left -= take
        if not left:
            break
    return tuple(draws)


def expired_lots(lots: Iterable[Lot], as_of: dt.date) -> tuple[Lot, ...]:
    """The lots whose expiry day is on or before ``as_of`` and that still hold points."""
    return tuple(sorted((x for x in lots if x.remaining > 0 and x.expires_on <= as_of),
                        key=spending_order))
