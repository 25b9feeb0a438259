"""A bundle pricing scenario, read from TOML text: the compounds, the cost items, the money.

Money is text in yuan (``"3200.00"``), percentages are text or whole numbers (``"6"``, ``6``
and ``"6%"`` are 6%; ``"0.06"`` is refused rather than read as 0.06%), counts are whole
numbers; a TOML float is refused because it cannot hold a fen exactly. Every refusal names the
file, the key (``compound[2].area_m2``) and, where it can be found, the line.
Unknown keys are refused, so a misspelt key never silently falls back to a default.

    [bundle]            id, name, months, runs, seed, target_margin, tax_rate, overhead_rate,
                        overhead_fixed, subsidy, price (optional: the unit price to simulate)
    [collection]        distribution = "triangular" (low, mode, high) | "uniform" (low, high) |
                        "fixed" (rate); per = "month" (a rate per compound and month) | "term"
    [[item]]            id, driver, unit_cost, per (one unit of staff per N), age_uplift
    [[compound]]        id, households, area_m2, buildings, gates, elevators, age,
                        parking_income, other_income, subsidy
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from commons.contracts.catalog import DEFAULT_CATALOG, CostDriver, parse_driver
from commons.contracts.contract import parse_percent
from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.files import read_toml
from commons.money import Money, parse_fen

__all__ = ["Collection", "CostItem", "Scenario", "ScenarioCompound", "key_line"]

T = TypeVar("T")
MAX_RUNS = 1_000_000
MAX_MONTHS = 120
_ARRAY_HEADER = re.compile(r"\s*\[\[\s*([\w.-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"\s*\[\s*([\w.-]+)\s*\]")
_SECTION_KEYS = {
    "bundle": {"id", "name", "months", "runs", "seed", "target_margin", "tax_rate",
               "overhead_rate", "overhead_fixed", "subsidy", "price"},
    "collection": {"distribution", "low", "mode", "high", "rate", "per"},
    "item": {"id", "driver", "unit_cost", "per", "age_uplift"},
    "compound": {"id", "households", "area_m2", "buildings", "gates", "elevators", "age",
                 "parking_income", "other_income", "subsidy"},
}


def key_line(text: str, section: str | None, index: int | None, key: str | None) -> int | None:
    """The 1-based line of ``key`` in ``[section]`` (or the ``index``-th ``[[section]]``), or of
    the section's header when ``key`` is None; None when it cannot be found (inline tables)."""
    current: tuple[str | None, int | None] = (None, None)
    counts: dict[str, int] = {}
    key_pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=") if key else None
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _ARRAY_HEADER.match(line):
            counts[m.group(1)] = counts.get(m.group(1), -1) + 1
            current = (m.group(1), counts[m.group(1)])
        elif m := _TABLE_HEADER.match(line):
            current = (m.group(1), None)
        else:
            if key_pattern and current == (section, index) and key_pattern.match(line):
                return number
            continue
        if key is None and current == (section, index):
            return number
    return None


class _Reader:
    """One table of the scenario, with where it is, so each refusal is located."""

    def __init__(self, data: Mapping[str, Any], text: str, file: str, section: str,
                 index: int | None = None) -> None:
        self.data, self.text, self.file = data, text, file
        self.section, self.index = section, index
        unknown = sorted(set(data) - _SECTION_KEYS[section])
        if unknown:
            raise self.error(unknown[0], f"unknown key '{unknown[0]}' in {self.where}",
                             f"use only {', '.join(sorted(_SECTION_KEYS[section]))}")

    @property
    def where(self) -> str:
        return self.section if self.index is None else f"{self.section}[{self.index + 1}]"

    def error(self, key: str | None, what: str, fix: str) -> InvalidInput:
        line = key_line(self.text, self.section, self.index, key)
        field = self.where if key is None else f"{self.where}.{key}"
        return InvalidInput(what, fix=fix, file=self.file, line=line, field=field)

    def get(self, key: str, parse: Callable[[Any], T], default: T | None = None) -> T:
        if key not in self.data:
            if default is None:
                raise self.error(None, f"{self.where} has no '{key}'", f"add {key} = ...")
            return default
        try:
            return parse(self.data[key])
        except CommonsError as e:
            line = key_line(self.text, self.section, self.index, key)
            raise e.located(file=self.file, line=line, field=f"{self.where}.{key}") from None


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise InvalidInput(f"{value!r} is not a whole number from {low} to {high}",
                               fix=f"write a whole number such as {max(low, 1)}")
        return value
    return parse


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{value!r} is not text", fix='write it in quotes, e.g. "zy-01"')
    return value.strip()


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, float):
        raise InvalidInput(f"{what} {value!r} is a TOML float, which cannot hold it exactly",
                           fix=f'write it in quotes, e.g. "{value}"')
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(f"{what} {value!r} is not a number",
                           fix='write a plain number in quotes, e.g. "12.5"') from None
    if type(value) is bool or not number.is_finite():
        raise InvalidInput(f"{what} {value!r} is not a number", fix='e.g. "12.5"')
    return number


def _percent(value: Any) -> Fraction:
    """A percentage as the contracts read one (``parse_percent``): ``"6"``, ``6`` or ``"6%"``;
    ``"0.06"`` is refused, not taken as 0.06%."""
    if isinstance(value, float) or type(value) not in (str, int):
        _decimal(value, "percentage")  # a TOML float or bool is refused with its own reason
        raise InvalidInput(f"{value!r} is not a percentage", fix='write e.g. "6" for 6%',
                           code=ErrorCode.INVALID_AMOUNT)
    return Fraction(parse_percent(value, "percentage")) / 100


def _area(value: Any) -> Decimal:
    number = _decimal(value, "area")
    if number <= 0 or number != number.quantize(Decimal("0.01")):
        raise InvalidInput(f"area {value!r} is not a positive number of m² with at most two "
                           "decimals", fix='write e.g. "2980.50"')
    return number


def _money(value: Any) -> Money:
    if isinstance(value, int) and type(value) is not bool:
        value = str(value)  # whole yuan as a TOML integer is exact
    return Money(parse_fen(value))


def _non_negative_money(value: Any) -> Money:
    amount = _money(value)
    if amount.is_negative():
        raise InvalidInput(f"{value!r} is negative", fix="costs and incomes are zero or more",
                           code=ErrorCode.INVALID_AMOUNT)
    return amount


def _price(value: Any) -> Fraction:
    number = _decimal(value, "price")
    if number < 0:
        raise InvalidInput(f"price {value!r} is negative", fix='e.g. "0.80" yuan per m²',
                           code=ErrorCode.INVALID_AMOUNT)
    return Fraction(number)


@attrs.frozen
class ScenarioCompound:
    """A compound as the simulation sees it; incomes and subsidies are per month."""

    id: str
    households: int
    area_m2: Decimal
    buildings: int
    gates: int
    elevators: int
    age_years: int
    parking_income: Money
    other_income: Money
    subsidy: Money

    def quantity(self, driver: CostDriver) -> Fraction:
        """How much of ``driver`` the compound has (a fixed item counts once per contract)."""
        return {CostDriver.PER_M2: Fraction(self.area_m2),
                CostDriver.PER_BUILDING: Fraction(self.buildings),
                CostDriver.PER_HOUSEHOLD: Fraction(self.households),
                CostDriver.PER_GATE: Fraction(self.gates),
                CostDriver.PER_ELEVATOR: Fraction(self.elevators),
                CostDriver.FIXED: Fraction(1)}[driver]

    @property
    def income(self) -> Money:
        """Its parking and other income a month."""
        return self.parking_income + self.other_income


@attrs.frozen
class CostItem:
    """A cost: ``unit_cost`` a month per unit of driver, or per unit of staff when ``per`` says
    one unit serves N (one cleaner per 120 households, pooled across the bundle); older
    compounds need ``age_uplift`` more of it per year of age."""

    id: str
    driver: CostDriver
    unit_cost: Money
    per: int | None = None
    age_uplift: Fraction = Fraction(0)


@attrs.frozen
class Collection:
    """The share of fees collected, as a distribution of rates from 0 to 1."""

    distribution: str
    low: Fraction
    mode: Fraction
    high: Fraction
    per: str = "month"

    @property
    def mean(self) -> Fraction:
        """The mean collection rate of the distribution."""
        if self.distribution == "triangular":
            return (self.low + self.mode + self.high) / 3
        return (self.low + self.high) / 2


@attrs.frozen
class Scenario:
    """A bundle pricing scenario as read from TOML: the bundle's terms, the collection rate, the
    cost items and the compounds (see docs/formats.md)."""

    id: str
    name: str
    months: int
    runs: int
    seed: int
    target_margin: Fraction
    tax_rate: Fraction
    overhead_rate: Fraction
    overhead_fixed: Money
    subsidy: Money
    price: Fraction | None
    collection: Collection
    items: tuple[CostItem, ...]
    compounds: tuple[ScenarioCompound, ...]

    @classmethod
    def from_toml(cls, text: str, file: str = "scenario.toml") -> Scenario:
        """Parse a scenario; any problem is one InvalidInput naming file, line and key."""
        data = read_toml(text, "the scenario", file)
        unknown = sorted(set(data) - set(_SECTION_KEYS))
        if unknown:
            raise InvalidInput(f"unknown section '{unknown[0]}'", field=unknown[0], file=file,
                               line=key_line(text, None, None, unknown[0]) or
                               key_line(text, unknown[0], None, None),
                               fix="use [bundle], [collection], [[item]] and [[compound]]")
        return _scenario(data, text, file)


def _table(data: Mapping[str, Any], name: str, file: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InvalidInput(f"'{name}' must be a table [{name}]", field=name, file=file,
                           fix=f"write a [{name}] section")
    return value


def _array(data: Mapping[str, Any], name: str, file: str) -> list[Mapping[str, Any]]:
    value = data.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise InvalidInput(f"the scenario has no [[{name}]] tables", field=name, file=file,
                           fix=f"add at least one [[{name}]] section")
    return value


def _scenario(data: Mapping[str, Any], text: str, file: str) -> Scenario:
    b = _Reader(_table(data, "bundle", file), text, file, "bundle")
    items = tuple(_item(_Reader(raw, text, file, "item", i))
                  for i, raw in enumerate(_array(data, "item", file)))
    compounds = tuple(_compound(_Reader(raw, text, file, "compound", i))
                      for i, raw in enumerate(_array(data, "compound", file)))
    for kind, values in (("item", items), ("compound", compounds)):
        ids = [v.id for v in values]
        for i, id in enumerate(ids):
            if id in ids[:i]:
                raise _Reader(data[kind][i], text, file, kind, i).error(
                    "id", f"{kind} id {id!r} appears twice", f"give every {kind} its own id")
    zero = Money.zero()
    scenario = Scenario(
        b.get("id", _text), b.get("name", _text, ""), b.get("months", _whole(1, MAX_MONTHS), 12),
        b.get("runs", _whole(1, MAX_RUNS), 10_000), b.get("seed", _whole(0, 2**63 - 1), 0),
        b.get("target_margin", _percent, Fraction(0)), b.get("tax_rate", _percent, Fraction(0)),
        b.get("overhead_rate", _percent, Fraction(0)),
        b.get("overhead_fixed", _non_negative_money, zero),
        b.get("subsidy", _non_negative_money, zero),
        b.get("price", _price) if "price" in b.data else None,
        _collection(_Reader(_table(data, "collection", file), text, file, "collection")),
        items, compounds)
    if scenario.tax_rate + scenario.target_margin >= 1:
        raise b.error("target_margin", "the tax rate and target margin together take all the "
                      "revenue, so no price reaches the target",
                      "lower target_margin so that tax_rate + target_margin < 100")
    return scenario


def _item(r: _Reader) -> CostItem:
    id = r.get("id", _text)
    default = next((i.driver for i in DEFAULT_CATALOG.items if i.id == id), None)
    driver = r.get("driver", lambda v: parse_driver(_text(v)), default)
    per = r.get("per", _whole(1, 10**9)) if "per" in r.data else None
    return CostItem(id, driver, r.get("unit_cost", _non_negative_money), per,
                    r.get("age_uplift", _percent, Fraction(0)))


def _compound(r: _Reader) -> ScenarioCompound:
    count = _whole(0, 10**7)
    zero = Money.zero()
    return ScenarioCompound(
        r.get("id", _text), r.get("households", count), r.get("area_m2", _area),
        r.get("buildings", count), r.get("gates", count, 0), r.get("elevators", count, 0),
        r.get("age", _whole(0, 500), 0), r.get("parking_income", _non_negative_money, zero),
        r.get("other_income", _non_negative_money, zero),
        r.get("subsidy", _non_negative_money, zero))


def _collection(r: _Reader) -> Collection:
    kind = r.get("distribution", _text, "fixed")
    per = r.get("per", _text, "month")
    if per not in ("month", "term"):
        raise r.error("per", f"per = {per!r} is not month or term",
                      'write per = "month" (a rate each month) or "term" (one for the term)')
    if kind == "fixed":
        rate = r.get("rate", _percent, Fraction(1))
        shape = (rate, rate, rate)
    elif kind == "uniform":
        low, high = r.get("low", _percent), r.get("high", _percent)
        shape = (low, (low + high) / 2, high)
    elif kind == "triangular":
        shape = (r.get("low", _percent), r.get("mode", _percent), r.get("high", _percent))
    else:
        raise r.error("distribution", f"distribution {kind!r} is not known",
                      "use triangular (low, mode, high), uniform (low, high) or fixed (rate)")
    low, mode, high = shape
    if not low <= mode <= high or high <= 0:
        raise r.error("low", f"collection rates must satisfy low <= mode <= high and high > 0, "
                      f"got {low * 100}%, {mode * 100}%, {high * 100}%",
                      "give rates in percent, e.g. low = 60, mode = 80, high = 95")
    return Collection(kind, low, mode, high, per)
