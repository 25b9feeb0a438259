"""The demo's property-fee step: a month of fees for Weiji Xincun's households.

Qingdao Shinan's formula, "government subsidises a bit, the firm gives up a bit, residents pay a
bit", as invoice lines: the street office pays 30% of each fee, the firm gives up 10%, residents pay
the rest. One household pays three months ahead and gets a receipt in Chinese capitals. The
step may run again on the same database: everything it writes is already recorded then.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from commons.app import FeeRate, FeeSchedule, Payment, Regime, SharePlan, Stage
from commons.demo.base import OWNERS, WJXC, DemoStep
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["billing_step", "wjxc_schedule"]

PERIOD = "2026-10"


def wjxc_schedule() -> FeeSchedule:
    """0.60 yuan per m² a month under a lump-sum contract; street office 30%, firm 10%."""
    plan = SharePlan((Stage("street-office", percent=Decimal(30)),
                      Stage("firm", percent=Decimal(10)), Stage("residents", rest=True)))
    return FeeSchedule(WJXC, (WJXC,), Regime.LUMP_SUM,
                       (FeeRate(dt.date(2026, 1, 1), Money.yuan("0.60")),), plan=plan)


def billing_step(books: Books) -> DemoStep:
    """Schedule, invoice October, take a payment three months ahead, print its receipt."""
    books.billing.schedule([wjxc_schedule()])
    run = books.billing.invoice(PERIOD, compound=WJXC)
    first = books.billing.show_invoice(f"{WJXC}-1-101:{PERIOD}")
    paid = first.due * 3
    books.billing.pay([Payment("wjxc-fee-0001", dt.date(2026, 10, 9), first.household, paid,
                               payer=OWNERS[0], memo="十月至十二月物业费")])
    receipt = books.billing.receipt("wjxc-fee-0001")
    rate = books.billing.collection_rate(PERIOD, compound=WJXC)[0]
    arrears = books.billing.arrears(dt.date(2026, 10, 31), compound=WJXC)
    lines = [
        "Qingdao Shinan: \"government subsidises a bit, the firm gives up a bit, residents",
        "pay a bit\" - as lines on each household's October invoice (0.60 yuan/m2, lump sum).",
        "",
        f"  {first.id}: {first.area_m2} m2 x {first.price} = {first.gross}",
    ]
    lines += [f"    {line.kind.value:<11} {line.party:<14} {line.amount.format_symbol():>9}"
              for line in first.lines]
    lines += [
        "",
        f"  {rate.invoices} invoices issued ({run.already_recorded} of them already were); "
        f"residents owe {rate.billed.format_symbol()} in all",
        "",
    ]
    lines += ["  " + text for text in receipt.lines()]
    lines.append("")
    fees = books.ledger.balance(compound=WJXC).balances
    lines += [f"  {b.account:<44} {b.balance.format_symbol():>10}" for b in fees
              if any(k in b.account for k in (":fees:", "subsidy", ":firm:", "prepaid"))]
    lines += [
        "",
        f"  collection rate {PERIOD}: {rate.collected.format_symbol()} of "
        f"{rate.billed.format_symbol()} = {rate.percent}%; owed on 2026-10-31: "
        f"{arrears.total.format_symbol()} by {sum(r.households for r in arrears.rows)} households",
    ]
    return DemoStep("billing", "Property fees at Weiji Xincun, October 2026 (Qingdao Shinan's "
                    "formula)", tuple(lines))
