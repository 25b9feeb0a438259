"""Money as an integer count of minor units in a supported currency, and its parser.

A float never touches an amount: ``Money`` refuses floats, Decimals and bools as its count, and
text is parsed as a decimal with at most as many places as its currency's minor unit has. The
currency table, ``CURRENCIES``, says which currencies the books hold; any other is refused.
Splitting money is ``commons.allocation``'s job; writing it as text is ``commons.l10n``'s, through
which ``Money`` formats itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from commons.errors import CommonsError, CurrencyMismatch, ErrorCode, InvalidInput
from commons.l10n import amount_text, chinese_capital

__all__ = ["CURRENCIES", "CURRENCY", "Currency", "Money", "currency_of", "money_field",
           "parse_fen"]

CURRENCY = "CNY"
MAX_FEN = 2**63 - 1  # SQLite's INTEGER; a larger amount could not be stored or summed


@attrs.frozen
class Currency:
    """A currency the books hold: its ISO 4217 code, the decimal places of its minor unit (ISO
    4217's "minor units": 2 for CNY, whose yuan is 100 fen; 0 for JPY, which has none), and the
    symbol written before an amount, as Chinese text writes it (CLDR's ``zh`` locale), so a yuan
    is never read as a yen. ``money`` is false for a unit that is not money (volunteer points):
    a statement shows such a unit only when asked for it."""

    code: str
    # Two places or none: the parser's hints and messages speak of these.
    minor_units: int = attrs.field(validator=attrs.validators.in_((0, 2)))
    symbol: str
    money: bool = True


_TABLE = {c.code: c for c in (
    Currency("CNY", 2, "¥"),
    Currency("HKD", 2, "HK$"),
    Currency("USD", 2, "US$"),
    Currency("EUR", 2, "€"),
    Currency("JPY", 0, "JP¥"),
    Currency("KRW", 0, "₩"),
    # Volunteer points (积分, commons.points): not money, but a unit the journal moves and
    # balances the same way, whole points only, so it sits in the same table.
    Currency("PTS", 0, "积分", money=False),
)}
CURRENCIES: Mapping[str, Currency] = MappingProxyType(_TABLE)
_YUAN = _TABLE[CURRENCY]
_SUPPORTED = ", ".join(_TABLE)

_LONGEST_AMOUNT = 64  # characters: MAX_FEN grouped, with sign, symbol and blanks, fits twice
_CANONICAL_AMOUNT = re.compile(r"-?[0-9]+\.[0-9][0-9]")


def currency_of(code: object) -> Currency:
    """The table's entry for ``code``; a currency the books do not hold is refused."""
    found = _TABLE.get(code) if isinstance(code, str) else None
    if found is None:
        raise InvalidInput(
            f"currency {code!r} is not one the books hold: commons supports the ISO 4217 "
            f"currencies {_SUPPORTED}",
            fix=f"write the amount in one of {_SUPPORTED}",
            code=ErrorCode.UNSUPPORTED_CURRENCY,
        )
    return found


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
    if value is not CURRENCY:  # the common case, in the table by definition
        currency_of(value)


@attrs.frozen(order=False)
class Money:
    """An amount of money: a whole number of minor units (``fen``: fen for CNY, cents for USD,
    yen for JPY) and a currency from ``CURRENCIES``.

    Arithmetic stays within one currency; ``0 + m`` works so ``sum()`` works; there is no
    division, because splitting money is ``commons.allocation``'s job.
    """

    fen: int = attrs.field(validator=_exact_int)
    currency: str = attrs.field(default=CURRENCY, validator=_currency_code)

    @classmethod
    def zero(cls, currency: str = CURRENCY) -> Money:
        """No money, in ``currency``."""
        return cls(0, currency)

    @classmethod
    def yuan(cls, text: str, currency: str = CURRENCY) -> Money:
        """Shorthand for ``Money.parse`` used in code and tests: ``Money.yuan("12.50")``."""
        return cls.parse(text, currency)

    @classmethod
    def parse(cls, text: object, currency: str = CURRENCY) -> Money:
        """Parse an amount written in the currency's major unit (yuan for CNY).

        Accepts ``1234.5``, ``1,234.50``, ``¥1,234.50``, ``CNY12.00``, ``-3.00``, ``-¥3.00`` and
        full-width digits as pasted from Chinese spreadsheets (``１２３.４５``); the symbol and
        code are the currency's own (``JP¥1,234`` for JPY). Refuses floats, more decimal places
        than the currency's minor unit has (two for CNY, none for JPY), exponents,
        NaN/Infinity, empty text, and a currency the books do not hold.
        """
        return cls(parse_fen(text, currency), currency)

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
        """Whether the amount is below zero."""
        return self.fen < 0

    def format(self, *, grouped: bool = False, symbol: bool = False) -> str:
        """The major unit with the currency's decimals: ``1234.50``; grouped ``1,234.50``; with
        symbol ``¥1,234.50``; JPY ``1234``, ``1,234``, ``JP¥1,234``."""
        unit = _TABLE[self.currency]
        return amount_text(self.fen, unit.minor_units, grouped=grouped,
                           symbol=unit.symbol if symbol else "")

    def format_grouped(self) -> str:
        """The amount with thousands grouped: ``1,234.50``."""
        return self.format(grouped=True)

    def format_symbol(self) -> str:
        """The amount with ``¥`` and thousands grouped: ``¥1,234.50``."""
        return self.format(grouped=True, symbol=True)

    def format_chinese(self) -> str:
        """The amount in Chinese capital numerals (大写金额), as receipts and cheques require;
        they count 元, 角 and 分, so only a CNY amount has them."""
        if self.currency != CURRENCY:
            raise InvalidInput(f"{self.format_symbol()} is not in yuan, so it has no 大写金额",
                               fix="write Chinese capitals for CNY amounts only")
        return chinese_capital(self.fen)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money('{self.format()}', {self.currency})"


def parse_fen(text: object, currency: str = CURRENCY) -> int:
    """Parse text into a whole number of ``currency``'s minor units (fen for CNY); see
    ``Money.parse`` for what is accepted."""
    unit = _YUAN if currency is CURRENCY else currency_of(currency)
    if (unit.minor_units == 2 and type(text) is str and len(text) <= _LONGEST_AMOUNT
            and _CANONICAL_AMOUNT.fullmatch(text)):
        # The form commons itself writes ("-120.00"): the hot path of every import.
        fen = int(text[-2:]) + int(text[:-3].lstrip("-")) * 100
        if fen <= MAX_FEN:
            return -fen if text[0] == "-" else fen
    if not isinstance(text, str):
        raise InvalidInput(
            f"amount {text!r} is a {type(text).__name__}, not text",
            fix="pass amounts as strings such as \"12.50\" (a float cannot hold fen exactly)",
            code=ErrorCode.INVALID_AMOUNT,
        )
    if len(text) > _LONGEST_AMOUNT:  # before int(), which refuses 4,300 digits with a ValueError
        raise InvalidInput(f"{text[:24]!r}... ({len(text):,} characters) is too long to be an "
                           "amount", fix=f"amounts are at most {MAX_FEN} fen either way",
                           code=ErrorCode.INVALID_AMOUNT)
    # NFKC folds full-width digits, commas, points, signs and the full-width yen sign to ASCII.
    s = unicodedata.normalize("NFKC", text).strip()
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    stripped = s.removeprefix(unit.symbol).removeprefix(unit.code).lstrip()
    if stripped != s and not negative and stripped[:1] == "-":
        negative, stripped = True, stripped[1:]
    s = stripped
    places = unit.minor_units
    plain, grouped = _shapes(places)
    if not (plain.fullmatch(s) or grouped.fullmatch(s)):
        raise InvalidInput(f"{text!r} is not an amount of money: {_why_not_amount(s, unit)}",
                           fix=_amount_hint(unit), code=ErrorCode.INVALID_AMOUNT)
    whole, _, frac = s.replace(",", "").partition(".")
    fen = int(whole + frac.ljust(places, "0"))  # the digits of the minor units
    if fen > MAX_FEN:
        raise InvalidInput(f"{text!r} is beyond what commons can store",
                           fix=f"amounts are at most {MAX_FEN} fen either way",
                           code=ErrorCode.INVALID_AMOUNT)
    return -fen if negative else fen


@functools.cache
def _shapes(places: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The plain (``1234.5``) and grouped (``1,234.50``) amount patterns for ``places``."""
    decimals = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    return (re.compile(rf"[0-9]+{decimals}"),
            re.compile(rf"[0-9]{{1,3}}(?:,[0-9]{{3}})+{decimals}"))


def _amount_hint(unit: Currency) -> str:
    if unit.minor_units == 0:
        return f"write the amount in whole {unit.code}, without decimals, e.g. 1234 or -3"
    major = "yuan" if unit.code == CURRENCY else unit.code
    return f"write the amount in {major} with at most two decimals, e.g. 1234.50 or -3.00"


def _too_many_places(unit: Currency) -> str:
    if unit.minor_units == 0:
        return f"it has decimals, but {unit.code} has no minor unit (amounts are whole)"
    return "it has more than two decimal places (amounts are exact to the fen)"


def _why_not_amount(s: str, unit: Currency) -> str:
    if not s:
        return "it is empty"
    low = s.lower()
    if "nan" in low or "inf" in low:
        return "it is not a finite number"
    if "e" in low:
        return "exponent notation is not accepted"
    if re.fullmatch(rf"[\d,]*\.\d{{{unit.minor_units + 1},}}", s):
        return _too_many_places(unit)
    if "," in s and re.fullmatch(r"[\d,.]+", s):
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
