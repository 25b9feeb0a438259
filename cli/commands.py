"""Commands of the foundation: init, demo and split. Each parses, calls one api method, renders."""

from __future__ import annotations

import click

from commons.app import SPLIT_METHODS, Split, count_text
from commons.demo import run_demo

from .app import App, json_option, pass_app
from .render import echo_json, table, yuan

__all__ = ["demo", "init", "split"]


@click.command()
@json_option
@pass_app
def init(app: App) -> None:
    """Create the database, or upgrade it to this version's schema."""
    report = app.api.init()
    if app.json:
        echo_json({"db": report.path, "schema_version": report.schema_version})
    else:
        click.echo(f"{report.path}: ready (schema version {report.schema_version})")


@click.command()
@json_option
@pass_app
def demo(app: App) -> None:
    """Build a sample district (Changsha Yuhua's Ziyuan and Weiji Xincun) and walk it through
    every duty."""
    report = run_demo(app.api)
    if app.json:
        echo_json({"steps": [{"topic": s.topic, "title": s.title, "lines": list(s.lines)}
                             for s in report.steps]})
        return
    for number, step in enumerate(report.steps, start=1):
        click.secho(f"\n{number}. {step.title}", bold=True)
        click.echo("\n".join(step.lines))


PLAN_HELP = """\b
PLAN.toml, stages applied in order, the last takes the rest:
  [[stage]]
  party = "government"
  percent = "30"          # of the total; of = "remaining" for what is left
  cap = "50000.00"
  [[stage]]
  party = "firm"
  fixed = "2000.00"
  [[stage]]
  party = "residents"
  rest = true             # divided over FILE by --by
  [floors]                # elevator coefficients for --by floor
  1 = "0"
  2 = "0"
  3 = "1.0"
  by_area = true          # coefficient times the flat's area (default)
"""


# ignore_unknown_options lets a refund be written as it is, `commons split -100 FILE`, instead
# of click taking "-100" for an option; misspelt options still end in a usage error.
@click.command(epilog=PLAN_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("total")
@click.option("--by", "method", type=click.Choice(SPLIT_METHODS), default="area",
              show_default=True, help="What each part is weighted by.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--plan", type=click.Path(dir_okay=False),
              help="A share plan (TOML): government, firm, ... then the rest by --by.")
@click.option("--encoding", help="The CSV's text encoding (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def split(app: App, total: str, method: str, file: str, plan: str | None,
          encoding: str | None) -> None:
    """Split TOTAL yuan exactly over the rows of FILE.

    FILE is a households CSV (id,building,floor,area_m2,owner) or an id,weight CSV. With an
    id,weight CSV, --by area splits by the weight column and households or equal give every id
    one share (floor needs households). The parts sum to the total to the fen; the fen left over
    go to the largest remainders, ties to the smallest id.
    """
    result = app.api.splits.split(total, file, by=method, plan=plan, encoding=encoding)
    if app.json:
        echo_json(split_json(result))
    else:
        click.echo(split_text(result))


def split_json(result: Split) -> dict[str, object]:
    return {
        "total": yuan(result.total),
        "shares": [{"party": s.party, "amount": yuan(s.amount)} for s in result.shares],
        "parts": [{"id": p.id, "weight": str(p.weight), "amount": yuan(p.amount)}
                  for p in result.parts],
    }


def split_text(result: Split) -> str:
    out = []
    if len(result.shares) > 1:
        out.append(table(("party", "share"),
                         [(s.party, s.amount.format_grouped()) for s in result.shares], right=(1,)))
        out.append("")
    out.append(table(("id", "weight", "amount"),
                     [(p.id, str(p.weight), p.amount.format_grouped()) for p in result.parts],
                     right=(1, 2)))
    out.append(f"check: {count_text(len(result.parts), 'part')} sum to "
               f"{result.parts_total.format_grouped()}"
               + (f" = the {result.shares[-1].party}' share" if len(result.shares) > 1 else "")
               + f"; total {result.total.format_grouped()}")
    return "\n".join(out)
