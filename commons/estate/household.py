"""Households: a flat on a floor of a building, with its floor area (建筑面积) and owner.

An owner is whoever the households name: one owner may hold several units, and ``owners_of``
gathers them (art. 278 counts such an owner once by headcount and by all of their area).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from commons.allocation import parse_weight
from commons.errors import InvalidInput
from commons.files import Row

__all__ = ["MAX_AREA_M2", "MAX_FLOOR", "Household", "Owner", "owners_of", "parse_area_m2",
           "parse_floor"]

MAX_FLOOR = 200  # no residential building in China is taller; a bigger number is a typo
# No exclusive unit is this large (a whole shopping centre is less); a bigger area is a typo,
# and one beyond SQLite's integers would otherwise fail only when it is stored.
MAX_AREA_M2 = Decimal(100_000)
_AREA_FIX = "write the area in m² as on the deed, e.g. 56.37"


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def parse_area_m2(text: str) -> Decimal:
    """A floor area in m², positive, with at most two decimals (as deeds record it)."""
    area = parse_weight(text)
    if _decimal_places(area) > 2:
        raise InvalidInput(f"area {text!r} has more than two decimal places", fix=_AREA_FIX)
    if area <= 0:
        raise InvalidInput(f"area {text!r} is not positive",
                           fix="a household's floor area is more than 0 m²")
    return _check_area(area)


def _check_area(area: Decimal) -> Decimal:
    if area > MAX_AREA_M2:
        raise InvalidInput(f"area {area} m² is impossible for one household",
                           fix=f"{_AREA_FIX}; at most {MAX_AREA_M2} m²")
    return area


def _check_floor(floor: int) -> int:
    if floor == 0 or abs(floor) > MAX_FLOOR:
        raise InvalidInput(f"floor {floor} is impossible",
                           fix=f"floors run from 1 up (basements -1 down), at most {MAX_FLOOR}")
    return floor


def parse_floor(text: str) -> int:
    """A floor number: 1 is the ground floor; basements are negative; there is no floor 0."""
    try:
        floor = int(text.strip())
    except ValueError:
        raise InvalidInput(f"floor {text!r} is not a whole number",
                           fix="write the floor as a number such as 3") from None
    return _check_floor(floor)


def _valid_floor(_instance: object, _attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int:
        raise InvalidInput(f"floor {value!r} is not a whole number",
                           fix="parse floors with parse_floor('3')")
    _check_floor(value)


def _positive_area(_instance: object, _attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidInput(f"area {value!r} is not a positive Decimal number of m²",
                           fix="parse areas with parse_area_m2('56.37')")
    if _decimal_places(value) > 2:
        raise InvalidInput(f"area {value} m² has more than two decimal places", fix=_AREA_FIX)
    _check_area(value)


@attrs.frozen
class Household:
    """One exclusive unit (户): the unit of headcount, area and billing."""

    id: str
    building: str
    floor: int = attrs.field(validator=_valid_floor)
    area_m2: Decimal = attrs.field(validator=_positive_area)
    owner: str

    HEADER = ("id", "building", "floor", "area_m2", "owner")

    @classmethod
    def from_csv_row(cls, row: Row) -> Household:
        """A household from a CSV row (see ``HEADER``)."""
        return cls(
            id=row.text("id"),
            building=row.text("building"),
            floor=row.parse("floor", parse_floor),
            area_m2=row.parse("area_m2", parse_area_m2),
            owner=row.text("owner"),
        )


@attrs.frozen
class Owner:
    """An owner (业主) and the exclusive units they hold, by id, with their total area."""

    id: str
    units: tuple[str, ...]
    area_m2: Decimal


def owners_of(households: Iterable[Household]) -> tuple[Owner, ...]:
    """Every owner of ``households`` once, ordered by id, each with their units ordered by id."""
    units: dict[str, list[Household]] = {}
    for household in households:
        units.setdefault(household.owner, []).append(household)
    return tuple(
        Owner(owner, tuple(sorted(h.id for h in held)), sum((h.area_m2 for h in held), Decimal(0)))
        for owner, held in sorted(units.items()))
