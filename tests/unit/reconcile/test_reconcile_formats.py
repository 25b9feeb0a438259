"""Statement readers: CSV profiles (GBK too), TOML profiles, camt.053 001.02 and 001.08, and the
integrity every statement must show. Errors name file, line and field or XML path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import raises

from commons import CommonsError, ConflictError, InvalidInput, Money, RefusedByRule
from commons.errors import ErrorCode
from commons.files import decode_text
from commons.io.bank_csv import CsvProfile
from commons.io.bank_formats import read_statements, resolve_profiles
from commons.periods import read_date
from commons.reconcile.statements import (
    Statement,
    StatementLine,
    StoredTail,
    line_keys,
    plan_continuation,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"
CN_HEADER = "交易日期,收入金额,支出金额,余额,对方户名,摘要"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def refused(data: bytes | str, code: ErrorCode, *texts: str, name: str = "s.csv",
            **kw: object) -> CommonsError:
    """Reading ``data`` is refused with ``code``, naming each of ``texts`` (places, fields)."""
    raw = data.encode() if isinstance(data, str) else data
    with raises(CommonsError, code) as caught:
        read_statements(raw, name, **kw)  # type: ignore[arg-type]
    for text in texts:
        assert text in str(caught.value), str(caught.value)
    return caught.value


@pytest.mark.parametrize(("text", "day"), [
    ("2026-10-01", dt.date(2026, 10, 1)), ("2026/10/01", dt.date(2026, 10, 1)),
    ("20261001", dt.date(2026, 10, 1)), ("2026/1/5", dt.date(2026, 1, 5)),
    ("2026年10月1日", dt.date(2026, 10, 1)), ("2026-10-01 09:30:00", dt.date(2026, 10, 1)),
    ("2026-10-01T09:30:00+08:00", dt.date(2026, 10, 1)), (" 2026.10.01 ", dt.date(2026, 10, 1)),
    ("2027/1/3", dt.date(2027, 1, 3)), ("2027.1.3", dt.date(2027, 1, 3)),
    ("20270103", dt.date(2027, 1, 3)), ("2027/1/3 0:00", dt.date(2027, 1, 3)),
])
def test_bank_dates(text: str, day: dt.date) -> None:
    assert read_date(text) == day


@pytest.mark.parametrize("text", ["", "01/10/2026", "2026-13-01", "20260230", "2026-10", "x"])
def test_bad_bank_dates(text: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        read_date(text)


def test_gbk_chinese_csv_is_detected_and_read_with_its_title_rows() -> None:
    (statement,) = read_statements(fixture("cn_bank_gbk.csv"), "cn_bank_gbk.csv")
    assert (statement.opening, statement.closing) == (Money.yuan("1000.00"),
                                                       Money.yuan("1537.50"))
    assert [x.amount for x in statement.lines] == [Money.yuan(a) for a in
                                                   ("120.00", "500.00", "-80.00", "-2.50")]
    assert statement.lines[0].counterparty == "卫技新村停车场"
    assert statement.lines[1].memo == "广告费 第四季度"
    assert [x.source_line for x in statement.lines] == [5, 6, 7, 8]
    assert (statement.first_day, statement.last_day) == (dt.date(2026, 10, 3),
                                                         dt.date(2026, 10, 31))


def test_encoding_given_and_wrong() -> None:
    data = fixture("cn_bank_gbk.csv")
    (statement,) = read_statements(data, "f.csv", encoding="gbk")
    assert statement.lines[0].counterparty == "卫技新村停车场"
    refused(data, ErrorCode.MALFORMED_FILE, "f.csv:1", name="f.csv", encoding="utf-8")
    refused(data, ErrorCode.INVALID_INPUT, name="f.csv", encoding="klingon")
    assert "\ufffd" not in decode_text(data, "f.csv")


def test_utf16_is_told_by_its_byte_order_mark() -> None:
    """Either byte order with its mark; UTF-8 and GB18030 text are never taken for UTF-16."""
    text = "日期,金额\n"
    for codec in ("utf-16", "utf-16-be"):
        mark = b"\xfe\xff" if codec == "utf-16-be" else b""
        assert decode_text(mark + text.encode(codec), "u.csv") == text
    for codec in ("utf-8", "gb18030"):
        assert decode_text(text.encode(codec), "u.csv") == text


def test_text_that_is_no_known_encoding_is_refused_not_mangled() -> None:
    refused(b"date,amount\n2026-10-01,1.00\n\xff\xff\xff\n", ErrorCode.MALFORMED_FILE, "s.csv:3")


def test_generic_profile_with_signed_amounts_and_a_balance() -> None:
    text = ("date,amount,reference,counterparty,memo,balance\n"
            "2026-10-02,120.00,B1,停车场,parking,1120.00\n"
            "2026-10-05,-80.00,B2,维修公司,repairs,1040.00\n")
    (statement,) = read_statements(text.encode(), "g.csv")
    assert statement.opening == Money.yuan("1000.00")
    assert [x.reference for x in statement.lines] == ["B1", "B2"]


def test_generic_debit_credit_profile_and_newest_first() -> None:
    text = ("date,debit,credit,balance,memo\n"
            "2026-10-05,80.00,,1040.00,repairs\n"
            "2026-10-02,,120.00,1120.00,parking\n")
    (statement,) = read_statements(text.encode(), "g.csv")
    assert [x.booked_on.day for x in statement.lines] == [2, 5]
    assert statement.closing == Money.yuan("1040.00")


def test_csv_without_balances_has_no_known_opening() -> None:
    (statement,) = read_statements(b"date,amount\n2026-10-02,1.00\n", "g.csv")
    assert not statement.balances_known
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        plan_continuation(statement, line_keys(statement.lines), {}, StoredTail())


@pytest.mark.parametrize(("text", "where", "code"), [
    (f"{CN_HEADER}\n2026-10-03,abc,,1120.00,x,y\n", "s.csv:2: field '收入金额'",
     ErrorCode.INVALID_AMOUNT),
    (f"{CN_HEADER}\n2026-13-03,1.00,,1.00,x,y\n", "s.csv:2: field '交易日期'",
     ErrorCode.INVALID_DATE),
    (f"{CN_HEADER}\n2026-10-03,1.00,2.00,1.00,x,y\n", "s.csv:2: field '收入金额'",
     ErrorCode.INVALID_INPUT),
    (f"{CN_HEADER}\n2026-10-03,1.00,,,x,y\n", "s.csv:2: field '余额'", ErrorCode.INVALID_AMOUNT),
    (f"{CN_HEADER}\n2026-10-03,1.00,,1.00,x,y,z,w\n", "s.csv:2", ErrorCode.MALFORMED_FILE),
    (f"{CN_HEADER}\n2026-10-03,1.00,,1.00\n", "s.csv:2", ErrorCode.MALFORMED_FILE),
    (f"{CN_HEADER}\n2026-10-03,\"1.00,,1.00,x,y\n", "s.csv", ErrorCode.MALFORMED_FILE),
    (f"{CN_HEADER}\n", "s.csv:1", ErrorCode.MALFORMED_FILE),
    ("a,b,c\n1,2,3\n", "s.csv:1", ErrorCode.MALFORMED_FILE),
    (f"{CN_HEADER}\n2026-10-03,,,1.00,x,y\n", "s.csv:2: field '收入金额'", ErrorCode.INVALID_INPUT),
])
def test_malformed_csv_names_file_line_and_field(text: str, where: str, code: ErrorCode) -> None:
    refused(text, code, where)


def test_running_balance_gap_names_the_line() -> None:
    text = (f"{CN_HEADER}\n2026-10-03,120.00,,1120.00,x,y\n2026-10-04,,20.00,1110.00,x,y\n")
    refused(text, ErrorCode.INVALID_INPUT, "s.csv:3: field '余额'")


def test_wrong_profile_for_the_file() -> None:
    refused(fixture("cn_bank_gbk.csv"), ErrorCode.MALFORMED_FILE,
            profiles=resolve_profiles("generic"))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        resolve_profiles("hsbc")


def test_a_user_profile_in_toml() -> None:
    profile = CsvProfile.from_toml(
        'name = "icbc"\ndate = "记账日期"\ncredit = "贷方发生额"\ndebit = "借方发生额"\n'
        'balance = "余额"\nmemo = "摘要"\nreference = "流水号"\noptional = ["摘要"]\n',
        "icbc.toml")
    text = "记账日期,借方发生额,贷方发生额,余额,流水号\n20261003,,120.00,1120.00,X1\n"
    (statement,) = read_statements(text.encode("gb18030"), "i.csv", profiles=[profile])
    assert statement.lines[0].reference == "X1"
    assert statement.lines[0].amount == Money.yuan("120.00")


@pytest.mark.parametrize(("toml", "code"), [
    ('date = "d"\ncolour = "red"\n', ErrorCode.INVALID_INPUT),
    ('amount = "a"\n', ErrorCode.INVALID_INPUT),
    ('date = "d"\n', ErrorCode.INVALID_INPUT),
    ('date = "d"\namount = "a"\ncredit = "c"\n', ErrorCode.INVALID_INPUT),
    ('date = "d\n', ErrorCode.MALFORMED_FILE),
    ('date = "d"\namount = 3\n', ErrorCode.INVALID_INPUT),
])
def test_bad_toml_profiles(toml: str, code: ErrorCode) -> None:
    with pytest.raises(InvalidInput) as caught:
        CsvProfile.from_toml(toml, "icbc.toml")
    assert caught.value.code == code


def test_camt053_001_02() -> None:
    (statement,) = read_statements(fixture("camt053_001_02_oct.xml"), "oct.xml")
    assert statement.statement_id == "WJXC-STMT-2026-10"
    assert statement.bank_account == "6222020200112233"
    assert (statement.first_day, statement.last_day) == (dt.date(2026, 10, 1),
                                                         dt.date(2026, 10, 31))
    assert (statement.opening, statement.closing) == (Money.yuan("1000.00"),
                                                       Money.yuan("1537.50"))
    # The pending entry is not booked, so it is not a line.
    assert [x.reference for x in statement.lines] == ["B2610001", "B2610002", "B2610003",
                                                      "B2610004"]
    parking, ad, repairs, fee = statement.lines
    assert (parking.counterparty, parking.payment_reference, parking.memo) == (
        "卫技新村停车场", "", "停车费")
    assert (ad.payment_reference, ad.value_on) == ("ad-q4", dt.date(2026, 10, 12))
    assert (repairs.amount, repairs.counterparty) == (Money.yuan("-80.00"), "维修公司")
    assert (fee.memo, fee.value_on) == ("手续费", None)


def test_camt053_001_08() -> None:
    (statement,) = read_statements(fixture("camt053_001_08_nov.xml"), "nov.xml")
    assert statement.bank_account == "CN0000WJXC000000000001"
    assert statement.opening == Money.yuan("1537.50")  # PRCD: the previous closing
    (parking,) = statement.lines
    assert (parking.booked_on, parking.counterparty) == (dt.date(2026, 11, 4), "卫技新村停车场")


def _camt(body: str, version: str = "02") -> bytes:
    return (f'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
            f'camt.053.001.{version}"><BkToCstmrStmt>{body}</BkToCstmrStmt></Document>').encode()


BALANCES = ('<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">10.00</Amt>'
            '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-01</Dt></Dt></Bal>'
            '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{close}</Amt>'
            '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-31</Dt></Dt></Bal>')


def _entry(amount: str = "5.00", indicator: str = "CRDT", booked: str = "2026-10-02") -> str:
    return (f'<Ntry><Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f'<Sts>BOOK</Sts><BookgDt><Dt>{booked}</Dt></BookgDt></Ntry>')


@pytest.mark.parametrize(("data", "where", "code"), [
    (b"<Document><unclosed></Document>", "x.xml:1", ErrorCode.MALFORMED_FILE),
    (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<Document/>',
     "x.xml:2", ErrorCode.MALFORMED_FILE),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"/>',
     "field 'Document'", ErrorCode.INVALID_INPUT),
    (_camt("<Stmt><Id>S</Id>" + BALANCES.format(close="15.00") + _entry("5,0.0") + "</Stmt>"),
     "field 'Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt'", ErrorCode.INVALID_AMOUNT),
    (_camt("<Stmt><Id>S</Id>" + BALANCES.format(close="15.00") + _entry(indicator="CR")
           + "</Stmt>"), "Ntry[1]/CdtDbtInd'", ErrorCode.INVALID_INPUT),
    (_camt("<Stmt><Id>S</Id>" + BALANCES.format(close="15.00") + _entry(booked="2026-10-32")
           + "</Stmt>"), "Ntry[1]/BookgDt/Dt'", ErrorCode.INVALID_DATE),
    (_camt("<Stmt><Id>S</Id>" + BALANCES.format(close="16.00") + _entry() + "</Stmt>"),
     "Stmt[1]'", ErrorCode.INVALID_INPUT),
    (_camt("<Stmt><Id>S</Id>" + BALANCES.split("<Bal>", 2)[1].join(["<Bal>", ""])
           + "</Stmt>"), "x.xml", ErrorCode.INVALID_INPUT),
    (_camt(""), "x.xml", ErrorCode.INVALID_INPUT),
])
def test_bad_xml_names_file_line_and_path(data: bytes, where: str, code: ErrorCode) -> None:
    refused(data, code, where, name="x.xml")


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                      for i in range(8))
            + ']><Document>&i;</Document>').encode()
    refused(bomb, ErrorCode.MALFORMED_FILE, name="bomb.xml")


def test_a_statement_that_does_not_add_up_cannot_be_built() -> None:
    lines = [StatementLine(dt.date(2026, 10, 2), Money.yuan("5.00"), source_line=3)]
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Statement("s.csv", "S", Money.yuan("10.00"), Money.yuan("16.00"), lines,
                  dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _statement(*amounts: str, opening: str = "0.00", refs: bool = True,
               first: int = 1) -> Statement:
    lines = [StatementLine(dt.date(2026, 10, first + i), Money.yuan(a),
                           reference=f"R{a}" if refs else "", source_line=i + 2)
             for i, a in enumerate(amounts)]
    closing = Money.yuan(opening) + sum((x.amount for x in lines), Money.zero())
    return Statement("s.csv", "S", Money.yuan(opening), closing, lines, dt.date(2026, 10, 1),
                     dt.date(2026, 10, 31))


def test_line_keys_are_references_or_hashes_and_equal_lines_stay_apart() -> None:
    twice = _statement("5.00", "5.00", refs=False)
    keys = line_keys(twice.lines)
    assert keys[0] != keys[1] or twice.lines[0] != twice.lines[1]
    same_day = [StatementLine(dt.date(2026, 10, 2), Money.yuan("5.00"))] * 2
    first, second = line_keys(same_day)
    assert second == f"{first}#2" and first.startswith("h:")
    assert line_keys(_statement("5.00").lines) == ["r:R5.00"]


def test_continuation_skips_known_lines_and_refuses_gaps() -> None:
    stored = _statement("5.00", "7.00")
    tail = StoredTail(stored.closing, line_keys(stored.lines)[-1], "S", dt.date(2026, 10, 2))
    known = {k: (i, x.booked_on, x.amount) for i, (k, x) in
             enumerate(zip(line_keys(stored.lines), stored.lines, strict=True), start=1)}
    assert plan_continuation(stored, line_keys(stored.lines), known, tail).skip == 2
    overlap = _statement("7.00", "9.00", opening="5.00", first=2)
    plan = plan_continuation(overlap, line_keys(overlap.lines), known, tail)
    assert (plan.skip, plan.opening) == (1, Money.yuan("12.00"))
    after = _statement("9.00", opening="12.00", first=3)
    assert plan_continuation(after, line_keys(after.lines), {}, tail).skip == 0
    gap = _statement("9.00", opening="11.00", first=3)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        plan_continuation(gap, line_keys(gap.lines), {}, tail)


def test_a_known_reference_with_other_content_is_a_conflict() -> None:
    stored = _statement("5.00")
    key = line_keys(stored.lines)[0]
    altered = {key: (1, dt.date(2026, 10, 1), Money.yuan("6.00"))}
    tail = StoredTail(Money.yuan("6.00"), key, "S", dt.date(2026, 10, 1))
    with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        plan_continuation(stored, [key], altered, tail)
