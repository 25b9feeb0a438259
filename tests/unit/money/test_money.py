"""Money: whole fen with a currency; parsing, formatting and Chinese capitals (大写金额)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from strategies import MAX_FEN, fen, money, yuan_text

from commons import CommonsError, CurrencyMismatch, InvalidInput, Money
from commons.errors import ErrorCode
from commons.l10n import chinese_capital
from commons.money import CURRENCIES, currency_of, parse_fen

# --- construction ----------------------------------------------------------------------------


def test_money_holds_whole_fen_and_defaults_to_cny() -> None:
    m = Money(123450)
    assert (m.fen, m.currency) == (123450, "CNY")
    assert Money(5, "USD").currency == "USD"
    assert Money.zero() == Money(0)
    assert Money.yuan("12.50") == Money(1250)


@pytest.mark.parametrize("bad", [True, False, 1.5, 1.0, Decimal("1"), Decimal("1.5"),
                                 Fraction(3, 2), "100", None])
def test_money_refuses_anything_but_an_int_count_of_fen(bad: object) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        Money(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["cny", "CN", "RMB1", "人民币", "", 156])
def test_money_refuses_a_currency_that_is_not_an_iso_code(bad: object) -> None:
    with raises(InvalidInput, ErrorCode.UNSUPPORTED_CURRENCY):
        Money(1, bad)  # type: ignore[arg-type]


def test_money_is_frozen() -> None:
    m = Money(1)
    with pytest.raises(AttributeError):
        m.fen = 2  # type: ignore[misc]


# --- arithmetic ------------------------------------------------------------------------------


@given(money(), money())
def test_addition_and_subtraction_work_on_fen(a: Money, b: Money) -> None:
    assert (a + b).fen == a.fen + b.fen
    assert (a - b).fen == a.fen - b.fen
    assert (a - b) + b == a
    assert (-a).fen == -a.fen
    assert abs(a).fen == abs(a.fen)
    assert (a + b).currency == "CNY"


@given(st.lists(money(currency="USD"), max_size=10))
def test_sum_works_because_zero_plus_money_is_money(items: list[Money]) -> None:
    if items:
        total = sum(items)
        assert isinstance(total, Money)
        assert total == Money(sum(m.fen for m in items), "USD")
    assert sum(items, Money.zero("USD")) == Money(sum(m.fen for m in items), "USD")


def test_zero_is_the_identity_on_either_side() -> None:
    m = Money(-250)
    assert 0 + m == m
    assert m + 0 == m
    assert m - 0 == m
    assert 0 - m == Money(250)


@given(money(), st.integers(min_value=-1000, max_value=1000))
def test_multiplication_by_an_int(m: Money, n: int) -> None:
    assert (m * n).fen == m.fen * n
    assert n * m == m * n


@pytest.mark.parametrize("factor", [1.5, Decimal("2"), Fraction(1, 2), True, "2"])
def test_multiplication_by_anything_but_an_int_is_refused(factor: object) -> None:
    with pytest.raises(TypeError):
        Money(100) * factor  # type: ignore[operator]
    with pytest.raises(TypeError):
        factor * Money(100)  # type: ignore[operator]


@pytest.mark.parametrize("other", [1, -1, 1.0, Decimal("0"), "0"])
def test_adding_a_plain_number_other_than_int_zero_is_refused(other: object) -> None:
    with pytest.raises(TypeError):
        Money(100) + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other + Money(100)  # type: ignore[operator]


def test_there_is_no_division_splitting_is_allocates_job() -> None:
    m = Money(100)
    with pytest.raises(TypeError):
        m / 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        m // 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        m % 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        divmod(m, 3)  # type: ignore[call-overload]


def test_mixing_currencies_is_refused_with_a_commons_error() -> None:
    cny, usd = Money(100), Money(100, "USD")
    for operation in (lambda: cny + usd, lambda: cny - usd, lambda: cny < usd,
                      lambda: cny >= usd, lambda: sum([cny, usd])):
        with raises(CurrencyMismatch, ErrorCode.CURRENCY_MISMATCH) as caught:
            operation()
        assert isinstance(caught.value, CommonsError)
        assert caught.value.fix
    assert cny != usd  # equality is not arithmetic: different currencies are simply unequal


@given(money(), money())
def test_ordering_follows_fen(a: Money, b: Money) -> None:
    assert (a < b) == (a.fen < b.fen)
    assert (a <= b) == (a.fen <= b.fen)
    assert (a > b) == (a.fen > b.fen)
    assert (a >= b) == (a.fen >= b.fen)
    assert max(a, b).fen == max(a.fen, b.fen)


def test_truth_and_sign() -> None:
    assert not Money(0)
    assert Money(1)
    assert Money(-1).is_negative()
    assert not Money(0).is_negative()


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fen_", "plain", "grouped", "symbol"), [
    (0, "0.00", "0.00", "¥0.00"),
    (5, "0.05", "0.05", "¥0.05"),
    (-300, "-3.00", "-3.00", "-¥3.00"),
    (123450, "1234.50", "1,234.50", "¥1,234.50"),
    (10000000000, "100000000.00", "100,000,000.00", "¥100,000,000.00"),
    (-123456789, "-1234567.89", "-1,234,567.89", "-¥1,234,567.89"),
])
def test_formats(fen_: int, plain: str, grouped: str, symbol: str) -> None:
    m = Money(fen_)
    assert m.format() == str(m) == plain
    assert m.format_grouped() == m.format(grouped=True) == grouped
    assert m.format_symbol() == m.format(grouped=True, symbol=True) == symbol
    assert repr(m) == f"Money('{plain}', CNY)"


@pytest.mark.parametrize(("currency", "plain", "grouped", "symbol"), [
    ("CNY", "-1234.56", "-1,234.56", "-¥1,234.56"),
    ("HKD", "-1234.56", "-1,234.56", "-HK$1,234.56"),
    ("USD", "-1234.56", "-1,234.56", "-US$1,234.56"),
    ("EUR", "-1234.56", "-1,234.56", "-€1,234.56"),
    ("JPY", "-123456", "-123,456", "-JP¥123,456"),
    ("KRW", "-123456", "-123,456", "-₩123,456"),
])
def test_each_currency_is_written_with_its_decimals_and_symbol(
        currency: str, plain: str, grouped: str, symbol: str) -> None:
    m = Money(-123456, currency)
    assert (m.format(), m.format_grouped(), m.format_symbol()) == (plain, grouped, symbol)
    assert repr(m) == f"Money('{plain}', {currency})"


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("1234.5", 123450),
    ("1234.50", 123450),
    ("1234", 123400),
    ("1,234.50", 123450),
    ("1,234,567.89", 123456789),
    ("¥1,234.50", 123450),
    ("￥1,234.50", 123450),  # full-width yen sign
    ("-3.00", -300),
    ("-¥3.00", -300),
    ("¥-3.00", -300),
    ("+3", 300),
    ("１２３.４５", 12345),  # full-width digits from a Chinese spreadsheet
    ("１，２３４．５０", 123450),
    ("－３．００", -300),
    ("CNY12.00", 1200),
    ("  0.07 ", 7),
    ("0", 0),
    ("-0.00", 0),
])
def test_parse_accepts_the_forms_people_write(text: str, expected: int) -> None:
    assert Money.parse(text) == Money(expected)


@pytest.mark.parametrize(("text", "code"), [
    ("1.234", ErrorCode.INVALID_AMOUNT),
    ("0.001", ErrorCode.INVALID_AMOUNT),
    ("１．２３４", ErrorCode.INVALID_AMOUNT),
    ("1e3", ErrorCode.INVALID_AMOUNT),
    ("1E3", ErrorCode.INVALID_AMOUNT),
    ("NaN", ErrorCode.INVALID_AMOUNT),
    ("nan", ErrorCode.INVALID_AMOUNT),
    ("Infinity", ErrorCode.INVALID_AMOUNT),
    ("-inf", ErrorCode.INVALID_AMOUNT),
    ("", ErrorCode.INVALID_AMOUNT),
    ("   ", ErrorCode.INVALID_AMOUNT),
    ("¥", ErrorCode.INVALID_AMOUNT),
    ("1,23", ErrorCode.INVALID_AMOUNT),
    ("12,34.50", ErrorCode.INVALID_AMOUNT),
    ("1,2345", ErrorCode.INVALID_AMOUNT),
    ("1.2.3", ErrorCode.INVALID_AMOUNT),
    (".5", ErrorCode.INVALID_AMOUNT),
    ("5.", ErrorCode.INVALID_AMOUNT),
    ("--3", ErrorCode.INVALID_AMOUNT),
    ("-¥-3", ErrorCode.INVALID_AMOUNT),
    ("12元", ErrorCode.INVALID_AMOUNT),
    ("0x10", ErrorCode.INVALID_AMOUNT),
    ("1 234.50", ErrorCode.INVALID_AMOUNT),
    ("1 2 3", ErrorCode.INVALID_AMOUNT),
    ("١٢٣.٤٥", ErrorCode.INVALID_AMOUNT),
    ("١٢٣", ErrorCode.INVALID_AMOUNT),
])
def test_parse_refuses_what_is_not_an_exact_amount(text: str, code: ErrorCode) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money.parse(text)
    message = str(caught.value)
    assert caught.value.code == code
    assert repr(text) in message  # the message quotes what was given
    assert "fix:" in message


@pytest.mark.parametrize("value", [1.5, 1234.0, Decimal("1.50"), 150, None, b"1.50"])
def test_parse_refuses_anything_but_text(value: object) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        Money.parse(value)


@given(yuan_text())
def test_parse_reads_every_accepted_form(case: tuple[str, int]) -> None:
    text, expected = case
    assert Money.parse(text).fen == expected


@given(money())
def test_parse_inverts_every_format(m: Money) -> None:
    assert Money.parse(m.format()) == m
    assert Money.parse(m.format_grouped()) == m
    assert Money.parse(m.format_symbol()) == m


@given(money(currency="USD"))
def test_parse_keeps_the_currency_it_is_given(m: Money) -> None:
    assert Money.parse(m.format(), "USD") == m


# --- the currency table ----------------------------------------------------------------------


def test_the_table_holds_each_currencys_minor_units() -> None:
    assert {code: c.minor_units for code, c in CURRENCIES.items()} == {
        "CNY": 2, "HKD": 2, "USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "PTS": 0}
    assert all(currency_of(code).code == code for code in CURRENCIES)


@given(st.sampled_from(sorted(CURRENCIES)), fen, st.booleans())
def test_parse_inverts_every_format_in_every_currency(currency: str, count: int,
                                                      full_width: bool) -> None:
    m = Money(count, currency)
    wide = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－") if full_width else {}
    for text in (m.format(), m.format_grouped(), m.format_symbol()):
        assert Money.parse(text.translate(wide), currency) == m


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("5", "JPY", 5), ("1,234", "JPY", 1234), ("JP¥1,234", "JPY", 1234), ("-JPY 3", "JPY", -3),
    ("５０００", "KRW", 5000), ("₩-5,000", "KRW", -5000),
    ("5", "USD", 500), ("US$1,234.5", "USD", 123450), ("HK$0.05", "HKD", 5), ("€-3", "EUR", -300),
])
def test_parse_reads_amounts_in_the_currencys_minor_units(text: str, currency: str,
                                                          minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(("text", "currency"), [
    ("5.5", "JPY"),
    ("5.00", "KRW"),
    ("1.234", "USD"),
    ("¥1,234", "JPY"),  # a yuan sign is never read as a yen
    ("US$5", "CNY"),
])
def test_parse_refuses_decimals_and_symbols_the_currency_does_not_have(
        text: str, currency: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        Money.parse(text, currency)


@pytest.mark.parametrize("make", [lambda: Money(1, "GBP"), lambda: Money.zero("GBP"),
                                  lambda: Money.parse("1.00", "GBP"),
                                  lambda: parse_fen("1.00", "GBP")])
def test_a_currency_the_books_do_not_hold_is_refused_naming_the_supported_ones(
        make: Callable[[], object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        make()
    message = str(caught.value)
    assert caught.value.code == ErrorCode.UNSUPPORTED_CURRENCY
    assert "'GBP'" in message
    assert all(code in message for code in ("CNY", "HKD", "USD", "EUR", "JPY", "KRW"))


def test_only_yuan_have_chinese_capitals() -> None:
    assert Money(100, "CNY").format_chinese() == "壹元整"
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Money(100, "JPY").format_chinese()


# --- Chinese capitals (大写金额) ---------------------------------------------------------------

# The People's Bank's rules for writing amounts on payment documents (《正确填写票据和结算凭证的
# 基本规定》): 整 after 元 (optional after 角, never after 分); one 零 for a run of inner zeros;
# 零 after 元 when 角 is zero and 分 is not; 拾 is always preceded by its digit (壹拾).
CAPITALS = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("0.32", "叁角贰分"),
    ("1.00", "壹元整"),
    ("10.00", "壹拾元整"),
    ("15.00", "壹拾伍元整"),
    ("100.00", "壹佰元整"),
    ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
    ("1000.05", "壹仟元零伍分"),
    ("1409.50", "壹仟肆佰零玖元伍角整"),  # the rules' own examples from here ...
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),  # ... to here
    ("100010.00", "壹拾万零壹拾元整"),
    ("10000100.00", "壹仟万零壹佰元整"),
    ("10010000.00", "壹仟零壹万元整"),
    ("580000.00", "伍拾捌万元整"),
    ("100000000.00", "壹亿元整"),
    ("100000001.00", "壹亿零壹元整"),
    ("100001000.00", "壹亿零壹仟元整"),
    ("101000000.00", "壹亿零壹佰万元整"),
    ("110000000.00", "壹亿壹仟万元整"),
    ("12345000000000.00", "壹拾贰万叁仟肆佰伍拾亿元整"),
    ("1000000000000.00", "壹万亿元整"),
    ("-3.00", "负叁元整"),
    ("-1000.05", "负壹仟元零伍分"),
]


@pytest.mark.parametrize(("text", "capitals"), CAPITALS)
def test_chinese_capitals(text: str, capitals: str) -> None:
    assert Money.parse(text).format_chinese() == capitals


def test_chinese_capitals_refuse_amounts_beyond_the_numerals() -> None:
    assert chinese_capital(10**18 - 1).startswith("玖仟玖佰玖拾玖万")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        chinese_capital(10**18)


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def _read_section(text: str) -> int:
    """Read digits with 拾/佰/仟 (below 万)."""
    value, digit = 0, None
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        else:
            assert digit is not None, f"{ch} without its digit in {text!r}"
            value += digit * _PLACE[ch]
            digit = None
    return value + (digit or 0)


def _read_integer(text: str) -> int:
    if "亿" in text:
        high, _, low = text.rpartition("亿")
        return _read_integer(high) * 10**8 + _read_integer(low)
    if "万" in text:
        high, _, low = text.partition("万")
        return _read_section(high) * 10**4 + _read_section(low)
    return _read_section(text)


def read_capitals(text: str) -> int:
    """An independent reader of 大写金额, to check the writer against."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负")
    yuan, _, rest = text.rpartition("元") if "元" in text else ("", "", text)
    fen_ = 0
    for match in re.finditer(r"([壹贰叁肆伍陆柒捌玖])([角分])", rest):
        fen_ += _DIGIT[match.group(1)] * (10 if match.group(2) == "角" else 1)
    return sign * (_read_integer(yuan) * 100 + fen_)


@given(st.integers(min_value=-MAX_FEN * 100, max_value=MAX_FEN * 100) | fen)
def test_chinese_capitals_are_well_formed_and_read_back(amount: int) -> None:
    text = chinese_capital(amount)
    assert read_capitals(text) == amount
    assert re.fullmatch(r"负?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+", text)
    assert "零零" not in text
    if amount:  # 零元整 is the one text that starts with 零
        assert not re.search(r"零[元万亿角分整]", text)  # no zero before a unit or at an end
    assert text.endswith("分") != text.endswith("整")  # 整 exactly when there is no 分
    assert not re.search(r"(^|[^零壹贰叁肆伍陆柒捌玖])拾", text)  # 壹拾, never a bare 拾
    if amount % 100 == 0:
        assert text.endswith("元整")
    if 0 < abs(amount) % 100 < 10 and abs(amount) >= 100:
        assert "元零" in text  # 角 is zero and 分 is not: 零 after 元
