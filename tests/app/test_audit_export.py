"""Audit exports through the library: every format checks out, any change to a file is found,
CSV cells never run as formulas, Beancount's own checker accepts the file and agrees on every
balance, and an export never writes to the database."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raises
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_helpers import ADVERTISING, BANK, PARKING, REPAIRS, record, write_jsonl

import commons
from commons import Money
from commons.errors import ErrorCode
from commons.l10n import amount_text as yuan_text
from commons.ledger.export import (
    COLUMNS,
    FORMULA_STARTS,
    TEXT_COLUMNS,
    ExportScope,
    beancount_names,
    neutralise,
    restore,
)

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLEANING = "expenses:cleaning:wjxc"
TRICKY_MEMOS = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-3.00 refund", "@SUM(A1)", "'quoted",
                "停车费, 一月 \"北门\"", "plain"]
FILE_FIXTURES = settings(max_examples=15, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


def journal() -> list[dict[str, object]]:
    """Entries with formula-like memos, Chinese text, quotes and commas, a backdated entry
    (so the journal is not in date order) and a four-leg entry."""
    rows = [record(f"e-{i}", f"2026-0{1 + i % 3}-{10 + i:02d}",
                   [(BANK, 1000 * (i + 1)), (PARKING if i % 2 else ADVERTISING, -1000 * (i + 1))],
                   memo=memo) for i, memo in enumerate(TRICKY_MEMOS)]
    rows.append(record("split", "2026-02-01", [(REPAIRS, 700), (CLEANING, 300), (BANK, -1000)],
                       memo="repairs and cleaning"))
    rows.append(record("early", "2025-12-31", [(BANK, 5), (PARKING, -5)], memo="-"))
    return rows


@pytest.fixture
def books(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "books.db", actor="@auditor") as handle:
        handle.ledger.chart("wjxc")
        handle.ledger.open("assets:bank:other", compound="other")
        handle.ledger.open("income:parking:other", compound="other")
        handle.ledger.post(write_jsonl(tmp_path / "j.jsonl", journal()))
        handle.ledger.post([commons.Entry(dt.date(2026, 3, 1), "other compound",
                                          (commons.Posting("assets:bank:other", Money(900)),
                                           commons.Posting("income:parking:other", Money(-900))),
                                          "other-1")])
        handle.ledger.reverse(2, reason="posted twice", on=dt.date(2026, 3, 31))
        yield handle


def export(books: commons.Books, folder: Path, fmt: str, **scope: object
           ) -> commons.app.ExportManifest:
    suffix = {"beancount": "beancount"}.get(fmt, fmt)
    # force: hypothesis runs a test many times in one folder
    return books.audit.export(folder / f"trail.{suffix}", format=fmt, force=True,
                              **scope)  # type: ignore[arg-type]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "beancount"])
def test_export_then_check_passes_with_and_without_the_ledger(books: commons.Books,
                                                              tmp_path: Path, fmt: str) -> None:
    manifest = export(books, tmp_path, fmt)
    for against in (True, False):
        check = books.audit.check_export(manifest.export_path, against_ledger=against)
        assert check.ok, check.problems
    assert books.audit.check_export(manifest.path).ok  # the manifest's own path works too
    verified = books.audit.verify()
    assert (manifest.head.id, manifest.head.hash) == (verified.entries, verified.head_hash)
    assert manifest.rows == 2 * 9 + 1 + 2 + 2  # two-leg entries, the split, other, reversal
    assert manifest.library_version == commons.__version__


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "beancount"])
def test_the_manifest_holds_each_files_sha256_and_the_totals(books: commons.Books,
                                                            tmp_path: Path, fmt: str) -> None:
    manifest = export(books, tmp_path, fmt)
    data = json.loads(Path(manifest.path).read_text(encoding="utf-8"))
    assert Path(manifest.path).name == manifest.export_path.name + ".manifest.json"
    content = manifest.export_path.read_bytes()
    assert data["files"] == [{"name": manifest.export_path.name, "bytes": len(content),
                              "sha256": hashlib.sha256(content).hexdigest()}]
    assert data["chain_head"]["hash"] == books.audit.verify().head_hash
    assert data["scope"] == {"account": None, "compound": None, "from": None, "to": None}
    assert data["totals"] == [{"currency": "CNY", "debits": yuan_text(manifest.totals[0].debits
                                                                      .fen),
                               "credits": yuan_text(-manifest.totals[0].debits.fen)}]
    balances = {b.account: b.balance for b in books.ledger.balance().balances}
    assert dict(manifest.balances) == balances


def test_csv_rows_carry_every_column_and_running_balances(books: commons.Books,
                                                         tmp_path: Path) -> None:
    manifest = export(books, tmp_path, "csv")
    assert manifest.export_path.read_bytes().startswith("\ufeff".encode())
    rows = csv_rows(manifest.export_path)
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["date"], int(r["entry_id"])) for r in rows] == sorted(
        (r["date"], int(r["entry_id"])) for r in rows)  # date order, though posted out of it
    running: dict[str, int] = {}
    for r in rows:
        fen = Money.parse(r["amount"]).fen
        running[r["account"]] = running.get(r["account"], 0) + fen
        assert Money.parse(r["balance"]).fen == running[r["account"]]
        assert r["account"] not in r["counterparts"].split(";")
        assert len(r["entry_hash"]) == 64
    split = [r for r in rows if r["external_id"] == "split"]
    assert {r["account"]: r["counterparts"] for r in split}[BANK] == f"{REPAIRS};{CLEANING}"
    reversal = next(r for r in rows if r["reverses"])
    assert reversal["reverses"] == "2"
    assert {r["reversed_by"] for r in rows if r["entry_id"] == "2"} == {reversal["entry_id"]}
    assert {r["actor"] for r in rows} == {"'@auditor"}


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12))
def test_neutralise_is_undone_exactly_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    assert cell[:1] not in FORMULA_STARTS - {"'"}
    assert cell == text or cell == "'" + text


@FILE_FIXTURES
@given(memo=st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@'"),
                      st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                              max_size=10)))
def test_csv_cells_beginning_with_formula_characters_never_reach_a_spreadsheet_as_formulas(
        books: commons.Books, tmp_path: Path, memo: str) -> None:
    posted = books.ledger.post([commons.Entry(dt.date(2026, 4, 1), memo,
                                              (commons.Posting(BANK, Money(-100)),
                                               commons.Posting(REPAIRS, Money(100))),
                                              "=" + memo)])
    if posted.posted == 0:
        return  # the same memo drawn again: already recorded
    rows = csv_rows(export(books, tmp_path, "csv", date_from=dt.date(2026, 4, 1)).export_path)
    for row in rows:
        for column in TEXT_COLUMNS:
            assert row[column][:1] not in FORMULA_STARTS - {"'"}
        assert Decimal(row["amount"]) == Decimal(Money.parse(row["amount"]).fen) / 100
    assert memo in {restore(r["memo"]) for r in rows}


@FILE_FIXTURES
@given(data=st.data())
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "beancount", "xlsx"])
# openpyxl warns of what a changed byte breaks in a workbook before the check refuses it.
@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")
def test_any_single_byte_change_to_an_export_fails_its_check(
        books: commons.Books, tmp_path: Path, fmt: str, data: st.DataObject) -> None:
    original = tmp_path / f"original.{fmt}"
    if not original.exists():  # one export per test; each example changes a fresh copy
        original.write_bytes(export(books, tmp_path, fmt).export_path.read_bytes())
    path = tmp_path / f"trail.{fmt}"
    content = bytearray(original.read_bytes())
    # A fraction of the length, not an index: an XLSX file's length varies with its timestamp.
    position = data.draw(st.integers(0, 2**32), label="position") % len(content)
    content[position] = data.draw(st.integers(0, 255).filter(lambda b: b != content[position]),
                                  label="byte")
    path.write_bytes(bytes(content))
    check = books.audit.check_export(path, against_ledger=False)
    assert not check.ok
    assert any("sha256" in p for p in check.problems)


def test_an_edited_cell_an_added_and_a_removed_row_are_each_named(books: commons.Books,
                                                                 tmp_path: Path) -> None:
    manifest = export(books, tmp_path, "csv")
    original = manifest.export_path.read_bytes().splitlines(keepends=True)
    cells = original[1].split(b",")
    cells[6] = b"0.06"  # the amount of the first row (0.05)
    edited = [original[0], b",".join(cells), *original[2:]]
    cases = {
        "edited": (edited, "line 2 differs"),
        "added": ([*original, original[-1]], f"line {len(original) + 1} is not in the ledger"),
        "removed": (original[:3] + original[4:], "line 4 differs"),
    }
    for name, (lines, named) in cases.items():
        manifest.export_path.write_bytes(b"".join(lines))
        alone = books.audit.check_export(manifest.path, against_ledger=False)
        assert not alone.ok, name
        with_ledger = books.audit.check_export(manifest.path)
        assert any(named in p for p in with_ledger.problems), (name, with_ledger.problems)
    manifest.export_path.write_bytes(b"".join(edited))
    problems = books.audit.check_export(manifest.path, against_ledger=False).problems
    assert any("debits add up to" in p for p in problems)
    last = original[-1].split(b",")
    last[8] = b"12345.67"  # the running balance of the last row
    manifest.export_path.write_bytes(b"".join([*original[:-1], b",".join(last)]))
    problems = books.audit.check_export(manifest.path, against_ledger=False).problems
    assert any("plus the amount" in p for p in problems)
    assert any("closes at" in p for p in problems)


def test_an_export_still_checks_after_more_is_posted_but_not_against_another_ledger(
        books: commons.Books, tmp_path: Path) -> None:
    manifest = export(books, tmp_path, "csv")
    books.ledger.post([commons.Entry(dt.date(2026, 1, 1), "later", (
        commons.Posting(BANK, Money(1)), commons.Posting(PARKING, Money(-1))), "later-1")])
    assert books.audit.check_export(manifest.path).ok
    with commons.connect(tmp_path / "other.db") as other:
        other.ledger.chart("wjxc")
        other.ledger.post(write_jsonl(tmp_path / "o.jsonl", journal()))
        check = other.audit.check_export(manifest.path)
    assert not check.ok
    assert any(f"does not hold entry {manifest.head.id}" in p for p in check.problems)


def test_scopes_by_account_compound_and_dates_keep_running_balances(books: commons.Books,
                                                                    tmp_path: Path) -> None:
    by_account = csv_rows(export(books, tmp_path, "csv", account="assets:bank").export_path)
    assert {r["account"] for r in by_account} == {BANK, "assets:bank:other"}
    by_compound = csv_rows(export(books, tmp_path, "csv", compound="other").export_path)
    assert {r["account"] for r in by_compound} == {"assets:bank:other", "income:parking:other"}
    dated = export(books, tmp_path, "csv", account=BANK, date_from=dt.date(2026, 2, 1),
                   date_to=dt.date(2026, 2, 28))
    rows = csv_rows(dated.export_path)
    assert rows and all("2026-02-01" <= r["date"] <= "2026-02-28" for r in rows)
    at_end = books.ledger.balance(BANK, as_of=dt.date(2026, 2, 28)).balances[0].balance
    assert Money.parse(rows[-1]["balance"]) == at_end
    assert dict(dated.balances) == {BANK: at_end}
    assert books.audit.check_export(dated.path).ok
    with raises(commons.InvalidInput, ErrorCode.INVALID_INPUT):
        ExportScope(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1))


def test_xlsx_has_a_sheet_per_account_numbers_in_yuan_dates_and_no_formulas(
        books: commons.Books, tmp_path: Path) -> None:
    import openpyxl

    manifest = export(books, tmp_path, "xlsx")
    book = openpyxl.load_workbook(manifest.export_path)
    accounts = {a for a, _ in manifest.balances}
    assert book.sheetnames[0] == "summary"
    assert set(book.sheetnames[1:]) == {manifest.accounts[a] for a in accounts}
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows(min_row=2):
            assert all(c.data_type != "f" for c in row)
    sheet = book[manifest.accounts[BANK]]
    amount, day, memo = (COLUMNS.index(k) + 1 for k in ("amount", "date", "memo"))
    cell = sheet.cell(row=2, column=amount)
    assert cell.data_type == "n" and "¥" in cell.number_format and "0.00" in cell.number_format
    assert isinstance(sheet.cell(row=2, column=day).value, dt.datetime)
    memos = {sheet.cell(row=r, column=memo).value for r in range(2, sheet.max_row + 1)}
    assert "=HYPERLINK(\"http://x\",\"y\")" in memos  # kept as text, exactly
    summary = {r[0].value: r for r in book["summary"].iter_rows(min_row=2)}
    closing = dict(manifest.balances)[BANK]
    assert Decimal(repr(summary[BANK][6].value)) == Decimal(closing.fen) / 100


@pytest.mark.parametrize("scope", [{}, {"compound": "wjxc"}, {"account": "income"},
                                   {"date_from": dt.date(2026, 2, 1)}])
def test_beancount_export_passes_bean_check_and_its_balances_are_commons(
        books: commons.Books, tmp_path: Path, scope: dict[str, object]) -> None:
    from beancount import loader
    from beancount.core import data as bean_data

    manifest = export(books, tmp_path, "beancount", **scope)
    entries, errors, _ = loader.load_file(str(manifest.export_path))
    assert errors == []
    held: dict[str, Decimal] = {}
    for entry in entries:
        if isinstance(entry, bean_data.Transaction):
            for posting in entry.postings:
                held[posting.account] = held.get(posting.account, Decimal(0)) + \
                    posting.units.number
    for account, balance in manifest.balances:
        assert held.get(manifest.accounts[account], Decimal(0)) == Decimal(balance.fen) / 100
    if not scope:
        report = books.ledger.balance()
        assert {manifest.accounts[b.account]: Decimal(b.balance.fen) / 100
                for b in report.balances} == {a: v for a, v in held.items() if v or a in
                                              {manifest.accounts[b.account]
                                               for b in report.balances}}
    assert books.audit.check_export(manifest.path).ok


@pytest.mark.parametrize(("scope", "said"), [
    ({}, "; scope: everything\n"),
    ({"compound": "wjxc", "date_from": dt.date(2026, 2, 1)},
     "; scope: compound wjxc, from 2026-02-01\n")])
def test_the_beancount_header_is_beancount_comments(
        books: commons.Books, tmp_path: Path, scope: dict[str, object], said: str) -> None:
    """Issue 16 item 16: the header showed the scope as a Python dict's repr."""
    text = export(books, tmp_path, "beancount", **scope).export_path.read_text(encoding="utf-8")
    header = text.split("\noption ", 1)[0]
    assert said in header
    assert "{" not in header and "None" not in header


def test_beancount_names_follow_its_rules_one_to_one() -> None:
    names = beancount_names(["assets:bank:co-managed:wjxc", "income:停车:x", "income:Rent",
                             "income:rent", "expenses:_misc", "equity:2026"])
    assert names["assets:bank:co-managed:wjxc"] == "Assets:Bank:Co-managed:Wjxc"
    assert names["income:停车:x"] == "Income:U505CU8F66:X"
    assert {names["income:Rent"], names["income:rent"]} == {"Income:Rent", "Income:Rent-2"}
    assert names["expenses:_misc"] == "Expenses:U005Fmisc"
    assert names["equity:2026"] == "Equity:2026"
    assert len(set(names.values())) == len(names)


@pytest.mark.sqlite_only
def test_export_through_a_read_only_handle_leaves_the_database_untouched(
        books: commons.Books, tmp_path: Path) -> None:
    books.close()
    db = tmp_path / "books.db"
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    with commons.connect(db, read_only=True) as reader:
        for fmt in ("csv", "jsonl", "xlsx", "beancount"):
            manifest = export(reader, tmp_path, fmt)
            assert reader.audit.check_export(manifest.path).ok
        reader.audit.disclose("wjxc", "2026-Q1")
        with raises(commons.RefusedByRule, ErrorCode.READ_ONLY):
            reader.ledger.open("assets:cash:x")
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before


def test_bad_requests_are_clear_errors(books: commons.Books, tmp_path: Path) -> None:
    with raises(commons.InvalidInput, ErrorCode.INVALID_INPUT):
        books.audit.export(tmp_path / "x.pdf", format="pdf")
    with raises(commons.NotFound, ErrorCode.NOT_FOUND):
        books.audit.export(tmp_path / "nowhere" / "x.csv", format="csv")
    with raises(commons.NotFound, ErrorCode.NOT_FOUND):
        books.audit.check_export(tmp_path / "missing.csv")
    (tmp_path / "bad.csv.manifest.json").write_text("{}", encoding="utf-8")
    with raises(commons.InvalidInput, ErrorCode.MALFORMED_FILE):
        books.audit.check_export(tmp_path / "bad.csv")


def test_check_export_hashes_the_file_it_is_given_not_the_one_the_manifest_names(
        books: commons.Books, tmp_path: Path) -> None:
    """Issue 16 item 1: a tampered copy beside a copied manifest is refused, naming the copy."""
    manifest = export(books, tmp_path, "csv")
    original = manifest.export_path
    copy = tmp_path / "b.csv"
    content = original.read_bytes()
    copy.write_bytes(content.replace(b"0.05", b"0.06", 1))
    (tmp_path / "b.csv.manifest.json").write_bytes(Path(manifest.path).read_bytes())
    for against in (True, False):
        check = books.audit.check_export(copy, against_ledger=against)
        assert not check.ok
        assert check.file == copy
        assert any(str(copy) in p and "sha256" in p for p in check.problems), check.problems
    assert books.audit.check_export(original).ok  # the original still checks out


def test_a_renamed_pair_is_checked_as_renamed(books: commons.Books, tmp_path: Path) -> None:
    manifest = export(books, tmp_path, "csv")
    renamed = tmp_path / "b.csv"
    manifest.export_path.rename(renamed)
    Path(manifest.path).rename(tmp_path / "b.csv.manifest.json")
    for named in (renamed, tmp_path / "b.csv.manifest.json"):
        check = books.audit.check_export(named)
        assert check.ok, check.problems
        assert check.file == renamed


def test_a_manifest_vouches_for_another_name_only_when_named(books: commons.Books,
                                                             tmp_path: Path) -> None:
    manifest = export(books, tmp_path, "csv")
    other = tmp_path / "other.csv"
    other.write_bytes(manifest.export_path.read_bytes())
    with raises(commons.NotFound, ErrorCode.NOT_FOUND) as caught:
        books.audit.check_export(other)
    assert caught.value.file == f"{other}.manifest.json"
    assert books.audit.check_export(other, manifest=manifest.path).ok
    other.write_bytes(manifest.export_path.read_bytes() + b"x")
    check = books.audit.check_export(other, manifest=manifest.path, against_ledger=False)
    assert not check.ok and any(str(other) in p for p in check.problems)
    with raises(commons.InvalidInput, ErrorCode.INVALID_INPUT) as refused:
        books.audit.check_export(manifest.path, manifest=manifest.path)
    assert refused.value.field == "--manifest"
