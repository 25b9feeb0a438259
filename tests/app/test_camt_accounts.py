"""camt.053 as real banks write it: dates with an offset, a balance without its indicator, an
entry without a booking date or status (each assumed and said), statements of several accounts
in one file (only the named account's imported), another account's or currency's statement
refused by name, never as a balance gap."""

from __future__ import annotations

from pathlib import Path

import pytest

import commons
from commons import FixedClock, InvalidInput, Money, RefusedByRule
from commons.app import Books
from commons.io.bank_formats import read_statements

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

BANK = "assets:bank:co-managed:wjxc"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:'
        'xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>')


def stmt(ident: str, account: str, *, currency: str = "CNY", opening: str = "100.00",
         indicator: bool = True, entry: str | None = None) -> str:
    cdt = "<CdtDbtInd>CRDT</CdtDbtInd>" if indicator else ""
    amount = f'<Amt Ccy="{currency}">'
    entry = entry if entry is not None else (
        f"<Ntry>{amount}5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        "<BookgDt><Dt>2017-04-02+02:00</Dt></BookgDt><AcctSvcrRef>R-" + ident + "</AcctSvcrRef>"
        "</Ntry>")
    closing = f"{float(opening) + 5:.2f}"
    return (f"<Stmt><Id>{ident}</Id><Acct><Id><IBAN>{account}</IBAN></Id></Acct>"
            f"<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>{amount}{opening}</Amt>{cdt}"
            "<Dt><Dt>2017-04-01+02:00</Dt></Dt></Bal>"
            f"<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>{amount}{closing}</Amt>{cdt}"
            "<Dt><Dt>2017-04-30-05:00</Dt></Dt></Bal>"
            f"{entry}</Stmt>")


def document(*stmts: str) -> bytes:
    return (HEAD + "".join(stmts) + "</BkToCstmrStmt></Document>").encode()


@pytest.fixture
def books(tmp_path: Path) -> Books:
    books = commons.connect(tmp_path / "b.db", clock=FixedClock.parse("2026-12-01T09:00:00"),
                            actor="test")
    books.ledger.chart("wjxc")
    return books


def write(tmp_path: Path, data: bytes, name: str = "s.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_offsets_and_silent_elements_are_read_and_said() -> None:
    entry = ('<Ntry><Amt Ccy="CNY">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
             "<ValDt><Dt>2017-04-03+02:00</Dt></ValDt></Ntry>")
    (statement,) = read_statements(document(stmt("S1", "CH93", indicator=False, entry=entry)),
                                   "s.xml")
    assert statement.opening == Money.yuan("100.00")
    assert statement.lines[0].booked_on.isoformat() == "2017-04-03"
    assert statement.last_day.isoformat() == "2017-04-30"
    assert set(statement.notes) == {"Bal without CdtDbtInd read as a credit balance (2x)",
                                    "Ntry without BookgDt booked on its ValDt",
                                    "Ntry without Sts counted as booked"}
    (plain,) = read_statements(document(stmt("S1", "CH93")), "s.xml")
    assert plain.notes == ()
    assert plain.lines[0].booked_on.isoformat() == "2017-04-02"


def test_the_import_says_what_it_assumed(books: Books, tmp_path: Path) -> None:
    done = books.reconcile.import_statement(
        write(tmp_path, document(stmt("S1", "CH93", indicator=False))), account=BANK)
    assert done.statements[0].notes == ("Bal without CdtDbtInd read as a credit balance (2x)",)


def test_a_file_of_two_accounts_imports_only_the_named_one(books: Books, tmp_path: Path) -> None:
    path = write(tmp_path, document(stmt("A1", "CH93 0000 1"), stmt("B1", "DE89", opening="7.00")))
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(path, account=BANK)
    assert caught.value.field == "account"
    books.reconcile.set_account(BANK, number="ch9300001")
    done = books.reconcile.import_statement(path, account=BANK)
    assert [s.statement_id for s in done.statements] == ["A1"]
    assert done.added == 1


def test_another_accounts_statement_is_refused_as_such_not_as_a_gap(books: Books,
                                                                    tmp_path: Path) -> None:
    books.reconcile.set_account(BANK, number="CH93")
    books.reconcile.import_statement(write(tmp_path, document(stmt("A1", "CH93"))), account=BANK)
    with pytest.raises(RefusedByRule) as caught:
        books.reconcile.import_statement(
            write(tmp_path, document(stmt("B1", "DE89", opening="7.00")), "b.xml"),
            account=BANK)
    assert "another account: DE89" in str(caught.value)
    assert (caught.value.file, caught.value.field) == (str(tmp_path / "b.xml"), "account")


def test_another_currency_is_refused_naming_the_file_and_both(books: Books,
                                                             tmp_path: Path) -> None:
    books.reconcile.import_statement(write(tmp_path, document(stmt("A1", "CH93"))), account=BANK)
    path = write(tmp_path, document(stmt("E1", "CH93", currency="EUR", opening="105.00")),
                 "e.xml")
    with pytest.raises(InvalidInput) as caught:
        books.reconcile.import_statement(path, account=BANK)
    assert (caught.value.file, caught.value.field) == (str(path), "currency")
    assert "EUR" in str(caught.value) and "CNY" in str(caught.value)
    books.reconcile.set_account(BANK, number="CH93", currency="USD")
    with pytest.raises(InvalidInput) as recorded:
        books.reconcile.import_statement(path, account=BANK)
    assert "USD" in str(recorded.value) and "EUR" in str(recorded.value)
    # Found by hand: the fix said "record its currency" without saying how.
    assert "--number CH93 --currency EUR" in (recorded.value.fix or "")
    assert "--currency" not in (caught.value.fix or "")  # history, not a record, says CNY
