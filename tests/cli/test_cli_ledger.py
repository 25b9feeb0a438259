"""``commons ledger ...`` and ``commons audit verify`` through click's CliRunner.

Output contracts from DESIGN.md: exit 0 on success, 1 on a refused operation or bad input (the
message on stderr, never a traceback), 2 on usage errors; ``--json`` amounts are strings in yuan
with two decimals.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import as_json, ok, refused
from ledger_helpers import ADVERTISING, BANK, PARKING, REPAIRS, record, write_jsonl

from commons.errors import ErrorCode

Invoke = Callable[..., Result]
AMOUNT = re.compile(r"-?\d+\.\d\d")
HEX64 = re.compile(r"[0-9a-f]{64}")


def journal(cli: Invoke) -> tuple[Any, Any]:
    """What a refused command must leave unchanged: the balances and the chain head."""
    return as_json(cli("--json", "ledger", "balance")), as_json(cli("--json", "audit", "verify"))


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    """A database with wjxc's chart and three entries (two in January, one in March)."""
    ok(cli("init"))
    ok(cli("ledger", "chart", "wjxc"))
    path = write_jsonl(tmp_path / "jan.jsonl", [
        record("pk-1", "2026-01-05", [(BANK, 12000), (PARKING, -12000)], memo="停车费 一月"),
        record("ad-1", "2026-01-20", [(BANK, 50000), (ADVERTISING, -50000)], memo="广告位"),
        record("rp-1", "2026-03-02", [(REPAIRS, 8000), (BANK, -8000)], memo="repairs"),
    ])
    ok(cli("ledger", "post", path))
    return path


# --- init, open, chart ---------------------------------------------------------------------------


def test_init_creates_the_database(cli: Invoke, db_path: Path) -> None:
    result = ok(cli("init"))
    assert db_path.exists() and "ready (schema version" in result.stdout
    data = as_json(cli("--json", "init"))
    assert data["db"] == str(db_path) and data["schema_version"] >= 1


def test_ledger_open_with_type_agreeing_and_disagreeing(cli: Invoke) -> None:
    assert ok(cli("ledger", "open", "assets:bank:co-managed:wjxc")).stdout.strip() == (
        "open: assets:bank:co-managed:wjxc (assets)")
    data = as_json(cli("--json", "ledger", "open", "income:rent:wjxc", "--type", "income",
                       "--compound", "wjxc", "--date", "2026-01-01"))
    assert data == {"account": "income:rent:wjxc", "type": "income", "compound": "wjxc",
                    "opened_on": "2026-01-01"}
    refused(cli("ledger", "open", "income:kiosk:wjxc", "--type", "assets"),
            ErrorCode.INVALID_INPUT, "field 'type'", "income:kiosk:wjxc")
    refused(cli("ledger", "open", "bank:wjxc"), ErrorCode.INVALID_INPUT, "bank:wjxc")
    refused(cli("ledger", "open", "income:rent:wjxc", "--compound", "other"),
            ErrorCode.ALREADY_RECORDED_DIFFERENTLY, "income:rent:wjxc")
    refused(cli("ledger", "open", "income:x", "--date", "2026-1-1"), ErrorCode.INVALID_DATE,
            "2026-1-1")
    assert cli("ledger", "open", "income:x", "--type", "money").exit_code == 2
    balances = as_json(cli("--json", "ledger", "balance"))["balances"]
    assert balances == []  # opening moves no money


@pytest.mark.parametrize("args", [("ledger", "open", "income:x"),
                                  ("ledger", "reverse", "1", "--reason", "r")])
def test_a_bad_date_option_is_named_as_typed(cli: Invoke, args: tuple[str, ...]) -> None:
    refused(cli(*args, "--date", "2026-1-1"), ErrorCode.INVALID_DATE, "field '--date'")


def test_ledger_chart_opens_the_standard_accounts(cli: Invoke) -> None:
    result = ok(cli("ledger", "chart", "wjxc"))
    assert "assets:bank:co-managed:wjxc" in result.stdout and "共管账户" in result.stdout
    data = as_json(cli("--json", "ledger", "chart", "wjxc"))  # again: a no-op
    assert data["compound"] == "wjxc"
    assert {BANK, PARKING, ADVERTISING, REPAIRS} <= set(data["accounts"])
    assert all(a.endswith(":wjxc") for a in data["accounts"])
    refused(cli("ledger", "chart", "wj xc"), ErrorCode.INVALID_INPUT, "compound")


# --- post ----------------------------------------------------------------------------------------


def test_post_prints_a_summary_and_reposting_is_already_recorded(cli: Invoke,
                                                                tmp_path: Path) -> None:
    ok(cli("ledger", "chart", "wjxc"))
    path = write_jsonl(tmp_path / "a.jsonl", [
        record("pk-1", "2026-01-05", [(BANK, 12000), (PARKING, -12000)]),
        record("pk-2", "2026-01-06", [(BANK, 300), (PARKING, -300)]),
    ])
    first = ok(cli("ledger", "post", path)).stdout
    assert re.fullmatch(r"posted 2, already recorded 0, refused 0; chain head [0-9a-f]{16}\n",
                        first)
    again = as_json(cli("--json", "ledger", "post", path))
    assert set(again) >= {"posted", "already_recorded", "refused", "head"}
    assert (again["posted"], again["already_recorded"], again["refused"]) == (0, 2, 0)
    assert HEX64.fullmatch(again["head"])
    assert first.strip().endswith(again["head"][:16])
    assert as_json(cli("--json", "audit", "verify"))["head"] == again["head"]
    assert "already recorded 2" in ok(cli("ledger", "post", path)).stdout


@pytest.mark.parametrize(("line", "field", "code"), [
    (record("x", "2026-01-07", [(BANK, 100), (PARKING, -99)]), "postings", ErrorCode.UNBALANCED),
    ({**record("x", "2026-01-07", [(BANK, 100), (PARKING, -100)]),
      "postings": [{"account": BANK, "amount": 1.0}, {"account": PARKING, "amount": "-1.00"}]},
     None, ErrorCode.INVALID_INPUT),
    ({**record("x", "2026-01-07", [(BANK, 100), (PARKING, -100)]),
      "postings": [{"account": BANK, "amount": "1.00"}, {"account": PARKING, "amount": "one"}]},
     "postings[1].amount", ErrorCode.INVALID_AMOUNT),
    ({**record("x", "2026-01-07", [(BANK, 100), (PARKING, -100)]),
      "postings": [{"account": BANK, "amount": "1.00"}, {"account": PARKING,
                                                          "amount": "-1.001"}]},
     "postings[1].amount", ErrorCode.INVALID_AMOUNT),
    (record("x", "2026-01-07", [(BANK, 100), ("income:nope:wjxc", -100)]),
     "postings[1].account", ErrorCode.UNKNOWN_ACCOUNT),
    (record("x", "2026-02-30", [(BANK, 100), (PARKING, -100)]), "date", ErrorCode.INVALID_DATE),
    ({k: v for k, v in record("x", "2026-01-07", [(BANK, 1), (PARKING, -1)]).items()
      if k != "external_id"}, "external_id", ErrorCode.INVALID_INPUT),
    (record("pk-1", "2026-01-05", [(BANK, 12001), (PARKING, -12001)]), "external_id",
     ErrorCode.ALREADY_RECORDED_DIFFERENTLY),
    ('{"date": "2026-01-07", "memo": "cut off', None, ErrorCode.MALFORMED_FILE),
])
def test_a_bad_line_refuses_the_whole_file_naming_file_line_and_field(
        cli: Invoke, books: Path, tmp_path: Path, line: Any, field: str | None,
        code: ErrorCode) -> None:
    before = journal(cli)
    good = record("ok-1", "2026-01-07", [(BANK, 100), (PARKING, -100)])
    path = write_jsonl(tmp_path / "bad.jsonl", [good, line, good])
    stderr = refused(cli("ledger", "post", path), code, f"{path}:2")
    if field is not None:
        assert f"field '{field}'" in stderr
    assert f"{path}:1" not in stderr and f"{path}:3" not in stderr
    assert "fix:" in stderr
    assert journal(cli) == before


def test_a_line_of_the_wrong_shape_anywhere_is_named(cli: Invoke, books: Path,
                                                     tmp_path: Path) -> None:
    good = [record(f"ok-{i}", "2026-01-07", [(BANK, 100), (PARKING, -100)]) for i in range(5)]
    path = write_jsonl(tmp_path / "bad.jsonl", [*good[:2], "[1, 2]", *good[2:], "",
                                                '"just text"'])
    refused(cli("ledger", "post", path), ErrorCode.MALFORMED_FILE, f"{path}:3", f"{path}:8")


def test_a_missing_or_mis_encoded_file_is_refused(cli: Invoke, books: Path,
                                                  tmp_path: Path) -> None:
    before = journal(cli)
    refused(cli("ledger", "post", tmp_path / "nope.jsonl"), ErrorCode.NOT_FOUND, "nope.jsonl")
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes(json.dumps(record("g-1", "2026-01-07", [(BANK, 100), (PARKING, -100)],
                                      memo="停车费"), ensure_ascii=False).encode("gb18030"))
    refused(cli("ledger", "post", gbk, "--encoding", "utf-8"), ErrorCode.MALFORMED_FILE,
            "gbk.jsonl")
    ok(cli("ledger", "post", gbk))  # GBK is detected, as in every importer
    assert journal(cli) != before
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_bytes(b'{"memo": "\xff\xff"}\n')
    refused(cli("ledger", "post", garbled), ErrorCode.MALFORMED_FILE, "garbled.jsonl")


# --- balance -------------------------------------------------------------------------------------


def test_balance_text_and_json(cli: Invoke, books: Path) -> None:
    text = ok(cli("ledger", "balance")).stdout
    assert re.search(r"assets:bank:co-managed:wjxc\s+540\.00", text)
    assert re.search(r"income:advertising:wjxc\s+-500\.00", text)
    assert re.search(r"total\s+0\.00", text)

    data = as_json(cli("--json", "ledger", "balance"))
    assert set(data) >= {"balances", "total"}
    assert data["total"] == "0.00"
    rows = {r["account"]: r["balance"] for r in data["balances"]}
    assert rows == {BANK: "540.00", PARKING: "-120.00", ADVERTISING: "-500.00",
                    REPAIRS: "80.00"}
    for r in data["balances"]:
        assert set(r) >= {"account", "balance"}
        assert isinstance(r["balance"], str) and AMOUNT.fullmatch(r["balance"])
    assert data["balances"] == sorted(data["balances"], key=lambda r: r["account"])


def test_balance_by_prefix_compound_and_date(cli: Invoke, books: Path, tmp_path: Path) -> None:
    income = as_json(cli("--json", "ledger", "balance", "--account", "income"))
    assert {r["account"] for r in income["balances"]} == {PARKING, ADVERTISING}
    assert income["total"] == "-620.00"
    parking = as_json(cli("ledger", "balance", "--account", "income:parking", "--json"))
    assert [r["account"] for r in parking["balances"]] == [PARKING]
    partial = as_json(cli("--json", "ledger", "balance", "--account", "income:park"))
    assert partial["balances"] == []  # a prefix is whole segments

    ok(cli("ledger", "open", "assets:bank:ziyuan", "--compound", "ziyuan"))
    ok(cli("ledger", "open", "income:parking:ziyuan", "--compound", "ziyuan"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "z.jsonl", [
        record("z-1", "2026-01-09", [("assets:bank:ziyuan", 999),
                                     ("income:parking:ziyuan", -999)])])))
    ziyuan = as_json(cli("--json", "ledger", "balance", "--compound", "ziyuan"))
    assert {r["account"]: r["balance"] for r in ziyuan["balances"]} == {
        "assets:bank:ziyuan": "9.99", "income:parking:ziyuan": "-9.99"}
    wjxc = as_json(cli("--json", "ledger", "balance", "--compound", "wjxc"))
    assert "assets:bank:ziyuan" not in {r["account"] for r in wjxc["balances"]}

    january = as_json(cli("--json", "ledger", "balance", "--as-of", "2026-01-31",
                          "--compound", "wjxc"))
    assert {r["account"]: r["balance"] for r in january["balances"] if r["balance"] != "0.00"} \
        == {BANK: "620.00", PARKING: "-120.00", ADVERTISING: "-500.00"}
    assert january["total"] == "0.00"
    before_any = as_json(cli("--json", "ledger", "balance", "--as-of", "2025-12-31"))
    assert all(r["balance"] == "0.00" for r in before_any["balances"])
    refused(cli("ledger", "balance", "--as-of", "2026-13-01"), ErrorCode.INVALID_DATE, "--as-of")


def test_balance_in_two_currencies_totals_each(cli: Invoke, books: Path, tmp_path: Path) -> None:
    ok(cli("ledger", "post", write_jsonl(tmp_path / "usd.jsonl", [{
        "date": "2026-01-08", "memo": "donation", "external_id": "usd-1",
        "postings": [{"account": BANK, "amount": "10.00", "currency": "USD"},
                     {"account": "income:services:wjxc", "amount": "-10.00",
                      "currency": "USD"}]}])))
    data = as_json(cli("--json", "ledger", "balance"))
    usd = [r for r in data["balances"] if r.get("currency") == "USD"]
    assert {r["account"]: r["balance"] for r in usd} == {BANK: "10.00",
                                                          "income:services:wjxc": "-10.00"}
    text = ok(cli("ledger", "balance")).stdout
    assert "total CNY" in text and "total USD" in text


# --- trail, reverse, close -----------------------------------------------------------------------


def test_trail_shows_the_running_balance(cli: Invoke, books: Path) -> None:
    text = ok(cli("ledger", "trail", BANK)).stdout
    lines = text.splitlines()
    assert len(lines) == 4
    assert lines[1].split()[-2:] == ["120.00", "120.00"]
    assert lines[2].split()[-2:] == ["500.00", "620.00"]
    assert lines[3].split()[-2:] == ["-80.00", "540.00"]
    data = as_json(cli("--json", "ledger", "trail", BANK))
    assert data["account"] == BANK
    assert [(t["id"], t["date"], t["amount"], t["balance"]) for t in data["trail"]] == [
        (1, "2026-01-05", "120.00", "120.00"), (2, "2026-01-20", "500.00", "620.00"),
        (3, "2026-03-02", "-80.00", "540.00")]
    page = as_json(cli("--json", "ledger", "trail", BANK, "--limit", "1", "--offset", "1"))
    assert [(t["id"], t["balance"]) for t in page["trail"]] == [(2, "620.00")]
    refused(cli("ledger", "trail", "assets:nope"), ErrorCode.UNKNOWN_ACCOUNT, "assets:nope")


def test_a_page_of_the_trail_says_how_many_postings_follow(cli: Invoke, books: Path) -> None:
    """Issue 16 item 16: ``--limit`` cut the trail with no word that more followed."""
    assert as_json(cli("--json", "ledger", "trail", BANK, "--limit", "1"))["more"] == 2
    assert "2 more postings: --offset 1" in ok(cli("ledger", "trail", BANK, "--limit", "1")).stdout
    assert "1 more posting: --offset 2" in ok(cli("ledger", "trail", BANK, "--limit", "2")).stdout
    assert "more" not in ok(cli("ledger", "trail", BANK, "--limit", "3")).stdout
    assert as_json(cli("--json", "ledger", "trail", BANK, "--offset", "9"))["more"] == 0


def test_reverse_needs_a_reason_and_undoes_the_entry(cli: Invoke, books: Path) -> None:
    missing = cli("ledger", "reverse", "2")
    assert missing.exit_code == 2 and "--reason" in missing.output
    assert ok(cli("ledger", "reverse", "2", "--reason", "wrong compound", "--date",
                  "2026-01-31")).stdout.strip() == "entry 4 reverses entry 2"
    bank = as_json(cli("--json", "ledger", "trail", BANK))["trail"]
    assert bank[-2]["id"] == 4 and bank[-2]["reverses"] == 2 and bank[-2]["amount"] == "-500.00"
    assert "wrong compound" in bank[-2]["memo"]
    ads = as_json(cli("--json", "ledger", "balance", "--account", ADVERTISING))
    assert ads["total"] == "0.00"
    before = journal(cli)
    refused(cli("ledger", "reverse", "2", "--reason", "again"), ErrorCode.ALREADY_DONE)
    refused(cli("ledger", "reverse", "99", "--reason", "typo"), ErrorCode.NOT_FOUND)
    refused(cli("ledger", "reverse", "1", "--reason", " "), ErrorCode.INVALID_INPUT, "reason")
    assert journal(cli) == before
    again = as_json(cli("--json", "ledger", "reverse", "4", "--reason", "it was right",
                        "--date", "2026-02-01"))
    assert again["id"] == 5 and again["reverses"] == 4 and HEX64.fullmatch(again["hash"])


def test_close_then_posting_into_it_is_refused(cli: Invoke, books: Path, tmp_path: Path) -> None:
    assert ok(cli("ledger", "close", "2026-01")).stdout.strip() == "closed 2026-01"
    assert "already closed" in ok(cli("ledger", "close", "2026-01")).stdout
    assert as_json(cli("--json", "ledger", "close", "2026-01")) == {
        "period": "2026-01", "closed": True, "already_closed": True}
    refused(cli("ledger", "close", "2026-1"), ErrorCode.INVALID_DATE, "YYYY-MM")
    before = journal(cli)
    late = write_jsonl(tmp_path / "late.jsonl", [
        record("late-1", "2026-02-01", [(BANK, 100), (PARKING, -100)]),
        record("late-2", "2026-01-31", [(BANK, 100), (PARKING, -100)])])
    refused(cli("ledger", "post", late), ErrorCode.CLOSED_PERIOD, f"{late}:2", "field 'date'")
    refused(cli("ledger", "reverse", "1", "--reason", "late", "--date", "2026-01-15"),
            ErrorCode.CLOSED_PERIOD)
    assert journal(cli) == before
    # What was recorded before the close can still be posted again: it is already recorded.
    assert "already recorded 3" in ok(cli("ledger", "post", books)).stdout


# --- audit verify and read-only ------------------------------------------------------------------


def test_audit_verify_passes_then_fails_after_a_tamper(cli: Invoke, books: Path,
                                                       db_path: Path) -> None:
    result = ok(cli("audit", "verify"))
    assert result.stdout.startswith("verified 3 entries; chain head ")
    data = as_json(cli("--json", "audit", "verify"))
    assert data == {"ok": True, "entries": 3, "head": data["head"], "problems": []}
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'postings'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE postings SET amount_fen = 60000 WHERE entry_id = 2 AND seq = 0")
    failed = cli("audit", "verify")
    assert failed.exit_code == 1 and "[unbalanced_entry] entry 2" in failed.stderr
    failing = cli("--json", "audit", "verify")
    assert failing.exit_code == 1
    data = json.loads(failing.stdout)
    assert data["ok"] is False
    assert data["problems"][0] == {"kind": "unbalanced_entry", "entry_id": 2,
                                   "detail": data["problems"][0]["detail"]}


@pytest.mark.parametrize("args", [
    ("ledger", "open", "income:rent:x"),
    ("ledger", "chart", "ziyuan"),
    ("ledger", "close", "2026-01"),
    ("ledger", "reverse", "1", "--reason", "read-only"),
    ("ledger", "post", "POSTFILE"),
])
def test_read_only_refuses_writes(cli: Invoke, books: Path, tmp_path: Path,
                                  args: tuple[str, ...]) -> None:
    path = write_jsonl(tmp_path / "new.jsonl",
                       [record("ro-1", "2026-01-07", [(BANK, 100), (PARKING, -100)])])
    before = journal(cli)
    argv = [str(path) if a == "POSTFILE" else a for a in args]
    refused(cli("--read-only", *argv), ErrorCode.READ_ONLY, "read-only")
    assert journal(cli) == before
    ok(cli("--read-only", "ledger", "balance"))
    ok(cli("--read-only", "audit", "verify"))


def test_read_only_on_a_missing_database_creates_nothing(cli: Invoke, db_path: Path) -> None:
    refused(cli("--read-only", "ledger", "balance"), ErrorCode.NOT_FOUND)
    assert not db_path.exists()


@pytest.mark.parametrize("before", [None, b""], ids=["missing", "empty"])
def test_a_refused_post_creates_no_database(cli: Invoke, db_path: Path, tmp_path: Path,
                                            before: bytes | None) -> None:
    if before is not None:
        db_path.write_bytes(before)
    journal = write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)])])
    refused(cli("ledger", "post", journal), ErrorCode.UNKNOWN_ACCOUNT, "nothing was posted")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"external_id": "x"\n', encoding="utf-8")
    refused(cli("ledger", "post", bad), ErrorCode.MALFORMED_FILE, "nothing was posted")
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db_path.name))
    assert left == ([] if before is None else [db_path.name])
    assert before is None or db_path.read_bytes() == before
    ok(cli("ledger", "chart", "wjxc"))  # the next writer makes the books as usual
    ok(cli("ledger", "post", journal))


def test_an_empty_journal_posts_nothing_and_says_so(cli: Invoke, db_path: Path,
                                                    tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert ok(cli("ledger", "post", empty)).stdout == "the file has no entries; posted 0\n"
    assert not db_path.exists()
    ok(cli("ledger", "chart", "wjxc"))
    assert "the file has no entries" in ok(cli("ledger", "post", empty)).stdout
    assert json.loads(ok(cli("--json", "ledger", "post", empty)).stdout)["posted"] == 0
