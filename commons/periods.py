"""Accounting periods: a month ``YYYY-MM`` (and quarters ``YYYY-Qn`` for disclosure)."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from commons.errors import ErrorCode, InvalidInput

__all__ = ["Period", "as_date", "parse_date"]

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: object) -> dt.date:
    """An accounting date written ``YYYY-MM-DD`` (a local date, no time)."""
    if not isinstance(text, str):
        raise InvalidInput(f"date {text!r} is not text", fix="write dates as \"2026-10-01\"",
                           code=ErrorCode.INVALID_DATE)
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date in the form YYYY-MM-DD",
                           fix="write dates as 2026-10-01", code=ErrorCode.INVALID_DATE) from None


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
