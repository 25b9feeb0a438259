"""A statement profile file is checked against its schema, key by key, and the bad key is
named; a wrong kind of value once raised TypeError and a deeply nested one RecursionError."""

from __future__ import annotations

import pytest
from conftest import raises

from commons.errors import ErrorCode, InvalidInput
from commons.io.bank_csv import CsvProfile
from commons.io.bank_formats import read_statements

BASE = 'name = "icbc"\ndate = "记账日期"\namount = "金额"\n'


@pytest.mark.parametrize(("extra", "key"), [
    ("encoding = 7\n", "encoding"),
    ('encoding = "klingon"\n', "encoding"),
    ("currency = true\n", "currency"),
    ("memo = 3.5\n", "memo"),
    ("balance = { column = \"余额\" }\n", "balance"),
    ('optional = ["摘要", 2]\n', "optional"),
    ('optional = "摘要"\n', "optional"),
    ("memo = " + "[" * 30 + "]" * 30 + "\n", "memo"),
])
def test_a_value_of_the_wrong_kind_names_its_key(extra: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        CsvProfile.from_toml(BASE + extra, "icbc.toml")
    assert caught.value.field == key
    assert caught.value.file == "icbc.toml"
    assert caught.value.code == ErrorCode.INVALID_INPUT


def test_a_wrong_kind_of_name_or_date_is_named_too() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT, match="'name'"):
        CsvProfile.from_toml('name = 1\ndate = "d"\namount = "a"\n', "p.toml")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT, match="'date'"):
        CsvProfile.from_toml('date = ["d"]\namount = "a"\n', "p.toml")


def test_a_deeply_nested_value_is_refused_not_a_recursion_error() -> None:
    deep = BASE + "memo = " + "[" * 100_000 + "]" * 100_000 + "\n"
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE) as caught:
        CsvProfile.from_toml(deep, "deep.toml")
    assert caught.value.file == "deep.toml"


def test_a_number_of_5000_digits_is_refused_not_a_value_error() -> None:
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE):
        CsvProfile.from_toml(BASE + "memo = " + "9" * 5000 + "\n", "long.toml")


def test_a_good_profile_with_every_kind_of_key_reads_a_statement() -> None:
    profile = CsvProfile.from_toml(BASE + 'optional = ["摘要"]\nmemo = "摘要"\n'
                                   'encoding = "gb18030"\ncurrency = "CNY"\n', "icbc.toml")
    assert profile.encoding == "gb18030"
    (statement,) = read_statements("记账日期,金额\n20261003,120.00\n".encode("gb18030"),
                                   "i.csv", profiles=[profile])
    assert statement.lines[0].amount.fen == 12000
