"""The import invariants, checked the same way for every importing command, on the demo's books.

For each importer (estate import, resolution ballots, revenue collect, ledger post, reconcile
import, billing schedule, billing pay, parking import, parking tariff):

- importing a file the books already hold changes nothing: the SQL dump of the whole database
  (``iterdump``) is the same, byte for byte, timestamps included;
- a fresh valid file is stored (the dump changes), and then the trial balance is zero and
  ``audit verify`` passes;
- the fresh file with one corrupted row (hypothesis picks the row and the corruption: a bad
  amount, a bad date, an unknown reference) raises one ``CommonsError`` naming that row's line
  (or, for a TOML file, its field), and the dump is unchanged.

The books are the demo's (``run_demo``), built once per module and copied for each case.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import commons
from commons import CommonsError, Problems
from commons.demo import run_demo

RowFix = Callable[[dict[str, str]], None]  # changes one parsed row in place


@attrs.frozen
class TableFile:
    """A fresh valid input file as rows, written as CSV (with ``encoding``) or JSON Lines; each
    corruption names how it changes one row."""

    name: str
    rows: tuple[dict[str, Any], ...]
    corruptions: dict[str, RowFix]
    encoding: str = "utf-8"
    jsonl: bool = False

    def line_of(self, index: int) -> int:
        return index + (1 if self.jsonl else 2)  # a CSV file's first line is its header

    def write(self, folder: Path, rows: list[dict[str, Any]] | None = None) -> Path:
        rows = list(self.rows) if rows is None else rows
        out = io.StringIO()
        if self.jsonl:
            out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        else:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        path = folder / self.name
        path.write_bytes(out.getvalue().encode(self.encoding))
        return path

    def corrupted(self, folder: Path, index: int, corruption: str) -> Path:
        rows = [json.loads(json.dumps(r)) for r in self.rows]  # deep copies
        self.corruptions[corruption](rows[index])
        return self.write(folder, rows)


@attrs.frozen
class TomlFile:
    """A fresh valid TOML file; each corruption replaces one ``key = value`` line."""

    name: str
    text: str
    corruptions: dict[str, tuple[str, str]]  # corruption -> (key, bad value as TOML)

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        path.write_text(self.text, encoding="utf-8")
        return path

    def corrupted(self, folder: Path, corruption: str) -> tuple[Path, str, int]:
        key, bad = self.corruptions[corruption]
        lines = self.text.splitlines()
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
        lines[index] = f"{key} = {bad}"
        path = folder / self.name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, key, index + 1


Run = Callable[[commons.Books, Path], object]


@attrs.frozen
class Importer:
    """One importing command: how to run it, the file the books already hold, a fresh one."""

    run: Run
    recorded: str  # the file's name in the template's folder
    fresh: Callable[[Path], TableFile | TomlFile]


# --- the template books: the demo, plus what it does not import from a file -------------------

BALLOT_OWNERS = ("王建国", "李秀英", "张伟", "赵敏", "刘洋", "陈静")  # wjxc-1's owners in the demo
SCHEDULE_HEAD = "schedule,compounds,regime,from,price\n"
SCHEDULE_CSV = (SCHEDULE_HEAD + "zy1,zy-1,commission,2026-01-01,1.10\n"
                "zy1,zy-1,commission,2026-07-01,1.20\n")
PAYMENTS_CSV = ("external_id,date,household,amount,invoice,payer,memo\n"
                "T-1,2026-10-20,zy-1-a-101,100.00,,孙,十月\nT-2,2026-10-21,zy-1-a-201,82.16,,,\n")
BALLOTS_CSV = "owner,choice\n" + "".join(f"{o},yes\n" for o in BALLOT_OWNERS[:3])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database holding the demo's books and the extra files below; its input files
    are in ``<stem>-files`` beside it."""
    db = tmp_path_factory.mktemp("template") / "books.db"
    with commons.connect(db) as books:
        run_demo(books)
    files = db.with_name("books-files")
    for name, text in (("schedule.csv", SCHEDULE_CSV), ("payments.csv", PAYMENTS_CSV),
                       ("ballots.csv", BALLOTS_CSV)):
        (files / name).write_text(text, encoding="utf-8")
    with commons.connect(db) as books:
        books.resolutions.propose("T-LIFT", matter="elevator-retrofit", scope="building:wjxc-1")
        for step in ("discussed", "consulted", "drafted", "voted"):
            books.resolutions.advance("T-LIFT", step)
        for name, importer in IMPORTERS.items():
            if name in ("billing schedule", "billing pay", "resolution ballots"):
                importer.run(books, files / importer.recorded)
    return db


@pytest.fixture
def books_copy(template: Path, tmp_path: Path) -> Path:
    return copy_books(template, tmp_path)


def copy_books(template: Path, folder: Path) -> Path:
    db = folder / "books.db"
    shutil.copyfile(template, db)
    shutil.copytree(template.with_name("books-files"), folder / "books-files", dirs_exist_ok=True)
    return db


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture
def connected(books_copy: Path) -> Iterator[commons.Books]:
    with commons.connect(books_copy) as books:
        yield books


# --- the fresh files: new ids, so that a partial write would show in the dump ------------------


def set_field(field: str, value: str) -> RowFix:
    def fix(row: dict[str, str]) -> None:
        row[field] = value
    return fix


def csv_dicts(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def fresh_households(folder: Path) -> TableFile:
    rows = tuple({"id": f"new-{b}-{n}", "building": b, "floor": "2", "area_m2": "61.25",
                  "owner": "新业主"} for b in ("zy-1-a", "zy-2-a") for n in range(3))
    return TableFile("households-new.csv", rows, {
        "bad amount": set_field("area_m2", "61.255"), "bad number": set_field("floor", "二"),
        "unknown ref": set_field("building", "no-such-building")})


def fresh_income(folder: Path) -> TableFile:
    rows = csv_dicts(folder / "income-2026q4.csv")[:6]
    for row in rows:
        row["external_id"] += "-new"
    return TableFile("income-new.csv", tuple(rows), {
        "bad amount": set_field("amount", "12.345"), "bad date": set_field("date", "2026-02-30"),
        "unknown ref": set_field("resource", "no-such-resource")})


def fresh_journal(folder: Path) -> TableFile:
    lines = (folder / "wjxc-2026-09.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    rows = []
    for line in lines:  # the same takings in a month still open
        row = json.loads(line)
        row["external_id"] += "-new"
        row["date"] = row["date"].replace("2026-09", "2026-12")
        row["period"] = "2026-12"
        rows.append(row)

    def bad_amount(row: dict[str, Any]) -> None:
        row["postings"][0]["amount"] = "1380.001"

    def bad_account(row: dict[str, Any]) -> None:
        row["postings"][0]["account"] = "assets:bank:nowhere:"

    return TableFile("journal-new.jsonl", tuple(rows), {
        "bad amount": bad_amount, "bad date": set_field("date", "2026-12-32"),
        "bad account": bad_account}, jsonl=True)


STATEMENT_ENCODING = "gb18030"


def fresh_statement(folder: Path) -> TableFile:
    september = csv_dicts(folder / "wjxc-2026-09-statement.csv", STATEMENT_ENCODING)
    balance = Decimal(september[-1]["余额"].replace(",", ""))
    rows = september[:5]
    for row in rows:  # October's first days, opening where September closed
        row["交易日期"] = row["交易日期"].replace("2026/09", "2026/10")
        row["交易流水号"] += "-NEW"
        balance += Decimal(row["收入金额"] or 0) - Decimal(row["支出金额"] or 0)
        row["余额"] = f"{balance:.2f}"
    return TableFile("statement-new.csv", tuple(rows), {
        "bad amount": set_field("收入金额", "13,80.0.0"),
        "bad date": set_field("交易日期", "2026/13/01")}, encoding=STATEMENT_ENCODING)


def fresh_schedule(folder: Path) -> TableFile:
    rows = tuple({"schedule": f"zy{n}", "compounds": f"zy-{n}", "regime": "lump_sum",
                  "from": day, "price": "0.90"}
                 for n, day in ((2, "2026-01-01"), (3, "2026-07-01")))
    return TableFile("schedule-new.csv", rows, {
        "bad amount": set_field("price", "0.9x"), "bad date": set_field("from", "2026-02-30"),
        "unknown ref": set_field("compounds", "no-such-compound")})


def fresh_payments(folder: Path) -> TableFile:
    rows = tuple({"external_id": f"N-{n}", "date": f"2026-11-{n + 10:02d}",
                  "household": h, "amount": "50.00", "invoice": "", "payer": "", "memo": ""}
                 for n, h in enumerate(("zy-1-a-201", "zy-1-a-301", "zy-1-a-101", "zy-1-a-301")))
    return TableFile("payments-new.csv", rows, {
        "bad amount": set_field("amount", "50.001"), "bad date": set_field("date", "2026-11-31"),
        "unknown ref": set_field("household", "nobody")})


def fresh_sessions(folder: Path) -> TableFile:
    rows = tuple({"session_id": f"new-{n}", "space": f"WJ-P0{n + 1}", "plate": "湘A12345",
                  "entered_at": f"2026-12-0{n + 1}T09:00:00",
                  "exited_at": f"2026-12-0{n + 1}T11:30:00", "kind": "outsider"}
                 for n in range(5))
    return TableFile("sessions-new.csv", rows, {
        "bad date": set_field("entered_at", "2026-12-32T09:00:00"),
        "unknown ref": set_field("space", "no-such-space"),
        "unknown kind": set_field("kind", "no-such-kind")})


def fresh_ballots(folder: Path) -> TableFile:
    rows = tuple({"owner": o, "choice": "no"} for o in BALLOT_OWNERS[3:])
    return TableFile("ballots-new.csv", rows, {
        "unknown ref": set_field("owner", "nobody"), "bad choice": set_field("choice", "maybe")})


def fresh_tariff(folder: Path) -> TomlFile:
    text = (folder / "wjxc-tariff.toml").read_text(encoding="utf-8")
    text = text.replace('effective_from = "2026-01-01"', 'effective_from = "2027-01-01"')
    text = text.replace('daily_cap = "40.00"', 'daily_cap = "45.00"')
    return TomlFile("tariff-new.toml", text, {
        "bad amount": ("daily_cap", '"45.001"'), "bad date": ("effective_from", '"2027-02-30"'),
        "unknown ref": ("compound", '"no-such-compound"')})


IMPORTERS: dict[str, Importer] = {
    "estate import": Importer(lambda b, p: b.estate.import_files(
        [(kind, p.with_name(f"district-{kind}.csv")) for kind in
         ("compounds", "buildings", "households", "resources", "management-areas")])
        if p.name.startswith("district") else b.estate.import_file("households", p),
        "district-compounds.csv", fresh_households),
    "resolution ballots": Importer(lambda b, p: b.resolutions.import_ballots("T-LIFT", p),
                                   "ballots.csv", fresh_ballots),
    "revenue collect": Importer(lambda b, p: b.revenue.collect(p), "income-2026q4.csv",
                                fresh_income),
    "ledger post": Importer(lambda b, p: b.ledger.post(p), "wjxc-2026-09.jsonl", fresh_journal),
    "reconcile import": Importer(
        lambda b, p: b.reconcile.import_statement(p, account="assets:bank:co-managed:wjxc"),
        "wjxc-2026-09-statement.csv", fresh_statement),
    "billing schedule": Importer(lambda b, p: b.billing.schedule(p), "schedule.csv",
                                 fresh_schedule),
    "billing pay": Importer(lambda b, p: b.billing.pay(p), "payments.csv", fresh_payments),
    "parking import": Importer(lambda b, p: b.parking.import_sessions(p),
                               "wjxc-sessions-2026-11.csv", fresh_sessions),
    "parking tariff": Importer(lambda b, p: b.parking.tariff(p), "wjxc-tariff.toml",
                               fresh_tariff),
}
NAMES = sorted(IMPORTERS)


def assert_books_sound(books: commons.Books) -> None:
    totals = books.ledger.balance().totals
    assert all(t.fen == 0 for t in totals), totals
    verified = books.audit.verify()
    assert verified.ok, verified.problems


def named_lines(error: CommonsError) -> set[int | None]:
    if isinstance(error, Problems):
        return {p.line for p in error.problems}
    return {error.line}


# --- the tests -------------------------------------------------------------------------------


def test_the_demos_books_balance_and_verify(template: Path, connected: commons.Books) -> None:
    assert_books_sound(connected)


@pytest.mark.parametrize("name", NAMES)
def test_importing_a_recorded_file_again_changes_nothing(name: str, books_copy: Path) -> None:
    importer = IMPORTERS[name]
    before = dump(books_copy)
    with commons.connect(books_copy) as books:
        importer.run(books, books_copy.with_name("books-files") / importer.recorded)
    assert dump(books_copy) == before


@pytest.mark.parametrize("name", NAMES)
def test_a_fresh_file_is_stored_once_and_the_books_stay_sound(name: str, books_copy: Path) -> None:
    importer = IMPORTERS[name]
    fresh = importer.fresh(books_copy.with_name("books-files"))
    path = fresh.write(books_copy.parent)
    before = dump(books_copy)
    with commons.connect(books_copy) as books:
        importer.run(books, path)
        assert_books_sound(books)
    stored = dump(books_copy)
    assert stored != before
    with commons.connect(books_copy) as books:
        importer.run(books, path)
    assert dump(books_copy) == stored


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_bad_row_is_named_and_changes_nothing(name: str, template: Path,
                                                  tmp_path_factory: pytest.TempPathFactory,
                                                  data: st.DataObject) -> None:
    importer = IMPORTERS[name]
    folder = tmp_path_factory.mktemp("bad")
    db = copy_books(template, folder)
    fresh = importer.fresh(db.with_name("books-files"))
    corruption = data.draw(st.sampled_from(sorted(fresh.corruptions)), label="corruption")
    if isinstance(fresh, TomlFile):
        path, key, _ = fresh.corrupted(folder, corruption)
    else:
        index = data.draw(st.integers(0, len(fresh.rows) - 1), label="row")
        path = fresh.corrupted(folder, index, corruption)
        expected = {fresh.line_of(index)}
    before = dump(db)
    with commons.connect(db) as books, pytest.raises(CommonsError) as caught:
        importer.run(books, path)
    error = caught.value
    if isinstance(fresh, TomlFile):
        assert key in str(error), str(error)  # a TOML value is named by its key
    else:
        assert named_lines(error) == expected, str(error)
    assert path.name in str(error), str(error)
    assert dump(db) == before


def test_an_unknown_compound_in_a_csv_schedule_names_its_line(books_copy: Path) -> None:
    path = books_copy.with_name("schedule-unknown.csv")
    path.write_text(SCHEDULE_HEAD + "zy2,no-such-compound,lump_sum,2026-01-01,0.90\n",
                    encoding="utf-8")
    before = dump(books_copy)
    with commons.connect(books_copy) as books, pytest.raises(CommonsError) as caught:
        books.billing.schedule(path)
    assert dump(books_copy) == before
    assert named_lines(caught.value) == {2}, str(caught.value)
