"""``commons parking ...``: tariffs, session imports, monthly bills and reports of tidal parking."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from commons.app import (
    TARIFF_HELP,
    Breach,
    CompoundBill,
    ParkingBill,
    ParkingReport,
    SessionImport,
    TariffLoaded,
    count_text,
    fraction_text,
)

from .app import App, CommonsGroup, json_option, pass_app
from .plots import plot_parking
from .render import echo_json, table, yuan

__all__ = ["parking"]

SESSIONS_HELP = """\b
FILE (CSV, UTF-8 or GBK): session_id,space,plate,entered_at,exited_at,kind
  entered_at, exited_at  e.g. 2026-10-08T07:45:00+08:00 or 2026/10/8 7:45; without
                         an offset, local time (Asia/Shanghai unless configured)
  space                  a tidal parking space (commons estate import resources)
  kind                   outsider (访客, 临停) | resident (居民, 业主) | a card's id
A session crossing midnight is billed day by day, the cap applying to each day.
"""


@click.group(cls=CommonsGroup)
def parking() -> None:
    """Tidal parking (潮汐车位): tariffs, sessions, monthly bills and reports."""


@parking.command("tariff", epilog=TARIFF_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@pass_app
def tariff(app: App, file: str) -> None:
    """Load a compound's tariff from FILE (TOML); the same file again changes nothing."""
    loaded = app.api.parking.tariff(file)
    if app.json:
        echo_json(tariff_json(loaded))
        return
    t, calendar = loaded.tariff.tariff, loaded.tariff.calendar
    click.echo(f"{t.compound}: tariff from {t.effective_from} "
               f"{'loaded' if loaded.newly_loaded else 'already loaded'}: "
               f"{count_text(len(t.windows), 'window')}, {count_text(len(t.cards), 'card')}, "
               f"{count_text(len(calendar.holidays), 'holiday')}, "
               f"{count_text(len(calendar.workdays), 'make-up working day')}")
    click.echo(table(("window", "days", "hours", "outsiders", "per unit", "per hour"),
                     [(w.name, w.days.value, w.span, str(w.outside_spaces),
                       w.per_unit.format() if w.per_unit else "-",
                       w.per_hour.format() if w.per_hour else "-") for w in t.windows],
                     right=(3, 4, 5)))


def tariff_json(loaded: TariffLoaded) -> dict[str, Any]:
    t, sharing = loaded.tariff.tariff, loaded.tariff.sharing
    return {
        "compound": t.compound, "effective_from": t.effective_from.isoformat(),
        "loaded": loaded.newly_loaded, "unit_minutes": t.unit_minutes,
        "free_minutes": t.free_minutes,
        "daily_cap": yuan(t.daily_cap) if t.daily_cap else None,
        "overstay_per_unit": yuan(t.overstay_per_unit),
        "windows": [{"name": w.name, "days": w.days.value, "span": w.span,
                     "outside_spaces": w.outside_spaces,
                     "per_unit": yuan(w.per_unit) if w.per_unit else None,
                     "per_hour": yuan(w.per_hour) if w.per_hour else None} for w in t.windows],
        "cards": [{"id": c.id, "holder": c.holder.value, "covers": c.covers.value,
                   "price": yuan(c.price)} for c in t.cards],
        "sharing": {"operator": sharing.operator, "owners_percent": str(sharing.owners_percent)},
        "holidays": sorted(d.isoformat() for d in loaded.tariff.calendar.holidays),
        "workdays": sorted(d.isoformat() for d in loaded.tariff.calendar.workdays),
    }


@parking.command("import", epilog=SESSIONS_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True,
              help="Import the good rows and write the bad ones to the reject file.")
@click.option("--reject", type=click.Path(dir_okay=False),
              help="The reject file for --skip-bad (default: FILE with .rejects.csv for its "
              "suffix, sessions.csv -> sessions.rejects.csv).")
@click.option("--encoding", help="Text encoding of FILE (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def import_sessions(app: App, file: str, skip_bad: bool, reject: str | None,
                    encoding: str | None) -> None:
    """Import the parking sessions of FILE, all in one transaction.

    Every row is checked first: times, spaces (tidal ones only), kinds, overlapping sessions
    on a space, repeated or conflicting session ids, months already billed. If any row is
    refused nothing is imported and each is named by line and field, unless --skip-bad.
    Sessions already recorded with the same content are skipped. Windows in which more
    outsiders parked at once than the tariff allows are flagged.
    """
    summary = app.api.parking.import_sessions(file, skip_bad=skip_bad, reject=reject,
                                              encoding=encoding)
    if app.json:
        echo_json(import_json(summary))
        return
    click.echo(f"{summary.file}: {count_text(summary.rows, 'row')}: {summary.new} new, "
               f"{summary.already_recorded} already recorded, {summary.refused} refused"
               + (f" (written to {summary.reject_file})" if summary.reject_file else ""))
    for b in summary.breaches:
        click.echo(f"warning: {breach_text(b)}", err=True)


def breach_text(b: Breach) -> str:
    return (f"{b.compound} {b.date} {b.window} {b.span}: {b.peak} outsiders parked at once, "
            f"the tariff allows {b.allowed}")


def breach_json(breaches: Sequence[Breach]) -> list[dict[str, Any]]:
    return [{"compound": b.compound, "date": b.date.isoformat(), "window": b.window,
             "span": b.span, "peak": b.peak, "allowed": b.allowed} for b in breaches]


def import_json(s: SessionImport) -> dict[str, Any]:
    return {"file": s.file, "rows": s.rows, "new": s.new, "already_recorded": s.already_recorded,
            "refused": s.refused, "reject_file": s.reject_file,
            "breaches": breach_json(s.breaches)}


@parking.command("bill")
@click.option("--period", required=True, help="The month to bill, YYYY-MM.")
@click.option("--compound", help="Only this compound (default: every one with a tariff).")
@json_option
@pass_app
def bill(app: App, period: str, compound: str | None) -> None:
    """Price every session of the month to the fen and post the income.

    Each space's income is collected into the compound's co-managed account (Dr
    assets:bank:co-managed, Cr income:parking), external id parking:COMPOUND:PERIOD:SPACE,
    and the operator's share under the compound's sharing rule (`commons revenue rule`, or
    the tariff's [sharing]) is owed to the operator. Billing a month again posts nothing new.
    """
    result = app.api.parking.bill(period, compound=compound)
    if app.json:
        echo_json(bill_json(result))
        return
    click.echo(table(("compound", "sessions", "cards", "income", *_parties(result), "status"),
                     [(c.bill.compound, f"{c.bill.session_count:,}", str(len(c.bill.cards)),
                       c.bill.total.format_grouped(),
                       *(c.bill.share_of(p).format_grouped() for p in _parties(result)),
                       c.status) for c in result.compounds],
                     right=tuple(range(1, 4 + len(_parties(result))))))
    click.echo(f"total {result.total.format_grouped()}: " + ", ".join(
        f"{s.party} {s.amount.format_grouped()}" for s in result.shares))


def _parties(result: ParkingBill) -> list[str]:
    return [s.party for s in result.shares]


def _compound_json(b: CompoundBill, status: str) -> dict[str, Any]:
    return {"compound": b.compound, "sessions": b.session_count, "total": yuan(b.total),
            "shares": [{"party": s.party, "amount": yuan(s.amount)} for s in b.shares],
            "collections": [{"external_id": c.external_id, "resource": c.resource,
                             "amount": yuan(c.amount)} for c in b.collections()],
            "commission_percent": str(b.rule.commission_percent), "status": status}


def bill_json(result: ParkingBill) -> dict[str, Any]:
    return {
        "period": str(result.period),
        "sessions": [{"session_id": s.session_id, "space": s.space, "compound": c.bill.compound,
                      "plate": s.plate, "kind": s.kind, "amount": yuan(s.amount),
                      "days": [{"date": d.date.isoformat(), "amount": yuan(d.amount)}
                               for d in s.days]}
                     for c in result.compounds for s in c.bill.sessions],
        "cards": [{"compound": c.bill.compound, "card": f.card, "plate": f.plate,
                   "amount": yuan(f.amount)} for c in result.compounds for f in c.bill.cards],
        "total": yuan(result.total),
        "shares": [{"party": s.party, "amount": yuan(s.amount)} for s in result.shares],
        "compounds": [_compound_json(c.bill, c.status) for c in result.compounds],
    }


@parking.command("report")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@click.option("--compound", help="The compound (needed when several have tariffs).")
@click.option("--fee-bill", metavar="AMOUNT",
              help="The owners' fee bill for the month in yuan, to show what parking covers "
                   "(default: what the month's fee invoices ask of the residents).")
@click.option("--plot", type=click.Path(dir_okay=False),
              help="Draw the month into this file (.png or .svg).")
@json_option
@pass_app
def report(app: App, period: str, compound: str | None, fee_bill: str | None,
           plot: str | None) -> None:
    """Occupancy by hour of day, income per space, and the share of the fees it covers."""
    result = app.api.parking.report(period, compound=compound, fee_bill=fee_bill)
    if plot is not None:
        # drawn with the outsider windows of the compound's latest tariff
        plot_parking(result, app.api.parking.tariffs(result.compound)[-1].tariff, Path(plot))
    if app.json:
        echo_json(report_json(result, plot))
    else:
        click.echo(report_text(result, plot))


def report_json(r: ParkingReport, plot: str | None) -> dict[str, Any]:
    covered = r.covered
    return {
        "compound": r.compound, "period": str(r.period), "spaces": len(r.spaces),
        "sessions": r.bill.session_count,
        "occupancy": [{"hour": h.hour, "residents": fraction_text(h.residents),
                       "outsiders": fraction_text(h.outsiders)} for h in r.occupancy],
        "income_by_space": [{"space": s, "amount": yuan(m)} for s, m in r.income_by_space()],
        "cards": [{"card": c.card, "plate": c.plate, "amount": yuan(c.amount)}
                  for c in r.bill.cards],
        "income": yuan(r.bill.total),
        "shares": [{"party": s.party, "amount": yuan(s.amount)} for s in r.bill.shares],
        "fee_bill": yuan(r.fee_bill) if r.fee_bill is not None else None,
        "covered_percent": fraction_text(covered * 100) if covered is not None else None,
        "breaches": breach_json(r.breaches),
        "plot": plot,
    }


def report_text(r: ParkingReport, plot: str | None) -> str:
    out = [f"{r.compound} {r.period}: {count_text(r.bill.session_count, 'session')} on "
           f"{count_text(len(r.spaces), 'tidal space')}, income {r.bill.total.format_grouped()} ("
           + ", ".join(f"{s.party} {s.amount.format_grouped()}" for s in r.bill.shares) + ")"]
    if r.covered is not None and r.fee_bill is not None:
        out.append(f"the owners' share covers {fraction_text(r.covered * 100)}% of their fee "
                   f"bill of {r.fee_bill.format_grouped()}")
    out += ["", "cars parked on average, by hour of day:"]
    out.append(table(("hour", "residents", "outsiders"),
                     [(f"{h.hour:02d}:00", fraction_text(h.residents), fraction_text(h.outsiders))
                      for h in r.occupancy], right=(1, 2)))
    out += ["", table(("space", "income"), [(s, m.format_grouped())
                                            for s, m in r.income_by_space()], right=(1,))]
    if r.bill.cards:
        out.append(f"cards: {len(r.bill.cards)} sold for {r.bill.card_total.format_grouped()}")
    out += [f"warning: {breach_text(b)}" for b in r.breaches]
    if plot:
        out.append(f"plot written to {plot}")
    return "\n".join(out)
