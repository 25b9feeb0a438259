"""``commons reconcile import|run|report|unmatch`` through click's CliRunner: --help, text,
--json and csv output, the golden text report, and bad files (exit 1, file:line, nothing
stored)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from commons_cli.reconcile import PROFILE_HELP, report_csv
from conftest import Invoke, as_json, ok, refused
from ledger_helpers import BANK, record, write_jsonl

from commons import Money
from commons.app import OutstandingItem, ReconciliationStatement
from commons.errors import ErrorCode
from commons.io.bank_profiles import BUILTIN_PROFILES
from commons.periods import Period

FIXTURES = Path(__file__).parents[1] / "fixtures"
GOLDEN = Path(__file__).parents[1] / "golden"
OCT_XML = FIXTURES / "camt053_001_02_oct.xml"


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; ``UPDATE_GOLDEN=1 pytest`` rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> None:
    """wjxc's books: opening, October's parking, ad and repairs, a deposit on the 31st."""
    ok(cli("ledger", "chart", "wjxc"))
    path = write_jsonl(tmp_path / "oct.jsonl", [
        record("open", "2026-09-30", [(BANK, 100000), ("equity:opening-balance:wjxc", -100000)]),
        record("pk-1002", "2026-10-02", [(BANK, 12000), ("income:parking:wjxc", -12000)],
               memo="停车费 十月"),
        record("ad-q4", "2026-10-08", [(BANK, 50000), ("income:advertising:wjxc", -50000)],
               memo="广告费 Q4"),
        record("rp-1015", "2026-10-15", [("expenses:repairs:wjxc", 8000), (BANK, -8000)],
               memo="维修费"),
        record("pk-1031", "2026-10-31", [(BANK, 30000), ("income:parking:wjxc", -30000)],
               memo="停车费 月末"),
        record("rp-1030", "2026-10-30", [("expenses:repairs:wjxc", 4550), (BANK, -4550)],
               memo="水泵维修 cheque 1030"),
    ])
    ok(cli("ledger", "post", path))


def reconciled(cli: Invoke) -> Any:
    ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    return as_json(cli("--json", "reconcile", "run", "--account", BANK, "--period", "2026-10"))


@pytest.mark.parametrize("args", [
    ("reconcile",), ("reconcile", "import"), ("reconcile", "run"), ("reconcile", "report"),
    ("reconcile", "unmatch"), ("reconcile", "account"), ("reconcile", "lines"),
    ("reconcile", "matches"), ("reconcile", "match"), ("reconcile", "book"),
])
def test_help(cli: Invoke, args: tuple[str, ...]) -> None:
    result = ok(cli(*args, "--help"))
    assert "Usage: commons" in result.stdout


def test_import_text_and_json(cli: Invoke, books: None) -> None:
    result = ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    assert result.stdout == (f"{OCT_XML}: read as camt.053\n"
                             "WJXC-STMT-2026-10: 2026-10-01..2026-10-31, opening 1,000.00, "
                             "closing 1,537.50; 4 lines added, 0 already recorded\n")
    data = as_json(cli("--json", "reconcile", "import", OCT_XML, "--account", BANK))
    assert data == {"account": BANK, "source": str(OCT_XML), "format": "camt.053", "added": 0,
                    "already_recorded": 4, "statements": [
                        {"id": "WJXC-STMT-2026-10", "first_day": "2026-10-01",
                         "last_day": "2026-10-31", "opening": "1000.00", "closing": "1537.50",
                         "lines": 4, "added": 0, "already_recorded": 4, "skipped": [],
                         "notes": []}]}


def test_import_gbk_csv_with_profile_and_encoding(cli: Invoke, books: None) -> None:
    data = as_json(cli("reconcile", "import", FIXTURES / "cn_bank_gbk.csv", "--account", BANK,
                       "--profile", "cn-bank", "--encoding", "gb18030", "--json"))
    assert (data["format"], data["added"]) == ("csv:cn-bank", 4)


def test_run_text_and_json(cli: Invoke, books: None) -> None:
    ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    result = ok(cli("reconcile", "run", "--account", BANK, "--period", "2026-10"))
    assert result.stdout.startswith("matched 3 (reference 1, amount-date 2, many-to-one 0, "
                                    "one-to-many 0); unmatched: 1 bank line, 3 book postings")
    assert "match  kind" in result.stdout
    data = as_json(cli("--json", "reconcile", "run", "--account", BANK, "--period", "2026-10",
                       "--window-days", "5"))
    assert data["matched"] == 0 and data["matches"] == []
    assert set(data) == {"account", "period", "window_days", "matched", "by_kind", "matches",
                         "unmatched_lines", "unmatched_postings"}


@pytest.mark.parametrize("given", [("--window-days", "-3:0"), ("--window-days=-2:5",)])
def test_run_with_a_signed_window(cli: Invoke, books: None, given: tuple[str, ...]) -> None:
    ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    data = as_json(cli("--json", "reconcile", "run", "--account", BANK, "--period", "2026-10",
                       *given))
    assert data["window_days"] == given[-1].removeprefix("--window-days=")
    assert data["matched"] == 3


@pytest.mark.parametrize("window", ["5:1", "3:x", "1:2:3", "400"])
def test_a_malformed_window_is_refused_naming_the_option(cli: Invoke, books: None,
                                                         window: str) -> None:
    ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    refused(cli("reconcile", "run", "--account", BANK, "--period", "2026-10",
                "--window-days", window), ErrorCode.INVALID_INPUT, "--window-days", window)
    lines = as_json(cli("--json", "reconcile", "lines", "--account", BANK))
    assert lines and all(x["match"] is None for x in lines)  # a refused run stores nothing


def test_report_text_golden(cli: Invoke, books: None) -> None:
    reconciled(cli)
    result = ok(cli("reconcile", "report", "--account", BANK, "--period", "2026-10"))
    assert_golden("reconcile_report.txt", result.stdout)


def test_report_json_shape(cli: Invoke, books: None) -> None:
    reconciled(cli)
    data = as_json(cli("--json", "reconcile", "report", "--account", BANK, "--period", "2026-10"))
    assert data == as_json(cli("reconcile", "report", "--account", BANK, "--period", "2026-10",
                               "--format", "json"))
    assert {"account", "period", "book_balance", "bank_balance", "deposits_in_transit",
            "outstanding_payments", "bank_not_in_books", "adjusted_book_balance",
            "adjusted_bank_balance", "difference", "reconciled"} <= set(data)
    assert (data["book_balance"], data["bank_balance"]) == ("1794.50", "1537.50")
    assert [i["amount"] for i in data["deposits_in_transit"]] == ["300.00"]
    assert [i["amount"] for i in data["outstanding_payments"]] == ["-45.50"]
    assert data["bank_not_in_books"] == [{"id": data["bank_not_in_books"][0]["id"],
                                          "date": "2026-10-31", "amount": "-2.50",
                                          "description": "手续费", "reference": "B2610004",
                                          "match": None}]
    assert data["adjusted_book_balance"] == data["adjusted_bank_balance"] == "1792.00"
    assert (data["difference"], data["reconciled"]) == ("0.00", True)


def test_report_csv(cli: Invoke, books: None) -> None:
    reconciled(cli)
    result = ok(cli("reconcile", "report", "--account", BANK, "--period", "2026-10",
                    "--format", "csv"))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["section"] for r in rows] == [
        "book_balance", "bank_not_in_books", "adjusted_book_balance", "bank_balance",
        "deposits_in_transit", "outstanding_payments", "adjusted_bank_balance", "difference"]
    assert rows[-1]["amount"] == "0.00"


def test_unmatch_text_and_json(cli: Invoke, books: None) -> None:
    run = reconciled(cli)
    first, second = run["matches"][0]["id"], run["matches"][1]["id"]
    result = ok(cli("reconcile", "unmatch", str(first)))
    assert result.stdout.startswith(f"undid match {first} (")
    data = as_json(cli("--json", "reconcile", "unmatch", str(second)))
    assert data["id"] == second and data["account"] == BANK
    report = as_json(cli("--json", "reconcile", "report", "--account", BANK, "--period",
                         "2026-10"))
    assert report["reconciled"] and len(report["bank_not_in_books"]) == 3
    refused(cli("reconcile", "unmatch", str(first)), ErrorCode.NOT_FOUND)


def _state(cli: Invoke) -> Any:
    return as_json(cli("--json", "reconcile", "report", "--account", BANK, "--period",
                       "2026-10"))


@pytest.mark.parametrize(("name", "content", "where", "code"), [
    ("bad.csv", "date,amount\n2026-10-02,12x\n", "bad.csv:2: field 'amount'",
     ErrorCode.INVALID_AMOUNT),
    ("fields.csv", "date,amount\n2026-10-02,1.00,3\n", "fields.csv:2",
     ErrorCode.MALFORMED_FILE),
    ("bad.xml", '<?xml version="1.0"?>\n<Document>\n<Stmt>\n</Document>\n', "bad.xml:4",
     ErrorCode.MALFORMED_FILE),
    ("gap.csv", "交易日期,收入金额,支出金额,余额\n2026-11-03,1.00,,1539.50\n", "gap.csv",
     ErrorCode.REFUSED),
    ("integrity.csv", "交易日期,收入金额,支出金额,余额\n2026-11-03,1.00,,1538.50\n"
                      "2026-11-04,1.00,,1540.00\n", "integrity.csv:3: field '余额'",
     ErrorCode.INVALID_INPUT),
])
def test_bad_files_exit_1_naming_the_place_and_store_nothing(
        cli: Invoke, books: None, tmp_path: Path, name: str, content: str, where: str,
        code: ErrorCode) -> None:
    reconciled(cli)
    before = _state(cli)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused(cli("reconcile", "import", path, "--account", BANK), code, where)
    assert _state(cli) == before


def test_wrong_profile_and_usage_errors(cli: Invoke, books: None) -> None:
    refused(cli("reconcile", "import", FIXTURES / "cn_bank_gbk.csv", "--account", BANK,
                "--profile", "generic"),
            ErrorCode.MALFORMED_FILE, "cn_bank_gbk.csv:1")
    refused(cli("reconcile", "import", FIXTURES / "cn_bank_gbk.csv", "--account", BANK,
                "--profile", "hsbc"),
            ErrorCode.INVALID_INPUT, "hsbc")
    refused(cli("reconcile", "import", FIXTURES / "cn_bank_gbk.csv", "--account", BANK,
                "--encoding", "utf-8"),
            ErrorCode.MALFORMED_FILE, "cn_bank_gbk.csv:1")
    refused(cli("reconcile", "report", "--account", BANK, "--period", "2026-10"),
            ErrorCode.NOT_FOUND)
    refused(cli("reconcile", "run", "--account", BANK, "--period", "2026-10",
                "--window-days", "-1"), ErrorCode.INVALID_INPUT, "--window-days")
    assert cli("reconcile", "import", OCT_XML).exit_code == 2


PAYLOADS = ['=HYPERLINK("http://x","y")', "+SUM(1)", "@SUM(A1)", "-2+3", "\tx"]


def _formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row[3:5]
            if cell and cell[0] in "=+-@\t\r"]


def test_report_csv_never_hands_a_spreadsheet_a_formula(cli: Invoke, books: None,
                                                        tmp_path: Path) -> None:
    ok(cli("ledger", "post", write_jsonl(tmp_path / "late.jsonl", [
        record(f"late-{n}", "2026-10-31", [(BANK, 100 + n), ("income:parking:wjxc", -100 - n)],
               memo=memo) for n, memo in enumerate(PAYLOADS[:-1])])))  # the journal refuses a tab
    reconciled(cli)
    text = ok(cli("reconcile", "report", "--account", BANK, "--period", "2026-10",
                  "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    memos = {r["description"] for r in rows}
    assert {"'" + p for p in PAYLOADS[:-1]} <= memos, memos
    assert _formula_cells(text) == []
    assert all(float(r["amount"]) == float(r["amount"]) for r in rows)  # amounts stay numbers


def test_report_csv_neutralises_the_banks_text_and_keeps_amounts_numbers() -> None:
    items = tuple(OutstandingItem(f"line:{n}", dt.date(2026, 10, 31), Money(-100 - n),
                                  description=p, reference=p) for n, p in enumerate(PAYLOADS))
    statement = ReconciliationStatement(BANK, Period.parse("2026-10"), Money(0), Money(0), (),
                                        (), items, dt.date(2026, 10, 1), None)
    text = report_csv(statement)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert _formula_cells(text) == []
    assert [r["reference"] for r in rows if r["section"] == "bank_not_in_books"] == [
        "'" + p for p in PAYLOADS]
    assert [r["amount"] for r in rows if r["section"] == "bank_not_in_books"] == [
        "-1.00", "-1.01", "-1.02", "-1.03", "-1.04"]


def test_record_the_account_number_then_refuse_another_accounts_statement(
        cli: Invoke, books: None) -> None:
    result = ok(cli("reconcile", "account", BANK, "--number", "CN00 00WJ XC00 0000 0000 01"))
    assert result.stdout == f"{BANK}: bank account CN0000WJXC000000000001 in CNY\n"
    refused(cli("reconcile", "import", OCT_XML, "--account", BANK), ErrorCode.OTHER_ACCOUNT,
            "6222020200112233")


def test_lines_in_json_carry_a_signed_yuan_string(cli: Invoke, books: None) -> None:
    ok(cli("reconcile", "import", OCT_XML, "--account", BANK))
    data = as_json(cli("--json", "reconcile", "lines", "--account", BANK, "--unmatched"))
    assert [x["amount"] for x in data] == ["120.00", "500.00", "-80.00", "-2.50"]
    assert set(data[0]) == {"line_id", "date", "amount", "counterparty", "memo", "reference",
                            "statement", "match"}
    booked = as_json(cli("--json", "reconcile", "book", "--account", BANK, "--line",
                         str(data[3]["line_id"]), "--against", "expenses:repairs:wjxc"))
    assert booked["posted"] is True
    shown = as_json(cli("--json", "reconcile", "matches", "--account", BANK, "--period",
                        "2026-10"))
    assert shown[0]["lines"][0]["amount"] == shown[0]["postings"][0]["amount"] == "-2.50"
    result = cli("reconcile", "match", "--account", BANK, "--line", "1", "--posting", "x")
    assert result.exit_code == 2


def test_a_wallet_bill_says_its_profile_and_skipped_rows(cli: Invoke, books: None) -> None:
    bill = FIXTURES / "statements" / "wechat.csv"
    result = ok(cli("reconcile", "import", bill, "--account", BANK, "--opening", "100.00"))
    assert f"{bill}: read as csv:wechat\n" in result.stdout
    assert "  skipped line 19: 收/支 /\n" in result.stdout
    report = as_json(cli("--json", "reconcile", "report", "--account", BANK, "--period",
                         "2026-10"))
    assert report["bank_balance_computed"] is True
    # Found by hand: the CSV statement did not say so.
    shown = ok(cli("reconcile", "report", "--account", BANK, "--period", "2026-10", "--format",
                   "csv")).stdout
    assert "bank_balance,,2026-10-31,,computed (银行余额为推算数),131.50" in shown


def test_an_unknown_match_points_at_the_list_of_matches(cli: Invoke, books: None) -> None:
    """Found by hand: the hint sent a user to --json reports for ids that `reconcile matches`
    lists."""
    refused(cli("reconcile", "unmatch", "999"), ErrorCode.NOT_FOUND,
            "commons reconcile matches --account A --period P")


def test_the_boc_web_export_imports_as_the_bank_saves_it(cli: Invoke, books: None) -> None:
    """UTF-16 with tabs, straight from 中国银行 网银: no conversion, no --profile."""
    export = FIXTURES / "statements" / "boc-web.csv"
    result = ok(cli("reconcile", "import", export, "--account", BANK))
    assert f"{export}: read as csv:boc-web\n" in result.stdout
    assert "  skipped line 11: moves 0.00\n" in result.stdout
    lines = as_json(cli("--json", "reconcile", "lines", "--account", BANK))
    assert [x["amount"] for x in lines] == ["800.00", "-150.00", "-30.00", "0.35"]
    # Found by hand: a wrong --encoding was told to try GB18030, never UTF-16.
    refused(cli("reconcile", "import", export, "--account", BANK, "--encoding", "utf-8"),
            ErrorCode.MALFORMED_FILE, "byte-order mark", "--encoding utf-16")


def test_the_import_help_names_every_built_in_profile(cli: Invoke) -> None:
    shown = " ".join(ok(cli("reconcile", "import", "--help")).stdout.split())
    assert "the most specific" in shown
    assert [n for n in BUILTIN_PROFILES if not re.search(rf"\b{n}\b(?!-)", PROFILE_HELP)] == []
