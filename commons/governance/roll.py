"""Who decides: the scope of a resolution and the roll of exclusive units within it.

A roll is built from ``Household`` values (one per exclusive unit, 专有部分). Art. 278 counts
two measures: the exclusive area, and the owners by head, "one per exclusive unit, but one owner
of several units counts once". So an owner's weight is the sum of their units' areas,
and the headcount is the number of distinct owners.

A ``Household`` names its building but not its compound, so a compound roll takes every unit it is
given: the caller (the store) hands over exactly the compound's households. A building roll
checks that every unit is in its building.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from commons.errors import InvalidInput, NotFound
from commons.estate.household import Household

__all__ = ["Roll", "Scope", "ScopeKind"]


class ScopeKind(enum.StrEnum):
    """Who decides: the owners of a whole compound, or of one building."""

    COMPOUND = "compound"
    BUILDING = "building"


def _scope_kind(value: ScopeKind | str) -> ScopeKind:
    if isinstance(value, ScopeKind):
        return value
    try:
        return ScopeKind(value)
    except ValueError:
        raise InvalidInput(f"scope kind {value!r} is neither compound nor building",
                           field="scope", fix="decide in a compound or a building") from None


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise InvalidInput(f"{attribute.name} {value!r} is empty or has surrounding spaces",
                           fix=f"give the {attribute.name} as a plain id such as LS-3")


@attrs.frozen
class Scope:
    """Where a resolution is decided: a whole compound, or one building of it."""

    kind: ScopeKind = attrs.field(converter=_scope_kind)
    id: str = attrs.field(validator=_non_empty)

    @classmethod
    def compound(cls, compound_id: str) -> Scope:
        """The owners of compound ``compound_id``."""
        return cls(ScopeKind.COMPOUND, compound_id)

    @classmethod
    def building(cls, building_id: str) -> Scope:
        """The owners of building ``building_id``."""
        return cls(ScopeKind.BUILDING, building_id)

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``compound:WJXC`` or ``building:LS-3``."""
        kind, _, scope_id = text.strip().partition(":")
        if kind not in {k.value for k in ScopeKind} or not scope_id.strip():
            raise InvalidInput(f"scope {text!r} is not compound:ID or building:ID",
                               fix="write the scope like compound:WJXC or building:LS-3")
        return cls(ScopeKind(kind), scope_id.strip())

    def __str__(self) -> str:
        return f"{self.kind.value} {self.id}"


def _sorted_units(units: Iterable[Household]) -> tuple[Household, ...]:
    # Sorted by id so that two rolls of the same units are equal whatever order they came in.
    return tuple(sorted(units, key=lambda h: h.id))


@attrs.frozen
class Roll:
    """The exclusive units in a scope, with their owners and areas."""

    scope: Scope
    units: tuple[Household, ...] = attrs.field(converter=_sorted_units)

    def __attrs_post_init__(self) -> None:
        if not self.units:
            raise InvalidInput(f"{self.scope} has no exclusive units to decide anything",
                               fix="import its households first")
        seen: set[str] = set()
        for unit in self.units:
            self._check_unit(unit, seen)

    def _check_unit(self, unit: Household, seen: set[str]) -> None:
        if unit.id in seen:
            raise InvalidInput(f"unit {unit.id} is on the roll of {self.scope} twice",
                               fix="give each exclusive unit once")
        seen.add(unit.id)
        if not unit.owner.strip():
            raise InvalidInput(f"unit {unit.id} has no owner", field="owner",
                               fix="name the unit's owner; every unit counts for one owner")
        if self.scope.kind is ScopeKind.BUILDING and unit.building != self.scope.id:
            raise InvalidInput(f"unit {unit.id} is in building {unit.building}, not in "
                               f"{self.scope}", fix="give only the building's own units")

    @classmethod
    def of(cls, scope: Scope, households: Iterable[Household]) -> Roll:
        """The roll of ``scope``: for a building, its units picked out of ``households``; for a
        compound, all of ``households`` (which must be the compound's)."""
        if scope.kind is ScopeKind.BUILDING:
            households = [h for h in households if h.building == scope.id]
        return cls(scope, households)

    @functools.cached_property
    def _areas(self) -> dict[str, Decimal]:
        areas: dict[str, Decimal] = {}
        for unit in self.units:
            areas[unit.owner] = areas.get(unit.owner, Decimal(0)) + unit.area_m2
        return areas

    @functools.cached_property
    def _by_id(self) -> dict[str, Household]:
        return {unit.id: unit for unit in self.units}

    @property
    def total_area_m2(self) -> Decimal:
        """The exclusive area of every unit on the roll."""
        return sum(self._areas.values(), Decimal(0))

    @property
    def headcount(self) -> int:
        """Distinct owners: an owner of several units counts once."""
        return len(self._areas)

    @property
    def owners(self) -> tuple[str, ...]:
        """Every owner on the roll, each once, by name."""
        return tuple(sorted(self._areas))

    def __contains__(self, owner: object) -> bool:
        return owner in self._areas

    def area_of(self, owner: str) -> Decimal:
        """The owner's weight in this scope: the sum of their units' areas."""
        try:
            return self._areas[owner]
        except KeyError:
            raise NotFound(f"{owner} owns no unit in {self.scope}",
                           fix="check the owner's name against the households") from None

    def unit(self, unit_id: str) -> Household:
        """The unit ``unit_id`` of the roll; NotFound if it is not on it."""
        try:
            return self._by_id[unit_id]
        except KeyError:
            raise NotFound(f"unit {unit_id} is not in {self.scope}",
                           fix="name units of this scope, as in the households file") from None

    def units_of(self, owner: str) -> tuple[Household, ...]:
        """The units ``owner`` holds on the roll."""
        return tuple(unit for unit in self.units if unit.owner == owner)
