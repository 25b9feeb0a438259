"""``commons market ...``: the services marketplace (providers, services, agreements, subsidy
programmes, orders and their events, the host's event feed, settlement, statements, claims and
the month's report)."""

from __future__ import annotations

import os
from typing import Any

import click

from commons.app import MARKET_CHANNELS, MARKET_SORTS, count_text

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .market_render import (
    settlement_json,
    show_category,
    show_claim,
    show_order,
    show_providers,
    show_report,
    show_search,
    show_settlements,
)
from .render import echo_json, plain, table, yuan

__all__ = ["market"]

PERIOD = click.option("--period", required=True, metavar="YYYY-MM", help="The month.")
AT = click.option("--at", metavar="INSTANT",
                  help="When it happened, ISO 8601 (2026-11-03T11:20:00+08:00; no offset: "
                       "local time). Default: now.")
EVENT_ID = click.option("--event-id", metavar="ID",
                        help="The host's id of the event (default ORDER:STEP); the same id "
                             "sent again is a no-op.")


@click.group(cls=CommonsGroup)
def market() -> None:
    """The services marketplace: providers, services, subsidies, orders, settlement.

    Residents order canteen meals, childcare, elderly care, housekeeping or repairs; subsidy
    programmes and the provider's concession pay part; an agreement gives the compound a share
    of what providers earn there, credited to its public revenue (see docs/formats.md for the
    event feed).
    """


def _a(word: str) -> str:
    """The article before ``word``: "an hour", "an item", "a meal", "a call-out"."""
    return "an" if word[:1].lower() in "aeiou" or word.lower().startswith("hour") else "a"


def _echo(app: App, data: dict[str, Any], text: str) -> None:
    if app.json:
        echo_json(data)
    else:
        click.echo(plain(text))


@market.group("category", cls=CommonsGroup)
def category() -> None:
    """Service categories, their service levels and low-cost (低偿) ceilings."""


@category.command("add")
@click.argument("id")
@click.option("--name", required=True, help="What the category is called.")
@click.option("--accept-within", type=click.IntRange(1),
              help="Minutes within which an order must be accepted.  [default: the "
                   "category's current value; 60 for a new one]")
@click.option("--done-within", type=click.IntRange(1),
              help="Minutes within which an order must be done.  [default: the category's "
                   "current value; 1440 for a new one]")
@click.option("--ceiling", metavar="YUAN",
              help="Makes the category low-cost (低偿): a service above this price is "
                   "unlisted (not found, not orderable).  [default: the current ceiling]")
@click.option("--no-ceiling", is_flag=True, help="Lift the category's ceiling.")
@json_option
@pass_app
def category_add(app: App, id: str, name: str, accept_within: int | None,
                 done_within: int | None, ceiling: str | None, no_ceiling: bool) -> None:
    """Configure category ID (again: change its levels or ceiling; what is not given stays).

    Lowering the ceiling below a listed service's price unlists that service; the output
    names each one.
    """
    show_category(app.json, app.api.market.category(
        id, name=name, accept_within=accept_within, done_within=done_within, ceiling=ceiling,
        no_ceiling=no_ceiling))


@category.command("list")
@json_option
@pass_app
def category_list(app: App) -> None:
    """The categories (the seven defaults until one is configured)."""
    cs = app.read_only_api().market.categories()
    if app.json:
        echo_json({"categories": [{"id": c.id, "name": c.name, "accept_within": c.accept_within,
                                   "done_within": c.done_within, "ceiling": None if c.ceiling
                                   is None else yuan(c.ceiling)} for c in cs]})
        return
    click.echo(table(("id", "accept within", "done within", "ceiling", "name"),
                     [(c.id, str(c.accept_within), str(c.done_within),
                       "-" if c.ceiling is None else str(c.ceiling), c.name) for c in cs]))


@market.group("provider", cls=CommonsGroup)
def provider() -> None:
    """Firms, social organisations, the state-owned fallback firm, merchants, volunteers."""


@provider.command("add")
@click.argument("id")
@click.option("--name", required=True, help="The provider's name.")
@click.option("--kind", required=True, metavar="KIND",
              help="firm, social-organisation, state-fallback (国企兜底), merchant or "
                   "volunteer.")
@click.option("--areas", required=True, metavar="IDS",
              help="Compounds or management areas it serves, comma-separated.")
@click.option("--firm", help="The contracts firm it is: its blacklisting then applies.")
@click.option("--no-cancel-after-accept", is_flag=True,
              help="Its rule: an accepted order can no longer be cancelled.")
@json_option
@pass_app
def provider_add(app: App, id: str, name: str, kind: str, areas: str, firm: str | None,
                 no_cancel_after_accept: bool) -> None:
    """Record provider ID; again with the same details is a no-op."""
    app.api.market.add_provider(id, name=name, kind=kind, areas=areas, firm=firm,
                                cancel_after_accept=not no_cancel_after_accept)
    show_providers(app.json, (app.api.market.provider(id),))


@provider.command("list")
@json_option
@pass_app
def provider_list(app: App) -> None:
    """Every provider with its status, rating, service levels met and complaints."""
    show_providers(app.json, app.read_only_api().market.providers())


@provider.command("show")
@click.argument("id")
@json_option
@pass_app
def provider_show(app: App, id: str) -> None:
    """Provider ID with its standing (the bundle's firm's record for its evaluation)."""
    show_providers(app.json, (app.read_only_api().market.provider(id),))


@provider.command("suspend")
@click.argument("id")
@click.option("--reinstate", is_flag=True, help="Make a suspended provider active again.")
@json_option
@pass_app
def provider_suspend(app: App, id: str, reinstate: bool) -> None:
    """Suspend provider ID: it takes no new orders."""
    p = app.api.market.suspend(id, active=reinstate)
    _echo(app, {"id": p.id, "status": p.status.value}, f"provider {p.id}: {p.status.value}")


@market.group("service", cls=CommonsGroup)
def service() -> None:
    """The services providers list, and search for a household."""


@service.command("add")
@click.argument("id")
@click.option("--provider", required=True, help="Who provides it.")
@click.option("--category", required=True, help="Its category (commons market category list).")
@click.option("--name", required=True, help="What residents see.")
@click.option("--unit", required=True, help="What one unit is: meal, hour, call-out ...")
@click.option("--price", required=True, metavar="YUAN", help="The list price of one unit.")
@click.option("--compounds", required=True, metavar="IDS",
              help="The compounds it reaches, comma-separated.")
@json_option
@pass_app
def service_add(app: App, id: str, provider: str, category: str, name: str, unit: str,
                price: str, compounds: str) -> None:
    """List service ID; refused above a low-cost ceiling or from a blacklisted provider."""
    s = app.api.market.add_service(id, provider=provider, category=category, name=name,
                                   unit=unit, price=price, compounds=compounds)
    _echo(app, {"id": s.id, "provider": s.provider, "category": s.category, "name": s.name,
                "unit": s.unit, "price": yuan(s.price), "compounds": list(s.compounds)},
          f"service {s.id}: {s.name}, {s.price} {_a(s.unit)} {s.unit}, by {s.provider}")


@service.command("list")
@click.option("--provider", help="Only this provider's.")
@click.option("--compound", help="Only those reaching this compound.")
@click.option("--category", help="Only this category.")
@json_option
@pass_app
def service_list(app: App, provider: str | None, compound: str | None,
                 category: str | None) -> None:
    """The services listed."""
    ss = app.read_only_api().market.services(provider=provider, compound=compound,
                                             category=category)
    if app.json:
        echo_json({"services": [{"id": s.id, "provider": s.provider, "category": s.category,
                                 "name": s.name, "unit": s.unit, "price": yuan(s.price),
                                 "compounds": list(s.compounds)} for s in ss]})
        return
    click.echo(table(("id", "provider", "category", "unit", "price", "name"),
                     [(s.id, s.provider, s.category, s.unit, str(s.price), s.name)
                      for s in ss], right=(4,)))


@service.command("search")
@click.argument("household")
@click.option("--category", help="Only this category.")
@click.option("--sort", type=click.Choice(MARKET_SORTS), default="price", show_default=True,
              help="By the household's own price after subsidies, the provider's rating, "
                   "or its service-level record.")
@click.option("--resident", help="Price for this resident of the household (default: the "
                                 "household's resident who pays least).")
@json_option
@pass_app
def service_search(app: App, household: str, category: str | None, sort: str,
                   resident: str | None) -> None:
    """The services open to HOUSEHOLD, best first.

    "you pay" is the household's price after subsidies; "for" names the resident whose
    subsidy it assumes (order with --resident to get it); "levels" is the provider's share of
    completed orders done within the category's service levels (met/measured), which
    --sort levels orders by. Services above their category's ceiling are not shown.
    """
    show_search(app.json, app.read_only_api().market.search(
        household, category=category, sort=sort, resident=resident))


@market.group("resident", cls=CommonsGroup)
def resident() -> None:
    """Residents' eligibility tags (aged-80+, 低保, disabled ...) and birth year only."""


@resident.command("add")
@click.argument("id")
@click.option("--household", required=True, help="The household the resident lives in.")
@click.option("--tags", default="", help="Eligibility tags, comma-separated.")
@click.option("--birth-year", type=click.IntRange(1890, 2100), help="The year of birth.")
@click.option("--since", callback=date_option, metavar="YYYY-MM-DD",
              help="The tags hold from this date (default today).")
@json_option
@pass_app
def resident_add(app: App, id: str, household: str, tags: str, birth_year: int | None,
                 since: Any) -> None:
    """Record resident ID's tags from a date (eligibility is read as of the service date)."""
    r = app.api.market.add_resident(id, household=household, tags=tags, birth_year=birth_year,
                                    since=since)
    _echo(app, {"id": r.id, "household": r.household, "tags": list(r.tags),
                "birth_year": r.birth_year},
          f"resident {r.id} of {r.household}: {', '.join(r.tags) or 'no tags'}")


@market.group("agreement", cls=CommonsGroup)
def agreement() -> None:
    """A provider's agreement with a compound: space, in-kind rent, the compound's share."""


@agreement.command("add")
@click.argument("id")
@click.option("--provider", required=True, help="The provider.")
@click.option("--compound", required=True, help="The compound whose revenue gets the share.")
@click.option("--from", "starts_on", required=True, callback=date_option,
              metavar="YYYY-MM-DD", help="When it takes effect.")
@click.option("--space", help="The estate resource (a room) the provider uses.")
@click.option("--rent", default="0", show_default=True, metavar="YUAN",
              help="The space's rent value given in kind (0: rent-free).")
@click.option("--share-percent", metavar="PERCENT", help="The compound's share of gross.")
@click.option("--fixed", metavar="YUAN", help="Or a fixed monthly sum.")
@click.option("--earmark", default="", help="What the share is for, e.g. cleaning.")
@json_option
@pass_app
def agreement_add(app: App, id: str, provider: str, compound: str, starts_on: Any,
                  space: str | None, rent: str, share_percent: str | None, fixed: str | None,
                  earmark: str) -> None:
    """Record agreement ID; again with the same details is a no-op."""
    a = app.api.market.add_agreement(id, provider=provider, compound=compound,
                                     starts_on=starts_on, space=space, rent=rent,
                                     share_percent=share_percent, fixed=fixed, earmark=earmark)
    share = f"{a.share_percent}% of gross" if a.share_percent is not None else \
        f"{a.fixed_monthly} a month"
    _echo(app, {"id": a.id, "provider": a.provider, "compound": a.compound,
                "starts_on": a.starts_on.isoformat(), "space": a.space,
                "rent_in_kind": yuan(a.rent_in_kind),
                "share_percent": None if a.share_percent is None else str(a.share_percent),
                "fixed": None if a.fixed_monthly is None else yuan(a.fixed_monthly),
                "earmark": a.earmark},
          f"agreement {a.id}: {a.compound} gets {share} of {a.provider}"
          f"{f', for {a.earmark}' if a.earmark else ''}")


@market.group("subsidy", cls=CommonsGroup)
def subsidy() -> None:
    """Subsidy programmes: who pays part of an order, capped and budgeted."""


@subsidy.command("add")
@click.argument("id")
@click.option("--funder", required=True, help="Who pays, e.g. street-office.")
@click.option("--tag", required=True, help="The eligibility tag, e.g. aged-80+.")
@click.option("--categories", required=True, metavar="IDS", help="Categories, comma-separated.")
@click.option("--percent", required=True, metavar="PERCENT",
              help="The share of the price the funder pays, e.g. 30 or 12.5.")
@click.option("--cap", required=True, metavar="YUAN", help="At most this per person a month.")
@click.option("--budget", required=True, metavar="YUAN", help="At most this a month in all.")
@click.option("--concession", default="0", show_default=True, metavar="PERCENT",
              help="The share the provider gives up, e.g. 5.")
@json_option
@pass_app
def subsidy_add(app: App, id: str, funder: str, tag: str, categories: str, percent: str,
                cap: str, budget: str, concession: str) -> None:
    """Record programme ID; again with the same details is a no-op."""
    p = app.api.market.add_subsidy(id, funder=funder, tag=tag, categories=categories,
                                   percent=percent, cap=cap, budget=budget,
                                   concession=concession)
    _echo(app, {"id": p.id, "funder": p.funder, "tag": p.tag, "categories": list(p.categories),
                "percent": str(p.percent), "cap": yuan(p.cap), "budget": yuan(p.budget),
                "concession": str(p.concession)},
          f"programme {p.id}: {p.funder} pays {p.percent}% for {p.tag}, at most {p.cap} a "
          f"person and {p.budget} a month; the provider concedes {p.concession}%")


@market.group("order", cls=CommonsGroup)
def order() -> None:
    """Orders: place, accept, start, complete, cancel, dispute, resolve, rate."""


@order.command("place")
@click.argument("order_id", metavar="ORDER")
@click.option("--service", required=True, help="The service ordered.")
@click.option("--household", required=True, help="The household ordering.")
@click.option("--resident", help="The resident it is for (subsidies follow their tags).")
@click.option("--units", type=click.IntRange(1), default=1, show_default=True,
              help="How many units.")
@click.option("--channel", default="wechat-pay", show_default=True, metavar="CHANNEL",
              help=f"How the resident pays: {', '.join(MARKET_CHANNELS)} (微信支付, 支付宝, "
                   "现金 too, as in the event feed).")
@AT
@EVENT_ID
@json_option
@pass_app
def order_place(app: App, order_id: str, service: str, household: str, resident: str | None,
                units: int, channel: str, at: str | None, event_id: str | None) -> None:
    """Place ORDER; says the household's price, and whether this month's subsidy is spent."""
    out = app.api.market.place_order(order_id, service=service, household=household,
                                     resident=resident, units=units, channel=channel, at=at,
                                     event_id=event_id)
    show_order(app.json, out.order, out.status, out.quote)


def _step(name: str, summary: str, *extra: Any) -> None:
    """Register ``order NAME ORDER [--at] [--event-id]`` plus ``extra`` options."""

    @click.argument("order_id", metavar="ORDER")
    @AT
    @EVENT_ID
    @json_option
    @pass_app
    def command(app: App, /, order_id: str, at: str | None, event_id: str | None,
                **fields: Any) -> None:
        out = app.api.market.event(order_id, name, at=at, event_id=event_id, **fields)
        show_order(app.json, out.order, out.status)

    command.__doc__ = summary
    for option in extra:
        command = option(command)
    order.command(name)(command)


_step("accept", "The provider accepts ORDER (refused if it is on the blacklist).")
_step("start", "The provider starts ORDER.")
_step("complete", "ORDER is done: its price and split are fixed and posted.")
_step("cancel", "Cancel ORDER: free before acceptance; after it, by the provider's rule.",
      click.option("--comment", help="Why."))
_step("dispute", "The resident disputes completed ORDER.", click.option("--comment", help="Why."))
_step("resolve", "Resolve disputed ORDER with a refund (in full unless --refund).",
      click.option("--refund", metavar="YUAN",
                   help="A partial refund of the resident's part (default: in full)."))
_step("rate", "Rate ORDER 1-5 stars, once.",
      click.option("--stars", type=click.IntRange(1, 5), required=True, help="1 to 5."),
      click.option("--comment", help="What the resident said."))


@order.command("show")
@click.argument("order_id", metavar="ORDER")
@json_option
@pass_app
def order_show(app: App, order_id: str) -> None:
    """ORDER as its events left it."""
    show_order(app.json, app.read_only_api().market.order(order_id))


@market.command("import")
@click.argument("events", metavar="EVENTS.jsonl")
@click.option("--encoding", help="The file's encoding (default: detected).")
@json_option
@pass_app
def import_events(app: App, events: str, encoding: str | None) -> None:
    """Apply a host's event feed: all or nothing; events already recorded are skipped."""
    # A large feed is parsed in a second process meanwhile, as `ledger post` does.
    b = app.api.market.import_events(events, encoding=encoding, workers=os.cpu_count() or 1)
    _echo(app, {"file": b.file, "applied": b.applied, "already_recorded": b.already_recorded,
                "orders": b.orders},
          f"{b.file}: {count_text(b.applied, 'event')} applied, {b.already_recorded} "
          f"already recorded, {count_text(b.orders, 'order')} changed")


@market.command("settle")
@PERIOD
@json_option
@pass_app
def settle(app: App, period: str) -> None:
    """Settle the month for every provider: post each compound's share, once.

    Only a month that has ended: December is settled from 1 January on.
    """
    run = app.api.market.settle(period)
    show_settlements(app.json, str(run.period), [(s, True) for s in run.settlements],
                     f"{run.posted} settled now, {run.already_recorded} already settled")


@market.command("statement")
@click.argument("provider_id", metavar="PROVIDER")
@PERIOD
@json_option
@pass_app
def statement(app: App, provider_id: str, period: str) -> None:
    """PROVIDER's statement of the month (a preview until the month is settled)."""
    st = app.read_only_api().market.statement(provider_id, period)
    if app.json:
        echo_json(settlement_json(st.settlement, st.settled))
        return
    show_settlements(False, period, [(st.settlement, st.settled)])


@market.command("claims")
@click.option("--funder", required=True, help="Who pays, e.g. street-office.")
@PERIOD
@json_option
@pass_app
def claims(app: App, funder: str, period: str) -> None:
    """The funder's subsidy claim: each eligible order (household, tag, units, amount)."""
    show_claim(app.json, app.read_only_api().market.claims(funder, period))


@market.command("report")
@PERIOD
@click.option("--compound", help="Only this compound's orders (a compound of the estate).")
@json_option
@pass_app
def report(app: App, period: str, compound: str | None) -> None:
    """Orders, completion rate, service levels met, ratings and income by provider.

    \b
    orders      completed in the month, or placed in it and not completed
    completed   of those, completed (including disputed, resolved and rated ones)
    rate        completed / (completed + cancelled): orders still open are left out
    levels met  completed orders accepted and done within their category's minutes
    rating      Bayesian average of the stars: the month's mean counts as 5 ratings
    complaints  orders disputed (and resolved)
    income      gross of the orders that settle, less refunds
    """
    show_report(app.json, app.read_only_api().market.report(period, compound=compound))

