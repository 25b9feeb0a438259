"""What a host may hand an importer instead of a path: an open file or rows.

Every reader works on a file by name (so each refusal says ``file:line:field``). An open text
or binary file, or rows (mappings of column to value; for a journal, its JSON records), are
written to a private temporary file first; refusals and summaries then name the host's file
object (its ``name``) or ``<rows>``, never the temporary file.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput, Problems

__all__ = ["Source", "Spooled", "is_rows", "read_bytes_of", "spooled"]

Source = str | Path | IO[str] | IO[bytes] | Iterable[Mapping[str, Any]]


@attrs.frozen
class Spooled:
    """A source as a file: its ``path``, the ``name`` to report, and the ``encoding`` to read
    it with (UTF-8 where commons wrote the file from decoded text or rows)."""

    path: Path
    name: str
    encoding: str | None


def is_rows(source: object) -> bool:
    """True for rows (an iterable that is neither text, a path nor an open file)."""
    return not isinstance(source, str | bytes | Path) and not hasattr(source, "read") \
        and isinstance(source, Iterable)


def _name_of(source: object, default: str) -> str:
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name else default


def read_bytes_of(source: IO[str] | IO[bytes]) -> bytes:
    """The content of an open file as bytes (text is encoded as UTF-8)."""
    data = source.read()
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _rows_text(rows: Iterable[Mapping[str, Any]], fmt: str) -> str:
    listed = list(rows)
    for number, row in enumerate(listed, 1):
        if not isinstance(row, Mapping):
            raise InvalidInput(f"row {number} is a {type(row).__name__}, not a mapping of "
                               "column to value", line=number,
                               fix="give each row as a dict, e.g. {'id': 'wjxc', ...}",
                               code=ErrorCode.INVALID_INPUT)
    if fmt == "jsonl":
        return "".join(json.dumps(dict(r), ensure_ascii=False, default=str) + "\n"
                       for r in listed)
    columns = list(dict.fromkeys(k for r in listed for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else str(v) for k, v in r.items()} for r in listed)
    return out.getvalue()


def _relabel(error: CommonsError, temporary: str, name: str) -> CommonsError:
    """``error`` (and the problems it lists) naming ``name`` instead of the temporary file."""
    if isinstance(error, Problems):
        for problem in error.problems:
            _relabel(problem, temporary, name)
    error.what = error.what.replace(temporary, name)
    if error.where.file == temporary:
        error.where.file = name
    return error.located()


@contextmanager
def spooled(source: Source, *, kind: str, fmt: str, encoding: str | None
            ) -> Iterator[Spooled]:
    """``source`` as a file to read: a path as it is; an open file or rows written to a
    temporary ``.fmt`` file for the block, whose errors then name the source."""
    if isinstance(source, str | Path):
        yield Spooled(Path(source), str(source), encoding)
        return
    with tempfile.TemporaryDirectory(prefix="commons-") as folder:
        if hasattr(source, "read"):
            name = _name_of(source, f"<{kind} file>")
            path = Path(folder) / (Path(name).name if not name.startswith("<") else f"{kind}.{fmt}")
            data = source.read()
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
                encoding = None
        else:
            name = f"<{kind} rows>"
            path = Path(folder) / f"{kind}.{fmt}"
            path.write_text(_rows_text(source, fmt), encoding="utf-8")
            encoding = None
        try:
            yield Spooled(path, name, encoding)
        except CommonsError as e:
            raise _relabel(e, str(path), name) from None
