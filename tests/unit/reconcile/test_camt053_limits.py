"""camt.053 files read within limits, whatever they hold, and in the encoding they declare.

Hostile files once ate the machine: memory grew with the square of the nesting depth (a
140 KB file with 20,000 nested elements peaked at 441 MB) and time with the square of a text's
newlines; a 20 MB attribute gave a 20 MB message. A GB18030 or UTF-16 statement was refused.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from commons.errors import ErrorCode, InvalidInput
from commons.io.bank_formats import read_statements
from commons.io.camt053 import MAX_ATTRIBUTE, MAX_DEPTH, MAX_TEXT

FIXTURE = Path(__file__).parents[2] / "fixtures" / "camt053_001_08_nov.xml"
HEAD = (b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
        b'camt.053.001.08"><BkToCstmrStmt>')
TAIL = b"</BkToCstmrStmt></Document>"
QUICK_S = 1.0  # on a loaded two-core machine; the benchmark measures the real time


def _refused(data: bytes, *texts: str, code: ErrorCode = ErrorCode.MALFORMED_FILE
             ) -> InvalidInput:
    start = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        read_statements(data, "h.xml")
    assert time.perf_counter() - start < QUICK_S
    assert caught.value.code == code
    message = str(caught.value)
    assert len(message) < 400, message[:400]
    for text in texts:
        assert text in message, message
    return caught.value


def test_20000_nested_elements_are_refused_at_the_depth_limit() -> None:
    data = HEAD + b"<Stmt>" + b"<a>" * 20_000 + b"</a>" * 20_000 + b"</Stmt>" + TAIL
    error = _refused(data, f"more than {MAX_DEPTH} deep")
    assert error.file == "h.xml"
    assert error.line == 2


def test_a_megabyte_of_newlines_in_a_value_is_read_in_linear_time() -> None:
    data = HEAD + b"<Stmt><Id>S" + b"\nx" * 1_000_000 + b"</Id></Stmt>" + TAIL
    error = _refused(data, f"more than {MAX_TEXT:,} characters", "Stmt[1]/Id")
    assert error.line == 2


def test_a_megabyte_of_blank_lines_between_elements_costs_nothing() -> None:
    xml = FIXTURE.read_bytes().replace(b"<Stmt>", b"<Stmt>" + b"\n" * 1_000_000)
    start = time.perf_counter()
    (statement,) = read_statements(xml, "nov.xml")
    assert time.perf_counter() - start < QUICK_S
    assert statement.lines[0].counterparty == "卫技新村停车场"


def test_a_huge_attribute_is_refused_without_echoing_it() -> None:
    data = HEAD + b'<Stmt><Amt Ccy="' + b"C" * 2_000_000 + b'">1.00</Amt></Stmt>' + TAIL
    _refused(data, "attribute Ccy holds 2,000,000 characters", f"more than {MAX_ATTRIBUTE}")


def test_a_bad_value_is_echoed_as_a_short_excerpt() -> None:
    xml = FIXTURE.read_bytes().replace(b"<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>",
                                       b"<CdtDbtInd>" + b"X" * 4000 + b"</CdtDbtInd><Sts>")
    _refused(xml, "'XXXX", "...", code=ErrorCode.INVALID_INPUT)


def test_entries_read_one_at_a_time_are_all_read() -> None:
    xml = FIXTURE.read_text(encoding="utf-8")
    head, entry_and_tail = xml.split("<Ntry>", 1)
    entry = "<Ntry>" + entry_and_tail.split("</Ntry>", 1)[0] + "</Ntry>"
    data = (head.replace("1837.50", "601537.50") + entry * 2000
            + "</Stmt></BkToCstmrStmt></Document>")
    (statement,) = read_statements(data.encode(), "big.xml")
    assert len(statement.lines) == 2000
    assert statement.closing.format() == "601537.50"


@pytest.mark.parametrize("encoding", ["GB18030", "GBK", "UTF-16", "UTF-16LE", "UTF-16BE"])
def test_a_statement_is_read_in_the_encoding_it_declares(encoding: str) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace('encoding="UTF-8"',
                                                       f'encoding="{encoding}"')
    data = text.encode("utf-16" if encoding == "UTF-16" else encoding)
    (statement,) = read_statements(data, "nov.xml")
    assert statement.lines[0].counterparty == "卫技新村停车场"
    assert statement.lines[0].memo == "停车费 十一月"


def test_an_unknown_declared_encoding_and_bytes_that_do_not_fit_it_are_refused() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    _refused(text.replace('encoding="UTF-8"', 'encoding="klingon"').encode(),
             "declares the encoding 'klingon'")
    bad = text.replace('encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030")
    bad = bad.replace("停车费".encode("gb18030"), b"\x81\x20")
    _refused(bad, "not valid gb18030 text")
