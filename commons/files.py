"""Reading users' files: CSV and JSON Lines, streamed, with every error located.

Each row comes back with its file name and line number, so whatever refuses a value can say
exactly where it was (``households.csv:7: field 'area_m2': ...``). Text is decoded strictly, in
one way for every importer: the encoding the user names, else UTF-16 where the text starts with
its byte-order mark (Excel's "Unicode text", Bank of China's web export), else UTF-8 (a
byte-order mark is fine), else GB18030, the superset of GBK that Excel in a Chinese locale and
Chinese banks save. A file that none of them decodes is refused with the line of its first bad
byte, never mangled.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound

__all__ = ["DETECTED_ENCODINGS", "RAGGED_FIX", "Row", "batched", "csv_rows", "decode_text",
           "detect_encoding", "open_text", "parse_json_line", "read_text", "read_toml",
           "read_toml_file", "text_lines"]

T = TypeVar("T")
RAGGED_FIX = "check for a missing or extra comma, or quote text that contains commas"
DETECTED_ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order when none is named
# UTF-16 is told by its byte-order mark alone: without one, nearly any even run of bytes decodes.
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CHUNK = 1 << 20


@attrs.frozen
class Row:
    """One CSV record: its values by header, and where it came from."""

    file: str
    line: int
    values: dict[str, str]
    problem: str | None = None  # with ``csv_rows(..., ragged=True)``: why the record is short

    def text(self, field: str, *, required: bool = True) -> str:
        """The field's text, stripped; an empty required field is an error at this row."""
        value = (self.values.get(field) or "").strip()
        if required and not value:
            raise self.error(field, f"'{field}' is empty", f"fill in '{field}' on this line")
        return value

    def parse(self, field: str, parser: Callable[[str], T], *, required: bool = True) -> T:
        """Apply ``parser`` to the field's text; its errors are stamped with this row's place."""
        text = self.text(field, required=required)
        try:
            return parser(text)
        except CommonsError as e:
            raise e.located(file=self.file, line=self.line, field=field) from None

    def error(self, field: str | None, what: str, fix: str | None = None) -> InvalidInput:
        """An InvalidInput located at this row and ``field``."""
        return InvalidInput(what, fix=fix, file=self.file, line=self.line, field=field)


def _first_bad_line(raw: bytes, encoding: str) -> int | None:
    """The 1-based line holding the first byte that ``encoding`` cannot decode."""
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as e:
        good = raw[: e.start].decode(encoding, errors="replace")
        # Count lines as the csv reader does: \r\n, \n and a lone \r each end one.
        return good.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    return None


def _encoding_hint(raw: bytes, source: str, encoding: str) -> InvalidInput:
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    looks, like = "", ""
    if raw.startswith(_UTF16_MARKS) and not shown.startswith("utf-16"):
        looks, like = (" (it starts with UTF-16's byte-order mark, as Excel's Unicode text and "
                       "Bank of China's web export do)", "utf-16")
    else:
        try:
            raw.decode("gb18030")
            looks, like = " (it looks like GBK/GB18030, as Chinese spreadsheets save)", "gb18030"
        except UnicodeDecodeError:
            pass
    return InvalidInput(
        f"{Path(source).name} is not valid {shown} text{looks}",
        fix=f"save the file as UTF-8 (CSV UTF-8 in Excel) or read it as {like or 'gb18030'}",
        file=source,
        line=_first_bad_line(raw, encoding), code=ErrorCode.MALFORMED_FILE,
        context={"kind": "encoding", "encoding": shown, "looks_like": like},
    )


def _named_encoding(encoding: str, source: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInput(f"unknown text encoding {encoding!r}", file=source,
                           fix="name an encoding such as utf-8, gbk or gb18030",
                           code=ErrorCode.INVALID_INPUT,
                           context={"kind": "encoding_name", "encoding": encoding}) from None
    return "utf-8-sig" if name == "utf-8" else name  # utf-8-sig drops Excel's byte-order mark


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _head(content: Path | bytes) -> bytes:
    if isinstance(content, bytes):
        return content[:4]
    with content.open("rb") as handle:
        return handle.read(4)


def _decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(content: Path | bytes, source: str, encoding: str | None = None) -> str:
    """The encoding to read ``content`` (a file, read in chunks, or its bytes) in: ``encoding``
    if named, else the first of ``DETECTED_ENCODINGS`` that decodes all of it. Every importer
    decides here; text that none decodes is refused with the line of its first bad byte."""
    if encoding is not None:
        return _named_encoding(encoding, source)
    head = _head(content)
    if head.startswith(_UTF16_MARKS) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    for candidate in DETECTED_ENCODINGS:
        if _decodes(_chunks(content) if isinstance(content, Path) else (content,), candidate):
            return candidate
    raw = content.read_bytes() if isinstance(content, Path) else content
    raise InvalidInput(f"{Path(source).name} is neither UTF-8 nor GBK/GB18030 text",
                       file=source, line=_first_bad_line(raw, "utf-8"),
                       fix="save the file as UTF-8, or name the encoding it is in",
                       code=ErrorCode.MALFORMED_FILE,
                       context={"kind": "encoding", "encoding": "utf-8"})


def decode_text(data: bytes, source: str, encoding: str | None = None) -> str:
    """A file's bytes as text, in ``encoding`` if named, else as ``detect_encoding`` finds."""
    chosen = detect_encoding(data, source, encoding)
    try:
        return data.decode(chosen)
    except UnicodeDecodeError:
        raise _encoding_hint(data, source, chosen) from None


def open_text(path: Path | str, encoding: str | None = None) -> TextIO:
    """Open a user's text file for reading in ``encoding``, else in the one detected; a missing
    file is a clear NotFound."""
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"file {p} does not exist or is not a file", fix="check the path",
                       file=str(p))
    try:
        chosen = detect_encoding(p, str(p), encoding)
        # newline="" lets the csv module see quoted line breaks.
        return p.open(encoding=chosen, newline="", errors="strict")
    except OSError as e:
        raise InvalidInput(f"cannot read {p}: {e.strerror}", file=str(p),
                           fix="check the file's permissions",
                           code=ErrorCode.MALFORMED_FILE) from None


def _decoded_lines(handle: TextIO, path: Path) -> Iterator[str]:
    lines = iter(handle)
    while True:
        try:
            yield next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _encoding_hint(path.read_bytes(), str(path), handle.encoding) from None


def csv_rows(
    path: Path | str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    encoding: str | None = None,
    ragged: bool = False,
) -> Iterator[Row]:
    """Stream the records of a CSV file whose header names at least ``required`` columns.

    Blank lines are skipped. An empty file, a missing or repeated column, or a record with the
    wrong number of fields is an ``InvalidInput`` naming the file and line; with ``ragged`` such
    a record is yielded instead, its ``problem`` saying what is wrong, so that an import that
    skips bad rows can skip it too.
    """
    p = Path(path)
    with open_text(p, encoding) as handle:
        reader = csv.reader(_decoded_lines(handle, p))
        try:
            yield from _records(reader, p, required, optional, ragged)
        except csv.Error as e:
            raise InvalidInput(f"this line is not valid CSV: {e}", file=str(p),
                               line=reader.line_num,
                               fix="check the quoting; a field may not exceed 131,072 characters",
                               code=ErrorCode.MALFORMED_FILE
                               ) from None


def _records(reader: Any, p: Path, required: Sequence[str], optional: Sequence[str],
             ragged: bool) -> Iterator[Row]:
    header = _read_header(reader, p, required, optional)
    last_line = reader.line_num
    for record in reader:
        line = last_line + 1
        last_line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problem = f"this record has {len(record)} fields but the header has {len(header)}"
            if not ragged:
                raise InvalidInput(problem, fix=RAGGED_FIX, file=str(p), line=line,
                                   code=ErrorCode.MALFORMED_FILE)
            padded = [*record, *[""] * len(header)][: len(header)]
            yield Row(str(p), line, dict(zip(header, padded, strict=True)), problem)
            continue
        yield Row(str(p), line, dict(zip(header, record, strict=True)))


def _read_header(
    reader: Iterator[list[str]], path: Path, required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    expected = ",".join(list(required) + list(optional))
    for record in reader:
        if any(cell.strip() for cell in record):
            header = [cell.strip() for cell in record]
            break
    else:
        raise InvalidInput(f"{path.name} is empty", file=str(path), line=1,
                           fix=f"start the file with the header {expected}",
                           code=ErrorCode.MALFORMED_FILE)
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise InvalidInput(f"column '{repeated[0]}' appears twice in the header",
                           fix="give each column once", file=str(path), line=1,
                           code=ErrorCode.MALFORMED_FILE)
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            f"the header lacks column '{missing[0]}' (found: {','.join(header)})",
            fix=f"the header must name the columns {','.join(required)}", file=str(path),
            line=1, field=missing[0], code=ErrorCode.MALFORMED_FILE,
        )
    return header


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter): a stream read a chunk at a
    time, so memory does not grow with the file."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def text_lines(path: Path | str, *, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """Stream ``(line number, text)`` for each non-blank line of a text file."""
    p = Path(path)
    with open_text(p, encoding) as handle:
        for number, text in enumerate(_decoded_lines(handle, p), start=1):
            if text.strip():
                yield number, text


def parse_json_line(text: str) -> Any:
    """One JSON Lines record; numbers with a fraction are refused (amounts are strings), as
    are whole numbers beyond 64 bits and a key given twice in one object."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise InvalidInput(f"this line is not valid JSON: {e.msg} at column {e.colno}",
                           fix="write one JSON object per line",
                           code=ErrorCode.MALFORMED_FILE) from None
    except RecursionError:
        raise InvalidInput("this line nests JSON too deeply to be an entry",
                           fix="write one flat JSON object per line",
                           code=ErrorCode.MALFORMED_FILE) from None
    except InvalidInput as e:
        # The number hook sees only digits; the key before the first long number names it.
        key = _LONG_NUMBER_KEY.search(text) if e.field is None else None
        raise (e.located(field=key.group(1)) if key else e) from None


def _refuse_float(text: str) -> Any:
    raise InvalidInput(f"the number {text} is written without quotes",
                       fix=f'write amounts as strings, e.g. "{text}", so they stay exact')


def _bounded_int(text: str) -> int:
    # int() itself refuses 4,300 digits with a ValueError; nothing stored exceeds 64 bits.
    if len(text.lstrip("-")) > _INT_DIGITS:
        raise InvalidInput(f"the number {text[:24]}... ({len(text):,} digits) is too long",
                           fix="numbers such as entry ids have at most 19 digits")
    return int(text)


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        keys = [key for key, _ in pairs]
        repeated = next(key for i, key in enumerate(keys) if key in keys[:i])
        raise InvalidInput(f"the key '{repeated}' appears twice in one object",
                           field=repeated, fix="give each key once; which one was meant?",
                           code=ErrorCode.MALFORMED_FILE)
    return record


_INT_DIGITS = 19  # 2**63 - 1, SQLite's largest INTEGER
_LONG_NUMBER_KEY = re.compile(rf'"([^"\\]*)"\s*:\s*-?[0-9]{{{_INT_DIGITS + 1}}}')
# One decoder for every line: json.loads with a hook would build a new decoder per call.
_DECODER = json.JSONDecoder(parse_float=_refuse_float, parse_int=_bounded_int,
                            object_pairs_hook=_refuse_repeated_keys)


def read_toml(text: str, what: str, file: str | None = None) -> dict[str, Any]:
    """``text`` as TOML; a syntax error is refused naming ``what``, the file and the line, as
    is text nested past Python's recursion limit or holding a number too long to read."""
    import tomllib  # noqa: PLC0415 - only the TOML inputs need it, not a ledger balance

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = re.search(r"at line ([0-9]+)", str(e))
        raise InvalidInput(f"{what} is not valid TOML: {e}", file=file,
                           line=int(line.group(1)) if line else None,
                           fix="correct the TOML syntax on that line",
                           code=ErrorCode.MALFORMED_FILE) from None
    except RecursionError:
        raise InvalidInput(f"{what} nests its values too deeply to read", file=file,
                           fix="write its tables and arrays without deep nesting",
                           code=ErrorCode.MALFORMED_FILE) from None
    except ValueError:  # int() refuses a number past 4,300 digits
        raise InvalidInput(f"{what} holds a number too long to read", file=file,
                           fix="shorten the number; amounts are text in quotes, e.g. \"12.50\"",
                           code=ErrorCode.MALFORMED_FILE) from None


def read_text(path: Path | str, encoding: str | None = None) -> str:
    """All of a user's text file, decoded as ``open_text`` decodes it."""
    with open_text(path, encoding) as handle:
        return handle.read()


def read_toml_file(path: Path | str, what: str, encoding: str | None = None) -> dict[str, Any]:
    """The TOML file at ``path``: a missing file, text in no known encoding and a syntax error
    are each refused naming the file (and the line)."""
    return read_toml(read_text(path, encoding), what, str(path))
