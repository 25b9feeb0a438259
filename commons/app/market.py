"""Use cases of the services marketplace: categories, providers, services, residents' tags,
subsidy programmes and agreements; orders placed and moved through their life cycle one event
at a time or from a host's JSONL feed; search for a household; the settlement, the provider's
statement, the funder's claim, the month's report, and a provider's service record for the
contracts' monthly evaluation. The order events and settlement are in ``market_orders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from commons.app.market_orders import EventBatch, Quote
from commons.app.market_reports import MarketReports, known_category
from commons.app.session import recorded
from commons.errors import ErrorCode, InvalidInput, Problems, RefusedByRule
from commons.market.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Category,
    Provider,
    ProviderStatus,
    Resident,
    Service,
    SubsidyProgramme,
    parse_channel,
    parse_percent,
    parse_provider_kind,
)
from commons.market.orders import EventType, Order
from commons.money import Money, money_field
from commons.periods import as_date

if TYPE_CHECKING:
    from commons.io.sources import Source
    from commons.store import Tables

__all__ = ["ConfiguredCategory", "MarketService", "OrderOutcome"]


@attrs.frozen
class ConfiguredCategory:
    """A category as configured, and the listed services of it priced above its ceiling,
    which are unlisted until the ceiling is raised again."""

    category: Category
    above_ceiling: tuple[Service, ...] = ()

@attrs.frozen
class OrderOutcome:
    """An order after one event: ``status`` is recorded or already recorded; a placing has
    the quote the household was told."""

    order: Order
    status: str
    quote: Quote | None = None


def _ids(values: str | Iterable[str]) -> tuple[str, ...]:
    items = values.split(",") if isinstance(values, str) else values
    return tuple(v.strip() for v in items if v.strip())


class MarketService(MarketReports):
    """The marketplace's use cases; each runs in one transaction."""

    def category(self, id: str, *, name: str, accept_within: int | None = None,
                 done_within: int | None = None, ceiling: Money | str | None = None,
                 no_ceiling: bool = False) -> ConfiguredCategory:
        """Configure a category: its service levels in minutes and, for a low-cost (低偿) one,
        the street office's price ceiling (``no_ceiling`` lifts it). A level or ceiling not
        given keeps the category's current one (a new category's: 60 and 1440 minutes, no
        ceiling). The outcome names the listed services now priced above the ceiling: they
        are unlisted (not found by search, refused when ordered) until the ceiling is raised
        again."""
        if no_ceiling and ceiling is not None:
            raise InvalidInput(f"category {id}: both a ceiling and no ceiling were given",
                               field="ceiling", fix="give one of the two, not both")
        with self.store.write() as t:
            current = self._categories(t).get(id)
            c = Category(
                id, name,
                accept_within if accept_within is not None else
                60 if current is None else current.accept_within,
                done_within if done_within is not None else
                1440 if current is None else current.done_within,
                None if no_ceiling else money_field(ceiling, "ceiling")
                if ceiling is not None else None if current is None else current.ceiling)
            t.market.set_category(c)
            above = () if c.ceiling is None else tuple(
                s for s in t.market.services(category=c.id) if s.price > c.ceiling)
        return ConfiguredCategory(c, above)

    def categories(self) -> tuple[Category, ...]:
        """The categories configured (the seven defaults until one is)."""
        with self.reader.read() as t:
            stored = t.market.categories()
        return tuple(stored.values()) if stored else DEFAULT_CATEGORIES

    @staticmethod
    def _categories(t: Tables) -> dict[str, Category]:
        stored = t.market.categories()
        if not stored:
            for c in DEFAULT_CATEGORIES:
                t.market.set_category(c)
            stored = {c.id: c for c in DEFAULT_CATEGORIES}
        return stored

    def add_provider(self, id: str, *, name: str, kind: str, areas: str | Iterable[str],
                     firm: str | None = None, cancel_after_accept: bool = True) -> Provider:
        """Record a provider serving ``areas`` (compounds or management areas); ``firm`` links
        it to a contracts firm, whose blacklisting then applies. Again the same is a no-op."""
        p = Provider(id, name.strip(), parse_provider_kind(kind), _ids(areas),
                     firm=firm, cancel_after_accept=cancel_after_accept)
        with self.store.write() as t:
            known = {c.id for c in t.estate.compounds()} | \
                {a.id for a in t.estate.management_areas()}
            unknown = [a for a in p.areas if a not in known]
            if unknown:
                raise InvalidInput(f"provider {p.id} would serve {', '.join(unknown)}, which the "
                                   "estate does not hold", field="areas",
                                   fix="import the compounds first, or check the ids")
            if firm is not None:
                recorded(t.contracts.firm(firm), "firm", firm, first="record the firm first")
            t.market.add_provider(p)
        return p

    def suspend(self, id: str, *, active: bool = False) -> Provider:
        """Suspend a provider (it takes no new orders), or with ``active`` reinstate it."""
        status = ProviderStatus.ACTIVE if active else ProviderStatus.SUSPENDED
        with self.store.write() as t:
            p = recorded(t.market.provider(id), "provider", id, first="record the provider")
            t.market.set_status(id, status)
        return attrs.evolve(p, status=status)

    def add_service(self, id: str, *, provider: str, category: str, name: str, unit: str,
                    price: Money | str, compounds: str | Iterable[str]) -> Service:
        """List a service; refused above a low-cost category's ceiling, outside the provider's
        areas, or from a provider suspended or on the blacklist."""
        s = Service(id, provider, category, name.strip(), unit.strip(),
                    money_field(price, "price"), _ids(compounds))
        with self.store.write() as t:
            p = recorded(t.market.provider(provider), "provider", provider,
                         first="record the provider")
            c = known_category(self._categories(t), category)
            listed = self._blacklisted_on(t, provider)
            if listed is not None and listed <= self.clock.today():
                raise RefusedByRule(f"provider {provider} is on the blacklist since {listed}, "
                                    "so it cannot list services", field="provider",
                                    code=ErrorCode.BLACKLISTED,
                                    fix="only providers not on the blacklist may list")
            if p.status is not ProviderStatus.ACTIVE:
                raise RefusedByRule(f"provider {provider} is {p.status.value}", field="provider",
                                    fix="reinstate the provider before it lists")
            s.check_listable(c, p)
            t.market.add_service(s)
        return s

    def services(self, *, provider: str | None = None, compound: str | None = None,
                 category: str | None = None) -> tuple[Service, ...]:
        """The services listed, of a provider, reaching a compound, of a category."""
        with self.reader.read() as t:
            return tuple(t.market.services(provider=provider, compound=compound,
                                           category=category))

    def add_resident(self, id: str, *, household: str, tags: str | Iterable[str] = (),
                     birth_year: int | None = None, since: dt.date | str | None = None
                     ) -> Resident:
        """Record a resident's eligibility tags (aged-80+, 低保, disabled ...) from ``since``
        (today by default): nothing more than the tags and a birth year is kept."""
        r = Resident(id, household, birth_year, _ids(tags))
        day = self.clock.today() if since is None else as_date(since, "since")
        with self.store.write() as t:
            if not t.market.household_compounds([household]):
                recorded(None, "household", household, first="import the households")
            t.market.add_resident(r, day)
        return r

    def add_subsidy(self, id: str, *, funder: str, tag: str, categories: str | Iterable[str],
                    percent: Decimal | str, cap: Money | str, budget: Money | str,
                    concession: Decimal | str = "0") -> SubsidyProgramme:
        """Record a subsidy programme: ``funder`` pays ``percent`` of orders of ``categories``
        for residents tagged ``tag``, capped per person a month and by a monthly budget; the
        provider concedes ``concession`` percent."""
        p = SubsidyProgramme(id, funder, tag, _ids(categories), parse_percent(percent, "percent"),
                             money_field(cap, "cap"), money_field(budget, "budget"),
                             parse_percent(concession, "concession"))
        with self.store.write() as t:
            t.market.add_programme(p)
        return p

    def add_agreement(self, id: str, *, provider: str, compound: str,
                      starts_on: dt.date | str, space: str | None = None,
                      rent: Money | str = "0", share_percent: Decimal | str | None = None,
                      fixed: Money | str | None = None, earmark: str = "") -> Agreement:
        """Record a provider's agreement with a compound: the space it uses (an estate
        resource of the compound) and its in-kind rent value, and the compound's share of gross
        income or a fixed monthly sum, earmarked for a purpose."""
        a = Agreement(id, provider, compound, as_date(starts_on, "starts_on"), space,
                      money_field(rent, "rent"),
                      None if share_percent is None else parse_percent(share_percent, "share"),
                      None if fixed is None else money_field(fixed, "fixed"), earmark.strip())
        with self.store.write() as t:
            recorded(t.market.provider(provider), "provider", provider,
                     first="record the provider")
            recorded(t.estate.compound(compound), "compound", compound,
                     first="import the compound")
            if space is not None:
                found = recorded(t.estate.resource(space), "resource", space,
                                 first="import the space as a resource of the compound")
                if found.compound != compound:
                    raise InvalidInput(f"space {space} belongs to {found.compound}, not "
                                       f"{compound}", field="space",
                                       fix="name a resource of the agreement's compound")
            t.market.add_agreement(a)
        return a

    def event(self, order: str, kind: EventType | str, *, at: dt.datetime | str | None = None,
              event_id: str | None = None, **fields: object) -> OrderOutcome:
        """Apply one event to ``order`` (``place_order`` and the others name the kind); its id
        defaults to ``ORDER:KIND``. Without ``at`` it happens now, and sent again (no time
        given) it is already recorded."""
        from commons.io.market_files import (  # noqa: PLC0415
            event_content,
            event_from_record,
            same_but_time,
        )

        kind = EventType(kind)
        given = at is not None
        if isinstance(fields.get("refund"), Money):
            fields["refund"] = fields["refund"].format()  # type: ignore[attr-defined]
        when = self.clock.now().isoformat() if at is None else \
            at.isoformat() if isinstance(at, dt.datetime) else at
        record = {"id": event_id or f"{order}:{kind.value}", "type": kind.value,
                  "order": order, "at": when,
                  **{k: v for k, v in fields.items() if v is not None}}
        e = event_from_record(record)
        if not given:  # sent again with no time: recorded unless its other fields differ
            with self.reader.read() as t:
                stored = t.market.events_known([e.id]).get(e.id)
                if stored is not None and same_but_time(stored, event_content(e)):
                    return OrderOutcome(self._order(t, order), "already recorded")
        try:
            batch = self._apply([[(None, e.values(), event_content(e))]], None, quotes=True)
        except Problems as p:  # one event: its own error says it better
            raise p.problems[0] from None
        status = "recorded" if batch.applied else "already recorded"
        quote = dict(batch.quotes).get(order)
        with self.reader.read() as t:
            return OrderOutcome(self._order(t, order), status, quote)

    def place_order(self, order: str, *, service: str, household: str,
                    resident: str | None = None, units: int = 1, channel: str = "wechat-pay",
                    at: dt.datetime | str | None = None, event_id: str | None = None
                    ) -> OrderOutcome:
        """Place an order; the outcome's quote tells the household its own price, and whether
        a programme's budget for the month is spent (so its part grows)."""
        return self.event(order, EventType.PLACE, at=at, event_id=event_id, service=service,
                          household=household, resident=resident, units=units,
                          channel=parse_channel(channel))

    def order(self, id: str) -> Order:
        """One order as its events left it."""
        with self.reader.read() as t:
            return self._order(t, id)

    @staticmethod
    def _order(t: Tables, id: str) -> Order:
        return recorded(t.market.orders_by_id([id]).get(id), "order", id,
                        first="place the order")

    def import_events(self, source: Source, *, encoding: str | None = None, workers: int = 1
                      ) -> EventBatch:
        """Apply a host's event feed (JSON Lines, see docs/formats.md) in one transaction: all
        of it or nothing, each refused line named. Events already recorded are skipped, so
        importing the feed again changes nothing. With ``workers`` above 1, a large feed is
        parsed in a second process while this one applies what it has received."""
        from commons.files import open_text  # noqa: PLC0415
        from commons.io.collector import collector_paused  # noqa: PLC0415
        from commons.io.market_files import read_events  # noqa: PLC0415
        from commons.io.sources import spooled  # noqa: PLC0415

        with spooled(source, kind="market events", fmt="jsonl", encoding=encoding) as spool, \
                collector_paused():
            open_text(spool.path, spool.encoding).close()  # a mistyped path changes nothing
            return self._apply(read_events(spool.path, spool.encoding, workers=workers),
                               spool.name)
