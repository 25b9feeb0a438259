"""A new user's mistakes through click's CliRunner: each case is input a real user produces (a
GBK file, an absurd amount, a path that is a folder, a doubled id ...). Each must end in exit 1
with one ``commons: error[CODE]:`` naming where and how to fix it, no traceback, and nothing
stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Invoke, WriteFile, ok, refused, refused_json

from commons.errors import ErrorCode
from commons.io import journal_jsonl


def dump(db: Path) -> list[str]:
    """Every row of the database as SQL text, to show that a refusal changed nothing."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def test_elect_reads_a_gbk_file_and_a_wrong_encoding_suggests_gb18030(
        cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("v.csv", "candidate,votes\n张伟,3\n李秀英,1\n".encode("gbk"))
    refused(cli("resolution", "elect", path, "--seats", "1", "--encoding", "utf-8"),
            ErrorCode.MALFORMED_FILE, f"{path}:2", "--encoding gb18030")
    result = cli("resolution", "elect", path, "--seats", "1")
    assert result.exit_code == 0, result.stderr
    assert "张伟" in result.stdout


ESTATE_ARGS = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\n",
    "buildings": "id,compound,floors,elevator\nwjxc-1,wjxc,6,no\n",
}


def estate(cli: Invoke, write_file: WriteFile) -> None:
    args: list[str | Path] = []
    for kind, text in ESTATE_ARGS.items():
        args += [kind, write_file(f"{kind}.csv", text)]
    assert cli("estate", "import", *args).exit_code == 0


def test_a_household_area_beyond_any_flat_is_refused_by_field(
        cli: Invoke, write_file: WriteFile, db_path: Path) -> None:
    estate(cli, write_file)
    before = dump(db_path)
    path = write_file("h.csv", "id,building,floor,area_m2,owner\n"
                               "wjxc-1-101,wjxc-1,1,56.37,王\n"
                               "wjxc-1-102,wjxc-1,1,999999999999999999999999999,李\n")
    refused(cli("estate", "import", "households", path), ErrorCode.INVALID_INPUT,
            f"{path}:3: field 'area_m2'")
    assert dump(db_path) == before


def journal_line(external_id: str, amount: str) -> str:
    postings = [{"account": "assets:bank:co-managed:wjxc", "amount": amount},
                {"account": "income:parking:wjxc", "amount": f"-{amount}"}]
    return json.dumps({"date": "2026-10-01", "memo": "typo", "external_id": external_id,
                       "postings": postings}) + "\n"


def test_a_balance_beyond_what_sqlite_stores_is_refused_naming_the_account(
        cli: Invoke, write_file: WriteFile, db_path: Path) -> None:
    assert cli("ledger", "chart", "wjxc").exit_code == 0
    first = write_file("a.jsonl", journal_line("t-1", "50000000000000000.00"))
    assert cli("ledger", "post", first).exit_code == 0
    before = dump(db_path)
    second = write_file("b.jsonl", journal_line("t-2", "50000000000000000.00"))
    refused(cli("ledger", "post", second), ErrorCode.REFUSED, f"{second}: field 'postings'")
    assert dump(db_path) == before


def test_an_external_id_twice_in_one_journal_names_its_first_line(
        cli: Invoke, write_file: WriteFile, db_path: Path) -> None:
    assert cli("ledger", "chart", "wjxc").exit_code == 0
    before = dump(db_path)
    path = write_file("j.jsonl", journal_line("t-1", "1.00") + journal_line("t-1", "2.00"))
    err = refused(cli("ledger", "post", path), ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                  f"{path}:2: field 'external_id': external id t-1 appears twice with other "
                  "content (first on line 1)")
    assert "recorded as entry" not in err  # nothing of the file was recorded
    assert dump(db_path) == before


def test_an_external_id_twice_chunks_apart_names_its_first_line(
        cli: Invoke, write_file: WriteFile, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first t-2 was written with its chunk before the second arrives; the post is still
    # refused whole, and the line is found from the entry the first became.
    monkeypatch.setattr(journal_jsonl, "CHUNK", 2)
    assert cli("ledger", "chart", "wjxc").exit_code == 0
    before = dump(db_path)
    path = write_file("j.jsonl", "".join(journal_line(f"t-{i}", "1.00") for i in range(1, 6))
                      + journal_line("t-2", "2.00"))
    refused(cli("ledger", "post", path), ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
            f"{path}:6: field 'external_id': external id t-2 appears twice with other "
            "content (first on line 2)")
    assert dump(db_path) == before


def test_a_compound_id_no_account_can_hold_is_refused_at_import(
        cli: Invoke, write_file: WriteFile, db_path: Path) -> None:
    estate(cli, write_file)
    before = dump(db_path)
    path = write_file("c.csv", "id,name,community,governance,built_year\n"
                               "zy-1,梓园1栋,梓园,entrusted,1978\n"
                               "wei ji,卫技,砂子塘,self-managed,1985\n")
    refused(cli("estate", "import", "compounds", path), ErrorCode.INVALID_INPUT,
            f"{path}:3: field 'id'")
    assert dump(db_path) == before


def test_a_folder_given_as_the_database_is_named_as_a_folder(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    for args in (["init"], ["ledger", "balance"], ["--read-only", "audit", "verify"],
                 ["ledger", "chart", "wjxc"]):
        refused(cli("--db", folder, *args, db=False), ErrorCode.STORAGE)
    assert list(folder.iterdir()) == []


def test_a_reading_command_leaves_an_empty_file_empty(cli: Invoke, db_path: Path) -> None:
    db_path.touch()
    refused(cli("ledger", "balance"), ErrorCode.NOT_FOUND)
    assert db_path.stat().st_size == 0
    made = cli("init")
    assert made.exit_code == 0 and db_path.stat().st_size > 0


def test_under_json_a_refusal_is_an_error_object_on_stderr(cli: Invoke,
                                                           write_file: WriteFile) -> None:
    path = write_file("w.csv", "id,weight\na,1\nb,三\n")
    result = cli("--json", "split", "100", path)
    assert result.stdout == ""
    error = refused_json(result, ErrorCode.INVALID_AMOUNT)
    assert error["where"] == {"file": str(path), "line": 3, "field": "weight"}
    assert error["what"] and error["fix"]
    assert "三" in result.stderr  # written as itself, not as a \u escape


def test_the_advice_names_the_command_where_the_library_names_the_step(
        cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("j.jsonl", json.dumps({
        "date": "2026-10-01", "memo": "x", "external_id": "x-1",
        "postings": [{"account": "assets:bank:nowhere", "amount": "1.00"},
                     {"account": "income:parking:nowhere", "amount": "-1.00"}]}) + "\n")
    ok(cli("init"))
    stderr = refused(cli("ledger", "post", path), ErrorCode.UNKNOWN_ACCOUNT)
    assert "fix: open it first: commons ledger open assets:bank:nowhere" in stderr
    error = refused_json(cli("--json", "estate", "show", "nowhere"), ErrorCode.NOT_FOUND)
    assert "commons estate import compounds FILE" in error["fix"]
    assert error["context"] == {"kind": "compound", "id": "nowhere"}
