"""What a host may hand an importer instead of a path: an open file or rows.

Every reader works on a file by name (so each refusal says ``file:line:field``). An open text
or binary file, or rows (mappings of column to value; for a journal, its JSON records), are
written to a private temporary file first; refusals and summaries then name the host's file
object (its ``name``, or ``<KIND file>`` without one) or ``<KIND rows>``, never the temporary
file. A refusal of rows names the row's number (1 for the first row), not the line of the CSV
written for them. ``through`` is the one way a use case reads such a source.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput, Problems

__all__ = ["Source", "Spooled", "given_values", "is_rows", "read_bytes_of", "spooled", "through"]

Source = str | Path | IO[str] | IO[bytes] | Iterable[Mapping[str, Any]]
Format = str | Callable[[bytes], str]  # a format, or how to tell it from an open file's content
T = TypeVar("T")


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


def given_values(source: object) -> tuple[list[Any] | None, Any]:
    """``(values, None)`` for a host's own values (an iterable of anything but mappings, such
    as ``FeeSchedule``); otherwise ``(None, source)`` to read with ``through``, rows listed."""
    if isinstance(source, str | bytes | Path | Mapping) or hasattr(source, "read"):
        return None, source
    items = list(source)  # type: ignore[call-overload]
    return (None, items) if items and isinstance(items[0], Mapping) else (items, None)


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


def _relabel(error: CommonsError, temporary: str, name: str, header: bool) -> CommonsError:
    """``error`` (and the problems it lists) naming ``name`` instead of the temporary file;
    with ``header`` (rows written as CSV) a line is the row's number, the header none."""
    if isinstance(error, Problems):
        for problem in error.problems:
            _relabel(problem, temporary, name, header)
    error.what = error.what.replace(temporary, name)
    if error.where.file == temporary:
        error.where.file = name
        if header and error.where.line is not None:
            error.where.line = error.where.line - 1 or None
    return error.located()


@contextmanager
def spooled(source: Source, *, kind: str, fmt: Format, encoding: str | None
            ) -> Iterator[Spooled]:
    """``source`` as a file to read: a path as it is; an open file or rows written to a
    temporary ``KIND.FMT`` file for the block, whose errors then name the source. ``fmt`` may
    tell the format from an open file's bytes; rows are CSV unless ``fmt`` is ``jsonl``."""
    if isinstance(source, str | Path):
        yield Spooled(Path(source), str(source), encoding)
        return
    with tempfile.TemporaryDirectory(prefix="commons-") as folder:
        if hasattr(source, "read"):
            name = _name_of(source, f"<{kind} file>")
            data = source.read()
            raw = data if isinstance(data, bytes) else data.encode("utf-8")
            encoding = encoding if isinstance(data, bytes) else None
            path = Path(folder) / f"{kind}.{fmt if isinstance(fmt, str) else fmt(raw)}"
            path.write_bytes(raw)
        else:
            name = f"<{kind} rows>"
            fmt = fmt if fmt == "jsonl" else "csv"
            path = Path(folder) / f"{kind}.{fmt}"
            path.write_text(_rows_text(source, fmt), encoding="utf-8")
            encoding = None
        try:
            yield Spooled(path, name, encoding)
        except CommonsError as e:
            raise _relabel(e, str(path), name, name.endswith("rows>") and fmt == "csv") from None


def through(source: Source, read: Callable[[Path, str | None], T], *, kind: str,
            fmt: Format = "csv", encoding: str | None = None) -> T:
    """``read(path, encoding)`` of ``source`` (a path, an open text or binary file, or rows;
    see ``spooled``): the one way a use case reads a host's input. Its errors, and the text
    fields of the attrs value it returns, name the source rather than a temporary file."""
    with spooled(source, kind=kind, fmt=fmt, encoding=encoding) as spool:
        result = read(spool.path, spool.encoding)
    temporary, value = str(spool.path), cast("Any", result)
    if temporary == spool.name or not attrs.has(type(value)):
        return result
    changes = {f.alias or f.name: spool.name for f in attrs.fields(type(value))
               if getattr(value, f.name) == temporary}
    return cast("T", attrs.evolve(value, **changes)) if changes else result
