"""Reading and writing tidal parking's files: a tariff (TOML), a sessions CSV, and the reject
file that lists the refused rows of an import with their line and reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from commons.errors import CommonsError
from commons.files import Row, csv_rows, open_text
from commons.io.writing import guard, replacing
from commons.ledger.export import csv_record
from commons.parking.pricing import SESSION_HEADER
from commons.parking.tariff import TariffFile

__all__ = ["read_tariff", "session_rows", "write_rejects"]


def read_tariff(path: str | Path) -> TariffFile:
    """A tariff TOML file, parsed and checked; errors name the file."""
    with open_text(path) as handle:
        return TariffFile.parse(handle.read(), file=str(path))


def session_rows(path: str | Path, encoding: str | None, *, ragged: bool) -> Iterator[Row]:
    """The rows of a sessions CSV, streamed; with ``ragged`` a row of the wrong width is
    yielded with its problem instead of refusing the file."""
    return csv_rows(path, SESSION_HEADER, encoding=encoding, ragged=ragged)


def write_rejects(path: str | Path, encoding: str | None, refused: dict[int, CommonsError],
                  reject_file: str, *, protected: Iterable[Path] = ()) -> None:
    """The refused rows as they were written, with their line and the reason; each cell
    neutralised (``csv_record``) so that no spreadsheet runs one, and never written over one
    of the ``protected`` files (the database's)."""
    target = Path(reject_file)
    guard((target,), protected=protected, force=True, field="reject")
    with replacing(target) as out:
        out.write(("\ufeff" + csv_record([*SESSION_HEADER, "line", "reason"])).encode())
        for row in csv_rows(path, SESSION_HEADER, encoding=encoding, ragged=True):
            error = refused.get(row.line)
            if error is not None:
                out.write(csv_record([*(row.values.get(c, "") for c in SESSION_HEADER),
                                      row.line, error.what]).encode())
