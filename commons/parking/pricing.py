"""Pricing tidal-parking sessions exactly to the fen, one local day at a time.

A session is an interval of instants on one space. ``price(session, tariff, calendar)`` cuts it
at local midnights and charges each local day it touches: inside a window an outsider pays the
window's rate for the started units (and/or hours) spent there, outside every window the
overstay rate, a card covers its hours, and the day never costs more than the daily cap. A
session no longer than the free minutes costs nothing. Residents never pay by the session.

Everything is integer arithmetic on seconds and fen. A ``Pricer`` keeps each local day's
windows as UTC instants once computed, so pricing a million sessions touches ``zoneinfo`` only
once a day, not once a session. Pure: values in, values out.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.fields import normalise, parse_id
from commons.files import Row
from commons.money import Money
from commons.parking.tariff import Calendar, Cover, Holder, Tariff
from commons.periods import read_datetime

__all__ = [
    "SESSION_HEADER",
    "DayCharge",
    "Pricer",
    "Session",
    "SessionFields",
    "Terms",
    "parse_instant",
    "parse_kind",
    "price",
    "session_fields",
]

SESSION_HEADER = ("session_id", "space", "plate", "entered_at", "exited_at", "kind")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_WALL_EPOCH = dt.datetime(1970, 1, 1)
_PLAIN_ID = re.compile(r"[\w.:/#\-]+")  # ids that surely pass parse_id, checked in C
_DAY_S = 86_400
_HOUR_S = 3_600
_KIND_ALIASES = {normalise(k): v for k, v in {
    "visitor": "outsider", "外来": "outsider", "外来车辆": "outsider", "访客": "outsider",
    "临停": "outsider", "临时停车": "outsider", "居民": "resident", "业主": "resident",
    "住户": "resident",
}.items()}

# A session read from a file, as plain values (a million of them cross the import cheaply):
# (session_id, space, plate, entered_s, entered_offset_s, exited_s, exited_offset_s, kind).
# Instants are seconds since the epoch, UTC; offsets are the ones written, in seconds.
SessionFields = tuple[str, str, str, int, int, int, int, str]


def parse_instant(text: str, zone: dt.tzinfo) -> tuple[int, int]:
    """A date and time as every importer reads one (``read_datetime``: ISO 8601, or
    ``2026/10/8 7:45``) -> (seconds since the epoch, offset written in seconds).

    A time with no offset is local time in ``zone``. Fractions of a second are refused: the
    15-minute unit is exact to the second and a fraction would make it depend on rounding.
    """
    moment = read_datetime(text)
    if moment.microsecond:
        raise InvalidInput(f"{text!r} has a fraction of a second",
                           fix="write whole seconds, e.g. 2026-10-08T07:45:00",
                           code=ErrorCode.INVALID_DATE)
    wall = ((moment.toordinal() - _EPOCH_ORDINAL) * _DAY_S + moment.hour * _HOUR_S
            + moment.minute * 60 + moment.second)
    if moment.tzinfo is None:
        offset_s = _local_offset(zone, wall // 60)
    else:
        offset = moment.utcoffset()
        assert offset is not None
        offset_s = offset.days * _DAY_S + offset.seconds
    return wall - offset_s, offset_s


@functools.lru_cache(maxsize=65536)
def _local_offset(zone: dt.tzinfo, wall_minute: int) -> int:
    """The offset in seconds of local wall time ``wall_minute`` (minutes since 1970-01-01
    00:00 on the wall clock) in ``zone``. Offsets change only on a whole minute, so one
    look-up per minute of wall time serves every session that starts or ends in it."""
    moment = (_WALL_EPOCH + dt.timedelta(minutes=wall_minute)).replace(tzinfo=zone)
    offset = moment.utcoffset()
    assert offset is not None
    return offset.days * _DAY_S + offset.seconds


@functools.lru_cache(maxsize=4096)
def parse_kind(text: str) -> str:
    """outsider or resident (访客/临停, 居民/业主 ...), or a card's id as written."""
    value = normalise(text)
    return _KIND_ALIASES.get(value, value)


def session_fields(row: Row, zone: dt.tzinfo) -> SessionFields:
    """One CSV row of sessions as plain values; an error names the row's file, line, field."""
    values = row.values
    session_id = values["session_id"].strip()
    if not _PLAIN_ID.fullmatch(session_id):
        try:
            session_id = parse_id(session_id)
        except InvalidInput as e:
            raise e.located(file=row.file, line=row.line, field="session_id") from None
    space = values["space"].strip()
    plate = values["plate"].strip()
    if not plate.isascii():
        plate = unicodedata.normalize("NFKC", plate)
    plate = plate.upper()
    kind = parse_kind(values["kind"])
    for field, value in (("space", space), ("plate", plate), ("kind", kind)):
        if not value:
            raise row.error(field, f"'{field}' is empty", f"fill in '{field}' on this line")
    instants = []
    for field in ("entered_at", "exited_at"):
        try:
            instants.append(parse_instant(values[field].strip(), zone))
        except InvalidInput as e:
            raise e.located(file=row.file, line=row.line, field=field) from None
    (entered, entered_offset), (exited, exited_offset) = instants
    if exited <= entered:
        raise row.error("exited_at", f"session {session_id} exits at {values['exited_at']}, "
                        f"{'before' if exited < entered else 'as'} it enters",
                        "check the two times; a session must last longer than zero")
    return (session_id, space, plate, entered, entered_offset, exited, exited_offset, kind)


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None or value.microsecond:
        raise InvalidInput(f"session {attribute.name} {value!r} is not an instant in whole "
                           "seconds with a time zone", field=attribute.name,
                           fix="give a timezone-aware datetime", code=ErrorCode.INVALID_DATE)


@attrs.frozen
class Session:
    """One car on one tidal space from ``entered_at`` to ``exited_at`` (aware datetimes).

    ``kind`` is outsider, resident, or the id of the card the plate parks on."""

    id: str
    space: str
    plate: str
    entered_at: dt.datetime = attrs.field(validator=_aware)
    exited_at: dt.datetime = attrs.field(validator=_aware)
    kind: str

    def __attrs_post_init__(self) -> None:
        if self.exited_at <= self.entered_at:
            raise InvalidInput(f"session {self.id} exits at {self.exited_at.isoformat()}, not "
                               f"after it enters at {self.entered_at.isoformat()}",
                               field="exited_at", fix="a session must last longer than zero")

    @property
    def entered_s(self) -> int:
        """When the car entered, in seconds since the epoch."""
        return int(self.entered_at.timestamp())

    @property
    def exited_s(self) -> int:
        """When the car left, in seconds since the epoch."""
        return int(self.exited_at.timestamp())

    @classmethod
    def from_fields(cls, fields: SessionFields) -> Session:
        """A session from the plain values an import reads (see ``SessionFields``)."""
        sid, space, plate, entered, entered_off, exited, exited_off, kind = fields
        return cls(sid, space, plate, _instant(entered, entered_off), _instant(exited, exited_off),
                   kind)

    @classmethod
    def from_row(cls, row: Row, zone: dt.tzinfo) -> Session:
        """A session from one CSV row; local times are read in ``zone``."""
        return cls.from_fields(session_fields(row, zone))


def _instant(seconds: int, offset_s: int) -> dt.datetime:
    """The instant as it was written: its own offset kept."""
    return dt.datetime.fromtimestamp(seconds, dt.timezone(dt.timedelta(seconds=offset_s)))


@attrs.frozen
class DayCharge:
    """What one local day of a session costs."""

    date: dt.date
    amount: Money


@attrs.frozen
class Terms:
    """How a session's kind is priced: its holder's class and which hours its card covers."""

    holder: Holder
    card: str | None = None
    free_in_windows: bool = False
    free_outside: bool = False

    @property
    def charged(self) -> bool:
        """Residents never pay by the session; their cards are charged by the month."""
        return self.holder is Holder.OUTSIDER and not (self.free_in_windows and self.free_outside)

    @classmethod
    def for_kind(cls, tariff: Tariff, kind: str) -> Terms:
        """The terms of a session's kind: outsider, resident, or one of the tariff's cards."""
        if kind in (Holder.OUTSIDER.value, Holder.RESIDENT.value):
            return cls(Holder(kind))
        card = tariff.card(kind)
        if card is None:
            raise InvalidInput(f"kind {kind!r} is neither outsider, resident nor a card of "
                               f"{tariff.compound}'s tariff", field="kind",
                               fix=f"use one of {', '.join(tariff.kinds())}")
        return cls(card.holder, card.id, card.covers in (Cover.DAY, Cover.ALL),
                   card.covers in (Cover.NIGHT, Cover.ALL))


# One local day, ready for pricing: its midnight and the next (seconds since the epoch, UTC),
# and its open windows as (start_s, end_s, per_unit_fen or -1, per_hour_fen or -1, index).
DayPlan = tuple[int, int, tuple[tuple[int, int, int, int, int], ...]]


def _fen(m: Money | None) -> int:
    return -1 if m is None else m.fen


class Pricer:
    """A tariff and its calendar, ready to price many sessions quickly and exactly."""

    def __init__(self, tariff: Tariff, calendar: Calendar) -> None:
        self.tariff = tariff
        self.calendar = calendar
        self.zone = ZoneInfo(tariff.zone)
        self.unit_s = tariff.unit_minutes * 60
        self.free_s = tariff.free_minutes * 60
        self.cap_fen = -1 if tariff.daily_cap is None else tariff.daily_cap.fen
        self.overstay_fen = tariff.overstay_per_unit.fen
        self._rates = [(_fen(w.per_unit), _fen(w.per_hour)) for w in tariff.windows]
        self._plans: dict[int, DayPlan] = {}
        self._terms: dict[str, Terms] = {}
        reference = dt.datetime.combine(tariff.effective_from, dt.time(), self.zone)
        offset = reference.utcoffset()
        self._guess_s = int(offset.total_seconds()) if offset is not None else 0

    def terms(self, kind: str) -> Terms:
        """The terms of ``kind`` under this tariff, worked out once per kind."""
        found = self._terms.get(kind)
        if found is None:
            found = self._terms[kind] = Terms.for_kind(self.tariff, kind)
        return found

    def _local(self, day: dt.date, minute: int) -> int:
        if minute >= 24 * 60:
            day, minute = day + dt.timedelta(days=1), 0
        moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), self.zone)
        return int(moment.timestamp())

    def plan(self, ordinal: int) -> DayPlan:
        """Local day ``ordinal`` (a date's ordinal): its bounds and open windows."""
        found = self._plans.get(ordinal)
        if found is None:
            day = dt.date.fromordinal(ordinal)
            kind = self.calendar.day_type(day)
            windows = tuple(
                (self._local(day, w.start_minute), self._local(day, w.end_minute),
                 *self._rates[i], i)
                for i, w in enumerate(self.tariff.windows) if w.days.includes(kind))
            found = (self._local(day, 0), self._local(day, 24 * 60), windows)
            self._plans[ordinal] = found
        return found

    def day_of(self, instant_s: int) -> int:
        """The ordinal of the local date ``instant_s`` falls on."""
        ordinal = (instant_s + self._guess_s) // _DAY_S + _EPOCH_ORDINAL
        plan = self.plan(ordinal)
        while instant_s < plan[0]:
            ordinal -= 1
            plan = self.plan(ordinal)
        while instant_s >= plan[1]:
            ordinal += 1
            plan = self.plan(ordinal)
        return ordinal

    def charges_fen(self, entered_s: int, exited_s: int, terms: Terms) -> list[tuple[int, int]]:
        """(local date ordinal, fen) for every local day the session touches, in order."""
        days: list[tuple[int, int]] = []
        ordinal = self.day_of(entered_s)
        charged = terms.charged and exited_s - entered_s > self.free_s
        unit, cap = self.unit_s, self.cap_fen
        while True:
            midnight, next_midnight, windows = self.plan(ordinal)
            start = entered_s if entered_s > midnight else midnight
            end = exited_s if exited_s < next_midnight else next_midnight
            fen = 0
            if charged:
                inside = 0
                for open_s, close_s, per_unit, per_hour, _ in windows:
                    low = start if start > open_s else open_s
                    high = end if end < close_s else close_s
                    if high > low:
                        inside += high - low
                        if not terms.free_in_windows:
                            fen += _rate(high - low, unit, per_unit, per_hour)
                outside = end - start - inside
                if outside and not terms.free_outside:
                    fen += -(-outside // unit) * self.overstay_fen
                if 0 <= cap < fen:
                    fen = cap
            days.append((ordinal, fen))
            if exited_s <= next_midnight:
                return days
            ordinal += 1

    def price(self, session: Session) -> tuple[DayCharge, ...]:
        """What ``session`` costs on each local day it touches, the daily cap applied."""
        currency = self.tariff.currency
        return tuple(DayCharge(dt.date.fromordinal(day), Money(fen, currency)) for day, fen
                     in self.charges_fen(session.entered_s, session.exited_s,
                                         self.terms(session.kind)))


def _rate(seconds: int, unit_s: int, per_unit: int, per_hour: int) -> int:
    """Started units at ``per_unit``, or started hours at ``per_hour``; with both, whole hours
    at ``per_hour`` and the rest by the unit, never more than an hour's price."""
    if per_hour < 0:
        return -(-seconds // unit_s) * per_unit
    if per_unit < 0:
        return -(-seconds // _HOUR_S) * per_hour
    hours, rest = divmod(seconds, _HOUR_S)
    part = -(-rest // unit_s) * per_unit
    return hours * per_hour + (part if part < per_hour else per_hour)


def price(session: Session, tariff: Tariff, calendar: Calendar) -> tuple[DayCharge, ...]:
    """The charge of each local day ``session`` touches under ``tariff`` and ``calendar``."""
    return Pricer(tariff, calendar).price(session)

