"""docs/market.md's example runs, command by command, on the demo's books."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import doc_example

PAGE = Path(__file__).resolve().parents[2] / "docs" / "market.md"


@pytest.mark.slow
def test_the_example_of_the_market_page_runs_on_the_demo(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = doc_example(PAGE, "market", tmp_path, monkeypatch)
    assert "jx-lunch" in outputs[-2]  # the lowered ceiling names the lunch it unlists
    assert "jx-lunch" not in outputs[-1] and "jx-lunch" in outputs[1]
