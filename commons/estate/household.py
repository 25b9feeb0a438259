"""Households: a flat on a floor of a building, with its floor area (建筑面积) and owner."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from commons.errors import InvalidInput
from commons.files import Row
from commons.money import parse_weight

__all__ = ["Household", "parse_area_m2", "parse_floor"]

MAX_FLOOR = 200  # no residential building in China is taller; a bigger number is a typo


def parse_area_m2(text: str) -> Decimal:
    """A floor area in m², positive, with at most two decimals (as deeds record it)."""
    area = parse_weight(text)
    exponent = area.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -2:
        raise InvalidInput(f"area {text!r} has more than two decimal places",
                           fix="write the area in m² as on the deed, e.g. 56.37")
    if area <= 0:
        raise InvalidInput(f"area {text!r} is not positive",
                           fix="a household's floor area is more than 0 m²")
    return area


def parse_floor(text: str) -> int:
    """A floor number: 1 is the ground floor; basements are negative; there is no floor 0."""
    try:
        floor = int(text.strip())
    except ValueError:
        raise InvalidInput(f"floor {text!r} is not a whole number",
                           fix="write the floor as a number such as 3") from None
    if floor == 0 or abs(floor) > MAX_FLOOR:
        raise InvalidInput(f"floor {floor} is impossible",
                           fix=f"floors run from 1 up (basements -1 down), at most {MAX_FLOOR}")
    return floor


def _positive_area(_instance: object, _attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not isinstance(value, Decimal) or value <= 0:
        raise InvalidInput(f"area {value!r} is not a positive Decimal number of m²",
                           fix="parse areas with parse_area_m2('56.37')")


@attrs.frozen
class Household:
    """One exclusive unit (户): the unit of headcount, area and billing."""

    id: str
    building: str
    floor: int
    area_m2: Decimal = attrs.field(validator=_positive_area)
    owner: str

    HEADER = ("id", "building", "floor", "area_m2", "owner")

    @classmethod
    def from_csv_row(cls, row: Row) -> Household:
        return cls(
            id=row.text("id"),
            building=row.text("building"),
            floor=row.parse("floor", parse_floor),
            area_m2=row.parse("area_m2", parse_area_m2),
            owner=row.text("owner"),
        )
