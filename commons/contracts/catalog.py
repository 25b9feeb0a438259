"""The service catalog (物业服务清单): categories and items, each with a cost driver and a level.

Qingdao Shinan (Huangdao Road 15) agreed a basic service list of 7 categories and 23 items
(房屋维修、秩序管理、环境卫生 ... "7大项23小项"). Its published account names the first categories
and the counts only; the remaining categories and every item below are commons' reading of what
such a list holds in an old open compound, shipped as ``DEFAULT_CATALOG`` so a contract can name
items without importing a list first.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import attrs

from commons.errors import InvalidInput, NotFound
from commons.fields import normalise, parse_choice

__all__ = [
    "DEFAULT_CATALOG",
    "CostDriver",
    "ServiceCatalog",
    "ServiceCategory",
    "ServiceItem",
    "ServiceLevel",
    "parse_driver",
]


class CostDriver(StrEnum):
    """What an item's cost grows with."""

    PER_M2 = "per_m2"  # floor area: repairs of common parts
    PER_BUILDING = "per_building"  # stairwells, roofs
    PER_HOUSEHOLD = "per_household"  # cleaning, rubbish, customer service
    PER_GATE = "per_gate"  # guards: one per gate
    PER_ELEVATOR = "per_elevator"  # lift maintenance
    FIXED = "fixed"  # a manager, an office: once per contract


_DRIVER_ALIASES = {normalise(k): v for k, v in {
    "m2": CostDriver.PER_M2, "area": CostDriver.PER_M2, "按面积": CostDriver.PER_M2,
    "building": CostDriver.PER_BUILDING, "按楼栋": CostDriver.PER_BUILDING,
    "household": CostDriver.PER_HOUSEHOLD, "按户": CostDriver.PER_HOUSEHOLD,
    "gate": CostDriver.PER_GATE, "按门岗": CostDriver.PER_GATE,
    "elevator": CostDriver.PER_ELEVATOR, "按电梯": CostDriver.PER_ELEVATOR,
    "固定": CostDriver.FIXED,
}.items()}


def parse_driver(text: str) -> CostDriver:
    """per_m2, per_building, per_household, per_gate, per_elevator or fixed."""
    return parse_choice(text, CostDriver, _DRIVER_ALIASES, "cost driver")


class ServiceLevel(StrEnum):
    """The level an item is delivered at (一级 is the highest of the usual three)."""

    BASIC = "basic"  # 三级
    STANDARD = "standard"  # 二级
    PREMIUM = "premium"  # 一级


@attrs.frozen
class ServiceCategory:
    """A category of the service list (房屋维修, 环境卫生 ...)."""

    id: str
    name: str


@attrs.frozen
class ServiceItem:
    """One item of the list: what it is, which category, what drives its cost, at what level."""

    id: str
    category: str
    name: str
    driver: CostDriver = attrs.field(validator=attrs.validators.instance_of(CostDriver))
    level: ServiceLevel = ServiceLevel.BASIC


def _categories(values: Iterable[ServiceCategory]) -> tuple[ServiceCategory, ...]:
    return tuple(values)


def _items(values: Iterable[ServiceItem]) -> tuple[ServiceItem, ...]:
    return tuple(values)


@attrs.frozen
class ServiceCatalog:
    """Categories and their items; every item's category is one of the catalog's, ids unique."""

    categories: tuple[ServiceCategory, ...] = attrs.field(converter=_categories)
    items: tuple[ServiceItem, ...] = attrs.field(converter=_items)

    def __attrs_post_init__(self) -> None:
        known = {c.id for c in self.categories}
        if len(known) != len(self.categories):
            raise InvalidInput("a category id appears twice in the catalog",
                               fix="give every category a unique id")
        seen: set[str] = set()
        for item in self.items:
            if item.category not in known:
                raise InvalidInput(f"item {item.id!r} names unknown category {item.category!r}",
                                   fix=f"use one of {', '.join(sorted(known))}")
            if item.id in seen:
                raise InvalidInput(f"item id {item.id!r} appears twice in the catalog",
                                   fix="give every item a unique id")
            seen.add(item.id)

    def item(self, id: str) -> ServiceItem:
        """The item ``id``; NotFound if the catalog has none."""
        for item in self.items:
            if item.id == id:
                return item
        raise NotFound(f"service item {id!r} is not in the catalog",
                       fix="name items of the catalog")

    def select(self, ids: Iterable[str]) -> tuple[ServiceItem, ...]:
        """The items named, in catalog order, each once; an unknown id is NotFound."""
        wanted = set(ids)
        for id in sorted(wanted):
            self.item(id)
        return tuple(i for i in self.items if i.id in wanted)

    def in_category(self, category: str) -> tuple[ServiceItem, ...]:
        """The items of ``category``."""
        return tuple(i for i in self.items if i.category == category)


def _item(id: str, category: str, name: str, driver: CostDriver,
          level: ServiceLevel = ServiceLevel.BASIC) -> ServiceItem:
    return ServiceItem(id, category, name, driver, level)


_D = CostDriver
DEFAULT_CATALOG = ServiceCatalog(
    (
        ServiceCategory("repairs", "房屋维修 house repairs"),
        ServiceCategory("order", "秩序管理 order and security"),
        ServiceCategory("sanitation", "环境卫生 sanitation"),
        ServiceCategory("greening", "绿化养护 greening"),
        ServiceCategory("facilities", "设施设备 facilities and equipment"),
        ServiceCategory("parking", "停车管理 parking management"),
        ServiceCategory("customer", "客户服务 customer service"),
    ),
    (
        _item("roof-and-walls", "repairs", "屋面外墙巡查维修 roofs and outer walls", _D.PER_M2),
        _item("stairwells", "repairs", "楼道公共部位维修 stairwells and common parts",
              _D.PER_BUILDING),
        _item("drains", "repairs", "给排水管道疏通 drains and pipes", _D.PER_BUILDING),
        _item("gate-guard", "order", "门岗值守 gate guard", _D.PER_GATE),
        _item("patrol", "order", "24小时巡逻 round-the-clock patrol", _D.PER_M2),
        _item("fire-lanes", "order", "消防通道管理 fire lanes kept clear", _D.PER_BUILDING),
        _item("cctv", "order", "监控值守 CCTV watch", _D.FIXED),
        _item("cleaning", "sanitation", "公共区域保洁 cleaning of common areas",
              _D.PER_HOUSEHOLD),
        _item("rubbish", "sanitation", "垃圾分类清运 rubbish sorting and removal",
              _D.PER_HOUSEHOLD),
        _item("pest-control", "sanitation", "消杀 pest control", _D.PER_M2),
        _item("lawns", "greening", "草坪养护 lawns", _D.PER_M2),
        _item("trees", "greening", "树木修剪 tree pruning", _D.PER_BUILDING),
        _item("flower-beds", "greening", "花坛补植 flower beds", _D.FIXED),
        _item("elevator-maintenance", "facilities", "电梯维保 elevator maintenance",
              _D.PER_ELEVATOR, ServiceLevel.STANDARD),
        _item("lighting", "facilities", "公共照明 common lighting", _D.PER_BUILDING),
        _item("fire-equipment", "facilities", "消防设施 fire equipment", _D.PER_BUILDING),
        _item("access-control", "facilities", "门禁系统 access control", _D.PER_GATE),
        _item("parking-order", "parking", "车辆停放秩序 parking order", _D.PER_HOUSEHOLD),
        _item("parking-fees", "parking", "停车收费管理 parking fee collection", _D.FIXED),
        _item("help-desk", "customer", "物业服务中心 help desk", _D.FIXED),
        _item("repairs-hotline", "customer", "报事报修 repairs hotline", _D.PER_HOUSEHOLD),
        _item("notices", "customer", "公示公告 notices and disclosure", _D.FIXED),
        _item("manager", "customer", "项目经理 project manager", _D.FIXED,
              ServiceLevel.STANDARD),
    ),
)
