"""Exact apportionment: ``allocate`` splits money over weights, and exact weights from text.

A weight is an int, a ``Decimal`` or a ``Fraction``, never a float or a bool; ``parse_weight``
reads one from text (floor areas like ``56.37``). ``allocate`` splits a total over keyed weights
with the largest-remainder method, so the parts always add up to the total, to the fen.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import compress
from math import lcm
from typing import Any, TypeVar

from commons.errors import ErrorCode, InvalidInput
from commons.money import Money

__all__ = ["Weight", "allocate", "as_fraction", "parse_weight"]

Weight = int | Decimal | Fraction
K = TypeVar("K")

def as_fraction(weight: object) -> Fraction:
    """An exact weight from int, Decimal or Fraction; floats and bools are refused."""
    if type(weight) is int:
        return Fraction(weight)
    if isinstance(weight, Fraction):
        return weight
    if isinstance(weight, Decimal):
        if not weight.is_finite():
            raise InvalidInput(f"weight {weight} is not a finite number",
                               fix="give each weight as a number such as 56.37",
                               code=ErrorCode.INVALID_AMOUNT)
        return Fraction(weight)
    raise InvalidInput(
        f"weight {weight!r} is a {type(weight).__name__}; weights must be int, Decimal or Fraction",
        fix="parse weights from text with Decimal('56.37') so they stay exact",
        code=ErrorCode.INVALID_AMOUNT,
    )


def parse_weight(text: str) -> Decimal:
    """Parse a weight written as text (areas like ``56.37``, full-width digits accepted)."""
    s = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not a number",
                           fix="write the weight as a plain number such as 56.37",
                           code=ErrorCode.INVALID_AMOUNT) from None
    if not value.is_finite() or "e" in s.lower():
        raise InvalidInput(f"{text!r} is not a plain finite number",
                           fix="write the weight as a plain number such as 56.37",
                           code=ErrorCode.INVALID_AMOUNT)
    return value


_EXACT_WEIGHT_TYPES = frozenset({int, Decimal, Fraction})
_WEIGHT_FIX = "give each weight as a number such as 56.37"


def _check_weight_types(values: Iterable[Weight]) -> set[type]:
    """Refuse floats, bools and anything else that is not an exact number; the types found."""
    types = set(map(type, values))
    if types <= _EXACT_WEIGHT_TYPES:
        return types
    for v in values:
        t = type(v)
        if t not in _EXACT_WEIGHT_TYPES and not issubclass(t, Decimal | Fraction):
            as_fraction(v)  # raises the right error for floats, bools and others
    return types


def _exact_ratio(weight: Weight) -> tuple[int, int]:
    """``weight`` as an exact numerator and positive denominator."""
    try:
        return weight.as_integer_ratio()
    except (ValueError, OverflowError):  # NaN and infinite Decimals
        raise InvalidInput(f"weight {weight} is not a finite number", fix=_WEIGHT_FIX,
                           code=ErrorCode.INVALID_AMOUNT) from None


def _group_codes(values: Collection[Weight], types: set[type]) -> tuple[list[int], list[Weight]]:
    """A small int code for each weight, and one weight per code, so that equal codes mean
    equal weights (equal weights may still get different codes).

    Floor areas repeat a great deal, so the arithmetic is done once per code. Decimals are
    grouped by their text, which is exact and, for a Decimal fresh from a file, several times
    cheaper than its hash; other weights by value.
    """
    if types == {Decimal}:
        by_text: dict[str, int] = {}
        code = by_text.setdefault
        codes = [code(text, len(by_text)) for text in map(str, values)]
        return codes, [Decimal(text) for text in by_text]
    by_value: dict[Weight, int] = {}
    code_of = by_value.setdefault
    try:
        codes = [code_of(v, len(by_value)) for v in values]
    except TypeError:  # a signalling NaN cannot even be hashed
        for v in values:
            _exact_ratio(v)
        raise
    return codes, list(by_value)


def allocate(
    total: Money | int, weights: Mapping[K, Weight] | Iterable[tuple[K, Weight]]
) -> dict[K, Money]:
    """Split ``total`` over keyed weights, exactly, by largest remainder (Hamilton's method).

    Each part is the floor of its exact share; the fen left over go one each to the largest
    remainders, ties broken by smallest key, so the result never depends on input order. The
    parts always sum to the total, each is within one fen of its exact share, equal weights differ
    by at most one fen, and zero weights get zero. A negative total (a refund) is split as the
    negation of the positive one. Keys must be unique, and comparable when remainders tie.

    The arithmetic is done once per distinct weight (floor areas repeat a great deal) on integers
    over one common denominator, and parts with equal amounts share one ``Money``, so a million
    households split in about a second.
    """
    money = total if isinstance(total, Money) else Money(total)
    mapping: Mapping[K, Weight]
    if isinstance(weights, Mapping):
        mapping = weights
    else:
        pairs = list(weights)
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            raise InvalidInput("the same key appears twice among the weights",
                               fix="give each part a unique id")
    if not mapping:
        raise InvalidInput("cannot split an amount over no weights",
                           fix="give at least one part with a positive weight")
    keys, values = mapping.keys(), mapping.values()
    codes, distinct = _group_codes(values, _check_weight_types(values))
    counts = [0] * len(distinct)
    for code, count in Counter(codes).items():
        counts[code] = count
    ratios = [_exact_ratio(v) for v in distinct]
    scale = lcm(*{d for _, d in ratios})
    scaled = [n * (scale // d) for n, d in ratios]
    if any(s < 0 for s in scaled):
        first = next(k for k, code in zip(keys, codes, strict=True) if scaled[code] < 0)
        raise InvalidInput(f"weight of {first!r} is negative",
                           fix="weights are shares of a cost and must be zero or more",
                           code=ErrorCode.INVALID_AMOUNT)
    whole = sum(s * c for s, c in zip(scaled, counts, strict=True))
    if whole == 0:
        raise InvalidInput("all weights are zero, so there is nothing to split by",
                           fix="give at least one part a positive weight",
                           code=ErrorCode.INVALID_AMOUNT)
    amount = abs(money.fen)
    floors = [divmod(amount * s, whole) for s in scaled]
    leftover = amount - sum(q * c for (q, _), c in zip(floors, counts, strict=True))
    assert 0 <= leftover < len(codes), "largest remainder leaves fewer fen than parts"
    plus, cut, need = _extra_fen(floors, counts, leftover)
    sign = -1 if money.fen < 0 else 1
    part_of = [Money(sign * (q + (code in plus)), money.currency)
               for code, (q, _) in enumerate(floors)]
    # Parts with equal amounts share one (immutable) Money. A plain dict is copied, which sizes
    # the result once, and its values replaced in place, all in C loops.
    parts: dict[K, Any] = dict(mapping) if type(mapping) is dict else {}
    parts.update(zip(keys, map(part_of.__getitem__, codes), strict=True))
    if need:
        try:
            tied = sorted(compress(zip(keys, codes, strict=True), map(cut.__contains__, codes)))
        except TypeError:
            raise InvalidInput("the keys cannot be ordered, so a tie for the last fen cannot be "
                               "broken", fix="give every part a key of one type, e.g. all text"
                               ) from None
        for k, code in tied[:need]:
            parts[k] = Money(sign * (floors[code][0] + 1), money.currency)
    assert amount == sum(q * c for (q, _), c in zip(floors, counts, strict=True)) + sum(
        counts[code] for code in plus) + need, "allocation must sum exactly to the total"
    return parts


def _extra_fen(
    floors: Sequence[tuple[int, int]], counts: Sequence[int], leftover: int
) -> tuple[set[int], set[int], int]:
    """Share out ``leftover`` fen, one a part, from the largest remainder down.

    Returns the codes whose every part gets one more fen, the codes tied at the cut (all with the
    same remainder), and how many of the parts tied at the cut get one (the parts with the
    smallest keys, chosen by the caller).
    """
    plus: set[int] = set()
    if leftover == 0:
        return plus, set(), 0
    by_remainder: dict[int, list[int]] = {}
    for code, (_, r) in enumerate(floors):
        by_remainder.setdefault(r, []).append(code)
    remaining = leftover
    for r in sorted(by_remainder, reverse=True):
        group = by_remainder[r]
        size = sum(counts[code] for code in group)
        if size > remaining:
            return plus, set(group), remaining
        plus.update(group)
        remaining -= size
        if remaining == 0:
            break
    return plus, set(), 0

