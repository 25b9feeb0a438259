"""Revenue-earning resources (可收益点位) of a compound.

A resource is something that earns public revenue: a parking space, an ad spot, a rented room,
a kiosk, a parcel locker or a telecom base station. Only a parking space can be tidal (潮汐车位:
rented to outsiders in a day window, as Weiji Xincun in Changsha Yuhua rents its spaces to the
hospital next door).
"""

from __future__ import annotations

from enum import StrEnum

import attrs

from commons.errors import InvalidInput
from commons.fields import normalise, parse_choice, parse_id, parse_yes_no
from commons.files import Row

__all__ = ["Resource", "ResourceKind", "parse_resource_kind"]


class ResourceKind(StrEnum):
    """What kind of thing earns; the order is the order reports list them in."""

    PARKING = "parking"
    ADVERTISING = "advertising"
    ROOM = "room"
    KIOSK = "kiosk"
    LOCKER = "locker"
    BASE_STATION = "base-station"


_KIND_ALIASES = {normalise(k): v for k, v in {
    "parking-space": ResourceKind.PARKING, "车位": ResourceKind.PARKING,
    "停车位": ResourceKind.PARKING, "潮汐车位": ResourceKind.PARKING,
    "ad": ResourceKind.ADVERTISING, "ad-spot": ResourceKind.ADVERTISING,
    "广告": ResourceKind.ADVERTISING, "广告位": ResourceKind.ADVERTISING,
    "用房": ResourceKind.ROOM, "房间": ResourceKind.ROOM, "经营用房": ResourceKind.ROOM,
    "报刊亭": ResourceKind.KIOSK, "售货亭": ResourceKind.KIOSK, "亭": ResourceKind.KIOSK,
    "快递柜": ResourceKind.LOCKER, "智能柜": ResourceKind.LOCKER,
    "基站": ResourceKind.BASE_STATION, "通信基站": ResourceKind.BASE_STATION,
}.items()}


def parse_resource_kind(text: str) -> ResourceKind:
    """parking, advertising, room, kiosk, locker or base-station; 车位, 广告位 ... too."""
    return parse_choice(text, ResourceKind, _KIND_ALIASES, "resource kind")


def _tidal_only_parking(instance: Resource, _attribute: object, value: bool) -> None:
    if value and instance.kind is not ResourceKind.PARKING:
        raise InvalidInput(f"{instance.kind.value} resources cannot be tidal",
                           fix="only parking spaces are tidal; write false")


@attrs.frozen
class Resource:
    """One revenue-earning point of a compound."""

    id: str
    compound: str
    kind: ResourceKind = attrs.field(validator=attrs.validators.instance_of(ResourceKind))
    tidal: bool = attrs.field(validator=_tidal_only_parking)
    name: str = ""

    HEADER = ("id", "compound", "kind", "tidal")
    OPTIONAL = ("name",)

    @classmethod
    def from_row(cls, row: Row) -> Resource:
        """A resource from a CSV row; only a parking space may be tidal."""
        kind = row.parse("kind", parse_resource_kind)
        tidal = row.parse("tidal", parse_yes_no)
        if tidal and kind is not ResourceKind.PARKING:
            raise row.error("tidal", f"{kind.value} resources cannot be tidal",
                            "only parking spaces are tidal; write false")
        return cls(id=row.parse("id", parse_id), compound=row.text("compound"), kind=kind,
                   tidal=tidal, name=row.text("name", required=False))
