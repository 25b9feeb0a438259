"""``commons revenue ...`` end to end: every command's --help, a quarter collected, a cleaning
subsidy voted, approved twice and paid, with text and --json; bad files and refusals exit 1
naming why (the firm approving alone cannot pay), usage errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Invoke, refused
from revenue_helpers import ESTATE, collections_csv

from commons.errors import ErrorCode

COMMANDS = ["clear", "collect", "rule", "set-aside", "signer", "holder", "limit", "balance",
            "propose", "vote", "tally", "approve", "disburse", "show", "statement"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_every_command_has_help(cli: Invoke, command: list[str]) -> None:
    result = cli("revenue", *command, "--help", db=False)
    assert result.exit_code == 0, result.output
    assert "Usage: commons revenue" in result.output


@pytest.fixture
def estate(cli: Invoke, tmp_path: Path) -> Path:
    files = []
    for kind, text in ESTATE.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        files += [kind, str(path)]
    assert cli("estate", "import", *files).exit_code == 0
    return tmp_path


def ok(cli: Invoke, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def js(cli: Invoke, *args: str) -> dict[str, object]:
    return json.loads(ok(cli, "--json", *args))  # type: ignore[no-any-return]


@pytest.fixture
def collected(cli: Invoke, estate: Path) -> Path:
    ok(cli, "revenue", "rule", "wjxc", "--commission", "10", "--from", "2026-01-01")
    path = collections_csv(estate, [
        "pk-10,2026-10-31,wjxc,wjxc-p1,2026-10,8400.00,中心医院,tidal parking",
        "pk-11,2026-11-30,wjxc,wjxc-p1,2026-11,8100.00,中心医院,tidal parking",
        "ad-q4,2026-10-08,wjxc,wjxc-ad1,2026-10,4500.00,电梯广告,"])
    summary = js(cli, "revenue", "collect", str(path))
    assert summary == {"file": str(path), "posted": 3, "already_recorded": 0,
                       "income": "21000.00", "commission": "2100.00",
                       "owners_share": "18900.00"}
    for signer, role in [("wang", "self-management-committee"), ("sq", "community"),
                         ("green-firm", "firm"), ("green-firm-2", "firm")]:
        ok(cli, "revenue", "signer", "wjxc", signer, "--role", role)
    return path


def test_collect_again_is_already_recorded(cli: Invoke, collected: Path) -> None:
    again = js(cli, "revenue", "collect", str(collected))
    assert (again["posted"], again["already_recorded"]) == (0, 3)
    assert "posted 0, already recorded 3" in ok(cli, "revenue", "collect", str(collected))


def test_a_bad_collection_file_exits_1_naming_the_line(cli: Invoke, estate: Path) -> None:
    path = collections_csv(estate, ["x,2026-10-03,wjxc,zy-1-p1,2026-10,1.00,,",
                                    "y,2026-10-03,wjxc,wjxc-p1,2026-10,1.001,,"], "bad.csv")
    message = refused(cli("revenue", "collect", str(path)), ErrorCode.SEVERAL)
    assert f"{path}:2: field 'resource'" in message
    assert f"{path}:3: field 'amount'" in message
    assert js(cli, "revenue", "balance", "wjxc")["bank"] == "0.00"


def test_clear_rule_and_set_aside(cli: Invoke, collected: Path) -> None:
    cleared = js(cli, "revenue", "clear", "wjxc", "--as-of", "2026-11-30", "--opening", "18650")
    assert cleared["opening"] == "18650.00" and cleared["opening_status"] == "posted"
    assert cleared["idle"] == ["wjxc-bs1", "wjxc-p2", "wjxc-room1"]
    assert cleared["earned"] == "21000.00"
    text = ok(cli, "revenue", "clear", "wjxc", "--as-of", "2026-11-30")
    assert "idle: wjxc-bs1, wjxc-p2, wjxc-room1" in text and "already recorded" in text
    refused(cli("revenue", "rule", "zy-1", "--commission", "31", "--from", "2026-01-01"),
            ErrorCode.REFUSED)
    done = js(cli, "revenue", "set-aside", "wjxc", "2026-Q4")
    assert (done["net"], done["required"], done["status"]) == ("18900.00", "9450.00", "posted")
    assert "already recorded" in ok(cli, "revenue", "set-aside", "wjxc", "2026-Q4")
    balance = js(cli, "revenue", "balance", "wjxc")
    assert balance == {"compound": "wjxc", "bank": "39650.00", "maintenance_fund": "9450.00",
                       "maintenance_due": "0.00", "earmarked": "0.00",
                       "owed_to_operator": "2100.00", "available": "28100.00"}
    assert "= available" in ok(cli, "revenue", "balance", "wjxc")


def test_the_account_is_never_held_by_the_firm(cli: Invoke, estate: Path) -> None:
    refused(cli("revenue", "holder", "zy-1", "f", "--role", "firm"),
            ErrorCode.REFUSED)
    assert js(cli, "revenue", "holder", "zy-1", "zy-oc", "--role", "业委会")["role"] == \
        "owners-committee"


def vote_resolution(cli: Invoke, rid: str) -> None:
    ok(cli, "resolution", "propose", rid, "--matter", "use-public-revenue", "--scope",
       "compound:wjxc")
    for step in ("discussed", "consulted", "drafted"):
        ok(cli, "resolution", "advance", rid, step)


def test_a_cleaning_subsidy_voted_approved_twice_and_paid(cli: Invoke, collected: Path) -> None:
    vote_resolution(cli, "R-clean")
    status = js(cli, "revenue", "propose", "S-clean", "--compound", "wjxc", "--purpose",
                "cleaning", "--amount", "6000", "--payee", "cleaning co-op",
                "--resolution", "R-clean")
    assert (status["amount"], status["approvals"], status["earmarked"]) == ("6000.00", [], False)
    for owner, choice in [("王", "yes"), ("李", "yes"), ("张", "no")]:
        ok(cli, "revenue", "vote", "S-clean", owner, choice)
    standing = js(cli, "revenue", "tally", "S-clean")
    assert standing["passes"] is True and standing["participation"]["owners"] == {
        "fraction": "3/3", "percent": "100.00"}
    ok(cli, "revenue", "tally", "S-clean", "--close")
    ok(cli, "revenue", "approve", "S-clean", "--signer", "green-firm")
    refused(cli("revenue", "disburse", "S-clean", "--date", "2026-11-30"), ErrorCode.NOT_AUTHORISED)
    refused(cli("revenue", "approve", "S-clean", "--signer", "sq"),
            ErrorCode.NOT_AUTHORISED)
    refused(cli("revenue", "approve", "S-clean", "--signer", "green-firm-2"),
            ErrorCode.NOT_AUTHORISED)
    assert "earmarked" in ok(cli, "revenue", "approve", "S-clean", "--signer", "wang")
    paid = js(cli, "revenue", "disburse", "S-clean", "--date", "2026-11-30")
    assert paid["authority"] == {"kind": "resolution", "resolution": "R-clean", "signer": None}
    assert [a["signer"] for a in paid["approvals"]] == ["green-firm", "wang"]
    refused(cli("revenue", "disburse", "S-clean", "--date", "2026-11-30"),
            ErrorCode.ALREADY_DONE)
    shown = js(cli, "revenue", "show", "S-clean")
    assert shown["disbursement"]["entry_id"] == paid["entry_id"]  # type: ignore[index]
    statement = js(cli, "revenue", "statement", "wjxc", "--from", "2026-10", "--to", "2026-12")
    assert statement["spending"][0]["approvers"] == [  # type: ignore[index]
        "green-firm (firm)", "wang (self-management-committee)"]
    assert (statement["income_total"], statement["spending_total"], statement["closing"]) == (
        "21000.00", "6000.00", "15000.00")
    text = ok(cli, "revenue", "statement", "wjxc", "--from", "2026-10", "--to", "2026-12")
    assert "R-clean" in text and "closing balance 15,000.00" in text
    assert ok(cli, "audit", "verify")


def test_within_the_limit_the_committee_decides(cli: Invoke, collected: Path) -> None:
    refused(cli("revenue", "propose", "S1", "--compound", "wjxc", "--purpose", "greening",
                "--amount", "100", "--payee", "x"), ErrorCode.NOT_AUTHORISED)
    ok(cli, "resolution", "propose", "R-limit", "--matter", "rules", "--scope", "compound:wjxc")
    for step in ("discussed", "consulted", "drafted"):
        ok(cli, "resolution", "advance", "R-limit", step)
    for owner in ("王", "李", "张"):
        ok(cli, "resolution", "vote", "R-limit", owner, "yes")
    ok(cli, "resolution", "resolve", "R-limit")
    assert js(cli, "revenue", "limit", "wjxc", "500", "--resolution", "R-limit")["amount"] == \
        "500.00"
    ok(cli, "revenue", "propose", "S1", "--compound", "wjxc", "--purpose", "greening",
       "--amount", "100", "--payee", "x")
    refused(cli("revenue", "vote", "S1", "王", "yes"),
            ErrorCode.INVALID_INPUT)
    ok(cli, "revenue", "approve", "S1", "--signer", "sq")
    ok(cli, "revenue", "approve", "S1", "--signer", "wang")
    text = ok(cli, "revenue", "disburse", "S1", "--date", "2026-11-30")
    assert "the committee's decision (wang)" in text


def test_usage_errors_exit_2(cli: Invoke, estate: Path) -> None:
    assert cli("revenue", "clear", "wjxc").exit_code == 2
    assert cli("revenue", "vote", "S1", "王", "maybe").exit_code == 2
    assert "field '--as-of'" in refused(cli("revenue", "clear", "wjxc", "--as-of", "30/11"),
                                        ErrorCode.INVALID_DATE)


@pytest.mark.parametrize(("args", "field"), [
    (("propose", "S1", "--compound", "wjxc", "--purpose", "greening", "--amount", "1.005",
      "--payee", "x"), "amount"),
    (("limit", "wjxc", "12,50", "--resolution", "R"), "amount"),
    (("clear", "wjxc", "--as-of", "2026-11-30", "--opening", "1.005"), "opening"),
])
def test_an_amount_that_is_not_money_names_its_field(cli: Invoke, estate: Path,
                                                     args: tuple[str, ...], field: str) -> None:
    message = refused(cli("revenue", *args), ErrorCode.INVALID_AMOUNT)
    assert f"field '{field}'" in message


def test_read_commands_work_on_a_read_only_file(cli: Invoke, collected: Path) -> None:
    ok(cli, "revenue", "clear", "wjxc", "--as-of", "2026-11-30", "--opening", "0.00")
    for command in (["clear", "wjxc", "--as-of", "2026-11-30"], ["balance", "wjxc"],
                    ["statement", "wjxc", "--from", "2026-10", "--to", "2026-12"]):
        assert ok(cli, "--read-only", "revenue", *command)
    cleared = js(cli, "--read-only", "revenue", "clear", "wjxc", "--as-of", "2026-11-30")
    assert cleared["opening_status"] == "already recorded"
    refused(cli("--read-only", "revenue", "clear", "wjxc", "--as-of", "2026-11-30", "--opening",
                "0.00"), ErrorCode.READ_ONLY)
