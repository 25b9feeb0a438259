"""Volunteer points tables: programmes with their kinds, staff, shelf and members; rosters and
their lines; lots; movements; and the acts keyed by the host's id (redemptions, transfers).

Every method runs inside the caller's transaction. Points are INTEGER counts, yuan INTEGER fen
with a currency, dates TEXT ``YYYY-MM-DD``. Bulk writes go through ``executemany``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from commons.ledger.accounts import Account
from commons.money import Money
from commons.periods import Period
from commons.points.earning import LineRow, RosterLine
from commons.points.lots import RETURNED, Draw, Lot
from commons.points.model import ActivityKind, Member, Programme, ShelfItem, Staff
from commons.points.reports import Movement
from commons.store.queries import where_in

__all__ = ["PointsTables", "RosterRow"]

_LOOKUPS = 2_000  # above this many people, reading every member's id is the cheaper way
# A received lot's day is its transfer's: the transfer's journal entry, found by its unique
# external id (``points:transfer:P:ID``, the lot's source being ``transfer:ID``).
_RECEIVED_ON = ("CASE WHEN l.received <> 0 THEN (SELECT e.date FROM entries e WHERE "
                "e.external_id = 'points:transfer:' || l.programme || ':' || "
                "substr(l.source, 10)) END")
_LOT = ("SELECT l.id, l.person, l.earned_on, l.expires_on, l.points, l.remaining, l.source, "
        f"{_RECEIVED_ON} FROM points_lots l")


@attrs.frozen
class RosterRow:
    """A recorded roster: its digest, organiser and number of lines, and once confirmed who
    confirmed it, the points it issued, the excess the cap kept back and to how many
    people."""

    digest: str
    submitted_by: str
    lines: int
    confirmed_by: str | None
    issued: int | None
    excess: int | None
    people: int | None


def _lot(r: Sequence[Any]) -> Lot:
    return Lot(r[0], r[1], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[3]), r[4], r[5],
               r[6], None if r[7] is None else dt.date.fromisoformat(r[7]))


def _lot_kind(received: bool, source: str) -> str:
    """How a lot shows among a person's movements."""
    if source.startswith(RETURNED):
        return "returned"
    return "received" if received else "earned"


class PointsTables:
    """The points tables of one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # --- programmes ------------------------------------------------------------------------

    def programme(self, id: str) -> tuple[Programme, str] | None:
        """The programme ``id`` and the content it was recorded with, or None."""
        r = self.conn.execute("SELECT id, name, operator, monthly_cap, points_per_yuan, "
                              "expiry_months, sponsor, fund_fen, currency, cross_household, "
                              "content FROM points_programmes WHERE id = ?", (id,)).fetchone()
        if r is None:
            return None
        kinds = tuple(ActivityKind(*k) for k in self.conn.execute(
            "SELECT id, name, basis, points FROM points_kinds WHERE programme = ? ORDER BY id",
            (id,)))
        staff = tuple(Staff(*s) for s in self.conn.execute(
            "SELECT person, role FROM points_staff WHERE programme = ? ORDER BY person", (id,)))
        shelf = tuple(ShelfItem(*i) for i in self.conn.execute(
            "SELECT id, name, points, stock FROM points_shelf WHERE programme = ? ORDER BY id",
            (id,)))
        return Programme(r[0], r[1], r[2], kinds, r[3], r[4], r[5], r[6], Money(r[7], r[8]),
                         bool(r[9]), staff, shelf), r[10]

    def programme_ids(self) -> list[str]:
        """Every programme's id."""
        return [r[0] for r in self.conn.execute("SELECT id FROM points_programmes ORDER BY id")]

    def add_programme(self, p: Programme, content: str) -> None:
        """Record a new programme with its kinds, staff and shelf."""
        self.conn.execute("INSERT INTO points_programmes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (p.id, p.name, p.operator, p.monthly_cap, p.points_per_yuan,
                           p.expiry_months, p.sponsor, p.fund.fen, p.fund.currency,
                           int(p.cross_household), content))
        self.conn.executemany("INSERT INTO points_kinds VALUES (?, ?, ?, ?, ?)",
                              [(p.id, k.id, k.name, k.basis.value, k.points) for k in p.kinds])
        self.conn.executemany("INSERT INTO points_staff VALUES (?, ?, ?)",
                              [(p.id, s.person, s.role) for s in p.staff])
        self.conn.executemany("INSERT INTO points_shelf VALUES (?, ?, ?, ?, ?)",
                              [(p.id, i.id, i.name, i.points, i.stock) for i in p.shelf])

    def take_stock(self, programme: str, item: str, quantity: int) -> None:
        """Take ``quantity`` of ``item`` off the shelf (the caller checked the stock)."""
        self.conn.execute("UPDATE points_shelf SET stock = stock - ? WHERE programme = ? AND "
                          "id = ?", (quantity, programme, item))

    def restock(self, programme: str, item: str, quantity: int) -> None:
        """Put ``quantity`` more of ``item`` on the shelf."""
        self.conn.execute("UPDATE points_shelf SET stock = stock + ? WHERE programme = ? AND "
                          "id = ?", (quantity, programme, item))

    # --- members ---------------------------------------------------------------------------

    def enrol(self, programme: str, members: Sequence[Member]) -> None:
        """Record members; one recorded before takes the household and consent given now."""
        self.conn.executemany(
            "INSERT INTO points_members VALUES (?, ?, ?, ?) ON CONFLICT (programme, person) "
            "DO UPDATE SET household = excluded.household, named = excluded.named "
            # A member given again as recorded is not rewritten (PostgreSQL would move the row).
            "WHERE points_members.household <> excluded.household "
            "OR points_members.named <> excluded.named",
            [(programme, m.person, m.household, int(m.named)) for m in members])

    def members(self, programme: str, people: Iterable[str]) -> dict[str, Member]:
        """The members among ``people``."""
        return {r[0]: Member(r[0], r[1], bool(r[2])) for r in where_in(
            self.conn, "SELECT person, household, named FROM points_members WHERE programme = ? "
            "AND person IN ({})", people, before=(programme,))}

    def all_members(self, programme: str) -> list[Member]:
        """Every member of ``programme``, by person."""
        return [Member(r[0], r[1], bool(r[2])) for r in self.conn.execute(
            "SELECT person, household, named FROM points_members WHERE programme = ? "
            "ORDER BY person", (programme,))]

    def member_ids(self, programme: str, people: Collection[str]) -> set[str]:
        """Those of ``people`` who are members, looked up one by one for a few; for a
        roster's chunk of thousands every member's id (a scan of the programme's members
        costs less than thousands of lookups, and a caller that keeps the set looks up none
        of the roster's later chunks)."""
        if len(people) < _LOOKUPS:
            return {r[0] for r in where_in(self.conn, "SELECT person FROM points_members "
                                           "WHERE programme = ? AND person IN ({})", people,
                                           before=(programme,))}
        return {r[0] for r in self.conn.execute(
            "SELECT person FROM points_members WHERE programme = ?", (programme,))}

    def unopened(self, accounts: Iterable[str]) -> list[str]:
        """Those of ``accounts`` not opened yet, in the order given (for thousands, read with
        every account's name, as ``member_ids`` reads members)."""
        wanted = list(dict.fromkeys(accounts))
        rows = where_in(self.conn, "SELECT name FROM accounts WHERE name IN ({})", wanted) \
            if len(wanted) < _LOOKUPS else self.conn.execute("SELECT name FROM accounts")
        opened = {r[0] for r in rows}
        return [name for name in wanted if name not in opened]

    def open_accounts(self, accounts: Sequence[Account]) -> None:
        """Open new accounts at once (those ``unopened`` named): the holders' accounts of a
        roster's new members, thousands at a time."""
        self.conn.executemany(
            "INSERT INTO accounts (name, type, compound, opened_on, description) "
            "VALUES (?, ?, ?, ?, ?)",
            [(a.name, a.type.value, a.compound, None if a.opened_on is None else
              a.opened_on.isoformat(), a.description) for a in accounts])

    def member_programmes(self, person: str) -> list[str]:
        """The programmes ``person`` is a member of."""
        return [r[0] for r in self.conn.execute(
            "SELECT programme FROM points_members WHERE person = ? ORDER BY programme",
            (person,))]

    def missing_households(self, households: Iterable[str]) -> list[str]:
        """Those of ``households`` the estate does not hold."""
        wanted = set(households)
        found = {r[0] for r in where_in(self.conn, "SELECT id FROM households WHERE id IN ({})",
                                        wanted)}
        return sorted(wanted - found)

    # --- rosters ---------------------------------------------------------------------------

    def roster(self, programme: str, id: str) -> RosterRow | None:
        """A roster as recorded, or None."""
        r = self.conn.execute("SELECT content, submitted_by, lines, confirmed_by, issued, "
                              "excess, people FROM points_rosters WHERE programme = ? AND "
                              "id = ?", (programme, id)).fetchone()
        return None if r is None else RosterRow(*r)

    def roster_programmes(self, id: str) -> list[str]:
        """The programmes that have a roster ``id``."""
        return [r[0] for r in self.conn.execute(
            "SELECT programme FROM points_rosters WHERE id = ? ORDER BY programme", (id,))]

    def activities_recorded(self, programme: str, activities: Iterable[str]) -> set[str]:
        """Those of ``activities`` that some roster's lines name (each looked up alone: a
        chunk of a roster names a few)."""
        return {a for a in set(activities) if self.conn.execute(
            "SELECT 1 FROM points_roster_lines WHERE programme = ? AND activity = ? LIMIT 1",
            (programme, a)).fetchone() is not None}

    def lines_posted(self, programme: str, rows: Sequence[LineRow]
                     ) -> dict[tuple[str, str], str]:
        """Lines recorded before under the same (activity, person), with their roster."""
        people: dict[str, list[str]] = {}
        for activity, _, _, person, _, _ in rows:
            people.setdefault(activity, []).append(person)
        found: dict[tuple[str, str], str] = {}
        for activity, named in people.items():
            for r in where_in(self.conn, "SELECT person, roster FROM points_roster_lines "
                              "WHERE programme = ? AND activity = ? AND person IN ({})", named,
                              before=(programme, activity)):
                found[(activity, r[0])] = r[1]
        return found

    def add_roster(self, programme: str, id: str, submitted_by: str, submitted_at: str,
                   digest: str, lines: int) -> None:
        """Record a submitted roster (its lines are added by ``add_roster_lines``)."""
        self.conn.execute("INSERT INTO points_rosters VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, "
                          "NULL, NULL, NULL)",
                          (programme, id, submitted_by, submitted_at, digest, lines))

    def add_roster_lines(self, programme: str, roster: str, first: int,
                         rows: Sequence[LineRow]) -> None:
        """Record a chunk of a roster's lines, numbered from ``first``."""
        self.conn.executemany(
            "INSERT INTO points_roster_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(programme, roster, day, seq, activity, person, kind, hundredths)
             for seq, (activity, kind, day, person, hundredths, _)
             in enumerate(rows, start=first)])

    def roster_rows(self, programme: str, id: str, size: int = 20_000
                    ) -> Iterator[list[tuple[str, str, str, int, int, str]]]:
        """A roster's lines in date order (then as submitted), a chunk of ``size`` at a time,
        as rows (day, person, kind, hundredths of the quantity, seq, activity): a confirmation
        reads a million of them, and builds a ``RosterLine`` (``roster_line``) only for the
        few it reports."""
        after: tuple[str, int] = ("", -1)
        while True:
            rows = self.conn.execute(
                "SELECT day, person, kind, quantity_hundredths, seq, activity FROM "
                "points_roster_lines WHERE programme = ? AND roster = ? AND (day > ? OR "
                "(day = ? AND seq > ?)) ORDER BY day, seq LIMIT ?",
                (programme, id, after[0], after[0], after[1], size)).fetchall()
            if not rows:
                return
            yield rows
            after = (rows[-1][0], rows[-1][4])

    @staticmethod
    def roster_line(row: tuple[str, str, str, int, int, str]) -> RosterLine:
        """The line a ``roster_rows`` row holds; its ``line`` is where it stood in the file
        (the header being line 1)."""
        day, person, kind, hundredths, seq, activity = row
        return RosterLine(activity, kind, dt.date.fromisoformat(day), person,
                          Decimal(hundredths).scaleb(-2), seq + 2)

    def names(self, programme: str, roster: str, person: str) -> bool:
        """Whether roster ``roster`` awards ``person`` points."""
        return self.conn.execute("SELECT 1 FROM points_roster_lines WHERE programme = ? AND "
                                 "roster = ? AND person = ? LIMIT 1",
                                 (programme, roster, person)).fetchone() is not None

    def confirm_roster(self, programme: str, id: str, by: str, at: str, issued: int,
                       excess: int, people: int) -> None:
        """Mark a roster confirmed, with what it issued, what the cap kept back, and to how
        many people."""
        self.conn.execute("UPDATE points_rosters SET confirmed_by = ?, confirmed_at = ?, "
                          "issued = ?, excess = ?, people = ? WHERE programme = ? AND id = ?",
                          (by, at, issued, excess, people, programme, id))

    def earned_before(self, programme: str, roster: str) -> dict[tuple[str, str], int]:
        """What the people a roster names earned from rosters in the months it covers."""
        return {(r[0], r[1]): r[2] for r in self.conn.execute(
            "SELECT l.person, substr(l.earned_on, 1, 7) AS month, SUM(l.points) FROM "
            "points_lots l WHERE l.programme = ? AND l.received = 0 AND l.person IN (SELECT "
            "person FROM points_roster_lines WHERE programme = ? AND roster = ?) AND "
            "substr(l.earned_on, 1, 7) IN (SELECT DISTINCT substr(day, 1, 7) FROM "
            "points_roster_lines WHERE programme = ? AND roster = ?) GROUP BY l.person, month",
            (programme, programme, roster, programme, roster))}

    # --- lots and movements ----------------------------------------------------------------

    def add_earned_lots(self, programme: str, source: str,
                        lots: Iterable[tuple[str, str, str, int]]) -> None:
        """New lots a roster issued: (person, earned on, expires on, points), dates as
        ``YYYY-MM-DD``."""
        self.conn.executemany(
            "INSERT INTO points_lots (programme, person, earned_on, expires_on, points, "
            "remaining, received, source) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            ((programme, person, earned, expires, n, n, source)
             for person, earned, expires, n in lots))

    def add_lots(self, programme: str, lots: Iterable[tuple[str, dt.date, dt.date, int, bool,
                                                              str]]) -> None:
        """New lots: (person, earned on, expires on, points, received, source)."""
        self.conn.executemany(
            "INSERT INTO points_lots (programme, person, earned_on, expires_on, points, "
            "remaining, received, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((programme, person, earned.isoformat(), expires.isoformat(), n, n, int(received),
              source) for person, earned, expires, n, received, source in lots))

    def lots(self, programme: str, person: str) -> list[Lot]:
        """A person's lots, in the order recorded."""
        return [_lot(r) for r in self.conn.execute(
            f"{_LOT} WHERE l.programme = ? AND l.person = ? ORDER BY l.id", (programme, person))]

    def expiring(self, programme: str, as_of: dt.date) -> list[Lot]:
        """Lots that still hold points and expire on or before ``as_of``."""
        return [_lot(r) for r in self.conn.execute(
            f"{_LOT} WHERE l.programme = ? AND l.remaining > 0 AND l.expires_on <= ? "
            "ORDER BY l.id",
            (programme, as_of.isoformat()))]

    def draw(self, draws: Iterable[Draw]) -> None:
        """Take the drawn points from their lots."""
        self.conn.executemany("UPDATE points_lots SET remaining = remaining - ? WHERE id = ?",
                              [(d.points, d.lot.id) for d in draws])

    def add_draws(self, programme: str, redemption: str, draws: Iterable[Draw]) -> None:
        """Record the lots a redemption at a provider drew on (a refund gives them back)."""
        self.conn.executemany("INSERT INTO points_draws VALUES (?, ?, ?, ?)",
                              [(programme, redemption, d.lot.id, d.points) for d in draws])

    def draws(self, programme: str, redemption: str) -> list[Draw]:
        """The lots redemption ``redemption`` drew on, each with the points it took, in the
        order spent (oldest first); none for one recorded before draws were kept."""
        rows = self.conn.execute(
            "SELECT l.id, l.person, l.earned_on, l.expires_on, l.points, d.points, l.source, "
            f"{_RECEIVED_ON} FROM points_draws d JOIN points_lots l ON l.id = d.lot "
            "WHERE d.programme = ? AND d.redemption = ? ORDER BY l.expires_on, l.earned_on, l.id",
            (programme, redemption)).fetchall()
        # A lot as it stood when drawn: what it still holds now does not matter here.
        return [Draw(_lot(r), r[5]) for r in rows]

    def add_movements(self, programme: str, movements: Iterable[tuple[str, Movement]]) -> None:
        """Movements that are not lots: (person, movement)."""
        self.conn.executemany(
            "INSERT INTO points_movements (programme, person, day, kind, points, reference) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(programme, person, m.date.isoformat(), m.kind, m.points, m.reference)
             for person, m in movements])

    def movements(self, programme: str, person: str) -> list[Movement]:
        """A person's movements: each lot as earned (on its earned day), received (on its
        transfer's day) or returned by a refund, then the rest, by date."""
        rows = [Movement(dt.date.fromisoformat(r[3] or r[0]), _lot_kind(bool(r[1]), r[4]),
                         r[2], r[4]) for r in self.conn.execute(
            f"SELECT l.earned_on, l.received, l.points, {_RECEIVED_ON}, l.source FROM "
            "points_lots l WHERE l.programme = ? AND l.person = ? ORDER BY l.id",
            (programme, person))]
        rows += [Movement(dt.date.fromisoformat(r[0]), r[1], r[2], r[3]) for r in
                 self.conn.execute("SELECT day, kind, points, reference FROM points_movements "
                                   "WHERE programme = ? AND person = ? ORDER BY id",
                                   (programme, person))]
        return sorted(rows, key=lambda m: m.date)

    def by_building(self, programme: str, period_from: dt.date, period_to: dt.date
                    ) -> list[tuple[str, str, bool, int]]:
        """(building, person, named, points earned) for points earned in the dates given."""
        return [(r[0], r[1], bool(r[2]), r[3]) for r in self.conn.execute(
            "SELECT h.building, l.person, m.named, SUM(l.points) FROM points_lots l "
            "JOIN points_members m ON m.programme = l.programme AND m.person = l.person "
            "JOIN households h ON h.id = m.household WHERE l.programme = ? AND l.received = 0 "
            "AND l.earned_on BETWEEN ? AND ? GROUP BY h.building, l.person, m.named",
            (programme, period_from.isoformat(), period_to.isoformat()))]

    # --- acts keyed by the host's id -------------------------------------------------------

    def act(self, programme: str, kind: str, id: str) -> str | None:
        """The content a redemption or transfer ``id`` was recorded with, or None."""
        r = self.conn.execute("SELECT content FROM points_acts WHERE programme = ? AND kind = ? "
                              "AND id = ?", (programme, kind, id)).fetchone()
        return None if r is None else str(r[0])

    def add_act(self, programme: str, kind: str, id: str, content: str, *,
                provider: str | None = None, period: str | None = None,
                value: Money | None = None) -> None:
        """Record a redemption or transfer, with the provider, month and yuan value of a
        redemption at a marketplace provider."""
        value = value or Money.zero()
        self.conn.execute("INSERT INTO points_acts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (programme, kind, id, content, provider, period, value.fen,
                           value.currency))

    def redemptions_on(self, order: str) -> list[tuple[str, str, Money]]:
        """(programme, content, yuan value) of the points redeemed on marketplace ``order``,
        by programme."""
        return [(r[0], str(r[1]), Money(r[3], r[2])) for r in self.conn.execute(
            "SELECT programme, content, currency, value_fen FROM points_acts WHERE id = ? AND "
            "kind = 'redemption' AND provider IS NOT NULL ORDER BY programme", (order,))]

    def redeemed_at(self, provider: str, period: Period, order: str | None = None
                    ) -> list[tuple[str, str, Money]]:
        """(programme, order, yuan value) of the points redeemed on ``provider``'s orders of
        ``period`` (on ``order`` only, if given), and of those a refund gave back (negative):
        summed by order, what the points still pay."""
        one = "" if order is None else " AND id = ?"
        return [(r[0], r[1], Money(r[3], r[2])) for r in self.conn.execute(
            "SELECT programme, id, currency, value_fen FROM points_acts WHERE provider = ? "
            f"AND period = ?{one} ORDER BY programme, id",
            (provider, str(period), *([] if order is None else [order])))]
