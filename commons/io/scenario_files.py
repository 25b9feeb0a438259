"""Reading a bundle's scenario file (TOML): its compounds, cost items and simulation settings."""

from __future__ import annotations

from pathlib import Path

from commons.contracts.scenario import Scenario
from commons.files import open_text

__all__ = ["read_scenario"]


def read_scenario(scenario: str | Path) -> Scenario:
    """The scenario of a TOML file, checked; errors name the file."""
    path = str(scenario)
    with open_text(path) as handle:
        text = handle.read()
    return Scenario.from_toml(text, path)
