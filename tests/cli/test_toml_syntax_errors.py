"""Every TOML input is read by one reader, ``commons.files.read_toml``: whichever command reads
it, a syntax error names the file and its line and exits 1, never a traceback, and under
``--json`` the error's ``where`` says the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HOUSEHOLDS_CSV, Invoke, refused, refused_json

from commons.errors import ErrorCode

BANK = "assets:bank:co-managed:wjxc"
BROKEN = '# written by hand\nthis line has no equals sign\n'  # line 2 is not TOML


def _commands(tmp_path: Path, toml: Path) -> dict[str, tuple[str | Path, ...]]:
    households = tmp_path / "households.csv"
    households.write_text(HOUSEHOLDS_CSV, encoding="utf-8")
    statement = tmp_path / "statement.csv"
    statement.write_text("日期,金额\n2026-10-01,1.00\n", encoding="utf-8")
    return {
        "scenario": ("bundle", "simulate", toml),
        "fee schedule": ("billing", "schedule", toml),
        "split plan": ("split", "580000", "--by", "floor", households, "--plan", toml),
        "statement profile": ("reconcile", "import", statement, "--account", BANK,
                              "--profile", toml),
        "parking tariff": ("parking", "tariff", toml),
    }


@pytest.mark.parametrize("reader", ["scenario", "fee schedule", "split plan",
                                    "statement profile", "parking tariff"])
def test_a_toml_syntax_error_names_file_and_line_and_exits_1(
        cli: Invoke, tmp_path: Path, reader: str) -> None:
    toml = tmp_path / "broken.toml"
    toml.write_text(BROKEN, encoding="utf-8")
    args = _commands(tmp_path, toml)[reader]
    refused(cli(*args), ErrorCode.MALFORMED_FILE, f"{toml}:2", "not valid TOML")
    error = refused_json(cli("--json", *args), ErrorCode.MALFORMED_FILE)
    assert (error["where"]["file"], error["where"]["line"]) == (str(toml), 2)
