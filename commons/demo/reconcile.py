"""The demo's reconciliation step: Weiji Xincun's September against a statement the demo writes.

The statement is the bank's view of the month the ledger step posted, in the Chinese layout and
GBK-encoded as Chinese banks export it. It opens with the balance the clear duty verified. The
bank saw the books' receipts and payments a day or so apart from the books' dates, banked the
first weekend's two days of parking takings as one deposit, never saw the greening bill the
books posted twice and reversed, and took an account fee the books have not booked yet: the
余额调节表 lists that fee and still agrees to the fen. The month is then closed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import TrailLine
from commons.demo.base import WJXC, DemoStep, write_file
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["reconcile_step", "wjxc_statement_csv"]

BANK = "assets:bank:co-managed:wjxc"
PERIOD = "2026-09"
FIRST, LAST = dt.date(2026, 9, 1), dt.date(2026, 9, 30)
STATEMENT_NAME = f"wjxc-{PERIOD}-statement.csv"
HEADER = "交易日期,收入金额,支出金额,余额,对方户名,摘要,备注,交易流水号"
BATCHED = ("wjxc-tidal-2609-05", "wjxc-tidal-2609-06")  # a weekend, banked on Monday the 7th
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
    return min(day + dt.timedelta(days=1 if late else 0), LAST)


def wjxc_statement_csv(trail: tuple[TrailLine, ...]) -> str:
    """The bank's September statement of the co-managed account, from the books' trail: it
    opens with what the books held before the month."""
    reversed_ids = {t.reverses for t in trail if t.reverses is not None}
    moves: list[tuple[dt.date, Money, str, str, str]] = []
    batch = opening = Money.zero()
    for t in trail:
        day = dt.date.fromisoformat(t.date)
        if day < FIRST:
            opening = opening + t.amount
            continue
        if day > LAST:
            continue
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
    moves.append((dt.date(2026, 9, 7), batch, "潮汐停车 医院访客", "周末停车费合并存入", ""))
    moves.append((LAST, FEE, "", "账户管理费", ""))
    moves.sort(key=lambda m: m[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    balance = opening
    for number, (day, amount, party, memo, remark) in enumerate(moves, start=1):
        balance = balance + amount
        credit = amount.format() if amount.fen > 0 else ""
        debit = (-amount).format() if amount.fen < 0 else ""
        writer.writerow((f"{day:%Y/%m/%d}", credit, debit, balance.format(), party, memo, remark,
                         f"WJXC2609{number:04d}"))
    return out.getvalue()


def reconcile_step(books: Books, folder: Path) -> DemoStep:
    """The month's end: write the statement, import it (twice: the second adds nothing),
    match and report; set aside the quarter's maintenance share; close the month."""
    trail = books.ledger.trail(BANK, limit=1000)
    statement = write_file(folder, STATEMENT_NAME, wjxc_statement_csv(trail).encode("gbk"))
    first = books.reconcile.import_statement(statement, account=BANK)
    again = books.reconcile.import_statement(statement, account=BANK)
    run = books.reconcile.run(account=BANK, period=PERIOD)
    report = books.reconcile.report(account=BANK, period=PERIOD)
    set_aside = books.revenue.set_aside(WJXC, "2026-Q3")
    closed = books.ledger.close_period(PERIOD)
    kinds = ", ".join(f"{n} {kind}" for kind, n in run.by_kind().items() if n)
    lines = [
        "Qingdao Laoshan's five duties: the co-managed account's statement is checked",
        "against the books every month. The bank's September statement (GBK, the Chinese",
        f"layout) is written to {STATEMENT_NAME} and imported: {first.added} lines;",
        f"importing it again adds {again.added}.",
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
        f"  the quarter's maintenance share, {set_aside.due.set_aside.format_symbol()}, is set "
        f"aside; {PERIOD} is closed{'' if closed.newly_closed else ' (it already was)'}: "
        "entries dated in it are refused from now on",
    ]
    return DemoStep("reconcile", "Bank reconciliation of Weiji Xincun's September (Qingdao "
                    "Laoshan's five duties)", tuple(lines))
