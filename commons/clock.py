"""Clocks: the only way the library learns what time it is.

Domain functions take ``now`` as an argument; the api layer holds a ``Clock`` and asks it. Tests
pass a ``FixedClock`` so that every date in a test is one the test chose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

from commons.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    import pendulum

__all__ = ["DEFAULT_ZONE", "Clock", "FixedClock", "SystemClock"]

DEFAULT_ZONE = "Asia/Shanghai"


class Clock(Protocol):
    """Something that tells the current instant, in the zone accounting dates are kept in."""

    @property
    def zone(self) -> str:
        """The IANA time zone accounting dates are kept in, e.g. ``Asia/Shanghai``."""
        ...

    def now(self) -> pendulum.DateTime:
        """The current instant, in ``zone``."""
        ...

    def today(self) -> pendulum.Date:
        """Today's date in ``zone``."""
        ...


@attrs.frozen
class SystemClock:
    """The real clock, read in ``zone`` (Asia/Shanghai unless configured)."""

    zone: str = DEFAULT_ZONE

    def now(self) -> pendulum.DateTime:
        """The machine's current instant, in ``zone``."""
        import pendulum  # noqa: PLC0415 - imported on first use: it costs every CLI call ~80 ms

        return pendulum.now(self.zone)

    def today(self) -> pendulum.Date:
        """Today's date in ``zone``."""
        return self.now().date()


@attrs.frozen
class FixedClock:
    """A clock that always says the same instant; for tests and reproducible demos."""

    at: pendulum.DateTime
    zone: str = DEFAULT_ZONE

    @classmethod
    def parse(cls, text: str, zone: str = DEFAULT_ZONE) -> FixedClock:
        """A clock stopped at ``text`` (``2026-10-31T18:00:00``), read as local time in ``zone``."""
        import pendulum  # noqa: PLC0415 - see SystemClock.now

        try:
            parsed = pendulum.parse(text, tz=zone)
        except ValueError:  # pendulum's ParserError is a ValueError
            parsed = None
        if not isinstance(parsed, pendulum.DateTime):
            raise InvalidInput(f"{text!r} is not a date and time",
                               fix="write an instant such as 2026-10-31T18:00:00",
                               code=ErrorCode.INVALID_DATE)
        return cls(parsed, zone)

    def now(self) -> pendulum.DateTime:
        """The instant the clock is stopped at, in ``zone``."""
        return self.at.in_timezone(self.zone)

    def today(self) -> pendulum.Date:
        """The date the clock is stopped at, in ``zone``."""
        return self.now().date()
