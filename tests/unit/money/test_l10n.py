"""commons.l10n: every amount and ratio text. For CNY each gives the text its copy elsewhere gave
before it moved here (the old bodies are kept below as oracles), and other places work too."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import fen

from commons import Money
from commons.l10n import (
    amount_decimal,
    amount_text,
    chinese_capital,
    count_text,
    fraction_text,
    percent_text,
    spreadsheet_format,
)

# --- the copies l10n replaced, as they were written ------------------------------------------


def old_money_format(fen_: int, *, grouped: bool = False, symbol: bool = False) -> str:
    """``Money.format`` before the currency table."""
    units, cents = divmod(abs(fen_), 100)
    whole = f"{units:,}" if grouped else str(units)
    sign = "-" if fen_ < 0 else ""
    return f"{sign}{'¥' if symbol else ''}{whole}.{cents:02d}"


def old_export_yuan_text(fen_: int) -> str:
    """``commons.ledger.export.yuan_text``."""
    if fen_ >= 100 or fen_ <= -100:
        text = str(fen_)
        return f"{text[:-2]}.{text[-2:]}"
    return f"{'-' if fen_ < 0 else ''}0.{abs(fen_):02d}"


def old_checking_yuan(fen_: int) -> str:
    """``commons.io.checking._yuan``."""
    sign = "-" if fen_ < 0 else ""
    return f"{sign}{abs(fen_) // 100}.{abs(fen_) % 100:02d}"


def old_arrears_percent_text(rate: Fraction) -> str:
    """``commons.billing.arrears.percent_text`` (rates are never negative)."""
    hundredths = rate * 10000
    whole = int((hundredths + Fraction(1, 2)) // 1)
    return f"{whole // 100}.{whole % 100:02d}"


# --- amounts -------------------------------------------------------------------------------


@given(fen)
def test_cny_amounts_read_as_every_old_copy_wrote_them(count: int) -> None:
    m = Money(count)
    plain = amount_text(count)
    assert plain == m.format() == old_money_format(count)
    assert plain == old_export_yuan_text(count) == old_checking_yuan(count)
    assert amount_text(count, grouped=True) == m.format_grouped() == old_money_format(
        count, grouped=True)
    assert amount_text(count, grouped=True, symbol="¥") == m.format_symbol() == \
        old_money_format(count, grouped=True, symbol=True)
    assert amount_decimal(count) == Decimal(count).scaleb(-2)  # exporting.yuan_decimal
    assert str(amount_decimal(count)) == plain


@pytest.mark.parametrize(("minor", "places", "plain", "grouped"), [
    (0, 2, "0.00", "0.00"), (5, 2, "0.05", "0.05"), (-5, 2, "-0.05", "-0.05"),
    (-300, 2, "-3.00", "-3.00"), (123450, 2, "1234.50", "1,234.50"),
    (0, 0, "0", "0"), (5, 0, "5", "5"), (-300, 0, "-300", "-300"),
    (1234567, 0, "1234567", "1,234,567"),
])
def test_amount_text_writes_the_places_it_is_given(minor: int, places: int, plain: str,
                                                   grouped: str) -> None:
    assert amount_text(minor, places) == plain
    assert amount_text(minor, places, grouped=True) == grouped
    assert str(amount_decimal(minor, places)) == plain


def test_spreadsheet_formats_follow_the_places_and_symbol() -> None:
    assert spreadsheet_format() == '"¥"#,##0.00'  # what the XLSX export wrote before
    assert spreadsheet_format(0, "JP¥") == '"JP¥"#,##0'


def test_chinese_capitals_are_written_here() -> None:
    assert chinese_capital(123450) == Money(123450).format_chinese() == "壹仟贰佰叁拾肆元伍角整"


# --- ratios --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "text"), [
    (Fraction(2, 3), "66.67"), (Fraction(1), "100.00"), (Fraction(0), "0.00"),
    (Fraction(1, 8), "12.50"), (Fraction(1, 200000), "0.00"), (Fraction(1, 20000), "0.01"),
    (Fraction(1, 8000), "0.01"),  # 0.0125%
    (Fraction(1, 40000), "0.00"),  # 0.0025%
])
def test_percentages_are_exact_and_rounded_half_up(rate: Fraction, text: str) -> None:
    assert percent_text(rate) == text


@given(st.fractions(min_value=0, max_value=10))
def test_percent_text_is_what_arrears_and_the_tally_wrote(rate: Fraction) -> None:
    # governance's format_percent was fraction_text(share * 100)
    assert percent_text(rate) == old_arrears_percent_text(rate) == fraction_text(rate * 100)


def test_percent_text_takes_other_places() -> None:
    assert percent_text(Fraction(2, 3), 0) == "67"
    assert percent_text(Fraction(2, 3), 4) == "66.6667"


@pytest.mark.parametrize(("n", "noun", "text"), [
    (1, "entry", "1 entry"), (2, "entry", "2 entries"), (0, "entry", "0 entries"),
    (1, "bank line", "1 bank line"), (3, "bank line", "3 bank lines"),
    (2, "match", "2 matches"), (2, "day", "2 days"), (1200, "posting", "1,200 postings"),
    (2, "person", "2 people"),
])
def test_a_count_agrees_with_its_noun(n: int, noun: str, text: str) -> None:
    """Issue 16 item 16: the command line printed "1 entries" and "1 bank lines"."""
    assert count_text(n, noun, "people" if noun == "person" else None) == text
