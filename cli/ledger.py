"""``commons ledger ...``: the journal from the command line."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from commons.app import BalanceReport, count_text

if TYPE_CHECKING:
    from commons.app import PostSummary

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .render import echo_json, table, yuan
from .report_output import output_options, show_report

__all__ = ["ledger"]

MAX_ID = 2**63 - 1  # SQLite's largest integer

@click.group(cls=CommonsGroup)
def ledger() -> None:
    """The shared-revenue journal: accounts, postings, balances, reversals, closed months."""


@ledger.command("open")
@click.argument("account")
@click.option("--type", "account_type",
              type=click.Choice(["assets", "liabilities", "equity", "income", "expenses"]),
              help="Must agree with the name's first segment when given.")
@click.option("--compound", help="The compound the account belongs to.")
@click.option("--date", "opened_on", callback=date_option,
              help="Opening date YYYY-MM-DD; postings before it are refused.")
@json_option
@pass_app
def open_account(app: App, account: str, account_type: str | None, compound: str | None,
                 opened_on: Any) -> None:
    """Open ACCOUNT (e.g. assets:bank:co-managed:wjxc) so entries may post to it."""
    opened = app.api.ledger.open(account, type=account_type, compound=compound,
                                 opened_on=opened_on)
    if app.json:
        echo_json({"account": opened.name, "type": opened.type.value,
                   "compound": opened.compound, "opened_on": opened.opened_on})
    else:
        click.echo(f"open: {opened.name} ({opened.type.value})")


@ledger.command("chart")
@click.argument("compound")
@click.option("--date", "opened_on", callback=date_option, help="Opening date YYYY-MM-DD.")
@json_option
@pass_app
def open_chart(app: App, compound: str, opened_on: Any) -> None:
    """Open the standard public-revenue accounts of COMPOUND (bank, income, expenses, funds).

    Where the estate holds compounds, COMPOUND must be one of them (a mistyped name is
    refused with the nearest known ones); books kept without an estate may name any.
    """
    chart = app.api.ledger.chart(compound, opened_on=opened_on)
    if app.json:
        echo_json({"compound": compound, "accounts": [a.name for a in chart]})
    else:
        click.echo(table(("account", "what it holds"), [(a.name, a.description) for a in chart]))


@ledger.command("accounts")
@click.option("--compound", help="Only the accounts of this compound (refused if unknown).")
@click.option("--type", "account_type",
              type=click.Choice(["assets", "liabilities", "equity", "income", "expenses"]),
              help="Only the accounts of this type.")
@click.option("--closed", is_flag=True, help="List the closed accounts too.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the labels (and of the spreadsheet's headers).")
@output_options
@json_option
@pass_app
def accounts(app: App, compound: str | None, account_type: str | None, closed: bool,
             lang: str, as_csv: bool, xlsx: str | None, force: bool) -> None:
    """Every account with its label (停车收益 beside income:parking:wjxc), type, compound,
    opening date and balance; closed accounts only with --closed. Text by default, or --json,
    --csv (a row an account and currency), or --xlsx FILE."""
    # Only this command loads the renderers.
    from commons.app import accounts_csv, accounts_json, accounts_text  # noqa: PLC0415

    listed = app.api.ledger.accounts(compound=compound, type=account_type, closed=closed,
                                     lang=lang)
    show_report(app, listed, as_csv=as_csv, xlsx=xlsx, force=force, lang=lang,
                as_json=lambda: accounts_json(listed), csv=lambda: accounts_csv(listed, lang),
                text=lambda: accounts_text(listed, lang))


@ledger.command("post")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", help="Text encoding of FILE (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def post(app: App, file: str, encoding: str | None) -> None:
    """Post the journal entries of FILE (JSON Lines), all in one transaction.

    \b
    One entry per line:
      {"date": "2026-10-01", "memo": "parking, Sept", "external_id": "pk-2026-09",
       "postings": [{"account": "assets:bank:co-managed:wjxc", "amount": "120.00"},
                    {"account": "income:parking:wjxc", "amount": "-120.00"}]}
    Entries already recorded (same external_id, same content) are skipped. If any line is
    refused, nothing is posted and every refused line is named.
    """
    workers = os.cpu_count() or 1  # a large file is parsed in a second process meanwhile
    with fewer_collections():
        if sys.stderr.isatty() and not app.json and os.path.isfile(file):
            with click.progressbar(length=os.path.getsize(file), label="posting",
                                   file=sys.stderr) as bar:
                summary = app.api.ledger.post(file, encoding=encoding, on_progress=bar.update,
                                              workers=workers)
        else:
            summary = app.api.ledger.post(file, encoding=encoding, workers=workers)
    _render_post(app, summary)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while posting: entries make many short-lived objects and no
    cycles, and the default thresholds spend a third of a large post in the collector. Done
    here, in the command's own process, never inside a host's."""
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _render_post(app: App, summary: PostSummary) -> None:
    if app.json:
        echo_json({"posted": summary.posted, "already_recorded": summary.already_recorded,
                   "refused": summary.refused, "head": summary.head_hash})
    elif not summary.posted and not summary.already_recorded:
        # Every entry is posted, already recorded or refused (which raises): so none were read.
        click.echo("the file has no entries; posted 0")
    else:
        click.echo(f"posted {summary.posted}, already recorded {summary.already_recorded}, "
                   f"refused {summary.refused}; chain head {summary.head_hash[:16]}")


@ledger.command("balance")
@click.option("--account", help="An account or a prefix (sums its sub-accounts).")
@click.option("--compound", help="Only accounts of this compound (refused if unknown).")
@click.option("--as-of", callback=date_option, help="Balances at the end of this date.")
@json_option
@pass_app
def balance(app: App, account: str | None, compound: str | None, as_of: Any) -> None:
    """Balances per account, and their total."""
    report = app.api.ledger.balance(account, compound=compound, as_of=as_of)
    if app.json:
        echo_json(balance_json(report))
    else:
        rows = [(b.account, b.balance.format_grouped()) for b in report.balances]
        rows += [("total" + (f" {t.currency}" if len(report.totals) > 1 else ""),
                  t.format_grouped()) for t in report.totals] or [("total", "0.00")]
        click.echo(table(("account", "balance"), rows, right=(1,)))


def balance_json(report: BalanceReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "balances": [{"account": b.account, "balance": yuan(b.balance),
                      "currency": b.balance.currency} for b in report.balances],
        "totals": [{"currency": t.currency, "balance": yuan(t)} for t in report.totals],
        "as_of": report.as_of.isoformat() if report.as_of else None,
    }
    if len(report.totals) <= 1:
        data["total"] = yuan(report.totals[0]) if report.totals else "0.00"
    return data


@ledger.command("trail")
@click.argument("account")
@click.option("--limit", type=click.IntRange(1, MAX_ID), default=100, show_default=True,
              help="Postings on this page.")
@click.option("--offset", type=click.IntRange(0, MAX_ID), default=0, show_default=True,
              help="Postings to skip before the page (the running balance counts them).")
@json_option
@pass_app
def trail(app: App, account: str, limit: int, offset: int) -> None:
    """Every posting of ACCOUNT in date order with its running balance (paged); says how many
    postings follow the page."""
    lines = app.api.ledger.trail(account, limit=limit, offset=offset)
    more = max(app.api.ledger.trail_length(account) - offset - len(lines), 0)
    if app.json:
        echo_json({"account": account, "trail": [
            {"id": t.entry_id, "date": t.date, "memo": t.memo, "amount": yuan(t.amount),
             "balance": yuan(t.balance), "external_id": t.external_id, "actor": t.actor,
             "reverses": t.reverses, "hash": t.hash} for t in lines], "more": more})
        return
    click.echo(table(("id", "date", "memo", "amount", "balance"),
                     [(str(t.entry_id), t.date, t.memo, t.amount.format_grouped(),
                       t.balance.format_grouped()) for t in lines], right=(0, 3, 4)))
    if more:
        click.echo(f"{count_text(more, 'more posting')}: --offset {offset + len(lines)} shows "
                   "the next page")


@ledger.command("reverse")
@click.argument("entry", type=click.IntRange(1, MAX_ID))
@click.option("--reason", required=True, help="Why the entry is reversed (kept in the memo).")
@click.option("--date", "on", callback=date_option, help="Date of the reversal (default today).")
@json_option
@pass_app
def reverse(app: App, entry: int, reason: str, on: Any) -> None:
    """Post an entry that undoes ENTRY; nothing is ever edited or deleted."""
    stored = app.api.ledger.reverse(entry, reason=reason, on=on)
    if app.json:
        echo_json({"id": stored.id, "reverses": entry, "hash": stored.hash})
    else:
        click.echo(f"entry {stored.id} reverses entry {entry}")


@ledger.command("close")
@click.argument("period")
@json_option
@pass_app
def close(app: App, period: str) -> None:
    """Close the month PERIOD (YYYY-MM): entries dated in it are refused from now on."""
    closed = app.api.ledger.close_period(period)
    if app.json:
        echo_json({"period": str(closed.period), "closed": True,
                   "already_closed": not closed.newly_closed})
    else:
        click.echo(f"closed {closed.period}" if closed.newly_closed
                   else f"{closed.period} was already closed")


@ledger.command("reopen")
@click.argument("accounts", metavar="[ACCOUNT]...", nargs=-1)
@click.option("--compound", help="Re-date every account of this compound's chart.")
@click.option("--date", "opened_on", callback=date_option, required=True,
              help="The opening date they should have had, YYYY-MM-DD.")
@click.option("--reason", default="", help="Why (kept with the re-dating).")
@json_option
@pass_app
def reopen(app: App, accounts: tuple[str, ...], compound: str | None, opened_on: Any,
           reason: str) -> None:
    """Re-date the opening of ACCOUNTs (or of a compound's whole chart) to --date, for
    accounts opened with a wrong date that have no postings yet; one with postings refuses
    them all. Each re-dating is kept and checked by `commons audit verify`."""
    redated = app.api.ledger.redate(accounts, compound=compound, opened_on=opened_on,
                                    reason=reason)
    if app.json:
        echo_json({"accounts": [{"account": a.name, "opened_on": a.opened_on}
                                for a in redated]})
    else:
        for a in redated:
            click.echo(f"re-dated {a.name}: open from {a.opened_on}")


@ledger.command("close-account")
@click.argument("account")
@click.option("--date", "on", callback=date_option,
              help="First day the account refuses postings (default today).")
@json_option
@pass_app
def close_account(app: App, account: str, on: Any) -> None:
    """Close ACCOUNT: postings dated on or after --date are refused; its history stays."""
    closed = app.api.ledger.close_account(account, on=on)
    if app.json:
        echo_json({"account": closed.name, "closed_on": closed.closed_on})
    else:
        click.echo(f"closed {closed.name} from {closed.closed_on}")
