"""Tidal-parking tariffs (潮汐车位收费办法) and the calendar of working days they follow.

A tariff belongs to one compound from a date on. It opens time windows in local time in which
outsiders may park (e.g. 07:30-18:30 on working days, for the hospital next door), each with a
price per started unit (15 minutes unless the tariff says otherwise) and/or per hour and the
number of spaces that may go to outsiders then, since a compound never rents more than is idle.
Outside every window an outsider pays the overstay rate. Sessions no longer than the free
minutes cost nothing; no local day of a session costs more than the daily cap. Night, day and
monthly cards for residents and outsiders cover their hours for a price per month.

Chinese public holidays move every year, and weekends are worked to make up for them (调休),
so the tariff file lists both: the ``Calendar`` says whether a date is a working or a rest day.
Everything is parsed from TOML (see ``TARIFF_HELP``) into frozen values; nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from commons.clock import DEFAULT_ZONE
from commons.errors import CommonsError, InvalidInput
from commons.files import read_toml
from commons.money import CURRENCY, Money

__all__ = [
    "TARIFF_HELP",
    "Calendar",
    "Card",
    "Cover",
    "DayType",
    "Holder",
    "Sharing",
    "Tariff",
    "TariffFile",
    "Window",
    "WindowDays",
    "parse_clock_time",
]

MINUTES_PER_DAY = 24 * 60
DEFAULT_OWNERS_PERCENT = Decimal(50)  # owners' share when an operator runs the parking
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_ID = re.compile(r"[\w][\w\-]*")
_RANGE = ".."

TARIFF_HELP = """\b
FILE (TOML), one compound's tariff from a date on:
  compound = "wjxc"
  effective_from = "2026-01-01"
  unit_minutes = 15            # a started unit is paid whole (default 15)
  free_minutes = 15            # sessions this short cost nothing (default 0)
  daily_cap = "40.00"          # no local day of a session costs more (optional)
  overstay_per_unit = "3.00"   # outsiders outside every window (default 0)
  [sharing]                    # used while the compound has no `commons revenue rule`
  operator = "Yuhua Parking Co."   # without one the owners keep all
  owners_percent = "50"        # default 50 when an operator runs it
  [[window]]                   # when outsiders may park
  name = "hospital-day"
  days = "working"             # working | rest | every
  start = "07:30"
  end = "18:30"
  outside_spaces = 30          # at most this many spaces to outsiders
  per_unit = "1.00"            # and/or per_hour = "3.00"
  [[card]]
  id = "resident-night"
  holder = "resident"          # resident | outsider
  covers = "night"             # night (outside the windows) | day | all
  price = "60.00"              # per month, for each plate that parks on it
  [calendar]                   # the year's public holidays and make-up working days
  holidays = ["2026-10-01..2026-10-07"]
  workdays = ["2026-09-20", "2026-10-10"]
"""


class DayType(StrEnum):
    """Whether a date is a working day or a rest day, by the tariff's calendar."""

    WORKING = "working"
    REST = "rest"


class WindowDays(StrEnum):
    """Which days a window opens on."""

    WORKING = "working"
    REST = "rest"
    EVERY = "every"

    def includes(self, day: DayType) -> bool:
        """Whether a window of these days opens on a day of type ``day``."""
        return self is WindowDays.EVERY or self.value == day.value


class Holder(StrEnum):
    """Who holds a card, or parks without one: a resident or an outsider."""

    RESIDENT = "resident"
    OUTSIDER = "outsider"


class Cover(StrEnum):
    """The hours a card covers: outside every window, inside them, or all the time."""

    NIGHT = "night"
    DAY = "day"
    ALL = "all"


def _problem(field: str, what: str, fix: str) -> InvalidInput:
    return InvalidInput(what, field=field, fix=fix)


def parse_clock_time(text: object, field: str, *, end: bool = False) -> int:
    """``HH:MM`` as minutes after midnight; ``24:00`` only as the end of a window."""
    m = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    minutes = int(m.group(1)) * 60 + int(m.group(2)) if m else -1
    limit = MINUTES_PER_DAY if end else MINUTES_PER_DAY - 1
    if m is None or int(m.group(2)) > 59 or not 0 <= minutes <= limit:
        raise _problem(field, f"{text!r} is not a time of day",
                       "write a local time as HH:MM, e.g. \"07:30\" (\"24:00\" ends a day)")
    return minutes


def _dates(values: object, field: str) -> frozenset[dt.date]:
    if not isinstance(values, list):
        raise _problem(field, f"{field} must be a list of dates",
                       f'write {field} = ["2026-10-01..2026-10-07", "2026-10-10"]')
    days: set[dt.date] = set()
    for value in values:
        first, _, last = str(value).partition(_RANGE)
        try:
            start = dt.date.fromisoformat(first.strip())
            stop = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise _problem(field, f"{value!r} is not a date or a range of dates",
                           "write 2026-10-01 or 2026-10-01..2026-10-07") from None
        if stop < start:
            raise _problem(field, f"the range {value!r} ends before it starts",
                           "write the earlier date first")
        days.update(start + dt.timedelta(days=n) for n in range((stop - start).days + 1))
    return frozenset(days)


@attrs.frozen
class Calendar:
    """Public holidays (rest days even on a weekday) and make-up working days (调休上班)."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def __attrs_post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            raise _problem("calendar", f"{both[0]} is listed both as a holiday and as a "
                           "working day", "list each date once")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Calendar:
        """From a tariff file's ``[calendar]`` table (``holidays``, ``workdays``)."""
        _only(data, {"holidays", "workdays"}, "calendar")
        return cls(_dates(data.get("holidays", []), "calendar.holidays"),
                   _dates(data.get("workdays", []), "calendar.workdays"))

    def day_type(self, day: dt.date) -> DayType:
        """Working or rest: make-up working days work, holidays and weekends rest."""
        if day in self.workdays:
            return DayType.WORKING
        if day in self.holidays or day.weekday() >= 5:
            return DayType.REST
        return DayType.WORKING


def _money(data: Mapping[str, Any], key: str, field: str, currency: str) -> Money | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _problem(field, f"{field} = {value!r} is not an amount",
                       f'write {key} = "12.50" in quotes, so it stays exact to the fen')
    try:
        amount = Money.parse(str(value), currency)
    except CommonsError as e:
        raise e.located(field=field) from None
    if amount.is_negative():
        raise _problem(field, f"{field} is negative", "prices are zero or more")
    return amount


def _int(data: Mapping[str, Any], key: str, field: str, default: int | None, low: int,
         high: int) -> int:
    value = data.get(key, default)
    if type(value) is not int or not low <= value <= high:
        raise _problem(field, f"{field} = {value!r} is not a whole number from {low} to {high}",
                       f"write {key} = a whole number, e.g. {max(low, min(15, high))}")
    return value


def _choice(data: Mapping[str, Any], key: str, field: str, choices: type[Any]) -> Any:
    value = data.get(key)
    try:
        return choices(str(value).strip().lower())
    except ValueError:
        codes = " | ".join(c.value for c in choices)
        raise _problem(field, f"{field} = {value!r} is not one of {codes}",
                       f"write {key} = one of {codes}") from None


def _ident(data: Mapping[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _problem(field, f"{field} = {value!r} is not a name",
                       f"write {key} = letters, digits and -, e.g. \"hospital-day\"")
    return value


def _only(data: Mapping[str, Any], keys: Iterable[str], field: str) -> None:
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise _problem(f"{field}.{unknown[0]}" if field else unknown[0],
                       f"unknown key '{unknown[0]}'", f"use only {', '.join(sorted(keys))}")


@attrs.frozen
class Window:
    """A daily span in local time, ``start`` to ``end`` minutes after midnight, in which
    outsiders may park at most ``outside_spaces`` spaces and pay its rates."""

    name: str
    days: WindowDays
    start_minute: int
    end_minute: int
    outside_spaces: int
    per_unit: Money | None
    per_hour: Money | None

    _KEYS = ("name", "days", "start", "end", "outside_spaces", "per_unit", "per_hour")

    def __attrs_post_init__(self) -> None:
        if self.end_minute <= self.start_minute:
            raise _problem(f"window {self.name}", f"window {self.name} ends before it starts",
                           "a window lies within one day: split a night into two windows")
        if self.per_unit is None and self.per_hour is None:
            raise _problem(f"window {self.name}", f"window {self.name} has no price",
                           "give per_unit and/or per_hour")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], index: int, currency: str) -> Window:
        """The ``index``-th ``[[window]]`` table of a tariff file; errors name ``window[i].key``."""
        where = f"window[{index}]"
        _only(data, cls._KEYS, where)
        return cls(_ident(data, "name", f"{where}.name"),
                   _choice(data, "days", f"{where}.days", WindowDays),
                   parse_clock_time(data.get("start"), f"{where}.start"),
                   parse_clock_time(data.get("end"), f"{where}.end", end=True),
                   _int(data, "outside_spaces", f"{where}.outside_spaces", None, 0, 10**6),
                   _money(data, "per_unit", f"{where}.per_unit", currency),
                   _money(data, "per_hour", f"{where}.per_hour", currency))

    def overlaps(self, other: Window) -> bool:
        """Whether the two windows share any minute of any day."""
        shared_days = (self.days is WindowDays.EVERY or other.days is WindowDays.EVERY
                       or self.days is other.days)
        return (shared_days and self.start_minute < other.end_minute
                and other.start_minute < self.end_minute)

    @property
    def span(self) -> str:
        """The window's hours as ``HH:MM-HH:MM``."""
        def hhmm(minute: int) -> str:
            return f"{minute // 60:02d}:{minute % 60:02d}"
        return f"{hhmm(self.start_minute)}-{hhmm(self.end_minute)}"


@attrs.frozen
class Card:
    """A card sold by the month: its holder's class, the hours it covers and its price."""

    id: str
    holder: Holder
    covers: Cover
    price: Money

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], index: int, currency: str) -> Card:
        """The ``index``-th ``[[card]]`` table of a tariff file; errors name ``card[i].key``."""
        where = f"card[{index}]"
        _only(data, ("id", "holder", "covers", "price"), where)
        price = _money(data, "price", f"{where}.price", currency)
        if price is None:
            raise _problem(f"{where}.price", f"card {data.get('id')!r} has no price",
                           'write price = "60.00" (per month)')
        card = cls(_ident(data, "id", f"{where}.id"),
                   _choice(data, "holder", f"{where}.holder", Holder),
                   _choice(data, "covers", f"{where}.covers", Cover), price)
        if card.id in {h.value for h in Holder}:
            raise _problem(f"{where}.id", f"a card cannot be called {card.id!r}",
                           "that word is a session kind; name the card e.g. resident-night")
        return card


@attrs.frozen
class Sharing:
    """Who shares the income: the operator running the parking, if any, and the owners."""

    operator: str | None = None
    owners_percent: Decimal = Decimal(100)

    def __attrs_post_init__(self) -> None:
        if (not Decimal(0) <= self.owners_percent <= Decimal(100)
                or self.owners_percent != self.owners_percent.quantize(Decimal("0.01"))):
            raise _problem("sharing.owners_percent", "owners_percent is not a percentage from "
                           "0 to 100 with at most two decimals", 'write owners_percent = "50"')
        if self.operator == "owners":
            raise _problem("sharing.operator", "the operator cannot be called 'owners'",
                           "that is the owners' own share; name the operating firm")
        if self.operator is None and self.owners_percent != 100:
            raise _problem("sharing.operator", "a share is left over but no operator takes it",
                           "name the operator, or leave owners_percent out")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Sharing:
        """From a tariff file's ``[sharing]`` table (``operator``, ``owners_percent``)."""
        _only(data, ("operator", "owners_percent"), "sharing")
        operator = data.get("operator")
        if operator is not None and (not isinstance(operator, str) or not operator.strip()):
            raise _problem("sharing.operator", "operator must be a name",
                           'write operator = "Yuhua Parking Co."')
        default = DEFAULT_OWNERS_PERCENT if operator else Decimal(100)
        raw = data.get("owners_percent", default)
        try:
            percent = Decimal(str(raw)) if not isinstance(raw, float | bool) else Decimal("nan")
        except InvalidOperation:
            percent = Decimal("nan")
        if not percent.is_finite():
            raise _problem("sharing.owners_percent", f"owners_percent {raw!r} is not a number",
                           'write owners_percent = "50" (quoted, so it stays exact)')
        return cls(operator.strip() if operator else None, percent)

    @property
    def operator_percent(self) -> Decimal:
        """The operator's share, %: what the owners do not keep."""
        return Decimal(100) - self.owners_percent


@attrs.frozen
class Tariff:
    """What a compound charges for its tidal spaces from ``effective_from`` on."""

    compound: str
    effective_from: dt.date
    windows: tuple[Window, ...]
    unit_minutes: int = 15
    free_minutes: int = 0
    daily_cap: Money | None = None
    overstay_per_unit: Money = attrs.field(factory=Money.zero)
    cards: tuple[Card, ...] = ()
    zone: str = DEFAULT_ZONE
    currency: str = CURRENCY

    def __attrs_post_init__(self) -> None:
        for i, window in enumerate(self.windows):
            for other in self.windows[i + 1:]:
                if window.overlaps(other):
                    raise _problem("window", f"windows {window.name} and {other.name} overlap",
                                   "on any one day, windows must not overlap")
        names = [w.name for w in self.windows]
        ids = [c.id for c in self.cards]
        for kind, values in (("window", names), ("card", ids)):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise _problem(kind, f"two {kind}s are called {repeated[0]}",
                               f"give each {kind} its own name")

    def card(self, id: str) -> Card | None:
        """The card called ``id``, or None."""
        return next((c for c in self.cards if c.id == id), None)

    def kinds(self) -> tuple[str, ...]:
        """What a session's kind may say under this tariff."""
        return (Holder.OUTSIDER.value, Holder.RESIDENT.value, *(c.id for c in self.cards))


_TOP_KEYS = ("compound", "effective_from", "unit_minutes", "free_minutes", "daily_cap",
             "overstay_per_unit", "zone", "currency", "sharing", "window", "card", "calendar")


def _zone(value: object) -> str:
    if not isinstance(value, str):
        raise _problem("zone", f"zone {value!r} is not a time zone name",
                       'write zone = "Asia/Shanghai"')
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _problem("zone", f"{value!r} is not a known time zone",
                       'write an IANA zone name such as "Asia/Shanghai"') from None
    return value


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _problem(key, f"{key} must be a list of tables", f"write each as [[{key}]]")
    return value


@attrs.frozen
class TariffFile:
    """A tariff as loaded from one TOML file: the tariff, its calendar, the sharing rule and
    the text itself (kept, so that loading the same file again is recognised)."""

    tariff: Tariff
    calendar: Calendar
    sharing: Sharing
    source: str

    @property
    def content_hash(self) -> str:
        """The sha256 of the file's text: the same file loaded again is recognised by it."""
        return hashlib.sha256(self.source.encode()).hexdigest()

    @classmethod
    def parse(cls, text: str, *, file: str | None = None) -> TariffFile:
        """Parse and check a tariff file; every problem names the file and the field."""
        data = read_toml(text, "the tariff", file)
        try:
            return cls._from_mapping(data, text)
        except CommonsError as e:
            raise e.located(file=file) from None

    @classmethod
    def _from_mapping(cls, data: Mapping[str, Any], text: str) -> TariffFile:
        _only(data, _TOP_KEYS, "")
        currency = str(data.get("currency", CURRENCY))
        compound = _ident(data, "compound", "compound")
        try:
            effective = dt.date.fromisoformat(str(data.get("effective_from")))
        except ValueError:
            raise _problem("effective_from", "effective_from is not a date",
                           'write effective_from = "2026-01-01"') from None
        windows = tuple(Window.from_mapping(w, i, currency)
                        for i, w in enumerate(_tables(data, "window")))
        cards = tuple(Card.from_mapping(c, i, currency)
                      for i, c in enumerate(_tables(data, "card")))
        tariff = Tariff(
            compound, effective, windows,
            unit_minutes=_int(data, "unit_minutes", "unit_minutes", 15, 1, MINUTES_PER_DAY),
            free_minutes=_int(data, "free_minutes", "free_minutes", 0, 0, MINUTES_PER_DAY),
            daily_cap=_money(data, "daily_cap", "daily_cap", currency),
            overstay_per_unit=(_money(data, "overstay_per_unit", "overstay_per_unit", currency)
                               or Money.zero(currency)),
            cards=cards, zone=_zone(data.get("zone", DEFAULT_ZONE)), currency=currency)
        calendar = data.get("calendar", {})
        sharing = data.get("sharing", {})
        if not isinstance(calendar, dict) or not isinstance(sharing, dict):
            raise _problem("calendar", "calendar and sharing must be tables",
                           "write them as [calendar] and [sharing]")
        return cls(tariff, Calendar.from_mapping(calendar), Sharing.from_mapping(sharing), text)
