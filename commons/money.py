"""Money as an integer count of fen, and exact apportionment of it.

A float never touches an amount: ``Money`` refuses floats, Decimals and bools as its count, text is
parsed as a decimal with at most two places, and ``allocate`` splits a total over weights with the
largest-remainder method so the parts always add up to the total, to the fen.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import compress
from math import lcm
from typing import Any, TypeVar

import attrs

from commons.errors import CommonsError, CurrencyMismatch, ErrorCode, InvalidInput

__all__ = ["CURRENCY", "Money", "Weight", "allocate", "as_fraction", "fraction_text",
           "money_field"]

CURRENCY = "CNY"
MAX_FEN = 2**63 - 1  # SQLite's INTEGER; a larger amount could not be stored or summed
SCALE = 100  # fen per yuan; every currency commons books has two decimal places
SYMBOLS = {"CNY": "¥"}

Weight = int | Decimal | Fraction
K = TypeVar("K")

_CANONICAL_AMOUNT = re.compile(r"-?[0-9]+\.[0-9][0-9]")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?")
_AMOUNT_HINT = "write the amount in yuan with at most two decimals, e.g. 1234.50 or -3.00"


def fraction_text(value: Fraction, places: int = 2) -> str:
    """An exact fraction as text with ``places`` decimals, halves rounded away from zero
    (2/3 -> "0.67", -1/8 -> "-0.13"); integer arithmetic throughout, so nothing is rounded
    twice. Shares, prices per m² and probabilities are shown with it; money has ``Money``."""
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and units else ""
    text = str(units).rjust(places + 1, "0")
    return f"{sign}{text[:-places]}.{text[-places:]}" if places else f"{sign}{text}"


def _exact_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # bool is an int subclass and Decimal/float would smuggle in fractions of a fen.
    if type(value) is not int:
        raise InvalidInput(
            f"Money.{attribute.name} must be a whole number of fen, got {type(value).__name__} "
            f"{value!r}",
            fix="parse text with Money.parse('12.34') or pass an int count of fen",
            code=ErrorCode.INVALID_AMOUNT,
        )
    if not -MAX_FEN <= value <= MAX_FEN:
        raise InvalidInput(f"{value} fen is beyond what commons can store",
                           fix=f"amounts are at most {MAX_FEN} fen either way",
                           code=ErrorCode.INVALID_AMOUNT)


def _currency_code(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is CURRENCY:
        return  # the common case, checked once at import
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper()):
        raise InvalidInput(
            f"currency {value!r} is not a three-letter ISO 4217 code",
            fix="use a code such as CNY",
        )


@attrs.frozen(order=False)
class Money:
    """An amount of money: a whole number of fen (minor units) and a currency.

    Arithmetic stays within one currency; ``0 + m`` works so ``sum()`` works; there is no
    division, because splitting money is ``allocate``'s job.
    """

    fen: int = attrs.field(validator=_exact_int)
    currency: str = attrs.field(default=CURRENCY, validator=_currency_code)

    @classmethod
    def zero(cls, currency: str = CURRENCY) -> Money:
        return cls(0, currency)

    @classmethod
    def yuan(cls, text: str, currency: str = CURRENCY) -> Money:
        """Shorthand for ``Money.parse`` used in code and tests: ``Money.yuan("12.50")``."""
        return cls.parse(text, currency)

    @classmethod
    def parse(cls, text: object, currency: str = CURRENCY) -> Money:
        """Parse an amount written in yuan.

        Accepts ``1234.5``, ``1,234.50``, ``¥1,234.50``, ``-3.00``, ``-¥3.00`` and full-width
        digits as pasted from Chinese spreadsheets (``１２３.４５``). Refuses floats, more than two
        decimal places, exponents, NaN/Infinity, and empty text.
        """
        return cls(parse_fen(text), currency)

    def _same_currency(self, other: Money, verb: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                f"cannot {verb} {other.format_symbol()} ({other.currency}) and "
                f"{self.format_symbol()} ({self.currency}): the currencies differ",
                fix="convert one amount first; commons never mixes currencies in one sum",
            )

    def __add__(self, other: object) -> Money:
        if isinstance(other, Money):
            self._same_currency(other, "add")
            return Money(self.fen + other.fen, self.currency)
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: object) -> Money:
        if isinstance(other, Money):
            self._same_currency(other, "subtract")
            return Money(self.fen - other.fen, self.currency)
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __rsub__(self, other: object) -> Money:
        if type(other) is int and other == 0:
            return -self
        return NotImplemented

    def __neg__(self) -> Money:
        return Money(-self.fen, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.fen), self.currency)

    def __mul__(self, other: object) -> Money:
        if type(other) is int:
            return Money(self.fen * other, self.currency)
        return NotImplemented

    __rmul__ = __mul__

    def _compare(self, other: object) -> int | None:
        if not isinstance(other, Money):
            return None
        self._same_currency(other, "compare")
        return (self.fen > other.fen) - (self.fen < other.fen)

    def __lt__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c < 0

    def __le__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c <= 0

    def __gt__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c > 0

    def __ge__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c >= 0

    def __bool__(self) -> bool:
        return self.fen != 0

    def is_negative(self) -> bool:
        return self.fen < 0

    def format(self, *, grouped: bool = False, symbol: bool = False) -> str:
        """Yuan with two decimals: ``1234.50``; grouped ``1,234.50``; with symbol ``¥1,234.50``."""
        units, cents = divmod(abs(self.fen), SCALE)
        whole = f"{units:,}" if grouped else str(units)
        sign = "-" if self.fen < 0 else ""
        mark = SYMBOLS.get(self.currency, self.currency + " ") if symbol else ""
        return f"{sign}{mark}{whole}.{cents:02d}"

    def format_grouped(self) -> str:
        return self.format(grouped=True)

    def format_symbol(self) -> str:
        return self.format(grouped=True, symbol=True)

    def format_chinese(self) -> str:
        """The amount in Chinese capital numerals (大写金额), as receipts and cheques require."""
        return chinese_capital(self.fen)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money('{self.format()}', {self.currency})"


def parse_fen(text: object) -> int:
    """Parse yuan text into a whole number of fen; see ``Money.parse`` for what is accepted."""
    if type(text) is str and _CANONICAL_AMOUNT.fullmatch(text):
        # The form commons itself writes ("-120.00"): the hot path of every import.
        fen = int(text[-2:]) + int(text[:-3].lstrip("-")) * SCALE
        if fen <= MAX_FEN:
            return -fen if text[0] == "-" else fen
    if not isinstance(text, str):
        raise InvalidInput(
            f"amount {text!r} is a {type(text).__name__}, not text",
            fix="pass amounts as strings such as \"12.50\" (a float cannot hold fen exactly)",
            code=ErrorCode.INVALID_AMOUNT,
        )
    # NFKC folds full-width digits, commas, points, signs and the full-width yen sign to ASCII.
    s = unicodedata.normalize("NFKC", text).strip()
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    stripped = s.removeprefix("¥").removeprefix("CNY").lstrip()
    if stripped != s and not negative and stripped[:1] == "-":
        negative, stripped = True, stripped[1:]
    s = stripped
    if not (_PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)):
        raise InvalidInput(f"{text!r} is not an amount of money: {_why_not_amount(s)}",
                           fix=_AMOUNT_HINT, code=ErrorCode.INVALID_AMOUNT)
    whole, _, frac = s.replace(",", "").partition(".")
    fen = int(whole) * SCALE + int(frac.ljust(2, "0") or "0")
    if fen > MAX_FEN:
        raise InvalidInput(f"{text!r} is beyond what commons can store",
                           fix=f"amounts are at most {MAX_FEN} fen either way",
                           code=ErrorCode.INVALID_AMOUNT)
    return -fen if negative else fen


def _why_not_amount(s: str) -> str:
    if not s:
        return "it is empty"
    low = s.lower()
    if "nan" in low or "inf" in low:
        return "it is not a finite number"
    if "e" in low:
        return "exponent notation is not accepted"
    if re.fullmatch(r"[\d,]*\.\d{3,}", s):
        return "it has more than two decimal places (amounts are exact to the fen)"
    if "," in s:
        return "its thousands separators are misplaced"
    return "it has characters other than digits, one decimal point and a sign"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")


def _chinese_group(value: int) -> str:
    """0 < value < 10000 in capitals, one 零 for each run of inner zeros, none trailing."""
    digits = f"{value:04d}"
    out: list[str] = []
    pending_zero = False
    for i, ch in enumerate(digits):
        d = int(ch)
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[d] + _PLACES[3 - i])
    return "".join(out)


_WAN = 10**4
_YI = 10**8


def _chinese_below_yi(value: int) -> str:
    """0 < value < 1亿: the 万 group, then the units group after one 零 if it lacks its 仟."""
    high, low = divmod(value, _WAN)
    out = _chinese_group(high) + "万" if high else ""
    if low:
        if high and low < 1000:
            out += "零"
        out += _chinese_group(low)
    return out


def _chinese_integer(value: int) -> str:
    """0 < value < 1亿亿. Above 亿 the count of 亿 is itself written with 万 (壹万贰仟亿)."""
    if value >= _YI * _YI:
        raise InvalidInput("amount is too large to write in Chinese capitals",
                           fix="amounts below 1亿亿 (10^16) yuan can be written")
    if value < _YI:
        return _chinese_below_yi(value)
    high, low = divmod(value, _YI)
    out = _chinese_below_yi(high) + "亿"
    if low:
        if low < _YI // 10:
            out += "零"
        out += _chinese_below_yi(low)
    return out


def chinese_capital(fen: int) -> str:
    """Write fen in 大写 the way the People's Bank's payment rules ask.

    ``123450`` -> ``壹仟贰佰叁拾肆元伍角整``; ``100005`` -> ``壹仟元零伍分``; ``0`` -> ``零元整``.
    """
    if fen == 0:
        return "零元整"
    sign = "负" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), SCALE)
    jiao, fen_digit = divmod(rest, 10)
    parts = [sign]
    if yuan:
        parts.append(_chinese_integer(yuan) + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    if fen_digit:
        if yuan and not jiao:
            parts.append("零")
        parts.append(_DIGITS[fen_digit] + "分")
    else:
        parts.append("整")
    return "".join(parts)


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


def money_field(value: Money | str, field: str) -> Money:
    """``value`` as money; text that is not an amount is refused naming ``field`` (use cases
    take amounts as Money or as the text a user typed)."""
    if isinstance(value, Money):
        return value
    try:
        return Money.parse(value)
    except CommonsError as e:
        raise e.located(field=field) from None
