"""The five duties in the demo (seed 001, Changsha Yuhua): Ziyuan community's micro-compounds
bundled to one firm and the self-managed Weiji Xincun clear their resources, collect a quarter
of income, set aside the maintenance share, vote a cleaning subsidy from public revenue and pay
it with two sign-offs, while the firm alone is refused. Runs again as a no-op.

The lead wires ``revenue_demo_steps`` into ``commons demo``; it returns ``DemoStep``s like the
other steps.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from commons.api.demo import DemoStep
from commons.errors import NotFound, RefusedByRule

if TYPE_CHECKING:
    from commons.api.handle import Commons

__all__ = ["revenue_demo_steps"]

ZIYUAN = ("zy-1", "zy-2", "zy-3")
WJXC = "wjxc"
FIRM = "hj-property"  # the one firm the bundle is contracted to
ESTATE = {
    "compounds": "id,name,community,governance,built_year,subdistrict\n"
                 "zy-1,梓园1栋,梓园,entrusted,1978,侯家塘\nzy-2,梓园2栋,梓园,entrusted,1983,侯家塘\n"
                 "zy-3,梓园3栋,梓园,entrusted,1990,侯家塘\nwjxc,卫技新村,雨花,self-managed,1998,\n",
    "buildings": "id,compound,floors,elevator\nzy-1-a,zy-1,5,no\nzy-2-a,zy-2,6,no\n"
                 "zy-3-a,zy-3,6,no\nwjxc-1,wjxc,7,no\nwjxc-2,wjxc,7,no\n",
    "households": "id,building,floor,area_m2,owner\nzy-1-a-101,zy-1-a,1,48.20,孙\n"
                  "zy-1-a-201,zy-1-a,2,48.20,钱\nzy-1-a-301,zy-1-a,3,52.60,周\n"
                  "zy-2-a-101,zy-2-a,1,61.00,吴\nzy-3-a-101,zy-3-a,1,58.30,郑\n"
                  "wjxc-1-101,wjxc-1,1,72.10,王\nwjxc-1-201,wjxc-1,2,72.10,李\n"
                  "wjxc-1-301,wjxc-1,3,65.40,张\nwjxc-2-101,wjxc-2,1,80.00,赵\n"
                  "wjxc-2-201,wjxc-2,2,80.00,刘\n",
    "resources": "id,compound,kind,tidal,name\nzy-1-p1,zy-1,parking,false,巷口车位\n"
                 "zy-2-ad1,zy-2,advertising,false,楼道广告\nzy-3-p1,zy-3,parking,false,\n"
                 "wjxc-tidal,wjxc,parking,true,潮汐车位(医院白天)\nwjxc-ad1,wjxc,advertising,false,"
                 "电梯广告\nwjxc-room,wjxc,room,false,580睦邻空间\n",
    "management-areas": "id,name,compounds\nziyuan,梓园共享物业,zy-1;zy-2;zy-3\n",
}
INCOME = ["external_id,date,compound,resource,period,amount,payer,memo"] + [
    f"{c}-p-{m}," f"2026-{m}-28,{c},{c}-p1,2026-{m},{yuan},,parking"
    for c, yuan in (("zy-1", "620.00"), ("zy-3", "455.50")) for m in ("10", "11", "12")] + [
    "zy-2-ad-q4,2026-10-10,zy-2,zy-2-ad1,2026-10,1800.00,楼宇广告公司,Q4",
    *[f"wjxc-tidal-{m},2026-{m}-28,wjxc,wjxc-tidal,2026-{m},{yuan},中心医院,tidal parking"
      for m, yuan in (("10", "8400.00"), ("11", "8100.00"), ("12", "7950.00"))],
    "wjxc-ad-q4,2026-10-08,wjxc,wjxc-ad1,2026-10,4500.00,电梯广告,Q4"]
CLEANING = "wjxc-clean-subsidy-2026q4"


def _write(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def _clear_and_collect(api: Commons) -> DemoStep:
    lines = ["Seed 001: Ziyuan's 27 old buildings have no gate, no firm, no spokesman; they",
             "are bundled to one firm (共享物业). Weiji Xincun manages itself. Each compound's",
             "public revenue is cleared (清) and collected (收) into its own co-managed account.",
             ""]
    with tempfile.TemporaryDirectory() as folder:
        api.estate_import_batch([(kind, _write(folder, f"{kind}.csv", text))
                                 for kind, text in ESTATE.items()])
        for c in ZIYUAN:
            api.revenue_rule(c, commission_percent="10", max_commission_percent="15",
                             effective_from=dt.date(2026, 7, 1))
        for c in (*ZIYUAN, WJXC):
            api.revenue_clear(c, as_of=dt.date(2026, 9, 30),
                              opening="18650.00" if c == WJXC else "0.00")
        summary = api.revenue_collect(_write(folder, "income-2026q4.csv",
                                             "\n".join(INCOME) + "\n"))
    lines.append(f"  collected Q4 2026: {summary.posted} incomes posted, "
                 f"{summary.already_recorded} already recorded; income "
                 f"{summary.income.format_symbol()}, the firm's 10% commission "
                 f"{summary.commission.format_symbol()}")
    for c in (*ZIYUAN, WJXC):
        done = api.revenue_set_aside(c, "2026-Q4")
        lines.append(f"  {c:<5} net {done.due.net.format_symbol():>12}, set aside "
                     f"{done.due.set_aside.format_symbol():>11} ({done.due.percent}%) into the "
                     "maintenance fund")
    report = api.revenue_clear(WJXC, as_of=dt.date(2026, 12, 31))
    lines.append(f"  Weiji Xincun earned {report.earned.format_symbol()} in the year; idle: "
                 f"{', '.join(r.resource for r in report.idle) or 'none'}; income naming no "
                 f"resource: {report.unattributed_total.format_symbol()}")
    return DemoStep("revenue", "Clear and collect a quarter of public revenue (seed 001)",
                    tuple(lines))


def _signers(api: Commons) -> list[str]:
    lines = []
    try:
        api.revenue_account_holder("zy-1", FIRM, role="firm")
    except RefusedByRule as e:
        lines.append(f"  refused: {e.what}")
    for c in ZIYUAN:
        api.revenue_account_holder(c, "ziyuan-community", role="community")
        api.revenue_signer_add(c, "ziyuan-community", role="community", name="梓园社区")
        api.revenue_signer_add(c, FIRM, role="firm", name="共享物业服务企业")
    api.revenue_account_holder(WJXC, "wjxc-smc", role="self-management-committee")
    api.revenue_signer_add(WJXC, "wjxc-smc", role="self-management-committee",
                           name="卫技新村居民自治委员会")
    api.revenue_signer_add(WJXC, "yuhua-community", role="community", name="社区")
    return lines


def _resolution(api: Commons, rid: str, scope: str, title: str, owners: list[str]) -> None:
    try:
        api.resolution_show(rid)
        return  # voted in an earlier run
    except NotFound:
        pass
    api.resolution_propose(rid, matter="use-public-revenue", scope=scope, title=title)
    for step in ("discussed", "consulted", "drafted"):
        api.resolution_advance(rid, step)
    for owner, choice in zip(owners, ["yes", "yes", "yes", "no", "abstain"], strict=False):
        api.resolution_vote(rid, owner=owner, choice=choice)
    api.resolution_resolve(rid)


def _approve_and_pay(api: Commons, sid: str, signers: list[str]) -> list[str]:
    """Approve with ``signers`` and pay; each refusal is shown, with why."""
    lines = []
    for signer in signers:
        if api.revenue_show(sid).disbursement is not None:
            break
        try:
            api.revenue_approve(sid, signer=signer)
            lines.append(f"  {signer} approves {sid}")
        except RefusedByRule as e:
            lines.append(f"  refused: {e.what}")
    status = api.revenue_show(sid)
    if status.disbursement is None:
        try:
            paid = api.revenue_disburse(sid, date=dt.date(2026, 12, 31))
            lines.append(f"  paid as entry {paid.entry_id} under {paid.authority.kind} "
                         f"{paid.authority.resolution or paid.authority.signer}")
        except RefusedByRule as e:
            lines.append(f"  refused: {e.what}")
    return lines


def _use(api: Commons) -> DemoStep:
    lines = ["The account is never held by the firm, and money moves only with an authority",
             "and two sign-offs of different roles, one of them the owners' side (管、用).", ""]
    lines += _signers(api)
    _resolution(api, "wjxc-r-cleaning", "compound:wjxc",
                "subsidise cleaning from public revenue", ["王", "李", "张", "赵", "刘"])
    api.revenue_propose(CLEANING, compound=WJXC, purpose="cleaning", amount="6000.00",
                        payee="睦邻保洁合作社", memo="Q4 cleaning subsidy",
                        resolution="wjxc-r-cleaning")
    lines.append(f"  the owners passed wjxc-r-cleaning: "
                 f"{api.revenue_tally(CLEANING).reason}")
    lines += _approve_and_pay(api, CLEANING, ["wjxc-smc", "yuhua-community"])
    _resolution(api, "zy-1-r-repairs", "compound:zy-1", "stairwell lights",
                ["孙", "钱", "周"])
    api.revenue_propose("zy-1-stair-lights", compound="zy-1", purpose="repairs",
                        amount="600.00", payee=FIRM, resolution="zy-1-r-repairs")
    lines += ["", "In Ziyuan the firm approves its own repair bill and tries to pay it:"]
    lines += _approve_and_pay(api, "zy-1-stair-lights", [FIRM, FIRM, "ziyuan-community"])
    balance = api.revenue_balance(WJXC)
    statement = api.revenue_statement(WJXC, period_from="2026-10", period_to="2026-12")
    lines += ["", f"  Weiji Xincun: bank {balance.bank.format_symbol()}, maintenance fund "
              f"{balance.maintenance_fund.format_symbol()}, available "
              f"{balance.available.format_symbol()}",
              f"  Q4 statement (审): income {statement.income_total.format_symbol()}, spending "
              f"{statement.spending_total.format_symbol()}, closing "
              f"{statement.closing.format_symbol()}"]
    return DemoStep("revenue", "Vote, sign and pay a cleaning subsidy; the firm alone cannot",
                    tuple(lines))


def revenue_demo_steps(api: Commons) -> list[DemoStep]:
    """The five duties as demo steps, on a database the demo owns."""
    return [_clear_and_collect(api), _use(api)]
