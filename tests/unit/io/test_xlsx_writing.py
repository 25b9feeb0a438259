"""The XLSX writer (commons.io.xlsx_writing) and the audit export's sheets past Excel's row
limit: what it writes is a ZIP that openpyxl reads back cell for cell, text stays text whatever
it holds, the same workbook is the same bytes, an account with more rows than a sheet holds goes
on in a second sheet with its own header and totals, and a workbook too big for a ZIP without
Zip64 is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commons.errors import ErrorCode, RefusedByRule
from commons.io import xlsx_writing
from commons.io.export_xlsx import HEADERS, TOTAL_LABELS, write_xlsx
from commons.io.xlsx_writing import Cell, Workbook, column_letter, date_serial
from commons.ledger.export import ScopedEntry, ScopedLeg, Tally

openpyxl = pytest.importorskip("openpyxl")

# What a cell may hold: XML 1.0 has no place for control characters (the journal refuses them).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


def written(rows: list[list[Cell]], **formats: str) -> bytes:
    book = Workbook()
    try:
        sheet = book.sheet("t")
        sheet.widths = [10] * max((len(r) for r in rows), default=1)
        for row in rows:
            sheet.append(row)
        sheet.close(3, len(rows))
        out = io.BytesIO()
        book.save(out)
    finally:
        book.close()
    return out.getvalue()


def read(data: bytes) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.values)


@given(st.lists(st.lists(TEXT, min_size=1, max_size=4), min_size=1, max_size=6))
def test_text_is_read_back_as_written(rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    # An empty text is an empty cell; a reader pads every row to the widest.
    expected = [tuple(c or None for c in r) + (None,) * (width - len(r)) for r in rows]
    assert read(written(list[list[Cell]](rows))) == expected


def test_cells_of_every_kind_keep_their_place_and_value() -> None:
    book_rows: list[list[Cell]] = [
        ["=1+2", None, " padded ", "a&b<c>", 7],
        [(Decimal("-1234.50"), 0), (dt.date(2026, 1, 1), 0), ("bold", 0), None, ""],
    ]
    back = read(written(book_rows))
    assert back[0] == ("=1+2", None, " padded ", "a&b<c>", 7)
    assert back[1][0] == -1234.5
    assert back[1][1] == 46023  # a date cell without a date style is its serial
    assert back[1][2:] == ("bold", None, None)


def test_the_same_workbook_is_the_same_bytes_and_a_valid_zip() -> None:
    rows: list[list[Cell]] = [["x", 1], ["y", 2]] * 3000  # more than one piece
    data = written(rows)
    assert data == written(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        assert "xl/worksheets/sheet1.xml" in z.namelist()
    assert len(read(data)) == 6000


def test_helpers() -> None:
    assert [column_letter(n) for n in (1, 14, 26, 27, 702, 703)] == [
        "A", "N", "Z", "AA", "ZZ", "AAA"]
    assert date_serial(dt.date(1900, 3, 1)) == 61


def entries(count: int) -> list[ScopedEntry]:
    return [ScopedEntry(i, f"2026-01-{1 + i % 28:02d}", f"memo {i}", f"x-{i}", "clerk", None,
                        None, f"{i:064x}",
                        (ScopedLeg(0, "assets:bank", 100 * i, "CNY", True),
                         ScopedLeg(1, "income:fees", -100 * i, "CNY", False)))
            for i in range(1, count + 1)]


def test_an_account_past_the_row_limit_goes_on_in_another_sheet(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    tally = Tally()
    with out.open("wb") as handle:
        titles = write_xlsx(handle, iter(entries(7)), tally, row_limit=5)
    assert titles == {"assets:bank": "assets.bank"}
    assert (tally.rows, tally.entries) == (7, 7)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["summary", "assets.bank", "assets.bank~2", "assets.bank~3"]
    seen = []
    for title in book.sheetnames[1:]:
        sheet = book[title]
        rows = list(sheet.values)
        assert len(rows) <= 5  # Excel's limit, as the test sets it
        assert rows[0] == HEADERS["zh"]
        assert rows[-1][0] == TOTAL_LABELS["zh"]
        body = rows[1:-1]
        assert Decimal(repr(rows[-1][6])) == sum(Decimal(repr(r[6])) for r in body)
        assert sheet.auto_filter.ref == f"A1:N{len(body) + 1}"
        assert sheet.freeze_panes == "A2"
        seen += [r[0] for r in body]
    assert seen == list(range(1, 8))
    summary = list(book["summary"].values)
    assert summary[1][:2] == ("assets:bank", "assets.bank, assets.bank~2, assets.bank~3")
    assert summary[1][-1] == 7


def test_a_workbook_too_big_for_a_zip_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_writing, "_ZIP32", 1000)
    with pytest.raises(RefusedByRule) as refused:
        written([["x" * 2000]])
    assert refused.value.code == ErrorCode.REFUSED
