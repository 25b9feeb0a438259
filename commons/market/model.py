"""The marketplace's standing values: providers, categories, services, residents, subsidy
programmes and agreements, each validated on construction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.fields import normalise, parse_choice, parse_id
from commons.money import Money

__all__ = [
    "CHANNELS",
    "DEFAULT_CATEGORIES",
    "Agreement",
    "Category",
    "Provider",
    "ProviderKind",
    "ProviderStatus",
    "Resident",
    "Service",
    "SubsidyProgramme",
    "parse_channel",
    "parse_percent",
    "parse_provider_kind",
    "resident_as_of",
]

CHANNELS = ("wechat-pay", "alipay", "cash")
_CHANNEL_ALIASES = {"wechat": "wechat-pay", "微信": "wechat-pay", "微信支付": "wechat-pay",
                    "支付宝": "alipay", "现金": "cash"}
_HUNDRED = Decimal(100)


class ProviderKind(StrEnum):
    """Who provides: a firm, a social organisation, the state-owned fallback firm (国企兜底),
    a merchant or a volunteer team."""

    FIRM = "firm"
    SOCIAL_ORGANISATION = "social-organisation"
    STATE_FALLBACK = "state-fallback"
    MERCHANT = "merchant"
    VOLUNTEER = "volunteer"


_KIND_ALIASES = {normalise(k): v for k, v in {
    "物业企业": ProviderKind.FIRM, "企业": ProviderKind.FIRM,
    "社会组织": ProviderKind.SOCIAL_ORGANISATION, "国企兜底": ProviderKind.STATE_FALLBACK,
    "商户": ProviderKind.MERCHANT, "志愿者": ProviderKind.VOLUNTEER,
    "志愿服务队": ProviderKind.VOLUNTEER}.items()}


def parse_provider_kind(text: str) -> ProviderKind:
    """firm, social-organisation, state-fallback, merchant or volunteer (社会组织 ... too)."""
    return parse_choice(text, ProviderKind, _KIND_ALIASES, "provider kind")


class ProviderStatus(StrEnum):
    """Whether a provider may list and take orders."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    BLACKLISTED = "blacklisted"


def parse_channel(text: str) -> str:
    """How a resident paid: wechat-pay, alipay or cash (微信支付, 支付宝, 现金 too)."""
    value = normalise(text)
    value = _CHANNEL_ALIASES.get(value, value)
    if value not in CHANNELS:
        raise InvalidInput(f"payment channel {text!r} is not one of {', '.join(CHANNELS)}",
                           field="channel", fix=f"write one of {', '.join(CHANNELS)}")
    return value


def parse_percent(value: Decimal | str | int, field: str) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals (``30``, ``12.5``, ``5%``)."""
    fix = "write a number from 0 to 100 with at most two decimals, e.g. 30 or 12.5"
    try:
        number = Decimal(str(value).strip().removesuffix("%")) \
            if not isinstance(value, bool) else Decimal("NaN")
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.quantize(Decimal("0.01")) \
            or not 0 <= number <= _HUNDRED:
        raise InvalidInput(f"{value!r} is not a percentage from 0 to 100", field=field, fix=fix,
                           code=ErrorCode.INVALID_AMOUNT)
    return number


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({parse_id(v) for v in values}))


def _positive_price(_instance: object, _attribute: object, value: Money) -> None:
    if value.fen <= 0:
        raise InvalidInput(f"price {value} is not positive", field="price",
                           fix="give a price above zero, e.g. 12.00",
                           code=ErrorCode.INVALID_AMOUNT)


@attrs.frozen
class Provider:
    """One provider: its kind, status, the compounds or management areas it serves, the
    contracts firm it is (when it is one, so the blacklist applies) and whether an order may be
    cancelled after it was accepted."""

    id: str = attrs.field(converter=parse_id)
    name: str
    kind: ProviderKind = attrs.field(validator=attrs.validators.instance_of(ProviderKind))
    areas: tuple[str, ...] = attrs.field(converter=_ids)
    status: ProviderStatus = ProviderStatus.ACTIVE
    firm: str | None = None
    cancel_after_accept: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput(f"provider {self.id} has no name", field="name",
                               fix="give the provider's registered name")
        if not self.areas:
            raise InvalidInput(f"provider {self.id} serves no compound", field="areas",
                               fix="name the compounds or management areas it serves")

    def serves(self, compound: str, area: str | None = None) -> bool:
        """Whether the provider serves ``compound`` (or the management area it is in)."""
        return compound in self.areas or (area is not None and area in self.areas)


@attrs.frozen
class Category:
    """A kind of service. A low-cost (低偿) one has a ceiling the street office sets; the
    service levels say within how many minutes an order is accepted and done."""

    id: str = attrs.field(converter=parse_id)
    name: str
    accept_within: int = 60
    done_within: int = 24 * 60
    ceiling: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.accept_within <= 0 or self.done_within < self.accept_within:
            raise InvalidInput(f"category {self.id}: service levels of {self.accept_within} and "
                               f"{self.done_within} minutes do not make sense", field="levels",
                               fix="accept within some minutes, done within at least as many")
        if self.ceiling is not None and self.ceiling.fen <= 0:
            raise InvalidInput(f"category {self.id}: ceiling {self.ceiling} is not positive",
                               field="ceiling", fix="give the street office's ceiling, e.g. 15.00",
                               code=ErrorCode.INVALID_AMOUNT)

    @property
    def low_cost(self) -> bool:
        """Whether the category is low-cost (低偿), with a price ceiling."""
        return self.ceiling is not None


DEFAULT_CATEGORIES = (
    Category("canteen-meal", "长者食堂 canteen meal", 15, 90),
    Category("childcare-hour", "托育 childcare hour", 60, 24 * 60),
    Category("elderly-care-visit", "助老上门 elderly-care visit", 120, 48 * 60),
    Category("housekeeping-hour", "家政 housekeeping hour", 120, 48 * 60),
    Category("repair-call-out", "维修 repair call-out", 30, 24 * 60),
    Category("moving-help", "搬家 moving help", 240, 72 * 60),
    Category("health-check", "健康检查 health check", 24 * 60, 7 * 24 * 60),
)


@attrs.frozen
class Service:
    """A service a provider lists: category, unit, list price and the compounds it reaches."""

    id: str = attrs.field(converter=parse_id)
    provider: str
    category: str
    name: str
    unit: str
    price: Money = attrs.field(validator=_positive_price)
    compounds: tuple[str, ...] = attrs.field(converter=_ids)

    def __attrs_post_init__(self) -> None:
        if not self.compounds:
            raise InvalidInput(f"service {self.id} reaches no compound", field="compounds",
                               fix="name the compounds it reaches")

    def check_listable(self, category: Category, provider: Provider) -> None:
        """Refuse a service its provider may not list, or one above its category's ceiling."""
        if category.ceiling is not None and self.price > category.ceiling:
            raise RefusedByRule(
                f"service {self.id} at {self.price} is above the {category.id} ceiling of "
                f"{category.ceiling} the street office set for this low-cost (低偿) category",
                field="price", fix=f"list it at {category.ceiling} or less",
                code=ErrorCode.ABOVE_CEILING)
        outside = [c for c in self.compounds if c not in provider.areas]
        if outside:
            raise RefusedByRule(f"provider {provider.id} does not serve {', '.join(outside)}",
                                field="compounds",
                                fix="list the service only where its provider serves")


@attrs.frozen
class Resident:
    """A resident of a household: the eligibility tags the host supplies (aged-80+, 低保,
    disabled ...) and a birth year, and nothing more."""

    id: str = attrs.field(converter=parse_id)
    household: str
    birth_year: int | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    def __attrs_post_init__(self) -> None:
        if self.birth_year is not None and not 1890 <= self.birth_year <= 2100:
            raise InvalidInput(f"resident {self.id}: birth year {self.birth_year} is not "
                               "plausible", field="birth_year", fix="give a year such as 1942")


def resident_as_of(records: Sequence[tuple[str, Resident]], on: dt.date) -> Resident | None:
    """The resident as of ``on`` among its ``records`` (oldest first, see
    the store's ``resident_records``): the latest not after it, or None."""
    day = on.isoformat()
    return next((r for since, r in reversed(records) if since <= day), None)


@attrs.frozen
class SubsidyProgramme:
    """Who pays part of an order: ``funder`` pays ``percent`` of the price of ``categories``
    for residents tagged ``tag``, at most ``cap`` per person a month and ``budget`` a month
    in all; the provider concedes ``concession`` percent."""

    id: str = attrs.field(converter=parse_id)
    funder: str = attrs.field(converter=parse_id)
    tag: str = attrs.field(converter=parse_id)
    categories: tuple[str, ...] = attrs.field(converter=_ids)
    percent: Decimal
    cap: Money
    budget: Money
    concession: Decimal = Decimal(0)

    def __attrs_post_init__(self) -> None:
        for field in ("percent", "concession"):
            parse_percent(getattr(self, field), field)
        if self.percent + self.concession > _HUNDRED:
            raise InvalidInput(f"programme {self.id}: {self.percent}% subsidy and "
                               f"{self.concession}% concession exceed the whole price",
                               field="concession", fix="keep the two at 100% or less",
                               code=ErrorCode.INVALID_AMOUNT)
        if self.cap.is_negative() or self.budget.is_negative():
            raise InvalidInput(f"programme {self.id}: a cap or budget is negative",
                               field="budget", fix="give amounts of zero or more",
                               code=ErrorCode.INVALID_AMOUNT)
        if not self.categories:
            raise InvalidInput(f"programme {self.id} covers no category", field="categories",
                               fix="name the categories it pays for, e.g. canteen-meal")

    def covers(self, category: str, tags: Iterable[str]) -> bool:
        """Whether an order of ``category`` by a resident with ``tags`` is eligible."""
        return category in self.categories and self.tag in tags


@attrs.frozen
class Agreement:
    """A provider's agreement with a compound: the space it uses (an estate resource) and its
    in-kind rent value, and the compound's share, a percent of gross income or a fixed monthly
    sum, earmarked for a purpose (e.g. cleaning)."""

    id: str = attrs.field(converter=parse_id)
    provider: str
    compound: str
    starts_on: dt.date
    space: str | None = None
    rent_in_kind: Money = attrs.field(factory=Money.zero)
    share_percent: Decimal | None = None
    fixed_monthly: Money | None = None
    earmark: str = ""

    def __attrs_post_init__(self) -> None:
        if self.share_percent is not None and self.fixed_monthly is not None:
            raise InvalidInput(f"agreement {self.id} gives both a share of gross income and a "
                               "fixed monthly sum; it takes one of them", field="share",
                               fix="give one of the two, not both: --share-percent (e.g. 10) "
                                   "or --fixed (e.g. 500.00)")
        if self.share_percent is None and self.fixed_monthly is None:
            raise InvalidInput(f"agreement {self.id} needs either a share of gross income or a "
                               "fixed monthly sum", field="share",
                               fix="give --share-percent (e.g. 10) or --fixed (e.g. 500.00)")
        if self.share_percent is not None:
            parse_percent(self.share_percent, "share")
        if self.fixed_monthly is not None and self.fixed_monthly.is_negative():
            raise InvalidInput(f"agreement {self.id}: fixed sum {self.fixed_monthly} is "
                               "negative", field="fixed", fix="give zero or more",
                               code=ErrorCode.INVALID_AMOUNT)
        if self.rent_in_kind.is_negative():
            raise InvalidInput(f"agreement {self.id}: rent value {self.rent_in_kind} is "
                               "negative", field="rent", fix="give zero for rent-free space",
                               code=ErrorCode.INVALID_AMOUNT)
