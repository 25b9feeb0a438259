"""``commons ledger accounts`` and ``commons report balance-sheet|income``: the layouts (golden
files), JSON, CSV and XLSX, every option's values, and wrong inputs refused with their codes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, refused
from ledger_helpers import record, write_jsonl

from commons.errors import ErrorCode

GOLDEN = Path(__file__).parents[1] / "golden"
W, Z = "wjxc", "zy-1"


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; ``UPDATE_GOLDEN=1 pytest`` rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    """Two compounds' charts and a quarter of entries: an opening balance, income in each
    month, an expense owed then paid, bank charges, and one entry of zy-1."""
    ok(cli("ledger", "chart", W))
    ok(cli("ledger", "chart", Z))
    bank, zbank = f"assets:bank:co-managed:{W}", f"assets:bank:co-managed:{Z}"
    path = write_jsonl(tmp_path / "q4.jsonl", [
        record("open", "2026-09-30", [(bank, 1_000_000), (f"equity:opening-balance:{W}",
                                                         -1_000_000)]),
        record("pk-10", "2026-10-05", [(bank, 120_000), (f"income:parking:{W}", -120_000)]),
        record("ad-q4", "2026-10-20", [(f"assets:receivable:{W}", 450_000),
                                       (f"income:advertising:{W}", -450_000)]),
        record("zy-rent", "2026-10-15", [(zbank, 60_000), (f"income:rent:{Z}", -60_000)]),
        record("clean-11", "2026-11-10", [(f"expenses:cleaning:{W}", 80_000),
                                          (f"liabilities:payable:firm:{W}", -80_000)]),
        record("pay-11", "2026-11-25", [(f"liabilities:payable:firm:{W}", 50_000),
                                        (bank, -50_000)]),
        record("pk-12", "2026-12-01", [(bank, 135_000), (f"income:parking:{W}", -135_000)]),
        record("fee-12", "2026-12-31", [(f"expenses:bank-charges:{W}", 1_250), (bank, -1_250)]),
    ])
    ok(cli("ledger", "post", path))
    return path


# --- layouts -------------------------------------------------------------------------------------


def test_balance_sheet_layout(cli: Invoke, books: Path) -> None:
    result = ok(cli("report", "balance-sheet", "--as-of", "2026-12-31", "--compound", W))
    assert_golden("report_balance_sheet.txt", result.stdout)


def test_balance_sheet_layout_in_english_rolled_up(cli: Invoke, books: Path) -> None:
    result = ok(cli("report", "balance-sheet", "--as-of", "2026-12-31", "--depth", "2",
                    "--lang", "en"))
    assert_golden("report_balance_sheet_en_depth2.txt", result.stdout)


def test_income_statement_layout_monthly(cli: Invoke, books: Path) -> None:
    result = ok(cli("report", "income", "--from", "2026-10", "--to", "2026-12", "--compound", W,
                    "--monthly"))
    assert_golden("report_income_monthly.txt", result.stdout)


def test_account_list_layout(cli: Invoke, books: Path) -> None:
    result = ok(cli("ledger", "accounts", "--compound", W))
    assert_golden("ledger_accounts.txt", result.stdout)


def test_chinese_labels_keep_the_columns_aligned(cli: Invoke, books: Path) -> None:
    import unicodedata

    out = ok(cli("report", "income", "--from", "2026-Q4", "--compound", W, "--monthly")).stdout
    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    rows = [line for line in out.splitlines() if line.startswith("  income:")]
    assert len(rows) == 2
    assert len({width(line) for line in rows}) == 1  # amounts end in the same column


# --- JSON, CSV, XLSX -----------------------------------------------------------------------------


def test_balance_sheet_json(cli: Invoke, books: Path) -> None:
    data = as_json(cli("--json", "report", "balance-sheet", "--as-of", "2026-12-31",
                       "--compound", W))
    assert set(data) == {"as_of", "compound", "currency", "sections", "balanced", "difference"}
    assert (data["as_of"], data["compound"], data["balanced"]) == ("2026-12-31", W, True)
    assert [s["type"] for s in data["sections"]] == ["assets", "liabilities", "equity"]
    assets, liabilities, equity = data["sections"]
    assert {"account": f"assets:bank:co-managed:{W}", "label": "共管账户",
            "balance": "12037.50"} in assets["accounts"]
    assert assets["total"] == "16537.50"
    assert liabilities["accounts"] == [{"account": f"liabilities:payable:firm:{W}",
                                        "label": "应付物业企业", "balance": "300.00"}]
    assert equity["accounts"][-1] == {"account": "equity:(surplus)", "label": "累计收支结余",
                                      "balance": "6237.50"}
    assert equity["total"] == "16237.50"


def test_income_json(cli: Invoke, books: Path) -> None:
    data = as_json(cli("report", "income", "--from", "2026-10", "--to", "2026-12",
                       "--compound", W, "--quarterly", "--json"))
    assert (data["from"], data["to"], data["periods"]) == ("2026-10-01", "2026-12-31",
                                                           ["2026-Q4"])
    assert data["rows"][0] == {"account": f"income:advertising:{W}", "label": "广告收益",
                               "type": "income", "amounts": ["4500.00"], "total": "4500.00"}
    assert [r["type"] for r in data["rows"]] == ["income", "income", "expenses", "expenses"]
    assert (data["income"], data["expenses"]) == (["7050.00"], ["812.50"])
    assert (data["net"], data["net_total"]) == (["6237.50"], "6237.50")


def test_accounts_json(cli: Invoke, books: Path) -> None:
    data = as_json(cli("--json", "ledger", "accounts", "--type", "income", "--compound", Z))
    rent = next(a for a in data["accounts"] if a["account"] == f"income:rent:{Z}")
    assert rent == {"account": f"income:rent:{Z}", "label": "场地租赁", "type": "income",
                    "compound": Z, "opened_on": None, "closed_on": None,
                    "description": "rented rooms, kiosks and lockers", "balance": "-600.00",
                    "balances": [{"currency": "CNY", "balance": "-600.00"}]}
    assert {a["type"] for a in data["accounts"]} == {"income"}
    assert {a["compound"] for a in data["accounts"]} == {Z}


def test_accounts_csv_has_the_json_columns_a_row_an_account(cli: Invoke, books: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(cli(
        "ledger", "accounts", "--compound", W, "--csv")).stdout)))
    listed = as_json(cli("--json", "ledger", "accounts", "--compound", W))["accounts"]
    assert [r["account"] for r in rows] == [a["account"] for a in listed]
    parking = next(r for r in rows if r["account"] == f"income:parking:{W}")
    assert parking == {"account": f"income:parking:{W}", "label": "停车收益", "type": "income",
                       "compound": W, "opened_on": "", "closed_on": "", "currency": "CNY",
                       "balance": "-2550.00"}
    english = list(csv.DictReader(io.StringIO(ok(cli(
        "ledger", "accounts", "--compound", W, "--csv", "--lang", "en")).stdout)))
    assert next(r for r in english if r["account"] == parking["account"])["label"] == "parking"


def test_accounts_xlsx_is_read_back_as_the_statements_are(cli: Invoke, books: Path,
                                                          tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "accounts.xlsx"
    args = ("ledger", "accounts", "--compound", W, "--xlsx", out)
    assert ok(cli(*args)).stdout == f"wrote {out}\n"
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.values)
    assert sheet.title == "科目表"
    assert rows[0] == ("科目", "名称", "类型", "小区", "开立日期", "关闭日期", "余额")
    bank = next(r for r in rows if r[0] == f"assets:bank:co-managed:{W}")
    assert bank[1:5] == ("共管账户", "assets", W, "建账起")
    assert bank[6] == 12037.5  # a number, in the yuan format
    assert sheet.cell(rows.index(bank) + 1, 7).number_format == '"¥"#,##0.00'
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(rows)}"
    assert sheet.column_dimensions["A"].width >= len(f"liabilities:payable:firm:{W}")
    assert len(rows) == 1 + len(as_json(cli("--json", "ledger", "accounts", "--compound",
                                            W))["accounts"])
    refused(cli(*args), ErrorCode.OUTPUT_EXISTS, str(out))
    assert as_json(cli("--json", *args, "--force", "--lang", "en")) == {"xlsx": str(out)}
    assert next(openpyxl.load_workbook(out).active.values)[:2] == ("account", "label")
    assert cli("ledger", "accounts", "--csv", "--xlsx", out, "--force").exit_code == 2


def test_csv_holds_every_row(cli: Invoke, books: Path) -> None:
    out = ok(cli("report", "income", "--from", "2026-10", "--to", "2026-11", "--compound", W,
                 "--monthly", "--csv")).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["kind", "account", "label", "2026-10", "2026-11", "total"]
    assert ["income", f"income:parking:{W}", "停车收益", "1200.00", "0.00", "1200.00"] in rows
    assert rows[-1] == ["net", "net", "结余（收入减支出）", "5700.00", "-800.00", "4900.00"]
    sheet = list(csv.reader(io.StringIO(ok(cli(
        "report", "balance-sheet", "--as-of", "2026-12-31", "--csv", "--lang", "en")).stdout)))
    assert sheet[0] == ["kind", "account", "label", "balance"]
    assert ["total", "assets", "total assets", "17137.50"] in sheet


def test_xlsx_is_written_read_back_and_never_overwritten(cli: Invoke, books: Path,
                                                          tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "q4.xlsx"
    args = ("report", "income", "--from", "2026-Q4", "--compound", W, "--monthly",
            "--xlsx", out)
    assert ok(cli(*args)).stdout == f"wrote {out}\n"
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.values)
    assert rows[0] == ("类型", "科目", "名称", "2026-10", "2026-11", "2026-12", "合计")
    parking = next(r for r in rows if r[1] == f"income:parking:{W}")
    assert parking[3:] == (1200, 0, 1350, 2550)  # numbers, not text
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(2, 4).number_format == '"¥"#,##0.00'
    assert sheet.column_dimensions["B"].width >= len(f"income:advertising:{W}")
    before = out.read_bytes()
    refused(cli(*args), ErrorCode.OUTPUT_EXISTS, str(out))
    assert out.read_bytes() == before
    assert as_json(cli("--json", *args, "--force")) == {"xlsx": str(out)}
    english = tmp_path / "bs.xlsx"
    ok(cli("report", "balance-sheet", "--as-of", "2026-12-31", "--lang", "en", "--xlsx",
           english))
    assert next(openpyxl.load_workbook(english).active.values)[:3] == ("type", "account",
                                                                      "label")


# --- every option value --------------------------------------------------------------------------


@pytest.mark.parametrize(("depth", "names"), [
    ("1", ["assets", "liabilities", "equity"]),
    ("2", ["assets:bank", "assets:receivable", "liabilities:payable", "equity:opening-balance",
           "equity:(surplus)"]),
])
def test_depth_rolls_accounts_up(cli: Invoke, books: Path, depth: str, names: list[str]) -> None:
    data = as_json(cli("--json", "report", "balance-sheet", "--as-of", "2026-12-31",
                       "--depth", depth))
    assert [a["account"] for s in data["sections"] for a in s["accounts"]] == names
    assert data["sections"][0]["total"] == "17137.50" and data["balanced"]


@pytest.mark.parametrize(("flag", "periods"), [
    ((), ["2026-10..2026-12"]), (("--monthly",), ["2026-10", "2026-11", "2026-12"]),
    (("--quarterly",), ["2026-Q4"])])
def test_each_grouping(cli: Invoke, books: Path, flag: tuple[str, ...],
                       periods: list[str]) -> None:
    data = as_json(cli("--json", "report", "income", "--from", "2026-10", "--to", "2026-12",
                       *flag))
    assert data["periods"] == periods
    assert data["net_total"] == "6837.50"  # zy-1's rent too: no --compound


@pytest.mark.parametrize(("lang", "label", "bank"), [("zh", "停车收益", "共管账户"),
                                                     ("en", "parking", "co-managed account")])
def test_each_language(cli: Invoke, books: Path, lang: str, label: str, bank: str) -> None:
    for args in (("report", "income", "--from", "2026-10"), ("ledger", "accounts")):
        assert label in ok(cli(*args, "--lang", lang)).stdout
    assert bank in ok(cli("report", "balance-sheet", "--as-of", "2026-12-31", "--lang",
                          lang)).stdout
    data = as_json(cli("--json", "ledger", "accounts", "--lang", lang, "--type", "income"))
    assert label in {a["label"] for a in data["accounts"]}


@pytest.mark.parametrize("kind", ["assets", "liabilities", "equity", "income", "expenses"])
def test_each_account_type(cli: Invoke, books: Path, kind: str) -> None:
    data = as_json(cli("--json", "ledger", "accounts", "--type", kind))
    assert data["accounts"] and {a["type"] for a in data["accounts"]} == {kind}


def test_closed_accounts_are_listed_only_when_asked(cli: Invoke, books: Path) -> None:
    name = f"income:services:{W}"
    ok(cli("ledger", "close-account", name, "--date", "2026-01-01"))
    listed = as_json(cli("--json", "ledger", "accounts"))["accounts"]
    assert name not in {a["account"] for a in listed}
    closed = as_json(cli("--json", "ledger", "accounts", "--closed"))["accounts"]
    assert next(a for a in closed if a["account"] == name)["closed_on"] == "2026-01-01"


def test_as_of_cuts_the_balances(cli: Invoke, books: Path) -> None:
    data = as_json(cli("--json", "report", "balance-sheet", "--as-of", "2026-09-30",
                       "--compound", W))
    assert [s["total"] for s in data["sections"]] == ["10000.00", "0.00", "10000.00"]


def test_a_currency_is_chosen_where_the_books_hold_two(cli: Invoke, books: Path,
                                                        tmp_path: Path) -> None:
    ok(cli("ledger", "open", "assets:cash:usd"))
    ok(cli("ledger", "open", "income:usd"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "usd.jsonl", [record(
        "usd-1", "2026-10-02", [("assets:cash:usd", 1000, "USD"), ("income:usd", -1000, "USD")])])))
    refused(cli("report", "balance-sheet", "--as-of", "2026-12-31"),
            ErrorCode.CURRENCY_MISMATCH, "CNY, USD")
    data = as_json(cli("--json", "report", "income", "--from", "2026-10", "--currency", "USD"))
    assert (data["currency"], data["net_total"]) == ("USD", "10.00")


def test_books_of_yuan_and_points_show_the_yuan_unless_points_are_asked_for(
        cli: Invoke, books: Path, tmp_path: Path) -> None:
    # Volunteer points ride the same journal; they are not money, so they never make a
    # statement of yuan ask which unit to show.
    ok(cli("ledger", "open", "assets:points:held"))
    ok(cli("ledger", "open", "income:points:issued"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "pts.jsonl", [{
        "date": "2026-10-02", "memo": "clean-up day", "external_id": "pts-1", "postings": [
            {"account": "assets:points:held", "amount": "30", "currency": "PTS"},
            {"account": "income:points:issued", "amount": "-30", "currency": "PTS"}]}])))
    assert as_json(cli("--json", "report", "balance-sheet", "--as-of", "2026-12-31")
                   )["currency"] == "CNY"
    data = as_json(cli("--json", "report", "income", "--from", "2026-10", "--currency", "PTS"))
    assert (data["currency"], data["net_total"]) == ("PTS", "30")


def test_a_currency_the_accounts_do_not_hold_is_refused_not_shown_as_zeros(
        cli: Invoke, books: Path) -> None:
    # A new user asked for USD of books kept in yuan and got a sheet of 0.00 that balanced.
    refused(cli("report", "balance-sheet", "--as-of", "2026-12-31", "--currency", "USD"),
            ErrorCode.CURRENCY_MISMATCH, "USD", "CNY")
    refused(cli("report", "income", "--from", "2026-Q4", "--compound", W, "--currency", "USD"),
            ErrorCode.CURRENCY_MISMATCH, "CNY")


@pytest.mark.parametrize(("args", "option"), [
    (("--from", "2026"), "--from"), (("--from", "2026-Q5"), "--from"),
    (("--from", "2026-10", "--to", "2026-10-31"), "--to"),
    (("--from", "2026-Q4", "--to", "2026-Q3"), "--to")])
def test_a_wrong_period_names_the_option_to_fix(cli: Invoke, books: Path,
                                                args: tuple[str, ...], option: str) -> None:
    refused(cli("report", "income", *args), ErrorCode.INVALID_DATE, f"field '{option}'")


@pytest.mark.parametrize(("args", "shown"), [
    (("report",), ("balance-sheet", "income")),
    (("report", "balance-sheet"), ("--as-of", "--compound", "--depth", "--lang", "--currency",
                                   "--csv", "--xlsx", "--force", "--json")),
    (("report", "income"), ("--from", "--to", "--monthly", "--quarterly", "--compound",
                            "--depth", "--lang", "--csv", "--xlsx")),
    (("ledger", "accounts"), ("--compound", "--type", "--closed", "--lang", "--csv", "--xlsx",
                              "--force", "--json"))])
def test_help(cli: Invoke, args: tuple[str, ...], shown: tuple[str, ...]) -> None:
    out = ok(cli(*args, "--help")).stdout
    assert out.startswith(f"Usage: commons {' '.join(args)} ")
    for option in shown:
        assert option in out, option


# --- wrong inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("report", "balance-sheet", "--as-of", "2026-12-31"), ("report", "income", "--from", "2026-10"),
    ("ledger", "accounts")])
def test_an_unknown_compound_is_refused_with_the_nearest(cli: Invoke, books: Path,
                                                         args: tuple[str, ...]) -> None:
    stderr = refused(cli(*args, "--compound", "wjxx"), ErrorCode.NOT_FOUND, "wjxx")
    assert "'wjxc'" in stderr


@pytest.mark.parametrize("args", [
    ("report", "balance-sheet", "--as-of", "2026-13-01"),
    ("report", "balance-sheet", "--as-of", "31/12/2026"),
    ("report", "income", "--from", "2026-13"),
    ("report", "income", "--from", "Q4"),
    ("report", "income", "--from", "2026-10", "--to", "2026-Q5"),
    ("report", "income", "--from", "2026-12", "--to", "2026-10"),
    ("report", "income", "--from", "2026-Q4", "--to", "2026-09")])
def test_bad_dates_and_a_range_that_ends_first_are_refused(cli: Invoke, books: Path,
                                                           args: tuple[str, ...]) -> None:
    refused(cli(*args), ErrorCode.INVALID_DATE)


@pytest.mark.parametrize("args", [
    ("report", "balance-sheet", "--depth", "0"), ("report", "income", "--from", "2026-10",
                                                  "--depth", "-1"),
    ("report", "income", "--from", "2026-10", "--depth", "x"),
    ("ledger", "accounts", "--type", "revenue"), ("ledger", "accounts", "--lang", "fr"),
    ("report", "income", "--from", "2026-10", "--monthly", "--quarterly"),
    ("report", "income", "--from", "2026-10", "--csv", "--json"),
    ("report", "income"),
])
def test_usage_errors_exit_2(cli: Invoke, books: Path, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_sheet_that_does_not_balance_is_shown_and_refused(cli: Invoke, books: Path,
                                                             tmp_path: Path) -> None:
    # wjxc's bank receives zy-1's rent: wjxc's own sheet cannot balance, the whole books do
    ok(cli("ledger", "post", write_jsonl(tmp_path / "cross.jsonl", [record(
        "cross", "2026-12-02", [(f"assets:bank:co-managed:{W}", 10_000),
                                (f"income:rent:{Z}", -10_000)])])))
    result = cli("report", "balance-sheet", "--as-of", "2026-12-31", "--compound", W)
    assert result.exit_code == 1
    assert result.stderr.startswith("commons: error[statement_unbalanced]: ")
    assert "100.00" in result.stderr and "不平衡" in result.stdout
    data = cli("--json", "report", "balance-sheet", "--as-of", "2026-12-31", "--compound", W)
    assert data.exit_code == 1 and '"balanced": false' in data.stdout
    assert ok(cli("report", "balance-sheet", "--as-of", "2026-12-31")).stdout


def test_the_json_documented_is_what_the_commands_print(cli: Invoke, books: Path) -> None:
    import json
    import re

    page = (Path(__file__).parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")
    documented = [json.loads(b) for b in re.findall(r"^```json\n(.*?)^```", page, re.M | re.S)]
    printed = [as_json(cli("--json", "report", "balance-sheet", "--as-of", "2026-12-31",
                           "--compound", W)),
               as_json(cli("--json", "report", "income", "--from", "2026-10", "--to",
                           "2026-12", "--compound", W, "--monthly")),
               as_json(cli("--json", "ledger", "accounts", "--type", "income", "--compound",
                           Z))]
    printed[2]["accounts"] = [a for a in printed[2]["accounts"] if a["balance"] != "0.00"]
    assert documented == printed
