"""``commons billing ...``: property-fee schedules, invoices, payments, arrears and receipts."""

from __future__ import annotations

from typing import Any

import click

from commons.app import (
    AGING_BUCKETS,
    AgingReport,
    CollectionRate,
    InvoiceRun,
    PaymentImport,
    Receipt,
    ScheduleImport,
    count_text,
)

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .render import echo_json, plain, table, yuan

__all__ = ["billing"]

SCHEDULE_HELP = """\b
FILE.toml, one [[schedule]] table per compound or bundle:
  [[schedule]]
  id = "wjxc"
  compounds = ["wjxc"]     # a bundle lists several; or compound = "wjxc"
  regime = "lump_sum"      # lump_sum (包干制, the firm's income)
                           # | commission (酬金制, the owners' money)
  rounding = "half-up"     # half-up (default) | half-even | down
  prepay_months = 12       # most months a household may pay ahead
  [[schedule.rate]]        # yuan per m2 of building area per month
  from = "2026-01-01"
  price = "0.80"
  [[schedule.rate]]        # a month is billed at the price in force
  from = "2026-07-01"      # on its first day
  price = "0.95"
  [[schedule.stage]]       # optional share plan, as for `commons split`
  party = "street-office"  # a subsidy (政府补一点)
  percent = "20"
  [[schedule.stage]]
  party = "firm"           # concession_party (default "firm"): 企业让一点
  percent = "10"
  [[schedule.stage]]
  party = "residents"      # the rest: what the household owes
  rest = true
\b
FILE.csv, one rate a row (no share plan: residents pay it all):
  schedule,compounds,regime,from,price[,rounding]
  wjxc,wjxc;zy-1,lump_sum,2026-01-01,0.80
"""

PAY_HELP = """\b
FILE.csv header (columns in [] are optional):
  external_id,date,household,amount[,invoice][,payer][,memo]
  P-0001,2026-10-05,wjxc-1-101,120.00,,王建国,October
"""


@click.group(cls=CommonsGroup)
def billing() -> None:
    """Property fees: schedules, monthly invoices, payments, arrears, receipts."""


@billing.command("schedule", epilog=SCHEDULE_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", help="Text encoding of a CSV FILE (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def schedule(app: App, file: str, encoding: str | None) -> None:
    """Import the fee schedules of FILE (TOML, or CSV if it ends in .csv), all or none.

    A changed schedule replaces the stored one unless it would bill an invoiced month
    differently; the same schedule again is already recorded.
    """
    result = app.api.billing.schedule(file, encoding=encoding)
    if app.json:
        echo_json(schedule_json(result))
    else:
        click.echo(f"{result.file}: new {', '.join(result.new) or '-'}; updated "
                   f"{', '.join(result.updated) or '-'}; already recorded "
                   f"{', '.join(result.already_recorded) or '-'}")


def schedule_json(r: ScheduleImport) -> dict[str, object]:
    return {"file": r.file, "new": list(r.new), "updated": list(r.updated),
            "already_recorded": list(r.already_recorded)}


@billing.command("invoice")
@click.option("--period", required=True, help="The month to invoice, YYYY-MM.")
@click.option("--compound", help="Only this compound (default: every compound with a schedule).")
@json_option
@pass_app
def invoice(app: App, period: str, compound: str | None) -> None:
    """Invoice every household for a month and post the invoices to the ledger.

    Households invoiced for the month already are skipped; one whose invoice would now come
    out differently is a conflict, and nothing is issued.
    """
    run = app.api.billing.invoice(period, compound=compound)
    if app.json:
        echo_json(invoice_json(run))
        return
    click.echo(f"{run.period}: {count_text(run.issued, 'invoice')} issued, "
               f"{run.already_recorded} already recorded "
               f"({', '.join(run.compounds) or 'no compound'})")
    click.echo(table(("", "amount"), [
        ("gross fees", run.gross.format_grouped()),
        ("subsidies", run.subsidies.format_grouped()),
        ("firm concessions", run.concessions.format_grouped()),
        ("residents owe", run.due.format_grouped()),
        ("paid from credit", run.credit_applied.format_grouped())], right=(1,)))
    if run.skipped:
        click.echo(f"no price yet for {run.period}: schedules {', '.join(run.skipped)}")


def invoice_json(run: InvoiceRun) -> dict[str, object]:
    return {"period": str(run.period), "issued": run.issued,
            "already_recorded": run.already_recorded, "gross": yuan(run.gross),
            "subsidies": yuan(run.subsidies), "concessions": yuan(run.concessions),
            "due": yuan(run.due), "credit_applied": yuan(run.credit_applied),
            "compounds": list(run.compounds), "skipped": list(run.skipped)}


@billing.command("pay", epilog=PAY_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", help="Text encoding of FILE (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def pay(app: App, file: str, encoding: str | None) -> None:
    """Import the payments of FILE (CSV): every row checked first, then all or none.

    Each payment pays the invoice it names, then the oldest open invoices; the rest is held as
    credit, at most the schedule's prepay_months (12) of fees. Importing again changes nothing.
    """
    result = app.api.billing.pay(file, encoding=encoding)
    if app.json:
        echo_json(pay_json(result))
    else:
        click.echo(f"{result.file}: {count_text(result.recorded, 'payment')} recorded, "
                   f"{result.already_recorded} already recorded; "
                   f"{result.amount.format_grouped()} paid, {result.applied.format_grouped()} "
                   f"applied, {result.credit.format_grouped()} held as credit")


def pay_json(r: PaymentImport) -> dict[str, object]:
    return {"file": r.file, "recorded": r.recorded, "already_recorded": r.already_recorded,
            "amount": yuan(r.amount), "applied": yuan(r.applied), "credit": yuan(r.credit)}


@billing.command("arrears")
@click.option("--as-of", "as_of", required=True, callback=date_option,
              help="The day to age arrears on, YYYY-MM-DD.")
@click.option("--compound", help="Only this compound.")
@json_option
@pass_app
def arrears(app: App, as_of: Any, compound: str | None) -> None:
    """What households owe on a day, by compound and age since the invoice (0-30, 31-90,
    91-180, over 180 days)."""
    report = app.api.billing.arrears(as_of, compound=compound)
    if app.json:
        echo_json(arrears_json(report))
        return
    rows = [(r.compound, *(m.format_grouped() for m in r.buckets), r.total.format_grouped(),
             str(r.households)) for r in report.rows]
    rows.append(("total", *(m.format_grouped() for m in report.buckets),
                 report.total.format_grouped(), ""))
    click.echo(f"arrears as of {report.as_of}")
    click.echo(table(("compound", *AGING_BUCKETS, "total", "households"), rows,
                     right=tuple(range(1, len(AGING_BUCKETS) + 3))))


def arrears_json(report: AgingReport) -> dict[str, object]:
    def buckets(values: tuple[Any, ...]) -> dict[str, str]:
        return {name: yuan(m) for name, m in zip(AGING_BUCKETS, values, strict=True)}

    return {"as_of": report.as_of.isoformat(), "buckets": buckets(report.buckets),
            "total": yuan(report.total),
            "compounds": [{"compound": r.compound, "buckets": buckets(r.buckets),
                           "total": yuan(r.total), "households": r.households}
                          for r in report.rows],
            "arrears": [{"invoice": a.invoice, "household": a.household,
                         "compound": a.compound, "period": str(a.period), "days": a.days,
                         "bucket": a.bucket, "amount": yuan(a.outstanding)}
                        for a in report.arrears]}


@billing.command("collection-rate")
@click.option("--period", required=True, help="The month billed, YYYY-MM.")
@click.option("--compound", help="Only this compound.")
@click.option("--as-of", "as_of", callback=date_option,
              help="Count what was collected by this day (default: everything so far).")
@json_option
@pass_app
def collection_rate(app: App, period: str, compound: str | None, as_of: Any) -> None:
    """What each compound's households were billed for a month and how much was collected."""
    rates = app.api.billing.collection_rate(period, compound=compound, as_of=as_of)
    if app.json:
        echo_json({"period": period, "compounds": [rate_json(r) for r in rates]})
        return
    click.echo(table(("compound", "invoices", "billed", "collected", "rate %", "paid in full"),
                     [(r.compound, str(r.invoices), r.billed.format_grouped(),
                       r.collected.format_grouped(), r.percent, str(r.paid_in_full))
                      for r in rates], right=(1, 2, 3, 4, 5)))


def rate_json(r: CollectionRate) -> dict[str, object]:
    return {"compound": r.compound, "period": str(r.period), "invoices": r.invoices,
            "billed": yuan(r.billed), "collected": yuan(r.collected), "rate": r.percent,
            "paid_in_full": r.paid_in_full}


@billing.command("receipt")
@click.argument("payment_id")
@json_option
@pass_app
def receipt(app: App, payment_id: str) -> None:
    """Print the receipt of payment PAYMENT_ID: figures and Chinese capitals (大写)."""
    result = app.api.billing.receipt(payment_id)
    if app.json:
        echo_json(receipt_json(result))
    else:
        click.echo(plain("\n".join(result.lines())))


def receipt_json(r: Receipt) -> dict[str, object]:
    p = r.payment
    return {"payment": p.id, "date": p.date.isoformat(), "household": p.household,
            "owner": r.owner, "compound": r.compound, "payer": p.payer or r.owner,
            "amount": yuan(p.amount), "amount_chinese": r.amount_chinese,
            "allocations": [{"invoice": a.invoice, "amount": yuan(a.amount)}
                            for a in r.allocations],
            "credit": yuan(r.credit), "memo": p.memo}
