"""Compounds (小区 / 楼院), their buildings (楼栋), and the management areas joining them.

A compound is governed one of three ways (as in Changsha Yuhua: 物管小区, 社区托管小区,
居民自管小区): by a professional firm, entrusted to the community (often bundled with its
neighbours, 连片打包 / 共享物业), or self-managed by its residents.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import attrs

from commons.errors import InvalidInput
from commons.estate.household import MAX_FLOOR
from commons.fields import (
    LIST_SEPARATOR,
    normalise,
    parse_choice,
    parse_id,
    parse_yes_no,
)
from commons.files import Row

__all__ = [
    "EARLIEST_BUILT_YEAR",
    "Building",
    "Compound",
    "Governance",
    "ManagementArea",
    "parse_compound_id",
    "parse_governance",
]

EARLIEST_BUILT_YEAR = 1800  # older than any residential compound still standing
# A compound's id names its accounts (income:parking:<id>), so it must be an account segment
# (the ledger's rule); a compound imported with a blank or a dot in its id could keep no books.
_ACCOUNT_SEGMENT = re.compile(r"[\w][\w\-]*")


def parse_compound_id(text: str) -> str:
    """A compound's id: letters (Chinese too), digits, ``-`` and ``_``, as its accounts need."""
    value = parse_id(text)
    if not _ACCOUNT_SEGMENT.fullmatch(value):
        raise InvalidInput(f"compound id {value!r} has characters an account name cannot hold",
                           fix="use letters, digits, - or _ in compound ids, e.g. wjxc or zy-1")
    return value


class Governance(StrEnum):
    """How a compound is managed."""

    FIRM = "firm"  # 专业物业: a property-service firm under contract
    ENTRUSTED = "entrusted"  # 社区托管: the community entrusts it, often bundled with neighbours
    SELF_MANAGED = "self-managed"  # 居民自管: residents' own committee runs it


_GOVERNANCE_ALIASES = {normalise(k): v for k, v in {
    "professional": Governance.FIRM, "专业物业": Governance.FIRM, "物业": Governance.FIRM,
    "物管": Governance.FIRM, "物管小区": Governance.FIRM, "物业服务企业": Governance.FIRM,
    "bundled": Governance.ENTRUSTED, "托管": Governance.ENTRUSTED,
    "社区托管": Governance.ENTRUSTED, "托管小区": Governance.ENTRUSTED,
    "社区托管小区": Governance.ENTRUSTED, "连片打包": Governance.ENTRUSTED,
    "共享物业": Governance.ENTRUSTED,
    "self": Governance.SELF_MANAGED, "自管": Governance.SELF_MANAGED,
    "居民自管": Governance.SELF_MANAGED, "自管小区": Governance.SELF_MANAGED,
    "居民自管小区": Governance.SELF_MANAGED, "自治": Governance.SELF_MANAGED,
}.items()}


def parse_governance(text: str) -> Governance:
    """firm, entrusted or self-managed; the Chinese terms (专业物业, 社区托管, 自管 ...) too."""
    return parse_choice(text, Governance, _GOVERNANCE_ALIASES, "governance mode")


def _parse_whole(text: str, what: str, example: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a whole number",
                           fix=f"write it as a number such as {example}") from None


@attrs.frozen
class Compound:
    """A residential compound: where it is (community 社区, sub-district 街道) and how it is run."""

    id: str
    name: str
    community: str
    governance: Governance = attrs.field(validator=attrs.validators.instance_of(Governance))
    built_year: int
    subdistrict: str = ""

    HEADER = ("id", "name", "community", "governance", "built_year")
    OPTIONAL = ("subdistrict",)

    @classmethod
    def from_row(cls, row: Row, *, this_year: int) -> Compound:
        """A compound from a CSV row; a year after ``this_year`` is impossible."""
        def built_year(text: str) -> int:
            year = _parse_whole(text, "built year", "1987")
            if not EARLIEST_BUILT_YEAR <= year <= this_year:
                raise InvalidInput(f"built year {year} is impossible",
                                   fix=f"give the year it was built, {EARLIEST_BUILT_YEAR} to "
                                   f"{this_year}")
            return year

        return cls(
            id=row.parse("id", parse_compound_id),
            name=row.text("name"),
            community=row.text("community"),
            governance=row.parse("governance", parse_governance),
            built_year=row.parse("built_year", built_year),
            subdistrict=row.text("subdistrict", required=False),
        )


def _parse_floors(text: str) -> int:
    floors = _parse_whole(text, "floors", "6")
    if not 1 <= floors <= MAX_FLOOR:
        raise InvalidInput(f"{floors} floors is impossible",
                           fix=f"give the floors above ground, 1 to {MAX_FLOOR}")
    return floors


def _valid_floors(_instance: object, _attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or not 1 <= value <= MAX_FLOOR:
        raise InvalidInput(f"{value!r} floors is impossible",
                           fix=f"a building has 1 to {MAX_FLOOR} floors above ground")


@attrs.frozen
class Building:
    """A building of a compound: floors above ground (basements are not counted) and whether
    it has an elevator."""

    id: str
    compound: str
    floors: int = attrs.field(validator=_valid_floors)
    elevator: bool

    HEADER = ("id", "compound", "floors", "elevator")

    def has_floor(self, floor: int) -> bool:
        """Whether ``floor`` exists here: 1..floors above ground, or a basement (negative)."""
        return floor < 0 or 1 <= floor <= self.floors

    @classmethod
    def from_row(cls, row: Row) -> Building:
        """A building from a CSV row (see ``HEADER``)."""
        return cls(
            id=row.parse("id", parse_id),
            compound=row.text("compound"),
            floors=row.parse("floors", _parse_floors),
            elevator=row.parse("elevator", parse_yes_no),
        )


def _compound_list(text: str) -> tuple[str, ...]:
    ids = [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if not ids:
        raise InvalidInput("the area names no compound",
                           fix="list its compounds separated by ';', e.g. wjxc;zy-1")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidInput(f"compound {repeated[0]!r} is listed twice",
                           fix="list each compound of the area once")
    return tuple(sorted(ids))


def _sorted_ids(ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(ids))


@attrs.frozen
class ManagementArea:
    """A management area (物业管理区域): what one service contract covers; it may join
    several compounds (kept in id order, so the order they were listed in does not matter)."""

    id: str
    name: str
    compounds: tuple[str, ...] = attrs.field(converter=_sorted_ids)

    HEADER = ("id", "name", "compounds")

    @classmethod
    def from_row(cls, row: Row) -> ManagementArea:
        """A management area from a CSV row; its compounds are separated by ``;``."""
        return cls(id=row.parse("id", parse_id), name=row.text("name"),
                   compounds=row.parse("compounds", _compound_list))
