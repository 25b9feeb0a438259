"""What volunteer points report: a person's statement, a programme's outstanding points and
their yuan liability against the sponsor fund, and the period's points per building for the
notice board (names only of those who agreed to be named, a count of the others)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from commons.money import Money
from commons.points.lots import Lot, spendable, spending_order

__all__ = ["BuildingPoints", "Liability", "Movement", "NamedPoints", "Statement",
           "building_points", "held_as_of"]


@attrs.frozen
class Movement:
    """One movement of a person's points: earned (a roster), received or given (a transfer),
    spent (a redemption) or expired; ``points`` signed, what it added to the balance."""

    date: dt.date
    kind: str
    points: int
    reference: str


def held_as_of(lots: Sequence[Lot], movements: Sequence[Movement], day: dt.date
               ) -> tuple[tuple[Lot, ...], tuple[Movement, ...]]:
    """A person's lots and movements (in date order) as they stood at the end of ``day``:
    the lots held by then (earned, or received, on or before it) with what remained of each,
    and the movements dated on or before it. A lot's draws are not kept one by one, so what
    remained of each is found by replaying the movements up to ``day`` as they were made:
    an expiry takes the lot it names, a spend or a gift draws oldest first on lots held and
    not expired on its day. With nothing dated after ``day``, the lots are as they are."""
    moves = tuple(m for m in movements if m.date <= day)
    held = [x for x in lots if x.since <= day]
    if len(moves) == len(movements):
        return tuple(held), moves
    left = {x.id: x.points for x in held}
    ordered = sorted(held, key=spending_order)
    for m in moves:
        take = -m.points
        if take <= 0:
            continue
        if m.kind == "expired" and m.reference.startswith("lot:"):
            lot_id = m.reference.rpartition(":")[2]
            if lot_id.isdigit() and int(lot_id) in left:
                n = min(take, left[int(lot_id)])
                left[int(lot_id)] -= n
                take -= n
        for spendable_only in (True, False):
            for x in ordered:
                if not take:
                    break
                if spendable_only and not x.since <= m.date < x.expires_on:
                    continue
                n = min(take, left[x.id])
                left[x.id] -= n
                take -= n
    return tuple(attrs.evolve(x, remaining=left[x.id]) for x in held), moves


@attrs.frozen
class Statement:
    """A person's points in one programme as of a day: every lot held by then (with what
    remained of it, and when it expires) and every movement dated on or before it."""

    person: str
    programme: str
    as_of: dt.date
    lots: tuple[Lot, ...]
    movements: tuple[Movement, ...]

    def __attrs_post_init__(self) -> None:
        assert self.balance == sum(m.points for m in self.movements), self

    @property
    def balance(self) -> int:
        """The points held: what the lots still hold (expired lots not yet moved included)."""
        return sum(lot.remaining for lot in self.lots)

    @property
    def spendable(self) -> int:
        """The points that can be spent on ``as_of``."""
        return spendable(self.lots, self.as_of)

    def total(self, kind: str) -> int:
        """The movements of ``kind`` summed (given, spent and expired as positive counts):
        held = earned + received + returned - given - spent - expired."""
        return abs(sum(m.points for m in self.movements if m.kind == kind))


@attrs.frozen
class Liability:
    """A programme's points by where they went, from the journal: issued = held + spent +
    expired; the yuan value of those held, and what the sponsor fund still holds (and what
    it owes providers for redemptions not yet settled)."""

    programme: str
    issued: int
    held: int
    spent: int
    expired: int
    value: Money
    fund: Money
    due: Money

    def __attrs_post_init__(self) -> None:
        assert self.issued == self.held + self.spent + self.expired, self

    @property
    def covered(self) -> bool:
        """Whether the fund covers the value held and the redemptions due."""
        return self.fund >= self.value + self.due

    @property
    def warning(self) -> str:
        """What to tell the programme when the fund cannot cover it, or ""."""
        if self.covered:
            return ""
        short = self.value + self.due - self.fund
        return (f"the sponsor fund of {self.fund} cannot cover the {self.held} points held "
                f"(worth {self.value}) and {self.due} due to providers: {short} short")


@attrs.frozen
class NamedPoints:
    """A person named on the notice board, with the points they earned."""

    person: str
    points: int


@attrs.frozen
class BuildingPoints:
    """A building's points earned in a period: the total, those who agreed to be named, and how
    many others earned points unnamed."""

    building: str
    points: int
    named: tuple[NamedPoints, ...]
    unnamed: int
    unnamed_points: int


def building_points(rows: Iterable[tuple[str, str, bool, int]]) -> tuple[BuildingPoints, ...]:
    """Per building, from (building, person, named, points) rows: the named sorted by points
    (most first) then id."""
    by_building: dict[str, list[tuple[str, bool, int]]] = {}
    for building, person, named, points in rows:
        by_building.setdefault(building, []).append((person, named, points))
    out = []
    for building, people in sorted(by_building.items()):
        shown = sorted((NamedPoints(p, n) for p, agreed, n in people if agreed),
                       key=lambda x: (-x.points, x.person))
        others = [n for _, agreed, n in people if not agreed]
        out.append(BuildingPoints(building, sum(n for _, _, n in people), tuple(shown),
                                  len(others), sum(others)))
    return tuple(out)
