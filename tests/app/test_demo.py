"""`commons demo`: the sample district, here the elevator split of Leshan Shizhong."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from conftest import Invoke

import commons
from commons import Money
from commons.demo import run_demo
from commons.demo.statements import ACCOUNTS_SHEET, statements_step

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

AMOUNT = re.compile(r"(-?¥[\d,]+\.\d\d)\s*$")


def amounts_in(lines: list[str]) -> list[Money]:
    found = [AMOUNT.search(line) for line in lines]
    return [Money.parse(m.group(1)) for m in found if m]


def test_demo_runs_and_its_elevator_split_adds_up(cli: Invoke) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    text = result.stdout
    assert "Elevator retrofit cost split (Leshan Shizhong)" in text
    lines = text.splitlines()
    shares = {m.group(1): Money.parse(m.group(2)) for line in lines
              if (m := re.match(r"\s+(government|elevator-firm|residents)\s+(¥[\d,]+\.\d\d)$",
                                line))}
    assert shares == {"government": Money.parse("200000.00"),
                      "elevator-firm": Money.parse("29000.00"),
                      "residents": Money.parse("351000.00")}
    parts = [line for line in lines if re.match(r"\s+LS-3-\d{3}\s", line)]
    assert len(parts) == 12
    assert sum(amounts_in(parts)) == shares["residents"]
    for line in parts:  # floors 1 and 2 pay nothing
        if re.match(r"\s+LS-3-[12]0", line):
            assert amounts_in([line]) == [Money(0)]
        else:
            assert amounts_in([line])[0] > Money(0)
    assert "check: 12 parts sum to ¥351,000.00" in text


def test_demo_json(cli: Invoke) -> None:
    result = cli("--json", "demo")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    steps = {step["topic"]: step for step in data["steps"]}
    assert "split" in steps
    assert all(set(step) >= {"topic", "title", "lines"} for step in data["steps"])
    assert all(isinstance(line, str) for line in steps["split"]["lines"])
    # The three shares (580,000.00) and the twelve parts (the residents' 351,000.00); the last
    # line is the check sum.
    assert len(amounts_in(steps["split"]["lines"][:-1])) == 3 + 12
    assert sum(amounts_in(steps["split"]["lines"][:-1])) == Money.parse("931000.00")
    # 江西路171号院's firm: one repair answered late and one complaint in four call-outs take
    # 2.50 + 5.00 points off its weighted 90.20 (92, 88, 90 weighted 40/30/30).
    market = "\n".join(steps["market"]["lines"])
    assert "weighted score 90.20 of 100; 4 call-outs, 3 of 4 within service levels" in market
    assert "takes off 7.50 points: score 82.70" in market
    # The canteen's December: the resident paid 2.00 of the 7.10 + 2.00 share in points, which
    # the settlement shows apart from the yuan, and the sponsor fund pays.
    points = "\n".join(steps["points"]["lines"])
    assert "residents paid ¥7.10 in yuan and ¥2.00 in points" in points
    assert "the sponsor fund paid the points' ¥2.00, ¥1,998.00 left" in points


def test_demo_through_the_library(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db") as books:
        report = run_demo(books)
    split = report.elevator_split
    assert split.total == Money.parse("580000.00")
    assert sum(s.amount for s in split.shares) == split.total
    assert sum(p.amount for p in split.parts) == split.shares[-1].amount
    floor = {p.id: int(p.id[5]) for p in split.parts}
    paying = sorted((p for p in split.parts if floor[p.id] >= 3), key=lambda p: p.weight)
    assert all(a.amount <= b.amount for a, b in itertools.pairwise(paying))


def test_the_demo_reconciles_a_wechat_pay_bill_of_parking_takings(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db") as books:
        run_demo(books)
        report = books.reconcile.report(account="assets:wallet:wechat:wjxc", period="2026-10")
        lines = books.reconcile.lines(account="assets:wallet:wechat:wjxc", unmatched=True)
    assert report.reconciled and report.bank_balance_computed
    assert report.bank_balance == Money.parse("45.00")
    assert lines == []


def test_the_demo_reconciles_a_boc_web_export_as_the_bank_saves_it(tmp_path: Path) -> None:
    """Ziyuan 1's quarter from Bank of China's web export: UTF-16 with tabs, read without a
    profile named, its interest listed as a bank credit not in the books."""
    with commons.connect(tmp_path / "demo.db") as books:
        (step,) = [s for s in run_demo(books).steps if s.topic == "boc-web"]
        report = books.reconcile.report(account="assets:bank:co-managed:zy-1", period="2026-12")
        unmatched = books.reconcile.lines(account="assets:bank:co-managed:zy-1", unmatched=True)
    assert "read as csv:boc-web" in " ".join(step.lines)
    assert report.reconciled and not report.bank_balance_computed
    assert [(i.amount, i.description) for i in report.bank_not_in_books] == [
        (Money.parse("0.62"), "结息")]
    assert [x.amount for x in unmatched] == [Money.parse("0.62")]


def test_the_demo_writes_the_account_list_a_spreadsheet_reads(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    with commons.connect(tmp_path / "demo.db") as books:
        run_demo(books)  # on a server's book its folder is a temporary one: write it again
        step = statements_step(books, tmp_path)
        listed = books.ledger.accounts(compound="wjxc")
    assert ACCOUNTS_SHEET in "\n".join(step.lines)
    rows = list(openpyxl.load_workbook(tmp_path / ACCOUNTS_SHEET).active.values)
    assert rows[0][0] == "科目"
    assert [r[0] for r in rows[1:]] == [a.name for a in listed]
