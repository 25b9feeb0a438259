"""The disclosure statement (公示): periods, figures that add up, each spending's authority from
the public-revenue duties, a golden text layout, and HTML that is one well-formed page."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from revenue_helpers import build_estate, collections_csv, resolution

import commons
from commons import Money
from commons.app import (
    Disclosure,
    DisclosurePeriod,
    disclosure_json,
    render_html,
    render_text,
)
from commons.revenue.disclosure import build_disclosure

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

GOLDEN = Path(__file__).parents[1] / "golden" / "disclosure_wjxc_2026-11.txt"
CLOCK = commons.FixedClock.parse("2026-12-01T10:00:00")


@pytest.mark.parametrize(("text", "label", "first", "last"), [
    ("2026-10", "2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("2024-02", "2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2026-12", "2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ("2026-Q1", "2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ("2026q4", "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    (" 2026-Q3 ", "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
])
def test_periods(text: str, label: str, first: dt.date, last: dt.date) -> None:
    assert DisclosurePeriod.parse(text) == DisclosurePeriod(label, first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "2026", "26-10", "2026-1"])
def test_bad_periods_name_the_option(text: str) -> None:
    with pytest.raises(commons.InvalidInput) as e:
        DisclosurePeriod.parse(text)
    assert e.value.field == "--period"


@given(st.lists(st.tuples(st.sampled_from(["income:parking:c", "income:rent:c",
                                            "expenses:repairs:c"]),
                          st.integers(-10**6, 10**6).filter(bool)), max_size=12),
       st.integers(-10**6, 10**6), st.integers(-10**6, 10**6))
def test_the_statement_always_adds_up(legs: list[tuple[str, int]], opening: int,
                                      closing: int) -> None:
    period = DisclosurePeriod.parse("2026-10")
    postings = [(i, dt.date(2026, 10, 1), account, fen, "CNY", "m")
                for i, (account, fen) in enumerate(legs, 1)]
    d = build_disclosure("c", period, account="assets:bank:co-managed:c",
                         opening=Money(opening), closing=Money(closing), postings=postings)
    assert d.opening + d.income_total - d.spending_total + d.other == d.closing
    assert sum(d.spending_by_purpose().values(), Money(0)) == d.spending_total
    assert d.income_total == Money(-sum(f for a, f in legs if a.startswith("income")))
    assert all(s.authority is None for s in d.spending)


@pytest.fixture
def paid(tmp_path: Path) -> Iterator[commons.Books]:
    """wjxc: income collected in October, a committee payment and one an owners' resolution
    authorised in November, and a cleaning bill posted by hand (no authority recorded)."""
    with commons.connect(tmp_path / "d.db", clock=CLOCK, actor="committee") as api:
        build_estate(api, tmp_path)
        api.revenue.collect(collections_csv(tmp_path, [
            "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,1000.00,,",
            "ad-1,2026-11-05,wjxc,wjxc-ad1,2026-11,600.00,,"]))
        for signer, role in (("wang", "self-management-committee"), ("sq", "community"),
                             ("li", "owners-committee")):
            api.revenue.add_signer("wjxc", signer, role=role)
        resolution(api, "R-limit", matter="rules")
        api.revenue.limit("wjxc", "300.00", resolution="R-limit")
        api.revenue.propose("S1", compound="wjxc", purpose="greening", amount="120.00",
                            payee="flower co-op")
        for signer in ("sq", "wang"):
            api.revenue.approve("S1", signer=signer)
        api.revenue.disburse("S1", date=dt.date(2026, 11, 10))
        resolution(api, "R-paint")
        api.revenue.propose("S2", compound="wjxc", purpose="repairs", amount="450.00",
                            payee="painters", resolution="R-paint")
        for signer in ("li", "sq"):
            api.revenue.approve("S2", signer=signer)
        api.revenue.disburse("S2", date=dt.date(2026, 11, 20))
        api.ledger.post([commons.Entry(dt.date(2026, 11, 25), "保洁 十一月", (
            commons.Posting("expenses:cleaning:wjxc", Money(3000)),
            commons.Posting("assets:bank:co-managed:wjxc", Money(-3000))), "clean-11")])
        yield api


def test_each_spending_shows_the_authority_the_revenue_duties_recorded(
        paid: commons.Books) -> None:
    d = paid.audit.disclose("wjxc", "2026-11")
    by_purpose = {s.purpose: s for s in d.spending}
    greening, repairs, cleaning = (by_purpose[p] for p in ("greening", "repairs", "cleaning"))
    assert greening.authority is not None and greening.authority.kind == "committee"
    assert set(greening.authority.approvers) >= {"sq (community)"}
    assert repairs.authority is not None and repairs.authority.resolution == "R-paint"
    assert cleaning.authority is None
    assert d.opening + d.income_total - d.spending_total + d.other == d.closing
    balance = paid.ledger.balance("assets:bank:co-managed:wjxc",
                                  as_of=dt.date(2026, 11, 30)).balances[0].balance
    assert d.closing == balance


def test_the_text_layout_matches_the_golden_file(paid: commons.Books) -> None:
    text = render_text(paid.audit.disclose("wjxc", "2026-11"))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


class PageChecker(HTMLParser):
    """Balanced tags (void elements aside), and what the page declares."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.seen: dict[str, list[dict[str, str | None]]] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.setdefault(tag, []).append(dict(attrs))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_one_well_formed_printable_page(paid: commons.Books, lang: str) -> None:
    d: Disclosure = paid.audit.disclose("wjxc", "2026-Q4")
    page = render_html(d, lang)
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.open == []
    assert page.startswith("<!DOCTYPE html>")
    assert checker.seen["html"][0]["lang"] == ("en" if lang == "en" else "zh-CN")
    assert {"charset": "utf-8"} in checker.seen["meta"]
    assert len(checker.seen["table"]) >= 3 and len(checker.seen["th"]) >= 8
    assert "@media print" in page
    text = "".join(checker.text)
    assert "R-paint" in text and d.closing.format_symbol() in text


def test_json_shape(paid: commons.Books) -> None:
    data = disclosure_json(paid.audit.disclose("wjxc", "2026-11"))
    assert set(data) >= {"compound", "period", "opening", "closing", "income", "spending",
                         "income_total", "spending_total", "spending_by_purpose", "other"}
    assert all(isinstance(line["amount"], str) for line in data["spending"])
    repairs = next(s for s in data["spending"] if s["purpose"] == "repairs")
    assert repairs["authority"]["resolution"] == "R-paint"
