"""What the marketplace reads back: providers with their standing (rating, service levels,
complaints, the blacklist), search for a household, the provider's statement, the funder's
claim, the month's report and a provider's service record for the contracts' evaluation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from commons.app.compounds import check_compound
from commons.app.market_orders import Quote, _Batch
from commons.app.market_settle import MarketSettling, points_on_orders
from commons.app.session import recorded
from commons.errors import InvalidInput, NotFound, nearest
from commons.market.model import DEFAULT_CATEGORIES, Category, Provider, ProviderStatus, Service
from commons.market.orders import CHINA, Order
from commons.market.settlement import (
    PRIOR_WEIGHT,
    MarketReport,
    Settlement,
    SubsidyClaim,
    market_report,
    settle_lines,
    subsidy_claim,
)
from commons.periods import Period

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["SORTS", "MarketReports", "MarketStatement", "ProviderCard", "SearchHit",
           "categories_read", "known_category"]

SORTS = ("price", "rating", "levels")


@attrs.frozen
class ProviderCard:
    """A provider with its standing: status (blacklisted when the contracts' blacklist lists
    its firm), rating, service-level record and complaints."""

    provider: Provider
    status: ProviderStatus
    blacklisted_on: dt.date | None
    ratings: int
    rating: Fraction | None
    levels_measured: int
    levels_met: int
    complaints: int

    @property
    def levels_share(self) -> Fraction | None:
        """The share of completed orders that met their category's service levels."""
        return Fraction(self.levels_met, self.levels_measured) if self.levels_measured \
            else None


@attrs.frozen
class SearchHit:
    """A service open to a household, with the household's own price after subsidies."""

    service: Service
    provider: ProviderCard
    quote: Quote
    resident: str | None = None  # whose subsidy the price assumes, when one lowers it


@attrs.frozen
class MarketStatement:
    """A provider's month: the recorded settlement, or (``settled`` False) what it would be."""

    settlement: Settlement
    settled: bool


def categories_read(t: Tables) -> dict[str, Category]:
    """The categories configured, or the seven defaults until one is (nothing written)."""
    return t.market.categories() or {c.id: c for c in DEFAULT_CATEGORIES}


def known_category(categories: dict[str, Category], id: str) -> Category:
    """Category ``id``; NotFound naming the nearest known ones when there is none."""
    found = categories.get(id)
    if found is not None:
        return found
    near, hint = nearest(id, categories, cutoff=0.5)
    hint = hint or f"the categories are {', '.join(categories)}; "
    raise NotFound(f"category {id!r} is not recorded", field="category",
                   fix=f"{hint}or configure it (commons market category add)",
                   context={"kind": "category", "id": id, "near": " ".join(near)})


def _within_ceiling(s: Service, category: Category | None) -> bool:
    """Whether ``s`` is listed: a service above its category's ceiling is not."""
    return category is None or category.ceiling is None or s.price <= category.ceiling


class MarketReports(MarketSettling):
    """The marketplace's reading use cases; ``MarketService`` adds the writing ones."""

    def _card(self, t: Tables, p: Provider, standing: tuple[int, int, int, int, int],
              prior: Fraction) -> ProviderCard:
        ratings, stars, measured, met, complaints = standing
        listed = self._blacklisted_on(t, p.id)
        status = ProviderStatus.BLACKLISTED if listed is not None and \
            listed <= self.clock.today() else p.status
        rating = (prior * PRIOR_WEIGHT + stars) / (PRIOR_WEIGHT + ratings) if ratings else None
        return ProviderCard(p, status, listed, ratings, rating, measured, met, complaints)

    def _cards(self, t: Tables, providers: list[Provider]) -> dict[str, ProviderCard]:
        standing = t.market.standing([p.id for p in providers])
        count, stars = t.market.stars_overall()
        prior = Fraction(stars, count) if count else Fraction(3)
        return {p.id: self._card(t, p, standing.get(p.id, (0, 0, 0, 0, 0)), prior)
                for p in providers}

    def providers(self) -> tuple[ProviderCard, ...]:
        """Every provider with its standing, by id."""
        with self.reader.read() as t:
            return tuple(self._cards(t, t.market.providers()).values())

    def provider(self, id: str) -> ProviderCard:
        """One provider with its standing; NotFound if there is none."""
        with self.reader.read() as t:
            p = recorded(t.market.provider(id), "provider", id, first="record the provider")
            return self._cards(t, [p])[id]

    def search(self, household: str, *, category: str | None = None, sort: str = "price",
               resident: str | None = None) -> tuple[SearchHit, ...]:
        """The services open to ``household`` (of one category), from active providers not on
        the blacklist, sorted by the household's own price after subsidies (for ``resident``,
        or its resident who pays least), by rating, or by service-level record."""
        if sort not in SORTS:
            raise InvalidInput(f"sort {sort!r} is not one of {', '.join(SORTS)}", field="sort",
                               fix=f"sort by one of {', '.join(SORTS)}")
        day = self.clock.now().astimezone(CHINA).date()
        with self.reader.read() as t:
            compound = t.market.household_compounds([household]).get(household)
            recorded(compound, "household", household, first="import the households")
            assert compound is not None
            ceilings = categories_read(t)
            if category is not None:
                known_category(ceilings, category)
            residents = [r.id for r in t.market.residents_of(household, day)]
            if resident is not None and resident not in residents:
                raise InvalidInput(f"resident {resident} is not recorded in household "
                                   f"{household}", field="resident",
                                   fix="record the resident (commons market resident add), "
                                       "or name one of the household's: "
                                       f"{', '.join(residents) or 'none is recorded'}")
            services = t.market.services(compound=compound, category=category)
            cards = self._cards(t, t.market.providers([s.provider for s in services]))
            people: list[str | None] = [resident] if resident is not None else \
                [None, *residents]
            b, hits = _Batch(), []
            for s in services:
                card = cards[s.provider]
                if card.status is not ProviderStatus.ACTIVE or not _within_ceiling(
                        s, ceilings.get(s.category)):
                    continue
                who, quote = min(((who, self._quote(
                    t, b, self._probe(s, household, compound, who), day, s.price))
                    for who in people), key=lambda x: x[1].split.resident)
                hits.append(SearchHit(s, card, quote, who if quote.split.subsidy.fen or
                                      resident is not None else None))
        keys = {"price": lambda h: (h.quote.split.resident, h.service.id),
                "rating": lambda h: (-(h.provider.rating or 0), h.quote.split.resident),
                "levels": lambda h: (-(h.provider.levels_share or 0), h.quote.split.resident)}
        return tuple(sorted(hits, key=keys[sort]))

    def _probe(self, s: Service, household: str, compound: str, who: str | None) -> Order:
        return Order("search", s.id, s.provider, s.category, household, compound, 1,
                     "wechat-pay", self.clock.now(), who)

    def statement(self, provider: str, period: Period | str) -> MarketStatement:
        """``provider``'s settlement of ``period`` as recorded, or a preview if not settled."""
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.reader.read() as t:
            recorded(t.market.provider(provider), "provider", provider,
                     first="record the provider")
            stored = t.market.settlement(provider, month)
            if stored is not None:
                return MarketStatement(stored, True)
            return MarketStatement(settle_lines(
                provider, month, t.market.settling(month, provider).get(provider, ()),
                t.market.agreements(provider),
                blacklisted_on=self._blacklisted_on(t, provider),
                points=points_on_orders(t, provider, month)), False)

    def claims(self, funder: str, period: Period | str) -> SubsidyClaim:
        """``funder``'s subsidy claim for ``period``: each eligible order and the total."""
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.reader.read() as t:
            funders = {p.id: p.funder for p in t.market.programmes().values()}
            if funder not in funders.values():
                recorded(None, "funder", funder, first="record a subsidy programme it funds")
            return subsidy_claim(funder, month, t.market.orders(period=month), funders)

    def report(self, period: Period | str, *, compound: str | None = None) -> MarketReport:
        """The month's orders, completion rate, service levels met, ratings and income by
        provider, of one compound if given (NotFound for a compound the books do not know).
        The completion rate is completed / (completed + cancelled): orders still open at the
        time are left out until they end."""
        month = period if isinstance(period, Period) else Period.parse(period)
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            return market_report(month, t.market.orders(placed_in=month),
                                 categories_read(t), compound=compound)

    def service_record(self, provider: str, period: Period | str) -> MarketReport:
        """``provider``'s service levels, complaints and rating in ``period``: the bundle's
        firm's marketplace record, an input to the monthly tri-party evaluation."""
        report = self.report(period)
        return attrs.evolve(report, providers=tuple(p for p in report.providers
                                                    if p.provider == provider))
