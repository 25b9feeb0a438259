"""ISO 20022 camt.053 bank-to-customer statements (001.02, 001.08 and the versions between).

Parsed with the standard library's expat, which never fetches external entities; any document
type declaration is refused outright, so no entity can be declared and none expanded (no
"billion laughs"). Only what reconciliation needs is read: each statement's id, account,
period, opening (OPBD or PRCD) and closing (CLBD) booked balances, and its booked entries with
amount, credit/debit indicator, booking and value dates, references and counterparty. An error
names the file, the line and the XML path (``Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``).

Where a bank leaves something out, the reader assumes as the standard's usage does and says so
in the statement's ``notes``: a ``Bal`` without ``CdtDbtInd`` is a credit balance, an entry
without ``BookgDt`` is booked on its ``ValDt``, and one without ``Sts`` is booked. Dates may
carry a time zone offset (``2017-04-01+02:00``); the date as written is the bank's day.

The file is read as a stream within the limits below (docs/limits.md), each entry turned into
a line as it ends, and decoded as its XML declaration says (GB18030 too, which expat cannot).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import xml.parsers.expat
from collections.abc import Iterator
from typing import Any, NoReturn

from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.money import Money, parse_fen
from commons.periods import read_date
from commons.reconcile.statements import Statement, StatementLine

__all__ = ["CAMT053_NAMESPACE", "MAX_ATTRIBUTE", "MAX_BYTES", "MAX_DEPTH", "MAX_TEXT",
           "read_camt053"]

CAMT053_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.([0-9]{2})")
# Limits (docs/limits.md): generous for any bank's statement, small enough that a hostile
# file is refused at once and in bounded memory.
MAX_BYTES = 256 * 2**20  # the whole file
MAX_DEPTH = 32  # nested elements; camt.053 needs about 12
MAX_TEXT = 4096  # characters of text in one element; ISO 20022 texts are at most 500 or so
MAX_ATTRIBUTE = 256  # characters in one attribute value (Ccy="CNY")
_EXCERPT = 40  # characters of a bad value a message repeats
_CHUNK = 1 << 20  # bytes handed to expat at a time
_HOSTILE_FIX = "this is not a bank's camt.053 statement; export it again from the bank"
_DECLARATION = re.compile(rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_DECLARATION_SPAN = 200  # bytes in which the XML declaration must end
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "iso8859-1", "ascii"})
_OPENING = ("OPBD", "PRCD")  # opening booked; previously closed booked
_CLOSING = ("CLBD",)
_NOT_PROVIDED = "NOTPROVIDED"


class _Node:
    """One element: local name, text, children, the line it starts on and its path."""

    __slots__ = ("attrs", "children", "line", "name", "namespace", "parent", "pieces", "size",
                 "step", "text")

    def __init__(self, name: str, namespace: str, attributes: dict[str, str], line: int,
                 parent: _Node | None, step: str) -> None:
        self.name = name
        self.namespace = namespace
        self.attrs = attributes
        self.line = line
        self.parent = parent
        self.step = step
        self.text = ""
        # Text arrives in pieces (expat splits it at each newline); joined once at the end,
        # so long text costs linear time, not a copy per piece.
        self.pieces: list[str] = []
        self.size = 0
        self.children: list[_Node] = []

    @property
    def path(self) -> str:
        """``Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``: made only for a message."""
        return f"{self.parent.path}/{self.step}" if self.parent is not None else self.step

    def all(self, name: str) -> list[_Node]:
        return [c for c in self.children if c.name == name]

    def find(self, *names: str) -> _Node | None:
        node: _Node | None = self
        for name in names:
            node = next((c for c in node.children if c.name == name), None) if node else None
        return node

    def text_of(self, *names: str) -> str:
        node = self.find(*names)
        return node.text.strip() if node is not None else ""


def _excerpt(text: str) -> str:
    """At most a few dozen characters of a value, for a message."""
    return repr(text) if len(text) <= _EXCERPT else f"{text[:_EXCERPT]!r}..."


class _Builder:
    """Builds the tree from expat's events, numbering repeated siblings in the paths.

    Streaming: each booked entry (``Stmt/Ntry``) becomes a ``StatementLine`` as soon as it
    ends and each ``Stmt`` a ``Statement``, and their elements are dropped, so memory holds
    the lines read, not the document's tree. Depth, text and attribute sizes are capped.
    """

    def __init__(self, parser: Any, source: str) -> None:
        self.parser = parser
        self.source = source
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.counts: list[dict[str, int]] = [{}]
        self.statements: list[Statement] = []
        self.lines: list[StatementLine] = []
        self.notes: dict[str, int] = {}  # assumptions made in the statement being read
        self.entries = 0  # entries (booked or not) of the statement being read
        self.depth = 0
        self.foreign = False  # the root is not a camt.053 Document

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InvalidInput(f"the XML nests elements more than {MAX_DEPTH} deep; camt.053 "
                               "needs about 12", fix=_HOSTILE_FIX, code=ErrorCode.MALFORMED_FILE)
        if attributes:
            for key, value in attributes.items():
                if len(value) > MAX_ATTRIBUTE:
                    raise InvalidInput(f"attribute {key.rpartition(' ')[2]} holds "
                                       f"{len(value):,} characters, more than "
                                       f"{MAX_ATTRIBUTE:,}", fix=_HOSTILE_FIX,
                                       code=ErrorCode.MALFORMED_FILE)
        if self.foreign:
            return
        namespace, _, name = tag.rpartition(" ")
        count = self.counts[-1][name] = self.counts[-1].get(name, 0) + 1
        step = name if count == 1 and name not in {"Stmt", "Ntry"} else f"{name}[{count}]"
        parent = self.stack[-1] if self.stack else None
        node = _Node(name, namespace, attributes, self.parser.CurrentLineNumber, parent, step)
        if parent is not None:
            parent.children.append(node)
        else:
            self.root = node
            # Another kind of XML is refused once it has proved well-formed; until then
            # nothing of it is kept.
            self.foreign = (name != "Document"
                            or CAMT053_NAMESPACE.fullmatch(namespace) is None)
            if self.foreign:
                return
        self.stack.append(node)
        self.counts.append({})

    def end(self, _tag: str) -> None:
        self.depth -= 1
        if self.foreign:
            return
        node = self.stack.pop()
        self.counts.pop()
        if node.pieces:
            node.text, node.pieces = "".join(node.pieces), []
        depth = len(self.stack)
        if node.name == "Ntry" and depth == 3 and self._in_report("Stmt"):
            self.stack[-1].children.pop()
            self.entries += 1
            if _booked(node, self.notes):
                self.lines.append(_line(node, self.entries, self.source, self.notes))
        elif node.name == "Stmt" and depth == 2 and self._in_report():
            self.stack[-1].children.pop()
            self.statements.append(_statement(node, self.lines, self.source, self.notes))
            self.lines, self.entries, self.notes = [], 0, {}

    def _in_report(self, *below: str) -> bool:
        """Whether the open elements are Document/BkToCstmrStmt and then ``below``."""
        return [n.name for n in self.stack] == ["Document", "BkToCstmrStmt", *below]

    def data(self, text: str) -> None:
        # Blank runs are the layout between elements (a pretty-printed statement has one per
        # child). A value arrives as one run (buffer_text), or split where a 1 MB chunk ends;
        # a blank piece of it can then only be at its start or end, which values strip anyway.
        if not self.stack or self.foreign or text.isspace():
            return
        node = self.stack[-1]
        node.size += len(text)
        if node.size > MAX_TEXT:
            raise InvalidInput(f"element {node.name} holds more than {MAX_TEXT:,} characters "
                               "of text", line=node.line, field=node.path, fix=_HOSTILE_FIX,
                               code=ErrorCode.MALFORMED_FILE)
        node.pieces.append(text)


def _refuse_dtd(*_args: object) -> NoReturn:
    raise InvalidInput("the XML declares a document type (DTD); camt.053 files have none, and "
                       "commons never expands entities", fix="export the statement again from "
                       "the bank; do not open files from unknown senders",
                       code=ErrorCode.MALFORMED_FILE)


def _declared_encoding(data: bytes, source: str) -> str | None:
    """The Python codec to decode the file with, when expat cannot read its encoding itself
    (it reads UTF-8, UTF-16, ISO-8859-1 and ASCII); None when it can."""
    found = _DECLARATION.match(data[:_DECLARATION_SPAN])
    if found is None:
        return None
    declared = found.group(1).decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise InvalidInput(f"the XML declares the encoding {_excerpt(declared)}, which is not "
                           "known", file=source, line=1,
                           fix="export the statement again in UTF-8 or GB18030",
                           code=ErrorCode.MALFORMED_FILE) from None
    if name in _EXPAT_ENCODINGS:
        return None
    # Files labelled GB2312 or GBK often hold characters only GB18030, their superset, has.
    return "gb18030" if name in {"gb2312", "gbk"} else name


def _chunks(data: bytes, encoding: str | None, source: str) -> Iterator[bytes | str]:
    """The document in pieces for expat: its bytes, or text decoded as it declares."""
    if encoding is None:
        for offset in range(0, len(data), _CHUNK):
            yield data[offset:offset + _CHUNK]
        return
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    for offset in range(0, len(data), _CHUNK):
        try:
            yield decoder.decode(data[offset:offset + _CHUNK], offset + _CHUNK >= len(data))
        except UnicodeDecodeError as e:
            line = data[:offset + e.start].count(b"\n") + 1
            raise InvalidInput(f"the file is not valid {encoding} text, as its XML declaration "
                               "says", file=source, line=line,
                               fix="export the statement again; it may be cut short",
                               code=ErrorCode.MALFORMED_FILE) from None


def _parse(data: bytes, source: str) -> _Builder:
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"the statement is {len(data):,} bytes, more than the "
                           f"{MAX_BYTES:,} commons reads", file=source,
                           fix="ask the bank for one statement per month or per account",
                           code=ErrorCode.MALFORMED_FILE)
    encoding = _declared_encoding(data, source)
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 4 * MAX_TEXT  # a value short enough to keep arrives in one piece
    builder = _Builder(parser, source)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in _chunks(data, encoding, source):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as e:
        raise InvalidInput(f"the file is not well-formed XML: "
                           f"{xml.parsers.expat.ErrorString(e.code)} at column {e.offset}",
                           file=source, line=e.lineno,
                           fix="export the statement again; a download may be cut short",
                           code=ErrorCode.MALFORMED_FILE) from None
    except CommonsError as e:
        raise e.located(file=source, line=parser.CurrentLineNumber) from None
    return builder


def _error(node: _Node, source: str, what: str, fix: str) -> InvalidInput:
    return InvalidInput(what, file=source, line=node.line, field=node.path, fix=fix)


def _need(parent: _Node, source: str, *names: str) -> _Node:
    node = parent.find(*names)
    if node is None:
        raise _error(parent, source, f"{parent.name} has no {'/'.join(names)}",
                     fix="the bank's file is incomplete; export the statement again")
    return node


def _note(notes: dict[str, int], what: str) -> None:
    notes[what] = notes.get(what, 0) + 1


def _signed_amount(parent: _Node, source: str, notes: dict[str, int] | None = None) -> Money:
    """The amount signed by its ``CdtDbtInd``; a balance (``notes`` given) without one is a
    credit balance, as the standard's usage has it."""
    amount = _need(parent, source, "Amt")
    try:
        currency = amount.attrs.get("Ccy", "")
        money = Money(parse_fen(amount.text.strip(), currency), currency)
    except CommonsError as e:
        raise e.located(file=source, line=amount.line, field=amount.path) from None
    if notes is not None and parent.find("CdtDbtInd") is None:
        _note(notes, "Bal without CdtDbtInd read as a credit balance")
        return money
    indicator = _need(parent, source, "CdtDbtInd")
    if indicator.text.strip() not in ("CRDT", "DBIT"):
        raise _error(indicator, source, f"credit/debit indicator "
                     f"{_excerpt(indicator.text.strip())} is neither CRDT nor DBIT",
                     fix="export the statement again")
    return money if indicator.text.strip() == "CRDT" else -money


def _date(parent: _Node | None, source: str) -> dt.date | None:
    """The date of a ``Dt`` or ``DtTm`` child (an instant's local date, as the bank wrote it)."""
    if parent is None:
        return None
    node = parent.find("Dt") or parent.find("DtTm")
    if node is None:
        return None
    return _day(node, source)


_ZONED_DATE = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})\s*")


def _day(node: _Node, source: str) -> dt.date:
    """An ``xs:date`` or ``xs:dateTime``'s day as written; an ``xs:date`` may carry a zone
    (``2017-04-01+02:00``), which says where that day is, not another day."""
    zoned = _ZONED_DATE.fullmatch(node.text)
    try:
        return read_date(zoned.group(1) if zoned else node.text)
    except CommonsError as e:
        raise e.located(file=source, line=node.line, field=node.path) from None


def _balances(stmt: _Node, source: str, notes: dict[str, int]
              ) -> tuple[Money, Money, dt.date | None, dt.date | None]:
    found: dict[str, tuple[Money, dt.date | None]] = {}
    for bal in stmt.all("Bal"):
        code = bal.text_of("Tp", "CdOrPrtry", "Cd")
        found.setdefault(code, (_signed_amount(bal, source, notes),
                                _date(bal.find("Dt"), source)))
    opening = next((found[c] for c in _OPENING if c in found), None)
    closing = next((found[c] for c in _CLOSING if c in found), None)
    if opening is None or closing is None:
        missing = "opening (OPBD)" if opening is None else "closing (CLBD)"
        raise _error(stmt, source, f"the statement has no {missing} booked balance",
                     fix="export the statement as camt.053 with booked balances")
    return opening[0], closing[0], opening[1], closing[1]


def _booked(entry: _Node, notes: dict[str, int]) -> bool:
    status = entry.find("Sts")
    if status is None:
        _note(notes, "Ntry without Sts counted as booked")
        return True
    code = status.text_of("Cd") or status.text.strip()  # 001.08 wraps it in Cd
    return code == "BOOK"


def _party(details: _Node | None, role: str) -> str:
    if details is None:
        return ""
    # 001.02: RltdPties/Dbtr/Nm; 001.08: RltdPties/Dbtr/Pty/Nm.
    return details.text_of("RltdPties", role, "Nm") or details.text_of("RltdPties", role, "Pty",
                                                                       "Nm")


def _line(entry: _Node, index: int, source: str, notes: dict[str, int]) -> StatementLine:
    amount = _signed_amount(entry, source)
    booked = _date(entry.find("BookgDt"), source)
    if booked is None:
        booked = _date(entry.find("ValDt"), source)
        if booked is None:
            raise _error(entry, source, "the entry has neither a booking date (BookgDt) nor "
                         "a value date (ValDt)",
                         fix="export the statement again; booked entries carry BookgDt")
        _note(notes, "Ntry without BookgDt booked on its ValDt")
    details = entry.find("NtryDtls", "TxDtls")
    refs = details.find("Refs") if details is not None else None
    end_to_end = refs.text_of("EndToEndId") if refs is not None else ""
    payment = "" if end_to_end == _NOT_PROVIDED else end_to_end
    if not payment and refs is not None:
        payment = refs.text_of("InstrId")
    memo = (details.text_of("RmtInf", "Ustrd") if details is not None else "") or \
        entry.text_of("AddtlNtryInf")
    reference = entry.text_of("AcctSvcrRef") or (refs.text_of("AcctSvcrRef") if refs else "")
    counterparty = _party(details, "Dbtr" if amount.fen > 0 else "Cdtr")
    try:
        return StatementLine(booked, amount, reference, payment, counterparty, memo,
                             _date(entry.find("ValDt"), source), None, entry.line or index)
    except CommonsError as e:
        raise e.located(file=source, line=entry.line, field=entry.path) from None


def _statement(stmt: _Node, lines: list[StatementLine], source: str,
               notes: dict[str, int]) -> Statement:
    statement_id = _need(stmt, source, "Id").text.strip()
    opening, closing, opened_on, closed_on = _balances(stmt, source, notes)
    period = stmt.find("FrToDt")
    first = _date_of(period, "FrDtTm", source) or opened_on
    last = _date_of(period, "ToDtTm", source) or closed_on
    days = [line.booked_on for line in lines]
    first = first or min(days, default=None) or last
    last = last or max(days, default=None) or first
    if first is None or last is None:
        raise _error(stmt, source, "the statement states no period and has no entries",
                     fix="export the statement with its period (FrToDt)")
    account = stmt.text_of("Acct", "Id", "IBAN") or stmt.text_of("Acct", "Id", "Othr", "Id")
    try:
        return Statement(source, statement_id, opening, closing, lines, first, last, account,
                         reader="camt.053",
                         notes=[f"{what} ({n}x)" if n > 1 else what
                                for what, n in notes.items()])
    except CommonsError as e:
        raise e.located(file=source, line=stmt.line, field=stmt.path) from None


def _date_of(period: _Node | None, name: str, source: str) -> dt.date | None:
    node = period.find(name) if period is not None else None
    return None if node is None else _day(node, source)


def read_camt053(data: bytes, source: str) -> list[Statement]:
    """Every statement (``Stmt``) of a camt.053 document, in document order."""
    builder = _parse(data, source)
    root = builder.root
    assert root is not None
    if builder.foreign:
        raise _error(root, source, f"the XML is not a camt.053 statement (root "
                     f"{_excerpt(root.name)} in namespace {_excerpt(root.namespace or 'none')})",
                     fix="export the statement as ISO 20022 camt.053 (001.02 or 001.08)")
    report = _need(root, source, "BkToCstmrStmt")
    if not builder.statements:
        raise _error(report, source, "the document holds no statement (Stmt)",
                     fix="export the statement again")
    return builder.statements
