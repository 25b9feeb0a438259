"""Accounting periods: a month ``YYYY-MM`` (and quarters ``YYYY-Qn`` for disclosure), and the
one reader of the dates and times in users' files (``read_date``, ``read_datetime``)."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from commons.errors import ErrorCode, InvalidInput

__all__ = ["FILE_DATE_FIX", "Period", "as_date", "parse_date", "read_date", "read_datetime"]

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_SEPARATED = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*(Z|[+-][0-9]{2}:?[0-9]{2})?")
FILE_DATE_FIX = "write dates as 2026-10-01, 2026/10/1, 2026.10.1 or 20261001"
_TIME_FIX = ("write a date and time, e.g. 2026-10-08T07:45:00+08:00 or 2026/10/8 7:45 "
             "(without an offset it is local time)")


def _excerpt(text: str) -> str:
    # A spreadsheet's cell may be megabytes long; a message repeats the start of it.
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}..."


def _day(head: str, text: str) -> dt.date:
    m = _COMPACT.fullmatch(head) or _SEPARATED.fullmatch(head)
    if m is None:
        raise InvalidInput(f"{_excerpt(text)} is not a date", fix=FILE_DATE_FIX,
                           code=ErrorCode.INVALID_DATE)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InvalidInput(f"{_excerpt(text)} is not a day of the calendar", fix=FILE_DATE_FIX,
                           code=ErrorCode.INVALID_DATE) from None


def read_date(text: object) -> dt.date:
    """A date in a user's file, however a spreadsheet or a bank wrote it: ``2026-10-01``,
    ``2026/10/1`` (Excel in a Chinese locale), ``2026.10.01``, ``20261001``, ``2026年10月1日``;
    a time after the date (``2026-10-01 09:30:00``, ``...T09:30``) is dropped. Every importer
    reads its date fields through here."""
    if not isinstance(text, str):
        raise InvalidInput(f"date {text!r} is not text", fix=FILE_DATE_FIX,
                           code=ErrorCode.INVALID_DATE)
    return _day(text.strip().replace("T", " ").split(" ", 1)[0], text)


def read_datetime(text: str) -> dt.datetime:
    """A date and time in a user's file: ISO 8601 (``2026-10-08T07:45:00+08:00``), or a date
    as ``read_date`` reads it then ``H:MM`` or ``H:MM:SS`` and an optional offset
    (``2026/10/8 7:45``). Naive when no offset is written."""
    stripped = text.strip()
    if _DATE.match(stripped) and len(stripped) > 10:
        try:  # the fast path: a million parking sessions are mostly ISO
            return dt.datetime.fromisoformat(stripped)
        except ValueError:
            pass
    head, _, rest = stripped.replace("T", " ", 1).partition(" ")
    m = _TIME.fullmatch(rest.strip())
    if m is None:
        raise InvalidInput(f"{_excerpt(text)} is not a date and time", fix=_TIME_FIX,
                           code=ErrorCode.INVALID_DATE)
    try:
        day = _day(head, text)
    except InvalidInput as e:  # its fix offers dates alone: an instant is wanted here
        raise InvalidInput(e.what, fix=_TIME_FIX, code=ErrorCode.INVALID_DATE) from None
    zone = None
    if m.group(4):
        zone = dt.UTC if m.group(4) == "Z" else dt.datetime.strptime(
            m.group(4).replace(":", ""), "%z").tzinfo
    try:
        return dt.datetime(day.year, day.month, day.day, int(m.group(1)), int(m.group(2)),
                           int(m.group(3) or 0), tzinfo=zone)
    except ValueError:
        raise InvalidInput(f"{_excerpt(text)} is not a time of the day", fix=_TIME_FIX,
                           code=ErrorCode.INVALID_DATE) from None


def parse_date(text: object) -> dt.date:
    """An accounting date written ``YYYY-MM-DD`` (a local date, no time)."""
    if not isinstance(text, str):
        raise InvalidInput(f"date {text!r} is not text", fix="write dates as \"2026-10-01\"",
                           code=ErrorCode.INVALID_DATE)
    if not _DATE.fullmatch(text):
        raise InvalidInput(f"{_excerpt(text)} is not a date in the form YYYY-MM-DD",
                           fix="write dates as 2026-10-01", code=ErrorCode.INVALID_DATE)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # the form is right: 2026-02-30, 2026-13-01
        raise InvalidInput(f"{text!r} is not a day of the calendar",
                           fix="give a day the month has, e.g. 2026-02-28",
                           code=ErrorCode.INVALID_DATE) from None


def as_date(value: dt.date | str, field: str) -> dt.date:
    """A date a host gave: a ``datetime.date`` as it is, or text read as ``parse_date`` reads
    it; anything else (a datetime, a number) is an InvalidInput naming ``field``."""
    if isinstance(value, dt.datetime):
        raise InvalidInput(f"{field} {value!r} is a date and time, not a date", field=field,
                           fix="give an accounting date: value.date() or \"2026-10-01\"",
                           code=ErrorCode.INVALID_DATE)
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except InvalidInput as e:
        raise e.located(field=field) from None


@attrs.frozen(order=True)
class Period:
    """One calendar month."""

    year: int
    month: int

    def __attrs_post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 1900 <= self.year <= 9999):
            raise InvalidInput(f"period {self.year}-{self.month:02d} is not a month",
                               fix="write a period as YYYY-MM, e.g. 2026-10",
                               code=ErrorCode.INVALID_DATE)

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month written ``YYYY-MM``, e.g. ``2026-10``."""
        m = _MONTH.fullmatch(text.strip())
        if not m:
            raise InvalidInput(f"{text!r} is not a period in the form YYYY-MM",
                               fix="write a period as YYYY-MM, e.g. 2026-10",
                               code=ErrorCode.INVALID_DATE)
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        """The month's first day."""
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        """The month's last day."""
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Period:
        """The month after this one."""
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in this month."""
        return day.year == self.year and day.month == self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
