"""Issue 16 (trust) on the command line: unknown compounds, re-dating a chart, refusals that
name what was asked, and suggestions for a mistyped account."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from conftest import Invoke
from revenue_helpers import ESTATE


def exit_1(result: Result) -> Result:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    return result


def test_unknown_compounds_are_refused_where_the_estate_holds_compounds(
        cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "compounds.csv").write_text(ESTATE["compounds"], encoding="utf-8")
    assert cli("estate", "import", "compounds", tmp_path / "compounds.csv").exit_code == 0
    assert cli("ledger", "chart", "wjxc").exit_code == 0
    assert "did you mean 'wjxc'" in exit_1(cli("ledger", "chart", "wjcx")).stderr
    exit_1(cli("ledger", "balance", "--compound", "hlp"))
    exit_1(cli("audit", "export", "--format", "csv", "--out", tmp_path / "t.csv",
               "--compound", "hlp"))
    assert not (tmp_path / "t.csv").exists()
    exit_1(cli("ledger", "trail", "assets:bank:co-managed:wjcx"))  # the chart was not opened
