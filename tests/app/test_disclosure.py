"""The disclosure statement (公示): periods, figures that add up, each spending's authority from
the public-revenue duties, a golden text layout, and HTML that is one well-formed page."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from revenue_helpers import ESTATE, collections_csv, resolution

import commons
from commons import Money
from commons.app import (
    Disclosure,
    DisclosurePeriod,
    disclosure_json,
    render_html,
    render_text,
)
from commons.errors import ErrorCode
from commons.io.disclosure_render import authority_text, statement_rows
from commons.ledger.problems import ProblemKind
from commons.revenue.disclosure import SECTIONS, build_disclosure, mask_account_number

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

GOLDEN = Path(__file__).parents[1] / "golden" / "disclosure_wjxc_2026-Q4.txt"
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


LATER = commons.FixedClock.parse("2027-01-05T09:00:00")
NOTICE = """objection_days = 10
contact = "自管会 王师傅 138 0000 0000，1栋101"
how_to_object = "书面投递至1栋101信箱"

[signatures]
committee = "卫技新村居民自治委员会"
community = "砂子塘社区居民委员会"
"""


def build_estate(api: commons.Books, folder: Path) -> None:
    """The revenue tests' estate, with Weiji Xincun's subdistrict (街道) recorded too."""
    estate = dict(ESTATE, compounds="id,name,community,governance,built_year,subdistrict\n"
                  "wjxc,卫技新村,砂子塘,self-managed,1985,雨花亭\n"
                  "zy-1,梓园一区,梓园,entrusted,1990,\n")
    files = []
    for kind, text in estate.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
        files.append((kind, folder / f"{kind}.csv"))
    api.estate.import_files(files)


@pytest.fixture
def paid(tmp_path: Path) -> Iterator[commons.Books]:
    """wjxc: a verified opening balance on 1 October, income collected in October and
    November, a committee payment and one an owners' resolution authorised in November, a
    cleaning bill and a bank charge posted by hand, the bank account recorded, and the fourth
    quarter's maintenance set-aside made in January (the handle yielded is January's)."""
    with commons.connect(tmp_path / "d.db", clock=CLOCK, actor="committee") as api:
        build_estate(api, tmp_path)
        api.revenue.clear("wjxc", as_of="2026-10-01", opening="500.00")
        api.revenue.collect(collections_csv(tmp_path, [
            "pk-1,2026-10-03,wjxc,wjxc-p1,2026-10,1000.00,,",
            "ad-1,2026-11-05,wjxc,wjxc-ad1,2026-11,600.00,,"]))
        for signer, role, name in (("wang", "self-management-committee", "卫技新村居民自治委员会"),
                                   ("sq", "community", ""), ("li", "owners-committee", "")):
            api.revenue.add_signer("wjxc", signer, role=role, name=name)
        resolution(api, "R-limit", matter="rules")
        api.revenue.limit("wjxc", "300.00", resolution="R-limit")
        api.revenue.propose("S1", compound="wjxc", purpose="greening", amount="120.00",
                            payee="flower co-op")
        for signer in ("sq", "wang"):
            api.revenue.approve("S1", signer=signer)
        api.revenue.disburse("S1", date=dt.date(2026, 11, 10))
        api.resolutions.propose("R-paint", matter="use-public-revenue", scope="compound:wjxc",
                                title="楼道粉刷")
        for step in ("discussed", "consulted", "drafted"):
            api.resolutions.advance("R-paint", step)
        for owner, choice in zip(("王", "李", "张"), ("yes", "yes", "no"), strict=True):
            api.resolutions.vote("R-paint", owner=owner, choice=choice)
        api.resolutions.resolve("R-paint")
        api.revenue.propose("S2", compound="wjxc", purpose="repairs", amount="450.00",
                            payee="painters", resolution="R-paint")
        for signer in ("li", "sq"):
            api.revenue.approve("S2", signer=signer)
        api.revenue.disburse("S2", date=dt.date(2026, 11, 20))
        bank = "assets:bank:co-managed:wjxc"
        api.ledger.post([
            commons.Entry(dt.date(2026, 11, 25), "保洁 十一月", (
                commons.Posting("expenses:cleaning:wjxc", Money(3000)),
                commons.Posting(bank, Money(-3000))), "clean-11"),
            commons.Entry(dt.date(2026, 11, 30), "账户管理费", (
                commons.Posting("expenses:bank-charges:wjxc", Money(500)),
                commons.Posting(bank, Money(-500))), "fee-11")])
        api.reconcile.set_account(bank, number="6214 8301 2345 6789", bank="长沙银行雨花支行")
    with commons.connect(tmp_path / "d.db", clock=LATER, actor="committee") as api:
        api.revenue.set_aside("wjxc", "2026-Q4")
        yield api


def test_each_spending_shows_the_authority_the_revenue_duties_recorded(
        paid: commons.Books) -> None:
    d = paid.audit.disclose("wjxc", "2026-11")
    by_purpose = {s.purpose: s for s in d.spending}
    greening, repairs, cleaning, charges = (by_purpose[p] for p in (
        "greening", "repairs", "cleaning", "bank-charges"))
    assert greening.authority is not None and greening.authority.kind == "committee"
    assert ("sq", "community") in greening.authority.approvers
    assert repairs.authority is not None and repairs.authority.resolution == "R-paint"
    assert repairs.authority.title == "楼道粉刷" and repairs.authority.passed is True
    assert repairs.authority.decided_on == dt.date(2026, 12, 1)
    assert (repairs.authority.owners_percent, repairs.authority.area_percent) == (
        "66.67", "66.67")
    assert cleaning.authority is None
    assert charges.authority is not None and charges.authority.kind == "standing"
    # A signer shows by the name recorded for them; one recorded without a name by its id.
    assert set(greening.authority.signed_by) == {("卫技新村居民自治委员会",
                                                  "self-management-committee"),
                                                 ("sq", "community")}
    assert "签批 sq (社区)、卫技新村居民自治委员会 (自管会)" in authority_text(greening)
    assert greening.memo == "greening: flower co-op"  # as posted; the page drops the purpose
    nameless = attrs.evolve(d, spending=tuple(
        attrs.evolve(s, authority=attrs.evolve(s.authority, approver_names=()))
        if s.authority else s for s in d.spending))
    assert nameless.figures_hash == d.figures_hash  # names are not figures
    assert d.opening + d.income_total - d.spending_total + d.other == d.closing
    balance = paid.ledger.balance("assets:bank:co-managed:wjxc",
                                  as_of=dt.date(2026, 11, 30)).balances[0].balance
    assert d.closing == balance


def _disclosed(paid: commons.Books, folder: Path) -> Disclosure:
    notice = folder / "notice.toml"
    notice.write_text(NOTICE, encoding="utf-8")
    return paid.audit.disclose("wjxc", "2026-Q4", notice=notice)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_text_layout_matches_the_golden_file(paid: commons.Books, tmp_path: Path,
                                                 lang: str) -> None:
    golden = GOLDEN if lang == "zh" else GOLDEN.with_name(f"{GOLDEN.stem}.{lang}.txt")
    text = render_text(_disclosed(paid, tmp_path), lang)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_html_and_json_show_the_same_sections(paid: commons.Books, tmp_path: Path,
                                                   lang: str) -> None:
    d = _disclosed(paid, tmp_path)
    text = render_text(d, lang)
    bracket = "【{}】" if lang == "zh" else "[{}]"
    headings = {bracket.format(s.title): s.id for s in statement_rows(d, lang)}
    in_text = [headings[line] for line in text.splitlines() if line in headings]
    checker = PageChecker()
    checker.feed(render_html(d, lang))
    in_html = [a["data-section"] for a in checker.seen["section"]]
    data = disclosure_json(d)
    assert in_text == in_html == data["sections"] == list(SECTIONS)
    assert set(SECTIONS) <= set(data)
    assert len(SECTIONS) == 10


def test_each_item_the_page_must_carry(paid: commons.Books, tmp_path: Path) -> None:
    d = _disclosed(paid, tmp_path)
    text, page, data = render_text(d), render_html(d), disclosure_json(d)
    # The compound's name, community and subdistrict; never its id alone as the title.
    assert text.startswith("卫技新村 公共收益公示 2026-Q4\n街道: 雨花亭  社区: 砂子塘\n")
    assert "<h1>卫技新村 公共收益公示 2026-Q4</h1>" in page
    assert (data["compound_name"], data["community"], data["subdistrict"]) == (
        "卫技新村", "砂子塘", "雨花亭")
    # The bank and the number masked but for the last four digits, nowhere in full.
    assert data["bank"] == {"name": "长沙银行雨花支行", "number_masked": "**** **** **** 6789",
                            "ledger_account": "assets:bank:co-managed:wjxc"}
    for shown in (text, page, str(data)):
        assert "长沙银行雨花支行" in shown and "**** **** **** 6789" in shown
        assert "2345" not in shown.replace(d.head.hash, "").replace(d.figures_hash, "")
    # The period, the publication date, the 公示期 (10 days from the notice), contact and how.
    assert data["publication"] == {
        "published_on": "2027-01-05", "objection_until": "2027-01-14", "objection_days": 10,
        "contact": "自管会 王师傅 138 0000 0000，1栋101", "how_to_object": "书面投递至1栋101信箱"}
    assert "2027-01-05 至 2027-01-14 (10 天)" in text and "2027-01-14" in page
    # The opening balance: the verified opening of 1 October is its own line, not 其他变动.
    assert d.opening == Money(0) and d.opening_recorded == Money(50000)
    assert d.other == Money(0) and "本期入账的核实期初余额  ¥500.00" in text
    # Income by source, spending by purpose (in the HTML too).
    assert [(i.source, i.amount) for i in d.income] == [("advertising", Money(60000)),
                                                        ("parking", Money(100000))]
    by_purpose = page.split('<section id="spending_by_purpose"')[1].split("</section>")[0]
    assert "支出按用途汇总" in by_purpose and ">维修</td>" in by_purpose
    # Each spending's authority in words; bank charges under the account agreement.
    assert "楼道粉刷：业主大会决议 2026-12-01 通过 (户数 66.67%, 面积 66.67%)" in text
    assert "银行账户协议约定的收费（常设规则）" in text
    assert text.count("未记录") == 1  # only the cleaning bill posted by hand
    # The set-aside (made in January for the quarter) and the closing balance.
    assert d.set_aside == d.maintenance_fund > Money(0)
    assert data["set_asides"]["maintenance_fund_set_aside"] == d.set_aside.format()
    assert d.closing == Money(50000 + 160000 - 12000 - 45000 - 3000 - 500)
    assert d.free_balance == d.closing - d.maintenance_fund
    # The signature block: committee, firm and community, named where the notice names them.
    assert [s["party"] for s in data["signatures"]] == ["committee", "firm", "community"]
    assert "卫技新村居民自治委员会" in page and "签字（盖章）" in page
    # The chain head and the statement's hash, and how to check them.
    assert f"commons audit verify --head {d.head.hash}" in text
    assert data["verification"]["figures_hash"] == d.figures_hash
    assert d.figures_hash in page


def test_without_a_notice_the_objection_period_is_seven_days_from_today(
        paid: commons.Books) -> None:
    d = paid.audit.disclose("wjxc", "2026-Q4", contact="王师傅")
    assert d.notice is not None and d.notice.published_on == dt.date(2027, 1, 5)
    assert (d.notice.objection_days, d.notice.objection_until) == (7, dt.date(2027, 1, 11))
    later = paid.audit.disclose("wjxc", "2026-Q4", published_on="2027-01-10",
                                objection_days=14)
    assert later.notice is not None and later.notice.objection_until == dt.date(2027, 1, 23)


def test_a_period_still_running_is_not_published(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "early.db", clock=CLOCK) as api:  # 2026-12-01
        api.ledger.chart("wjxc")
        with raises(commons.InvalidInput, ErrorCode.INVALID_DATE, match="2026-12-31") as e:
            api.audit.disclose("wjxc", "2026-Q4")  # published today, by default
        assert e.value.field == "--published"
        with raises(commons.InvalidInput, ErrorCode.INVALID_DATE) as e:
            api.audit.disclose("wjxc", "2026-Q4", published_on="2026-11-01")
        assert e.value.field == "--published"
        last_day = api.audit.disclose("wjxc", "2026-Q4", published_on="2026-12-31")
        assert last_day.notice is not None
        assert last_day.notice.published_on == dt.date(2026, 12, 31)
        assert api.audit.disclose("wjxc", "2026-11").notice is not None  # ended yesterday


@pytest.mark.parametrize(("text", "code"), [
    ("objection_days = 0\n", ErrorCode.INVALID_INPUT),
    ("objection_days = \"7\"\n", ErrorCode.INVALID_INPUT),
    ("contact = 1\n", ErrorCode.INVALID_INPUT),
    ("deadline = 3\n", ErrorCode.INVALID_INPUT),
    ("[signatures]\nmayor = \"x\"\n", ErrorCode.INVALID_INPUT),
    ("objection_days = \n", ErrorCode.MALFORMED_FILE),
])
def test_a_bad_notice_is_refused_naming_the_file(paid: commons.Books, tmp_path: Path,
                                                 text: str, code: ErrorCode) -> None:
    notice = tmp_path / "bad.toml"
    notice.write_text(text, encoding="utf-8")
    with raises(commons.CommonsError, code) as e:
        paid.audit.disclose("wjxc", "2026-Q4", notice=notice)
    assert e.value.file == str(notice)


def _interest(day: dt.date, external_id: str) -> commons.Entry:
    return commons.Entry(day, "interest", (
        commons.Posting("assets:bank:co-managed:wjxc", Money(100)),
        commons.Posting("income:interest:wjxc", Money(-100))), external_id)


def test_the_statement_hash_holds_while_the_period_is_unchanged(paid: commons.Books) -> None:
    first = paid.audit.disclose("wjxc", "2026-Q4")
    paid.ledger.post([_interest(dt.date(2027, 1, 5), "int-2701")])
    again = paid.audit.disclose("wjxc", "2026-Q4")
    assert again.head != first.head and again.figures_hash == first.figures_hash
    paid.ledger.post([_interest(dt.date(2026, 12, 31), "int-2612")])
    assert paid.audit.disclose("wjxc", "2026-Q4").figures_hash != first.figures_hash


def test_a_printed_head_is_found_on_the_chain_later(paid: commons.Books) -> None:
    printed = paid.audit.disclose("wjxc", "2026-Q4").head
    paid.ledger.post([_interest(dt.date(2027, 1, 5), "int-2701")])
    report = paid.audit.verify(head=printed.hash)
    assert report.ok and report.recorded is not None
    assert (report.recorded.entry, report.recorded.appended) == (printed.id, 1)
    assert report.recorded.date == dt.date(2026, 12, 31)  # the set-aside, at the quarter's end
    newest = paid.audit.verify(head=printed.hash, newest=True)
    assert not newest.ok and newest.problems[0].kind == ProblemKind.HEAD_MISMATCH
    with raises(commons.CommonsError, ErrorCode.HEAD_NOT_ON_CHAIN):
        paid.audit.verify(head="0" * 64)


@pytest.mark.parametrize(("number", "masked"), [
    ("6214830123456789", "**** **** **** 6789"), ("12345", "* 2345"), ("1234", "1234"),
    ("CN12 3456 7890 1234 5678 90", "** **** **** **** **** 7890"), ("", "")])
def test_account_numbers_show_only_their_last_four(number: str, masked: str) -> None:
    assert mask_account_number(number) == masked


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
    assert "楼道粉刷" in text and d.closing.format_symbol() in text


def test_json_shape(paid: commons.Books) -> None:
    data = disclosure_json(paid.audit.disclose("wjxc", "2026-11"))
    assert set(data) >= {"compound", "period", "opening", "closing", "income", "spending",
                         "income_total", "spending_total", "spending_by_purpose", "other"}
    assert all(isinstance(line["amount"], str) for line in data["spending"])
    repairs = next(s for s in data["spending"] if s["purpose"] == "repairs")
    assert repairs["authority"]["resolution"] == "R-paint"
