"""Money as an integer count of fen, and the parser that reads it from text.

A float never touches an amount: ``Money`` refuses floats, Decimals and bools as its count, and
text is parsed as a decimal with at most two places. Splitting money is ``commons.allocate``'s
job; writing it as text is ``commons.l10n``'s, through which ``Money`` formats itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import attrs

from commons.errors import CommonsError, CurrencyMismatch, InvalidInput
from commons.l10n import amount_text, chinese_capital

__all__ = ["CURRENCY", "Money", "money_field", "parse_fen"]

CURRENCY = "CNY"
MAX_FEN = 2**63 - 1  # SQLite's INTEGER; a larger amount could not be stored or summed
SCALE = 100  # fen per yuan; every currency commons books has two decimal places
SYMBOLS = {"CNY": "¥"}

_CANONICAL_AMOUNT = re.compile(r"-?[0-9]+\.[0-9][0-9]")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?")
_AMOUNT_HINT = "write the amount in yuan with at most two decimals, e.g. 1234.50 or -3.00"


def _exact_int(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # bool is an int subclass and Decimal/float would smuggle in fractions of a fen.
    if type(value) is not int:
        raise InvalidInput(
            f"Money.{attribute.name} must be a whole number of fen, got {type(value).__name__} "
            f"{value!r}",
            fix="parse text with Money.parse('12.34') or pass an int count of fen",
        )
    if not -MAX_FEN <= value <= MAX_FEN:
        raise InvalidInput(f"{value} fen is beyond what commons can store",
                           fix=f"amounts are at most {MAX_FEN} fen either way")


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
    division, because splitting money is ``commons.allocate``'s job.
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
        mark = SYMBOLS.get(self.currency, self.currency + " ") if symbol else ""
        return amount_text(self.fen, grouped=grouped, symbol=mark)

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
                           fix=_AMOUNT_HINT)
    whole, _, frac = s.replace(",", "").partition(".")
    fen = int(whole) * SCALE + int(frac.ljust(2, "0") or "0")
    if fen > MAX_FEN:
        raise InvalidInput(f"{text!r} is beyond what commons can store",
                           fix=f"amounts are at most {MAX_FEN} fen either way")
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


def money_field(value: Money | str, field: str) -> Money:
    """``value`` as money; text that is not an amount is refused naming ``field`` (use cases
    take amounts as Money or as the text a user typed)."""
    if isinstance(value, Money):
        return value
    try:
        return Money.parse(value)
    except CommonsError as e:
        raise e.located(field=field) from None
