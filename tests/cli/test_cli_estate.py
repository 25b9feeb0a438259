"""``commons estate import`` and ``commons estate show`` through click's CliRunner.

Contracts from DESIGN.md: exit 0 on success, 1 on refused input (message on stderr naming
file:line:field, nothing stored), 2 on usage errors; ``--json`` keys are column names and areas
are strings with two decimals.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Invoke, WriteFile, as_json, ok, refused
from test_estate import ESTATE

from commons.errors import ErrorCode


@pytest.fixture
def files(write_file: WriteFile) -> list[str]:
    """KIND FILE arguments for the whole sample estate."""
    args: list[str] = []
    for kind, text in ESTATE.items():
        args += [kind, str(write_file(f"{kind}.csv", text))]
    return args


@pytest.mark.parametrize("command", [["estate"], ["estate", "import"], ["estate", "show"]])
def test_help_of_every_estate_command(cli: Invoke, command: list[str]) -> None:
    result = ok(cli(*command, "--help"))
    assert result.stdout.startswith(f"Usage: commons {' '.join(command)}")


def test_import_help_documents_every_kind_and_its_header(cli: Invoke) -> None:
    text = ok(cli("estate", "import", "--help")).stdout
    for header in ("id,name,community,governance,built_year[,subdistrict]",
                   "id,compound,floors,elevator", "id,building,floor,area_m2,owner",
                   "id,compound,kind,tidal[,name]", "id,name,compounds", "firm | entrusted",
                   "base-station", "separated by ';'"):
        assert header in text


def test_import_says_what_is_new_and_what_already_recorded(cli: Invoke, files: list[str],
                                                           write_file: WriteFile) -> None:
    lines = ok(cli("estate", "import", *files)).stdout.splitlines()
    assert lines[0].endswith("compounds.csv: compounds: 2 new, 0 already recorded")
    assert lines[2].endswith("households.csv: households: 4 new, 0 already recorded")
    again = ok(cli("estate", "import", "households", files[5])).stdout
    assert again.strip().endswith("households: 0 new, 4 already recorded")


def test_import_json(cli: Invoke, files: list[str]) -> None:
    data = as_json(cli("--json", "estate", "import", *files[:4]))
    assert data == {"files": [
        {"kind": "compounds", "file": files[1], "new": 2, "already_recorded": 0},
        {"kind": "buildings", "file": files[3], "new": 3, "already_recorded": 0}],
        "new": 5, "already_recorded": 0}
    again = as_json(cli("estate", "import", *files[:2], "--json"))
    assert (again["new"], again["already_recorded"]) == (0, 2)


def test_show_text(cli: Invoke, files: list[str]) -> None:
    ok(cli("estate", "import", *files))
    text = ok(cli("estate", "show", "wjxc")).stdout
    assert text.splitlines()[:4] == [
        "wjxc  卫技新村",
        "community 砂子塘, sub-district 雨花; governance self-managed; built 1985",
        "management areas: yh-1",
        "2 buildings (1 with elevator), 3 households, 2 owners, exclusive area 147.57 m2",
    ]
    assert "wjxc-1         6  no                 2   127.57" in text
    assert "parking          2      1" in text


def test_show_json(cli: Invoke, files: list[str]) -> None:
    ok(cli("estate", "import", *files))
    data = as_json(cli("--json", "estate", "show", "wjxc"))
    assert data == {
        "id": "wjxc", "name": "卫技新村", "community": "砂子塘", "subdistrict": "雨花",
        "governance": "self-managed", "built_year": 1985, "buildings": 2, "elevators": 1,
        "households": 3, "owners": 2, "area_m2": "147.57", "tidal": 1,
        "resources": [{"kind": "parking", "count": 2, "tidal": 1},
                      {"kind": "advertising", "count": 1, "tidal": 0}],
        "by_building": [
            {"id": "wjxc-1", "floors": 6, "elevator": False, "households": 2,
             "area_m2": "127.57"},
            {"id": "wjxc-2", "floors": 7, "elevator": True, "households": 1, "area_m2": "20.00"}],
        "management_areas": ["yh-1"],
    }


def test_bad_file_exits_1_naming_file_line_field_and_stores_nothing(
        cli: Invoke, files: list[str], write_file: WriteFile) -> None:
    ok(cli("estate", "import", *files))
    before = as_json(cli("--json", "estate", "show", "wjxc"))
    bad = write_file("bad.csv", "id,building,floor,area_m2,owner\nnew-1,wjxc-1,1,50,o\n"
                                "new-2,wjxc-1,8,50,o\nnew-3,wjxc-1,1,50.123,o\n")
    stderr = refused(cli("estate", "import", "households", bad), ErrorCode.INVALID_INPUT,
                     f"{bad}:3: field 'floor'", f"{bad}:4: field 'area_m2'")
    assert stderr.count("  [invalid_input] ") == 2
    assert as_json(cli("--json", "estate", "show", "wjxc")) == before


def test_conflict_exits_1(cli: Invoke, files: list[str], write_file: WriteFile) -> None:
    ok(cli("estate", "import", *files[:2]))
    changed = write_file("c.csv", ESTATE["compounds"].replace("1985", "1986"))
    refused(cli("estate", "import", "compounds", changed),
            ErrorCode.ALREADY_RECORDED_DIFFERENTLY, f"{changed}:2: field 'built_year'")


def test_show_of_unknown_compound_exits_1(cli: Invoke, files: list[str]) -> None:
    ok(cli("estate", "import", *files[:2]))
    refused(cli("estate", "show", "nope"), ErrorCode.NOT_FOUND, "'nope'")


def test_missing_file_exits_1(cli: Invoke, tmp_path: Path) -> None:
    refused(cli("estate", "import", "compounds", tmp_path / "missing.csv"), ErrorCode.NOT_FOUND,
            "missing.csv")


@pytest.mark.parametrize("args", [
    ["estate", "import"],
    ["estate", "import", "compounds"],
    ["estate", "import", "flats", "x.csv"],
    ["estate", "import", "compounds", "a.csv", "buildings"],
    ["estate", "show"],
    ["estate", "import", "compounds", "a.csv", "--bogus"],
])
def test_usage_errors_exit_2(cli: Invoke, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr
