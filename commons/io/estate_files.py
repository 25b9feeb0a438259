"""Reading an estate CSV file (compounds, buildings, households, resources) into its parsed
rows, every bad row a located problem."""

from __future__ import annotations

from pathlib import Path

from commons.estate.importing import EstateFile, columns, read_rows
from commons.files import csv_rows

__all__ = ["read_estate_file"]


def read_estate_file(kind: str, path: str | Path, encoding: str | None, *,
                     this_year: int) -> EstateFile:
    """The rows of one estate file of ``kind``, parsed against ``this_year``."""
    # ragged: a record with too few or too many fields is one more refused row, so the rows
    # after it are still checked and every problem in the file is reported at once.
    return read_rows(kind, str(path),
                     csv_rows(path, *columns(kind), encoding=encoding, ragged=True),
                     this_year=this_year)
