"""The XLSX audit export as an auditor opens it (issue 17): read back with openpyxl, every sheet
has headers in the language asked for, columns wide enough for what they hold, a frozen header,
an autofilter over its rows, totals that add up, ¥ formats, and the hash in a narrow last
column; and check-export still checks it, with and without the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import raises
from ledger_helpers import write_jsonl
from test_audit_export import journal

import commons
from commons import Money
from commons.errors import ErrorCode
from commons.io.export_xlsx import (
    HASH_WIDTH,
    HEADERS,
    SUMMARY_HEADERS,
    TEXT_WIDTH,
    TOTAL_LABELS,
    display_width,
)
from commons.l10n import amount_text
from commons.ledger.export import COLUMNS
from commons.money import currency_of

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

openpyxl = pytest.importorskip("openpyxl")
AMOUNT, CURRENCY = COLUMNS.index("amount"), COLUMNS.index("currency")


@pytest.fixture
def books(tmp_path: Path) -> Iterator[commons.Books]:
    """test_audit_export's journal (Chinese memos, a four-leg entry, a reversal), and a
    compound of its own."""
    with commons.connect(tmp_path / "books.db", actor="@审计") as handle:
        handle.ledger.chart("wjxc")
        handle.ledger.open("assets:bank:other", compound="other")
        handle.ledger.open("income:parking:other", compound="other")
        handle.ledger.post(write_jsonl(tmp_path / "j.jsonl", journal()))
        handle.ledger.post([commons.Entry(dt.date(2026, 3, 1), "other compound",
                                          (commons.Posting("assets:bank:other", Money(90000)),
                                           commons.Posting("income:parking:other",
                                                           Money(-90000))), "other-1")])
        handle.ledger.reverse(2, reason="posted twice", on=dt.date(2026, 3, 31))
        yield handle


def workbook(books: commons.Books, folder: Path, **options: Any) -> tuple[Any, Any]:
    manifest = books.audit.export(folder / "trail.xlsx", format="xlsx", force=True, **options)
    return manifest, openpyxl.load_workbook(manifest.export_path)


def shown(cell: Any) -> str:
    """The text a spreadsheet shows for ``cell``, as its number format renders it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, int | float) and '"' in cell.number_format:
        symbol = cell.number_format.split('"')[1]
        places = len(cell.number_format.partition(".")[2])
        fen = int(Decimal(repr(value)).scaleb(places))
        return amount_text(fen, places, grouped=True, symbol=symbol)
    return str(value)


def data_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=2)
            if row[0].value not in TOTAL_LABELS.values()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headers_are_in_the_language_asked_for(books: commons.Books, tmp_path: Path,
                                               lang: str) -> None:
    manifest, book = workbook(books, tmp_path, lang=lang)
    assert manifest.lang == lang
    assert [c.value for c in book["summary"][1]] == list(SUMMARY_HEADERS[lang])
    for title in manifest.accounts.values():
        assert [c.value for c in book[title][1]] == list(HEADERS[lang])
    assert books.audit.check_export(manifest.path).ok  # derived again in the same language


def test_chinese_is_the_default(books: commons.Books, tmp_path: Path) -> None:
    manifest, book = workbook(books, tmp_path)
    assert manifest.lang == "zh"
    assert book.worksheets[1]["A1"].value == "凭证号"


def test_every_sheet_freezes_its_header_and_filters_its_rows_but_not_the_totals(
        books: commons.Books, tmp_path: Path) -> None:
    manifest, book = workbook(books, tmp_path)
    for sheet in book.worksheets:
        rows = len(data_rows(sheet))
        assert sheet.freeze_panes == "A2"
        last = "N" if sheet.title != "summary" else "H"
        assert sheet.auto_filter.ref == f"A1:{last}{rows + 1}"
        assert sheet.max_row > rows + 1  # the totals lie below the filtered rows
    assert len(data_rows(book["summary"])) == len(manifest.balances)


def test_columns_are_as_wide_as_what_they_show_and_the_hash_is_last_and_narrow(
        books: commons.Books, tmp_path: Path) -> None:
    _, book = workbook(books, tmp_path)
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        for index, column in enumerate(sheet.iter_cols(), 1):
            letter = openpyxl.utils.get_column_letter(index)
            width = sheet.column_dimensions[letter].width
            if sheet.title != "summary" and index == len(COLUMNS):
                assert header[-1] in (HEADERS["zh"][-1], HEADERS["en"][-1])
                assert width == HASH_WIDTH < len(column[1].value)  # the whole hash is in it
                continue
            widest = max(display_width(shown(c)) for c in column)
            assert width >= min(widest, TEXT_WIDTH), (sheet.title, header[index - 1])
            # Running balances and text are sized by bounds read before the rows (text by the
            # export's widest, not the sheet's).
            bounded = sheet.title != "summary" and COLUMNS[index - 1] in (
                "counterparts", "balance", "memo", "external_id", "actor")
            most = TEXT_WIDTH if bounded else max(widest, len("2026-01-01"))
            assert width <= most + 4, (sheet.title, header[index - 1])


def test_totals_rows_add_up_the_rows_in_a_yuan_format(books: commons.Books,
                                                      tmp_path: Path) -> None:
    manifest, book = workbook(books, tmp_path)
    for account, title in manifest.accounts.items():
        sheet = book[title]
        totals = [r for r in sheet.iter_rows(min_row=2) if r[0].value == TOTAL_LABELS["zh"]]
        assert totals
        for total in totals:
            currency = total[CURRENCY].value
            rows = [r for r in data_rows(sheet) if r[CURRENCY].value == currency]
            assert Decimal(repr(total[AMOUNT].value)) == sum(
                Decimal(repr(r[AMOUNT].value)) for r in rows)
            unit = currency_of(currency)
            assert total[AMOUNT].number_format.startswith(f'"{unit.symbol}"#,##0')
            assert total[COLUMNS.index("account")].value == account
    summary = book["summary"]
    total = next(r for r in summary.iter_rows(min_row=2) if r[0].value == TOTAL_LABELS["zh"])
    for column in range(3, 7):  # opening, debits, credits, closing
        assert Decimal(repr(total[column].value)) == sum(
            Decimal(repr(r[column].value)) for r in data_rows(summary))
        assert total[column].number_format == '"¥"#,##0.00'
    assert total[7].value == manifest.rows


def test_a_total_that_does_not_add_up_is_named_by_the_check(books: commons.Books,
                                                            tmp_path: Path) -> None:
    manifest, book = workbook(books, tmp_path)
    sheet = book[manifest.accounts[next(iter(manifest.accounts))]]
    total = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == TOTAL_LABELS["zh"])
    total[AMOUNT].value += 1
    book.save(manifest.export_path)
    problems = books.audit.check_export(manifest.path, against_ledger=False).problems
    assert any("the rows above add up to" in p for p in problems), problems


def test_an_unknown_language_is_refused_and_nothing_is_written(books: commons.Books,
                                                               tmp_path: Path) -> None:
    with raises(commons.InvalidInput, ErrorCode.INVALID_INPUT):
        books.audit.export(tmp_path / "x.xlsx", format="xlsx", lang="fr")
    assert not list(tmp_path.glob("x.xlsx*"))


def test_other_formats_keep_their_column_ids_whatever_the_language(books: commons.Books,
                                                                   tmp_path: Path) -> None:
    manifest = books.audit.export(tmp_path / "x.csv", format="csv", lang="en")
    assert manifest.lang is None
    assert manifest.export_path.read_text("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
