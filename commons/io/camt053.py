"""ISO 20022 camt.053 bank-to-customer statements (001.02, 001.08 and the versions between).

Parsed with the standard library's expat, which never fetches external entities; any document
type declaration is refused outright, so no entity can be declared and none expanded (no
"billion laughs"). Only what reconciliation needs is read: each statement's id, account,
period, opening (OPBD or PRCD) and closing (CLBD) booked balances, and its booked entries with
amount, credit/debit indicator, booking and value dates, references and counterparty. An error
names the file, the line and the XML path (``Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt``).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.parsers.expat
from typing import Any, NoReturn

from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.money import Money, parse_fen
from commons.reconcile.statements import Statement, StatementLine, parse_bank_date

__all__ = ["CAMT053_NAMESPACE", "read_camt053"]

CAMT053_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.([0-9]{2})")
_OPENING = ("OPBD", "PRCD")  # opening booked; previously closed booked
_CLOSING = ("CLBD",)
_NOT_PROVIDED = "NOTPROVIDED"


class _Node:
    """One element: local name, text, children, the line it starts on and its path."""

    __slots__ = ("attrs", "children", "line", "name", "namespace", "path", "text")

    def __init__(self, name: str, namespace: str, attributes: dict[str, str], line: int,
                 path: str) -> None:
        self.name = name
        self.namespace = namespace
        self.attrs = attributes
        self.line = line
        self.path = path
        self.text = ""
        self.children: list[_Node] = []

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


class _Builder:
    """Builds the tree from expat's events, numbering repeated siblings in the paths."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.counts: list[dict[str, int]] = [{}]

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _, name = tag.rpartition(" ")
        count = self.counts[-1][name] = self.counts[-1].get(name, 0) + 1
        step = name if count == 1 and name not in {"Stmt", "Ntry"} else f"{name}[{count}]"
        path = f"{self.stack[-1].path}/{step}" if self.stack else name
        node = _Node(name, namespace, attributes, self.parser.CurrentLineNumber, path)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)
        self.counts.append({})

    def end(self, _tag: str) -> None:
        self.stack.pop()
        self.counts.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].text += text


def _refuse_dtd(*_args: object) -> NoReturn:
    raise InvalidInput("the XML declares a document type (DTD); camt.053 files have none, and "
                       "commons never expands entities", fix="export the statement again from "
                       "the bank; do not open files from unknown senders",
                       code=ErrorCode.MALFORMED_FILE)


def _parse(data: bytes, source: str) -> _Node:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    builder = _Builder(parser)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise InvalidInput(f"the file is not well-formed XML: "
                           f"{xml.parsers.expat.ErrorString(e.code)} at column {e.offset}",
                           file=source, line=e.lineno,
                           fix="export the statement again; a download may be cut short",
                           code=ErrorCode.MALFORMED_FILE) from None
    except CommonsError as e:
        raise e.located(file=source, line=parser.CurrentLineNumber) from None
    assert builder.root is not None
    return builder.root


def _error(node: _Node, source: str, what: str, fix: str) -> InvalidInput:
    return InvalidInput(what, file=source, line=node.line, field=node.path, fix=fix)


def _need(parent: _Node, source: str, *names: str) -> _Node:
    node = parent.find(*names)
    if node is None:
        raise _error(parent, source, f"{parent.name} has no {'/'.join(names)}",
                     fix="the bank's file is incomplete; export the statement again")
    return node


def _signed_amount(parent: _Node, source: str) -> Money:
    amount = _need(parent, source, "Amt")
    try:
        fen = parse_fen(amount.text.strip())
        money = Money(fen, amount.attrs.get("Ccy", ""))
    except CommonsError as e:
        raise e.located(file=source, line=amount.line, field=amount.path) from None
    indicator = _need(parent, source, "CdtDbtInd")
    if indicator.text.strip() not in ("CRDT", "DBIT"):
        raise _error(indicator, source, f"credit/debit indicator {indicator.text.strip()!r} "
                     "is neither CRDT nor DBIT", fix="export the statement again")
    return money if indicator.text.strip() == "CRDT" else -money


def _date(parent: _Node | None, source: str) -> dt.date | None:
    """The date of a ``Dt`` or ``DtTm`` child (an instant's local date, as the bank wrote it)."""
    if parent is None:
        return None
    node = parent.find("Dt") or parent.find("DtTm")
    if node is None:
        return None
    try:
        return parse_bank_date(node.text)
    except CommonsError as e:
        raise e.located(file=source, line=node.line, field=node.path) from None


def _balances(stmt: _Node, source: str) -> tuple[Money, Money, dt.date | None, dt.date | None]:
    found: dict[str, tuple[Money, dt.date | None]] = {}
    for bal in stmt.all("Bal"):
        code = bal.text_of("Tp", "CdOrPrtry", "Cd")
        found.setdefault(code, (_signed_amount(bal, source), _date(bal.find("Dt"), source)))
    opening = next((found[c] for c in _OPENING if c in found), None)
    closing = next((found[c] for c in _CLOSING if c in found), None)
    if opening is None or closing is None:
        missing = "opening (OPBD)" if opening is None else "closing (CLBD)"
        raise _error(stmt, source, f"the statement has no {missing} booked balance",
                     fix="export the statement as camt.053 with booked balances")
    return opening[0], closing[0], opening[1], closing[1]


def _booked(entry: _Node) -> bool:
    status = entry.find("Sts")
    if status is None:
        return True
    code = status.text_of("Cd") or status.text.strip()  # 001.08 wraps it in Cd
    return code == "BOOK"


def _party(details: _Node | None, role: str) -> str:
    if details is None:
        return ""
    # 001.02: RltdPties/Dbtr/Nm; 001.08: RltdPties/Dbtr/Pty/Nm.
    return details.text_of("RltdPties", role, "Nm") or details.text_of("RltdPties", role, "Pty",
                                                                       "Nm")


def _line(entry: _Node, index: int, source: str) -> StatementLine:
    amount = _signed_amount(entry, source)
    booked = _date(entry.find("BookgDt"), source)
    if booked is None:
        raise _error(entry, source, "the entry has no booking date (BookgDt)",
                     fix="export the statement again; booked entries carry BookgDt")
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


def _statement(stmt: _Node, source: str) -> Statement:
    statement_id = _need(stmt, source, "Id").text.strip()
    opening, closing, opened_on, closed_on = _balances(stmt, source)
    lines = [_line(entry, i, source) for i, entry in enumerate(stmt.all("Ntry"), start=1)
             if _booked(entry)]
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
        return Statement(source, statement_id, opening, closing, lines, first, last, account)
    except CommonsError as e:
        raise e.located(file=source, line=stmt.line, field=stmt.path) from None


def _date_of(period: _Node | None, name: str, source: str) -> dt.date | None:
    node = period.find(name) if period is not None else None
    if node is None:
        return None
    try:
        return parse_bank_date(node.text)
    except CommonsError as e:
        raise e.located(file=source, line=node.line, field=node.path) from None


def read_camt053(data: bytes, source: str) -> list[Statement]:
    """Every statement (``Stmt``) of a camt.053 document, in document order."""
    root = _parse(data, source)
    match = CAMT053_NAMESPACE.fullmatch(root.namespace)
    if root.name != "Document" or match is None:
        raise _error(root, source, f"the XML is not a camt.053 statement (root {root.name} in "
                     f"namespace {root.namespace or 'none'})",
                     fix="export the statement as ISO 20022 camt.053 (001.02 or 001.08)")
    report = _need(root, source, "BkToCstmrStmt")
    statements = report.all("Stmt")
    if not statements:
        raise _error(report, source, "the document holds no statement (Stmt)",
                     fix="export the statement again")
    return [_statement(stmt, source) for stmt in statements]
