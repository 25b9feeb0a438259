"""``commons market ...``: the faults a new user's trial found, each held by its error code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, raises, refused, refused_json
from market_helpers import at, clock, marketplace

import commons
from commons.errors import ErrorCode
from commons.periods import Period


@pytest.fixture
def books(db_path: Path, tmp_path: Path) -> Path:
    marketplace(db_path, tmp_path).close()
    return db_path


def test_a_missing_feed_or_a_folder_is_refused_by_name(cli: Invoke, books: Path,
                                                       tmp_path: Path) -> None:
    missing = tmp_path / "nofile.jsonl"
    refused(cli("market", "import", missing), ErrorCode.NOT_FOUND, "nofile.jsonl")
    refused(cli("market", "import", tmp_path), ErrorCode.NOT_FOUND, str(tmp_path))


def test_a_mistyped_feed_creates_no_database(cli: Invoke, db_path: Path,
                                              tmp_path: Path) -> None:
    refused(cli("market", "import", tmp_path / "nofile.jsonl"), ErrorCode.NOT_FOUND)
    assert not db_path.exists()


def test_a_lowered_ceiling_unlists_the_dearer_services(cli: Invoke, books: Path,
                                                       tmp_path: Path) -> None:
    ok(cli("market", "service", "add", "lunch", "--provider", "canteen", "--category",
           "canteen-meal", "--name", "午餐", "--unit", "meal", "--price", "14.00",
           "--compounds", "jx171"))
    lowered = as_json(cli("market", "category", "add", "canteen-meal", "--name", "长者食堂",
                          "--ceiling", "13.00", "--json"))
    assert [s["id"] for s in lowered["above_ceiling"]] == ["lunch"]
    assert lowered["above_ceiling"][0]["price"] == "14.00"
    shown = ok(cli("market", "category", "add", "canteen-meal", "--name", "长者食堂",
                   "--ceiling", "13.00")).stdout
    assert "lunch" in shown and "14.00" in shown
    hits = as_json(cli("market", "service", "search", "jx171-101", "--json"))["services"]
    assert "lunch" not in [h["service"] for h in hits] and "meal" in [h["service"] for h in hits]
    refused(cli("market", "order", "place", "o1", "--service", "lunch", "--household",
                "jx171-101", "--at", at(3)), ErrorCode.ABOVE_CEILING, "lunch", "14.00", "13.00")
    ok(cli("market", "order", "place", "o2", "--service", "meal", "--household", "jx171-101",
           "--at", at(3)))
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "e1", "type": "place", "order": "f1", "at": at(4),
                                "service": "lunch", "household": "jx171-102"}) + "\n", "utf-8")
    refused(cli("market", "import", feed), ErrorCode.ABOVE_CEILING, "feed.jsonl:1", "lunch")
    raised = as_json(cli("market", "category", "add", "canteen-meal", "--name", "长者食堂",
                         "--ceiling", "14.00", "--json"))
    assert raised["above_ceiling"] == []
    ok(cli("market", "order", "place", "o3", "--service", "lunch", "--household", "jx171-101",
           "--at", at(3)))


def test_reconfiguring_a_category_keeps_what_is_not_given(cli: Invoke, books: Path) -> None:
    ok(cli("market", "category", "add", "canteen-meal", "--name", "长者食堂", "--ceiling",
           "15.00", "--accept-within", "15", "--done-within", "90"))
    again = as_json(cli("market", "category", "add", "canteen-meal", "--name", "长者助餐",
                        "--json"))
    assert (again["name"], again["accept_within"], again["done_within"], again["ceiling"]) == \
        ("长者助餐", 15, 90, "15.00")
    lifted = as_json(cli("market", "category", "add", "canteen-meal", "--name", "长者助餐",
                         "--no-ceiling", "--json"))
    assert (lifted["accept_within"], lifted["ceiling"]) == (15, None)
    fresh = as_json(cli("market", "category", "add", "laundry", "--name", "洗衣", "--json"))
    assert (fresh["accept_within"], fresh["done_within"]) == (60, 1440)
    refused(cli("market", "category", "add", "laundry", "--name", "洗衣", "--ceiling", "5",
                "--no-ceiling"), ErrorCode.INVALID_INPUT)


def test_a_month_still_running_cannot_be_settled(db_path: Path, tmp_path: Path) -> None:
    """By the session's clock: 6 December settles November, not December nor May."""
    api = commons.connect(db_path, clock=clock("2026-12-06T10:00:00"))
    marketplace(db_path, tmp_path).close()
    for month in ("2026-12", "2027-05"):
        with raises(commons.InvalidInput, ErrorCode.INVALID_DATE, match="2027-01-01|2027-06-01"):
            api.market.settle(month)
    assert api.market.settle("2026-11").period == Period.parse("2026-11")
    api.close()


def test_settling_the_running_month_is_refused_on_the_command_line(cli: Invoke, books: Path
                                                                   ) -> None:
    error = refused_json(cli("market", "settle", "--period", "2099-01", "--json"),
                         ErrorCode.INVALID_DATE)
    assert "2099-02-01" in error["fix"]


def test_search_refuses_a_stranger_and_an_unknown_category(cli: Invoke, books: Path) -> None:
    refused(cli("market", "service", "search", "jx171-101", "--resident", "r-jiang"),
            ErrorCode.INVALID_INPUT, "r-jiang", "jx171-101")
    refused(cli("market", "service", "search", "jx171-101", "--resident", "nobody"),
            ErrorCode.INVALID_INPUT, "nobody")
    error = refused(cli("market", "service", "search", "jx171-101", "--category", "canteen"),
                    ErrorCode.NOT_FOUND, "canteen", "canteen-meal")
    assert "did you mean" in error
    refused(cli("market", "service", "add", "x", "--provider", "canteen", "--category",
                "canteen-mael", "--name", "x", "--unit", "meal", "--price", "1",
                "--compounds", "jx171"), ErrorCode.NOT_FOUND, "canteen-meal")


def test_search_shows_the_levels_and_whose_subsidy_the_price_assumes(cli: Invoke,
                                                                    books: Path) -> None:
    hits = as_json(cli("market", "service", "search", "jx171-101", "--sort", "levels",
                       "--json"))["services"]
    meal = next(h for h in hits if h["service"] == "meal")
    assert (meal["resident"], meal["price"]) == ("r-yu", "7.80")
    assert next(h for h in hits if h["service"] == "fix")["resident"] is None
    assert {"levels_share", "levels_met", "levels_measured"} <= set(meal)
    shown = ok(cli("market", "service", "search", "jx171-101", "--sort", "levels")).stdout
    assert "levels" in shown.splitlines()[0] and "r-yu" in shown
    placed = as_json(cli("market", "order", "place", "o1", "--service", "meal", "--household",
                         "jx171-101", "--at", at(3), "--json"))
    assert placed["resident_pays"] == "12.00" and "r-yu" in placed["note"]
    named = as_json(cli("market", "order", "place", "o2", "--service", "meal", "--household",
                        "jx171-101", "--resident", "r-yu", "--at", at(3), "--json"))
    assert "note" not in named or "r-yu" not in named["note"]


def test_the_report_refuses_an_unknown_compound(cli: Invoke, books: Path) -> None:
    error = refused(cli("market", "report", "--period", "2026-11", "--compound", "nowhere"),
                    ErrorCode.NOT_FOUND, "nowhere")
    assert "jx171" in error
    ok(cli("market", "report", "--period", "2026-11", "--compound", "jx171"))


def test_the_completion_rate_leaves_open_orders_out(cli: Invoke, books: Path) -> None:
    for oid in ("o1", "o2", "o3"):
        ok(cli("market", "order", "place", oid, "--service", "meal", "--household",
               "jx171-102", "--at", at(3, 9)))
    for step, minute in (("accept", 5), ("start", 10), ("complete", 30)):
        ok(cli("market", "order", step, "o1", "--at", at(3, 9, minute)))
    ok(cli("market", "order", "cancel", "o2", "--at", at(3, 10)))
    (canteen,) = as_json(cli("market", "report", "--period", "2026-11", "--json"))["providers"]
    assert (canteen["orders"], canteen["completed"], canteen["cancelled"],
            canteen["completion_rate"]) == (3, 1, 1, "0.50")


def _completed(cli: Invoke, oid: str) -> None:
    ok(cli("market", "order", "place", oid, "--service", "meal", "--household", "jx171-102",
           "--at", at(3, 9)))
    for step, minute in (("accept", 5), ("start", 10), ("complete", 30)):
        ok(cli("market", "order", step, oid, "--at", at(3, 9, minute)))


def test_rating_an_order_twice_is_an_illegal_move(cli: Invoke, books: Path,
                                                  tmp_path: Path) -> None:
    _completed(cli, "o-3")
    ok(cli("market", "order", "rate", "o-3", "--stars", "5", "--at", at(4)))
    again = ok(cli("market", "order", "rate", "o-3", "--stars", "5", "--at", at(4)))
    assert "already recorded" in again.stdout
    ok(cli("market", "order", "rate", "o-3", "--stars", "5"))  # the same, no time: a no-op
    refused(cli("market", "order", "rate", "o-3", "--stars", "3", "--at", at(5)),
            ErrorCode.ILLEGAL_MOVE, "o-3", "rated 5 already")
    refused(cli("market", "order", "rate", "o-3", "--stars", "3"),
            ErrorCode.ILLEGAL_MOVE, "o-3", "rated 5 already")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "o-3:rate", "type": "rate", "order": "o-3",
                                "at": at(6), "stars": 1}) + "\n", "utf-8")
    refused(cli("market", "import", feed), ErrorCode.ILLEGAL_MOVE, "feed.jsonl:1", "o-3")
    assert as_json(cli("market", "order", "show", "o-3", "--json"))["stars"] == 5


def test_messages_say_what_was_wrong(cli: Invoke, books: Path, tmp_path: Path) -> None:
    both = refused(cli("market", "agreement", "add", "a1", "--provider", "canteen",
                       "--compound", "jx171", "--from", "2026-11-01", "--share-percent", "10",
                       "--fixed", "100"), ErrorCode.INVALID_INPUT, "a1")
    assert "not both" in both
    day = refused_json(cli("--json", "market", "agreement", "add", "a1", "--provider",
                           "canteen", "--compound", "jx171", "--from", "2026-02-30", "--fixed",
                           "100"), ErrorCode.INVALID_DATE)
    assert "calendar" in day["what"] and day["where"]["field"] == "--from"
    refused(cli("market", "agreement", "add", "a1", "--provider", "canteen", "--compound",
                "jx171", "--from", "2026/2/3", "--fixed", "100"), ErrorCode.INVALID_DATE)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "e1", "type": "place", "order": "f1",
                                "at": "2026-02-30T09:30:00+08:00", "service": "meal",
                                "household": "jx171-102"}) + "\n", "utf-8")
    error = refused_json(cli("market", "import", feed, "--json"), ErrorCode.INVALID_DATE)
    assert "+08:00" in error["problems"][0]["fix"]  # an instant, not a date alone


def test_a_resolved_order_shows_its_refund(cli: Invoke, books: Path) -> None:
    _completed(cli, "o-4")
    ok(cli("market", "order", "dispute", "o-4", "--at", at(4)))
    shown = ok(cli("market", "order", "resolve", "o-4", "--at", at(5))).stdout
    assert "refunded in full" in shown and "the household pays" not in shown
    _completed(cli, "o-5")
    ok(cli("market", "order", "dispute", "o-5", "--at", at(4)))
    shown = ok(cli("market", "order", "resolve", "o-5", "--refund", "2.00", "--at", at(5))).stdout
    assert "refunded 2.00" in shown and "10.00 in the end" in shown


@pytest.mark.parametrize(("given", "stored"), [("现金", "cash"), ("支付宝", "alipay"),
                                               ("微信支付", "wechat-pay"), ("cash", "cash")])
def test_order_place_takes_the_channels_the_feed_takes(cli: Invoke, books: Path, given: str,
                                                       stored: str) -> None:
    placed = as_json(cli("market", "order", "place", "o1", "--service", "meal", "--household",
                         "jx171-102", "--channel", given, "--at", at(3), "--json"))
    assert placed["channel"] == stored


def test_a_channel_not_known_is_refused_by_the_library(cli: Invoke, books: Path) -> None:
    refused(cli("market", "order", "place", "o1", "--service", "meal", "--household",
                "jx171-102", "--channel", "cheque", "--at", at(3)), ErrorCode.INVALID_INPUT,
            "cheque")


def test_the_percent_options_are_percentages(cli: Invoke) -> None:
    shown = ok(cli("market", "subsidy", "add", "--help")).stdout
    assert "--percent PERCENT" in shown and "--concession PERCENT" in shown


def test_the_words_agree(cli: Invoke, books: Path) -> None:
    shown = ok(cli("market", "service", "add", "sit", "--provider", "childcare", "--category",
                   "childcare-hour", "--name", "看护", "--unit", "hour", "--price", "40.00",
                   "--compounds", "jx171")).stdout
    assert "40.00 an hour" in shown
    _completed(cli, "o1")
    stderr = refused(cli("market", "order", "cancel", "o1", "--at", at(4)),
                     ErrorCode.ILLEGAL_MOVE, "o1")
    assert "cancelled" in stderr and "canceld" not in stderr
    shown = ok(cli("market", "statement", "canteen", "--period", "2026-11")).stdout
    assert "1 order," in shown
