"""Numbers too long to be amounts or ids, and keys given twice, are refused before conversion.

Python's int() refuses more than 4,300 digits with a ValueError; each of these inputs once ended
in that traceback (or, for a repeated key, quietly kept the last value).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Invoke, ok, refused
from ledger_helpers import BANK, PARKING, record, write_jsonl

from commons.errors import ErrorCode

DIGITS = "9" * 5000
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def chart(cli: Invoke) -> None:
    ok(cli("ledger", "chart", "wjxc"))


def _excerpt_only(stderr: str) -> None:
    assert DIGITS[:100] not in stderr, "the whole value was echoed"


@pytest.mark.usefixtures("chart")
def test_a_journal_amount_of_5000_digits(cli: Invoke, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "j.jsonl", [
        {**record("x", "2026-01-05", [(BANK, 100), (PARKING, -100)]),
         "postings": [{"account": BANK, "amount": f"{DIGITS}.00"},
                      {"account": PARKING, "amount": "-1.00"}]}])
    stderr = refused(cli("ledger", "post", path), ErrorCode.INVALID_AMOUNT, "j.jsonl:1",
                     "postings[0].amount")
    _excerpt_only(stderr)


@pytest.mark.usefixtures("chart")
def test_a_journal_integer_of_5000_digits(cli: Invoke, tmp_path: Path) -> None:
    line = json.dumps(record("x", "2026-01-05", [(BANK, 100), (PARKING, -100)]))
    path = write_jsonl(tmp_path / "j.jsonl", [line[:-1] + f', "reverses": {DIGITS}}}'])
    stderr = refused(cli("ledger", "post", path), ErrorCode.INVALID_INPUT, "j.jsonl:1",
                     "field 'reverses'", "5,000 digits")
    _excerpt_only(stderr)


@pytest.mark.usefixtures("chart")
def test_a_bank_csv_amount_of_5000_digits(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(f"date,amount\n2026-01-05,1.00\n2026-01-06,{DIGITS}\n", encoding="utf-8")
    stderr = refused(cli("reconcile", "import", path, "--account", BANK),
                     ErrorCode.INVALID_AMOUNT, "s.csv:3", "field 'amount'")
    _excerpt_only(stderr)


@pytest.mark.usefixtures("chart")
def test_a_revenue_csv_amount_of_5000_digits(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("external_id,date,compound,resource,period,amount,payer,memo\n"
                    f"r1,2026-01-05,wjxc,wjxc-p1,2026-01,{DIGITS},,\n", encoding="utf-8")
    stderr = refused(cli("revenue", "collect", path), ErrorCode.INVALID_AMOUNT, "in.csv:2",
                     "field 'amount'")
    _excerpt_only(stderr)


@pytest.mark.usefixtures("chart")
def test_a_camt053_amount_of_5000_digits(cli: Invoke, tmp_path: Path) -> None:
    xml = (FIXTURES / "camt053_001_08_nov.xml").read_text(encoding="utf-8")
    path = tmp_path / "s.xml"
    path.write_text(xml.replace(">300.00<", f">{DIGITS}.00<"), encoding="utf-8")
    stderr = refused(cli("reconcile", "import", path, "--account", BANK),
                     ErrorCode.MALFORMED_FILE, "s.xml:32", "Ntry[1]/Amt")
    _excerpt_only(stderr)


@pytest.mark.usefixtures("chart")
def test_a_key_given_twice_in_a_journal_object_is_refused(cli: Invoke, tmp_path: Path) -> None:
    line = json.dumps(record("first", "2026-01-05", [(BANK, 100), (PARKING, -100)]))
    path = write_jsonl(tmp_path / "j.jsonl", [line[:-1] + ', "external_id": "second"}'])
    refused(cli("ledger", "post", path), ErrorCode.MALFORMED_FILE, "j.jsonl:1",
            "field 'external_id'")
    ok(cli("ledger", "post", write_jsonl(tmp_path / "k.jsonl", [line])))
