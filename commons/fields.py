"""Parsers for the estate's CSV fields: ids, yes/no flags and named choices with Chinese aliases.

Each raises ``InvalidInput`` saying what was wrong; ``Row.parse`` adds the file, line and field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from commons.errors import InvalidInput

__all__ = ["LIST_SEPARATOR", "normalise", "parse_choice", "parse_id", "parse_yes_no"]

E = TypeVar("E", bound=StrEnum)

LIST_SEPARATOR = ";"  # between the ids of one field, e.g. a management area's compounds
_YES = frozenset({"true", "yes", "y", "1", "是", "有"})
_NO = frozenset({"false", "no", "n", "0", "否", "无", "没有"})
# The list separator and Unicode's control characters (category Cc: C0, DEL and C1), in one
# compiled search: ids are checked by the million when a host's feed is imported.
_NOT_IN_ID = re.compile(f"[{LIST_SEPARATOR}\x00-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """Text as typed, folded for comparing names: full-width to ASCII, lower case, ``_`` and
    blanks as ``-`` (so "Self Managed", "self_managed" and "ＳＥＬＦ-ＭＡＮＡＧＥＤ" agree)."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return "-".join(folded.replace("_", " ").split())


def parse_id(text: str) -> str:
    """An id as written: non-empty, on one line, without the list separator ``;``."""
    value = text.strip()
    if not value:
        raise InvalidInput("the id is empty", fix="give every row an id")
    if _NOT_IN_ID.search(value):
        raise InvalidInput(f"id {value!r} contains ';' or a control character",
                           fix="use letters, digits, '-' or Chinese characters in ids")
    return value


def parse_yes_no(text: str) -> bool:
    """A flag: true/false, yes/no, 1/0, 是/否, 有/无 (any case)."""
    value = normalise(text)
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InvalidInput(f"{text!r} is not yes or no",
                       fix="write true or false (yes/no, 1/0, 是/否 are accepted too)")


def parse_choice(text: str, choices: type[E], aliases: Mapping[str, E], what: str) -> E:
    """One of ``choices`` by its code name or one of its ``aliases`` (e.g. Chinese terms)."""
    value = normalise(text)
    for choice in choices:
        # Code names with ``_`` (per_m2, lump_sum) fold like the text typed does.
        if value == normalise(choice.value):
            return choice
    if value in aliases:
        return aliases[value]
    codes = ", ".join(c.value for c in choices)
    raise InvalidInput(f"{text.strip()!r} is not a known {what}", fix=f"use one of {codes}")
