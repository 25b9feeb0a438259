"""The marketplace's use cases against real books: orders post to the ledger, the compound's
share reaches its public revenue and disclosure, the blacklist, budgets, the feed's import."""

from __future__ import annotations

import gc
import json
from functools import partial
from pathlib import Path

import pytest
from conftest import raises
from market_helpers import at, marketplace, order

import commons
from commons.errors import ConflictError, ErrorCode, InvalidInput, Problems, RefusedByRule
from commons.io import market_files
from commons.money import Money

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def api(tmp_path: Path) -> commons.Books:
    return marketplace(tmp_path / "m.db", tmp_path)


def balances(api: commons.Books, prefix: str) -> dict[str, Money]:
    return {b.account: b.balance for b in api.ledger.balance(prefix).balances}


def test_a_completed_order_posts_payment_subsidy_and_payable(api: commons.Books) -> None:
    placed = order(api, "o1", until="place")
    assert placed.quote is not None and placed.quote.split.subsidy == Money.yuan("3.60")
    assert not placed.quote.short
    done = order(api, "o1")
    assert done.order.state.value == "completed" and done.status == "recorded"
    assert balances(api, "assets:market") == {"assets:market:wechat-pay": Money.yuan("7.80")}
    assert balances(api, "assets:receivable:subsidy") == {
        "assets:receivable:subsidy:street-office": Money.yuan("3.60")}
    assert balances(api, "liabilities:payable:provider") == {
        "liabilities:payable:provider:canteen": Money.yuan("-11.40")}


def test_an_event_sent_twice_is_a_no_op_and_other_content_a_conflict(api: commons.Books
                                                                      ) -> None:
    order(api, "o1", until="accept")
    again = api.market.event("o1", "accept", at=at(3, 11, 5))
    assert again.status == "already recorded"
    with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.market.event("o1", "accept", at=at(3, 11, 6))


def test_an_illegal_move_is_refused_with_the_state_and_changes_nothing(api: commons.Books
                                                                       ) -> None:
    order(api, "o1", until="place")
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE, match="placed") as info:
        api.market.event("o1", "complete", at=at(3, 12))
    assert info.value.context["state"] == "placed"
    assert api.market.order("o1").state.value == "placed"
    api.market.event("o1", "cancel", at=at(3, 12))
    with raises(RefusedByRule, ErrorCode.ILLEGAL_MOVE, match="cancelled"):
        api.market.event("o1", "accept", at=at(3, 13))


def test_a_spent_budget_is_told_before_placing_and_never_exceeded(tmp_path: Path) -> None:
    api = marketplace(tmp_path / "m.db", tmp_path, budget="5.00")
    order(api, "o1")
    second = order(api, "o2", until="place")
    assert second.quote is not None and second.quote.short
    assert second.quote.split.subsidy == Money.yuan("1.40")
    assert "spent" in second.quote.note
    order(api, "o2")
    claim = api.market.claims("street-office", "2026-11")
    assert claim.total == Money.yuan("5.00")


def test_the_settlement_credits_the_share_to_public_revenue_once(api: commons.Books) -> None:
    order(api, "o1")
    order(api, "o2", service="care", household="jx171-102", resident="r-jiang")
    run = api.market.settle("2026-11")
    assert run.posted == 2 and run.already_recorded == 0
    canteen = next(s for s in run.settlements if s.provider == "canteen")
    assert (canteen.gross, canteen.compound_share) == (Money.yuan("12.00"), Money.yuan("1.20"))
    assert canteen.net_payable == Money.yuan("10.20")
    assert canteen.gross == canteen.resident_paid + canteen.subsidy + canteen.concession
    statement = api.revenue.statement("jx171", period_from="2026-11", period_to="2026-11")
    income = {line.account: line.amount for line in statement.income}
    assert income == {"income:marketplace:jx171": Money.yuan("4.20")}
    disclosure = api.audit.disclose("jx171", "2026-11")
    assert {(i.source, i.amount) for i in disclosure.income} == {
        ("marketplace", Money.yuan("4.20"))}
    head = api.ledger.balance().balances
    again = api.market.settle("2026-11")
    assert (again.posted, again.already_recorded) == (0, 2)
    assert api.ledger.balance().balances == head
    assert api.market.statement("canteen", "2026-11").settled


def test_a_completion_in_a_settled_month_is_refused(api: commons.Books) -> None:
    order(api, "o1")
    order(api, "o2", until="start")
    api.market.settle("2026-11")
    with raises(RefusedByRule, ErrorCode.CLOSED_PERIOD):
        api.market.event("o2", "complete", at=at(4))


def test_a_blacklisted_firm_cannot_list_take_orders_or_be_paid(api: commons.Books) -> None:
    order(api, "o1", service="fix", resident=None, until="place")
    api.contracts.party_score("shinan-pm", year=2026, score="5.5", on="2026-11-02")
    order(api, "o1", service="fix", resident=None, until="place")  # placed before: no change
    assert api.market.provider("repairs").status.value == "blacklisted"
    with raises(RefusedByRule, ErrorCode.BLACKLISTED):
        api.market.add_service("fix2", provider="repairs", category="repair-call-out",
                               name="维修", unit="call-out", price="40.00", compounds="jx171")
    with raises(RefusedByRule, ErrorCode.BLACKLISTED):
        api.market.event("o1", "accept", at=at(3))
    with raises(RefusedByRule, ErrorCode.BLACKLISTED):
        order(api, "o2", service="fix", resident=None, until="place")


def test_orders_taken_after_a_late_blacklisting_are_withheld(api: commons.Books) -> None:
    order(api, "o1", service="fix", resident=None, day=5)
    api.contracts.party_score("shinan-pm", year=2026, score="4", on="2026-11-04")
    statement = api.market.statement("repairs", "2026-11")
    assert not statement.settled and statement.settlement.withheld == ("o1",)
    assert statement.settlement.net_payable == Money.zero()


def test_a_full_refund_takes_back_everything_and_frees_the_subsidy(api: commons.Books) -> None:
    order(api, "o1")
    api.market.event("o1", "dispute", at=at(4), comment="凉了")
    api.market.event("o1", "resolve", at=at(5))
    assert all(not m for m in balances(api, "assets:receivable").values())
    assert all(not m for m in balances(api, "liabilities:payable:provider").values())
    assert not api.market.claims("street-office", "2026-11").lines
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        order(api, "o2")
        api.market.event("o2", "dispute", at=at(4))
        api.market.event("o2", "resolve", at=at(5), refund=Money.yuan("9.00"))


@pytest.mark.parametrize(("size", "workers"), [(2, 1), (20_000, 1), (2, 2)])
def test_the_feed_imports_all_or_nothing_and_again_changes_nothing(
        api: commons.Books, tmp_path: Path, size: int, workers: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # In chunks of 2 lines an order's events span chunks, and the refused line comes after
    # earlier chunks were written: the whole import must still leave nothing. With two
    # workers even this small feed is parsed in a second process.
    monkeypatch.setattr(market_files, "read_events", partial(market_files.read_events, size=size))
    monkeypatch.setattr(market_files, "PARALLEL_FROM_BYTES", 0)
    feed = tmp_path / "events.jsonl"
    lines = [{"id": "e1", "type": "place", "order": "f1", "at": at(6, 9), "service": "meal",
              "household": "jx171-101", "resident": "r-yu", "channel": "支付宝"},
             {"id": "e2", "type": "accept", "order": "f1", "at": at(6, 9, 1)},
             {"id": "e3", "type": "start", "order": "f1", "at": at(6, 9, 10)},
             {"id": "e4", "type": "complete", "order": "f1", "at": at(6, 9, 40)},
             {"id": "e5", "type": "rate", "order": "f1", "at": at(6, 10), "stars": 5}]
    bad = [*lines, {"id": "e6", "type": "accept", "order": "f1", "at": at(6, 11)}]
    feed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in bad), "utf-8")
    with raises(Problems, ErrorCode.ILLEGAL_MOVE, match="events.jsonl:6"):
        api.market.import_events(feed, workers=workers)
    assert gc.isenabled()  # the import paused the cycle collector, and not for good
    with raises(commons.NotFound, ErrorCode.NOT_FOUND):
        api.market.order("f1")
    feed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    first = api.market.import_events(feed, workers=workers)
    assert (first.applied, first.already_recorded, first.orders) == (5, 0, 1)
    head = api.ledger.balance().balances
    again = api.market.import_events(feed, workers=workers)
    assert (again.applied, again.already_recorded) == (0, 5)
    assert api.ledger.balance().balances == head
    assert api.market.order("f1").stars == 5 and api.market.order("f1").channel == "alipay"


def test_search_sorts_by_the_households_own_price(api: commons.Books) -> None:
    api.market.add_provider("canteen2", name="另一家食堂", kind="merchant", areas="jx171")
    api.market.add_service("meal2", provider="canteen2", category="canteen-meal", name="午餐",
                           unit="meal", price="11.50", compounds="jx171")
    aged = api.market.search("jx171-101", category="canteen-meal")  # 30% off, 5% conceded
    assert [(h.service.id, h.quote.split.resident) for h in aged] == [
        ("meal2", Money.yuan("7.47")), ("meal", Money.yuan("7.80"))]
    young = api.market.search("jx171-102", category="canteen-meal")
    assert [(h.service.id, h.quote.split.resident) for h in young] == [
        ("meal2", Money.yuan("11.50")), ("meal", Money.yuan("12.00"))]
    assert {h.service.id for h in api.market.search("ls-1-101")} == {"fix"}


def test_listing_rules(api: commons.Books) -> None:
    api.market.category("canteen-meal", name="长者食堂", accept_within=15, done_within=90,
                        ceiling="15.00")
    with raises(RefusedByRule, ErrorCode.ABOVE_CEILING):
        api.market.add_service("dear", provider="canteen", category="canteen-meal",
                               name="午餐", unit="meal", price="15.50", compounds="jx171")
    api.market.suspend("canteen")
    with raises(RefusedByRule, ErrorCode.REFUSED):
        order(api, "o1", until="place")


def test_the_report_and_the_service_record(api: commons.Books) -> None:
    order(api, "o1")
    api.market.event("o1", "rate", at=at(4), stars=4, comment="好")
    order(api, "o2", until="place")
    api.market.event("o2", "cancel", at=at(3, 12))
    report = api.market.report("2026-11", compound="jx171")
    canteen = report.providers[0]
    assert (canteen.orders, canteen.completed, canteen.cancelled) == (2, 1, 1)
    assert (canteen.levels_measured, canteen.levels_met) == (1, 1)  # 5 <= 15, 50 <= 90 min
    card = api.market.provider("canteen")
    assert (card.levels_measured, card.levels_met, card.ratings) == (1, 1, 1)
    api.market.category("canteen-meal", name="meal", accept_within=1, done_within=90)
    assert api.market.provider("canteen").levels_met == 0
    record = api.market.service_record("canteen", "2026-11")
    assert [p.provider for p in record.providers] == ["canteen"]


def test_the_demo_courtyard_ends_with_its_share_disclosed(tmp_path: Path) -> None:
    from commons.demo import run_demo

    with commons.connect(tmp_path / "demo.db") as books:
        step = next(s for s in run_demo(books).steps if s.topic == "market")
        assert any("社区服务分成" in line and "¥123.70" in line for line in step.lines)
        assert any("lunch-28-0 cancelled" in line for line in step.lines)
        claim = books.market.claims("shinan-street-office", "2026-11")
        settled = books.market.statement("jx-canteen", "2026-11")
        assert settled.settled and claim.total == settled.settlement.subsidy
        head = books.ledger.balance().balances
        run_demo(books)
        assert books.ledger.balance().balances == head
