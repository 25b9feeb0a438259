"""Property-fee schedules (物业费收费标准): a price per m² of building area per month.

A schedule covers one compound or a bundle of them (连片打包: a list of compounds under one
contract). Its prices change over time: each rate is in force from its date, and **a month is
billed at the price in force on its first day** (a rate from 2026-07-15 first bills August).
The schedule states its contract regime (``lump_sum`` 包干制: fees are the firm's income;
``commission`` 酬金制: fees are the owners' money, held for them) and its rounding rule, which
turns price x area into whole fen: ``half-up`` (default), ``half-even`` or ``down``.

Prices are yuan with at most two decimals per m² (``0.80``), so a fee is the exact integer
product of fen per m² and hundredths of a m², divided by 100 once and rounded once. An optional
share plan (government subsidises a bit, the firm gives up a bit, residents pay the rest) divides
each household's monthly fee; the stage whose party is ``concession_party`` (``firm`` unless
stated) is the firm's concession, every other stage but the last a subsidy from that party.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

import attrs

from commons.billing.split import SharePlan
from commons.errors import CommonsError, ErrorCode, InvalidInput, RefusedByRule
from commons.fields import normalise, parse_choice
from commons.files import Row
from commons.money import Money
from commons.periods import Period, parse_date, read_date

__all__ = [
    "DEFAULT_PREPAY_MONTHS",
    "FeeRate",
    "FeeSchedule",
    "Regime",
    "Rounding",
    "Terms",
    "fee_fen",
    "parse_price",
    "round_fen",
    "schedules_from_csv",
]

DEFAULT_PREPAY_MONTHS = 12
_SEGMENT = re.compile(r"[\w][\w\-]*")  # a party or compound must name a ledger account segment
_SCHEDULE_KEYS = frozenset({"id", "compound", "compounds", "regime", "rounding", "rate", "stage",
                            "concession_party", "prepay_months"})
_HINT = ("write each [[schedule]] with id, compound or compounds, regime and [[schedule.rate]] "
         "tables of from and price")


class Regime(StrEnum):
    """Whose money the fees are: the firm's (lump sum) or the owners' (commission)."""

    LUMP_SUM = "lump_sum"  # 包干制: the firm's income; it bears the costs
    COMMISSION = "commission"  # 酬金制: the owners' money; the firm is paid costs plus commission


class Rounding(StrEnum):
    """How a fee's fraction of a fen becomes whole fen."""

    HALF_UP = "half-up"  # 四舍五入, what Chinese fee notices use
    HALF_EVEN = "half-even"  # banker's rounding
    DOWN = "down"  # drop the fraction: never bill a resident the part of a fen


def round_fen(numerator: int, denominator: int, rule: Rounding) -> int:
    """``numerator / denominator`` fen (both non-negative) rounded to whole fen by ``rule``."""
    assert numerator >= 0 and denominator > 0
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if rule is Rounding.DOWN or twice < denominator:
        return quotient
    if twice > denominator or rule is Rounding.HALF_UP:
        return quotient + 1
    return quotient + (quotient % 2)  # an exact half, half-even: to the even fen


def fee_fen(price: Money, area_hundredths_m2: int, rule: Rounding) -> int:
    """A month's fee in fen: fen per m² times hundredths of a m², over 100, rounded once."""
    return round_fen(price.fen * area_hundredths_m2, 100, rule)


def parse_price(text: str) -> Money:
    """A price per m² per month in yuan, at most two decimals, zero or more (``0.80``)."""
    price = Money.parse(text)
    if price.is_negative():
        raise InvalidInput(f"price {text!r} is negative",
                           fix="a fee price is zero or more yuan per m² per month, e.g. 0.80",
                           code=ErrorCode.INVALID_AMOUNT)
    return price


def _parse_enum(text: object, choices: type[Regime] | type[Rounding], what: str) -> Any:
    value = str(text).strip().lower().replace("_", "-") if isinstance(text, str) else text
    for choice in choices:
        if value == choice.value.replace("_", "-"):
            return choice
    raise InvalidInput(f"{text!r} is not a {what}",
                       fix=f"use one of {', '.join(c.value for c in choices)}")


_REGIME_ALIASES = {normalise(k): v for k, v in {
    "lump-sum": Regime.LUMP_SUM, "包干": Regime.LUMP_SUM, "包干制": Regime.LUMP_SUM,
    "酬金": Regime.COMMISSION, "酬金制": Regime.COMMISSION,
}.items()}


def parse_regime(text: object) -> Regime:
    """lump_sum (包干制) or commission (酬金制), for fees and contracts alike."""
    if not isinstance(text, str):
        raise InvalidInput(f"{text!r} is not a contract regime",
                           fix=f"use one of {', '.join(r.value for r in Regime)}")
    return parse_choice(text, Regime, _REGIME_ALIASES, "contract regime")


def parse_rounding(text: object) -> Rounding:
    """``half-up``, ``half-even`` or ``down`` (``_`` for ``-`` too)."""
    result: Rounding = _parse_enum(text, Rounding, "rounding rule")
    return result


def _segment(value: str, what: str, field: str) -> str:
    if not _SEGMENT.fullmatch(value):
        raise InvalidInput(f"{what} {value!r} cannot name a ledger account", field=field,
                           fix="use letters, digits, - or _ (e.g. street-office)")
    return value


def _within(error: CommonsError, where: str, default: str) -> CommonsError:
    """``error`` with its field placed inside ``where`` (``stage[1]`` -> ``schedule[2].stage
    [1]``)."""
    return type(error)(error.what, fix=error.fix, file=error.file, line=error.line,
                       field=f"{where}.{error.field or default}")


@attrs.frozen(order=True)
class FeeRate:
    """A price per m² per month, in force from ``effective_from`` until the next rate."""

    effective_from: dt.date
    price: Money


@attrs.frozen
class Terms:
    """Everything that decides a month's invoices under a schedule; two schedules with equal
    terms for a month bill it alike."""

    price: Money
    rounding: Rounding
    regime: Regime
    plan: SharePlan
    concession_party: str


def _sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(ids))


def _sorted_rates(rates: Iterable[FeeRate]) -> tuple[FeeRate, ...]:
    return tuple(sorted(rates))


@attrs.frozen
class FeeSchedule:
    """The fee schedule of one compound or a bundle of compounds."""

    id: str
    compounds: tuple[str, ...] = attrs.field(converter=_sorted_ids)
    regime: Regime
    rates: tuple[FeeRate, ...] = attrs.field(converter=_sorted_rates)
    rounding: Rounding = Rounding.HALF_UP
    plan: SharePlan = attrs.field(factory=lambda: SharePlan.everyone_pays("residents"))
    concession_party: str = "firm"
    prepay_months: int = DEFAULT_PREPAY_MONTHS
    # Where a schedule read from a CSV file starts, so a problem found against the stored
    # estate can name the line; not part of what the schedule says.
    line: int | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _segment(self.id, "schedule id", "id")
        if not self.compounds:
            raise InvalidInput(f"schedule {self.id} covers no compound", field="compounds",
                               fix='name its compounds, e.g. compounds = ["wjxc", "zy-1"]')
        if len(set(self.compounds)) != len(self.compounds):
            raise InvalidInput(f"schedule {self.id} names a compound twice", field="compounds",
                               fix="list each compound once")
        for compound in self.compounds:
            _segment(compound, "compound id", "compounds")
        if not self.rates:
            raise InvalidInput(f"schedule {self.id} has no rate", field="rate",
                               fix="give at least one rate: a date it is in force from and a price")
        days = [r.effective_from for r in self.rates]
        if len(set(days)) != len(days):
            raise InvalidInput(f"schedule {self.id} has two rates from the same day",
                               field="rate", fix="give each rate its own date")
        for stage in self.plan.stages:
            _segment(stage.party, "party", "stage")
        if type(self.prepay_months) is not int or not 0 <= self.prepay_months <= 120:
            raise InvalidInput(f"schedule {self.id}: prepay_months {self.prepay_months!r} is "
                               "not 0..120", field="prepay_months",
                               fix="give how many months ahead a household may pay, e.g. 12")

    @property
    def resident_party(self) -> str:
        """The party of the plan's last stage: what the household owes."""
        return self.plan.stages[-1].party

    def rate_for(self, period: Period) -> FeeRate:
        """The rate in force on the first day of ``period``."""
        day = period.first_day
        in_force = [r for r in self.rates if r.effective_from <= day]
        if not in_force:
            raise RefusedByRule(f"schedule {self.id} has no price in force on {day}",
                                fix=f"its first rate is from {self.rates[0].effective_from}; "
                                "add an earlier rate or bill a later month")
        return in_force[-1]

    def terms(self, period: Period) -> Terms | None:
        """What bills ``period``, or None before the first rate."""
        day = period.first_day
        in_force = [r for r in self.rates if r.effective_from <= day]
        if not in_force:
            return None
        return Terms(in_force[-1].price, self.rounding, self.regime, self.plan,
                     self.concession_party)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "schedule") -> FeeSchedule:
        """One ``[[schedule]]`` table of a TOML file; errors name the field (``schedule[1].rate
        [2].price``)."""
        unknown = sorted(set(data) - _SCHEDULE_KEYS)
        if unknown:
            raise InvalidInput(f"{where} has an unknown key '{unknown[0]}'",
                               field=f"{where}.{unknown[0]}", fix=_HINT)
        sid = _text(data, "id", where)
        compounds = _compounds(data, where)
        regime = _located(parse_regime, data.get("regime"), f"{where}.regime")
        rounding = _located(parse_rounding, data.get("rounding", "half-up"), f"{where}.rounding")
        rates = tuple(_rate(r, f"{where}.rate[{i}]")
                      for i, r in enumerate(_tables(data, "rate", where), start=1))
        try:
            plan = (SharePlan.from_mapping({"stage": data["stage"]}) if "stage" in data
                    else SharePlan.everyone_pays("residents"))
        except CommonsError as e:
            raise _within(e, where, "stage") from None
        concession_party = _text(data, "concession_party", where, "firm")
        try:
            return cls(sid, compounds, regime, rates, rounding, plan, concession_party,
                       data.get("prepay_months", DEFAULT_PREPAY_MONTHS))
        except CommonsError as e:
            raise _within(e, where, "id") from None


def _located(parse: Any, value: object, field: str) -> Any:
    try:
        return parse(value)
    except CommonsError as e:
        raise e.located(field=field) from None


def _text(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} needs {key} as quoted text", field=f"{where}.{key}",
                           fix=_HINT)
    return value.strip()


def _compounds(data: Mapping[str, Any], where: str) -> tuple[str, ...]:
    if "compound" in data and "compounds" in data:
        raise InvalidInput(f"{where} gives both compound and compounds", field=f"{where}.compound",
                           fix="give compound = \"wjxc\" or a list compounds = [...], not both")
    raw = data.get("compounds", [data["compound"]] if "compound" in data else None)
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise InvalidInput(f"{where} needs compound = \"ID\" or compounds = [\"ID\", ...]",
                           field=f"{where}.compounds", fix=_HINT)
    return tuple(c.strip() for c in raw)


def _tables(data: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise InvalidInput(f"{where}.{key} must be [[{where}.{key}]] tables",
                           field=f"{where}.{key}", fix=_HINT)
    return raw


def _rate(table: object, where: str) -> FeeRate:
    if not isinstance(table, Mapping) or set(table) != {"from", "price"}:
        raise InvalidInput(f"{where} needs exactly from and price", field=where,
                           fix='write from = "2026-01-01" and price = "0.80"')
    day = table["from"]
    try:
        # TOML's bare dates arrive as dates; a date with a time is not an accounting date
        effective = day if type(day) is dt.date else parse_date(day)
    except CommonsError as e:
        raise e.located(field=f"{where}.from") from None
    try:
        return FeeRate(effective, parse_price(table["price"]))
    except CommonsError as e:
        raise e.located(field=f"{where}.price") from None


SCHEDULE_CSV = ("schedule", "compounds", "regime", "from", "price")
SCHEDULE_CSV_OPTIONAL = ("rounding",)


def schedules_from_csv(rows: Iterable[Row]) -> list[FeeSchedule]:
    """Schedules from CSV rows, one rate a row (``schedule,compounds,regime,from,price
    [,rounding]``; compounds separated by ';'). Rows of one schedule must agree on its compounds,
    regime and rounding. A CSV schedule has no share plan: residents pay the whole fee."""
    heads: dict[str, tuple[tuple[str, ...], Regime, Rounding, Row]] = {}
    rates: dict[str, list[FeeRate]] = {}
    for row in rows:
        sid = row.text("schedule")
        head = (row.parse("compounds", lambda t: tuple(sorted(
                    c.strip() for c in t.split(";") if c.strip()))),
                row.parse("regime", parse_regime),
                row.parse("rounding", parse_rounding, required=False)
                if row.text("rounding", required=False) else Rounding.HALF_UP)
        rate = FeeRate(row.parse("from", read_date), row.parse("price", parse_price))
        if sid in heads and heads[sid][:3] != head:
            raise row.error("compounds", f"schedule {sid} is given other compounds, regime or "
                            f"rounding than on line {heads[sid][3].line}",
                            "give every row of one schedule the same compounds, regime, rounding")
        heads.setdefault(sid, (*head, row))
        if any(r.effective_from == rate.effective_from for r in rates.get(sid, [])):
            raise row.error("from", f"schedule {sid} has a second rate from {rate.effective_from}",
                            "give each rate of a schedule its own date")
        rates.setdefault(sid, []).append(rate)
    out = []
    for sid, (compounds, regime, rounding, row) in heads.items():
        try:
            out.append(FeeSchedule(sid, compounds, regime, tuple(rates[sid]), rounding,
                                   line=row.line))
        except CommonsError as e:
            raise e.located(file=row.file, line=row.line, field="schedule") from None
    return out
