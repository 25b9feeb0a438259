"""``commons billing ...`` through click's CliRunner: help of every command, the happy path as text
and ``--json`` (amounts as yuan strings), refusals with exit 1 naming file:line:field, and usage
errors with exit 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Invoke, WriteFile, as_json, ok, refused
from test_billing import BUILDINGS, COMPOUNDS, HOUSEHOLDS, SCHEDULE

from commons.errors import ErrorCode

COMMANDS = ["schedule", "invoice", "pay", "arrears", "collection-rate", "receipt"]
PAYMENTS = """\
external_id,date,household,amount,invoice,payer,memo
P-1,2026-08-20,wjxc-1-101,100.00,,王建国,八月
P-2,2026-08-21,zy-1-1-301,82.16,,,
"""


@pytest.fixture
def estate(cli: Invoke, write_file: WriteFile) -> Path:
    """An estate and its schedules; returns the schedule file."""
    ok(cli("estate", "import", "compounds", write_file("compounds.csv", COMPOUNDS),
           "buildings", write_file("buildings.csv", BUILDINGS),
           "households", write_file("households.csv", HOUSEHOLDS)))
    return write_file("schedule.toml", SCHEDULE)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_of_every_billing_command(cli: Invoke, command: list[str]) -> None:
    result = ok(cli("billing", *command, "--help"))
    assert result.stdout.startswith(f"Usage: commons billing {' '.join(command)}".rstrip())


def test_help_documents_the_file_layouts(cli: Invoke) -> None:
    schedule = ok(cli("billing", "schedule", "--help")).stdout
    for text in ("[[schedule.rate]]", "lump_sum", "commission", "half-even", "prepay_months",
                 "on its first day", "schedule,compounds,regime,from,price[,rounding]"):
        assert text in schedule
    assert "external_id,date,household,amount[,invoice][,payer][,memo]" in ok(
        cli("billing", "pay", "--help")).stdout


def test_a_month_of_fees_end_to_end_as_json(cli: Invoke, estate: Path,
                                            write_file: WriteFile) -> None:
    assert as_json(cli("--json", "billing", "schedule", estate)) == {
        "file": str(estate), "new": ["wjxc", "zy"], "updated": [], "already_recorded": []}
    run = as_json(cli("billing", "invoice", "--period", "2026-08", "--json"))
    assert run == {"period": "2026-08", "issued": 4, "already_recorded": 0, "gross": "264.26",
                   "subsidies": "38.48", "concessions": "26.43", "due": "199.35",
                   "credit_applied": "0.00", "compounds": ["wjxc", "zy-1"], "skipped": []}
    again = as_json(cli("--json", "billing", "invoice", "--period", "2026-08"))
    assert (again["issued"], again["already_recorded"]) == (0, 4)
    paid = as_json(cli("--json", "billing", "pay", write_file("pay.csv", PAYMENTS)))
    assert paid == {"file": paid["file"], "recorded": 2, "already_recorded": 0,
                    "amount": "182.16", "applied": "119.64", "credit": "62.52"}
    receipt = as_json(cli("--json", "billing", "receipt", "P-1"))
    assert receipt == {"payment": "P-1", "date": "2026-08-20", "household": "wjxc-1-101",
                       "owner": "王建国", "compound": "wjxc", "payer": "王建国",
                       "amount": "100.00", "amount_chinese": "壹佰元整",
                       "allocations": [{"invoice": "wjxc-1-101:2026-08", "amount": "37.48"}],
                       "credit": "62.52", "memo": "八月"}
    aging = as_json(cli("--json", "billing", "arrears", "--as-of", "2026-10-15"))
    assert aging["buckets"] == {"0-30": "0.00", "31-90": "79.71", "91-180": "0.00",
                                "over-180": "0.00"}
    assert aging["total"] == "79.71" and aging["as_of"] == "2026-10-15"
    assert {a["invoice"]: (a["days"], a["bucket"], a["amount"]) for a in aging["arrears"]} == {
        "wjxc-1-102:2026-08": (75, "31-90", "47.35"), "wjxc-1-201:2026-08": (75, "31-90",
                                                                             "32.36")}
    assert [c["compound"] for c in aging["compounds"]] == ["wjxc"]
    rates = as_json(cli("--json", "billing", "collection-rate", "--period", "2026-08"))
    assert rates["compounds"] == [
        {"compound": "wjxc", "period": "2026-08", "invoices": 3, "billed": "117.19",
         "collected": "37.48", "rate": "31.98", "paid_in_full": 1},
        {"compound": "zy-1", "period": "2026-08", "invoices": 1, "billed": "82.16",
         "collected": "82.16", "rate": "100.00", "paid_in_full": 1}]


def test_a_month_of_fees_as_text(cli: Invoke, estate: Path, write_file: WriteFile) -> None:
    assert "new wjxc, zy; updated -; already recorded -" in ok(
        cli("billing", "schedule", estate)).stdout
    text = ok(cli("billing", "invoice", "--period", "2026-08", "--compound", "wjxc")).stdout
    assert "2026-08: 3 invoices issued, 0 already recorded (wjxc)" in text
    assert "residents owe     117.19" in text
    paid = ok(cli("billing", "pay", write_file("pay.csv", PAYMENTS.splitlines()[0] + "\n"
                                               + PAYMENTS.splitlines()[1] + "\n"))).stdout
    assert "1 payment recorded, 0 already recorded; 100.00 paid" in paid
    receipt = ok(cli("billing", "receipt", "P-1")).stdout
    assert "大写       人民币壹佰元整" in receipt and "¥100.00" in receipt
    arrears = ok(cli("billing", "arrears", "--as-of", "2026-08-31")).stdout
    assert arrears.splitlines()[1].split() == ["compound", "0-30", "31-90", "91-180",
                                               "over-180", "total", "households"]
    assert "wjxc" in arrears and "79.71" in arrears
    rate = ok(cli("billing", "collection-rate", "--period", "2026-08")).stdout
    assert "31.98" in rate


def test_refusals_exit_1_naming_file_line_and_field_and_store_nothing(
        cli: Invoke, estate: Path, write_file: WriteFile) -> None:
    bad_schedule = write_file("bad.toml", SCHEDULE.replace('price = "0.95"', 'price = "0.955"'))
    message = refused(cli("billing", "schedule", bad_schedule), ErrorCode.INVALID_AMOUNT)
    assert "bad.toml: field 'schedule[1].rate[2].price'" in message
    assert as_json(cli("--json", "billing", "invoice", "--period", "2026-08"))["issued"] == 0
    ok(cli("billing", "schedule", estate))
    ok(cli("billing", "invoice", "--period", "2026-08"))
    bad = write_file("bad.csv", PAYMENTS + "P-3,2026-08-22,nobody,1.00,,,\n")
    message = refused(cli("billing", "pay", bad), ErrorCode.NOT_FOUND)
    assert "bad.csv:4: field 'household'" in message
    assert as_json(cli("--json", "billing", "collection-rate", "--period", "2026-08"))[
        "compounds"][0]["collected"] == "0.00"
    refused(cli("billing", "receipt", "P-1"),
            ErrorCode.NOT_FOUND)
    refused(cli("billing", "invoice", "--period", "2025-01",
                "--compound", "wjxc"),
            ErrorCode.REFUSED)
    refused(cli("billing", "invoice", "--period", "2026-8"),
            ErrorCode.INVALID_DATE)
    assert "field '--as-of'" in refused(cli("billing", "arrears", "--as-of", "yesterday"),
                                        ErrorCode.INVALID_DATE)
    refused(cli("billing", "pay", "missing.csv"), ErrorCode.NOT_FOUND)


def test_usage_errors_exit_2(cli: Invoke) -> None:
    assert cli("billing", "invoice").exit_code == 2
    assert cli("billing", "arrears").exit_code == 2
    assert cli("billing", "receipt").exit_code == 2


def test_a_payment_id_twice_in_one_file_names_its_first_line_and_stores_nothing(
        cli: Invoke, estate: Path, write_file: WriteFile, db_path: Path) -> None:
    ok(cli("billing", "schedule", estate))
    ok(cli("billing", "invoice", "--period", "2026-08"))
    with sqlite3.connect(db_path) as conn:
        before = list(conn.iterdump())
    bad = write_file("twice.csv", PAYMENTS + "P-1,2026-08-22,wjxc-1-101,5.00,,,\n")
    message = refused(cli("billing", "pay", bad), ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
    assert "P-1 was recorded" not in message
    with sqlite3.connect(db_path) as conn:
        assert list(conn.iterdump()) == before


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m红\x9b1m\b\u202e"  # no CR: it ends a CSV record


def test_a_receipt_never_hands_the_terminal_an_escape_sequence(
        cli: Invoke, estate: Path, write_file: WriteFile) -> None:
    ok(cli("billing", "schedule", estate))
    ok(cli("billing", "invoice", "--period", "2026-08", "--compound", "wjxc"))
    ok(cli("billing", "pay", write_file("pay.csv", PAYMENTS.splitlines()[0] + "\n"
                                        + f"P-9,2026-08-20,wjxc-1-101,100.00,,王{ESCAPES}建国,"
                                        + f"八月{ESCAPES}\n")))
    receipt = ok(cli("billing", "receipt", "P-9")).stdout
    assert "王]0;pwned[2J[31m红1m建国" in receipt and "八月]0;pwned" in receipt
    assert not [c for c in receipt if c != "\n" and (ord(c) < 32 or 0x7f <= ord(c) < 0xa0
                                                    or c == "\u202e")]
    assert as_json(cli("--json", "billing", "receipt", "P-9"))["memo"] == "八月" + ESCAPES
