"""The five duties in the demo (Qingdao Laoshan's practice, in Changsha Yuhua): Ziyuan
community's micro-compounds bundled to one firm and the self-managed Weiji Xincun clear their
resources and opening balances, collect a quarter of income, set aside the maintenance share,
vote a cleaning subsidy from public revenue and pay it with two sign-offs, while the firm alone
is refused. Runs again as a no-op.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from commons.demo.base import OWNERS, WJXC, ZIYUAN, DemoStep, write_file
from commons.errors import NotFound, RefusedByRule

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["CLEANING", "INCOME_NAME", "clear_step", "collect_step", "set_aside_step", "use_step"]

FIRM = "hj-property"  # the one firm the bundle is contracted to
FIRM_NAME = "华景物业服务有限公司"
INCOME_NAME = "income-2026q4.csv"
INCOME = ["external_id,date,compound,resource,period,amount,payer,memo"] + [
    f"{c}-p-{m}," f"2026-{m}-28,{c},{c}-p1,2026-{m},{yuan},,parking"
    for c, yuan in (("zy-1", "620.00"), ("zy-3", "455.50")) for m in ("10", "11", "12")] + [
    "zy-2-ad-q4,2026-10-10,zy-2,zy-2-ad1,2026-10,1800.00,楼宇广告公司,Q4",
    f"{WJXC}-ad-q4,2026-10-08,{WJXC},{WJXC}-ad1,2026-10,4500.00,电梯广告,Q4",
    *[f"{WJXC}-room-{m},2026-{m}-05,{WJXC},{WJXC}-room,2026-{m},800.00,社区老年食堂,580 room"
      for m in ("10", "11", "12")]]
CLEANING = "wjxc-clean-subsidy-2026q4"
BOOKS_START = dt.date(2026, 8, 31)


def clear_step(api: Books) -> DemoStep:
    """清: sharing rules, every resource and each compound's verified opening balance."""
    for c in ZIYUAN:
        api.revenue.rule(c, commission_percent="10", max_commission_percent="15",
                         effective_from=dt.date(2026, 7, 1))
    lines = ["Qingdao Laoshan's five duties, 清: before commons keeps the books, each",
             "compound's revenue points are inventoried and its co-managed account's opening",
             "balance verified. Ziyuan's firm runs the points for a 10% commission (capped at",
             "15%).", ""]
    for c in (*ZIYUAN, WJXC):
        report = api.revenue.clear(c, as_of=BOOKS_START,
                                   opening="18650.00" if c == WJXC else "0.00")
        opening = report.opening.format_symbol() if report.opening is not None else "-"
        lines.append(f"  {c:<5} {len(report.resources):>2} resources, opening balance "
                     f"{opening:>11} ({report.opening_status})")
    return DemoStep("clear", "Clear: resources and opening balances (Qingdao Laoshan's five "
                    "duties)", tuple(lines))


def collect_step(api: Books, folder: Path) -> DemoStep:
    """收: a quarter's income from a CSV file, split by each compound's sharing rule."""
    summary = api.revenue.collect(write_file(folder, INCOME_NAME, "\n".join(INCOME) + "\n"))
    lines = ["Qingdao Laoshan's five duties, 收: every income goes into its compound's",
             f"co-managed account against its resource and period ({INCOME_NAME}), split to",
             "the fen by the sharing rule.", "",
             f"  collected Q4 2026: {summary.posted} incomes posted, "
             f"{summary.already_recorded} already recorded; income "
             f"{summary.income.format_symbol()}, the firm's 10% commission "
             f"{summary.commission.format_symbol()}"]
    return DemoStep("collect", "Collect a quarter of public revenue (Qingdao Laoshan's five "
                    "duties)", tuple(lines))


def set_aside_step(api: Books) -> DemoStep:
    """Quarter end: the maintenance fund's share, and the clear duty's year in review."""
    lines = ["At the quarter's end at least half of the net public revenue is set aside into",
             "the maintenance fund (维修资金); then Weiji Xincun's resources are cleared again.",
             ""]
    for c in (*ZIYUAN, WJXC):
        done = api.revenue.set_aside(c, "2026-Q4")
        lines.append(f"  {c:<5} net {done.due.net.format_symbol():>12}, set aside "
                     f"{done.due.set_aside.format_symbol():>11} ({done.due.percent}%) into the "
                     "maintenance fund")
    report = api.revenue.clear(WJXC, as_of=dt.date(2026, 12, 31))
    lines.append(f"  Weiji Xincun earned {report.earned.format_symbol()} in the year; idle: "
                 f"{', '.join(r.resource for r in report.idle) or 'none'}; income naming no "
                 f"resource: {report.unattributed_total.format_symbol()}")
    return DemoStep("collect", "Quarter end: the maintenance fund, and clear again",
                    tuple(lines))


def _signers(api: Books) -> list[str]:
    lines = []
    try:
        api.revenue.account_holder("zy-1", FIRM, role="firm")
    except RefusedByRule as e:
        lines.append(f"  refused: {e.what}")
    for c in ZIYUAN:
        api.revenue.account_holder(c, "ziyuan-community", role="community")
        api.revenue.add_signer(c, "ziyuan-community", role="community",
                               name="梓园社区居民委员会")
        api.revenue.add_signer(c, FIRM, role="firm", name=FIRM_NAME)
    api.revenue.account_holder(WJXC, "wjxc-smc", role="self-management-committee")
    api.revenue.add_signer(WJXC, "wjxc-smc", role="self-management-committee",
                           name="卫技新村居民自治委员会")
    api.revenue.add_signer(WJXC, "yuhua-community", role="community",
                           name="砂子塘社区居民委员会")
    return lines


def _resolution(api: Books, rid: str, scope: str, title: str,
                votes: list[tuple[str, str]]) -> None:
    try:
        api.resolutions.show(rid)
        return  # voted in an earlier run
    except NotFound:
        pass
    api.resolutions.propose(rid, matter="use-public-revenue", scope=scope, title=title)
    for step in ("discussed", "consulted", "drafted"):
        api.resolutions.advance(rid, step)
    for owner, choice in votes:
        api.resolutions.vote(rid, owner=owner, choice=choice)
    api.resolutions.resolve(rid)


def _approve_and_pay(api: Books, sid: str, signers: list[str]) -> list[str]:
    """Approve with ``signers`` and pay; each refusal is shown, with why."""
    lines = []
    for signer in signers:
        if api.revenue.show(sid).disbursement is not None:
            break
        try:
            api.revenue.approve(sid, signer=signer)
            lines.append(f"  {signer} approves {sid}")
        except RefusedByRule as e:
            lines.append(f"  refused: {e.what}")
    status = api.revenue.show(sid)
    if status.disbursement is None:
        try:
            paid = api.revenue.disburse(sid, date=dt.date(2026, 12, 31))
            lines.append(f"  paid as entry {paid.entry_id} under {paid.authority.kind} "
                         f"{paid.authority.resolution or paid.authority.signer}")
        except RefusedByRule as e:
            lines.append(f"  refused: {e.what}")
    return lines


def use_step(api: Books) -> DemoStep:
    """管、用: signers and holders, a resolution, two sign-offs, a payment; the firm refused."""
    lines = ["The account is never held by the firm, and money moves only with an authority",
             "and two sign-offs of different roles, one of them the owners' side (管、用).", ""]
    lines += _signers(api)
    _resolution(api, "wjxc-r-cleaning", "compound:wjxc",
                "关于使用公共收益补贴2026年第四季度保洁费用的决定",
                [(o, "yes") for o in OWNERS[:7]] + [(OWNERS[7], "no"), (OWNERS[8], "abstain")])
    api.revenue.propose(CLEANING, compound=WJXC, purpose="cleaning", amount="6000.00",
                        payee="睦邻保洁合作社", memo="2026年第四季度保洁补贴",
                        resolution="wjxc-r-cleaning")
    lines.append(f"  the owners passed wjxc-r-cleaning: "
                 f"{api.revenue.tally(CLEANING).reason}")
    lines += _approve_and_pay(api, CLEANING, ["wjxc-smc", "yuhua-community"])
    _resolution(api, "zy-1-r-repairs", "compound:zy-1", "关于更换1栋楼道照明灯的决定",
                [("孙", "yes"), ("钱", "yes"), ("周", "yes")])
    api.revenue.propose("zy-1-stair-lights", compound="zy-1", purpose="repairs",
                        amount="600.00", payee=FIRM_NAME, resolution="zy-1-r-repairs")
    lines += ["", "In Ziyuan the firm approves its own repair bill and tries to pay it:"]
    lines += _approve_and_pay(api, "zy-1-stair-lights", [FIRM, FIRM, "ziyuan-community"])
    balance = api.revenue.balance(WJXC)
    statement = api.revenue.statement(WJXC, period_from="2026-10", period_to="2026-12")
    lines += ["", f"  Weiji Xincun: bank {balance.bank.format_symbol()}, maintenance fund "
              f"{balance.maintenance_fund.format_symbol()}, available "
              f"{balance.available.format_symbol()}",
              f"  Q4 statement (审): income {statement.income_total.format_symbol()}, spending "
              f"{statement.spending_total.format_symbol()}, closing "
              f"{statement.closing.format_symbol()}"]
    return DemoStep("use", "Manage and use: vote, sign and pay; the firm alone cannot",
                    tuple(lines))
