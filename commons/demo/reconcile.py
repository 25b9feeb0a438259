"""The demo's reconciliation step: Weiji Xincun's September against a statement the demo writes.

The statement is the bank's view of the month the ledger step posted, in the Chinese layout and
GBK-encoded as Chinese banks export it. It opens with the balance the clear duty verified. The
bank saw the books' receipts and payments a day or so apart from the books' dates, banked the
first weekend's two days of parking takings as one deposit, never saw the greening bill the
books posted twice and reversed, and took an account fee the books have not booked yet: the
余额调节表 lists that fee and still agrees to the fen. The month is then closed. Weiji Xincun's
WeChat Pay wallet is reconciled with its bill, and Ziyuan 1's co-managed account, kept at the
Bank of China, with the quarter's web export as the bank saves it (UTF-16, tab-separated).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import TrailLine
from commons.demo.base import WJXC, DemoStep, write_file
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["boc_web_export", "boc_web_step", "reconcile_step", "wallet_step", "wechat_bill_csv",
           "wjxc_statement_csv"]

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


WALLET = f"assets:wallet:wechat:{WJXC}"
WALLET_BILL_NAME = "wjxc-2026-10-wechat.csv"
# October's parking takings paid by QR code into the compound's WeChat Pay wallet: day, yuan.
_QR_TAKINGS = ((3, "10.00"), (11, "15.00"), (24, "20.00"))
_WECHAT_PREAMBLE = (
    "微信支付账单明细", "微信昵称：[卫技新村停车]",
    "起始时间：[2026-10-01 00:00:00] 终止时间：[2026-10-31 23:59:59]", "导出类型：[全部]", "",
    f"共{len(_QR_TAKINGS)}笔记录", "----------------------微信支付账单明细列表--------------------")


def wechat_bill_csv() -> str:
    """The wallet's October bill as WeChat Pay exports it: a preamble, then the newest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _WECHAT_PREAMBLE:
        writer.writerow((line, *[""] * 10))
    writer.writerow(("交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式",
                     "当前状态", "交易单号", "商户单号", "备注"))
    for day, yuan in reversed(_QR_TAKINGS):
        writer.writerow((f"2026-10-{day:02d} 08:30:00", "二维码收款", "访客", "停车费", "收入",
                         f"¥{yuan}", "/", "已收钱", f"10000500012026100{day:02d}0001\t", "/",
                         "/"))
    return out.getvalue()


def wallet_step(books: Books, folder: Path) -> DemoStep:
    """Parking takings paid into the compound's WeChat Pay wallet: the books' entries, the
    wallet's bill (no balance column: imported with its opening) and the 调节表."""
    books.ledger.open(WALLET, compound=WJXC, opened_on=dt.date(2026, 10, 1),
                      description="the compound's WeChat Pay wallet (微信支付)")
    journal = write_file(folder, "wjxc-2026-10-wechat.jsonl", "".join(
        json.dumps({"date": f"2026-10-{day:02d}", "memo": "停车费 二维码收款",
                    "external_id": f"wjxc-wechat-2026-10-{day:02d}", "compound": WJXC,
                    "postings": [{"account": WALLET, "amount": yuan},
                                 {"account": f"income:parking:{WJXC}", "amount": f"-{yuan}"}]},
                   ensure_ascii=False) + "\n" for day, yuan in _QR_TAKINGS))
    books.ledger.post(journal)
    bill = write_file(folder, WALLET_BILL_NAME, wechat_bill_csv().encode("utf-8-sig"))
    done = books.reconcile.import_statement(bill, account=WALLET, opening="0.00")
    # A signed window (book date minus the wallet's date): the takings are booked the day they
    # arrive or the day before, never after, in every kind of match.
    run = books.reconcile.run(account=WALLET, period="2026-10", window_days="-1:0")
    report = books.reconcile.report(account=WALLET, period="2026-10")
    return DemoStep("wallet", "Parking takings in the WeChat Pay wallet, reconciled", (
        f"The wallet's October bill is written to {WALLET_BILL_NAME} and imported into "
        f"{WALLET}",
        f"  read as {done.format}, opening 0.00 (a wallet bill has no balances): "
        f"{done.added} lines; matched {len(run.matches)} within --window-days "
        f"{run.window_days} (booked that day or the day before)",
        f"  book balance {report.book_balance.format_symbol()}, bank balance "
        f"{report.bank_balance.format_symbol()} (computed): "
        f"{'reconciled' if report.reconciled else 'NOT reconciled'}"))


BOC_ACCOUNT = "assets:bank:co-managed:zy-1"
BOC_EXPORT_NAME = "zy-1-2026-q4-boc-web.csv"
BOC_INTEREST = Money.parse("0.62")  # the quarter's interest the bank paid, not in the books yet
_BOC_PREAMBLE = (("中国银行 交易明细",), ("账号", "6217****3167"), ("户名", "梓园1栋业主委员会"),
                 ("查询区间", "2026/10/01-2026/12/31"), ())


def boc_web_export(trail: tuple[TrailLine, ...]) -> bytes:
    """Ziyuan 1's fourth quarter as Bank of China's web banking exports it: UTF-16 text with
    tabs, the account above the header and 合计 below; the bank also paid interest and printed
    its 利息税 of 0.00, a row the import skips."""
    moves = [(dt.date.fromisoformat(t.date), t.amount, "梓园停车管理", t.memo) for t in trail
             if t.date >= "2026-10-01"]
    moves += [(dt.date(2026, 12, 21), BOC_INTEREST, "", "结息"),
              (dt.date(2026, 12, 21), Money.zero(), "", "利息税")]
    balance = sum((t.amount for t in trail if t.date < "2026-10-01"), Money.zero())
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerows(_BOC_PREAMBLE)
    writer.writerow(("交易日期", "收入金额", "支出金额", "余额", "对方账户名称", "附言",
                     "网点名称"))
    for day, amount, party, memo in moves:
        balance = balance + amount
        writer.writerow((f"{day:%Y/%m/%d}", amount.format() if amount.fen >= 0 else "",
                         (-amount).format() if amount.fen < 0 else "", balance.format(), party,
                         memo, "中国银行长沙侯家塘支行"))
    income = sum((m[1] for m in moves if m[1].fen > 0), Money.zero())
    writer.writerows(((), ("合计", income.format(), "0.00")))
    return out.getvalue().encode("utf-16")


def boc_web_step(books: Books, folder: Path) -> DemoStep:
    """Ziyuan 1's quarter at the Bank of China: the web export written as the bank saves it,
    imported without naming its layout, matched month by month and reported."""
    export = write_file(folder, BOC_EXPORT_NAME,
                        boc_web_export(books.ledger.trail(BOC_ACCOUNT, limit=1000)))
    done = books.reconcile.import_statement(export, account=BOC_ACCOUNT)
    matched = sum(len(books.reconcile.run(account=BOC_ACCOUNT, period=f"2026-{m}").matches)
                  for m in ("10", "11", "12"))
    report = books.reconcile.report(account=BOC_ACCOUNT, period="2026-12")
    skipped = "; ".join(f"line {x.source_line} skipped: {x.reason}"
                        for s in done.statements for x in s.skipped)
    return DemoStep("boc-web", "Ziyuan 1's quarter from Bank of China's web export", (
        "Ziyuan 1 keeps its co-managed account at the Bank of China. The quarter's web export,",
        f"UTF-16 with tabs as the bank saves it, is written to {BOC_EXPORT_NAME} and imported",
        f"as it is: read as {done.format}, {done.added} lines ({skipped})",
        f"  matched {matched}; the bank's interest "
        f"{BOC_INTEREST.format_symbol()} is not in the books yet, so the 调节表 lists it:",
        f"  book balance {report.book_balance.format_symbol()}, bank balance "
        f"{report.bank_balance.format_symbol()}: "
        f"{'reconciled' if report.reconciled else 'NOT reconciled'}"))
