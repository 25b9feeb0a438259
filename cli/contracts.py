"""``commons contract ...`` (catalog, firms, bundles, contracts, tenders and bids, evaluations,
the blacklist, settlement) and ``commons bundle simulate``."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Any

import click

from commons.app import (
    BlacklistEntry,
    Bundle,
    BundleContract,
    Firm,
    MarketRecord,
    SettleReport,
    count_text,
    fraction_text,
    unit_price_text,
)

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .bundle_render import BidAsked, bid_json, bid_text, simulation_json, simulation_text
from .plots import plot_bundle, plot_sweep
from .render import echo_json, plain, table, yuan

__all__ = ["bundle", "contract"]


decimals = fraction_text


price = unit_price_text


@click.group(cls=CommonsGroup)
def contract() -> None:
    """Bundled service contracts: catalog, firms, bundles, tenders, evaluations, settlement."""


@contract.command("catalog")
@json_option
@pass_app
def catalog(app: App) -> None:
    """The service list (7 categories, 23 items) with each item's cost driver and level."""
    shown = app.api.contracts.catalog()
    if app.json:
        echo_json({"categories": [{"id": c.id, "name": c.name} for c in shown.categories],
                   "items": [{"id": i.id, "category": i.category, "name": i.name,
                              "driver": i.driver.value, "level": i.level.value}
                             for i in shown.items]})
        return
    click.echo(table(("item", "category", "driver", "level", "name"),
                     [(i.id, i.category, i.driver.value, i.level.value, i.name)
                      for i in shown.items]))


@contract.group("firm", cls=CommonsGroup)
def firm() -> None:
    """Property-service firms."""


def _firms(app: App, firms: tuple[Firm, ...]) -> None:
    if app.json:
        echo_json({"firms": [{"id": f.id, "name": f.name} for f in firms]})
    else:
        click.echo(table(("id", "name"), [(f.id, f.name) for f in firms]))


@firm.command("add")
@click.argument("id")
@click.option("--name", required=True, help="The firm's registered name.")
@json_option
@pass_app
def firm_add(app: App, id: str, name: str) -> None:
    """Record firm ID; again with the same name is a no-op."""
    _firms(app, (app.api.contracts.add_firm(id, name=name),))


@firm.command("list")
@json_option
@pass_app
def firm_list(app: App) -> None:
    """Every recorded firm."""
    _firms(app, app.api.contracts.firms())


@contract.group("bundle", cls=CommonsGroup)
def bundle_group() -> None:
    """Bundles of adjacent compounds contracted together (连片打包)."""


def _bundles(app: App, bundles: tuple[Bundle, ...]) -> None:
    if app.json:
        echo_json({"bundles": [{"id": b.id, "name": b.name, "compounds": list(b.compounds)}
                               for b in bundles]})
    else:
        click.echo(table(("id", "name", "compounds"),
                         [(b.id, b.name, " ".join(b.compounds)) for b in bundles]))


@bundle_group.command("add")
@click.argument("id")
@click.argument("compounds", nargs=-1, required=True)
@click.option("--name", default="", help="A name for the bundle.")
@json_option
@pass_app
def bundle_add(app: App, id: str, compounds: tuple[str, ...], name: str) -> None:
    """Record bundle ID of the recorded COMPOUNDS."""
    _bundles(app, (app.api.contracts.add_bundle(id, compounds=compounds, name=name),))


@bundle_group.command("list")
@json_option
@pass_app
def bundle_list(app: App) -> None:
    """Every recorded bundle."""
    _bundles(app, app.api.contracts.bundles())


def _contract_json(c: BundleContract) -> dict[str, Any]:
    return {"id": c.id, "bundle": c.bundle, "firm": c.firm, "starts_on": c.starts_on,
            "ends_on": c.ends_on, "regime": c.regime.value, "unit_price": yuan(c.unit_price),
            "base_percent": str(c.base_percent),
            "commission_percent": None if c.commission_percent is None
            else str(c.commission_percent),
            "weights": {"street_office": c.weights[0], "community": c.weights[1],
                        "committee": c.weights[2]}, "items": list(c.items)}


def _show_contract(app: App, c: BundleContract) -> None:
    if app.json:
        echo_json(_contract_json(c))
        return
    rate = f", commission {c.commission_percent}%" if c.commission_percent is not None else ""
    click.echo(f"contract {c.id}: firm {c.firm} serves bundle {c.bundle} from {c.starts_on} to "
               f"{c.ends_on}\n  {c.regime.value}{rate}, {c.unit_price} CNY/m²/month, base "
               f"{c.base_percent}% + performance; weights street office/community/committee "
               f"{'/'.join(map(str, c.weights))}\n  items: {', '.join(c.items)}")


@contract.command("sign")
@click.argument("id")
@click.option("--bundle", "bundle_id", required=True, help="The bundle served.")
@click.option("--firm", "firm_id", required=True, help="The firm serving it.")
@click.option("--from", "starts_on", required=True, callback=date_option,
              help="First day YYYY-MM-DD.")
@click.option("--to", "ends_on", required=True, callback=date_option, help="Last day YYYY-MM-DD.")
@click.option("--regime", required=True, type=click.Choice(["lump_sum", "commission"]),
              help="lump_sum (包干制) or commission (酬金制).")
@click.option("--price", required=True, help="Fee in yuan per m² per month, e.g. 0.80.")
@click.option("--commission", help="Commission in percent of costs, 5-10 (commission only).")
@click.option("--base", default="70", show_default=True,
              help="Percent of the pay paid whatever the score; the rest follows it.")
@click.option("--item", "items", multiple=True, help="A catalog item (repeat); default all.")
@click.option("--weights", default="40,30,30", show_default=True,
              help="Street office, community, committee weights in percent.")
@json_option
@pass_app
def sign(app: App, id: str, bundle_id: str, firm_id: str, starts_on: Any, ends_on: Any,
         regime: str, price: str, commission: str | None, base: str, items: tuple[str, ...],
         weights: str) -> None:
    """Record contract ID between a firm and a bundle."""
    signed = app.api.contracts.sign(id, bundle=bundle_id, firm=firm_id, starts_on=starts_on,
                                    ends_on=ends_on, regime=regime, unit_price=price,
                                    base_percent=base, commission_percent=commission,
                                    items=items or None, weights=weights)
    _show_contract(app, signed)


@contract.command("show")
@click.argument("id")
@json_option
@pass_app
def show(app: App, id: str) -> None:
    """Show contract ID."""
    _show_contract(app, app.api.contracts.show(id))


@contract.group("tender", cls=CommonsGroup)
def tender() -> None:
    """Tenders of bundles, and the bids on them."""


@tender.command("open")
@click.argument("id")
@click.option("--bundle", "bundle_id", required=True, help="The bundle put out to tender.")
@click.option("--closes", required=True, callback=date_option, help="Last day for bids YYYY-MM-DD.")
@click.option("--opens", callback=date_option, help="First day for bids (default today).")
@json_option
@pass_app
def tender_open(app: App, id: str, bundle_id: str, closes: Any, opens: Any) -> None:
    """Open tender ID for a bundle."""
    opened = app.api.contracts.tender(id, bundle=bundle_id, closes_on=closes, opens_on=opens)
    if app.json:
        echo_json({"id": opened.id, "bundle": opened.bundle, "opens_on": opened.opens_on,
                   "closes_on": opened.closes_on})
    else:
        click.echo(f"tender {opened.id}: bundle {opened.bundle}, bids {opened.opens_on} to "
                   f"{opened.closes_on}")


@tender.command("bids")
@click.argument("id")
@json_option
@pass_app
def tender_bids(app: App, id: str) -> None:
    """The bids on tender ID, lowest price first."""
    bids = app.api.contracts.bids(id)
    if app.json:
        echo_json({"tender": id, "bids": [{"firm": b.firm, "unit_price": yuan(b.unit_price),
                                           "date": b.bid_on} for b in bids]})
    else:
        click.echo(table(("firm", "unit price", "date"),
                         [(b.firm, str(b.unit_price), str(b.bid_on)) for b in bids], right=(1,)))


@contract.command("bid")
@click.argument("tender_id")
@click.option("--firm", "firm_id", required=True, help="The firm bidding.")
@click.option("--price", required=True, help="Its price in yuan per m² per month.")
@click.option("--date", "on", callback=date_option, help="Date of the bid (default today).")
@json_option
@pass_app
def bid(app: App, tender_id: str, firm_id: str, price: str, on: Any) -> None:
    """Bid on TENDER_ID; refused when the firm is blacklisted."""
    made = app.api.contracts.bid(tender_id, firm=firm_id, unit_price=price, on=on)
    if app.json:
        echo_json({"tender": made.tender, "firm": made.firm, "unit_price": yuan(made.unit_price),
                   "date": made.bid_on})
    else:
        click.echo(f"bid: {made.firm} on {made.tender} at {made.unit_price} CNY/m²/month")


@contract.command("evaluate")
@click.argument("contract_id")
@click.argument("period")
@click.option("--street-office", required=True, help="The street office's score, 0-100.")
@click.option("--community", required=True, help="The community's score, 0-100.")
@click.option("--committee", required=True, help="The owners' or self-management committee's.")
@json_option
@pass_app
def evaluate(app: App, contract_id: str, period: str, street_office: str, community: str,
             committee: str) -> None:
    """Record CONTRACT_ID's evaluation for PERIOD (YYYY-MM); print the weighted score.

    Where the contract's firm is also a marketplace provider, its month there in the bundle's
    compounds takes points off: 10 times the share of its completed orders that missed their
    service levels, and 20 per complaint per order (at most 10). The settlement's
    performance pay follows the score after it."""
    scored = app.api.contracts.evaluate(contract_id, period, street_office=street_office,
                                        community=community, committee=committee)
    e = scored.evaluation
    if app.json:
        echo_json({"contract": e.contract, "period": str(e.period),
                   "scores": {"street_office": str(e.street_office),
                              "community": str(e.community), "committee": str(e.committee)},
                   "weights": list(scored.weights),
                   "weighted_score": decimals(scored.weighted, 2),
                   "market": _market_json(scored.market), "score": decimals(scored.score, 2)})
        return
    click.echo(f"{e.contract} {e.period}: weighted score {decimals(scored.weighted, 2)} of 100")
    if scored.market is not None:
        click.echo(f"{_market_text(scored.market)}: score {decimals(scored.score, 2)}")


def _market_json(record: MarketRecord | None) -> dict[str, Any] | None:
    """The firm's marketplace record and the points it took off, or None (no provider)."""
    if record is None:
        return None
    return {"orders": record.orders, "levels_measured": record.levels_measured,
            "levels_met": record.levels_met, "complaints": record.complaints,
            "levels_points": decimals(record.levels_points, 2),
            "complaint_points": decimals(record.complaint_points, 2),
            "deduction": decimals(record.deduction, 2)}


def _market_text(record: MarketRecord) -> str:
    return (f"marketplace record: {count_text(record.orders, 'order')}, {record.levels_met} "
            f"of {record.levels_measured} completed within service levels, "
            f"{count_text(record.complaints, 'complaint')}; takes off "
            f"{decimals(record.deduction, 2)} "
            f"({decimals(record.levels_points, 2)} for levels, "
            f"{decimals(record.complaint_points, 2)} for complaints)")


@contract.command("party-score")
@click.argument("firm_id")
@click.argument("year", type=click.IntRange(1900, 9999))
@click.argument("score")
@click.option("--reason", default="", help="Why; recorded on the blacklist when below 6.")
@click.option("--date", "on", callback=date_option, help="Date of the score (default today).")
@json_option
@pass_app
def party_score(app: App, firm_id: str, year: int, score: str, reason: str, on: Any) -> None:
    """Record a party organisation's YEAR SCORE (0-10) of FIRM_ID; below 6 blacklists it."""
    outcome = app.api.contracts.party_score(firm_id, year=year, score=score, reason=reason, on=on)
    listed = outcome.blacklisted
    if app.json:
        echo_json({"firm": firm_id, "year": year, "score": str(outcome.score.score),
                   "blacklisted": listed is not None})
    else:
        click.echo(f"{firm_id} {year}: {outcome.score.score} of 10"
                   + (f"; blacklisted from {listed.listed_on}" if listed else ""))


def _blacklist_json(entries: tuple[BlacklistEntry, ...]) -> dict[str, Any]:
    return {"blacklist": [{"firm": e.firm, "date": e.listed_on, "reason": e.reason,
                           "year": e.year, "score": str(e.score)} for e in entries]}


@contract.command("blacklist")
@json_option
@pass_app
def blacklist(app: App) -> None:
    """Firms on the blacklist, with the date and reason."""
    entries = app.api.contracts.blacklist()
    if app.json:
        echo_json(_blacklist_json(entries))
    else:
        click.echo(table(("firm", "date", "score", "reason"),
                         [(e.firm, str(e.listed_on), str(e.score), e.reason) for e in entries]))


@contract.command("settle")
@click.argument("contract_id")
@click.argument("period")
@click.option("--costs", help="The month's costs in yuan (commission contracts).")
@click.option("--fees", help="Fees collected that month, to report the surplus.")
@json_option
@pass_app
def settle(app: App, contract_id: str, period: str, costs: str | None, fees: str | None) -> None:
    """Settle CONTRACT_ID for PERIOD by its regime and post it to the ledger (once)."""
    _render_settlement(app, app.api.contracts.settle(contract_id, period, costs=costs,
                                                     fees_collected=fees))


def _render_settlement(app: App, report: SettleReport) -> None:
    s = report.settlement
    data = {"contract": s.contract, "period": str(s.period), "regime": s.regime.value,
            "area_m2": str(s.area_m2), "score": decimals(s.score, 2), "costs": yuan(s.costs),
            "commission": yuan(s.commission), "base": yuan(s.base),
            "performance_due": yuan(s.performance_due),
            "performance_paid": yuan(s.performance_paid), "paid": yuan(s.paid),
            "market": _market_json(s.market),
            "surplus": None if s.surplus is None else yuan(s.surplus), "surplus_to": s.surplus_to,
            "external_id": None if s.entry is None else s.entry.external_id,
            "posted": report.posted, "already_recorded": report.already_recorded}
    if app.json:
        echo_json(data)
        return
    click.echo(table(("", "amount"), [(k, str(data[k])) for k in (
        "costs", "commission", "base", "performance_due", "performance_paid", "paid", "surplus")
        if data[k] is not None], right=(1,)))
    if s.market is not None:
        click.echo(_market_text(s.market))
    click.echo(f"score {data['score']}; surplus is the {s.surplus_to}'; posted "
               f"{report.posted}, already recorded {report.already_recorded}")


@click.group(cls=CommonsGroup)
def bundle() -> None:
    """Price a bundle of compounds before bidding on it."""


SCENARIO_HELP = """\b
SCENARIO.toml (money in quotes in yuan, percentages as "6" or "6%" for 6%;
a bare fraction such as "0.06" is refused):
  [bundle]      id, name, months = 12, runs, seed, target_margin, tax_rate,
                overhead_rate, overhead_fixed (a month per contract), subsidy, price
  [collection]  distribution = "triangular" (low, mode, high) | "uniform"
                (low, high) | "fixed" (rate); per = "month" | "term"
  [[item]]      id, driver (per_m2 | per_building | per_household | per_gate |
                per_elevator | fixed), unit_cost (a month), per = N (one unit
                of staff per N, pooled over the bundle), age_uplift (% a year)
  [[compound]]  id, households, area_m2, buildings, gates, elevators, age,
                parking_income, other_income, subsidy (a month)
\b
Prices are CNY per m² per month with 4 decimals (hundredths of a fen),
rounded up, so a break-even or target price fed back as price still earns it;
cost, contribution and bundle_saving are a month; the margin (expected, p5,
p50, p95) is over the whole term, with a month of the expected one beside.
The report is at the scenario's price, else the target price ("report
price"); --price P is evaluated below it.
"""


@bundle.command("simulate", epilog=SCENARIO_HELP)
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--runs", type=click.IntRange(1, 1_000_000), help="Monte Carlo runs.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Random seed.")
@click.option("--price", "given", metavar="P",
              help="Evaluate this price (CNY per m² per month, at most 4 decimals): its loss "
                   "probability and margin p5/p50/p95.")
@click.option("--sweep", "prices", metavar="FROM:TO:STEP",
              help="A table of prices from FROM to TO by STEP (at most 1000) against the loss "
                   "probability and margin p5/p50/p95; --plot draws it.")
@click.option("--max-loss", metavar="PCT",
              help='The lowest price whose loss probability is at most PCT ("5%" or 5; a '
                   "bare fraction such as 0.05 is refused).")
@click.option("--sensitivity", is_flag=True,
              help="Also the break-even and target prices if each compound leaves the bundle, "
                   "and if every cost rises 10%.")
@click.option("--plot", type=click.Path(dir_okay=False),
              help="Draw the results to this PNG (with --sweep: the sweep).")
@json_option
@pass_app
def simulate(app: App, scenario: str, runs: int | None, seed: int | None, given: str | None,
             prices: str | None, max_loss: str | None, sensitivity: bool,
             plot: str | None) -> None:
    """Break-even and target prices of a bundle, each with its loss probability, who carries
    whom, and what to bid: a price evaluated, a sweep, the lowest price under a loss target."""
    api = app.api.contracts
    with ExitStack() as stack:
        bars: list[Any] = []

        def tick(done: int, total: int) -> None:
            if not bars:
                bars.append(stack.enter_context(click.progressbar(
                    length=total, label="simulating", file=sys.stderr)))
            bars[0].update(done)

        show = sys.stderr.isatty() and not app.json
        report = api.simulate(scenario, runs=runs, seed=seed,
                              on_progress=tick if show else None)
    asked = BidAsked(
        None if given is None else api.evaluate_price(scenario, given, runs=runs, seed=seed),
        None if prices is None else api.sweep_prices(scenario, prices, runs=runs, seed=seed),
        None if max_loss is None else api.lowest_price(scenario, max_loss, runs=runs,
                                                       seed=seed),
        _as_percent(max_loss),
        api.sensitivity(scenario, runs=runs, seed=seed) if sensitivity else None, report.months)
    if plot is not None:
        if asked.sweep is not None:
            plot_sweep(report.bundle, asked.sweep, plot, asked.lowest)
        else:
            plot_bundle(report, plot)
    if app.json:
        echo_json({**simulation_json(report), **bid_json(asked)})
    else:
        click.echo(plain("\n\n".join([simulation_text(report), *bid_text(asked)])))


def _as_percent(text: str | None) -> str | None:
    """--max-loss as it is shown back: with its % sign (the app has parsed it already)."""
    if text is None:
        return None
    return text.strip() if text.strip().endswith("%") else f"{text.strip()}%"
