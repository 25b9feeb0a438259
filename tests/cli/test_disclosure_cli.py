"""The disclosure's options through click's CliRunner (``audit disclose --notice / --published /
--objection-days / --contact / --how-to-object``, ``reconcile account --bank``, ``audit verify
--head / --newest``): their help, what they print, and wrong inputs refused with codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Invoke, as_json, ok, refused
from ledger_helpers import BANK, PARKING, record, write_jsonl

from commons.errors import ErrorCode

# Published after the quarter: a statement of a period still running is refused.
DISCLOSE = ("audit", "disclose", "--compound", "wjxc", "--period", "2026-Q4", "--published",
            "2027-01-05")


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    ok(cli("ledger", "chart", "wjxc"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)], memo="停车费")])))
    return tmp_path


@pytest.mark.parametrize(("command", "options"), [
    (("audit", "disclose"), ("--notice", "--published", "--objection-days", "--contact",
                             "--how-to-object")),
    (("audit", "verify"), ("--head", "--at", "--newest")),
    (("reconcile", "account"), ("--bank",)),
])
def test_the_new_options_have_help(cli: Invoke, command: tuple[str, ...],
                                   options: tuple[str, ...]) -> None:
    text = ok(cli(*command, "--help")).stdout
    assert all(option in text for option in options)


def test_the_options_reach_the_page(cli: Invoke, books: Path) -> None:
    ok(cli("reconcile", "account", BANK, "--number", "6214 8301 7310 0188", "--bank",
           "长沙银行雨花支行"))
    notice = books / "notice.toml"
    notice.write_text('contact = "王师傅"\n[signatures]\nfirm = "梓园物业"\n', encoding="utf-8")
    text = ok(cli(*DISCLOSE, "--notice", notice,
                  "--objection-days", "10", "--how-to-object", "投递1栋101信箱")).stdout
    assert "2027-01-05 至 2027-01-14 (10 天)" in text
    assert "王师傅" in text and "投递1栋101信箱" in text and "梓园物业" in text
    assert "长沙银行雨花支行" in text and "**** **** **** 0188" in text and "7310" not in text
    # An option overrides the notice file.
    data = as_json(cli(*DISCLOSE, "--notice", notice, "--contact", "李师傅", "--format", "json"))
    assert data["publication"]["contact"] == "李师傅"
    assert data["signatures"][1] == {"party": "firm", "name": "梓园物业"}
    # Recording the number again without --bank keeps the bank.
    again = as_json(cli("--json", "reconcile", "account", BANK, "--number", "6214830173100188"))
    assert again["bank"] == "长沙银行雨花支行"


def test_wrong_inputs_are_refused_with_codes(cli: Invoke, books: Path) -> None:
    refused(cli(*DISCLOSE, "--objection-days", "0"), ErrorCode.INVALID_INPUT,
            "'--objection-days'")
    refused(cli(*DISCLOSE, "--objection-days", "91"), ErrorCode.INVALID_INPUT)
    refused(cli(*DISCLOSE, "--published", "2027-02-30"), ErrorCode.INVALID_DATE, "--published")
    refused(cli(*DISCLOSE, "--published", "2026-11-01"), ErrorCode.INVALID_DATE, "--published",
            "2026-12-31")
    refused(cli(*DISCLOSE, "--contact", "a\nb"), ErrorCode.INVALID_INPUT, "'--contact'")
    refused(cli(*DISCLOSE, "--compound", "wjcx"), ErrorCode.NOT_FOUND, "'--compound'")
    refused(cli(*DISCLOSE, "--notice", books / "none.toml"), ErrorCode.NOT_FOUND, "none.toml")
    bad = books / "bad.toml"
    bad.write_text("objection_days = [\n", encoding="utf-8")
    refused(cli(*DISCLOSE, "--notice", bad), ErrorCode.MALFORMED_FILE, "bad.toml")
    bad.write_text("deadline = 3\n", encoding="utf-8")
    refused(cli(*DISCLOSE, "--notice", bad), ErrorCode.INVALID_INPUT, "bad.toml", "deadline")
    assert cli(*DISCLOSE, "--objection-days", "seven").exit_code == 2
    refused(cli("reconcile", "account", BANK, "--number", "62148301", "--bank", " "),
            ErrorCode.INVALID_INPUT, "bank")


def test_a_printed_head_is_checked_with_verify_head(cli: Invoke, books: Path) -> None:
    page = as_json(cli(*DISCLOSE, "--format", "json"))
    head = page["verification"]["chain_head"]["hash"]
    assert page["verification"]["command"] == f"commons audit verify --head {head}"
    ok(cli("ledger", "post", write_jsonl(books / "k.jsonl", [
        record("pk-2", "2027-01-05", [(BANK, 3000), (PARKING, -3000)])])))
    text = ok(cli("audit", "verify", "--head", head)).stdout
    assert "the recorded head is entry 1 of 2026-10-05" in text and "1 entry recorded since" in text
    data = as_json(cli("--json", "audit", "verify", "--head", head.upper()))
    assert data["ok"] and data["recorded"] == {"entry": 1, "date": "2026-10-05",
                                               "appended_since": 1}
    failed = cli("audit", "verify", "--head", head, "--newest")
    assert failed.exit_code == 1 and "head_mismatch" in failed.stderr
    refused(cli("audit", "verify", "--head", "ab" * 32), ErrorCode.HEAD_NOT_ON_CHAIN, "ab" * 32)
    for alone in (("--newest",), ("--at", "1")):  # what they check needs the head's hash
        refused(cli("audit", "verify", *alone), ErrorCode.INVALID_INPUT, "--head")
