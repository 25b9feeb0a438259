"""Reconciliation by hand: listing lines with signed amounts, matches with both sides, a match
made by hand (refused with the difference when amounts disagree), and a bank charge booked
against an expense account once, keyed by its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import commons
from commons import ConflictError, Entry, FixedClock, Money, Posting, RefusedByRule
from commons.app import Books

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

FIXTURES = Path(__file__).parents[1] / "fixtures"
BANK = "assets:bank:co-managed:wjxc"
FEES = "expenses:repairs:wjxc"


def entry(external_id: str, day: str, yuan: str, other: str) -> Entry:
    amount = Money.yuan(yuan)
    return Entry(dt.date.fromisoformat(day), external_id,
                 (Posting(BANK, amount), Posting(other, -amount)), external_id)


@pytest.fixture
def books(tmp_path: Path) -> Books:
    books = commons.connect(tmp_path / "b.db", clock=FixedClock.parse("2026-12-01T09:00:00"),
                            actor="test")
    books.ledger.chart("wjxc")
    books.ledger.post([
        entry("open", "2026-09-30", "1000.00", "equity:opening-balance:wjxc"),
        entry("pk-1002", "2026-10-02", "120.00", "income:parking:wjxc"),
        entry("ad-q4", "2026-10-08", "500.00", "income:advertising:wjxc"),
        entry("rp-1015", "2026-10-15", "-80.00", FEES),
    ])
    books.reconcile.import_statement(FIXTURES / "camt053_001_02_oct.xml", account=BANK)
    return books


def test_lines_carry_signed_amounts_statement_and_match(books: Books) -> None:
    lines = books.reconcile.lines(account=BANK, period="2026-10")
    assert [x.amount for x in lines] == [Money.yuan(a) for a in
                                         ("120.00", "500.00", "-80.00", "-2.50")]
    assert {x.statement for x in lines} == {"WJXC-STMT-2026-10"}
    assert all(x.match is None for x in lines)
    books.reconcile.run(account=BANK, period="2026-10")
    unmatched = books.reconcile.lines(account=BANK, unmatched=True)
    assert [x.amount for x in unmatched] == [Money.yuan("-2.50")]
    assert books.reconcile.lines(account=BANK, period="2026-11") == []


def test_matches_show_both_sides_dates_and_amounts(books: Books) -> None:
    books.reconcile.run(account=BANK, period="2026-10")
    views = books.reconcile.matches(account=BANK, period="2026-10")
    assert len(views) == 3
    for view in views:
        assert sum((x.amount for x in view.lines), Money.zero()) == \
            sum((x.amount for x in view.postings), Money.zero())
    out = next(v for v in views if v.lines[0].amount.fen < 0)
    assert out.postings[0].date == dt.date(2026, 10, 15)


def test_a_match_by_hand_must_agree_to_the_fen(books: Books) -> None:
    run = books.reconcile.run(account=BANK, period="2026-10")
    repairs = next(m for m in run.matches
                   if books.reconcile.lines(account=BANK)[2].line_id in m.line_ids)
    books.reconcile.unmatch(repairs.id)
    fee = books.reconcile.lines(account=BANK)[3]
    with pytest.raises(RefusedByRule) as caught:
        books.reconcile.match(account=BANK, lines=[fee.line_id], postings=repairs.postings)
    assert caught.value.field == "posting"
    # Found by hand: "the lines are -5.00 more than the postings" named neither side's sum.
    repaired = books.reconcile.lines(account=BANK)[2].amount  # what the postings come to
    assert (f"the lines come to {fee.amount.format_grouped()} and the postings to "
            f"{repaired.format_grouped()}, {abs(fee.amount - repaired).format_grouped()} "
            "apart") in str(caught.value)
    made = books.reconcile.match(account=BANK, lines=repairs.line_ids,
                                 postings=repairs.postings)
    assert made.kind == "manual"
    with pytest.raises(ConflictError):
        books.reconcile.match(account=BANK, lines=repairs.line_ids, postings=repairs.postings)


def test_booking_a_charge_records_once(books: Books) -> None:
    fee = books.reconcile.lines(account=BANK)[3]
    done = books.reconcile.book(account=BANK, line=fee.line_id, against=FEES)
    assert done.posted
    balance = books.ledger.balance(BANK)
    again = books.reconcile.book(account=BANK, line=fee.line_id, against=FEES)
    assert (again.posted, again.match_id) == (False, done.match_id)
    assert books.ledger.balance(BANK) == balance
    assert books.reconcile.lines(account=BANK)[3].match == done.match_id
    report = books.reconcile.report(account=BANK, period="2026-10")
    assert f"line:{fee.line_id}" not in {i.id for i in report.bank_not_in_books}
