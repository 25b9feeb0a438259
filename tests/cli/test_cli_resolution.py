"""``commons resolution ...`` through click's CliRunner: every command's help, a whole six-step
walk to resolved on an estate imported with ``commons estate import``, the tally's --json shape
(DESIGN.md) and its text layout (golden), exit 1 refusals and exit 2 usage errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, WriteFile, as_json, ok, refused
from test_cli_split import assert_golden

from commons.errors import ErrorCode

COMMANDS = ["propose", "advance", "vote", "ballots", "tally", "resolve", "show", "list"]

ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\n",
    "buildings": "id,compound,floors,elevator\nwjxc-1,wjxc,6,no\n",
    # Five flats, four owners: 王建国 holds two.
    "households": "id,building,floor,area_m2,owner\n"
                  "wjxc-1-101,wjxc-1,1,56.37,王建国\nwjxc-1-102,wjxc-1,1,71.20,李秀英\n"
                  "wjxc-1-301,wjxc-1,3,56.37,张伟\nwjxc-1-302,wjxc-1,3,71.20,赵敏\n"
                  "wjxc-1-601,wjxc-1,6,56.37,王建国\n",
}


@pytest.fixture
def estate(cli: Invoke, write_file: WriteFile) -> Invoke:
    args: list[str] = []
    for kind, text in ESTATE.items():
        args += [kind, str(write_file(f"{kind}.csv", text))]
    ok(cli("estate", "import", *args))
    return cli


def to_drafted(cli: Invoke, pid: str = "LS1", *extra: str) -> None:
    ok(cli("resolution", "propose", pid, "--matter", "elevator-retrofit", "--scope",
           "building:wjxc-1", *extra))
    for step in ("discussed", "consulted", "drafted"):
        ok(cli("resolution", "advance", pid, step))


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS], ["elect"]])
def test_help_of_every_resolution_command(cli: Invoke, command: list[str]) -> None:
    text = ok(cli("resolution", *command, "--help")).stdout
    assert text.startswith(f"Usage: commons resolution {' '.join(command)}".rstrip())
    if command != ["elect"]:
        assert "raise-maintenance-fund   at least 3/4" in text
        assert "use-public-revenue       more than 1/2" in text
        assert "at least 2/3 of the exclusive area" in text
        assert "4. drafted    拟定方案" in text and "6. resolved   形成决议" in text


def test_a_whole_walk_to_resolved(estate: Invoke, write_file: WriteFile) -> None:
    cli = estate
    made = as_json(cli("--json", "resolution", "propose", "LS1", "--matter", "elevator-retrofit",
                       "--scope", "building:wjxc-1", "--title", "加装电梯", "--affected",
                       "wjxc-1-101", "--affected", "wjxc-1-601"))
    assert (made["state"], made["state_label"], made["affected"]) == (
        "proposed", "提出议题", ["wjxc-1-101", "wjxc-1-601"])
    for step in ("discussed", "consulted", "drafted"):
        assert as_json(cli("resolution", "advance", "LS1", step, "--json"))["state"] == step
    vote = as_json(cli("--json", "resolution", "vote", "LS1", "王建国", "yes"))
    assert vote["state"] == "voted" and vote["ballots"] == [{"owner": "王建国", "choice": "yes"}]
    path = write_file("ballots.csv", "owner,choice\n李秀英,yes\n张伟,yes\n赵敏,no\n")
    imported = as_json(cli("--json", "resolution", "ballots", "LS1", path))
    assert imported == {"resolution": "LS1", "file": str(path), "new": 3,
                        "already_recorded": 0, "state": "voted", "ballots": 4}
    standing = as_json(cli("--json", "resolution", "tally", "LS1"))
    assert_tally_shape(standing)
    assert standing["participation"] == {"area": {"fraction": "311.51/311.51",
                                                  "percent": "100.00"},
                                         "owners": {"fraction": "4/4", "percent": "100.00"}}
    assert standing["yes"] == {"area": {"fraction": "240.31/311.51", "percent": "77.14"},
                               "owners": {"fraction": "3/4", "percent": "75.00"}}
    assert standing["passes"] is True and standing["reason"].startswith("passes: 4/4 owners")
    resolved = as_json(cli("--json", "resolution", "resolve", "LS1"))
    assert_tally_shape(resolved)
    assert resolved["state"] == "resolved" and resolved["passes"] is True
    assert {k: v for k, v in resolved.items() if k not in ("state", "title")} == standing
    shown = as_json(cli("--json", "resolution", "show", "LS1"))
    assert [(h["from"], h["to"]) for h in shown["history"]] == [
        (None, "proposed"), ("proposed", "discussed"), ("discussed", "consulted"),
        ("consulted", "drafted"), ("drafted", "voted"), ("voted", "resolved")]
    assert shown["passed"] is True and shown["tally"] == standing and shown["compound"] == "wjxc"
    listed = as_json(cli("--json", "resolution", "list", "--compound", "wjxc"))
    assert listed == {"resolutions": [{"id": "LS1", "compound": "wjxc",
                                       "scope": "building wjxc-1",
                                       "matter": "elevator-retrofit", "state": "resolved",
                                       "passed": True, "title": "加装电梯"}]}


def assert_tally_shape(data: dict[str, Any]) -> None:
    """DESIGN.md's tally report: these keys and value types, fractions and percents as text."""
    assert {"resolution", "matter", "participates", "passes", "participation", "yes",
            "reason"} <= set(data)
    assert isinstance(data["participates"], bool) and isinstance(data["passes"], bool)
    assert isinstance(data["reason"], str)
    for measures in (data["participation"], data["yes"]):
        assert set(measures) == {"area", "owners"}
        for ratio in measures.values():
            assert set(ratio) == {"fraction", "percent"}
            assert all(isinstance(v, str) for v in ratio.values())


def test_the_text_tally_is_a_table_with_its_reason(estate: Invoke, write_file: WriteFile) -> None:
    to_drafted(estate, "LS1", "--affected", "wjxc-1-302")
    ok(estate("resolution", "ballots", "LS1",
              write_file("b.csv", "owner,choice\n王建国,yes\n李秀英,yes\n张伟,abstain\n")))
    assert_golden("resolution_tally.txt", ok(estate("resolution", "tally", "LS1")).stdout)


def test_text_outputs_of_each_step(estate: Invoke, write_file: WriteFile) -> None:
    text = ok(estate("resolution", "propose", "P", "--matter", "rules", "--scope",
                     "compound:wjxc")).stdout
    assert text == "P  rules (制定和修改业主大会议事规则) in compound wjxc: proposed (提出议题)\n"
    for step in ("discussed", "consulted", "drafted", "voted"):
        ok(estate("resolution", "advance", "P", step))
    assert ok(estate("resolution", "vote", "P", "张伟", "no")).stdout == (
        "P: 张伟 voted no; 1 ballot cast, voted\n")
    resolved = ok(estate("resolution", "resolve", "P")).stdout.splitlines()
    assert resolved[0].endswith("resolved (形成决议): failed")
    assert resolved[1].startswith("fails: participation by area is 56.37/311.51 m²")
    shown = ok(estate("resolution", "show", "P")).stdout
    assert "ballots: 1 (0 yes, 1 no, 0 abstain)" in shown and "resolved   形成决议" in shown
    assert "P   wjxc      compound wjxc  rules   resolved  no" in ok(
        estate("resolution", "list")).stdout


def test_the_same_ballots_again_change_nothing(estate: Invoke, write_file: WriteFile) -> None:
    to_drafted(estate)
    path = write_file("b.csv", "owner,choice\n王建国,yes\n")
    ok(estate("resolution", "ballots", "LS1", path))
    assert ok(estate("resolution", "ballots", "LS1", path)).stdout.endswith(
        "0 new ballots, 1 already recorded; LS1 has 1, voted\n")
    ok(estate("resolution", "vote", "LS1", "王建国", "yes"))
    refused(estate("resolution", "vote", "LS1", "王建国", "no"),
            ErrorCode.ALREADY_RECORDED_DIFFERENTLY)


def test_a_bad_ballots_file_exits_1_naming_file_line_field(
        estate: Invoke, write_file: WriteFile) -> None:
    to_drafted(estate)
    path = write_file("b.csv", "owner,choice\n王建国,yes\n钱,yes\n张伟,maybe\n")
    text = refused(estate("resolution", "ballots", "LS1", path), ErrorCode.SEVERAL)
    assert f"{path}:3: field 'owner'" in text
    assert f"{path}:4: field 'choice'" in text
    assert as_json(estate("--json", "resolution", "show", "LS1"))["ballots"] == []


@pytest.mark.parametrize(("args", "code"), [
    (["advance", "LS1", "voted"], ErrorCode.REFUSED),
    (["vote", "LS1", "王建国", "yes"], ErrorCode.REFUSED),
    (["resolve", "LS1"], ErrorCode.REFUSED),
    (["tally", "nope"], ErrorCode.NOT_FOUND),
    (["show", "nope"], ErrorCode.NOT_FOUND),
    (["list", "--compound", "nope"], ErrorCode.NOT_FOUND),
    (["propose", "X", "--matter", "rules", "--scope", "compound:nope"],
     ErrorCode.NOT_FOUND),
    (["propose", "X", "--matter", "rules", "--scope", "wjxc"],
     ErrorCode.INVALID_INPUT),
    (["propose", "X", "--matter", "rules", "--scope", "compound:wjxc", "--affected", "zz"],
     ErrorCode.NOT_FOUND),
    (["propose", "X", "--matter", "elevator-retrofit", "--scope", "compound:wjxc"],
     ErrorCode.REFUSED),
    (["ballots", "LS1", "missing.csv"], ErrorCode.NOT_FOUND),
])
def test_refusals_exit_1_with_the_reason(estate: Invoke, args: list[str],
                                         code: ErrorCode) -> None:
    ok(estate("resolution", "propose", "LS1", "--matter", "rules", "--scope", "compound:wjxc"))
    refused(estate("resolution", *args), code)


@pytest.mark.parametrize("args", [
    ["propose", "X", "--scope", "compound:wjxc"],
    ["propose", "X", "--matter", "party", "--scope", "compound:wjxc"],
    ["advance", "LS1", "resolved"],
    ["advance", "LS1"],
    ["vote", "LS1", "王建国", "maybe"],
    ["elect", "v.csv"],
    ["elect", "v.csv", "--seats", "0"],
    ["nosuch"],
])
def test_usage_errors_exit_2(cli: Invoke, args: list[str]) -> None:
    assert cli("resolution", *args).exit_code == 2


def test_elect_seven_for_five(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("v.csv", "candidate,votes\n甲,40\n乙,38\n丙,35\n丁,30\n戊,28\n己,28\n庚,12\n")
    data = as_json(cli("--json", "resolution", "elect", path, "--seats", "5"))
    assert [s["candidate"] for s in data["elected"]] == ["甲", "乙", "丙", "丁"]
    assert data["tie"] == {"candidates": ["己", "戊"], "votes": 28, "seats_left": 1}
    assert data["decided"] is False and [s["candidate"] for s in data["alternates"]] == ["庚"]
    text = ok(cli("resolution", "elect", path, "--seats", "5")).stdout
    assert text.splitlines()[0] == "5 seats: 4 filled, tie at the cut-off"
    assert "tie: 己, 戊 on 28 votes for 1 seat: a run-off" in text
    bad = write_file("bad.csv", "candidate,votes\n甲,x\n")
    refused(cli("resolution", "elect", bad, "--seats", "1"), ErrorCode.INVALID_INPUT)


def test_elect_needs_no_database(cli: Invoke, write_file: WriteFile, tmp_path: Path) -> None:
    path = write_file("v.csv", "candidate,votes\n甲,1\n")
    ok(cli("resolution", "elect", path, "--seats", "1"))
    assert not (tmp_path / "commons.db").exists()


def test_a_vote_count_too_long_for_int_is_refused_at_its_line(cli: Invoke,
                                                             write_file: WriteFile) -> None:
    # int() raises ValueError past 4,300 digits; the count must be refused before it is read.
    path = write_file("v.csv", "candidate,votes\n甲,40\n乙," + "9" * 5000 + "\n")
    result = cli("resolution", "elect", path, "--seats", "1")
    assert result.exit_code == 1
    assert f"{path}:3: field 'votes'" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr) < 1000
