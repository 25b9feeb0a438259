"""Estate tables: compounds, buildings, households, resources and management areas.

Every method runs inside the caller's transaction. Areas cross the boundary here: the domain's
Decimal m² (at most two places) is stored as INTEGER hundredths of a m² and read back as a
Decimal with two places; flags are 0/1. Rows are only inserted, never updated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from commons.estate.compound import Building, Compound, Governance, ManagementArea
from commons.estate.household import Household
from commons.estate.importing import KINDS, Record
from commons.estate.resource import Resource, ResourceKind
from commons.store.queries import where_in

__all__ = ["EstateTables", "area_from_hundredths", "area_to_hundredths"]

_COMPOUND = "SELECT id, name, community, governance, built_year, subdistrict FROM compounds"
_BUILDING = "SELECT id, compound, floors, elevator FROM buildings"
_HOUSEHOLD = ("SELECT h.id, h.building, h.floor, h.area_hundredths_m2, h.owner FROM households h "
              "JOIN buildings b ON b.id = h.building")
_RESOURCE = "SELECT id, compound, kind, tidal, name FROM resources"


def area_to_hundredths(area_m2: Decimal) -> int:
    """56.37 m² -> 5637; the domain guarantees at most two decimals, so this is exact."""
    hundredths = area_m2.scaleb(2)
    assert hundredths == hundredths.to_integral_value(), area_m2
    return int(hundredths)


def area_from_hundredths(hundredths: int) -> Decimal:
    """5637 -> Decimal('56.37'), always with two places."""
    return Decimal(hundredths).scaleb(-2)


def _compound(row: Sequence[Any]) -> Compound:
    return Compound(row[0], row[1], row[2], Governance(row[3]), row[4], row[5])


def _building(row: Sequence[Any]) -> Building:
    return Building(row[0], row[1], row[2], bool(row[3]))


def _household(row: Sequence[Any]) -> Household:
    return Household(row[0], row[1], row[2], area_from_hundredths(row[3]), row[4])


def _resource(row: Sequence[Any]) -> Resource:
    return Resource(row[0], row[1], ResourceKind(row[2]), bool(row[3]), row[4])


class EstateTables:
    """The estate's rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def compound(self, id: str) -> Compound | None:
        """One compound, or None."""
        row = self.conn.execute(f"{_COMPOUND} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _compound(row)

    def compounds(self) -> list[Compound]:
        """Every compound, by id."""
        return [_compound(r) for r in self.conn.execute(f"{_COMPOUND} ORDER BY id")]

    def building(self, id: str) -> Building | None:
        """One building, or None."""
        row = self.conn.execute(f"{_BUILDING} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _building(row)

    def buildings(self, compound: str) -> list[Building]:
        """The buildings of ``compound``, ordered by id."""
        rows = self.conn.execute(f"{_BUILDING} WHERE compound = ? ORDER BY id", (compound,))
        return [_building(r) for r in rows]

    def households(self, *, compound: str | None = None,
                   building: str | None = None) -> list[Household]:
        """The roll of exclusive units, of one compound and/or building, ordered by id."""
        where, args = [], []
        if compound is not None:
            where.append("b.compound = ?")
            args.append(compound)
        if building is not None:
            where.append("h.building = ?")
            args.append(building)
        sql = f"{_HOUSEHOLD}{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY h.id"
        return [_household(r) for r in self.conn.execute(sql, args)]

    def resources(self, compound: str | None = None) -> list[Resource]:
        """Revenue-earning resources, of one compound if given, ordered by id."""
        if compound is None:
            rows = self.conn.execute(f"{_RESOURCE} ORDER BY id")
        else:
            rows = self.conn.execute(f"{_RESOURCE} WHERE compound = ? ORDER BY id", (compound,))
        return [_resource(r) for r in rows]

    def resource(self, id: str) -> Resource | None:
        """One resource, or None."""
        row = self.conn.execute(f"{_RESOURCE} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _resource(row)

    def management_areas(self, compound: str | None = None) -> list[ManagementArea]:
        """Management areas (those joining ``compound`` if given), ordered by id."""
        sql = ("SELECT a.id, a.name, group_concat(c.compound, char(31)) FROM management_areas a "
               "JOIN management_area_compounds c ON c.area = a.id")
        args: tuple[str, ...] = ()
        if compound is not None:
            sql += (" WHERE a.id IN (SELECT area FROM management_area_compounds "
                    "WHERE compound = ?)")
            args = (compound,)
        rows = self.conn.execute(f"{sql} GROUP BY a.id ORDER BY a.id", args)
        # ids never hold control characters (parse_id), so char(31) separates them safely
        return [ManagementArea(aid, name, tuple(joined.split("\x1f")))
                for aid, name, joined in rows]

    def records(self, ids: Mapping[str, set[str]]) -> dict[str, dict[str, Record]]:
        """By kind, the stored records among ``ids`` (kind -> ids), keyed by id."""
        found: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        plain = (("compounds", _COMPOUND, "id", _compound),
                 ("buildings", _BUILDING, "id", _building),
                 ("households", _HOUSEHOLD, "h.id", _household),
                 ("resources", _RESOURCE, "id", _resource))
        for kind, select, key, make in plain:
            for row in where_in(self.conn, f"{select} WHERE {key} IN ({{}})",
                                sorted(ids.get(kind, ()), key=str)):
                record = make(row)
                found[kind][record.id] = record
        wanted = ids.get("management-areas", set())
        if wanted:
            found["management-areas"] = {a.id: a for a in self.management_areas()
                                         if a.id in wanted}
        return found

    def insert(self, new: Mapping[str, Sequence[Record]]) -> None:
        """Insert the new records of a checked batch (kind -> records), parents first."""
        def rows(kind: str) -> list[Any]:
            return list(new.get(kind, ()))

        self.conn.executemany(
            "INSERT INTO compounds (id, name, community, governance, built_year, subdistrict) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(c.id, c.name, c.community, c.governance.value, c.built_year, c.subdistrict)
             for c in rows("compounds")])
        self.conn.executemany(
            "INSERT INTO buildings (id, compound, floors, elevator) VALUES (?, ?, ?, ?)",
            [(b.id, b.compound, b.floors, int(b.elevator)) for b in rows("buildings")])
        self.conn.executemany(
            "INSERT INTO households (id, building, floor, area_hundredths_m2, owner) "
            "VALUES (?, ?, ?, ?, ?)",
            [(h.id, h.building, h.floor, area_to_hundredths(h.area_m2), h.owner)
             for h in rows("households")])
        self.conn.executemany(
            "INSERT INTO resources (id, compound, kind, tidal, name) VALUES (?, ?, ?, ?, ?)",
            [(r.id, r.compound, r.kind.value, int(r.tidal), r.name) for r in rows("resources")])
        areas = rows("management-areas")
        self.conn.executemany("INSERT INTO management_areas (id, name) VALUES (?, ?)",
                              [(a.id, a.name) for a in areas])
        self.conn.executemany(
            "INSERT INTO management_area_compounds (area, compound) VALUES (?, ?)",
            [(a.id, c) for a in areas for c in a.compounds])
