"""Orders and their life cycle: placed -> accepted -> started -> completed, or cancelled, or
disputed -> resolved with a full or partial refund, and a rating of 1-5 once done.

Each move is one ``OrderEvent`` keyed by the host's id. A move the order's state does not allow
is refused naming that state. The price and its split are fixed at completion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

from commons.billing.split import SharePlan, Stage
from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.market.model import SubsidyProgramme
from commons.money import Money
from commons.periods import Period

__all__ = [
    "ALLOWED",
    "CHINA",
    "EventType",
    "EventValues",
    "Order",
    "OrderEvent",
    "OrderState",
    "PriceSplit",
    "illegal_move",
    "moved",
    "placed",
    "placed_fields",
    "split_price",
]

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991


class OrderState(StrEnum):
    """Where an order is in its life cycle."""

    PLACED = "placed"
    ACCEPTED = "accepted"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    RESOLVED = "resolved"


class EventType(StrEnum):
    """What an event does to its order."""

    PLACE = "place"
    ACCEPT = "accept"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    DISPUTE = "dispute"
    RESOLVE = "resolve"
    RATE = "rate"


S = OrderState
# The states each move is allowed from (placing is allowed only for an order not yet known).
ALLOWED: dict[EventType, frozenset[OrderState]] = {
    EventType.ACCEPT: frozenset({S.PLACED}),
    EventType.START: frozenset({S.ACCEPTED}),
    EventType.COMPLETE: frozenset({S.STARTED}),
    EventType.CANCEL: frozenset({S.PLACED, S.ACCEPTED}),
    EventType.DISPUTE: frozenset({S.COMPLETED}),
    EventType.RESOLVE: frozenset({S.DISPUTED}),
    EventType.RATE: frozenset({S.COMPLETED, S.DISPUTED, S.RESOLVED}),
}

# The moves that set a new state and stamp their time in one field.
_STAMPED = {EventType.ACCEPT: (S.ACCEPTED, "accepted_at"),
            EventType.START: (S.STARTED, "started_at"),
            EventType.CANCEL: (S.CANCELLED, "closed_at")}


def _aware(_instance: object, _attribute: object, value: dt.datetime) -> None:
    if value.tzinfo is None:
        raise InvalidInput(f"instant {value} has no offset", field="at",
                           fix="give times with their offset, e.g. 2026-11-03T12:00:00+08:00",
                           code=ErrorCode.INVALID_DATE)


# An OrderEvent's values in the order of its fields: what a bulk import checks and folds
# without building the event (a feed's parser already did, in its own process).
EventValues = tuple[str, EventType, str, dt.datetime, str | None, str | None, str | None, int,
                    str, Money | None, int | None, str]


@attrs.frozen
class OrderEvent:
    """One event of a host's feed. ``place`` names the service, household, resident (for
    subsidies), units and payment channel; ``resolve`` a refund (None: in full); ``rate`` the
    stars and a comment; ``cancel`` and ``dispute`` a reason."""

    id: str
    type: EventType
    order: str
    at: dt.datetime = attrs.field(validator=_aware)
    service: str | None = None
    household: str | None = None
    resident: str | None = None
    units: int = 1
    channel: str = "wechat-pay"
    refund: Money | None = None
    stars: int | None = None
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        if self.type is EventType.PLACE and (self.service is None or self.household is None):
            raise InvalidInput(f"event {self.id} places order {self.order} without a service "
                               "and household", field="service",
                               fix="give the service and the household that orders it")
        if self.units <= 0:
            raise InvalidInput(f"event {self.id}: {self.units} units", field="units",
                               fix="order one unit or more")
        if self.type is EventType.RATE and self.stars not in (1, 2, 3, 4, 5):
            raise InvalidInput(f"event {self.id} rates order {self.order} {self.stars} stars",
                               field="stars", fix="rate from 1 to 5 stars")
        if self.refund is not None and self.refund.is_negative():
            raise InvalidInput(f"event {self.id}: refund {self.refund} is negative",
                               field="refund", fix="refund zero or more, or in full",
                               code=ErrorCode.INVALID_AMOUNT)

    def values(self) -> EventValues:
        """The event's values, in the order of its fields."""
        return (self.id, self.type, self.order, self.at, self.service, self.household,
                self.resident, self.units, self.channel, self.refund, self.stars, self.comment)


@attrs.frozen
class PriceSplit:
    """An order's price split to the fen: the subsidy (from ``programme`` for ``tag``), the
    provider's concession and the resident's part."""

    price: Money
    subsidy: Money
    concession: Money
    resident: Money
    programme: str | None = None
    tag: str | None = None

    def __attrs_post_init__(self) -> None:
        assert self.subsidy + self.concession + self.resident == self.price, self


def split_price(price: Money, programme: SubsidyProgramme | None, *, tag: str | None = None,
                limit: Money | None = None) -> PriceSplit:
    """Split ``price`` by a ``SharePlan``: the programme's percent as subsidy, capped at
    ``limit`` (what the resident's monthly cap and the month's budget still allow), then the
    provider's concession; the resident pays the rest. Without a programme the resident pays
    it all."""
    if programme is None:
        return PriceSplit(price, Money.zero(), Money.zero(), price)
    plan = SharePlan((Stage("subsidy", percent=programme.percent, cap=limit),
                      Stage("concession", percent=programme.concession),
                      Stage("resident", rest=True)))
    parts = {s.party: s.amount for s in plan.apply(price)}
    return PriceSplit(price, parts["subsidy"], parts["concession"], parts["resident"],
                      programme.id, tag)


# The past participle of an event's verb where adding "d" does not make it.
_DONE = {EventType.ACCEPT: "accepted", EventType.START: "started",
         EventType.CANCEL: "cancelled"}


def illegal_move(order: str, state: OrderState, event: EventType, why: str = ""
                 ) -> RefusedByRule:
    """The refusal of ``event`` on order ``order`` in its current ``state``, naming it."""
    allowed = ", ".join(sorted(ALLOWED.get(event, ())))
    return RefusedByRule(
        f"order {order} is {state.value}; it cannot be {_DONE.get(event, event.value + 'd')}"
        f"{why}" if event is not EventType.RATE else
        f"order {order} is {state.value}{why}; it cannot be rated",
        field="type", fix=f"{event.value} an order that is {allowed or 'new'}",
        code=ErrorCode.ILLEGAL_MOVE, context={"kind": "order", "id": order,
                                              "state": state.value})


def moved(order: Mapping[str, Any], event: EventValues, *, split: PriceSplit | None = None,
          cancel_after_accept: bool = True) -> dict[str, Any]:
    """The fields ``event`` (an ``OrderEvent``'s values) changes on an order whose fields are
    ``order`` (by the names of ``Order``'s); an illegal move is refused with the current
    state. The one state machine: ``Order.apply`` evolves an order by it, and a bulk import
    folds a feed's events into plain fields by it, building each order once. ``complete``
    needs the ``split`` of the price as of the service date."""
    event_id, kind, _, at, *_, refund, stars, comment = event
    state, id = order["state"], order["id"]
    if kind is EventType.PLACE:
        raise illegal_move(id, state, kind, " already")
    if state not in ALLOWED[kind]:
        raise illegal_move(id, state, kind)
    if at < order["placed_at"]:
        raise InvalidInput(f"event {event_id} at {at.isoformat()} is before order "
                           f"{id} was placed", field="at",
                           fix="give the event's own time", code=ErrorCode.INVALID_DATE)
    if kind is EventType.COMPLETE:
        assert split is not None, "a completion needs its price split"
        return {"state": S.COMPLETED, "completed_at": at, "split": split}
    if kind is EventType.CANCEL and state is S.ACCEPTED and not cancel_after_accept:
        raise illegal_move(id, state, kind, " and its provider does not allow cancelling an "
                           "accepted order")
    if kind is EventType.RATE and order["stars"] is not None:
        raise illegal_move(id, state, kind, f" and was rated {order['stars']} already")
    if kind in _STAMPED:
        new, stamp = _STAMPED[kind]
        return {"state": new, stamp: at}
    if kind is EventType.RESOLVE:
        return {"state": S.RESOLVED, "closed_at": at, "refund": _refund(order, refund)}
    comment = comment or order["comment"]
    if kind is EventType.DISPUTE:
        return {"state": S.DISPUTED, "comment": comment}
    return {"stars": stars, "comment": comment}


def _refund(order: Mapping[str, Any], refund: Money | None) -> Money:
    split: PriceSplit = order["split"]
    paid = split.resident + split.subsidy
    if refund is None or refund == paid:
        return paid
    if refund > split.resident:
        raise InvalidInput(
            f"a partial refund of {refund} on order {order['id']} is more than the "
            f"{split.resident} the resident paid", field="refund",
            fix=f"refund at most {split.resident}, or in full ({paid})",
            code=ErrorCode.INVALID_AMOUNT)
    return refund


@attrs.frozen
class Order:
    """An order: what, for whom and where, its state and the times of each move, and once
    completed its price split; a refund and a rating when given."""

    id: str
    service: str
    provider: str
    category: str
    household: str
    compound: str
    units: int
    channel: str
    placed_at: dt.datetime
    resident: str | None = None
    state: OrderState = OrderState.PLACED
    accepted_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    split: PriceSplit | None = None
    refund: Money | None = None
    stars: int | None = None
    comment: str = ""

    @property
    def placed_on(self) -> dt.date:
        """The local date the order was placed."""
        return self.placed_at.astimezone(CHINA).date()

    @property
    def service_date(self) -> dt.date | None:
        """The local date the service was done (completion), or None before."""
        return None if self.completed_at is None else self.completed_at.astimezone(CHINA).date()

    @property
    def period(self) -> Period | None:
        """The month the order settles in: its service date's."""
        day = self.service_date
        return None if day is None else Period.of(day)

    @property
    def fully_refunded(self) -> bool:
        """Whether a resolution gave back everything paid (subsidy included)."""
        return self.split is not None and self.refund is not None and \
            self.refund == self.split.resident + self.split.subsidy

    @property
    def settles(self) -> bool:
        """Whether the order counts in its month's settlement: completed and not refunded in
        full; a cancelled order never does."""
        return self.split is not None and not self.fully_refunded

    def apply(self, event: OrderEvent, *, split: PriceSplit | None = None,
              cancel_after_accept: bool = True) -> Order:
        """The order after ``event`` (see ``moved``); an illegal move is refused with the
        current state. ``complete`` needs the ``split`` of the price as of the service date."""
        return attrs.evolve(self, **moved(attrs.asdict(self, recurse=False), event.values(),
                                          split=split, cancel_after_accept=cancel_after_accept))


def placed(event: OrderEvent, *, provider: str, category: str, compound: str) -> Order:
    """The order a ``place`` event makes, for a service of ``provider`` and ``category`` in
    ``compound``."""
    return Order(**placed_fields(event.values(), provider=provider, category=category,
                                 compound=compound))


def placed_fields(event: EventValues, *, provider: str, category: str, compound: str
                  ) -> dict[str, Any]:
    """The fields of the order a ``place`` event (an ``OrderEvent``'s values) makes (see
    ``placed``), as ``moved`` folds them."""
    _, _, order, at, service, household, resident, units, channel, *_ = event
    assert service is not None and household is not None
    return {"id": order, "service": service, "provider": provider,
            "category": category, "household": household, "compound": compound,
            "units": units, "channel": channel, "placed_at": at,
            "resident": resident, "state": OrderState.PLACED, "accepted_at": None,
            "started_at": None, "completed_at": None, "closed_at": None, "split": None,
            "refund": None, "stars": None, "comment": ""}

