"""``commons audit export / check-export / disclose / verify`` through click's CliRunner: help,
text and --json output, exit codes, and --read-only for every command that only reads."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, refused
from ledger_helpers import ADVERTISING, BANK, PARKING, REPAIRS, record, write_jsonl

from commons.errors import ErrorCode


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    ok(cli("ledger", "chart", "wjxc"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)], memo="=停车费"),
        record("ad-1", "2026-10-20", [(BANK, 50000), (ADVERTISING, -50000)], memo="广告位"),
        record("rp-1", "2026-11-02", [(REPAIRS, 8000), (BANK, -8000)], memo="repairs"),
    ])))
    return tmp_path


@pytest.mark.parametrize("command", ["export", "check-export", "disclose", "verify"])
def test_every_audit_command_has_help(cli: Invoke, command: str) -> None:
    result = ok(cli("audit", command, "--help"))
    assert "Usage: commons audit " + command in result.stdout


def test_export_and_check_as_text_and_json(cli: Invoke, books: Path) -> None:
    out = books / "trail.csv"
    text = ok(cli("audit", "export", "--format", "csv", "--out", out)).stdout
    assert text.startswith("exported 6 postings of 3 entries to ") and "chain head 3" in text
    data = as_json(cli("--json", "audit", "export", "--format", "jsonl", "--out",
                       books / "trail.jsonl", "--compound", "wjxc", "--from", "2026-10-01",
                       "--to", "2026-10-31"))
    assert data["rows"] == 4 and data["entries"] == 2 and data["format"] == "jsonl"
    assert data["scope"] == {"account": None, "compound": "wjxc", "from": "2026-10-01",
                             "to": "2026-10-31"}
    assert data["totals"] == [{"currency": "CNY", "debits": "620.00", "credits": "-620.00"}]
    assert set(data) >= {"chain_head", "files", "library_version", "manifest", "out"}
    checked = ok(cli("audit", "check-export", out)).stdout
    assert checked.startswith("ok:") and "the ledger still holds them at chain head 3" in checked
    alone = as_json(cli("--json", "audit", "check-export", f"{out}.manifest.json", db=False))
    assert alone == {"ok": True, "file": str(out), "against_ledger": False,
                     "manifest": f"{out}.manifest.json",
                     "chain_head": data["chain_head"]["hash"], "rows": 6, "problems": []}


def test_check_export_exits_1_naming_what_differs(cli: Invoke, books: Path) -> None:
    out = books / "trail.csv"
    ok(cli("audit", "export", "--format", "csv", "--out", out))
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:-1]))
    # An export check reports what differs as text (it has no error code): the bytes, the rows,
    # and the missing line are each named.
    failed = cli("audit", "check-export", out)
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    for named in ("sha256", "holds 5 rows; the manifest says 6", "line 7 is missing"):
        assert named in failed.stderr, failed.stderr
    data = json.loads(cli("--json", "audit", "check-export", out).stdout)
    assert data["ok"] is False and data["problems"]


def test_check_export_refuses_a_tampered_copy_beside_a_copied_manifest(
        cli: Invoke, books: Path) -> None:
    """Issue 16 item 1: the file given is hashed, not the one the manifest names."""
    out = books / "a.csv"
    ok(cli("audit", "export", "--format", "csv", "--out", out))
    copy = books / "b.csv"
    copy.write_bytes(out.read_bytes().replace(b"120.00", b"121.00", 1))
    (books / "b.csv.manifest.json").write_bytes((books / "a.csv.manifest.json").read_bytes())
    result = cli("audit", "check-export", copy, db=False)
    assert result.exit_code == 1 and result.stdout == "", result.output
    assert str(copy) in result.stderr and "sha256" in result.stderr
    data = json.loads(cli("--json", "audit", "check-export", copy, db=False).stdout)
    assert data["ok"] is False and data["file"] == str(copy)
    copy.write_bytes(out.read_bytes())
    checked = ok(cli("audit", "check-export", copy)).stdout
    assert checked.startswith(f"ok: {copy} is exactly what was exported (exported as a.csv)")
    copy.unlink()  # the manifest alone: the file it pairs with is missing, named
    missing = cli("audit", "check-export", books / "b.csv.manifest.json")
    assert missing.exit_code == 1 and str(copy) in missing.stderr, missing.output
    other = books / "c.csv"
    other.write_bytes(out.read_bytes())
    refused(cli("audit", "check-export", other), ErrorCode.NOT_FOUND, f"{other}.manifest.json",
            "--manifest")
    ok(cli("audit", "check-export", other, "--manifest", books / "a.csv.manifest.json"))


def test_usage_and_input_errors(cli: Invoke, books: Path) -> None:
    assert cli("audit", "export", "--format", "pdf", "--out", books / "x").exit_code == 2
    assert cli("audit", "export", "--format", "csv").exit_code == 2
    refused(cli("audit", "export", "--format", "csv", "--out", books / "x.csv", "--from",
                "2026-13-01"),
            ErrorCode.INVALID_DATE, "--from")
    refused(cli("audit", "check-export", books / "nothing.csv"), ErrorCode.NOT_FOUND)
    refused(cli("audit", "disclose", "--compound", "nowhere", "--period", "2026-10"),
            ErrorCode.NOT_FOUND, "'nowhere'", "commons ledger chart nowhere")
    refused(cli("audit", "disclose", "--compound", "wjxc", "--period", "2026-13"),
            ErrorCode.INVALID_DATE, "YYYY-Qn")


def test_an_account_prefix_no_account_is_under_is_refused_not_exported_empty(
        cli: Invoke, books: Path) -> None:
    # Tried as a new user: a mistyped --account exported "0 postings", an empty trail that
    # reads as an account never used.
    out = books / "typo.xlsx"
    refused(cli("audit", "export", "--format", "xlsx", "--out", out, "--account",
                "assets:bank:co-manged"), ErrorCode.NOT_FOUND, "--account",
            "assets:bank:co-managed")
    assert not out.exists()
    refused(cli("audit", "export", "--format", "csv", "--out", books / "none.csv", "--account",
                "assets:nothing"), ErrorCode.NOT_FOUND, "commons ledger accounts")
    ok(cli("audit", "export", "--format", "csv", "--out", books / "bank.csv", "--account",
           "assets:bank"))  # a prefix of accounts is what --account takes


def test_every_read_command_works_read_only_and_leaves_the_file_alone(
        cli: Invoke, books: Path, db_path: Path) -> None:
    before = (db_path.read_bytes(), db_path.stat().st_mtime_ns)
    for args in (("ledger", "balance"), ("ledger", "trail", BANK), ("audit", "verify"),
                 ("audit", "export", "--format", "beancount", "--out", books / "t.beancount"),
                 ("audit", "check-export", books / "t.beancount"),
                 ("audit", "disclose", "--compound", "wjxc", "--period", "2026-Q4",
                  "--published", "2027-01-05"),
                 ("estate", "show", "wjxc")):
        result = cli("--read-only", *args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "read-only" not in result.stderr, (args, result.stderr)
    refused(cli("--read-only", "ledger", "open", "assets:cash:x"), ErrorCode.READ_ONLY, "read-only")
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before


def test_audit_commands_never_write_even_without_read_only(
        cli: Invoke, books: Path, db_path: Path) -> None:
    """A read-write open would switch a rollback-journal file to WAL (a write to its header)."""
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    conn.close()
    before = db_path.read_bytes()
    for args in (("audit", "verify"),
                 ("audit", "export", "--format", "csv", "--out", books / "t.csv"),
                 ("audit", "check-export", books / "t.csv"),
                 ("audit", "disclose", "--compound", "wjxc", "--period", "2026-Q4",
                  "--published", "2027-01-05")):
        ok(cli(*args))
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in books.iterdir() if p.name.startswith(db_path.name)) == [
        db_path.name]


def test_disclose_prints_text_html_and_json(cli: Invoke, books: Path) -> None:
    text = ok(cli("audit", "disclose", "--compound", "wjxc", "--period", "2026-10")).stdout
    assert "公共收益公示" in text and "停车收益" in text and "¥120.00" in text
    english = ok(cli("audit", "disclose", "--compound", "wjxc", "--period", "2026-Q4",
                     "--published", "2027-01-05", "--lang", "en")).stdout
    assert "Public revenue disclosure" in english and "¥80.00" in english
    page = ok(cli("audit", "disclose", "--compound", "wjxc", "--period", "2026-10",
                  "--format", "html", "--out", books / "d.html")).stdout
    assert page.startswith("wrote ") and (books / "d.html").read_text("utf-8").startswith(
        "<!DOCTYPE html>")
    data = as_json(cli("audit", "disclose", "--compound", "wjxc", "--period", "2026-10",
                       "--format", "json"))
    assert data["income_total"] == "620.00" and data["closing"] == "620.00"
    assert as_json(cli("--json", "audit", "disclose", "--compound", "wjxc", "--period",
                       "2026-10")) == data


def test_the_demo_exports_checks_and_discloses(cli: Invoke, db_path: Path) -> None:
    data = as_json(cli("--json", "demo"))
    audit = next(step for step in data["steps"] if step["topic"] == "audit")
    assert sum("checks out" in line for line in audit["lines"]) == 3  # CSV, XLSX and Beancount
    assert any("公共收益公示 2026-Q4" in line for line in audit["lines"])
    folder = db_path.with_name(f"{db_path.stem}-files")
    assert ok(cli("audit", "check-export", folder / "wjxc-trail.csv")).stdout.startswith("ok:")
    # The command the demo prints gives the page a resident reads: the committee's contact,
    # the resolution's Chinese title, and the signers by name, not by id.
    command = next(line.split()[1:] for line in audit["lines"]
                   if line.strip().startswith("commons audit disclose"))
    page = ok(cli(*[str(db_path.parent / a) if a.endswith(".toml") else a for a in command],
                  "--format", "text")).stdout
    spending = next(line for line in page.splitlines() if "2026-12-31  保洁" in line)
    assert "签批 卫技新村居民自治委员会 (自管会)、砂子塘社区居民委员会 (社区)" in spending
    assert "关于使用公共收益补贴" in spending and "业主大会决议" in spending
    assert "wjxc-smc" not in page and "cleaning" not in page and "（未填写）" not in page
    assert "王师傅" in page


def test_a_period_scopes_an_export_as_its_first_and_last_day(cli: Invoke, books: Path) -> None:
    by_period = as_json(cli("--json", "audit", "export", "--format", "jsonl", "--out",
                            books / "m.jsonl", "--period", "2026-10"))
    by_dates = as_json(cli("--json", "audit", "export", "--format", "jsonl", "--out",
                           books / "d.jsonl", "--from", "2026-10-01", "--to", "2026-10-31"))
    assert by_period["scope"] == by_dates["scope"] and by_period["rows"] == 4
    quarter = as_json(cli("--json", "audit", "export", "--format", "csv", "--out",
                          books / "q.csv", "--period", "2026-Q4"))
    assert quarter["rows"] == 6
    refused(cli("audit", "export", "--format", "csv", "--out", books / "x.csv", "--period",
                "2026-13"),
            ErrorCode.INVALID_DATE, "field '--period'")
    both = cli("audit", "export", "--format", "csv", "--out", books / "x.csv", "--period",
               "2026-10", "--from", "2026-10-01")
    assert both.exit_code == 2 and "not both" in both.stderr
    assert not (books / "x.csv").exists()


def test_export_lang_names_the_xlsx_headers_and_a_bad_one_is_a_usage_error(
        cli: Invoke, books: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    assert "--lang [zh|en]" in ok(cli("audit", "export", "--help")).stdout
    for lang, first in (("zh", "凭证号"), ("en", "Entry")):
        out = books / f"trail-{lang}.xlsx"
        data = as_json(cli("--json", "audit", "export", "--format", "xlsx", "--out", out,
                           "--lang", lang))
        assert data["lang"] == lang
        assert openpyxl.load_workbook(out).worksheets[1]["A1"].value == first
        assert ok(cli("audit", "check-export", out)).stdout.startswith("ok:")
    result = cli("audit", "export", "--format", "xlsx", "--out", books / "x.xlsx", "--lang", "fr")
    assert result.exit_code == 2 and "--lang" in result.stderr
    assert not (books / "x.xlsx").exists()
