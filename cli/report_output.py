"""How a report leaves the command line, shared by ``report balance-sheet``, ``report income``
and ``ledger accounts``: text by default, or ``--json``, ``--csv``, or ``--xlsx FILE``.

Light on purpose (click and the CLI's own helpers): ``commons ledger`` loads it at start-up,
and the renderers are given by each command, so nothing heavy is imported until one runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .app import App
from .render import echo_json, plain

if TYPE_CHECKING:
    from commons.app import BalanceSheet, IncomeStatement, ListedAccount

__all__ = ["output_options", "show_report"]

F = TypeVar("F", bound=Callable[..., Any])


def output_options(f: F) -> F:
    """``--csv``, ``--xlsx FILE`` and ``--force``."""
    for option in reversed((
        click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of text."),
        click.option("--xlsx", type=click.Path(dir_okay=False),
                     help="Write a spreadsheet to this file instead (an existing file is "
                          "refused without --force); with --json the path written is printed "
                          "as JSON."),
        click.option("--force", is_flag=True, help="Replace the --xlsx file if it exists."),
    )):
        f = option(f)
    return f


def show_report(app: App, report: BalanceSheet | IncomeStatement | tuple[ListedAccount, ...],
                *, as_csv: bool, xlsx: str | None, force: bool, lang: str,
                as_json: Callable[[], object], csv: Callable[[], str],
                text: Callable[[], str]) -> None:
    """Print ``report`` as the options ask (``as_json``, ``csv`` and ``text`` render it), or
    write it to the spreadsheet ``xlsx``."""
    if as_csv and (xlsx is not None or app.json):
        raise click.UsageError("--csv prints the report: give it without --json or --xlsx")
    if xlsx is not None:
        path = app.api.reports.write_xlsx(report, xlsx, lang=lang, force=force)
        if app.json:
            echo_json({"xlsx": str(path)})
        else:
            click.echo(f"wrote {path}")
    elif app.json:
        echo_json(as_json())
    elif as_csv:
        click.echo(csv(), nl=False)
    else:
        click.echo(plain(text()), nl=False)
