"""Reading public revenue's income file: the collections CSV (external_id,date,compound,
resource,period,amount[,payer,memo]), every row parsed and every bad one named by file and line.
"""

from __future__ import annotations

from pathlib import Path

from commons.errors import CommonsError
from commons.files import csv_rows
from commons.revenue.income import Collection

__all__ = ["read_collections"]


def read_collections(path: str | Path, encoding: str | None
                     ) -> tuple[list[tuple[int, Collection]], list[CommonsError], int]:
    """The file's collections with their line, the problems of the rows that are not, and the
    number of rows read."""
    file = str(path)
    problems: list[CommonsError] = []
    parsed: list[tuple[int, Collection]] = []
    rows = 0
    for row in csv_rows(path, Collection.HEADER, Collection.OPTIONAL, encoding=encoding):
        rows += 1
        try:
            parsed.append((row.line, Collection.from_row(row)))
        except CommonsError as e:
            problems.append(e.located(file=file, line=row.line))
    return parsed, problems, rows
