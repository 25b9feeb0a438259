"""``commons report ...``: the financial statements, as text, JSON, CSV or a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from commons.app import statement_csv, statement_json, statement_text
from commons.errors import CommonsError, ErrorCode

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .report_output import output_options, show_report

if TYPE_CHECKING:
    from commons.app import BalanceSheet, IncomeStatement

__all__ = ["report"]

F = TypeVar("F", bound=Callable[..., Any])


@click.group(cls=CommonsGroup)
def report() -> None:
    """Financial statements: the balance sheet (资产负债表) and the income statement (收支表).

    \b
    Text by default, or --json, --csv, or --xlsx FILE; labels in Chinese (--lang zh) or
    English (--lang en) beside each account.
    """


def _shared(f: F) -> F:
    """The options both statements take."""
    for option in reversed((
        click.option("--compound", help="Only the accounts of this compound (refused if "
                                        "unknown, with the nearest names)."),
        click.option("--depth", type=click.IntRange(min=1),
                     help="Roll accounts up to N segments of the : tree (1: the types)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Language of the labels and headings."),
        click.option("--currency", help="The currency to show, where the books hold several."),
        output_options,
        json_option,
    )):
        f = option(f)
    return f


def _show(app: App, statement: BalanceSheet | IncomeStatement, *, as_csv: bool,
          xlsx: str | None, force: bool, lang: str) -> None:
    show_report(app, statement, as_csv=as_csv, xlsx=xlsx, force=force, lang=lang,
                as_json=lambda: statement_json(statement),
                csv=lambda: statement_csv(statement, lang),
                text=lambda: statement_text(statement, lang))


@report.command("balance-sheet")
@click.option("--as-of", callback=date_option,
              help="Balances at the end of this date, YYYY-MM-DD (default today).")
@_shared
@pass_app
def balance_sheet(app: App, as_of: Any, compound: str | None, depth: int | None, lang: str,
                  currency: str | None, as_csv: bool, xlsx: str | None, force: bool) -> None:
    """Assets, liabilities and the owners' fund (业主共有资金及基金), with the check that
    assets equal the other two. Income less expenses not yet closed into a fund shows as the
    fund's line equity:(surplus). A sheet that does not balance is shown, then refused (exit
    1, code statement_unbalanced)."""
    sheet = app.read_only_api().reports.balance_sheet(
        as_of=as_of, compound=compound, depth=depth, lang=lang, currency=currency)
    _show(app, sheet, as_csv=as_csv, xlsx=xlsx, force=force, lang=lang)
    if not sheet.balanced:
        scope = f"of {compound} " if compound else ""
        raise CommonsError(
            f"the balance sheet {scope}as of {sheet.as_of} does not balance: assets differ "
            f"from liabilities and the owners' fund by {sheet.difference.format_grouped()}",
            fix="entries that cross to accounts of no or other compounds unbalance one "
                "compound's sheet: run it without --compound; if the whole books do not "
                "balance, run `commons audit verify`",
            code=ErrorCode.STATEMENT_UNBALANCED)


@report.command("income")
@click.option("--from", "date_from", required=True,
              help="First month (2026-10) or quarter (2026-Q4).")
@click.option("--to", "date_to", help="Last month or quarter (default: --from).")
@click.option("--monthly", is_flag=True, help="A column a month.")
@click.option("--quarterly", is_flag=True, help="A column a quarter.")
@_shared
@pass_app
def income(app: App, date_from: str, date_to: str | None, monthly: bool, quarterly: bool,
           compound: str | None, depth: int | None, lang: str, currency: str | None,
           as_csv: bool, xlsx: str | None, force: bool) -> None:
    """Income and expenses (收支表) from --from through --to, in one column or a column a
    month or quarter, with totals and the net (income less expenses), which is what the
    owners' fund gained."""
    if monthly and quarterly:
        raise click.UsageError("give --monthly or --quarterly, not both")
    grouping = "monthly" if monthly else "quarterly" if quarterly else "total"
    statement = app.read_only_api().reports.income(
        date_from=date_from, date_to=date_to, compound=compound, grouping=grouping,
        depth=depth, lang=lang, currency=currency)
    _show(app, statement, as_csv=as_csv, xlsx=xlsx, force=force, lang=lang)
