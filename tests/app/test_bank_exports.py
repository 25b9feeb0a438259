"""Real exports through the library: a wallet bill without balances imported with an opening,
a bank export whose balances are redacted imported with its balances ignored, and the checks
that still hold: importing twice changes nothing, a refused file stores nothing, duplicates,
and the continuity of balances from one statement to the next."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import dump_tables
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import statement_file

import commons
from commons import FixedClock, InvalidInput, Money, NotFound, RefusedByRule
from commons.app import Books
from commons.io.bank_profiles import BUILTIN_PROFILES

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

STATEMENTS = Path(__file__).parents[1] / "fixtures" / "statements"
BANK = "assets:bank:co-managed:wjxc"
TABLES = ("bank_statements", "bank_lines")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "books.db"


@pytest.fixture
def books(db: Path) -> Books:
    books = commons.connect(db, clock=FixedClock.parse("2026-12-01T09:00:00"), actor="test")
    books.ledger.chart("wjxc")
    return books


def dump(db: Path) -> dict[str, list[Any]]:
    return dump_tables(db, TABLES)


def edited(tmp_path: Path, name: str, old: str, new: str, encoding: str = "utf-8-sig") -> Path:
    text = (STATEMENTS / name).read_bytes().decode(encoding)
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new).encode(encoding))
    return path


def test_a_wallet_bill_imports_with_an_opening_and_twice_changes_nothing(
        books: Books, db: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(STATEMENTS / "wechat.csv", account=BANK)
    assert caught.value.field == "opening"
    done = books.reconcile.import_statement(STATEMENTS / "wechat.csv", account=BANK,
                                            opening="100.00")
    assert (done.format, done.added) == ("csv:wechat", 4)
    (statement,) = done.statements
    assert [x.source_line for x in statement.skipped] == [19]
    assert (statement.opening, statement.closing) == (Money.yuan("100.00"), Money.yuan("131.50"))
    before = dump(db)
    assert before["bank_statements"][0][-1] == "computed"
    again = books.reconcile.import_statement(STATEMENTS / "wechat.csv", account=BANK,
                                             opening="100.00")
    assert (again.added, again.already_recorded) == (0, 4)
    assert dump(db) == before
    report = books.reconcile.report(account=BANK, period="2026-10")
    assert report.bank_balance_computed
    assert report.bank_balance == Money.yuan("131.50")


def test_a_refused_file_stores_nothing(books: Books, db: Path, tmp_path: Path) -> None:
    bad = edited(tmp_path, "wechat.csv", "支出,¥3.50", "支出?,¥3.50")
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(bad, account=BANK, opening="100.00")
    assert (caught.value.line, caught.value.field) == (20, "收/支")
    assert dump(db) == {t: [] for t in TABLES}
    with pytest.raises(NotFound):
        books.reconcile.report(account=BANK, period="2026-10")


def test_redacted_balances_are_refused_unless_ignored(books: Books, db: Path,
                                                      tmp_path: Path) -> None:
    redacted = edited(tmp_path, "icbc.csv", "11,120.00", "xx,yyyy.zz", "gb18030")
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(redacted, account=BANK)
    assert caught.value.field == "余额"
    assert "--balances ignore" in (caught.value.fix or "")  # a new user was not told how
    done = books.reconcile.import_statement(redacted, account=BANK, balances="ignore",
                                            opening="10000.00")
    assert done.added == 3
    assert done.statements[0].closing == Money.yuan("11123.50")
    assert books.reconcile.report(account=BANK, period="2026-10").bank_balance_computed


def test_a_reported_statement_after_a_computed_one_reports_its_balance(
        books: Books, tmp_path: Path) -> None:
    """Found by hand: one statement imported with --balances ignore once marked every later
    month's bank balance computed, though November's statement reported it and continued the
    history it was checked against."""
    redacted = edited(tmp_path, "icbc.csv", "11,120.00", "xx,yyyy.zz", "gb18030")
    books.reconcile.import_statement(redacted, account=BANK, balances="ignore",
                                     opening="10000.00")
    november = tmp_path / "nov.csv"
    november.write_text("date,amount,balance\n2026-11-02,100.00,11223.50\n", encoding="utf-8")
    books.reconcile.import_statement(november, account=BANK, profile="generic")
    assert books.reconcile.report(account=BANK, period="2026-10").bank_balance_computed
    reported = books.reconcile.report(account=BANK, period="2026-11")
    assert (reported.bank_balance, reported.bank_balance_computed) == (
        Money.yuan("11223.50"), False)


def test_an_opening_that_contradicts_the_file_or_the_stored_history_is_refused(
        books: Books, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(STATEMENTS / "icbc.csv", account=BANK,
                                         opening="9000.00")
    assert caught.value.field == "opening"
    books.reconcile.import_statement(STATEMENTS / "wechat.csv", account=BANK, opening="100.00")
    later = edited(tmp_path, "alipay.csv", "2026-10-0", "2026-11-0", "gb18030")
    with pytest.raises(RefusedByRule):  # a gap: the history closed at 131.50
        books.reconcile.import_statement(later, account=BANK, opening="100.00")
    done = books.reconcile.import_statement(later, account=BANK)
    assert done.statements[0].opening == Money.yuan("131.50")
    done = books.reconcile.import_statement(later, account=BANK, opening="131.50")
    assert (done.added, done.already_recorded) == (0, 3)


def test_a_normal_bank_export_keeps_reported_balances(books: Books, db: Path) -> None:
    books.reconcile.import_statement(STATEMENTS / "bocom.csv", account=BANK)
    assert dump(db)["bank_statements"][0][-1] == "reported"
    assert not books.reconcile.report(account=BANK, period="2026-10").bank_balance_computed


@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(sorted(BUILTIN_PROFILES)),
       fens=st.lists(st.integers(-10**7, 10**7).filter(bool), min_size=1, max_size=8),
       refuse=st.booleans())
def test_any_profile_imports_twice_as_once_and_a_refused_file_stores_nothing(
        name: str, fens: list[int], refuse: bool) -> None:
    profile = BUILTIN_PROFILES[name]
    data = statement_file(profile, fens, 10**8)
    if refuse:  # the last line dated no day of the calendar: the whole file is refused
        last, encoding = f"2026-01-{len(fens):02d}", profile.encoding or "utf-8"
        text = data.decode(encoding)
        assert text.count(last) == 1
        data = text.replace(last, "2026-01-32").encode(encoding)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "b.db"
        books = commons.connect(db, clock=FixedClock.parse("2026-12-01T09:00:00"), actor="t")
        books.ledger.chart("wjxc")
        path = Path(folder) / "s.csv"
        path.write_bytes(data)
        opening = None if profile.balance else "0.00"
        if refuse:
            with pytest.raises(InvalidInput):
                books.reconcile.import_statement(path, account=BANK, profile=name,
                                                 opening=opening)
            assert dump(db) == {t: [] for t in TABLES}
            return
        first = books.reconcile.import_statement(path, account=BANK, profile=name,
                                                 opening=opening)
        assert first.added == len(fens)
        before = dump(db)
        again = books.reconcile.import_statement(path, account=BANK, profile=name,
                                                 opening=opening)
        assert (again.added, again.already_recorded) == (0, len(fens))
        assert dump(db) == before
