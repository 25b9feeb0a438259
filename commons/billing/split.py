"""Cost-sharing plans: "government subsidises a bit, the firm gives up a bit, residents pay a bit".

A ``SharePlan`` is an ordered list of stages. Each stage takes a percentage of the total (or of
what remains), a fixed amount, optionally capped; the last stage takes the rest and divides it
over the households by weight (area, headcount or an elevator's floor coefficients). Every stage
is exact to the fen and the parts always sum to the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from commons.allocation import Weight, allocate, parse_weight
from commons.errors import ErrorCode, InvalidInput
from commons.estate.household import Household
from commons.money import Money

__all__ = [
    "SPLIT_METHODS",
    "FloorCoefficients",
    "Part",
    "Share",
    "SharePlan",
    "Split",
    "Stage",
    "split_total",
    "weights_for",
]

SplitMethod = Literal["area", "households", "floor", "equal"]
SPLIT_METHODS: tuple[SplitMethod, ...] = ("area", "households", "floor", "equal")
_PLAN_HINT = ("write [[stage]] tables, each with a party and one of percent, fixed or rest; "
              "the last takes the rest")


def _round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def _percent_ok(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    # A float (or a bool, or a NaN) would make a party's share inexact or undefined.
    if not (type(value) is int or (isinstance(value, Decimal) and value.is_finite())):
        raise InvalidInput(f"percentage {value!r} must be an int or a finite Decimal",
                           fix='write it as Decimal("30") or, in a plan file, percent = "30"',
                           code=ErrorCode.INVALID_AMOUNT)
    if not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput(f"percentage {value} is outside 0..100", fix=_PLAN_HINT,
                           code=ErrorCode.INVALID_AMOUNT)


@attrs.frozen
class Stage:
    """One party's part of a cost: a percentage, a fixed amount, or the rest; optionally capped.

    ``of`` says what a percentage is taken of: the whole total (default) or what earlier stages
    left. A stage never takes more than what remains.
    """

    party: str
    percent: Decimal | None = attrs.field(default=None, validator=_percent_ok)
    fixed: Money | None = None
    cap: Money | None = None
    rest: bool = False
    of: Literal["total", "remaining"] = "total"

    def __attrs_post_init__(self) -> None:
        kinds = sum((self.percent is not None, self.fixed is not None, self.rest))
        if kinds != 1:
            raise InvalidInput(
                f"stage '{self.party}' must have exactly one of percent, fixed or rest",
                fix=_PLAN_HINT,
            )
        if self.rest and self.cap is not None:
            raise InvalidInput(f"stage '{self.party}' takes the rest, so it cannot be capped",
                               fix="cap the earlier stages instead; the rest is what they leave")
        for label, m in (("fixed", self.fixed), ("cap", self.cap)):
            if m is not None and m.is_negative():
                raise InvalidInput(f"stage '{self.party}': {label} amount is negative",
                                   fix=_PLAN_HINT, code=ErrorCode.INVALID_AMOUNT)

    def amount(self, total: Money, remaining: Money) -> Money:
        """This stage's amount of a non-negative ``total`` with ``remaining`` still unassigned."""
        if self.rest:
            return remaining
        if self.fixed is not None:
            wanted = self.fixed
        else:
            assert self.percent is not None
            base = total if self.of == "total" else remaining
            wanted = Money(_round_half_up(base.fen * Fraction(self.percent) / 100), total.currency)
        if self.cap is not None:
            wanted = min(wanted, self.cap)
        return min(wanted, remaining)


def _as_stages(stages: Iterable[Stage]) -> tuple[Stage, ...]:
    return tuple(stages)


def _sorted_table(table: Iterable[tuple[int, Decimal]]) -> tuple[tuple[int, Decimal], ...]:
    return tuple(sorted(table))


@attrs.frozen
class SharePlan:
    """Ordered stages; the last one, and only it, takes the rest and may divide it by weight."""

    stages: tuple[Stage, ...] = attrs.field(converter=_as_stages)

    def __attrs_post_init__(self) -> None:
        if not self.stages:
            raise InvalidInput("a share plan needs at least one stage", fix=_PLAN_HINT)
        if not self.stages[-1].rest or any(s.rest for s in self.stages[:-1]):
            raise InvalidInput("the last stage of a share plan, and only it, must take the rest",
                               fix=_PLAN_HINT)
        parties = [s.party for s in self.stages]
        if len(set(parties)) != len(parties):
            raise InvalidInput("a party appears twice in the share plan", fix=_PLAN_HINT)

    @classmethod
    def everyone_pays(cls, party: str = "residents") -> SharePlan:
        """A plan of one stage: ``party`` pays it all."""
        return cls((Stage(party, rest=True),))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SharePlan:
        """Build from a parsed plan file: ``[[stage]]`` tables with party and percent/fixed/rest."""
        raw = data.get("stage")
        if not isinstance(raw, list) or not raw:
            raise InvalidInput("the plan has no [[stage]] tables", field="stage", fix=_PLAN_HINT)
        return cls(tuple(_stage_from(i, s) for i, s in enumerate(raw, start=1)))

    def apply(self, total: Money) -> tuple[Share, ...]:
        """Each stage's party and amount; they sum exactly to ``total``."""
        sign = -1 if total.is_negative() else 1
        magnitude = abs(total)
        remaining = magnitude
        shares = []
        for stage in self.stages:
            amount = stage.amount(magnitude, remaining)
            remaining -= amount
            shares.append(Share(stage.party, amount * sign))
        assert remaining.fen == 0 and sum(s.amount for s in shares) == total
        return tuple(shares)


def _decimal_field(table: Mapping[str, Any], key: str, where: str) -> Decimal | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{key} must be written as an integer or a quoted number, "
                           f"not {value!r}", field=where, fix=f'write e.g. {key} = "30"')
    return parse_weight(str(value))


def _money_field(table: Mapping[str, Any], key: str, where: str) -> Money | None:
    value = table.get(key)
    if value is None:
        return None
    try:
        return Money.parse(str(value) if type(value) is int else value)
    except InvalidInput as e:
        raise e.located(field=where) from None


def _bool_field(table: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"{key} must be true or false, not {value!r}", field=where,
                           fix=f"write {key} = true or {key} = false, without quotes")
    return value


def _stage_from(index: int, table: object) -> Stage:
    where = f"stage[{index}]"
    if not isinstance(table, Mapping) or not isinstance(table.get("party"), str):
        raise InvalidInput(f"{where} needs a party name", field=where, fix=_PLAN_HINT)
    unknown = set(table) - {"party", "percent", "fixed", "cap", "rest", "of"}
    if unknown:
        raise InvalidInput(f"{where} has unknown keys {sorted(unknown)}", field=where,
                           fix=_PLAN_HINT)
    of = table.get("of", "total")
    if of not in ("total", "remaining"):
        raise InvalidInput(f"{where}: of = {of!r} is not a base for a percentage", field=where,
                           fix='write of = "total" (the default) or of = "remaining"')
    try:
        return Stage(
            party=table["party"],
            percent=_decimal_field(table, "percent", where),
            fixed=_money_field(table, "fixed", where),
            cap=_money_field(table, "cap", where),
            rest=_bool_field(table, "rest", False, where),
            of=of,
        )
    except InvalidInput as e:
        raise e.located(field=where) from None


@attrs.frozen
class FloorCoefficients:
    """Elevator cost coefficients by floor; ground floors usually pay nothing.

    With ``by_area`` a household's weight is its coefficient times its floor area; otherwise the
    coefficient alone.
    """

    table: tuple[tuple[int, Decimal], ...] = attrs.field(converter=_sorted_table)
    by_area: bool = True

    @classmethod
    def standard(cls, *, by_area: bool = True, top_floor: int = 40) -> FloorCoefficients:
        """Floors 1-2 pay nothing; floor 3 pays 1.00 and each floor above 0.20 more."""
        table = [(1, Decimal(0)), (2, Decimal(0))]
        table += [(f, Decimal("1.00") + Decimal("0.20") * (f - 3)) for f in range(3, top_floor + 1)]
        return cls(tuple(table), by_area)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FloorCoefficients:
        """From a plan file's ``[floors]`` table (``3 = "1.0"`` ...) and its ``by_area``, written
        at the top of the file or, as ``commons split --help`` shows it, inside ``[floors]``."""
        floors = data.get("floors")
        by_area = _bool_field(data, "by_area", True, "by_area")
        if floors is None:
            return cls.standard(by_area=by_area)
        if not isinstance(floors, Mapping):
            raise InvalidInput("[floors] is not a table of floor = coefficient", field="floors",
                               fix='write a [floors] table with lines such as 3 = "1.2"')
        if "by_area" in floors:
            if "by_area" in data:
                raise InvalidInput("by_area is given twice", field="floors.by_area",
                                   fix="write by_area once, in [floors] or above it")
            by_area = _bool_field(floors, "by_area", True, "floors.by_area")
        table: list[tuple[int, Decimal]] = []
        for key, value in floors.items():
            if key == "by_area":
                continue
            try:
                if isinstance(value, bool) or not isinstance(value, int | str):
                    raise ValueError("a coefficient is an integer or a quoted number")
                coefficient = parse_weight(str(value))
                if coefficient < 0:
                    raise ValueError("a coefficient is zero or more")
                table.append((int(key), coefficient))
            except (ValueError, InvalidInput):
                raise InvalidInput(f"floors.{key} = {value!r} is not floor = coefficient "
                                   "(zero or more, written as an integer or a quoted number)",
                                   field=f"floors.{key}", fix='write e.g. 3 = "1.2"') from None
        return cls(tuple(table), by_area)

    def coefficient(self, floor: int) -> Decimal:
        """The coefficient of ``floor``; InvalidInput if the table has none."""
        for f, c in self.table:
            if f == floor:
                return c
        raise InvalidInput(f"no elevator coefficient for floor {floor}",
                           fix=f"add floor {floor} to the plan's [floors] table")

    def weight(self, household: Household) -> Decimal:
        """A household's weight: its floor's coefficient, times its area when ``by_area``."""
        c = self.coefficient(household.floor)
        return c * household.area_m2 if self.by_area else c


@attrs.frozen
class Share:
    """What one party of a plan carries."""

    party: str
    amount: Money


@attrs.frozen
class Part:
    """One household's (or one id's) part of a split, with the weight it was split by."""

    id: str
    weight: Decimal
    amount: Money


@attrs.frozen
class Split:
    """A split's result: the total, each plan party's share, and the last party's parts."""

    total: Money
    shares: tuple[Share, ...]
    parts: tuple[Part, ...]

    def __attrs_post_init__(self) -> None:
        assert sum(s.amount for s in self.shares) == self.total
        assert sum(p.amount for p in self.parts) == self.shares[-1].amount

    @property
    def parts_total(self) -> Money:
        """What the parts add up to: the last stage's share."""
        return self.shares[-1].amount


def weights_for(
    method: SplitMethod,
    households: Iterable[Household],
    coefficients: FloorCoefficients | None = None,
) -> dict[str, Decimal]:
    """Each household's weight under a split method."""
    floors = coefficients or FloorCoefficients.standard()
    out: dict[str, Decimal] = {}
    for h in households:
        if h.id in out:
            raise InvalidInput(f"household {h.id!r} appears twice", fix="give each id once")
        if method == "area":
            out[h.id] = h.area_m2
        elif method == "floor":
            out[h.id] = floors.weight(h)
        else:
            out[h.id] = Decimal(1)
    return out


def split_total(
    total: Money, weights: Mapping[str, Weight] | Sequence[tuple[str, Weight]],
    plan: SharePlan | None = None,
) -> Split:
    """Apply ``plan`` (everyone pays, by default) and divide its rest over ``weights``."""
    shares = (plan or SharePlan.everyone_pays()).apply(total)
    pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    amounts = allocate(shares[-1].amount, pairs)
    parts = tuple(Part(k, Decimal(w) if isinstance(w, int) else _as_decimal(w), amounts[k])
                  for k, w in pairs)
    return Split(total, shares, parts)


def _as_decimal(w: Weight) -> Decimal:
    if isinstance(w, Fraction):
        return Decimal(w.numerator) / Decimal(w.denominator)
    return Decimal(w)
