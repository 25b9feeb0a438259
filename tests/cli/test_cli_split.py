"""`commons split` end to end through click, plus --help for every command and the real script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import click
import pytest
from commons_cli.main import main
from conftest import HOUSEHOLDS_CSV, Invoke, WriteFile, as_json, ok, refused

import commons
from commons import Money
from commons.errors import ErrorCode

GOLDEN = Path(__file__).parents[1] / "golden"

PLAN_TOML = """\
[[stage]]
party = "government"
percent = "40"
cap = "200000.00"

[[stage]]
party = "elevator-firm"
percent = "5"

[[stage]]
party = "residents"
rest = true
"""


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; ``UPDATE_GOLDEN=1 pytest`` rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --- splitting ---------------------------------------------------------------------------------


def test_text_output_by_area(cli: Invoke, households_csv: Path) -> None:
    result = ok(cli("split", "1000", "--by", "area", households_csv))
    assert_golden("split_area.txt", result.stdout)


def test_text_output_with_a_plan_by_floor(cli: Invoke, households_csv: Path,
                                          write_file: WriteFile) -> None:
    plan = write_file("elevator.toml", PLAN_TOML)
    result = ok(cli("split", "580000", "--by", "floor", households_csv, "--plan", plan))
    assert_golden("split_floor_plan.txt", result.stdout)


@pytest.mark.parametrize("where", ["global", "command"])
def test_json_shape(cli: Invoke, households_csv: Path, where: str) -> None:
    args = ["split", "1000.00", "--by", "area", str(households_csv)]
    args = ["--json", *args] if where == "global" else [*args, "--json"]
    data = json.loads(ok(cli(*args)).stdout)
    assert set(data) == {"total", "shares", "parts"}
    assert data["total"] == "1000.00"
    assert data["shares"] == [{"party": "residents", "amount": "1000.00"}]
    assert [p["id"] for p in data["parts"]] == [
        "LS-3-101", "LS-3-102", "LS-3-301", "LS-3-302", "LS-3-601", "LS-3-602"]
    for part in data["parts"]:
        assert set(part) == {"id", "weight", "amount"}
        assert isinstance(part["amount"], str)
        assert isinstance(part["weight"], str)
        assert Money.parse(part["amount"]).format() == part["amount"]  # two decimals, no grouping
    assert sum(Money.parse(p["amount"]) for p in data["parts"]) == Money.parse("1000.00")
    assert {p["weight"] for p in data["parts"]} == {"56.37", "71.20"}


@pytest.mark.parametrize("args", [("-100",), ("--", "-100"), ("-¥100.00",)])
def test_a_refund_splits_with_negative_amounts_as_strings(cli: Invoke, weights_csv: Path,
                                                          args: tuple[str, ...]) -> None:
    data = json.loads(ok(cli("--json", "split", *args, weights_csv)).stdout)
    assert data["total"] == "-100.00"
    assert [p["amount"] for p in data["parts"]] == ["-16.67", "-33.33", "-50.00"]


def test_a_misspelt_option_is_still_a_usage_error(cli: Invoke, weights_csv: Path) -> None:
    result = cli("split", "100", weights_csv, "--plann", "x.toml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_json_with_a_plan_lists_each_partys_share(cli: Invoke, households_csv: Path,
                                                  write_file: WriteFile) -> None:
    plan = write_file("elevator.toml", PLAN_TOML)
    data = json.loads(ok(cli("--json", "split", "¥580,000.00", "--by", "floor",
                             households_csv, "--plan", plan)).stdout)
    assert data["shares"] == [{"party": "government", "amount": "200000.00"},
                              {"party": "elevator-firm", "amount": "29000.00"},
                              {"party": "residents", "amount": "351000.00"}]
    parts = {p["id"]: p["amount"] for p in data["parts"]}
    assert parts["LS-3-101"] == parts["LS-3-102"] == "0.00"
    assert sum(Money.parse(a) for a in parts.values()) == Money.parse("351000.00")


def test_by_households_gives_equal_parts(cli: Invoke, households_csv: Path) -> None:
    data = json.loads(ok(cli("--json", "split", "100", "--by", "households",
                             households_csv)).stdout)
    amounts = [Money.parse(p["amount"]).fen for p in data["parts"]]
    assert sum(amounts) == 10000
    assert max(amounts) - min(amounts) == 1  # 100.00 / 6 does not divide evenly
    assert {p["weight"] for p in data["parts"]} == {"1"}


@pytest.mark.parametrize(("method", "expected"), [
    ("area", ["16.67", "33.33", "50.00"]),
    ("equal", ["33.34", "33.33", "33.33"]),
    ("households", ["33.34", "33.33", "33.33"]),
])
def test_an_id_weight_file(cli: Invoke, weights_csv: Path, method: str,
                           expected: list[str]) -> None:
    data = json.loads(ok(cli("--json", "split", "100", "--by", method, weights_csv)).stdout)
    assert [(p["id"], p["amount"]) for p in data["parts"]] == list(zip("abc", expected,
                                                                       strict=True))


def test_a_gbk_file_reads_when_its_encoding_is_named(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("gbk.csv", HOUSEHOLDS_CSV.encode("gbk"))
    data = json.loads(ok(cli("--json", "split", "600", "--by", "households", path,
                             "--encoding", "gb18030")).stdout)
    assert [p["amount"] for p in data["parts"]] == ["100.00"] * 6


def test_a_byte_order_mark_and_blank_lines_are_fine(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("bom.csv", b"\xef\xbb\xbfid,weight\r\n\r\na,1\r\nb,1\r\n\r\n")
    data = json.loads(ok(cli("--json", "split", "1", path)).stdout)
    assert [(p["id"], p["amount"]) for p in data["parts"]] == [("a", "0.50"), ("b", "0.50")]


def test_the_split_needs_no_database(cli: Invoke, weights_csv: Path, db_path: Path) -> None:
    ok(cli("split", "100", weights_csv))
    assert not db_path.exists()


# --- refusals ------------------------------------------------------------------------------------

BAD_CSVS = [
    # (name, content, line, the refusal's code)
    ("missing_column.csv", "id,building,floor,owner\nA1,B,3,王\n", 1, ErrorCode.MALFORMED_FILE),
    ("no_id.csv", "name,weight\na,1\n", 1, ErrorCode.MALFORMED_FILE),
    ("non_numeric_weight.csv", "id,weight\na,1\nb,abc\n", 3, ErrorCode.INVALID_AMOUNT),
    ("non_numeric_area.csv", "id,building,floor,area_m2,owner\nA1,B,3,五十,王\n", 2,
     ErrorCode.INVALID_AMOUNT),
    ("bad_floor.csv", "id,building,floor,area_m2,owner\nA1,B,3,50,王\nA2,B,three,50,李\n", 3,
     ErrorCode.INVALID_INPUT),
    ("empty.csv", "", 1, ErrorCode.MALFORMED_FILE),
    ("blank.csv", "\n\n", 1, ErrorCode.MALFORMED_FILE),
    ("garbled.csv", b"id,weight\n\xff,1\n", 2, ErrorCode.MALFORMED_FILE),
    ("garbled_late.csv", b"id,weight\na,1\nb,2\n\xff\xfe,3\n", 4, ErrorCode.MALFORMED_FILE),
    ("wrong_field_count.csv", "id,weight\na,1\nb,2,3\n", 3, ErrorCode.MALFORMED_FILE),
    ("too_few_fields.csv", "id,weight\na,1\n\nb\n", 4, ErrorCode.MALFORMED_FILE),
    ("negative_weight.csv", "id,weight\na,1\nb,-2\n", 3, ErrorCode.INVALID_INPUT),
    ("empty_weight.csv", "id,weight\na,1\nb,\n", 3, ErrorCode.INVALID_INPUT),
    ("exponent_weight.csv", "id,weight\na,1e3\n", 2, ErrorCode.INVALID_AMOUNT),
    ("nan_weight.csv", "id,weight\na,NaN\n", 2, ErrorCode.INVALID_AMOUNT),
    ("duplicate_id.csv", "id,weight\na,1\na,2\n", 3, ErrorCode.INVALID_INPUT),
    ("duplicate_household.csv", HOUSEHOLDS_CSV + "LS-3-101,LS-3,2,50.00,王\n", 8,
     ErrorCode.INVALID_INPUT),
    ("repeated_column.csv", "id,weight,weight\na,1,2\n", 1, ErrorCode.MALFORMED_FILE),
    ("zero_area.csv", "id,building,floor,area_m2,owner\nA1,B,3,0,王\n", 2, ErrorCode.INVALID_INPUT),
    ("three_decimal_area.csv", "id,building,floor,area_m2,owner\nA1,B,3,50.123,王\n", 2,
     ErrorCode.INVALID_INPUT),
    ("floor_zero.csv", "id,building,floor,area_m2,owner\nA1,B,0,50,王\n", 2,
     ErrorCode.INVALID_INPUT),
]


@pytest.mark.parametrize(("name", "content", "line", "code"), BAD_CSVS,
                         ids=[case[0] for case in BAD_CSVS])
def test_a_bad_csv_is_refused_with_its_file_and_line(
    cli: Invoke, write_file: WriteFile, name: str, content: str | bytes, line: int,
    code: ErrorCode
) -> None:
    path = write_file(name, content)
    refused(cli("split", "100", "--by", "area", path), code, f"{path}:{line}")


def test_a_floor_with_no_coefficient_is_refused_at_its_line(cli: Invoke,
                                                            write_file: WriteFile) -> None:
    path = write_file("tall.csv", HOUSEHOLDS_CSV + "LS-3-4101,LS-3,41,50.00,王\n")
    message = refused(cli("split", "100", "--by", "floor", path), ErrorCode.INVALID_INPUT)
    assert f"{path}:8: field 'floor'" in message


def test_by_floor_needs_a_households_file(cli: Invoke, weights_csv: Path) -> None:
    message = refused(cli("split", "100", "--by", "floor", weights_csv), ErrorCode.INVALID_INPUT)
    assert f"{weights_csv}:1" in message


def test_a_header_without_rows_is_refused(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("header_only.csv", "id,weight\n")
    message = refused(cli("split", "100", path), ErrorCode.INVALID_INPUT)
    assert str(path) in message


def test_all_zero_weights_are_refused(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("zeros.csv", "id,weight\na,0\nb,0.00\n")
    refused(cli("split", "100", path), ErrorCode.INVALID_AMOUNT)


def test_a_missing_file_is_refused(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    message = refused(cli("split", "100", path), ErrorCode.NOT_FOUND)
    assert str(path) in message


def test_an_unknown_encoding_is_refused(cli: Invoke, weights_csv: Path) -> None:
    refused(cli("split", "100", weights_csv, "--encoding", "klingon"),
            ErrorCode.INVALID_INPUT)


@pytest.mark.parametrize(("total", "words"), [
    ("1.234", "more than two decimal places"),
    ("abc", "not an amount of money"),
    ("1e3", "exponent"),
    ("NaN", "not a finite number"),
    ("1,23", "separators are misplaced"),
])
def test_a_bad_total_is_refused_naming_the_argument(cli: Invoke, weights_csv: Path, total: str,
                                                    words: str) -> None:
    message = refused(cli("split", total, weights_csv), ErrorCode.INVALID_AMOUNT)
    assert "field 'TOTAL'" in message
    assert repr(total) in message
    assert words in message


BAD_PLANS = [
    # (content, location the message must contain, the refusal's code)
    ('[[stage]]\nparty = "gov"\npercent = = "30"\n', ":3", ErrorCode.MALFORMED_FILE),
    ('[[stage]]\nparty = "gov"\npercent = "30"\n\n[[stage]\nparty = "r"\n', ":5",
     ErrorCode.MALFORMED_FILE),
    ('[[stage]]\nparty = "gov"\npercentt = "30"\n[[stage]]\nparty = "r"\nrest = true\n',
     ": field 'stage[1]'", ErrorCode.INVALID_INPUT),
    ('[[stage]]\nparty = "gov"\npercent = 30.5\n[[stage]]\nparty = "r"\nrest = true\n',
     ": field 'stage[1]'", ErrorCode.INVALID_INPUT),
    ('[[stage]]\nparty = "gov"\npercent = "130"\n[[stage]]\nparty = "r"\nrest = true\n',
     ": field 'stage[1]'", ErrorCode.INVALID_AMOUNT),
    ('[[stage]]\nparty = "gov"\nfixed = 100.5\n[[stage]]\nparty = "r"\nrest = true\n',
     ": field 'stage[1]'", ErrorCode.INVALID_AMOUNT),
    ('[[stage]]\nparty = "r"\nrest = "yes"\n', ": field 'stage[1]'", ErrorCode.INVALID_INPUT),
    ('[[stage]]\nparty = "gov"\npercent = "30"\n', "", ErrorCode.INVALID_INPUT),
    ('[floors]\n3 = 1.5\n', ": field 'floors.3'", ErrorCode.INVALID_INPUT),
    ('title = "no stages"\n[floors]\nthree = "1.5"\n', ": field 'floors.three'",
     ErrorCode.INVALID_INPUT),
]


@pytest.mark.parametrize(("content", "location", "code"), BAD_PLANS)
def test_a_bad_plan_is_refused_with_its_place(cli: Invoke, households_csv: Path,
                                              write_file: WriteFile, content: str | bytes,
                                              location: str, code: ErrorCode) -> None:
    plan = write_file("plan.toml", content)
    refused(cli("split", "1000", "--by", "floor", households_csv, "--plan", plan), code,
            f"{plan}{location}")


def test_a_missing_plan_is_refused(cli: Invoke, households_csv: Path, tmp_path: Path) -> None:
    plan = tmp_path / "missing.toml"
    message = refused(cli("split", "1000", households_csv, "--plan", plan), ErrorCode.NOT_FOUND)
    assert str(plan) in message


def test_a_plan_saved_in_gbk_reads_as_every_toml_input_does(
        cli: Invoke, households_csv: Path, write_file: WriteFile) -> None:
    """A plan written in a Chinese Notepad (GBK) is decoded as the scenario, the notice and
    every CSV are, not refused as the split alone once did."""
    plan = write_file("plan.toml", '[[stage]]\nparty = "政府"\nrest = true\n'.encode("gbk"))
    shown = as_json(cli("--json", "split", "1000", "--by", "floor", households_csv, "--plan",
                        plan))
    assert "政府" in str(shown)


def test_usage_errors_keep_clicks_exit_code_2(cli: Invoke, weights_csv: Path) -> None:
    assert cli("split", "100", "--by", "volume", weights_csv).exit_code == 2
    assert cli("split", "100").exit_code == 2
    assert cli("no-such-command").exit_code == 2


# --- every command's --help ------------------------------------------------------------------


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


ALL_COMMANDS = [(), *command_paths(main)]


def test_the_foundation_commands_are_registered() -> None:
    assert {("init",), ("demo",), ("split",)} <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "commons")
def test_every_command_has_help(cli: Invoke, path: tuple[str, ...]) -> None:
    result = ok(cli(*path, "--help"))
    assert result.stdout.startswith(f"Usage: {' '.join(('commons', *path))} ")
    assert len(result.stdout.splitlines()) > 3


def test_split_help_explains_the_plan_file(cli: Invoke) -> None:
    text = ok(cli("split", "--help")).stdout
    assert "[[stage]]" in text
    assert "rest = true" in text
    for method in ("area", "households", "floor", "equal"):
        assert method in text


def test_version(cli: Invoke) -> None:
    assert ok(cli("--version")).stdout.strip() == f"commons, version {commons.__version__}"


# --- the installed console script, in a real process --------------------------------------------


def console_script() -> str:
    beside = Path(sys.executable).parent / "commons"
    found = str(beside) if beside.exists() else shutil.which("commons")
    if found is None:
        pytest.skip("the commons console script is not installed")
    return found


@pytest.mark.slow
def test_the_console_script_runs(tmp_path: Path) -> None:
    script = console_script()
    env = {k: v for k, v in os.environ.items() if k != "COMMONS_DB"}
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=False,
                             cwd=tmp_path, env=env, timeout=60)
    assert version.returncode == 0, version.stderr
    assert commons.__version__ in version.stdout

    csv_path = tmp_path / "weights.csv"
    csv_path.write_text("id,weight\na,1\nb,x\n", encoding="utf-8")
    bad = subprocess.run([script, "split", "100", str(csv_path)], capture_output=True, text=True,
                         check=False, cwd=tmp_path, env=env, timeout=60)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert f"{csv_path}:3" in bad.stderr
    assert "Traceback" not in bad.stderr

    good = subprocess.run([script, "--json", "split", "10", str(csv_path.with_name("w.csv"))],
                          capture_output=True, text=True, check=False, cwd=tmp_path, env=env,
                          timeout=60)
    assert good.returncode == 1  # no such file: still a clean refusal, as JSON under --json
    assert json.loads(good.stderr)["error"]["code"] == ErrorCode.NOT_FOUND
    assert not (tmp_path / "commons.db").exists()


def test_weights_in_json_are_the_files_text(cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("w.csv", "id,weight\nx,0.50\ny,１２\n")
    data = json.loads(ok(cli("--json", "split", "12.50", path)).stdout)
    assert [(p["weight"], p["amount"]) for p in data["parts"]] == [("0.50", "0.50"),
                                                                  ("12", "12.00")]
    assert Decimal(data["parts"][1]["weight"]) == 12
