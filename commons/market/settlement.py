"""Money out of the marketplace, computed purely: the monthly settlement per provider (with the
compounds' shares by agreement, and the part of residents' shares paid in volunteer points), the
subsidy claim per funder, the service-level record, the Bayesian-average rating, and the month's
report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs

from commons.allocation import allocate
from commons.market.model import Agreement, Category
from commons.market.orders import Order, OrderState
from commons.money import Money
from commons.periods import Period

__all__ = [
    "PRIOR_WEIGHT",
    "ClaimLine",
    "CompoundShare",
    "MarketReport",
    "ProviderFigures",
    "Settlement",
    "SettlementLine",
    "SubsidyClaim",
    "bayesian_rating",
    "level_met",
    "market_report",
    "settle_lines",
    "settle_provider",
    "subsidy_claim",
]

PRIOR_WEIGHT = 5  # a Bayesian average counts the prior as this many reviews


@attrs.frozen
class SettlementLine:
    """One order in a settlement: its parts after any partial refund. ``resident_paid`` is what
    the household paid in yuan; ``points_value`` what sponsor funds pay for the volunteer points
    it paid the rest of its share with. The parts always sum to ``gross``."""

    order: str
    compound: str
    household: str
    date: dt.date
    units: int
    gross: Money
    resident_paid: Money
    subsidy: Money
    concession: Money
    refund: Money
    points_value: Money = attrs.field(factory=Money.zero)

    def __attrs_post_init__(self) -> None:
        # In whole fen: a city's month builds lines by the hundred thousand.
        assert self.gross.fen == self.resident_paid.fen + self.subsidy.fen \
            + self.concession.fen + self.points_value.fen, \
            f"order {self.order}'s parts do not sum to its gross"

    def paid_in_points(self, value: Money) -> SettlementLine:
        """The line with ``value`` of the resident's share paid in points, not yuan."""
        return attrs.evolve(self, resident_paid=self.resident_paid - value,
                            points_value=self.points_value + value)


@attrs.frozen
class CompoundShare:
    """A compound's share of a provider's month, by agreement, and what it is earmarked for."""

    compound: str
    agreement: str
    amount: Money
    earmark: str
    space: str | None


@attrs.frozen
class Settlement:
    """A provider's month: gross, concessions, subsidies claimed, residents' payments in yuan,
    the sponsor funds' payment for points redeemed, the compounds' shares and the net payable
    (residents' payments + subsidies + points' value - shares). Orders
    taken after the provider's blacklisting are ``withheld``: listed, never paid."""

    provider: str
    period: Period
    lines: tuple[SettlementLine, ...]
    shares: tuple[CompoundShare, ...]
    withheld: tuple[str, ...] = ()

    def _sum(self, field: str) -> Money:
        # Summed as whole fen, not Money by Money: a city's month has lines by the hundred
        # thousand, all in one currency (the marketplace's own).
        return Money(sum(getattr(line, field).fen for line in self.lines))

    @property
    def orders(self) -> int:
        """How many orders settle."""
        return len(self.lines)

    @property
    def gross(self) -> Money:
        """The orders' prices after partial refunds."""
        return self._sum("gross")

    @property
    def resident_paid(self) -> Money:
        """What residents paid, after partial refunds."""
        return self._sum("resident_paid")

    @property
    def subsidy(self) -> Money:
        """What subsidy programmes owe for these orders."""
        return self._sum("subsidy")

    @property
    def concession(self) -> Money:
        """What the provider gave up."""
        return self._sum("concession")

    @property
    def points_value(self) -> Money:
        """What sponsor funds pay for the volunteer points residents paid with."""
        return self._sum("points_value")

    @property
    def compound_share(self) -> Money:
        """The compounds' shares together."""
        return sum((s.amount for s in self.shares), Money.zero())

    @property
    def net_payable(self) -> Money:
        """What the provider is paid: residents' payments, subsidies and the points' value,
        less the shares."""
        return self.resident_paid + self.subsidy + self.points_value - self.compound_share


def _line(order: Order) -> SettlementLine:
    split = order.split
    assert split is not None and order.service_date is not None
    refund = order.refund or Money.zero()
    return SettlementLine(order.id, order.compound, order.household, order.service_date,
                          order.units, split.price - refund, split.resident - refund,
                          split.subsidy, split.concession, refund)


def _in_force(agreements: Iterable[Agreement], compound: str, period: Period
              ) -> Agreement | None:
    found = [a for a in agreements if a.compound == compound and a.starts_on <= period.last_day]
    return max(found, key=lambda a: a.starts_on, default=None)


def settle_provider(provider: str, period: Period, orders: Iterable[Order],
                    agreements: Sequence[Agreement], *,
                    blacklisted_on: dt.date | None = None,
                    points: Mapping[str, Money] | None = None) -> Settlement:
    """``provider``'s settlement for ``period`` from its orders (those that settle in it) and
    its agreements; orders placed on or after ``blacklisted_on`` are withheld. ``points`` maps
    an order to the yuan value of the points redeemed on it."""
    return settle_lines(provider, period, ((_line(o), o.placed_on) for o in orders
                                           if o.provider == provider and o.settles
                                           and o.period == period),
                        agreements, blacklisted_on=blacklisted_on, points=points)


def settle_lines(provider: str, period: Period,
                 lines: Iterable[tuple[SettlementLine, dt.date]],
                 agreements: Sequence[Agreement], *,
                 blacklisted_on: dt.date | None = None,
                 points: Mapping[str, Money] | None = None) -> Settlement:
    """``provider``'s settlement for ``period`` from the lines of the orders that settle in it
    (each with the date its order was placed: those placed on or after ``blacklisted_on`` are
    withheld) and its agreements, in the order of the orders' ids. ``points`` maps an order to
    the yuan value of the volunteer points redeemed on it: that part of the resident's share
    is paid by the sponsor funds, not in yuan."""
    kept, withheld = [], []
    points = points or {}
    for line, placed_on in sorted(lines, key=lambda pair: pair[0].order):
        if blacklisted_on is not None and placed_on >= blacklisted_on:
            withheld.append(line.order)
        elif line.order in points:
            kept.append(line.paid_in_points(points[line.order]))
        else:
            kept.append(line)
    gross: dict[str, int] = {}
    for line in kept:
        gross[line.compound] = gross.get(line.compound, 0) + line.gross.fen
    shares = []
    for compound in sorted({a.compound for a in agreements} | set(gross)):
        agreement = _in_force(agreements, compound, period)
        if agreement is None:
            continue
        if agreement.share_percent is not None:
            rate = Fraction(agreement.share_percent)
            amount = allocate(Money(gross.get(compound, 0)),
                              {"share": rate, "rest": 100 - rate})["share"]
        else:
            assert agreement.fixed_monthly is not None
            amount = agreement.fixed_monthly
        if amount:
            shares.append(CompoundShare(compound, agreement.id, amount, agreement.earmark,
                                        agreement.space))
    return Settlement(provider, period, tuple(kept), tuple(shares), tuple(withheld))


@attrs.frozen
class ClaimLine:
    """One eligible order in a subsidy claim."""

    order: str
    household: str
    resident: str | None
    tag: str
    programme: str
    date: dt.date
    units: int
    amount: Money


@attrs.frozen
class SubsidyClaim:
    """What a funder is asked to pay for a month: each eligible order and the total."""

    funder: str
    period: Period
    lines: tuple[ClaimLine, ...]

    @property
    def total(self) -> Money:
        """The claim's total."""
        return sum((line.amount for line in self.lines), Money.zero())


def subsidy_claim(funder: str, period: Period, orders: Iterable[Order],
                  programmes: Mapping[str, str]) -> SubsidyClaim:
    """``funder``'s claim for ``period``: the orders settling then whose subsidy comes from one
    of its programmes (``programmes`` maps a programme's id to its funder)."""
    lines = []
    for o in sorted(orders, key=lambda o: o.id):
        split = o.split
        if split is None or not o.settles or o.period != period or not split.subsidy \
                or programmes.get(split.programme or "") != funder:
            continue
        assert o.service_date is not None and split.programme is not None
        lines.append(ClaimLine(o.id, o.household, o.resident, split.tag or "", split.programme,
                               o.service_date, o.units, split.subsidy))
    return SubsidyClaim(funder, period, tuple(lines))


def level_met(order: Order, category: Category) -> bool | None:
    """Whether a completed order met its category's service levels (accepted within, and done
    within, so many minutes of being placed); None for an order not completed."""
    if order.completed_at is None or order.accepted_at is None:
        return None
    accepted = (order.accepted_at - order.placed_at).total_seconds() / 60
    done = (order.completed_at - order.placed_at).total_seconds() / 60
    return accepted <= category.accept_within and done <= category.done_within


def bayesian_rating(stars: Sequence[int], prior: Fraction, weight: int = PRIOR_WEIGHT
                    ) -> Fraction | None:
    """The Bayesian average of ``stars``: the prior mean counted as ``weight`` reviews, so one
    review does not rule. None when there are no reviews."""
    if not stars:
        return None
    return (prior * weight + sum(stars)) / (weight + len(stars))


@attrs.frozen
class ProviderFigures:
    """One provider's month in the report."""

    provider: str
    orders: int
    completed: int
    cancelled: int
    levels_measured: int
    levels_met: int
    ratings: int
    rating: Fraction | None
    gross: Money
    complaints: int

    @property
    def completion_rate(self) -> Fraction | None:
        """Completed among orders that ended (completed or cancelled); None when none did."""
        ended = self.completed + self.cancelled
        return Fraction(self.completed, ended) if ended else None

    @property
    def levels_share(self) -> Fraction | None:
        """The share of completed orders that met their service levels."""
        return Fraction(self.levels_met, self.levels_measured) if self.levels_measured \
            else None


@attrs.frozen
class MarketReport:
    """The month's orders, completion, service levels, ratings and income by provider."""

    period: Period
    compound: str | None
    providers: tuple[ProviderFigures, ...]


def _figures(provider: str, orders: list[Order], categories: Mapping[str, Category],
             prior: Fraction) -> ProviderFigures:
    completed = [o for o in orders if o.split is not None]
    met = [level_met(o, categories[o.category]) for o in completed if o.category in categories]
    stars = [o.stars for o in orders if o.stars is not None]
    gross = sum((o.split.price - (o.refund or Money.zero()) for o in completed
                 if o.split is not None and o.settles), Money.zero())
    complaints = sum(1 for o in orders if o.state in (OrderState.DISPUTED, OrderState.RESOLVED))
    return ProviderFigures(
        provider, len(orders), len(completed),
        sum(1 for o in orders if o.state is OrderState.CANCELLED),
        sum(1 for m in met if m is not None), sum(1 for m in met if m),
        len(stars), bayesian_rating(stars, prior), gross, complaints)


def market_report(period: Period, orders: Iterable[Order], categories: Mapping[str, Category],
                  *, compound: str | None = None) -> MarketReport:
    """The report of ``period`` (optionally one compound): orders placed or completed in it,
    per provider. Ratings are Bayesian averages over the month's mean."""
    chosen: dict[str, list[Order]] = {}
    for o in orders:
        month = o.period or Period.of(o.placed_on)
        if month == period and (compound is None or o.compound == compound):
            chosen.setdefault(o.provider, []).append(o)
    all_stars = [o.stars for group in chosen.values() for o in group if o.stars is not None]
    prior = Fraction(sum(all_stars), len(all_stars)) if all_stars else Fraction(3)
    return MarketReport(period, compound, tuple(
        _figures(p, chosen[p], categories, prior) for p in sorted(chosen)))
