"""Money as an integer count of fen, and exact apportionment of it.

A float never touches an amount: ``Money`` refuses floats, Decimals and bools as its count, text is
parsed as a decimal with at most two places, and ``allocate`` splits a total over weights with the
largest-remainder method so the parts always add up to the total, to the fen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import lcm
from typing import Any, TypeVar

import attrs

from commons.errors import CurrencyMismatch, InvalidInput

__all__ = ["CURRENCY", "Money", "Weight", "allocate", "as_fraction"]

CURRENCY = "CNY"
SCALE = 100  # fen per yuan; every currency commons books has two decimal places
SYMBOLS = {"CNY": "¥"}

Weight = int | Decimal | Fraction
K = TypeVar("K")

_PLAIN = re.compile(r"\d+(?:\.\d{1,2})?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_AMOUNT_HINT = "write the amount in yuan with at most two decimals, e.g. 1234.50 or -3.00"


def _exact_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # bool is an int subclass and Decimal/float would smuggle in fractions of a fen.
    if type(value) is not int:
        raise InvalidInput(
            f"Money.{attribute.name} must be a whole number of fen, got {type(value).__name__} "
            f"{value!r}",
            fix="parse text with Money.parse('12.34') or pass an int count of fen",
        )


def _currency_code(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
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
    if not isinstance(text, str):
        raise InvalidInput(
            f"amount {text!r} is a {type(text).__name__}, not text",
            fix="pass amounts as strings such as \"12.50\" (a float cannot hold fen exactly)",
        )
    # NFKC folds full-width digits, commas, points, signs and the full-width yen sign to ASCII.
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    stripped = s.removeprefix("¥").removeprefix("CNY")
    if stripped != s and not negative and stripped[:1] == "-":
        negative, stripped = True, stripped[1:]
    s = stripped
    if not (_PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)):
        raise InvalidInput(f"{text!r} is not an amount of money: {_why_not_amount(s)}",
                           fix=_AMOUNT_HINT)
    whole, _, frac = s.replace(",", "").partition(".")
    fen = int(whole) * SCALE + int(frac.ljust(2, "0") or "0")
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
_GROUPS = ("", "万", "亿", "万亿")


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


def _chinese_integer(value: int) -> str:
    groups: list[int] = []
    while value:
        value, g = divmod(value, 10000)
        groups.append(g)
    if len(groups) > len(_GROUPS):
        raise InvalidInput("amount is too large to write in Chinese capitals",
                           fix="amounts up to 9999万亿 yuan can be written")
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        out.append(_chinese_group(g) + _GROUPS[index])
        pending_zero = False
    return "".join(out)


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
                               fix="give each weight as a number such as 56.37")
        return Fraction(weight)
    raise InvalidInput(
        f"weight {weight!r} is a {type(weight).__name__}; weights must be int, Decimal or Fraction",
        fix="parse weights from text with Decimal('56.37') so they stay exact",
    )


def parse_weight(text: str) -> Decimal:
    """Parse a weight written as text (areas like ``56.37``, full-width digits accepted)."""
    s = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not a number",
                           fix="write the weight as a plain number such as 56.37") from None
    if not value.is_finite() or "e" in s.lower():
        raise InvalidInput(f"{text!r} is not a plain finite number",
                           fix="write the weight as a plain number such as 56.37")
    return value


def _integer_weights(values: list[object]) -> list[int]:
    """Scale exact weights to integers over one common denominator (so they keep their ratios).

    Integer arithmetic keeps a million-weight split fast; Fractions per weight would not.
    """
    if all(type(v) is int for v in values):
        return values  # type: ignore[return-value]
    places = 0
    denominator = 1
    for v in values:
        if isinstance(v, Decimal):
            if not v.is_finite():
                raise InvalidInput(f"weight {v} is not a finite number",
                                   fix="give each weight as a number such as 56.37")
            exponent = v.as_tuple().exponent
            assert isinstance(exponent, int)
            places = max(places, -exponent)
        elif isinstance(v, Fraction):
            denominator = lcm(denominator, v.denominator)
        elif type(v) is not int:
            as_fraction(v)  # raises the right error for floats, bools and others
    scale = denominator * 10**places
    out: list[int] = []
    for v in values:
        if type(v) is int:
            out.append(v * scale)
        elif isinstance(v, Decimal):
            out.append(int(v.scaleb(places)) * denominator)
        else:
            assert isinstance(v, Fraction)
            out.append(v.numerator * (scale // v.denominator))
    return out


def _extra_fen_keys(keys: list[K], remainders: list[int], leftover: int) -> set[int]:
    """Indexes of the ``leftover`` largest remainders; ties at the cut go to the smallest keys."""
    if leftover == 0:
        return set()
    cut = sorted(remainders, reverse=True)[leftover - 1]
    above = [i for i, r in enumerate(remainders) if r > cut]
    tied = [i for i, r in enumerate(remainders) if r == cut]
    need = leftover - len(above)
    if need < len(tied):
        tied.sort(key=lambda i: keys[i])  # type: ignore[arg-type, return-value]
    return set(above) | set(tied[:need])


def allocate(
    total: Money | int, weights: Mapping[K, Weight] | Iterable[tuple[K, Weight]]
) -> dict[K, Money]:
    """Split ``total`` over keyed weights, exactly, by largest remainder (Hamilton's method).

    Each part is the floor of its exact share; the fen left over go one each to the largest
    remainders, ties broken by smallest key, so the result never depends on input order. The
    parts always sum to the total, each is within one fen of its exact share, equal weights differ
    by at most one fen, and zero weights get zero. A negative total (a refund) is split as the
    negation of the positive one. Keys must be unique and mutually comparable.
    """
    money = total if isinstance(total, Money) else Money(total)
    pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    if not pairs:
        raise InvalidInput("cannot split an amount over no weights",
                           fix="give at least one part with a positive weight")
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidInput("the same key appears twice among the weights",
                           fix="give each part a unique id")
    scaled = _integer_weights([w for _, w in pairs])
    whole = sum(scaled)
    negative = [k for k, w in zip(keys, scaled, strict=True) if w < 0]
    if negative:
        raise InvalidInput(f"weight of {negative[0]!r} is negative",
                           fix="weights are shares of a cost and must be zero or more")
    if whole == 0:
        raise InvalidInput("all weights are zero, so there is nothing to split by",
                           fix="give at least one part a positive weight")
    amount = abs(money.fen)
    shares: list[int] = []
    remainders: list[int] = []
    for w in scaled:
        q, r = divmod(amount * w, whole)
        shares.append(q)
        remainders.append(r)
    leftover = amount - sum(shares)
    assert 0 <= leftover < len(shares), "largest remainder leaves fewer fen than parts"
    for i in _extra_fen_keys(keys, remainders, leftover):
        shares[i] += 1
    sign = -1 if money.fen < 0 else 1
    parts = {k: Money(sign * s, money.currency) for k, s in zip(keys, shares, strict=True)}
    assert sum(s for s in shares) == amount, "allocation must sum exactly to the total"
    return parts
