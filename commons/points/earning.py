"""Earning points: a roster of who served in which activity, checked and confirmed by two people,
and the points each line earns once the monthly cap is applied.

A line earns ``kind.points x quantity`` rounded down to a whole point (a part point is never
issued). The cap counts what a person earned in the month of the activity; what a line would
add beyond it is reported as excess and not issued. Lines are capped in date order, then in the
roster's order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.fields import parse_id
from commons.periods import Period
from commons.points.model import Basis, Programme, parse_person

__all__ = ["Award", "Roster", "RosterLine", "award", "check_confirmer", "check_submitter",
           "line_points", "parse_quantity"]

_HUNDREDTHS = Decimal("0.01")


def parse_quantity(text: str, basis: Basis) -> Decimal:
    """Hours (at most two decimals, e.g. 2.5) or tasks (whole), above zero."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    whole = basis is Basis.TASK
    if not value.is_finite() or value <= 0 or value != value.quantize(_HUNDREDTHS) \
            or (whole and value != value.to_integral_value()) or value > 10_000:
        raise InvalidInput(f"{text!r} is not a number of {basis.value}s above zero",
                           field="quantity", code=ErrorCode.INVALID_AMOUNT,
                           fix="give whole tasks (3) or hours with at most two decimals (2.5)")
    return value


@attrs.frozen
class RosterLine:
    """One line of a roster: in ``activity`` (one occasion, e.g. a clean-up day) of ``kind`` on
    ``day``, ``person`` served ``quantity`` hours or tasks; ``line`` is where the file said so."""

    activity: str = attrs.field(converter=parse_id)
    kind: str = attrs.field(converter=parse_id)
    day: dt.date
    person: str = attrs.field(converter=parse_person)
    quantity: Decimal
    line: int | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        assert self.quantity > 0, self


def line_points(programme: Programme, line: RosterLine) -> int:
    """What a line earns before the cap: the kind's points times the quantity, rounded down."""
    kind = programme.kind(line.kind)
    return int(kind.points * line.quantity)


def _lines(lines: Iterable[RosterLine]) -> tuple[RosterLine, ...]:
    return tuple(lines)


@attrs.frozen
class Roster:
    """A roster submitted to ``programme`` by ``submitted_by``, under the id ``id``."""

    id: str = attrs.field(converter=parse_id)
    programme: str
    submitted_by: str = attrs.field(converter=parse_person)
    lines: tuple[RosterLine, ...] = attrs.field(converter=_lines)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise InvalidInput(f"roster {self.id} has no line", field="lines",
                               fix="list who served: activity,kind,date,person,quantity")

    @property
    def people(self) -> frozenset[str]:
        """Everyone the roster awards points to."""
        return frozenset(line.person for line in self.lines)

    def content_hash(self) -> str:
        """Digest of what the roster says (not where its lines were in a file)."""
        text = "\x1e".join(f"{x.activity}\x1f{x.kind}\x1f{x.day}\x1f{x.person}\x1f{x.quantity}"
                           for x in self.lines)
        return hashlib.sha256(f"{self.programme}\x1d{self.submitted_by}\x1d{text}".encode()
                              ).hexdigest()


def _not_awarded(roster: Roster, person: str, act: str) -> None:
    if person in roster.people:
        raise RefusedByRule(f"{person} cannot {act} roster {roster.id}, which awards them "
                            "points", field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix="have a person the roster does not name do it")


def check_submitter(programme: Programme, roster: Roster) -> None:
    """The organiser must be the programme's staff and may not award themselves."""
    if programme.role_of(roster.submitted_by) is None:
        raise RefusedByRule(f"{roster.submitted_by} is not on programme {programme.id}'s staff, "
                            "so cannot submit a roster", field="by",
                            code=ErrorCode.NOT_AUTHORISED,
                            fix="add them to the programme's staff, or submit as its organiser")
    _not_awarded(roster, roster.submitted_by, "submit")


def check_confirmer(programme: Programme, roster: Roster, confirmer: str) -> None:
    """The confirmer is a second person, of another role than the organiser's, on the staff,
    and not awarded by the roster."""
    role = programme.role_of(confirmer)
    organiser = programme.role_of(roster.submitted_by)
    if confirmer == roster.submitted_by:
        raise RefusedByRule(f"{confirmer} submitted roster {roster.id} and cannot confirm it too",
                            field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix="have a second person, of another role, confirm it")
    if role is None or role == organiser:
        why = "is not on the programme's staff" if role is None else \
            f"has the organiser's role ({role})"
        raise RefusedByRule(f"{confirmer} {why}, so cannot confirm roster {roster.id}",
                            field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix=f"have staff of a role other than {organiser} confirm it")
    _not_awarded(roster, confirmer, "confirm")


@attrs.frozen
class Award:
    """What one roster line earns: its points before the cap, those issued and the excess."""

    line: RosterLine
    points: int
    issued: int

    def __attrs_post_init__(self) -> None:
        assert 0 <= self.issued <= self.points, self

    @property
    def excess(self) -> int:
        """Points the cap kept from being issued."""
        return self.points - self.issued


def award(programme: Programme, lines: Sequence[RosterLine],
          earned: Mapping[tuple[str, Period], int]) -> tuple[Award, ...]:
    """Each line's award under the monthly cap, given what each person already ``earned`` in
    each month; in the lines' order."""
    so_far = dict(earned)
    order = sorted(range(len(lines)), key=lambda i: (lines[i].day, i))
    awards: dict[int, Award] = {}
    for i in order:
        line = lines[i]
        key = (line.person, Period.of(line.day))
        points = line_points(programme, line)
        issued = max(0, min(points, programme.monthly_cap - so_far.get(key, 0)))
        so_far[key] = so_far.get(key, 0) + issued
        awards[i] = Award(line, points, issued)
    return tuple(awards[i] for i in range(len(lines)))
