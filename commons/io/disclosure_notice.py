"""Reading the notice a committee keeps for its disclosures (公示): a small TOML file of the
objection period, the objection contact, how to object and who signs (docs/formats.md)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.files import open_text
from commons.revenue.disclosure import DisclosureNotice

__all__ = ["read_notice"]


def read_notice(path: str | Path, published_on: dt.date) -> DisclosureNotice:
    """The notice in the TOML file at ``path``, for a statement published on
    ``published_on``; a file that is not TOML, or holds an unknown key or a bad value, is
    refused naming the file (and the line or key)."""
    name = str(path)
    with open_text(name) as handle:
        text = handle.read()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = re.search(r"at line ([0-9]+)", str(e))
        raise InvalidInput(f"the disclosure notice is not valid TOML: {e}", file=name,
                           line=int(line.group(1)) if line else None,
                           fix="correct the TOML syntax on that line",
                           code=ErrorCode.MALFORMED_FILE) from None
    try:
        return DisclosureNotice.from_mapping(data, published_on)
    except CommonsError as e:
        raise e.located(file=name) from None
