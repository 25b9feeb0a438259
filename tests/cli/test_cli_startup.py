"""Start-up: a command loads only its own group (``COMMANDS`` in commons_cli.main) and no
optional extra it does not use, ``commons --help`` lists every group from the table without
importing any of them, and a command that needs a missing extra names it."""

from __future__ import annotations

import re
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


def test_each_summary_is_the_commands_own_first_paragraph() -> None:
    ctx = click.Context(main)
    for name, (_, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.help is not None
        assert " ".join(command.help.split("\n\n")[0].split()) == summary, name


def test_help_lists_every_command_with_its_whole_summary(cli: Invoke) -> None:
    """Issue 16 item 15: click cut the summaries at the first full stop ("...under Civil Code
    art.") or at the width; each is now shown whole, wrapped."""
    listing = cli("--help").stdout.split("Commands:\n", 1)[1]
    rows = re.split(r"\n(?=  \S)", listing.rstrip("\n"))
    assert [row.split()[0] for row in rows] == sorted(COMMANDS)
    for row in rows:
        name, shown = row.split(maxsplit=1)
        assert " ".join(shown.split()) == COMMANDS[name][1], name
    assert "art. 278, and committee elections." in " ".join(listing.split())


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


def test_the_database_can_be_named_by_commons_db(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16 item 14: COMMONS_DB names the database, and --help says so."""
    from click.testing import CliRunner

    db = tmp_path / "from-env.db"
    monkeypatch.setenv("COMMONS_DB", str(db))
    done = CliRunner().invoke(main, ["init"], prog_name="commons", catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    assert db.is_file()
    assert "COMMONS_DB" in CliRunner().invoke(main, ["--help"], prog_name="commons").stdout


@pytest.mark.parametrize(("args", "hint"), [
    (["ledger", "balance", "--db", "x.db"], "commons --db FILE ledger balance ..."),
    (["ledger", "balance", "--db=x.db"], "commons --db FILE ledger balance ..."),
    (["audit", "verify", "--read-only"], "commons --read-only audit verify ..."),
    (["ledger", "post", "f.jsonl", "--actor", "wang"], "commons --actor NAME ledger post ..."),
])
def test_a_global_option_after_the_command_says_where_it_goes(
        cli: Invoke, args: list[str], hint: str) -> None:
    """Issue 16 item 14: `--db` after the command said only "No such option"."""
    result = cli(*args, db=False)
    assert result.exit_code == 2
    assert hint in result.stderr


def test_an_unknown_option_after_the_command_is_still_click_s_error(cli: Invoke) -> None:
    result = cli("ledger", "balance", "--bogus")
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_the_actor_defaults_to_the_operating_system_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16 item 14: the actor was "cli" unless USER was set; it is now whoever getpass
    finds (LOGNAME, USER, ... or the password database), and "cli" only if nobody."""
    import getpass

    for name in ("COMMONS_ACTOR", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "wang")
    assert main.make_context("commons", ["split"]).params["actor"] == "wang"

    def nobody() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", nobody)
    assert main.make_context("commons", ["split"]).params["actor"] == "cli"
