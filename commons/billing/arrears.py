"""Arrears aging (欠费账龄) and the collection rate (收缴率) of property fees.

An invoice's age on a date is the days since it was issued (the first day of its month): 0-30,
31-90, 91-180 or over 180 days. Only invoices issued on or before the date count, with what was
still owed on them that day; each falls in exactly one bucket, so the buckets add up to the
total owed. The collection rate of a compound's month is what was collected on its invoices
over what its households were billed (their residents' lines; subsidies and concessions are not
the residents' to pay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

import attrs

from commons.l10n import percent_text
from commons.money import Money
from commons.periods import Period

__all__ = ["BUCKETS", "AgingReport", "AgingRow", "Arrear", "CollectionRate", "age", "bucket_of"]

BUCKETS = ("0-30", "31-90", "91-180", "over-180")
_UPPER_DAYS = (30, 90, 180)


def bucket_of(days: int) -> int:
    """The index in ``BUCKETS`` of an invoice ``days`` old (0 or more)."""
    assert days >= 0
    for index, upper in enumerate(_UPPER_DAYS):
        if days <= upper:
            return index
    return len(_UPPER_DAYS)


@attrs.frozen
class Arrear:
    """An invoice with something owed on it on the report's date."""

    invoice: str
    household: str
    compound: str
    period: Period
    outstanding: Money
    days: int

    @property
    def bucket(self) -> str:
        """The age bucket the invoice falls in (``0-30`` ... ``over-180`` days)."""
        return BUCKETS[bucket_of(self.days)]


@attrs.frozen
class AgingRow:
    """One compound's arrears by age; ``buckets`` follow ``BUCKETS``."""

    compound: str
    buckets: tuple[Money, ...]
    households: int

    @property
    def total(self) -> Money:
        """Everything the row owes, over all buckets."""
        return sum(self.buckets, Money.zero())


@attrs.frozen
class AgingReport:
    """Arrears by age on ``as_of``: a row per compound, and every invoice still owed."""

    as_of: dt.date
    rows: tuple[AgingRow, ...]
    arrears: tuple[Arrear, ...]

    @property
    def buckets(self) -> tuple[Money, ...]:
        """Each bucket summed over the rows."""
        return tuple(sum((r.buckets[i] for r in self.rows), Money.zero())
                     for i in range(len(BUCKETS)))

    @property
    def total(self) -> Money:
        """Everything owed."""
        return sum(self.buckets, Money.zero())


def age(as_of: dt.date, arrears: Iterable[Arrear]) -> AgingReport:
    """Gather ``arrears`` into buckets per compound (ordered by compound id)."""
    listed = sorted(arrears, key=lambda a: (a.compound, a.household, a.period))
    by_compound: dict[str, list[int]] = {}
    owing: dict[str, set[str]] = {}
    for a in listed:
        sums = by_compound.setdefault(a.compound, [0] * len(BUCKETS))
        sums[bucket_of(a.days)] += a.outstanding.fen
        owing.setdefault(a.compound, set()).add(a.household)
    rows = tuple(AgingRow(c, tuple(Money(f) for f in sums), len(owing[c]))
                 for c, sums in sorted(by_compound.items()))
    return AgingReport(as_of, rows, tuple(listed))


@attrs.frozen
class CollectionRate:
    """A compound's month: what its households were billed, and what was collected on it."""

    compound: str
    period: Period
    invoices: int
    billed: Money
    collected: Money
    paid_in_full: int

    @property
    def rate(self) -> Fraction:
        """collected / billed; a month that billed nothing counts as fully collected."""
        if self.billed.fen == 0:
            return Fraction(1)
        return Fraction(self.collected.fen, self.billed.fen)

    @property
    def percent(self) -> str:
        """The rate as percent text."""
        return percent_text(self.rate)
