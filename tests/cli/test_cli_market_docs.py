"""docs/market.md's example runs, command by command, on the demo's books."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

PAGE = Path(__file__).resolve().parents[2] / "docs" / "market.md"


@pytest.mark.slow
def test_the_example_of_the_market_page_runs_on_the_demo(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from commons_cli.main import main

    text = PAGE.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMMONS_DB", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", "demo.db", "demo"]).exit_code == 0
    (block,) = re.findall(r"^```sh market\n(.*?)^```$", text, re.M | re.S)
    outputs = []
    for line in block.splitlines():
        argv = shlex.split(line)
        result = runner.invoke(main, argv[1:], catch_exceptions=False)
        assert result.exit_code == 0, (line, result.output)
        outputs.append(result.output)
    assert "jx-lunch" in outputs[-2]  # the lowered ceiling names the lunch it unlists
    assert "jx-lunch" not in outputs[-1] and "jx-lunch" in outputs[1]
