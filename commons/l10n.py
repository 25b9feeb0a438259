"""How commons writes amounts and ratios for people and files: the one place they are spelled.

Amounts: the plain text every export and JSON document holds (``-3.00``, ``1234.50``), grouped
text for tables (``1,234.50``), with a symbol (``¥1,234.50``), the exact ``Decimal`` a spreadsheet
cell holds and its number format, and Chinese capital numerals (大写金额) for receipts. Ratios:
exact fractions as decimal text and as percentages (2/3 -> ``66.67``).

Everything here is a pure function of integers and exact fractions. An amount is a whole count of
minor units (fen for CNY); the caller says how many decimal places its currency's minor unit has
and which symbol it writes, from the currency table in ``commons.money``. That keeps this module
below ``Money``, which formats itself through it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from commons.errors import InvalidInput

__all__ = ["amount_decimal", "amount_text", "chinese_capital", "count_text", "fraction_text",
           "percent_text", "spreadsheet_format"]


def amount_text(minor: int, places: int = 2, *, grouped: bool = False, symbol: str = "") -> str:
    """A count of minor units as decimal text with ``places`` decimals: ``-300`` -> ``-3.00``,
    grouped ``1,234.50``, with a symbol ``-¥1,234.50``; with no places ``1234`` (JPY, KRW).

    The plain form is what exports and JSON write and what ``Money.parse`` reads back."""
    if places == 2 and not grouped and not symbol and (minor >= 100 or minor <= -100):
        text = str(minor)  # the digits with a point before the last two: the exports' hot path
        return f"{text[:-2]}.{text[-2:]}"
    whole, part = divmod(abs(minor), 10**places)
    digits = f"{whole:,}" if grouped else str(whole)
    decimals = f".{part:0{places}d}" if places else ""
    return f"{'-' if minor < 0 else ''}{symbol}{digits}{decimals}"


def amount_decimal(minor: int, places: int = 2) -> Decimal:
    """A count of minor units as an exact Decimal (-300 -> Decimal('-3.00')), for a spreadsheet
    cell."""
    return Decimal(minor).scaleb(-places)


def spreadsheet_format(places: int = 2, symbol: str = "¥") -> str:
    """The spreadsheet number format for amounts with ``places`` decimals and ``symbol``:
    ``"¥"#,##0.00`` for CNY, ``"JP¥"#,##0`` for JPY."""
    return f'"{symbol}"#,##0' + ("." + "0" * places if places else "")


def fraction_text(value: Fraction, places: int = 2) -> str:
    """An exact fraction as text with ``places`` decimals, halves rounded away from zero
    (2/3 -> "0.67", -1/8 -> "-0.13"); integer arithmetic throughout, so nothing is rounded
    twice. Shares, prices per m² and probabilities are shown with it; money has ``Money``."""
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and units else ""
    text = str(units).rjust(places + 1, "0")
    return f"{sign}{text[:-places]}.{text[-places:]}" if places else f"{sign}{text}"


def count_text(n: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun agreeing in number: ``count_text(1, "entry")`` -> ``"1 entry"``,
    ``count_text(2, "entry")`` -> ``"2 entries"``, ``count_text(0, "match")`` -> ``"0 matches"``.
    The noun's last word takes the plural (``"bank line"`` -> ``"bank lines"``); give
    ``plural`` where English is irregular. Every count the command line prints is made here."""
    if n == 1:
        return f"1 {noun}"
    if plural is None:
        if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
            plural = noun[:-1] + "ies"
        elif noun.endswith(("s", "x", "ch", "sh")):
            plural = noun + "es"
        else:
            plural = noun + "s"
    return f"{n:,} {plural}"


def percent_text(share: Fraction, places: int = 2) -> str:
    """A share as a percentage with ``places`` decimals, halves rounded up, without the sign:
    2/3 -> ``"66.67"``, 1/8000 -> ``"0.01"``."""
    return fraction_text(share * 100, places)


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
    yuan, rest = divmod(abs(fen), 100)
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
