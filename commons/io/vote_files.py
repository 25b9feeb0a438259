"""Reading owners' votes: a ballots CSV (``owner,choice``) for a proposal and an election's
counted votes (``candidate,votes``), each problem named by file:line:field.
"""

from __future__ import annotations

from pathlib import Path

from commons.errors import InvalidInput
from commons.files import Row, csv_rows

__all__ = ["read_ballot_rows", "read_votes"]


def read_ballot_rows(path: str | Path, encoding: str | None) -> list[Row]:
    """The rows of a ballots CSV ``owner,choice``, to be checked against the roll."""
    return list(csv_rows(path, ("owner", "choice"), encoding=encoding))


def read_votes(path: str, encoding: str | None) -> list[tuple[str, int]]:
    """``candidate,votes`` rows; a bad count is named by file:line:field."""
    pairs: list[tuple[str, int]] = []
    lines: dict[str, int] = {}
    for row in csv_rows(path, ("candidate", "votes"), encoding=encoding):
        candidate = row.text("candidate")
        if candidate in lines:
            raise row.error("candidate", f"{candidate} is listed already on line "
                            f"{lines[candidate]}", "give each candidate's votes once")
        lines[candidate] = row.line
        pairs.append((candidate, row.parse("votes", _parse_votes)))
    return pairs


_MOST_VOTE_DIGITS = 9  # more voters than any election commons counts; int() refuses 4,300


def _parse_votes(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > _MOST_VOTE_DIGITS:
        raise InvalidInput(f"votes {text[:24]!r} is not a whole number of 0 to 999,999,999",
                           fix="write the candidate's votes as a number such as 37")
    return int(text)
