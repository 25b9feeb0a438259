"""What volunteer points report, as use cases: a person's balance and statement, and a
programme's report for a period (its points from the journal, their yuan liability against the
sponsor fund with a warning when the fund cannot cover it, and the points per building for the
notice board). ``PointsService`` is ``books.points``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from commons.app.points_admin import PointsAdmin
from commons.app.points_spending import fund_and_due
from commons.errors import NotFound
from commons.money import Money
from commons.points.model import UNIT
from commons.points.postings import accounts_of
from commons.points.reports import (
    BuildingPoints,
    Liability,
    Statement,
    building_points,
    held_as_of,
)
from commons.revenue.disclosure import DisclosurePeriod

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["PointsBalance", "PointsReport", "PointsService"]


@attrs.frozen
class PointsBalance:
    """A person's points in a programme: held, and spendable on ``as_of`` (lots on or past
    their expiry day are held until ``points expire`` moves them, but cannot be spent)."""

    person: str
    programme: str
    as_of: dt.date
    balance: int
    spendable: int
    value: Money


@attrs.frozen
class PointsReport:
    """A programme's report for a month or quarter: the liability as of its last day, and the
    points earned in it per building."""

    programme: str
    period: str
    first_day: dt.date
    last_day: dt.date
    liability: Liability
    buildings: tuple[BuildingPoints, ...]


class PointsService(PointsAdmin):
    """``books.points``: programmes, members, rosters, the shelf, redemptions, transfers,
    expiry and reports."""

    def _person_programme(self, t: Tables, person: str, programme: str | None) -> str:
        if programme is not None:
            self._programme(t, programme)
            if person not in t.points.members(programme, [person]):
                raise NotFound(f"{person} is not a member of points programme {programme}",
                               field="person", fix="check the id, or enrol them first "
                               "(commons points member add)",
                               context={"kind": "member", "id": person})
            return programme
        found = t.points.member_programmes(person)
        if len(found) != 1:
            raise NotFound(f"{person} is " + ("not a member of any points programme"
                                              if not found else
                                              f"a member of {len(found)} programmes"),
                           field="programme", fix="name the programme (--programme), or "
                           "check the id", context={"kind": "member", "id": person})
        return found[0]

    def statement(self, person: str, *, programme: str | None = None,
                  as_of: dt.date | str | None = None) -> Statement:
        """``person``'s lots (earned, remaining, expiry) and movements in ``programme`` (the
        one they are a member of, if only one) as of the end of ``as_of`` (default: today):
        only what is dated on or before it counts."""
        day = self._today(as_of, "as_of")
        with self.reader.read() as t:
            pid = self._person_programme(t, person, programme)
            lots, movements = held_as_of(t.points.lots(pid, person),
                                         t.points.movements(pid, person), day)
            return Statement(person, pid, day, lots, movements)

    def balance(self, person: str, *, programme: str | None = None,
                as_of: dt.date | str | None = None) -> PointsBalance:
        """``person``'s points held and spendable at the end of ``as_of`` (default: today),
        and what those are worth."""
        s = self.statement(person, programme=programme, as_of=as_of)
        with self.reader.read() as t:
            p = self._programme(t, s.programme)
        return PointsBalance(person, s.programme, s.as_of, s.balance, s.spendable,
                             p.value_of(s.spendable))

    def report(self, programme: str, period: str) -> PointsReport:
        """``programme``'s points issued, held, spent and expired (from the journal, as of the
        period's last day), their liability against the sponsor fund, and the points earned in
        the period per building: names of those who agreed, a count of the others."""
        span = DisclosurePeriod.parse(period)
        with self.reader.read() as t:
            p = self._programme(t, programme)
            names = accounts_of(p.id)
            sums: dict[str, int] = {}
            for kind in ("expenses", "liabilities", "income"):
                for name, money in t.ledger.balances(f"{kind}:points:{p.id}",
                                                     as_of=span.last_day):
                    assert money.currency == UNIT, (name, money)
                    role = "held" if kind == "liabilities" else name.rpartition(":")[2]
                    sums[role] = sums.get(role, 0) + money.fen
            fund, due = fund_and_due(t, names, span.last_day)
            liability = Liability(p.id, sums.get("issued", 0), -sums.get("held", 0),
                                  -sums.get("redeemed", 0), -sums.get("expired", 0),
                                  # A spend dated before its roster was confirmed (the
                                  # issue entry's day) leaves a period's held figure below
                                  # zero at its end: nothing is owed for it then.
                                  p.value_of(max(0, -sums.get("held", 0))),
                                  fund, due)
            rows = t.points.by_building(p.id, span.first_day, span.last_day)
        return PointsReport(p.id, span.label, span.first_day, span.last_day, liability,
                            building_points(rows))
