"""Monthly property-fee invoices: one per household and month, exact to the fen.

The gross fee is the schedule's price in force on the month's first day times the household's
building area, rounded once by the schedule's rule. The schedule's share plan then divides the
gross among those who carry it: a subsidy line per paying party (e.g. the street office), the
firm's concession, and last the residents' line, which is what the household owes. The lines
always sum to the gross. An invoice is dated the first day of its month; its id is
``HOUSEHOLD:YYYY-MM``, so issuing a month twice finds the first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

import attrs

from commons.billing.fees import FeeSchedule, Regime, Rounding, Terms, fee_fen
from commons.errors import InvalidInput
from commons.estate.household import Household
from commons.money import Money
from commons.periods import Period

__all__ = ["Invoice", "InvoiceLine", "LineKind", "MonthPricer", "invoice_id", "line_kinds"]


class LineKind(StrEnum):
    """Who carries a line of an invoice."""

    SUBSIDY = "subsidy"  # 政府补一点: a public body pays it
    CONCESSION = "concession"  # 企业让一点: the firm gives it up
    RESIDENT = "resident"  # 居民出一点: the household owes it


@attrs.frozen
class InvoiceLine:
    """One line of an invoice: who carries it (subsidy, concession or the resident) and how much."""

    kind: LineKind
    party: str
    amount: Money


def line_kinds(schedule: FeeSchedule) -> tuple[tuple[LineKind, str], ...]:
    """Each stage of the schedule's plan as the kind of line it makes, with its party."""
    stages = schedule.plan.stages
    last = len(stages) - 1
    return tuple((LineKind.RESIDENT if i == last else LineKind.CONCESSION
                  if s.party == schedule.concession_party else LineKind.SUBSIDY, s.party)
                 for i, s in enumerate(stages))


def invoice_id(household: str, period: Period) -> str:
    """The id of ``household``'s invoice for ``period`` (``wjxc-1-101:2026-10``)."""
    return f"{household}:{period}"


def _as_lines(lines: tuple[InvoiceLine, ...] | list[InvoiceLine]) -> tuple[InvoiceLine, ...]:
    return tuple(lines)


@attrs.frozen
class Invoice:
    """A household's fee for one month, and who carries which part of it."""

    household: str
    compound: str
    schedule: str
    period: Period
    area_m2: Decimal
    price: Money
    rounding: Rounding
    regime: Regime
    gross: Money
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=_as_lines)
    id: str = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", invoice_id(self.household, self.period))
        lines = self.lines
        if (not lines or lines[-1].kind is not LineKind.RESIDENT
                or any(line.kind is LineKind.RESIDENT for line in lines[:-1])):
            raise InvalidInput(f"invoice {self.id} must end with its one resident line",
                               fix="build invoices with MonthPricer.invoice")
        # Whole fen, one currency: a sum of Money objects would cost a value per line.
        if (sum(line.amount.fen for line in lines) != self.gross.fen
                or any(line.amount.currency != self.gross.currency for line in lines)):
            raise InvalidInput(f"invoice {self.id}: its lines do not sum to the gross {self.gross}",
                               fix="build invoices with MonthPricer.invoice")

    @property
    def issued_on(self) -> dt.date:
        """The day the invoice is issued: its month's first day."""
        return self.period.first_day

    @property
    def due(self) -> Money:
        """What the household owes: the residents' line."""
        return self.lines[-1].amount


class MonthPricer:
    """Prices one month under one schedule. Households with equal fees get equal lines, so the
    share plan is worked out once per distinct gross fee (a compound has few)."""

    def __init__(self, schedule: FeeSchedule, period: Period) -> None:
        terms = schedule.terms(period)
        if terms is None:
            schedule.rate_for(period)  # raises: no price in force
        assert terms is not None
        self.schedule = schedule
        self.period = period
        self.terms: Terms = terms
        self._kinds = line_kinds(schedule)
        self._by_gross: dict[int, tuple[Money, tuple[InvoiceLine, ...]]] = {}

    def lines(self, area_m2: Decimal) -> tuple[Money, tuple[InvoiceLine, ...]]:
        """The gross fee for ``area_m2`` and its lines."""
        terms = self.terms
        hundredths = area_m2.scaleb(2)
        assert hundredths == hundredths.to_integral_value(), area_m2
        fen = fee_fen(terms.price, int(hundredths), terms.rounding)
        known = self._by_gross.get(fen)
        if known is None:
            gross = Money(fen, terms.price.currency)
            lines = tuple(InvoiceLine(kind, share.party, share.amount) for (kind, _), share
                          in zip(self._kinds, terms.plan.apply(gross), strict=True))
            known = self._by_gross[fen] = (gross, lines)
        return known

    def invoice(self, household: Household, compound: str) -> Invoice:
        """The month's invoice of ``household`` of ``compound``, its lines split by the
        schedule's plan."""
        gross, lines = self.lines(household.area_m2)
        t = self.terms
        return Invoice(household.id, compound, self.schedule.id, self.period, household.area_m2,
                       t.price, t.rounding, t.regime, gross, lines)
