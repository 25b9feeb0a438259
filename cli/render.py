"""Rendering for the command line: JSON (amounts as yuan strings) and aligned text tables."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

from commons.money import Money

__all__ = ["display_width", "echo_json", "plain", "table", "yuan"]

# Text direction overrides (U+202A-202E, U+2066-2069) reorder what a terminal shows.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def yuan(m: Money) -> str:
    """An amount for JSON: yuan with two decimals, as a string ("142.86", "-3.00")."""
    return m.format()


def _default(value: Any) -> Any:
    if isinstance(value, Money):
        return yuan(value)
    return str(value)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def plain(text: str) -> str:
    """User text made safe for a terminal: control characters (escape sequences, C1 codes,
    backspaces, carriage returns) and direction overrides dropped; line breaks kept. Every
    text renderer passes what users wrote (memos, names, payers, references) through this."""
    return "".join(c for c in text if c == "\n" or (
        unicodedata.category(c) != "Cc" and c not in _BIDI))


def display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Columns aligned for a terminal; column indexes in ``right`` are right-aligned (amounts).
    Every cell goes through ``plain``, so user text in a table cannot drive the terminal."""
    headers = [plain(h) for h in headers]
    rows = [[plain(c) for c in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in rows:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, i in right) for i, (h, w) in enumerate(zip(headers, widths,
                                                                         strict=True)))]
    lines += ["  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(zip(row, widths,
                                                                          strict=True)))
              for row in rows]
    return "\n".join(line.rstrip() for line in lines)
