"""The demo's reconciliation step: Weiji Xincun's October against a statement the demo writes.

The statement is the bank's view of the month the ledger step posted, in the Chinese layout and
GBK-encoded as Chinese banks export it. The bank saw the books' receipts and payments a day or
so apart from the books' dates, banked the first weekend's two days of parking takings as one
deposit, never saw the greening bill the books posted twice and reversed, and took an account
fee the books have not booked yet: the 余额调节表 lists that fee and still agrees to the fen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from commons.api.ledger import LedgerUseCases, TrailLine
from commons.api.reconcile import ReconcileUseCases
from commons.money import Money

if TYPE_CHECKING:
    from commons.api.demo import DemoStep

__all__ = ["reconcile_step", "wjxc_statement_csv"]

BANK = "assets:bank:co-managed:wjxc"
STATEMENT_NAME = "wjxc-2026-10-statement.csv"
HEADER = "交易日期,收入金额,支出金额,余额,对方户名,摘要,备注,交易流水号"
BATCHED = ("wjxc-tidal-03", "wjxc-tidal-04")  # a weekend's takings, banked on Monday the 5th
FEE = Money.parse("-20.00")  # the bank's account fee, not yet in the books
# What the bank prints for each kind of entry: counterparty (对方户名) and memo (摘要).
_BANK_TEXT = {"wjxc-open": ("卫技新村原物业账户", "开户转入"),
              "wjxc-tidal": ("潮汐停车 医院访客", "停车费"),
              "wjxc-ad": ("电梯广告公司", "广告费 第四季度"), "wjxc-clean": ("保洁公司", "保洁费"),
              "wjxc-green": ("绿化公司", "绿化费"), "wjxc-fee": ("", "手续费")}


def _bank_day(line: TrailLine) -> dt.date:
    """When the bank booked what the books dated ``line.date``: the advertiser's transfer and
    the firms' payments a day later, everything else the same day, never past the 31st."""
    day = dt.date.fromisoformat(line.date)
    late = line.external_id.startswith(("wjxc-ad", "wjxc-clean", "wjxc-green"))
    return min(day + dt.timedelta(days=1 if late else 0), dt.date(2026, 10, 31))


def wjxc_statement_csv(trail: tuple[TrailLine, ...]) -> str:
    """The bank's October statement of the co-managed account, from the books' trail."""
    reversed_ids = {t.reverses for t in trail if t.reverses is not None}
    moves: list[tuple[dt.date, Money, str, str, str]] = []
    batch = Money.zero()
    for t in trail:
        if t.reverses is not None or t.entry_id in reversed_ids:
            continue  # posted twice and reversed: the bank never saw either
        if t.external_id in BATCHED:
            batch = batch + t.amount
            continue
        party, memo = next((v for k, v in _BANK_TEXT.items() if t.external_id.startswith(k)),
                           ("", t.memo))
        # The advertiser writes the invoice's id on its transfer; others write nothing.
        remark = t.external_id if t.external_id.startswith("wjxc-ad") else ""
        moves.append((_bank_day(t), t.amount, party, memo, remark))
    moves.append((dt.date(2026, 10, 5), batch, "潮汐停车 医院访客", "周末停车费合并存入", ""))
    moves.append((dt.date(2026, 10, 31), FEE, "", "账户管理费", ""))
    moves.sort(key=lambda m: m[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    balance = Money.zero()
    for number, (day, amount, party, memo, remark) in enumerate(moves, start=1):
        balance = balance + amount
        credit = amount.format() if amount.fen > 0 else ""
        debit = (-amount).format() if amount.fen < 0 else ""
        writer.writerow((f"{day:%Y/%m/%d}", credit, debit, balance.format(), party, memo, remark,
                         f"WJXC2610{number:04d}"))
    return out.getvalue()


def _statement_path(path: str, folder: str) -> Path:
    return (Path(folder) if path == ":memory:" else Path(path).resolve().parent) / STATEMENT_NAME


def reconcile_step(books: ReconcileUseCases) -> DemoStep:
    """Write the statement, import it (twice: the second adds nothing), match, report."""
    from commons.api.demo import DemoStep  # noqa: PLC0415 - demo.py imports this module

    assert isinstance(books, LedgerUseCases)
    trail = books.ledger_trail(BANK, limit=1000)
    with tempfile.TemporaryDirectory() as folder:
        statement = _statement_path(books.path, folder)
        statement.write_bytes(wjxc_statement_csv(trail).encode("gbk"))
        first = books.reconcile_import(statement, account=BANK)
        again = books.reconcile_import(statement, account=BANK)
    run = books.reconcile_run(account=BANK, period="2026-10")
    report = books.reconcile_report(account=BANK, period="2026-10")
    kinds = ", ".join(f"{n} {kind}" for kind, n in run.by_kind().items() if n)
    lines = [
        "Seed 002: the co-managed account's statement is checked against the books every",
        "month. The bank's October statement (GBK, the Chinese layout) is written to",
        f"{STATEMENT_NAME} and imported: {first.added} lines; importing it again adds "
        f"{again.added}.",
        f"  matched {len(run.matches)} ({kinds}). The weekend's two takings, banked",
        "  as one deposit, matched both postings; the greening bill posted twice and reversed",
        "  cancels in the books, and the bank never saw it.",
        "",
        f"  {'book balance':<34} {report.book_balance.format_symbol():>13}  企业账面余额",
    ]
    lines += [f"    bank charge not in the books: {i.date} {i.description} "
              f"{i.amount.format_symbol()}" for i in report.bank_charges]
    lines += [
        f"  {'adjusted book balance':<34} {report.adjusted_book_balance.format_symbol():>13}",
        f"  {'bank balance':<34} {report.bank_balance.format_symbol():>13}  银行对账单余额",
        f"  {'adjusted bank balance':<34} {report.adjusted_bank_balance.format_symbol():>13}",
        f"  {'reconciled' if report.reconciled else 'NOT reconciled'}: difference "
        f"{report.difference.format_symbol()} (银行存款余额调节表: commons reconcile report)",
    ]
    return DemoStep("reconcile", "Bank reconciliation of Weiji Xincun's October (seed 002)",
                    tuple(lines))
