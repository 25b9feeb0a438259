"""A points programme's standing values: activity kinds, staff and their roles, members, the
points shelf, and the programme itself with its cap, rate, expiry and sponsor fund.

The yuan value of points is ``points / points_per_yuan`` yuan, rounded to the fen half up
(0.005 yuan and more rounds up): at 10 points a yuan, 7 points are 0.70 yuan; at 3 points a
yuan, 1 point is 0.33 yuan and 2 points are 0.67 yuan.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from commons.errors import ErrorCode, InvalidInput, NotFound
from commons.fields import normalise, parse_choice, parse_id
from commons.money import CURRENCY, Money

__all__ = [
    "BASES",
    "PERSON_PATTERN",
    "TOKEN_PATTERN",
    "UNIT",
    "ActivityKind",
    "Basis",
    "Member",
    "Programme",
    "ShelfItem",
    "Staff",
    "act_parts",
    "add_months",
    "content_of",
    "parse_basis",
    "parse_person",
    "parse_token",
    "yuan_value",
]

UNIT = "PTS"  # the journal's unit code of volunteer points (commons.money's table holds it)
PERSON_PATTERN = re.compile(r"[\w][\w\-]*")  # what an account name's segment may be


class Basis(StrEnum):
    """What an activity kind's points are counted per: an hour of service or a task done."""

    HOUR = "hour"
    TASK = "task"


BASES = tuple(b.value for b in Basis)
_BASIS_ALIASES = {normalise(k): v for k, v in {
    "小时": Basis.HOUR, "hours": Basis.HOUR, "次": Basis.TASK, "tasks": Basis.TASK}.items()}


def parse_basis(text: str | Basis) -> Basis:
    """hour or task (小时, 次 too)."""
    if isinstance(text, Basis):
        return text
    return parse_choice(text, Basis, _BASIS_ALIASES, "points basis")


def parse_person(text: str) -> str:
    """A person's or programme's id: it names a journal account, so letters, digits (Chinese
    too), ``-`` and ``_`` only."""
    if type(text) is str and PERSON_PATTERN.fullmatch(text):
        return text  # the common case, checked once: a roster names 100,000 people
    value = parse_id(text)
    if not PERSON_PATTERN.fullmatch(value):
        raise InvalidInput(f"id {value!r} has characters an account name cannot hold",
                           fix="use letters, digits, '-' or '_' (Chinese characters too)")
    return value


TOKEN_PATTERN = re.compile(r"[\w.:\-]+")  # a plain id, which parse_id keeps as it is


def parse_token(text: str) -> str:
    """An activity's or kind's id, as ``parse_id`` reads it; plain ids take a quick path."""
    if type(text) is str and TOKEN_PATTERN.fullmatch(text):
        return text
    return parse_id(text)


def _whole(field: str, least: int) -> Callable[[Any, Any, Any], None]:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if type(value) is not int or value < least:
            raise InvalidInput(f"{field} {value!r} is not a whole number of at least {least}",
                               field=field, fix=f"give a whole number, {least} or more",
                               code=ErrorCode.INVALID_AMOUNT)
    return check


def yuan_value(points: int, points_per_yuan: int) -> Money:
    """What ``points`` are worth at ``points_per_yuan``: to the fen, rounded half up."""
    assert points >= 0 and points_per_yuan > 0
    return Money((points * 200 + points_per_yuan) // (2 * points_per_yuan))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; the 31st becomes the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


@attrs.frozen
class ActivityKind:
    """A kind of activity (clean-up, helping the old and the weak, staffing an event) and the
    points it earns per hour or per task."""

    id: str = attrs.field(converter=parse_id)
    name: str
    basis: Basis = attrs.field(converter=parse_basis)
    points: int = attrs.field(validator=_whole("points", 1))


@attrs.frozen
class ShelfItem:
    """Goods on a programme's points shelf: their price in points and the stock left."""

    id: str = attrs.field(converter=parse_id)
    name: str
    points: int = attrs.field(validator=_whole("points", 1))
    stock: int = attrs.field(validator=_whole("stock", 0))


@attrs.frozen
class Staff:
    """Someone who runs the programme, and in which role (organiser, community worker,
    street office ...): a roster is confirmed by a person of another role than its organiser."""

    person: str = attrs.field(converter=parse_person)
    role: str = attrs.field(converter=normalise)

    def __attrs_post_init__(self) -> None:
        if not self.role:
            raise InvalidInput(f"staff {self.person} has no role", field="role",
                               fix="give a role such as organiser or community")


@attrs.frozen
class Member:
    """A person who takes part: the household they belong to (for transfers and the notice
    board's building) and whether they agreed to be named on the notice board."""

    person: str = attrs.field(converter=parse_person)
    household: str = attrs.field(converter=parse_id)
    named: bool = False


T = TypeVar("T", ActivityKind, ShelfItem)


def _one(values: tuple[T, ...], id: str, where: str, what: str, field: str) -> T:
    """The value of ``values`` whose id is ``id``; NotFound naming those there are."""
    for value in values:
        if value.id == id:
            return value
    raise NotFound(f"{where} has no {what} {id!r}", field=field,
                   fix=f"use one of {', '.join(v.id for v in values) or '(none)'}",
                   context={"kind": what, "id": id})


def _fund(_instance: object, _attribute: object, value: Money) -> None:
    if value.currency != CURRENCY or value.is_negative():
        raise InvalidInput(f"sponsor fund {value} is not an amount of yuan of zero or more",
                           field="fund", fix="give the sponsor fund in yuan, e.g. 5000.00",
                           code=ErrorCode.INVALID_AMOUNT)


@attrs.frozen
class Programme:
    """A points programme: who runs it, its activity kinds, the cap a person may earn in a
    month, the redemption rate (points per yuan of discount), the months a lot lives, the
    sponsor and the fund (yuan) that reimburses providers, whether households may transfer
    points to one another, its staff and its points shelf."""

    id: str = attrs.field(converter=parse_person)
    name: str
    operator: str
    kinds: tuple[ActivityKind, ...]
    monthly_cap: int = attrs.field(validator=_whole("monthly_cap", 1))
    points_per_yuan: int = attrs.field(validator=_whole("points_per_yuan", 1))
    expiry_months: int = attrs.field(validator=_whole("expiry_months", 1))
    sponsor: str = attrs.field(converter=parse_id)
    fund: Money = attrs.field(validator=_fund)
    cross_household: bool = False
    staff: tuple[Staff, ...] = ()
    shelf: tuple[ShelfItem, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not self.kinds:
            raise InvalidInput(f"programme {self.id} has no activity kind", field="kinds",
                               fix="name at least one kind, e.g. clean-up at 10 points an hour")
        for what, ids in (("activity kind", [k.id for k in self.kinds]),
                          ("staff member", [s.person for s in self.staff]),
                          ("shelf item", [i.id for i in self.shelf])):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise InvalidInput(f"programme {self.id} names {what} {twice[0]} twice",
                                   field=what, fix=f"give each {what} once")

    def kind(self, id: str) -> ActivityKind:
        """The activity kind ``id``; NotFound naming the kinds there are."""
        return _one(self.kinds, id, f"programme {self.id}", "activity kind", "kind")

    def item(self, id: str) -> ShelfItem:
        """The shelf item ``id``; NotFound naming the items there are."""
        return _one(self.shelf, id, f"programme {self.id}'s points shelf", "shelf item", "item")

    def role_of(self, person: str) -> str | None:
        """The role ``person`` has in the programme, or None."""
        return next((s.role for s in self.staff if s.person == person), None)

    def expires_on(self, earned_on: dt.date) -> dt.date:
        """The day a lot earned on ``earned_on`` expires: it can be spent through the day
        before."""
        return add_months(earned_on, self.expiry_months)

    def value_of(self, points: int) -> Money:
        """The yuan value of ``points`` at the programme's rate (half up to the fen)."""
        return yuan_value(points, self.points_per_yuan)

    def most_points_within(self, limit: Money, points: int) -> int:
        """The most of ``points`` worth at most ``limit``: about limit x rate, then the
        rounding's step or two (not a count down from ``points``, which may be millions)."""
        most = min(points, max(limit.fen, 0) * self.points_per_yuan // 100)
        while most < points and self.value_of(most + 1) <= limit:
            most += 1
        while most and self.value_of(most) > limit:
            most -= 1
        return most


def content_of(*parts: object) -> str:
    """A redemption's, transfer's or restock's content as recorded (an act sent again with the
    same content is a no-op): its parts, unit-separated (no id or name holds the separator)."""
    return "\x1f".join(str(p) for p in parts)


def act_parts(content: str) -> list[str]:
    """The parts ``content_of`` joined."""
    return content.split("\x1f")
