"""``commons revenue ...``: the five duties over public revenue (清、收、管、用、审).

clear, collect, rule and set-aside; signer, holder, limit and balance; propose, vote, tally,
approve, disburse and show; statement. Each parses, calls one commons.app method, renders.
"""

from __future__ import annotations

from typing import Any

import click

from commons.app import SPENDING_PURPOSES, SignerRole

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .render import echo_json, plain
from .resolution import proposal_json, proposal_line, tally_text
from .revenue_render import (
    balance_json,
    balance_text,
    clear_json,
    clear_text,
    collect_json,
    disbursement_json,
    rule_json,
    set_aside_json,
    statement_json,
    statement_text,
    status_json,
    status_text,
)

__all__ = ["revenue"]

ROLES = ", ".join(r.value for r in SignerRole)
COLLECT_HELP = """\b
FILE is a CSV with the header
  external_id,date,compound,resource,period,amount,payer,memo
  date YYYY-MM-DD; period YYYY-MM (the month the income is for);
  amount in yuan, positive, at most two decimals; payer and memo optional.
"""


@click.group(cls=CommonsGroup)
def revenue() -> None:
    """Public revenue: clear, collect, manage, use and audit (清、收、管、用、审)."""


@revenue.command("clear")
@click.argument("compound")
@click.option("--as-of", required=True, callback=date_option, help="Clear as of this date.")
@click.option("--opening", help="The verified opening balance of the co-managed account.")
@json_option
@pass_app
def clear(app: App, compound: str, as_of: Any, opening: str | None) -> None:
    """Every resource of COMPOUND with what it earned in the 12 months to --as-of, the idle
    ones, income naming no resource; with --opening, post the verified opening balance."""
    report = app.api.revenue.clear(compound, as_of=as_of, opening=opening)
    if app.json:
        echo_json(clear_json(report))
    else:
        click.echo(plain(clear_text(report)))


@revenue.command("collect", epilog=COLLECT_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", help="Text encoding of FILE (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def collect(app: App, file: str, encoding: str | None) -> None:
    """Post the incomes of FILE into each compound's co-managed account, the operator's
    commission split off to the fen. All or nothing; incomes already recorded are skipped."""
    s = app.api.revenue.collect(file, encoding=encoding)
    if app.json:
        echo_json(collect_json(s))
    else:
        click.echo(f"{s.file}: posted {s.posted}, already recorded {s.already_recorded}; "
                   f"income {s.income.format_grouped()}, commission "
                   f"{s.commission.format_grouped()}, owners' share "
                   f"{s.owners_share.format_grouped()}")


@revenue.command("rule")
@click.argument("compound")
@click.option("--commission", required=True, help="The operator's or firm's commission, %.")
@click.option("--max-commission", default="30", show_default=True,
              help="The cap the owners set on the commission, %.")
@click.option("--maintenance", default="50", show_default=True,
              help="The least share of net revenue set aside each quarter, %.")
@click.option("--from", "effective_from", required=True, callback=date_option,
              help="The date the rule takes effect.")
@json_option
@pass_app
def rule(app: App, compound: str, commission: str, max_commission: str, maintenance: str,
         effective_from: Any) -> None:
    """Set COMPOUND's sharing rule; a commission above the cap is refused."""
    r = app.api.revenue.rule(compound, commission_percent=commission,
                             max_commission_percent=max_commission,
                             maintenance_percent=maintenance, effective_from=effective_from)
    if app.json:
        echo_json(rule_json(r))
    else:
        click.echo(f"{r.compound} from {r.effective_from}: commission {r.commission_percent}% "
                   f"(cap {r.max_commission_percent}%), maintenance at least "
                   f"{r.maintenance_percent}%")


@revenue.command("set-aside")
@click.argument("compound")
@click.argument("quarter")
@json_option
@pass_app
def set_aside(app: App, compound: str, quarter: str) -> None:
    """Set aside at least the maintenance share of QUARTER's (2026-Q4) net public revenue."""
    s = app.api.revenue.set_aside(compound, quarter)
    if app.json:
        echo_json(set_aside_json(s))
    else:
        d = s.due
        click.echo(f"{s.compound} {d.quarter}: net revenue {d.net.format_grouped()} (income "
                   f"{d.income.format_grouped()} - commission {d.commission.format_grouped()});"
                   f" at least {d.percent}% = {d.required.format_grouped()}; {s.status}"
                   + (f" {s.amount.format_grouped()}" if s.amount else ""))


@revenue.command("signer")
@click.argument("compound")
@click.argument("signer")
@click.option("--role", required=True, help=f"One of {ROLES}.")
@click.option("--name", default="", help="The signer's name as residents know it (e.g. "
              "砂子塘社区居民委员会): the disclosure (公示) shows it, the id where none is given.")
@json_option
@pass_app
def signer(app: App, compound: str, signer: str, role: str, name: str) -> None:
    """Add SIGNER of COMPOUND's co-managed account, in a role."""
    s = app.api.revenue.add_signer(compound, signer, role=role, name=name)
    if app.json:
        echo_json({"compound": s.compound, "signer": s.id, "role": s.role.value,
                   "owners_side": s.role.owners_side, "name": s.name})
    else:
        click.echo(f"{s.compound}: signer {s.label}")


@revenue.command("holder")
@click.argument("compound")
@click.argument("holder")
@click.option("--role", required=True, help=f"One of {ROLES}, never firm.")
@json_option
@pass_app
def holder(app: App, compound: str, holder: str, role: str) -> None:
    """Record HOLDER, in whose name COMPOUND's co-managed account is held (never the firm)."""
    h = app.api.revenue.account_holder(compound, holder, role=role)
    if app.json:
        echo_json({"compound": h.compound, "holder": h.holder, "role": h.role.value})
    else:
        click.echo(f"{h.compound}: the co-managed account is held by {h.holder} "
                   f"({h.role.value})")


@revenue.command("limit")
@click.argument("compound")
@click.argument("amount")
@click.option("--resolution", required=True, help="The owners' resolution that set it.")
@json_option
@pass_app
def limit(app: App, compound: str, amount: str, resolution: str) -> None:
    """Set the most COMPOUND's committee may pay on its own decision, as the owners decided."""
    lim = app.api.revenue.limit(compound, amount, resolution=resolution)
    if app.json:
        echo_json({"compound": lim.compound, "amount": lim.amount.format(),
                   "resolution": lim.resolution})
    else:
        click.echo(f"{lim.compound}: the committee may pay up to "
                   f"{lim.amount.format_grouped()} (resolution {lim.resolution})")


@revenue.command("balance")
@click.argument("compound")
@json_option
@pass_app
def balance(app: App, compound: str) -> None:
    """COMPOUND's bank balance, maintenance fund, earmarked and owed money, and what is left."""
    b = app.api.revenue.balance(compound)
    if app.json:
        echo_json(balance_json(b))
    else:
        click.echo(plain(balance_text(b)))


@revenue.command("propose")
@click.argument("id")
@click.option("--compound", required=True, help="Whose public revenue pays.")
@click.option("--purpose", required=True, help=f"One of {', '.join(SPENDING_PURPOSES)}.")
@click.option("--amount", required=True, help="Yuan, at most two decimals.")
@click.option("--payee", required=True, help="Who is paid.")
@click.option("--memo", default="", help="What for, in words.")
@click.option("--resolution", help="The owners' resolution authorising it (above the limit).")
@json_option
@pass_app
def propose(app: App, id: str, compound: str, purpose: str, amount: str, payee: str,
            memo: str, resolution: str | None) -> None:
    """Propose spending ID: within the committee's limit, or under an owners' resolution."""
    app.api.revenue.propose(id, compound=compound, purpose=purpose, amount=amount, payee=payee,
                            memo=memo, resolution=resolution)
    _echo_status(app, id)


def _echo_status(app: App, id: str) -> None:
    s = app.api.revenue.show(id)
    if app.json:
        echo_json(status_json(s))
    else:
        click.echo(plain(status_text(s)))


@revenue.command("vote")
@click.argument("id")
@click.argument("owner")
@click.argument("choice", type=click.Choice(["yes", "no", "abstain"]))
@json_option
@pass_app
def vote(app: App, id: str, owner: str, choice: str) -> None:
    """Cast OWNER's ballot on the resolution spending ID names."""
    p = app.api.resolutions.vote(app.api.revenue.resolution_of(id), owner=owner, choice=choice)
    if app.json:
        echo_json(proposal_json(p))
    else:
        click.echo(plain(proposal_line(p)))


@revenue.command("tally")
@click.argument("id")
@click.option("--close", is_flag=True, help="Close the vote and store the tally.")
@json_option
@pass_app
def tally(app: App, id: str, close: bool) -> None:
    """The standing of the resolution spending ID names; --close resolves it."""
    t = app.api.revenue.close_vote(id) if close else app.api.revenue.tally(id)
    if app.json:
        echo_json(t.to_json())
    else:
        click.echo(plain(tally_text(t)))


@revenue.command("approve")
@click.argument("id")
@click.option("--signer", required=True, help="The signer approving it.")
@json_option
@pass_app
def approve(app: App, id: str, signer: str) -> None:
    """Approve spending ID: two signers of different roles, one of the owners' side."""
    app.api.revenue.approve(id, signer=signer)
    _echo_status(app, id)


@revenue.command("disburse")
@click.argument("id")
@click.option("--date", "day", required=True, callback=date_option, help="The payment date.")
@json_option
@pass_app
def disburse(app: App, id: str, day: Any) -> None:
    """Pay spending ID from the co-managed account, if authorised, approved and available."""
    d = app.api.revenue.disburse(id, date=day)
    if app.json:
        echo_json(disbursement_json(d))
    else:
        click.echo(f"disbursed {id}: {d.amount.format_grouped()} on {d.date} as entry "
                   f"{d.entry_id}, under "
                   + (f"resolution {d.authority.resolution}" if d.authority.resolution else
                      f"the committee's decision ({d.authority.signer})")
                   + "; approved by " + " and ".join(a.label for a in d.approvals))


@revenue.command("show")
@click.argument("id")
@json_option
@pass_app
def show(app: App, id: str) -> None:
    """Spending ID: its terms, approvals, earmark and payment."""
    _echo_status(app, id)


@revenue.command("statement")
@click.argument("compound")
@click.option("--from", "period_from", required=True, help="First month, YYYY-MM.")
@click.option("--to", "period_to", required=True, help="Last month, YYYY-MM.")
@json_option
@pass_app
def statement(app: App, compound: str, period_from: str, period_to: str) -> None:
    """Income by source and spending by purpose with its authority, and the balances."""
    s = app.api.revenue.statement(compound, period_from=period_from, period_to=period_to)
    if app.json:
        echo_json(statement_json(s))
    else:
        click.echo(plain(statement_text(s)))
