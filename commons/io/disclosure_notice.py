"""Reading the notice a committee keeps for its disclosures (公示): a small TOML file of the
objection period, the objection contact, how to object and who signs (docs/formats.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from commons.errors import CommonsError
from commons.files import open_text, read_toml
from commons.revenue.disclosure import DisclosureNotice

__all__ = ["read_notice"]


def read_notice(path: str | Path, published_on: dt.date) -> DisclosureNotice:
    """The notice in the TOML file at ``path``, for a statement published on
    ``published_on``; a file that is not TOML, or holds an unknown key or a bad value, is
    refused naming the file (and the line or key)."""
    name = str(path)
    with open_text(name) as handle:
        text = handle.read()
    data = read_toml(text, "the disclosure notice", name)
    try:
        return DisclosureNotice.from_mapping(data, published_on)
    except CommonsError as e:
        raise e.located(file=name) from None
