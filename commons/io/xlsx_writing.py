"""Writing XLSX workbooks fast and in flat memory, with the standard library alone.

An XLSX file is a ZIP of XML parts. openpyxl's write-only mode builds a cell object for every
cell and writes about 4,000 rows a second (XlsxWriter's constant-memory mode measured the
same), so an audit export of a million postings took four minutes. Here a sheet's rows are
appended as XML text (the audit export formats its rows itself, the way its CSV writer does;
other callers give cells to ``Sheet.append``), and every piece of about a megabyte is
compressed by a second thread while the next rows are formatted: zlib and crc32 release the
GIL, so the two overlap on two cores.

Each piece is deflated on its own and ended by a sync flush, so pieces concatenate into one
deflate stream (as pigz does) and no sheet holds a compressor's memory: any number of sheets
are written at once, which the export needs (its rows arrive in date order, one sheet per
account). The compressed pieces wait in one temporary file; ``Workbook.save`` writes the ZIP,
copying each sheet's pieces in order.

Cells carry no ``r`` reference (it is optional: a cell is in the column after the one before
it), so an empty cell is written as ``<c/>``; text is written inline, or through the shared
strings table where the caller knows it repeats (account names, currencies).
"""

from __future__ import annotations

import datetime as dt
import queue
import struct
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Protocol

from commons.errors import ErrorCode, RefusedByRule

__all__ = ["ROWS_A_PIECE", "ROW_LIMIT", "Cell", "Sheet", "Workbook", "Writer", "column_letter",
           "date_serial", "text_cell", "xml_escape"]

ROW_LIMIT = 1_048_576  # Excel's rows per sheet
ROWS_A_PIECE = 2000  # rows compressed at a time: about a megabyte of an export's XML
_LEVEL = 1  # zlib's fastest: XML this repetitive still shrinks eight to ten times
_END = b"\x03\x00"  # an empty final deflate block, ending the concatenated pieces
_ZIP32 = 0xFFFFFFFF  # sizes and offsets a ZIP without the Zip64 extension can hold
_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's dates
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A cell given to ``Sheet.append``: None (empty), an int, a text, or (value, style) where the
# value is an int, a Decimal, a date or a text and the style one ``Workbook.style`` made.
Cell = None | int | str | tuple[int | Decimal | dt.date | str, int]


class Writer(Protocol):
    """Where a workbook is written: a binary file, or whatever counts and hashes on the way."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``; the bytes written."""


def xml_escape(text: str, *, quotes: bool = False) -> str:
    """``text`` as XML character data (or, with ``quotes``, an attribute's value)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if quotes and '"' in text:
        text = text.replace('"', "&quot;")
    return text


def text_cell(text: str, style: int = 0) -> str:
    """A cell holding ``text`` inline (in ``style``), always as text (a leading ``=`` is never
    a formula); an empty text is an empty cell. Spaces at either end are kept."""
    if not text:
        return "<c/>"
    if "&" in text or "<" in text or ">" in text:
        text = xml_escape(text)
    kept = ' xml:space="preserve"' if text[0] in " \t" or text[-1] in " \t" else ""
    styled = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{styled}><is><t{kept}>{text}</t></is></c>'


def date_serial(day: dt.date) -> int:
    """``day`` as Excel counts dates (2026-01-01 is 46023)."""
    return (day - _EPOCH).days


def column_letter(number: int) -> str:
    """The letters of column ``number`` (1 is A, 27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Part:
    """One file of the ZIP: its name, the CRC-32 and size of its text, and where its
    compressed pieces are in the spool."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.crc = 0
        self.size = 0
        self.pieces: list[tuple[int, int]] = []

    @property
    def packed(self) -> int:
        return sum(length for _, length in self.pieces) + len(_END)


class _Deflater:
    """The second thread: it deflates pieces in the order given and appends them to a
    temporary file (a bounded queue keeps memory flat)."""

    def __init__(self) -> None:
        # Closed by close(): it lives as long as the workbook being written.
        self.spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._queue: queue.Queue[tuple[_Part, bytes] | None] = queue.Queue(maxsize=4)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._failed is not None:
                continue
            part, data = item
            try:
                part.crc = zlib.crc32(data, part.crc)
                part.size += len(data)
                squeezer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
                packed = squeezer.compress(data) + squeezer.flush(zlib.Z_SYNC_FLUSH)
                part.pieces.append((self.spool.tell(), len(packed)))
                self.spool.write(packed)
            except BaseException as e:  # raised in the writing thread by finish()
                self._failed = e

    def put(self, part: _Part, text: str) -> None:
        self._queue.put((part, text.encode()))

    def finish(self) -> None:
        """Wait for every piece; raise what deflating or spooling failed with."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._failed is not None:
            raise self._failed

    def close(self) -> None:
        try:
            self.finish()
        finally:
            self.spool.close()


class Sheet:
    """A worksheet being written: rows are appended, then ``close`` ends it with its
    autofilter. Its column widths may be set until the first row is compressed.

    A writer in a hurry appends a row's XML to ``pending`` itself and calls ``flush`` when
    it holds ``ROWS_A_PIECE`` rows, which is what ``add`` does."""

    def __init__(self, book: Workbook, part: _Part, title: str) -> None:
        self.book, self.part, self.title = book, part, title
        self.widths: Sequence[float] = ()
        self.frozen = True  # the header row stays in view
        self.filter: str | None = None
        self.pending: list[str] = []
        self._flushed = 0
        self._started = False

    @property
    def rows(self) -> int:
        """The rows appended so far."""
        return self._flushed + len(self.pending)

    def _head(self) -> str:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, 1))
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                if self.frozen else "")
        return (f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
                f'<sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/>'
                f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def add(self, row_xml: str) -> None:
        """Append one row given as XML (``<row>...</row>``)."""
        self.pending.append(row_xml)
        if len(self.pending) >= ROWS_A_PIECE:
            self.flush()

    def append(self, cells: Iterable[Cell]) -> None:
        """Append one row of cells (see ``Cell``)."""
        self.add(f"<row>{''.join(map(_cell, cells))}</row>")

    def flush(self, end: str = "") -> None:
        """Hand the pending rows (and ``end``) to the compressing thread."""
        text = "".join(self.pending) + end
        if not self._started:
            self._started = True
            text = self._head() + text
        self._flushed += len(self.pending)
        self.pending.clear()
        self.book.deflater.put(self.part, text)

    def close(self, filter_columns: int = 0, filter_rows: int = 0) -> None:
        """End the sheet; with ``filter_columns``, an autofilter over the header and the
        ``filter_rows`` rows below it (rows after those stay put when it sorts)."""
        end = "</sheetData>"
        if filter_columns:
            self.filter = f"$A$1:${column_letter(filter_columns)}${filter_rows + 1}"
            end += f'<autoFilter ref="{self.filter.replace("$", "")}"/>'
        self.flush(end + "</worksheet>")


def _cell(cell: Cell) -> str:
    if cell is None:
        return "<c/>"
    if isinstance(cell, str):
        return text_cell(cell)
    if isinstance(cell, int):
        return f"<c><v>{cell}</v></c>"
    value, style = cell
    if isinstance(value, str):
        return text_cell(value, style)
    if isinstance(value, dt.date):
        value = date_serial(value)
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return f'<c s="{style}"><v>{text}</v></c>'


class Workbook:
    """A workbook written to a ZIP by ``save``: sheets in the order made, the cell styles and
    shared strings their rows use."""

    def __init__(self) -> None:
        self.deflater = _Deflater()
        self.sheets: list[Sheet] = []
        self._styles: dict[tuple[str | None, bool], int] = {(None, False): 0}
        self._formats: dict[str, int] = {}
        self._strings: dict[str, int] = {}

    def sheet(self, title: str) -> Sheet:
        """A new sheet, last in the workbook (``title`` at most 31 characters, no ``:``)."""
        made = Sheet(self, _Part(f"xl/worksheets/sheet{len(self.sheets) + 1}.xml"), title)
        self.sheets.append(made)
        return made

    def style(self, number_format: str | None = None, *, bold: bool = False) -> int:
        """The style of cells shown with ``number_format`` (and in bold)."""
        key = (number_format, bold)
        if key not in self._styles:
            if number_format is not None:
                self._formats.setdefault(number_format, 164 + len(self._formats))
            self._styles[key] = len(self._styles)
        return self._styles[key]

    def shared(self, text: str) -> str:
        """A cell holding ``text`` through the shared strings table: for text that repeats."""
        index = self._strings.setdefault(text, len(self._strings))
        return f'<c t="s"><v>{index}</v></c>'

    def _styles_xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{n}" formatCode="{xml_escape(f, quotes=True)}"/>'
                          for f, n in self._formats.items())
        applied = ' applyNumberFormat="1"', ' applyFont="1"'
        xfs = "".join(
            f'<xf numFmtId="{0 if f is None else self._formats[f]}" fontId="{int(bold)}" '
            f'fillId="0" borderId="0" xfId="0"{applied[0] if f else ""}'
            f'{applied[1] if bold else ""}/>' for f, bold in self._styles)
        font = '<sz val="11"/><name val="Calibri"/>'
        return (f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
                f'<numFmts count="{len(self._formats)}">{formats}</numFmts>'
                f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
                '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
                f'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{len(self._styles)}">'
                f'{xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
                'builtinId="0"/></cellStyles></styleSheet>')

    def _package_parts(self) -> list[tuple[str, str]]:
        """Every part but the sheets: what makes the ZIP a workbook."""
        sheets = "".join(f'<sheet name="{xml_escape(s.title, quotes=True)}" sheetId="{i}" '
                         f'r:id="rId{i}"/>' for i, s in enumerate(self.sheets, 1))
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{xml_escape(quoted)}!{s.filter}</definedName>"
            for i, s in enumerate(self.sheets)
            if s.filter and (quoted := "'" + s.title.replace("'", "''") + "'"))
        n = len(self.sheets)
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                            f'ContentType="{_TYPES}.worksheet+xml"/>' for i in range(1, n + 1))
        strings = "".join(
            f'<si><t xml:space="preserve">{xml_escape(t)}</t></si>' for t in self._strings)
        return [
            ("[Content_Types].xml",
             f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.'
             'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             f'ContentType="{_TYPES}.sheet.main+xml"/>{overrides}<Override PartName="/xl/'
             f'styles.xml" ContentType="{_TYPES}.styles+xml"/><Override PartName="/xl/'
             f'sharedStrings.xml" ContentType="{_TYPES}.sharedStrings+xml"/></Types>'),
            ("_rels/.rels",
             f'{_DECLARATION}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
             f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            ("xl/workbook.xml",
             f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews>'
             f'<workbookView/></bookViews><sheets>{sheets}</sheets>'
             f'{f"<definedNames>{filters}</definedNames>" if filters else ""}</workbook>'),
            ("xl/_rels/workbook.xml.rels",
             f'{_DECLARATION}<Relationships xmlns="{_PKG}">{rels}<Relationship Id="rId{n + 1}"'
             f' Type="{_REL}/styles" Target="styles.xml"/><Relationship Id="rId{n + 2}" '
             f'Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
            ("xl/styles.xml", self._styles_xml()),
            ("xl/sharedStrings.xml",
             f'{_DECLARATION}<sst xmlns="{_MAIN}" uniqueCount="{len(self._strings)}">'
             f"{strings}</sst>"),
        ]

    def save(self, handle: Writer) -> None:
        """Write the workbook as a ZIP to ``handle`` (every sheet closed before)."""
        parts = []
        for name, text in self._package_parts():
            parts.append(part := _Part(name))
            self.deflater.put(part, text)
        parts += [s.part for s in self.sheets]
        self.deflater.finish()
        _write_zip(handle, parts, self.deflater.spool)

    def close(self) -> None:
        """Stop the second thread and drop the spool (after ``save``, or after a failure)."""
        self.deflater.close()


def _write_zip(handle: Writer, parts: Sequence[_Part], spool: IO[bytes]) -> None:
    """The ZIP of ``parts``, each stored as deflated (method 8), dated 1980-01-01 so that the
    same workbook is the same bytes."""
    total = sum(30 + len(p.name) + p.packed for p in parts)
    if total > _ZIP32 or any(p.size > _ZIP32 for p in parts):
        raise RefusedByRule(
            f"the workbook would hold {total:,} bytes compressed, or a sheet over 4 GiB "
            "of XML: more than an XLSX file without the Zip64 extension can hold",
            fix="export a narrower scope (--account, --compound, --from/--to), or "
                "--format csv", code=ErrorCode.REFUSED)
    directory, offset = [], 0
    for part in parts:
        name = part.name.encode()
        fields = (20, 0, 8, 0, 33, part.crc, part.packed, part.size, len(name))
        handle.write(struct.pack("<I5HIIIHH", 0x04034B50, *fields, 0) + name)
        for start, length in part.pieces:
            spool.seek(start)
            handle.write(spool.read(length))
        handle.write(_END)
        directory.append(struct.pack("<IH5HIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0,
                                     0, offset) + name)
        offset += 30 + len(name) + part.packed
    listing = b"".join(directory)
    handle.write(listing + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts),
                                       len(listing), offset, 0))
