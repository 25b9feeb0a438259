"""Marketplace tables: categories, providers, services and where they reach, residents' tags,
subsidy programmes, agreements, orders (the projection of the events), the events themselves
and the monthly settlements.

Every method runs inside the caller's transaction. Money is INTEGER fen (CNY), percentages
INTEGER hundredths, lists of ids ``;``-joined text, instants ISO 8601 with their offset. Events
and settlements are append-only; orders are rewritten as their events apply.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from commons.errors import ConflictError, ErrorCode
from commons.market.model import (
    Agreement,
    Category,
    Provider,
    ProviderKind,
    ProviderStatus,
    Resident,
    Service,
    SubsidyProgramme,
    resident_as_of,
)
from commons.market.orders import CHINA, Order, OrderState, PriceSplit
from commons.market.settlement import CompoundShare, Settlement, SettlementLine
from commons.money import Money
from commons.periods import Period

__all__ = ["MarketTables"]

_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
_ORDER = ("SELECT id, service, provider, category, household, compound, units, channel, "
          "placed_at, resident, state, accepted_at, started_at, completed_at, closed_at, "
          "price_fen, subsidy_fen, concession_fen, resident_fen, programme, tag, refund_fen, "
          "stars, comment FROM market_orders")
_SERVICE = "SELECT id, provider, category, name, unit, price_fen, compounds FROM market_services"
_PROVIDER = ("SELECT id, name, kind, areas, status, firm, cancel_after_accept "
             "FROM market_providers")
_PROGRAMME = ("SELECT id, funder, tag, categories, percent_hundredths, cap_fen, budget_fen, "
              "concession_hundredths FROM market_programmes")
_AGREEMENT = ("SELECT id, provider, compound, starts_on, space, rent_fen, share_hundredths, "
              "fixed_fen, earmark FROM market_agreements")


def _h(value: Decimal) -> int:
    return int(value.scaleb(2))


def _d(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


def _t(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _at(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _local_day(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).astimezone(CHINA).date()


def _list(text: str) -> tuple[str, ...]:
    return tuple(text.split(";")) if text else ()


def _order(r: Sequence[Any]) -> Order:
    split = None if r[15] is None else PriceSplit(Money(r[15]), Money(r[16]), Money(r[17]),
                                                  Money(r[18]), r[19], r[20])
    placed_at = _at(r[8])
    assert placed_at is not None
    return Order(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], placed_at, r[9],
                 OrderState(r[10]), _at(r[11]), _at(r[12]), _at(r[13]), _at(r[14]), split,
                 None if r[21] is None else Money(r[21]), r[22], r[23])


def _order_row(o: Mapping[str, Any]) -> tuple[Any, ...]:
    """An order's row from its fields (by the names of ``Order``'s): an import folds its
    events into fields and writes them without building each order."""
    s: PriceSplit | None = o["split"]
    done, refund = o["completed_at"], o["refund"]
    # The month it settles in, as ``Order.period`` has it: its service date's.
    period = None if done is None else str(Period.of(done.astimezone(CHINA).date()))
    return (o["id"], o["service"], o["provider"], o["category"], o["household"],
            o["compound"], o["units"], o["channel"], o["placed_at"].isoformat(),
            o["resident"], o["state"].value, _t(o["accepted_at"]), _t(o["started_at"]),
            _t(done), _t(o["closed_at"]), period,
            *((None,) * 6 if s is None else (s.price.fen, s.subsidy.fen, s.concession.fen,
                                             s.resident.fen, s.programme, s.tag)),
            None if refund is None else refund.fen, o["stars"], o["comment"])


def _provider(r: Sequence[Any]) -> Provider:
    return Provider(r[0], r[1], ProviderKind(r[2]), _list(r[3]), ProviderStatus(r[4]), r[5],
                    bool(r[6]))


def _service(r: Sequence[Any]) -> Service:
    return Service(r[0], r[1], r[2], r[3], r[4], Money(r[5]), _list(r[6]))


def _programme(r: Sequence[Any]) -> SubsidyProgramme:
    return SubsidyProgramme(r[0], r[1], r[2], _list(r[3]), _d(r[4]), Money(r[5]), Money(r[6]),
                            _d(r[7]))


def _agreement(r: Sequence[Any]) -> Agreement:
    return Agreement(r[0], r[1], r[2], dt.date.fromisoformat(r[3]), r[4], Money(r[5]),
                     None if r[6] is None else _d(r[6]), None if r[7] is None else Money(r[7]),
                     r[8])


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


class MarketTables:
    """The marketplace's rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _insert_once(self, table: str, key: str, found: object, new: object,
                     row: tuple[Any, ...]) -> bool:
        """Insert ``row`` unless ``found`` (the stored value) exists: the same is a no-op
        (False), another a ConflictError."""
        if found is not None:
            if found != new:
                raise ConflictError(f"{table} {key} is recorded with other content",
                                    fix="give a new record a new id; a recorded one is kept",
                                    context={"kind": table, "id": key},
                                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
            return False
        marks = ", ".join("?" * len(row))
        self.conn.execute(f"INSERT INTO market_{table}s VALUES ({marks})", row)
        return True

    def set_category(self, c: Category) -> None:
        """Record or reconfigure a category (its levels and ceiling are configuration)."""
        self.conn.execute(
            "INSERT INTO market_categories VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
            "SET name = excluded.name, accept_within = excluded.accept_within, done_within = "
            "excluded.done_within, ceiling_fen = excluded.ceiling_fen",
            (c.id, c.name, c.accept_within, c.done_within,
             None if c.ceiling is None else c.ceiling.fen))

    def categories(self) -> dict[str, Category]:
        """Every category by id."""
        return {r[0]: Category(r[0], r[1], r[2], r[3], None if r[4] is None else Money(r[4]))
                for r in self.conn.execute("SELECT * FROM market_categories ORDER BY id")}

    def add_provider(self, p: Provider) -> bool:
        """Record a provider; again the same is a no-op (False)."""
        return self._insert_once("provider", p.id, self.provider(p.id), p,
                                 (p.id, p.name, p.kind.value, ";".join(p.areas), p.status.value,
                                  p.firm, int(p.cancel_after_accept)))

    def set_status(self, provider: str, status: ProviderStatus) -> None:
        """Suspend or reactivate a provider."""
        self.conn.execute("UPDATE market_providers SET status = ? WHERE id = ?",
                          (status.value, provider))

    def provider(self, id: str) -> Provider | None:
        """One provider, or None."""
        row = self.conn.execute(f"{_PROVIDER} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _provider(row)

    def providers(self, ids: Sequence[str] | None = None) -> list[Provider]:
        """Every provider (or those of ``ids``) by id."""
        if ids is None:
            return [_provider(r) for r in self.conn.execute(f"{_PROVIDER} ORDER BY id")]
        found = [_provider(r) for part in _chunks(sorted(set(ids))) for r in self.conn.execute(
            f"{_PROVIDER} WHERE id IN ({', '.join('?' * len(part))})", part)]
        return sorted(found, key=lambda p: p.id)

    def add_service(self, s: Service) -> bool:
        """Record a service and the compounds it reaches; again the same is a no-op."""
        new = self._insert_once("service", s.id, self.service(s.id), s,
                                (s.id, s.provider, s.category, s.name, s.unit, s.price.fen,
                                 ";".join(s.compounds)))
        if new:
            self.conn.executemany("INSERT INTO market_service_reach VALUES (?, ?)",
                                  [(c, s.id) for c in s.compounds])
        return new

    def add_services(self, services: Sequence[Service]) -> None:
        """Record many new services at once (a bulk load; ids must be new)."""
        self.conn.executemany("INSERT INTO market_services VALUES (?, ?, ?, ?, ?, ?, ?)",
                              [(s.id, s.provider, s.category, s.name, s.unit, s.price.fen,
                                ";".join(s.compounds)) for s in services])
        self.conn.executemany("INSERT INTO market_service_reach VALUES (?, ?)",
                              [(c, s.id) for s in services for c in s.compounds])

    def service(self, id: str) -> Service | None:
        """One service, or None."""
        row = self.conn.execute(f"{_SERVICE} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _service(row)

    def services_by_id(self, ids: Sequence[str]) -> dict[str, Service]:
        """The services listed of ``ids``: an import reads a chunk's in one query."""
        found: dict[str, Service] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            found.update((r[0], _service(r)) for r in self.conn.execute(
                f"{_SERVICE} WHERE id IN ({', '.join('?' * len(part))})", part))
        return found

    def services(self, *, provider: str | None = None, compound: str | None = None,
                 category: str | None = None) -> list[Service]:
        """Services by id, of one provider, reaching one compound, of one category."""
        where, args = [], []
        if compound is not None:
            where.append("id IN (SELECT service FROM market_service_reach WHERE compound = ?)")
            args.append(compound)
        for column, value in (("provider", provider), ("category", category)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = f"{_SERVICE}{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id"
        return [_service(r) for r in self.conn.execute(sql, args)]

    def add_resident(self, r: Resident, since: dt.date) -> bool:
        """Record a resident's tags from ``since``; the same again is a no-op."""
        row = self.conn.execute("SELECT household, birth_year, tags FROM market_residents "
                                "WHERE id = ? AND since = ?", (r.id, since.isoformat())
                                ).fetchone()
        found = None if row is None else Resident(r.id, row[0], row[1], _list(row[2]))
        return self._insert_once("resident", r.id, found, r,
                                 (r.id, since.isoformat(), r.household, r.birth_year,
                                  ";".join(r.tags)))

    def resident(self, id: str, on: dt.date) -> Resident | None:
        """A resident's tags as of ``on`` (the latest record not after it), or None."""
        return resident_as_of(self.resident_records([id]).get(id, ()), on)

    def resident_records(self, ids: Sequence[str]) -> dict[str, list[tuple[str, Resident]]]:
        """Each resident's records of ``ids`` found, oldest first, with the day (ISO 8601)
        each holds from: an import reads a chunk's residents in one query."""
        found: dict[str, list[tuple[str, Resident]]] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            for r in self.conn.execute(
                    "SELECT id, since, household, birth_year, tags FROM market_residents "
                    f"WHERE id IN ({', '.join('?' * len(part))}) ORDER BY id, since", part):
                found.setdefault(r[0], []).append((r[1], Resident(r[0], r[2], r[3],
                                                                  _list(r[4]))))
        return found

    def residents_of(self, household: str, on: dt.date) -> list[Resident]:
        """The residents of ``household`` with their tags as of ``on``."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT id FROM market_residents WHERE household = ? ORDER BY id",
            (household,))]
        return [r for r in (self.resident(i, on) for i in ids) if r is not None]

    def household_compounds(self, households: Sequence[str]) -> dict[str, str]:
        """The compound of each household found, by household id."""
        found: dict[str, str] = {}
        for part in _chunks(list(households)):
            found.update(self.conn.execute(
                "SELECT h.id, b.compound FROM households h JOIN buildings b ON b.id = "
                f"h.building WHERE h.id IN ({', '.join('?' * len(part))})", part).fetchall())
        return found

    def add_programme(self, p: SubsidyProgramme) -> bool:
        """Record a subsidy programme; the same again is a no-op."""
        return self._insert_once("programme", p.id, self.programmes().get(p.id), p,
                                 (p.id, p.funder, p.tag, ";".join(p.categories),
                                  _h(p.percent), p.cap.fen, p.budget.fen, _h(p.concession)))

    def programmes(self) -> dict[str, SubsidyProgramme]:
        """Every programme by id."""
        return {r[0]: _programme(r) for r in self.conn.execute(f"{_PROGRAMME} ORDER BY id")}

    def subsidy_used(self, programme: str, period: Period | str, resident: str | None = None
                     ) -> Money:
        """The subsidy a programme has paid in ``period`` (to one resident if given), orders
        refunded in full left out: the running figure, not a sum over the month's orders."""
        row = self.conn.execute(
            "SELECT used_fen FROM market_subsidy_usage WHERE programme = ? AND period = ? "
            "AND resident = ?", (programme, str(period), resident or "")).fetchone()
        return Money(0 if row is None else row[0])

    def set_subsidy_used(self, figures: Iterable[tuple[str, str, str | None, Money]]) -> None:
        """Record what programmes have now paid, as (programme, period, resident or None for
        all of its residents, amount)."""
        self.conn.executemany(
            "INSERT INTO market_subsidy_usage VALUES (?, ?, ?, ?) ON CONFLICT (programme, "
            "period, resident) DO UPDATE SET used_fen = excluded.used_fen",
            [(p, m, r or "", used.fen) for p, m, r, used in figures])

    def add_agreement(self, a: Agreement) -> bool:
        """Record an agreement; the same again is a no-op."""
        return self._insert_once(
            "agreement", a.id, next((x for x in self.agreements() if x.id == a.id), None), a,
            (a.id, a.provider, a.compound, a.starts_on.isoformat(), a.space, a.rent_in_kind.fen,
             None if a.share_percent is None else _h(a.share_percent),
             None if a.fixed_monthly is None else a.fixed_monthly.fen, a.earmark))

    def agreements(self, provider: str | None = None) -> list[Agreement]:
        """Agreements (of one provider) by id."""
        if provider is None:
            return [_agreement(r) for r in self.conn.execute(f"{_AGREEMENT} ORDER BY id")]
        return [_agreement(r) for r in self.conn.execute(
            f"{_AGREEMENT} WHERE provider = ? ORDER BY id", (provider,))]

    def events_known(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored content of each event id already recorded."""
        found: dict[str, str] = {}
        for part in _chunks(list(ids)):
            found.update(self.conn.execute(
                f"SELECT id, content FROM market_events WHERE id IN ({', '.join('?' * len(part))})",
                part).fetchall())
        return found

    def add_events(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Record events as (id, order, content)."""
        self.conn.executemany("INSERT INTO market_events VALUES (?, ?, ?)", rows)

    def orders_by_id(self, ids: Sequence[str]) -> dict[str, Order]:
        """The orders recorded of ``ids``."""
        found: dict[str, Order] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            rows = self.conn.execute(f"{_ORDER} WHERE id IN ({', '.join('?' * len(part))})",
                                     part)
            found.update((r[0], _order(r)) for r in rows)
        return found

    def save_orders(self, orders: Iterable[Mapping[str, Any]], *, replacing: Collection[str]
                    ) -> None:
        """Write orders as they now are, each as its fields (by the names of ``Order``'s):
        new ones inserted, those whose ids are in ``replacing`` (read from the store before)
        replaced."""
        # Delete and insert rather than SQLite's INSERT OR REPLACE, which PostgreSQL lacks.
        rows = [_order_row(order) for order in orders]
        self.conn.executemany("DELETE FROM market_orders WHERE id = ?",
                              [(r[0],) for r in rows if r[0] in replacing])
        self.conn.executemany(f"INSERT INTO market_orders VALUES ({', '.join('?' * 25)})", rows)

    def orders(self, *, period: Period | None = None, provider: str | None = None,
               placed_in: Period | None = None) -> list[Order]:
        """Orders settling in ``period`` (or placed in ``placed_in``), of one provider."""
        where, args = [], []
        if period is not None:
            where.append("period = ?")
            args.append(str(period))
        if placed_in is not None:
            where.append("(period = ? OR (period IS NULL AND substr(placed_at, 1, 7) = ?))")
            args += [str(placed_in), str(placed_in)]
        if provider is not None:
            where.append("provider = ?")
            args.append(provider)
        sql = f"{_ORDER}{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id"
        return [_order(r) for r in self.conn.execute(sql, args)]

    def settling(self, period: Period, provider: str | None = None
                 ) -> dict[str, list[tuple[SettlementLine, dt.date]]]:
        """By provider, the lines of the orders that settle in ``period`` (completed then, not
        refunded in full), each with the local date its order was placed."""
        sql = ("SELECT provider, id, compound, household, completed_at, units, "
               "price_fen - COALESCE(refund_fen, 0), resident_fen - COALESCE(refund_fen, 0), "
               "subsidy_fen, concession_fen, COALESCE(refund_fen, 0), placed_at "
               "FROM market_orders WHERE period = ? AND price_fen IS NOT NULL AND "
               "(refund_fen IS NULL OR refund_fen < subsidy_fen + resident_fen)")
        args = [str(period)]
        if provider is not None:
            sql += " AND provider = ?"
            args.append(provider)
        found: dict[str, list[tuple[SettlementLine, dt.date]]] = {}
        day = _local_day
        for r in self.conn.execute(sql, args):
            found.setdefault(r[0], []).append((SettlementLine(
                r[1], r[2], r[3], day(r[4]), r[5], Money(r[6]), Money(r[7]), Money(r[8]),
                Money(r[9]), Money(r[10])), day(r[11])))
        return found

    def standing(self, providers: Sequence[str]) -> dict[str, tuple[int, int, int, int, int]]:
        """Per provider: ratings given, their stars summed, completed orders measured against
        their category's service levels, those that met them, and complaints (disputes)."""
        found: dict[str, tuple[int, int, int, int, int]] = {}
        for part in _chunks(list(dict.fromkeys(providers))):
            found.update((r[0], tuple(r[1:])) for r in self.conn.execute(
                "SELECT o.provider, COUNT(o.stars), COALESCE(SUM(o.stars), 0), "
                # CASE rather than a sum of truth values, and whole seconds: both stores.
                "COUNT(o.completed_at), COALESCE(SUM(CASE WHEN o.completed_at IS NOT NULL AND "
                "unixepoch(o.accepted_at) - unixepoch(o.placed_at) <= c.accept_within * 60 "
                "AND unixepoch(o.completed_at) - unixepoch(o.placed_at) <= c.done_within * 60 "
                "THEN 1 ELSE 0 END), 0), "
                "SUM(CASE WHEN o.state IN ('disputed', 'resolved') THEN 1 ELSE 0 END) "
                "FROM market_orders o "
                "JOIN market_categories c ON c.id = o.category "
                f"WHERE o.provider IN ({', '.join('?' * len(part))}) GROUP BY o.provider",
                part))
        return found

    def stars_overall(self) -> tuple[int, int]:
        """Every rating given: how many, and their stars summed (the Bayesian prior)."""
        row = self.conn.execute("SELECT COUNT(stars), COALESCE(SUM(stars), 0) "
                                "FROM market_orders WHERE stars IS NOT NULL").fetchone()
        return row[0], row[1]

    def settlement(self, provider: str, period: Period) -> Settlement | None:
        """A recorded settlement, or None."""
        row = self.conn.execute("SELECT figures FROM market_settlements WHERE provider = ? "
                                "AND period = ?", (provider, str(period))).fetchone()
        return None if row is None else _settlement(provider, period, json.loads(row[0]))

    def add_settlement(self, s: Settlement, settled_at: str) -> None:
        """Record a provider's settlement of a month, once."""
        self.conn.execute("INSERT INTO market_settlements VALUES (?, ?, ?, ?)",
                          (s.provider, str(s.period), settled_at, json.dumps(_figures(s))))


def _figures(s: Settlement) -> dict[str, Any]:
    return {"lines": [[x.order, x.compound, x.household, x.date.isoformat(), x.units,
                       x.gross.fen, x.resident_paid.fen, x.subsidy.fen, x.concession.fen,
                       x.refund.fen, x.points_value.fen] for x in s.lines],
            "shares": [[x.compound, x.agreement, x.amount.fen, x.earmark, x.space]
                       for x in s.shares], "withheld": list(s.withheld)}


def _settlement(provider: str, period: Period, f: dict[str, Any]) -> Settlement:
    lines = tuple(SettlementLine(o, c, h, dt.date.fromisoformat(d), u, *map(Money, fen))
                  for o, c, h, d, u, *fen in f["lines"])
    shares = tuple(CompoundShare(c, a, Money(fen), e, s) for c, a, fen, e, s in f["shares"])
    return Settlement(provider, period, lines, shares, tuple(f["withheld"]))
