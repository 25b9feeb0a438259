"""The statements' pure parts: labels by longest prefix (one table for the statements and the
disclosure), columns cut to the range, depth, and the sheet's sign conventions."""

from __future__ import annotations

import datetime as dt

import pytest

from commons.errors import ErrorCode, InvalidInput
from commons.ledger.labels import LABELS, account_label
from commons.ledger.statements import (
    SURPLUS,
    balance_sheet,
    income_statement,
    statement_columns,
    statement_range,
)
from commons.money import Money
from commons.revenue.disclosure import purpose_label

D = dt.date


@pytest.mark.parametrize(("name", "zh", "en"), [
    ("income:parking:wjxc", "停车收益", "parking"),
    ("income:parking", "停车收益", "parking"),
    ("assets:bank:co-managed:zy-1", "共管账户", "co-managed account"),
    ("assets:bank:other", "银行存款", "bank"),
    ("equity", "业主共有资金及基金", "owners' fund"),
    ("expenses:unheard-of:wjxc", "支出", "expenses"),
])
def test_a_label_is_the_longest_known_prefix(name: str, zh: str, en: str) -> None:
    assert (account_label(name), account_label(name, "en")) == (zh, en)


def test_the_disclosure_names_sources_and_purposes_from_the_same_table() -> None:
    assert purpose_label("parking", "zh") == LABELS["income:parking"][0] == "停车收益"
    assert purpose_label("bank-charges", "zh") == LABELS["expenses:bank-charges"][0]
    assert purpose_label("unlisted", "zh") == "unlisted"
    assert purpose_label("bank-charges", "en") == "bank charges"


def test_quarterly_columns_are_cut_to_the_range() -> None:
    first, last = statement_range("2026-11", "2027-01")
    columns = statement_columns(first, last, "quarterly")
    assert [(c.label, c.first, c.last) for c in columns] == [
        ("2026-Q4", D(2026, 11, 1), D(2026, 12, 31)), ("2027-Q1", D(2027, 1, 1), D(2027, 1, 31))]
    assert [c.label for c in statement_columns(first, last, "monthly")] == [
        "2026-11", "2026-12", "2027-01"]
    assert [c.label for c in statement_columns(first, last)] == ["2026-11..2027-01"]
    assert statement_range("2026-Q4") == (D(2026, 10, 1), D(2026, 12, 31))


def test_a_range_ending_before_it_starts_names_to() -> None:
    with pytest.raises(InvalidInput) as info:
        statement_range("2026-Q4", "2026-09")
    assert (info.value.code, info.value.field) == (ErrorCode.INVALID_DATE, "--to")


def test_credit_types_show_positive_and_income_less_expenses_is_the_surplus() -> None:
    sheet = balance_sheet([("assets:bank:w", Money(500)), ("liabilities:payable:w", Money(-100)),
                           ("equity:opening-balance:w", Money(-300)),
                           ("income:parking:w", Money(-150)), ("expenses:cleaning:w", Money(50))],
                          as_of=D(2026, 12, 31))
    assets, liabilities, equity = sheet.sections
    assert (assets.total, liabilities.total, equity.total) == (Money(500), Money(100), Money(400))
    assert equity.lines[-1].account == SURPLUS and equity.lines[-1].amount == Money(100)
    assert sheet.balanced
    rolled = balance_sheet([("assets:bank:w", Money(500)), ("equity:x:w", Money(-400))],
                           as_of=D(2026, 12, 31), depth=1)
    assert [line.account for s in rolled.sections for line in s.lines] == ["assets", "equity"]
    assert not rolled.balanced and rolled.difference == Money(100)


def test_income_rows_come_first_then_expenses_and_zero_rows_are_left_out() -> None:
    columns = statement_columns(D(2026, 10, 1), D(2026, 11, 30), "monthly")
    s = income_statement([("expenses:a:w", D(2026, 10, 1), Money(30)),
                          ("income:z:w", D(2026, 11, 1), Money(-100)),
                          ("income:gone:w", D(2026, 10, 1), Money(0))], columns=columns)
    assert [r.account for r in s.rows] == ["income:z:w", "expenses:a:w"]
    assert s.net == (Money(-30), Money(100)) and s.net_total == Money(70)
