"""How ``commons market ...`` prints its values: JSON (amounts as yuan strings) and text."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import click

from commons.app import (
    ConfiguredCategory,
    MarketReport,
    MarketSettlement,
    Order,
    ProviderCard,
    Quote,
    SearchHit,
    SubsidyClaim,
    count_text,
    fraction_text,
)

from .render import echo_json, plain, table, yuan

__all__ = [
    "settlement_json",
    "show_claim",
    "show_order",
    "show_providers",
    "show_report",
    "show_search",
    "show_settlements",
]


def _share(value: Fraction | None) -> str | None:
    return None if value is None else fraction_text(value)


def settlement_json(s: MarketSettlement, settled: bool) -> dict[str, Any]:
    """A provider's settlement with the keys the issue lists: ``resident_paid`` is what
    residents paid in yuan, ``points_value`` what sponsor funds pay for the volunteer points
    they paid the rest with."""
    return {"provider": s.provider, "period": str(s.period), "orders": s.orders,
            "gross": yuan(s.gross), "resident_paid": yuan(s.resident_paid),
            "subsidy": yuan(s.subsidy), "concession": yuan(s.concession),
            "points_value": yuan(s.points_value), "compound_share": yuan(s.compound_share),
            "net_payable": yuan(s.net_payable), "settled": settled,
            "lines": [{"order": x.order, "compound": x.compound, "household": x.household,
                       "date": x.date.isoformat(), "units": x.units, "gross": yuan(x.gross),
                       "resident_paid": yuan(x.resident_paid), "subsidy": yuan(x.subsidy),
                       "concession": yuan(x.concession), "points_value": yuan(x.points_value),
                       "refund": yuan(x.refund)}
                      for x in s.lines],
            "shares": [{"compound": x.compound, "agreement": x.agreement,
                        "amount": yuan(x.amount), "earmark": x.earmark, "space": x.space}
                       for x in s.shares], "withheld": list(s.withheld)}


def show_settlements(as_json: bool, period: str, settlements: list[tuple[MarketSettlement, bool]],
                     summary: str = "") -> None:
    """A month's settlements (one provider's for a statement)."""
    if as_json:
        echo_json({"period": period,
                   "providers": [settlement_json(s, done) for s, done in settlements]})
        return
    for s, done in settlements:
        state = "settled" if done else "not settled yet (a preview)"
        click.echo(f"{plain(s.provider)} {s.period}: {state}\n"
                   f"  {count_text(s.orders, 'order')}, gross {s.gross}: residents paid "
                   f"{s.resident_paid}, "
                   f"subsidies {s.subsidy}, conceded {s.concession}"
                   + (f", paid in points {s.points_value} (from sponsor funds)"
                      if s.points_value else "") + "\n"
                   f"  compounds' share {s.compound_share}, net payable {s.net_payable}")
        for x in s.shares:
            earmark = f" (earmarked for {x.earmark})" if x.earmark else ""
            click.echo(plain(f"    {x.compound}: {x.amount} by {x.agreement}{earmark}"))
        if s.withheld:
            click.echo(plain(f"  withheld (taken after blacklisting): {', '.join(s.withheld)}"))
    if summary:
        click.echo(summary)


def show_category(as_json: bool, out: ConfiguredCategory) -> None:
    """A category as configured, and the services its ceiling now unlists."""
    c = out.category
    if as_json:
        echo_json({"id": c.id, "name": c.name, "accept_within": c.accept_within,
                   "done_within": c.done_within,
                   "ceiling": None if c.ceiling is None else yuan(c.ceiling),
                   "above_ceiling": [{"id": s.id, "provider": s.provider, "price": yuan(s.price)}
                                     for s in out.above_ceiling]})
        return
    lines = [f"category {c.id}: accept within {c.accept_within} min, done within "
             f"{c.done_within} min{'' if c.ceiling is None else f', ceiling {c.ceiling}'}"]
    lines += [f"service {s.id} of {s.provider} at {s.price} is above the ceiling: unlisted "
              f"until the ceiling is {s.price} or more (or list it anew at {c.ceiling} or less)"
              for s in out.above_ceiling]
    click.echo(plain("\n".join(lines)))


def _order_json(o: Order, quote: Quote | None) -> dict[str, Any]:
    split = o.split or (None if quote is None else quote.split)
    out: dict[str, Any] = {
        "id": o.id, "state": o.state.value, "service": o.service, "provider": o.provider,
        "category": o.category, "household": o.household, "resident": o.resident,
        "compound": o.compound, "units": o.units, "channel": o.channel,
        "placed_at": o.placed_at.isoformat(),
        "completed_at": None if o.completed_at is None else o.completed_at.isoformat(),
        "refund": None if o.refund is None else yuan(o.refund), "stars": o.stars,
        "comment": o.comment}
    if split is not None:
        out.update(price=yuan(split.price), subsidy=yuan(split.subsidy),
                   concession=yuan(split.concession), resident_pays=yuan(split.resident),
                   programme=split.programme)
    if quote is not None:
        out["note"] = quote.note
    return out


def show_order(as_json: bool, o: Order, status: str = "", quote: Quote | None = None) -> None:
    """An order after an event, with the quote a placing was told."""
    if as_json:
        echo_json({**_order_json(o, quote), **({"status": status} if status else {})})
        return
    split = o.split or (None if quote is None else quote.split)
    head = f"order {o.id}: {o.state.value}" + (f" ({status})" if status else "")
    click.echo(plain(f"{head}, {o.units} x {o.service} by {o.provider} for {o.household}"))
    if split is not None and o.refund is not None and o.fully_refunded:
        click.echo(f"  refunded in full: the household gets back the {split.resident} it "
                   f"paid, and the subsidy of {split.subsidy} is not claimed (price "
                   f"{split.price}, conceded {split.concession})")
    elif split is not None and o.refund is not None:
        click.echo(f"  refunded {o.refund} of the {split.resident} the household paid: it "
                   f"pays {split.resident - o.refund} in the end (price {split.price}, subsidy "
                   f"{split.subsidy}, conceded {split.concession})")
    elif split is not None:
        click.echo(f"  price {split.price}: subsidy {split.subsidy}, conceded "
                   f"{split.concession}, the household pays {split.resident}")
    if quote is not None and quote.note:
        click.echo(f"  note: {quote.note}")


def _card_json(c: ProviderCard) -> dict[str, Any]:
    p = c.provider
    return {"id": p.id, "name": p.name, "kind": p.kind.value, "status": c.status.value,
            "areas": list(p.areas), "firm": p.firm,
            "blacklisted_on": None if c.blacklisted_on is None else c.blacklisted_on.isoformat(),
            "ratings": c.ratings, "rating": _share(c.rating),
            "levels_measured": c.levels_measured, "levels_met": c.levels_met,
            "levels_share": _share(c.levels_share), "complaints": c.complaints}


def show_providers(as_json: bool, cards: tuple[ProviderCard, ...]) -> None:
    """Providers with their standing."""
    if as_json:
        echo_json({"providers": [_card_json(c) for c in cards]})
        return
    click.echo(table(("id", "kind", "status", "rating", "levels met", "complaints", "name"),
                     [(c.provider.id, c.provider.kind.value, c.status.value,
                       _share(c.rating) or "-", f"{c.levels_met}/{c.levels_measured}",
                       str(c.complaints), c.provider.name) for c in cards]))


def show_search(as_json: bool, hits: tuple[SearchHit, ...]) -> None:
    """The services open to a household, best first. ``for``: the resident whose subsidy the
    price assumes; ``levels``: the provider's completed orders within service levels."""
    if as_json:
        echo_json({"services": [{
            "service": h.service.id, "name": h.service.name, "provider": h.service.provider,
            "category": h.service.category, "unit": h.service.unit,
            "list_price": yuan(h.service.price), "price": yuan(h.quote.split.resident),
            "subsidy": yuan(h.quote.split.subsidy), "resident": h.resident,
            "rating": _share(h.provider.rating), "levels_share": _share(h.provider.levels_share),
            "levels_met": h.provider.levels_met, "levels_measured": h.provider.levels_measured}
            for h in hits]})
        return
    click.echo(table(("service", "provider", "category", "list price", "you pay", "for",
                      "rating", "levels", "name"),
                     [(h.service.id, h.service.provider, h.service.category,
                       str(h.service.price), str(h.quote.split.resident), h.resident or "-",
                       _share(h.provider.rating) or "-", _levels(h.provider), h.service.name)
                      for h in hits],
                     right=(3, 4)))


def _levels(c: ProviderCard) -> str:
    """A provider's service-level record: the share met and of how many, or "-"."""
    share = _share(c.levels_share)
    return "-" if share is None else f"{share} ({c.levels_met}/{c.levels_measured})"


def show_claim(as_json: bool, claim: SubsidyClaim) -> None:
    """A funder's claim: each eligible order and the total."""
    if as_json:
        echo_json({"funder": claim.funder, "period": str(claim.period),
                   "total": yuan(claim.total),
                   "lines": [{"order": x.order, "household": x.household, "tag": x.tag,
                              "programme": x.programme, "date": x.date.isoformat(),
                              "units": x.units, "amount": yuan(x.amount)}
                             for x in claim.lines]})
        return
    click.echo(table(("order", "household", "tag", "date", "units", "amount"),
                     [(x.order, x.household, x.tag, x.date.isoformat(), str(x.units),
                       str(x.amount)) for x in claim.lines], right=(4, 5)))
    click.echo(f"claim of {plain(claim.funder)} for {claim.period}: {claim.total}")


def show_report(as_json: bool, report: MarketReport) -> None:
    """The month's figures per provider."""
    rows: list[dict[str, Any]] = [
        {"provider": p.provider, "orders": p.orders, "completed": p.completed,
             "cancelled": p.cancelled, "completion_rate": _share(p.completion_rate),
             "levels_measured": p.levels_measured, "levels_met": p.levels_met,
             "levels_share": _share(p.levels_share), "ratings": p.ratings,
             "rating": _share(p.rating), "complaints": p.complaints, "income": yuan(p.gross)}
            for p in report.providers]
    if as_json:
        echo_json({"period": str(report.period), "compound": report.compound,
                   "providers": rows})
        return
    click.echo(table(("provider", "orders", "completed", "rate", "levels met", "rating",
                      "complaints", "income"),
                     [(r["provider"], str(r["orders"]), str(r["completed"]),
                       r["completion_rate"] or "-", f"{r['levels_met']}/{r['levels_measured']}",
                       r["rating"] or "-", str(r["complaints"]), r["income"]) for r in rows],
                     right=(1, 2, 7)))
