"""Rendering for the command line: JSON (amounts as yuan strings) and aligned text tables."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

from commons.money import Money

__all__ = ["display_width", "echo_json", "table", "yuan"]


def yuan(m: Money) -> str:
    """An amount for JSON: yuan with two decimals, as a string ("142.86", "-3.00")."""
    return m.format()


def _default(value: Any) -> Any:
    if isinstance(value, Money):
        return yuan(value)
    return str(value)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Columns aligned for a terminal; column indexes in ``right`` are right-aligned (amounts)."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, i in right) for i, (h, w) in enumerate(zip(headers, widths,
                                                                         strict=True)))]
    lines += ["  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(zip(row, widths,
                                                                          strict=True)))
              for row in rows]
    return "\n".join(line.rstrip() for line in lines)
