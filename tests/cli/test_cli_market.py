"""``commons market ...``: every command's help, the JSON shapes hosts rely on, refusals with
their codes, and the event feed imported by the installed command in a real process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, refused, refused_json
from market_helpers import at, marketplace
from test_cli_split import console_script

from commons.errors import ErrorCode

SETTLEMENT_KEYS = {"provider", "period", "orders", "gross", "resident_paid", "subsidy",
                   "concession", "compound_share", "net_payable", "lines"}
COMMANDS = [
    ["category", "add"], ["category", "list"], ["provider", "add"], ["provider", "list"],
    ["provider", "show"], ["provider", "suspend"], ["service", "add"], ["service", "list"],
    ["service", "search"], ["resident", "add"], ["agreement", "add"], ["subsidy", "add"],
    *[["order", step] for step in ("place", "accept", "start", "complete", "cancel",
                                   "dispute", "resolve", "rate", "show")],
    ["import"], ["settle"], ["statement"], ["claims"], ["report"]]


@pytest.fixture
def books(db_path: Path, tmp_path: Path) -> Path:
    marketplace(db_path, tmp_path).close()
    return db_path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(cli: Invoke, command: list[str]) -> None:
    shown = ok(cli("market", *command, "--help")).stdout
    assert "--json" in shown and f"market {' '.join(command)}" in shown


def test_a_month_through_the_command_line(cli: Invoke, books: Path) -> None:
    placed = as_json(cli("market", "order", "place", "o1", "--service", "meal", "--household",
                         "jx171-101", "--resident", "r-yu", "--at", at(3, 11), "--json"))
    assert (placed["state"], placed["resident_pays"], placed["subsidy"]) == \
        ("placed", "7.80", "3.60")
    for step, minute in (("accept", 5), ("start", 20), ("complete", 50)):
        ok(cli("market", "order", step, "o1", "--at", at(3, 11, minute)))
    rated = as_json(cli("market", "order", "rate", "o1", "--stars", "5", "--comment", "好吃",
                        "--at", at(4), "--json"))
    assert rated["stars"] == 5
    settled = as_json(cli("market", "settle", "--period", "2026-11", "--json"))
    canteen = settled["providers"][0]
    assert set(canteen) >= SETTLEMENT_KEYS
    assert (canteen["gross"], canteen["compound_share"], canteen["net_payable"]) == \
        ("12.00", "1.20", "10.20")
    assert canteen["lines"][0]["order"] == "o1"
    statement = as_json(cli("market", "statement", "canteen", "--period", "2026-11", "--json"))
    assert statement["settled"] and set(statement) >= SETTLEMENT_KEYS
    again = as_json(cli("market", "settle", "--period", "2026-11", "--json"))
    assert again["providers"] == settled["providers"]
    claim = as_json(cli("market", "claims", "--funder", "street-office", "--period", "2026-11",
                        "--json"))
    assert claim["total"] == "3.60" and claim["lines"][0]["tag"] == "aged-80+"
    report = as_json(cli("market", "report", "--period", "2026-11", "--compound", "jx171",
                         "--json"))
    assert report["providers"][0]["rating"] == "5.00"
    assert "canteen" in ok(cli("market", "statement", "canteen", "--period", "2026-11")).stdout
    hits = as_json(cli("market", "service", "search", "jx171-101", "--json"))["services"]
    assert [h["price"] for h in hits] == sorted((h["price"] for h in hits), key=float)


def test_listing_from_the_command_line(cli: Invoke, books: Path) -> None:
    shown = as_json(cli("market", "provider", "show", "repairs", "--json"))["providers"][0]
    assert shown["status"] == "active" and shown["firm"] == "shinan-pm"
    ok(cli("market", "category", "add", "canteen-meal", "--name", "长者食堂", "--ceiling", "15"))
    refused(cli("market", "service", "add", "dear", "--provider", "canteen", "--category",
                "canteen-meal", "--name", "午餐", "--unit", "meal", "--price", "16.00",
                "--compounds", "jx171"), ErrorCode.ABOVE_CEILING, "dear")
    assert as_json(cli("market", "provider", "suspend", "canteen", "--json"))["status"] == \
        "suspended"
    assert "suspended" in ok(cli("market", "provider", "list")).stdout


def test_wrong_inputs_are_refused_with_codes(cli: Invoke, books: Path) -> None:
    ok(cli("market", "order", "place", "o1", "--service", "meal", "--household", "jx171-101",
           "--at", at(3)))
    error = refused_json(cli("market", "order", "complete", "o1", "--at", at(3, 13), "--json"),
                         ErrorCode.ILLEGAL_MOVE)
    assert error["context"]["state"] == "placed"
    refused(cli("market", "order", "accept", "o9", "--at", at(3)), ErrorCode.NOT_FOUND, "o9")
    refused(cli("market", "order", "place", "o2", "--service", "nope", "--household",
                "jx171-101"), ErrorCode.NOT_FOUND, "nope")
    refused(cli("market", "order", "accept", "o1", "--at", "yesterday"), ErrorCode.INVALID_DATE)
    refused(cli("market", "settle", "--period", "2026-13"), ErrorCode.INVALID_DATE)
    refused(cli("market", "subsidy", "add", "p", "--funder", "f", "--tag", "t", "--categories",
                "canteen-meal", "--percent", "120", "--cap", "1", "--budget", "1"),
            ErrorCode.INVALID_AMOUNT)
    assert cli("market", "order", "rate", "o1", "--stars", "9").exit_code == 2


@pytest.mark.slow
def test_the_installed_command_imports_a_feed_in_a_real_process(books: Path,
                                                                 tmp_path: Path) -> None:
    feed = tmp_path / "events.jsonl"
    events = [{"id": "e1", "type": "place", "order": "f1", "at": at(6, 9), "service": "care",
               "household": "jx171-102", "channel": "cash"},
              {"id": "e2", "type": "accept", "order": "f1", "at": at(6, 9, 30)},
              {"id": "e3", "type": "start", "order": "f1", "at": at(6, 10)},
              {"id": "e4", "type": "complete", "order": "f1", "at": at(6, 12)}]
    feed.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMMONS_DB"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([console_script(), "--db", str(books), *args], capture_output=True,
                              text=True, check=False, env=env, timeout=120)

    first = run("market", "import", str(feed), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["applied"] == 4
    again = run("market", "import", str(feed), "--json")
    assert json.loads(again.stdout)["already_recorded"] == 4
    feed.write_text(feed.read_text("utf-8") + '{"id": "e5", "type": "start", "order": "f1", '
                    f'"at": "{at(6, 13)}"}}\n', "utf-8")
    bad = run("market", "import", str(feed))
    assert bad.returncode == 1 and "illegal_move" in bad.stderr and "events.jsonl:5" in bad.stderr
    shown = run("market", "order", "show", "f1", "--json")
    assert json.loads(shown.stdout)["state"] == "completed"


def test_the_evaluation_shows_the_firm_s_marketplace_record(cli: Invoke, books: Path) -> None:
    ok(cli("contract", "bundle", "add", "jx", "jx171"))
    ok(cli("contract", "sign", "k-jx", "--bundle", "jx", "--firm", "shinan-pm", "--from",
           "2026-01-01", "--to", "2026-12-31", "--regime", "lump_sum", "--price", "0.60"))
    ok(cli("market", "order", "place", "f1", "--service", "fix", "--household", "jx171-101",
           "--at", at(3, 9)))
    for step, minute in (("accept", 45), ("start", 50), ("complete", 55)):  # accepted late
        ok(cli("market", "order", step, "f1", "--at", at(3, 9, minute)))
    ok(cli("market", "order", "dispute", "f1", "--at", at(4), "--comment", "又漏水了"))
    scored = as_json(cli("--json", "contract", "evaluate", "k-jx", "2026-11", "--street-office",
                         "90", "--community", "80", "--committee", "70"))
    assert scored["market"] == {"orders": 1, "levels_measured": 1, "levels_met": 0,
                                "complaints": 1, "levels_points": "10.00",
                                "complaint_points": "10.00", "deduction": "20.00"}
    assert (scored["weighted_score"], scored["score"]) == ("81.00", "61.00")
    shown = ok(cli("contract", "settle", "k-jx", "2026-11")).stdout
    assert "marketplace record: 1 order, 0 of 1 completed within service levels" in shown
    assert "score 61.00" in shown
