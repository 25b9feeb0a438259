"""Start-up: a command loads only its own group (``COMMANDS`` in commons_cli.main) and no
optional extra it does not use, ``commons --help`` lists every group from the table without
importing any of them, and a command that needs a missing extra names it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from commons_cli.main import COMMANDS, main
from conftest import Invoke, WriteFile, refused
from test_bundle_pricing import SCENARIO

from commons.errors import ErrorCode

GROUPS = {where.partition(":")[0] for where, _ in COMMANDS.values()}
EXTRAS = {"numpy", "matplotlib", "openpyxl"}


def test_each_summary_is_the_commands_own_first_line() -> None:
    ctx = click.Context(main)
    for name, (_, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(limit=1000) == summary, name


def test_help_lists_every_command_with_the_start_of_its_summary(cli: Invoke) -> None:
    listed = cli("--help").stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    for line in listed:
        name, shown = line.split(maxsplit=1)
        assert COMMANDS[name][1].startswith(shown.removesuffix("...")), name


def _run_and_list_modules(*args: str) -> tuple[str, set[str]]:
    """Run the CLI with ``args`` in a fresh interpreter: its stdout and the modules it loaded."""
    code = ("import sys\nfrom commons_cli.main import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
            "print('MODULES', *sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    out, _, modules = done.stdout.rpartition("MODULES ")
    return out, set(modules.split())


@pytest.mark.slow
def test_help_and_version_import_no_command_group() -> None:
    for args in (("--help",), ("--version",)):
        out, loaded = _run_and_list_modules(*args)
        assert out
        assert not loaded & GROUPS, args
        assert not {m for m in loaded if m.startswith(("commons.app", "commons.store"))}, args


@pytest.mark.slow
def test_a_command_loads_its_group_only(tmp_path: Path) -> None:
    db = str(tmp_path / "books.db")
    _run_and_list_modules("--db", db, "init")
    out, loaded = _run_and_list_modules("--db", db, "ledger", "balance")
    assert "total" in out
    assert loaded & GROUPS == {"commons_cli.ledger"}
    assert not loaded & EXTRAS


def test_a_simulation_without_numpy_names_the_extra(cli: Invoke, write_file: WriteFile,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = write_file("s.toml", SCENARIO)
    monkeypatch.setitem(sys.modules, "numpy", None)  # what `import` does when it is not there
    result = cli("bundle", "simulate", scenario, "--runs", "10")
    refused(result, ErrorCode.MISSING_EXTRA, "commons-ledger[sim]")
    assert "Traceback" not in result.stderr
