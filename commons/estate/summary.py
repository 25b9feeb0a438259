"""A compound summarised: what ``commons estate show`` prints and host systems display."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from commons.estate.compound import Building, Compound, ManagementArea
from commons.estate.household import Household, owners_of
from commons.estate.resource import Resource, ResourceKind

__all__ = ["BuildingLine", "CompoundSummary", "ResourceCount", "summarise"]


@attrs.frozen
class BuildingLine:
    """One building of a summary: its floors, elevator, households and their total area."""

    id: str
    floors: int
    elevator: bool
    households: int
    area_m2: Decimal


@attrs.frozen
class ResourceCount:
    """How many resources of one kind a compound has, and how many of them are tidal."""

    kind: ResourceKind
    count: int
    tidal: int


@attrs.frozen
class CompoundSummary:
    """Counts of a compound: ``owners`` counts an owner of several units once; ``area_m2`` is
    the total exclusive area; ``resources`` lists the kinds present in ResourceKind order."""

    compound: Compound
    buildings: int
    elevators: int
    households: int
    owners: int
    area_m2: Decimal
    resources: tuple[ResourceCount, ...]
    tidal: int
    building_lines: tuple[BuildingLine, ...]
    management_areas: tuple[str, ...]


def summarise(compound: Compound, buildings: Iterable[Building],
              households: Iterable[Household], resources: Iterable[Resource],
              areas: Iterable[ManagementArea] = ()) -> CompoundSummary:
    """Summarise ``compound`` from its buildings, their households, its resources and the
    management areas; rows belonging to other compounds are ignored."""
    own_buildings = sorted((b for b in buildings if b.compound == compound.id), key=lambda b: b.id)
    by_building: dict[str, list[Household]] = {b.id: [] for b in own_buildings}
    for household in households:
        if household.building in by_building:
            by_building[household.building].append(household)
    homes = [h for held in by_building.values() for h in held]
    own_resources = [r for r in resources if r.compound == compound.id]
    counts = [ResourceCount(kind, sum(r.kind is kind for r in own_resources),
                            sum(r.kind is kind and r.tidal for r in own_resources))
              for kind in ResourceKind]
    return CompoundSummary(
        compound=compound,
        buildings=len(own_buildings),
        elevators=sum(b.elevator for b in own_buildings),
        households=len(homes),
        owners=len(owners_of(homes)),
        area_m2=sum((h.area_m2 for h in homes), Decimal("0.00")),
        resources=tuple(c for c in counts if c.count),
        tidal=sum(r.tidal for r in own_resources),
        building_lines=tuple(
            BuildingLine(b.id, b.floors, b.elevator, len(by_building[b.id]),
                         sum((h.area_m2 for h in by_building[b.id]), Decimal("0.00")))
            for b in own_buildings),
        management_areas=tuple(sorted(a.id for a in areas if compound.id in a.compounds)),
    )
