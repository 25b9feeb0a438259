"""Firms, bundles of compounds, and the bundle contracts between them.

A bundle (连片打包 / 共享物业) joins adjacent micro-compounds that no firm would take alone, so one
firm serves them all under one contract (Changsha Yuhua's Ziyuan community bundles 27 old
buildings).
A contract runs for a term, lists the catalog items it covers, and is of one regime:

- ``lump_sum`` (包干制): the firm keeps the fees and bears the costs; it is paid the contract
  price, unit price times the bundle's floor area, and keeps the surplus or bears the loss;
- ``commission`` (酬金制): the fees are the owners' money; the firm is paid its costs plus a
  commission of 5 to 10 percent of them, and the surplus or deficit stays with the owners.

Either way the pay is split into a base part and a performance part that follows the monthly
evaluation (as in Hangzhou Daguan: 基础营收 and 考评绩效营收).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import attrs

# The regime of a contract is the fees' regime: one concept, defined where fees are billed.
from commons.billing.fees import Regime, parse_regime
from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.money import Money
from commons.periods import Period
from commons.revenue.income import parse_percent as percent

__all__ = [
    "COMMISSION_PERCENT",
    "Bundle",
    "BundleContract",
    "Firm",
    "Regime",
    "fen_half_up",
    "parse_percent",
    "parse_regime",
]

COMMISSION_PERCENT = (Decimal(5), Decimal(10))  # the agreed range of a 酬金制 commission


def fen_half_up(value: Fraction) -> int:
    """An exact amount of fen rounded to a whole fen, halves up: every money amount derived
    from a rate, a score or an area is rounded here, once."""
    return int((value + Fraction(1, 2)).__floor__())


def parse_percent(text: str | int, what: str) -> Decimal:
    """A percentage with at most two decimals, 0 to 100 (the one rule the sharing rules follow
    too): ``8``, ``7.5``, ``"8%"``, ``"0.5%"``; refused naming ``what``. A bare fraction below 1
    (``"0.08"``) is refused too: it is 8% written as a fraction far more often than 0.08%, and
    taken as written it would silently price at a hundredth of the margin meant."""
    bare = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if bare and not bare.endswith("%"):
        try:
            fraction = 0 < Decimal(bare) < 1
        except InvalidOperation:
            fraction = False
        if fraction:
            meant = f"{(Decimal(bare) * 100).normalize():f}"
            tiny = f', or "{bare}%" if {bare}% is meant' if len(bare.partition(".")[2]) <= 2 \
                else ""
            raise InvalidInput(f"{what} {text!r} is a fraction, not a percentage",
                               fix=f'write {meant}% as "{meant}%" or {meant}{tiny}',
                               code=ErrorCode.INVALID_AMOUNT)
    try:
        return percent(text)
    except CommonsError:
        raise InvalidInput(f"{what} {text!r} is not a percentage from 0 to 100",
                           fix="write it like 8, \"8%\" or 7.5 (at most two decimals)",
                           code=ErrorCode.INVALID_AMOUNT) from None


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{attribute.name} is empty", field=attribute.name,
                           fix=f"give the {attribute.name}")


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Firm:
    """A property-service firm (物业服务企业)."""

    id: str = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)


@attrs.frozen
class Bundle:
    """Adjacent compounds contracted together; ids of recorded compounds, each once, in order."""

    id: str = attrs.field(validator=_non_empty)
    name: str
    compounds: tuple[str, ...] = attrs.field(converter=_ids)

    def __attrs_post_init__(self) -> None:
        if not self.compounds:
            raise InvalidInput(f"bundle {self.id} has no compounds", field="compounds",
                               fix="name at least one compound")
        if len(set(self.compounds)) != len(self.compounds):
            raise InvalidInput(f"bundle {self.id} names a compound twice", field="compounds",
                               fix="name each compound once")


@attrs.frozen
class BundleContract:
    """A firm's contract for a bundle: term, items, regime, unit price and pay split.

    ``unit_price`` is the fee per m² of floor area per month (the contract price of a lump-sum
    contract); ``base_percent`` of the firm's pay is paid whatever the score, the rest follows
    the month's weighted evaluation score. ``weights`` are the percent weights of the street
    office's, the community's and the committee's scores, summing to 100.
    """

    id: str = attrs.field(validator=_non_empty)
    bundle: str
    firm: str
    starts_on: dt.date
    ends_on: dt.date
    regime: Regime = attrs.field(validator=attrs.validators.instance_of(Regime))
    unit_price: Money
    base_percent: Decimal = Decimal(70)
    commission_percent: Decimal | None = None
    items: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    weights: tuple[int, int, int] = (40, 30, 30)

    def __attrs_post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidInput(f"contract {self.id} ends on {self.ends_on}, before it starts "
                               f"on {self.starts_on}", field="ends_on",
                               fix="give an end date on or after the start")
        if self.unit_price.fen <= 0:
            raise InvalidInput(f"contract {self.id}: unit price {self.unit_price} is not "
                               "positive", field="unit_price",
                               fix="give the fee per m² per month, e.g. 0.80")
        if not 0 <= self.base_percent <= 100:
            raise InvalidInput(f"contract {self.id}: base part {self.base_percent}% is not "
                               "0-100", field="base_percent", fix="e.g. 70 (the rest follows "
                               "the evaluation)")
        if any(type(w) is not int or w < 0 for w in self.weights) or sum(self.weights) != 100:
            raise InvalidInput(f"contract {self.id}: evaluation weights {self.weights} do not "
                               "sum to 100", field="weights", fix="e.g. 40,30,30")
        self._check_commission()

    def _check_commission(self) -> None:
        low, high = COMMISSION_PERCENT
        if self.regime is Regime.COMMISSION:
            rate = self.commission_percent
            if rate is None or not low <= rate <= high:
                raise InvalidInput(
                    f"contract {self.id}: a commission (酬金制) contract's commission must be "
                    f"{low}-{high}% of costs, got {rate if rate is not None else 'none'}",
                    field="commission_percent", fix="give a commission between 5 and 10")
        elif self.commission_percent is not None:
            raise InvalidInput(f"contract {self.id}: a lump-sum (包干制) contract has no "
                               "commission", field="commission_percent",
                               fix="drop the commission, or choose the commission regime")

    def covers(self, period: Period) -> bool:
        """Whether the term overlaps the month."""
        return self.starts_on <= period.last_day and period.first_day <= self.ends_on
