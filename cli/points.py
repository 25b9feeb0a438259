"""``commons points ...``: volunteer points (嘉州积分): programmes, members, rosters submitted and
confirmed, the points shelf, redemptions, transfers, expiry, balances, statements and the
programme report."""

from __future__ import annotations

import os
from typing import Any

import click

from commons.app import POINTS_PROGRAMME_HELP

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .points_render import (
    balance_json,
    confirmed_json,
    confirmed_text,
    expiry_json,
    member_json,
    members_text,
    programme_json,
    programme_text,
    redemption_json,
    report_json,
    report_text,
    restocked_json,
    statement_json,
    statement_text,
    transfer_json,
)
from .render import echo_json, plain

__all__ = ["points"]

PROGRAMME = click.option("--programme", metavar="ID", help="The points programme (default: "
                         "the only one the person or roster is in).")
NEEDED = click.option("--programme", metavar="ID", required=True,
                      help="The points programme.")
ON = click.option("--on", callback=date_option, metavar="YYYY-MM-DD",
                  help="The day it happens (default: today).")
AS_OF = click.option("--as-of", callback=date_option, metavar="YYYY-MM-DD",
                     help="The day to look at (default: today).")
BY = click.option("--by", metavar="PERSON", help="Who does it (default: --actor).")


def _echo(app: App, data: dict[str, Any], text: str) -> None:
    if app.json:
        echo_json(data)
    else:
        click.echo(plain(text))


@click.group(cls=CommonsGroup)
def points() -> None:
    """Volunteer points (积分): earned for service, spent in the marketplace, kept in the books.

    As in Leshan's 嘉州积分, residents and volunteers earn points by cleaning up, helping the old
    and staffing events; a roster an organiser submits issues points only once a second person
    of another role confirms it. Points are a unit of their own (PTS) in the same journal.
    """


@points.group("programme", cls=CommonsGroup)
def programme() -> None:
    """Points programmes: kinds, cap, rate, expiry, sponsor fund, staff, shelf, members."""


@programme.command("add", epilog=POINTS_PROGRAMME_HELP)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--on", callback=date_option, metavar="YYYY-MM-DD",
              help="The day the sponsor fund is paid in (default: today).")
@json_option
@pass_app
def programme_add(app: App, file: str, on: Any) -> None:
    """Record the programme FILE describes (TOML), with its members; again is a no-op."""
    done = app.api.points.add_programme(file, on=on)
    p = done.programme
    _echo(app, {**programme_json(p), "members": done.members,
                "already_recorded": done.already_recorded},
          f"programme {p.id}: {'already recorded' if done.already_recorded else 'recorded'}; "
          f"{done.members} members enrolled; sponsor fund {p.fund.format_symbol()}")


@programme.command("show")
@click.argument("id")
@json_option
@pass_app
def programme_show(app: App, id: str) -> None:
    """Show programme ID: kinds, cap, rate, expiry, fund, staff and the points shelf."""
    p = app.read_only_api().points.programme(id)
    _echo(app, programme_json(p), programme_text(p))


@points.group("member", cls=CommonsGroup)
def member() -> None:
    """A programme's members: their household, and whether they agreed to be named."""


@member.command("add")
@click.argument("person")
@NEEDED
@click.option("--household", required=True, metavar="ID", help="The household they belong "
              "to (it must be recorded).")
@click.option("--named/--unnamed", default=False, show_default=True, help="Whether they "
              "agreed to be named on the notice board.")
@BY
@json_option
@pass_app
def member_add(app: App, person: str, programme: str, household: str, named: bool,
               by: str | None) -> None:
    """Enrol PERSON in the programme, as one of its staff. Again with the same household is a
    no-op (the consent given is kept); another household is refused."""
    e = app.api.points.add_member(programme, person, household=household, named=named, by=by)
    state = "already enrolled" if e.already_recorded else (
        "consent updated" if e.consent_changed else "enrolled")
    _echo(app, {**member_json(e.member), "programme": e.programme,
                "already_recorded": e.already_recorded, "consent_changed": e.consent_changed},
          f"{e.member.person} of {e.member.household} in {e.programme}: {state}; "
          + ("named" if e.member.named else "not named") + " on the notice board")


@member.command("list")
@NEEDED
@json_option
@pass_app
def member_list(app: App, programme: str) -> None:
    """The programme's members, their households and whether they are named."""
    found = app.read_only_api().points.members(programme)
    _echo(app, {"programme": programme, "members": [member_json(m) for m in found]},
          members_text(found))


@points.group("shelf", cls=CommonsGroup)
def shelf() -> None:
    """The programme's points shelf: goods residents take for points (see programme show)."""


@shelf.command("restock")
@click.argument("item")
@NEEDED
@click.option("--quantity", type=int, required=True, metavar="N", help="How many more.")
@click.option("--id", required=True, metavar="ID", help="The host's id of the restock (a "
              "delivery note): the same again is a no-op.")
@BY
@ON
@json_option
@pass_app
def shelf_restock(app: App, item: str, programme: str, quantity: int, id: str,
                  by: str | None, on: Any) -> None:
    """Put N more of shelf ITEM on the programme's points shelf, as one of its staff; once
    per --id."""
    r = app.api.points.restock(programme, item, quantity, id=id, by=by, on=on)
    _echo(app, restocked_json(r), f"{r.item}: {r.quantity} more by {r.by} ({r.id}); "
          f"{r.stock} on the shelf" + (" (recorded before; nothing changed)"
                                       if r.already_recorded else ""))


@points.group("roster", cls=CommonsGroup)
def roster() -> None:
    """Rosters of who served: submitted by an organiser, confirmed by another role."""


@roster.command("submit")
@click.argument("file", type=click.Path(dir_okay=False))
@NEEDED
@click.option("--id", metavar="ID", help="The roster's id (default: FILE's name).")
@BY
@click.option("--encoding", help="The CSV's text encoding (default: UTF-8, else GB18030).")
@json_option
@pass_app
def roster_submit(app: App, file: str, programme: str, id: str | None, by: str | None,
                  encoding: str | None) -> None:
    """Submit roster FILE (CSV: activity,kind,date,person,quantity; quantity in hours or
    tasks, as the kind counts) for confirmation. Nothing is issued until it is confirmed."""
    s = app.api.points.submit(programme, file, id=id, by=by, encoding=encoding,
                              workers=os.cpu_count() or 1)  # a large file parsed meanwhile
    _echo(app, {"programme": s.programme, "roster": s.id, "lines": s.lines,
                "submitted_by": s.submitted_by, "already_recorded": s.already_recorded},
          f"roster {s.id}: {s.lines} lines "
          + ("recorded before; nothing changed" if s.already_recorded else
             f"submitted by {s.submitted_by}; confirm it as a person of another role"))


@roster.command("confirm")
@click.argument("id")
@PROGRAMME
@BY
@ON
@json_option
@pass_app
def roster_confirm(app: App, id: str, programme: str | None, by: str | None, on: Any) -> None:
    """Confirm roster ID and issue its points under the monthly cap (the excess is reported,
    not issued); again is a no-op."""
    c = app.api.points.confirm(id, programme=programme, by=by, on=on)
    _echo(app, confirmed_json(c), confirmed_text(c))


@points.command("redeem")
@NEEDED
@click.option("--person", required=True, metavar="PERSON", help="Whose points are spent.")
@click.option("--order", metavar="ORDER", help="A completed marketplace order of their "
              "household: the points pay part of the resident's share.")
@click.option("--points", "count", type=int, metavar="N", help="Points to spend on --order.")
@click.option("--item", metavar="ITEM", help="Goods from the programme's points shelf.")
@click.option("--quantity", type=int, default=1, show_default=True, help="How many --item.")
@click.option("--id", metavar="ID", help="The host's id of a shelf redemption (a receipt).")
@ON
@json_option
@pass_app
def redeem(app: App, programme: str, person: str, order: str | None, count: int | None,
           item: str | None, quantity: int, id: str | None, on: Any) -> None:
    """Spend points, oldest first: on an order (worth points / rate yuan, rounded half up to
    the fen, paid to the provider from the sponsor fund at settlement) or on shelf goods."""
    r = app.api.points.redeem(programme, person, points=count, order=order, item=item,
                              quantity=quantity, id=id, on=on)
    what = f"order {r.order} at {r.provider}, worth {r.value.format_symbol()}" if r.order \
        else f"{r.quantity} x {r.item}"
    _echo(app, redemption_json(r), f"{r.person} spent {r.points} points on {what}"
          + (" (recorded before; nothing changed)" if r.already_recorded else ""))


@points.command("transfer")
@NEEDED
@click.option("--from", "giver", required=True, metavar="PERSON", help="Who gives.")
@click.option("--to", "taker", required=True, metavar="PERSON", help="Who receives.")
@click.option("--points", "count", type=int, required=True, metavar="N", help="How many.")
@click.option("--id", required=True, metavar="ID", help="The host's id of the transfer.")
@ON
@json_option
@pass_app
def transfer(app: App, programme: str, giver: str, taker: str, count: int, id: str,
             on: Any) -> None:
    """Transfer points within a household (between households only where the programme
    allows it); the received lots keep their expiry days."""
    t = app.api.points.transfer(programme, giver, taker, count, id=id, on=on)
    _echo(app, transfer_json(t), f"{t.giver} gave {t.points} points to {t.taker}"
          + (" (recorded before; nothing changed)" if t.already_recorded else ""))


@points.command("expire")
@click.option("--as-of", callback=date_option, metavar="YYYY-MM-DD",
              help="Lots expiring on or before this day are moved (default: today; a day "
              "after today is refused).")
@click.option("--programme", metavar="ID", help="The points programme (default: every "
              "programme).")
@json_option
@pass_app
def expire(app: App, as_of: Any, programme: str | None) -> None:
    """Move expired lots to each programme's expired account, once."""
    runs = app.api.points.expire(as_of, programme=programme)
    _echo(app, expiry_json(runs), "\n".join(
        f"{e.programme}: {e.points} points of {e.people} people expired ({e.lots} lots)"
        for e in runs) or "no programme")


@points.command("balance")
@click.argument("person")
@PROGRAMME
@AS_OF
@json_option
@pass_app
def balance(app: App, person: str, programme: str | None, as_of: Any) -> None:
    """PERSON's points: held, spendable, and what those are worth."""
    b = app.read_only_api().points.balance(person, programme=programme, as_of=as_of)
    _echo(app, balance_json(b), f"{b.person} in {b.programme}: {b.balance} points held, "
          f"{b.spendable} spendable on {b.as_of} (worth {b.value.format_symbol()})")


@points.command("statement")
@click.argument("person")
@PROGRAMME
@AS_OF
@json_option
@pass_app
def statement(app: App, person: str, programme: str | None, as_of: Any) -> None:
    """PERSON's statement: every lot with its expiry day, and every movement."""
    s = app.read_only_api().points.statement(person, programme=programme, as_of=as_of)
    _echo(app, statement_json(s), statement_text(s))


@points.command("report")
@NEEDED
@click.option("--period", required=True, metavar="PERIOD", help="A month (2026-12) or a "
              "quarter (2026-Q4).")
@json_option
@pass_app
def report(app: App, programme: str, period: str) -> None:
    """The programme's points (issued = held + spent + expired), their yuan liability against
    the sponsor fund (with a warning when it cannot cover it), and the period's points per
    building for the notice board."""
    r = app.read_only_api().points.report(programme, period)
    _echo(app, report_json(r), report_text(r))
