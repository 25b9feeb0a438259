"""Currencies without two decimals through the books: a JPY journal line is read in whole yen,
stored as yen, reported and exported in yen in every format, and each export checks out."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raises
from ledger_helpers import BANK, PARKING, write_jsonl

import commons
from commons import Money
from commons.errors import ErrorCode
from commons.ledger.export import COLUMNS

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

FX = "income:fx:wjxc"


def line(external_id: str, amount: str, currency: str, date: str = "2026-03-01"
         ) -> dict[str, object]:
    return {"date": date, "memo": f"{currency} receipt", "external_id": external_id,
            "postings": [{"account": BANK, "amount": amount, "currency": currency},
                         {"account": FX, "amount": f"-{amount}", "currency": currency}]}


@pytest.fixture
def books(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "books.db", actor="@auditor") as handle:
        handle.ledger.chart("wjxc")
        handle.ledger.open(FX, compound="wjxc")
        handle.ledger.post(write_jsonl(tmp_path / "j.jsonl", [
            line("yen-1", "1,234", "JPY"), line("yen-2", "66", "JPY", "2026-03-02"),
            line("won-1", "50000", "KRW"), line("usd-1", "12.34", "USD"),
            {"date": "2026-03-03", "memo": "yuan", "external_id": "cny-1",
             "postings": [{"account": BANK, "amount": "0.05"},
                          {"account": PARKING, "amount": "-0.05"}]}]))
        yield handle


def test_a_jpy_amount_is_whole_yen_in_the_store_and_the_reports(books: commons.Books) -> None:
    balances = {(b.account, b.balance.currency): b.balance
                for b in books.ledger.balance().balances}
    assert balances[(BANK, "JPY")] == Money(1300, "JPY")
    assert balances[(BANK, "KRW")] == Money(50000, "KRW")
    assert balances[(BANK, "USD")] == Money(1234, "USD")
    assert balances[(BANK, "CNY")] == Money(5)
    assert balances[(FX, "JPY")].format_symbol() == "-JP¥1,300"


def test_a_jpy_amount_with_decimals_is_refused_naming_the_field(books: commons.Books,
                                                                 tmp_path: Path) -> None:
    with raises(commons.Problems, ErrorCode.INVALID_AMOUNT) as caught:
        books.ledger.post(write_jsonl(tmp_path / "bad.jsonl", [line("yen-3", "12.5", "JPY")]))
    assert "postings[0].amount" in str(caught.value)


def test_an_unsupported_currency_is_refused_naming_the_field(books: commons.Books,
                                                              tmp_path: Path) -> None:
    with raises(commons.Problems, ErrorCode.UNSUPPORTED_CURRENCY, match="'GBP'") as caught:
        books.ledger.post(write_jsonl(tmp_path / "bad.jsonl", [line("gbp-1", "1.00", "GBP")]))
    assert "postings[0].currency" in str(caught.value)


def export(books: commons.Books, folder: Path, fmt: str) -> commons.app.ExportManifest:
    return books.audit.export(folder / f"trail.{fmt}", format=fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "beancount"])
def test_exports_of_jpy_amounts_check_out(books: commons.Books, tmp_path: Path,
                                          fmt: str) -> None:
    manifest = export(books, tmp_path, fmt)
    for against in (True, False):
        check = books.audit.check_export(manifest.export_path, against_ledger=against)
        assert check.ok, check.problems
    data = json.loads(Path(manifest.path).read_text(encoding="utf-8"))
    totals = {t["currency"]: t for t in data["totals"]}
    assert totals["JPY"] == {"currency": "JPY", "debits": "1300", "credits": "-1300"}
    assert totals["USD"] == {"currency": "USD", "debits": "12.34", "credits": "-12.34"}


def test_csv_and_jsonl_write_yen_without_decimals(books: commons.Books, tmp_path: Path) -> None:
    with export(books, tmp_path, "csv").export_path.open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["account"] == BANK]
    assert [(r["amount"], r["currency"], r["balance"]) for r in rows] == [
        ("1234", "JPY", "1234"), ("50000", "KRW", "50000"), ("12.34", "USD", "12.34"),
        ("66", "JPY", "1300"), ("0.05", "CNY", "0.05")]
    jsonl = export(books, tmp_path, "jsonl").export_path.read_text(encoding="utf-8")
    yen = [json.loads(text) for text in jsonl.splitlines() if '"JPY"' in text]
    assert [(r["amount"], r["balance"]) for r in yen if r["account"] == FX] == [
        ("-1234", "-1234"), ("-66", "-1300")]


def test_xlsx_cells_hold_yen_in_a_yen_format(books: commons.Books, tmp_path: Path) -> None:
    import openpyxl

    manifest = export(books, tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(manifest.export_path)[manifest.accounts[BANK]]
    amount, currency = COLUMNS.index("amount") + 1, COLUMNS.index("currency") + 1
    cells = {sheet.cell(row=r, column=currency).value: sheet.cell(row=r, column=amount)
             for r in range(2, sheet.max_row + 1)
             if isinstance(sheet.cell(row=r, column=1).value, int)}  # not the totals rows
    assert (cells["JPY"].value, cells["JPY"].number_format) == (66, '"JP¥"#,##0')
    assert (Decimal(repr(cells["USD"].value)), cells["USD"].number_format) == (
        Decimal("12.34"), '"US$"#,##0.00')
    assert cells["CNY"].number_format == '"¥"#,##0.00'


def test_beancount_holds_yen_as_bean_check_reads_them(books: commons.Books,
                                                      tmp_path: Path) -> None:
    from beancount import loader
    from beancount.core import data as bean_data

    manifest = export(books, tmp_path, "beancount")
    entries, errors, _ = loader.load_file(str(manifest.export_path))
    assert errors == []
    yen = [p.units.number for e in entries if isinstance(e, bean_data.Transaction)
           for p in e.postings if p.units.currency == "JPY" and p.account.startswith("Assets")]
    assert yen == [Decimal(1234), Decimal(66)]
