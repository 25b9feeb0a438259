"""The financial statements through the library: over random books the balance sheet balances
(for the whole books and for each compound whose entries stay within it), and the income
statement's net over any range of months is the change in the owners' fund over it; and the
refusals of wrong inputs, by code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import raises
from hypothesis import given, settings
from hypothesis import strategies as st

import commons
from commons import FixedClock, InvalidInput, Money, NotFound
from commons.errors import ErrorCode
from commons.ledger.accounts import CHART_TEMPLATE
from commons.periods import Period

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

COMPOUNDS = ("wjxc", "zy-1")
# Equity accounts move only by the opening entries, dated before every period asked about:
# after that the fund changes by income and expenses alone.
MOVING = [prefix for prefix, _ in CHART_TEMPLATE if not prefix.startswith("equity:")]
OPENING = dt.date(2025, 12, 31)
months = st.integers(min_value=0, max_value=11)  # 2026-01 .. 2026-12


def _books() -> commons.Books:
    books = commons.connect(":memory:", clock=FixedClock.parse("2027-01-15T09:00:00"))
    for compound in COMPOUNDS:
        books.ledger.chart(compound)
    return books


@st.composite
def journals(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Opening balances, then entries of two to four legs within one compound each."""
    rows = []
    for compound in COMPOUNDS:
        fen = draw(st.integers(min_value=1, max_value=10**8))  # a posting is never zero
        rows.append({"date": OPENING.isoformat(), "memo": "opening",
                     "external_id": f"open-{compound}", "postings": [
                         {"account": f"assets:bank:co-managed:{compound}", "amount": _y(fen)},
                         {"account": f"equity:opening-balance:{compound}",
                          "amount": _y(-fen)}]})
    for n in range(draw(st.integers(min_value=0, max_value=25))):
        compound = draw(st.sampled_from(COMPOUNDS))
        day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
        legs = draw(st.lists(st.integers(-10**7, 10**7).filter(bool), min_size=1, max_size=3)
                    .filter(sum))
        accounts = draw(st.lists(st.sampled_from(MOVING), min_size=len(legs) + 1,
                                 max_size=len(legs) + 1))
        amounts = [*legs, -sum(legs)]
        rows.append({"date": day.isoformat(), "memo": f"entry {n}", "external_id": f"e-{n}",
                     "postings": [{"account": f"{a}:{compound}", "amount": _y(fen)}
                                  for a, fen in zip(accounts, amounts, strict=True)]})
    return rows


def _y(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _fund(books: commons.Books, day: dt.date, compound: str | None, depth: int | None) -> Money:
    return books.reports.balance_sheet(as_of=day, compound=compound, depth=depth).sections[2].total


@settings(max_examples=40)
@given(journal=journals(), first=months, span=months, compound=st.sampled_from((None, *COMPOUNDS)),
       depth=st.sampled_from((None, 1, 2, 3)), grouping=st.sampled_from(("total", "monthly",
                                                                         "quarterly")))
def test_the_sheet_balances_and_the_net_is_the_change_in_the_fund(
        journal: list[dict[str, Any]], first: int, span: int, compound: str | None,
        depth: int | None, grouping: str) -> None:
    with _books() as books:
        books.ledger.post(journal)
        start = Period(2026, 1 + first)
        end = Period(2026, min(12, 1 + first + span))
        for day in (OPENING, start.first_day, end.last_day):
            sheet = books.reports.balance_sheet(as_of=day, compound=compound, depth=depth)
            assert sheet.balanced, sheet
            assets, liabilities, equity = (s.total for s in sheet.sections)
            assert assets == liabilities + equity
        statement = books.reports.income(date_from=str(start), date_to=str(end),
                                         compound=compound, grouping=grouping, depth=depth)
        before = _fund(books, start.first_day - dt.timedelta(days=1), compound, depth)
        assert statement.net_total == _fund(books, end.last_day, compound, depth) - before
        assert statement.net_total == sum(statement.net, Money.zero())
        for row in statement.rows:
            assert row.total == sum(row.amounts, Money.zero())


@pytest.fixture
def books() -> Iterator[commons.Books]:
    with _books() as handle:
        handle.ledger.post([{"date": "2026-10-05", "memo": "parking", "external_id": "pk",
                             "postings": [{"account": "assets:bank:co-managed:wjxc",
                                           "amount": "120.00"},
                                          {"account": "income:parking:wjxc",
                                           "amount": "-120.00"}]}])
        yield handle


def test_labels_and_rolled_up_names(books: commons.Books) -> None:
    statement = books.reports.income(date_from="2026-Q4", depth=2, lang="en")
    assert [(r.account, r.label, r.total) for r in statement.rows] == [
        ("income:parking", "parking", Money(12000))]
    listed = books.ledger.accounts(compound="wjxc", type="income")
    assert {a.name: a.label for a in listed}["income:parking:wjxc"] == "停车收益"
    assert next(a for a in listed if a.name == "income:parking:wjxc").balances == (
        Money(-12000),)


def test_the_sheet_defaults_to_today(books: commons.Books) -> None:
    assert books.reports.balance_sheet().as_of == dt.date(2027, 1, 15)


@pytest.mark.parametrize(("call", "cls", "code"), [
    (lambda b: b.reports.balance_sheet(as_of="2026-12-31", compound="wjxx"), NotFound,
     ErrorCode.NOT_FOUND),
    (lambda b: b.reports.income(date_from="2026-10", compound="zy1"), NotFound,
     ErrorCode.NOT_FOUND),
    (lambda b: b.ledger.accounts(compound="wjx"), NotFound, ErrorCode.NOT_FOUND),
    (lambda b: b.reports.balance_sheet(as_of="2026-12-32"), InvalidInput,
     ErrorCode.INVALID_DATE),
    (lambda b: b.reports.income(date_from="2026-11", date_to="2026-10"), InvalidInput,
     ErrorCode.INVALID_DATE),
    (lambda b: b.reports.income(date_from="2026-10", date_to="Q4"), InvalidInput,
     ErrorCode.INVALID_DATE),
    (lambda b: b.reports.income(date_from="2026-10", grouping="weekly"), InvalidInput,
     ErrorCode.INVALID_INPUT),
    (lambda b: b.reports.balance_sheet(as_of="2026-12-31", depth=0), InvalidInput,
     ErrorCode.INVALID_INPUT),
    (lambda b: b.reports.income(date_from="2026-10", depth=True), InvalidInput,
     ErrorCode.INVALID_INPUT),
    (lambda b: b.reports.income(date_from="2026-10", lang="fr"), InvalidInput,
     ErrorCode.INVALID_INPUT),
    (lambda b: b.ledger.accounts(type="revenue"), InvalidInput, ErrorCode.INVALID_INPUT),
    (lambda b: b.ledger.accounts(lang="de"), InvalidInput, ErrorCode.INVALID_INPUT),
])
def test_wrong_inputs_are_refused_by_code(books: commons.Books, call: Any,
                                          cls: type[commons.CommonsError],
                                          code: ErrorCode) -> None:
    with raises(cls, code):
        call(books)


def test_the_nearest_compound_is_named(books: commons.Books) -> None:
    with raises(NotFound, ErrorCode.NOT_FOUND) as info:
        books.reports.balance_sheet(as_of="2026-12-31", compound="wjxx")
    assert info.value.context["near"] == "wjxc"


def test_the_demo_draws_up_a_balanced_sheet_and_the_quarter(tmp_path: Any) -> None:
    from commons.demo import run_demo

    with commons.connect(tmp_path / "demo.db", clock=FixedClock.parse("2027-01-05T09:00:00"),
                         actor="demo") as books:
        step = next(s for s in run_demo(books).steps if s.topic == "statements")
        text = "\n".join(step.lines)
        assert "资产负债表  wjxc  截至 2026-12-31" in text and "收支表  wjxc" in text
        assert "平衡：" in text and "NOT BALANCED" not in text
        sheet = books.reports.balance_sheet(as_of="2026-12-31", compound="wjxc")
        quarter = books.reports.income(date_from="2026-Q4", compound="wjxc")
        assert sheet.balanced
        assert "  结余（收入减支出）" in text and quarter.net_total.format_grouped() in text
