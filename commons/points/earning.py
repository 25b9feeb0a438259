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
from decimal import ROUND_HALF_UP, Decimal

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.points.model import Basis, Programme, parse_person, parse_token

__all__ = ["Award", "LineRow", "RosterDigest", "RosterLine", "award", "cap_points",
           "check_confirmer", "check_submitter", "line_points", "month_of", "parse_quantity",
           "stored_earns"]

_HUNDREDTHS = Decimal("0.01")


def parse_quantity(text: str, basis: Basis) -> Decimal:
    """Hours (at most two decimals, e.g. 2.5) or tasks (whole), above zero."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    whole = basis is Basis.TASK
    if value.is_finite() and 0 < value <= 10_000 and value != value.quantize(_HUNDREDTHS):
        raise InvalidInput(f"{text.strip()!r} has more than two decimals; {basis.value}s are "
                           "counted to the hundredth", field="quantity",
                           code=ErrorCode.INVALID_AMOUNT,
                           fix="round it to hundredths, e.g. "
                           f"{value.quantize(_HUNDREDTHS, ROUND_HALF_UP)}")
    if not value.is_finite() or value <= 0 \
            or (whole and value != value.to_integral_value()) or value > 10_000:
        raise InvalidInput(f"{text!r} is not a number of {basis.value}s above zero "
                           "(at most 10,000)", field="quantity", code=ErrorCode.INVALID_AMOUNT,
                           fix="give whole tasks (3) or hours with at most two decimals (2.5)")
    return value


@attrs.frozen
class RosterLine:
    """One line of a roster: in ``activity`` (one occasion, e.g. a clean-up day) of ``kind`` on
    ``day``, ``person`` served ``quantity`` hours or tasks; ``line`` is where the file said so."""

    activity: str = attrs.field(converter=parse_token)
    kind: str = attrs.field(converter=parse_token)
    day: dt.date
    person: str = attrs.field(converter=parse_person)
    quantity: Decimal
    line: int | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        assert self.quantity > 0, self

    def as_row(self) -> LineRow:
        """The line as a roster is checked, digested and stored a chunk at a time."""
        return (self.activity, self.kind, self.day.isoformat(), self.person,
                int(self.quantity.scaleb(2)), self.line)


# A roster line as a row: (activity, kind, day ``YYYY-MM-DD``, person, hundredths of an hour
# or a task, line in the file or None). A roster of a million lines is read, checked and
# stored as rows; a ``RosterLine`` is built only for a line a result names.
LineRow = tuple[str, str, str, str, int, int | None]


def line_points(programme: Programme, line: RosterLine) -> int:
    """What a line earns before the cap: the kind's points times the quantity, rounded down."""
    kind = programme.kind(line.kind)
    return int(kind.points * line.quantity)


class RosterDigest:
    """The digest of what a roster says (not where its lines were in a file), built line by
    line so a roster of 200,000 lines is never held whole: the same roster again gives the
    same digest."""

    def __init__(self, programme: str, submitted_by: str) -> None:
        self._hash = hashlib.sha256(f"{programme}\x1d{submitted_by}\x1d".encode())
        self.lines = 0

    def add(self, rows: Sequence[LineRow]) -> None:
        """Take ``rows`` in, in the roster's order."""
        self._hash.update("".join([f"{a}\x1f{k}\x1f{d}\x1f{p}\x1f{h}\x1e"
                                   for a, k, d, p, h, _ in rows]).encode())
        self.lines += len(rows)

    def hexdigest(self) -> str:
        """The digest of every line taken in."""
        return self._hash.hexdigest()


def _not_awarded(roster: str, person: str, act: str, named: bool) -> None:
    if named:
        raise RefusedByRule(f"{person} cannot {act} roster {roster}, which awards them "
                            "points", field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix="have a person the roster does not name do it")


def check_submitter(programme: Programme, roster: str, organiser: str, *,
                    named: bool = False) -> None:
    """The organiser must be the programme's staff and may not award themselves (``named``:
    the roster names them)."""
    if programme.role_of(organiser) is None:
        raise RefusedByRule(f"{organiser} is not on programme {programme.id}'s staff, so "
                            "cannot submit a roster", field="by",
                            code=ErrorCode.NOT_AUTHORISED,
                            fix="add them to the programme's staff, or submit as its organiser")
    _not_awarded(roster, organiser, "submit", named)


def check_confirmer(programme: Programme, roster: str, organiser: str, confirmer: str, *,
                    named: bool) -> None:
    """The confirmer is a second person, of another role than the organiser's, on the staff,
    and not awarded by the roster (``named``: it names them)."""
    role = programme.role_of(confirmer)
    organiser_role = programme.role_of(organiser)
    if confirmer == organiser:
        raise RefusedByRule(f"{confirmer} submitted roster {roster} and cannot confirm it too",
                            field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix="have a second person, of another role, confirm it")
    if role is None or role == organiser_role:
        why = "is not on the programme's staff" if role is None else \
            f"has the organiser's role ({role})"
        raise RefusedByRule(f"{confirmer} {why}, so cannot confirm roster {roster}",
                            field="by", code=ErrorCode.NOT_AUTHORISED,
                            fix=f"have staff of a role other than {organiser_role} confirm it")
    _not_awarded(roster, confirmer, "confirm", named)


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


def month_of(day: dt.date) -> str:
    """The month a day falls in, as the cap counts it: ``2026-12``."""
    return day.isoformat()[:7]


def cap_points(cap: int, earns: Iterable[tuple[str, str, int]],
               earned: Mapping[tuple[str, str], int]
               ) -> tuple[list[int], dict[tuple[str, str], int]]:
    """The points issued for each of ``earns`` (person, ``month_of`` the day, points before the
    cap), taken in the order given, under ``cap`` a person and month, given what each person
    already ``earned`` in each month; and what they have earned after these. The one rule of
    the cap, for a few lines as for a roster of a million read from the store in date order."""
    so_far = dict(earned)
    issued: list[int] = []
    for person, month, points in earns:
        key = (person, month)
        before = so_far.get(key, 0)
        room = cap - before
        n = points if points <= room else max(room, 0)
        so_far[key] = before + n
        issued.append(n)
    return issued, so_far


def stored_earns(programme: Programme, rows: Iterable[tuple[str, str, str, int]]
                 ) -> list[tuple[str, str, int]]:
    """``cap_points``'s input for lines as the store keeps them (day ``YYYY-MM-DD``, person,
    kind, ``hundredths`` of an hour or a task): the same whole points, rounded down, as
    ``line_points``. Their kinds were checked against the programme when they were
    submitted."""
    points = {kind.id: kind.points for kind in programme.kinds}
    return [(person, day[:7], points[kind] * hundredths // 100)
            for day, person, kind, hundredths in rows]


def award(programme: Programme, lines: Sequence[RosterLine],
          earned: Mapping[tuple[str, str], int]
          ) -> tuple[tuple[Award, ...], dict[tuple[str, str], int]]:
    """Each line's award under the monthly cap, in the lines' order, given what each person
    already ``earned`` in each month (keyed by person and ``month_of``); and what they have
    earned after these lines. Lines are capped in date order, then in the order given, so a
    roster read in date order a chunk at a time is capped as if whole."""
    order = sorted(range(len(lines)), key=lambda i: (lines[i].day, i))
    earns = {i: line_points(programme, lines[i]) for i in order}
    issued, so_far = cap_points(programme.monthly_cap,
                                [(lines[i].person, month_of(lines[i].day), earns[i])
                                 for i in order], earned)
    by_line = dict(zip(order, issued, strict=True))
    return tuple(Award(line, earns[i], by_line[i]) for i, line in enumerate(lines)), so_far
