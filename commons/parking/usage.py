"""How tidal spaces are used: outsiders against each window's allowance, occupancy by hour of
day, and how much of the owners' fee bill the parking income covers.

"Never rent more than is idle": a tariff says how many spaces may go to outsiders in each
window, and ``allowance_breaches`` sweeps the sessions in order of entry, keeping only the cars
still parked, to find each window's peak. ``occupancy_by_hour`` spreads every session over the
local hours of the month. Pure: values in, values out; memory holds the cars parked at once.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from fractions import Fraction

import attrs

from commons.money import Money
from commons.parking.month import CompoundBill, StoredSession, TariffBook
from commons.parking.pricing import Pricer
from commons.parking.tariff import Holder
from commons.periods import Period

__all__ = [
    "Breach",
    "HourOccupancy",
    "ParkingReport",
    "allowance_breaches",
    "occupancy_by_hour",
]

_HOUR_S = 3_600


@attrs.frozen
class Breach:
    """A window on a date when more outsiders parked at once than the tariff allows."""

    compound: str
    date: dt.date
    window: str
    span: str
    peak: int
    allowed: int


def _holder(book: TariffBook, entered_s: int, kind: str) -> Holder | None:
    pricer = book.pricer_on(book.latest.day_of(entered_s))
    return None if pricer is None else pricer.terms(kind).holder


def _occurrences(book: TariffBook, start_s: int, end_s: int
                 ) -> Iterator[tuple[int, int, dt.date, str, str, int]]:
    """Each window opening between the instants: (open, close, date, name, span, allowed)."""
    latest = book.latest
    for ordinal in range(latest.day_of(start_s), latest.day_of(max(start_s, end_s - 1)) + 1):
        pricer = book.pricer_on(ordinal)
        if pricer is None:
            continue
        day = dt.date.fromordinal(ordinal)
        for open_s, close_s, _, _, index in pricer.plan(ordinal)[2]:
            window = pricer.tariff.windows[index]
            yield open_s, close_s, day, window.name, window.span, window.outside_spaces


def allowance_breaches(book: TariffBook, sessions: Iterable[tuple[int, int, str]],
                       start_s: int, end_s: int) -> tuple[Breach, ...]:
    """Windows between ``start_s`` and ``end_s`` whose outsiders exceed the allowance.

    ``sessions`` are (entered_s, exited_s, kind) in order of entry; each window's peak is the
    number of outsiders parked when it opens or when any outsider arrives during it.
    """
    parked: list[int] = []  # exits of the outsiders parked now, a min-heap
    found: list[Breach] = []
    windows = iter(sorted(_occurrences(book, start_s, end_s)))
    current = next(windows, None)
    peak = -1  # the open window's peak so far; -1 until it has opened

    def leave_until(t: int) -> None:
        while parked and parked[0] <= t:
            heapq.heappop(parked)

    def close() -> None:
        nonlocal current, peak
        assert current is not None
        if peak < 0:  # nobody arrived while it was open: count those already there
            leave_until(current[0])
            peak = len(parked)
        if peak > current[5]:
            found.append(Breach(book.compound, current[2], current[3], current[4], peak,
                                current[5]))
        current, peak = next(windows, None), -1

    for entered, exited, kind in sessions:
        if _holder(book, entered, kind) is not Holder.OUTSIDER:
            continue
        while current is not None and entered >= current[1]:
            close()
        if current is not None and entered > current[0] and peak < 0:
            leave_until(current[0])
            peak = len(parked)
        leave_until(entered)
        heapq.heappush(parked, exited)
        if current is not None and entered >= current[0]:
            peak = max(peak, len(parked))
    while current is not None:
        close()
    return tuple(found)


@attrs.frozen
class HourOccupancy:
    """Cars parked on average during one local hour of the day, over the month."""

    hour: int
    residents: Fraction
    outsiders: Fraction


def _spread(pricer: Pricer, start: int, end: int, into: list[int]) -> None:
    """Add the seconds of [start, end) to ``into``'s local hours of the day."""
    ordinal = pricer.day_of(start)
    while start < end:
        midnight, next_midnight, _ = pricer.plan(ordinal)
        stop = min(end, next_midnight)
        while start < stop:
            hour = min((start - midnight) // _HOUR_S, 23)
            hour_end = min(stop, midnight + (hour + 1) * _HOUR_S) if hour < 23 else stop
            into[hour] += hour_end - start
            start = hour_end
        ordinal += 1


def occupancy_by_hour(book: TariffBook, period: Period, sessions: Iterable[StoredSession]
                      ) -> tuple[HourOccupancy, ...]:
    """For each local hour of the day, the residents' and the outsiders' cars parked on
    average during it over ``period``."""
    first, last = book.bounds(period)
    seconds = {Holder.RESIDENT: [0] * 24, Holder.OUTSIDER: [0] * 24}
    for _, _, _, entered, exited, kind in sessions:
        holder = _holder(book, entered, kind)
        start, end = max(entered, first), min(exited, last)
        if holder is not None and start < end:
            _spread(book.latest, start, end, seconds[holder])
    days = (period.last_day - period.first_day).days + 1
    return tuple(HourOccupancy(h, Fraction(seconds[Holder.RESIDENT][h], _HOUR_S * days),
                               Fraction(seconds[Holder.OUTSIDER][h], _HOUR_S * days))
                 for h in range(24))


@attrs.frozen
class ParkingReport:
    """A compound's month of tidal parking, as a street office would present it."""

    compound: str
    period: Period
    spaces: tuple[str, ...]
    occupancy: tuple[HourOccupancy, ...]
    bill: CompoundBill
    breaches: tuple[Breach, ...]
    fee_bill: Money | None = None

    @property
    def owners_income(self) -> Money:
        """The owners' share of the month's parking income."""
        return self.bill.share_of("owners")

    @property
    def covered(self) -> Fraction | None:
        """The share of the owners' fee bill their parking income paid (1 = all of it)."""
        if self.fee_bill is None or not self.fee_bill:
            return None
        return Fraction(self.owners_income.fen, self.fee_bill.fen)

    def income_by_space(self) -> tuple[tuple[str, Money], ...]:
        """Every tidal space with what it earned, those that earned nothing included."""
        earned = dict(self.bill.by_space)
        zero = Money.zero(self.bill.total.currency)
        return tuple((s, earned.get(s, zero)) for s in sorted(set(self.spaces) | set(earned)))
