"""Evaluations (考评), the blacklist (黑名单) and tenders.

Every month the street office, the community and the owners' or self-management committee each
score the firm out of 100 (as in Hangzhou Daguan: 街道、社区、自管会三位一体月度评价); the
contract's weights make one score, and the performance part of the firm's pay is paid in
proportion to it. A party organisation's annual score below 6 out of 10 puts the firm on the
blacklist with the date and reason (as in Qingdao Laoshan), and a blacklisted firm's bid is
refused.

Where the bundle's firm also serves on the services marketplace, its month there (orders that
missed their category's service levels, and complaints) is an input to the evaluation: a
``MarketRecord`` takes points off the weighted score, and so off the performance pay (see
``MarketRecord.deduction``). The record comes as plain figures: this module knows nothing of
the marketplace's orders.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs

from commons.contracts.contract import fen_half_up
from commons.errors import InvalidInput, RefusedByRule
from commons.money import Money
from commons.periods import Period

__all__ = [
    "BLACKLIST_BELOW",
    "Bid",
    "BlacklistEntry",
    "Evaluation",
    "MarketRecord",
    "PartyScore",
    "Tender",
    "blacklisting",
    "check_bid",
    "market_adjusted",
    "parse_score",
    "performance_pay",
]

BLACKLIST_BELOW = Decimal(6)  # a party organisation's annual score below this blacklists
_HUNDREDTH = Decimal("0.01")


def parse_score(text: str, what: str, *, out_of: int) -> Decimal:
    """A score from 0 to ``out_of`` with at most two decimals, given two places."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.quantize(_HUNDREDTH) or not 0 <= value <= out_of:
        raise InvalidInput(f"{what} {text!r} is not a score from 0 to {out_of}",
                           fix=f"write a number from 0 to {out_of}, at most two decimals")
    return value.quantize(_HUNDREDTH)  # always two places, as stored


def _score_100(_instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    parse_score(str(value), f"the {attribute.name} score", out_of=100)


@attrs.frozen
class Evaluation:
    """One month's three scores for one contract, each 0-100: the street office's (街道), the
    community's (社区) and the owners' or self-management committee's (业委会 / 自管会)."""

    contract: str
    period: Period
    street_office: Decimal = attrs.field(validator=_score_100)
    community: Decimal = attrs.field(validator=_score_100)
    committee: Decimal = attrs.field(validator=_score_100)

    def score(self, weights: tuple[int, int, int]) -> Fraction:
        """The weighted score out of 100, exact: sum of weight percent times score."""
        scores = (self.street_office, self.community, self.committee)
        return sum((Fraction(w, 100) * Fraction(s) for w, s in zip(weights, scores,
                                                                   strict=True)), Fraction(0))


# Points the marketplace record can take off a month's weighted score (out of 100).
LEVELS_POINTS = 10  # all of them when every completed order missed its service levels
COMPLAINT_POINTS = 20  # per complaint per order: one complaint in 20 orders costs one point
COMPLAINTS_MOST = 10  # complaints never cost more than this


@attrs.frozen
class MarketRecord:
    """The bundle's firm's month on the services marketplace, in the bundle's compounds:
    ``orders`` placed or completed in the month, the completed ones ``levels_measured``
    against their category's service levels, those that ``levels_met`` them, and the orders
    disputed (``complaints``)."""

    orders: int
    levels_measured: int
    levels_met: int
    complaints: int

    def __attrs_post_init__(self) -> None:
        if not (0 <= self.levels_met <= self.levels_measured <= self.orders
                and 0 <= self.complaints <= self.orders):
            raise InvalidInput(
                f"a marketplace record of {self.orders} orders, {self.levels_met} of "
                f"{self.levels_measured} meeting their service levels and {self.complaints} "
                "complaints does not add up", field="market",
                fix="count met within measured within orders, and complaints within orders")

    @property
    def levels_points(self) -> Fraction:
        """Points off for service levels missed: ``LEVELS_POINTS`` times the share of the
        completed orders that missed them."""
        if not self.levels_measured:
            return Fraction(0)
        return Fraction(LEVELS_POINTS * (self.levels_measured - self.levels_met),
                        self.levels_measured)

    @property
    def complaint_points(self) -> Fraction:
        """Points off for complaints: ``COMPLAINT_POINTS`` times complaints per order, at most
        ``COMPLAINTS_MOST``."""
        if not self.orders:
            return Fraction(0)
        return min(Fraction(COMPLAINT_POINTS * self.complaints, self.orders),
                   Fraction(COMPLAINTS_MOST))

    @property
    def deduction(self) -> Fraction:
        """All the points the record takes off the weighted score (at most 20)."""
        return self.levels_points + self.complaint_points


def market_adjusted(score: Fraction, record: MarketRecord | None) -> Fraction:
    """The month's score out of 100 after the firm's marketplace record (none: unchanged),
    never below zero."""
    return score if record is None else max(score - record.deduction, Fraction(0))


def performance_pay(performance: Money, score: Fraction) -> Money:
    """The performance part earned at ``score`` out of 100, rounded to the fen (halves up)."""
    if not 0 <= score <= 100:
        raise InvalidInput(f"score {score} is outside 0-100", fix="scores are out of 100")
    return Money(fen_half_up(performance.fen * score / 100), performance.currency)


@attrs.frozen
class PartyScore:
    """A party organisation's annual score of a firm, out of 10."""

    firm: str
    year: int
    score: Decimal
    scored_on: dt.date
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        parse_score(str(self.score), "the party organisation's score", out_of=10)


@attrs.frozen
class BlacklistEntry:
    """A firm on the blacklist: since when, why, and the score that put it there."""

    firm: str
    listed_on: dt.date
    reason: str
    year: int
    score: Decimal


def blacklisting(score: PartyScore) -> BlacklistEntry | None:
    """The blacklist entry a score below 6 makes, or None."""
    if score.score >= BLACKLIST_BELOW:
        return None
    reason = score.reason.strip() or (f"party organisation's {score.year} score {score.score} "
                                      f"is below {BLACKLIST_BELOW}")
    return BlacklistEntry(score.firm, score.scored_on, reason, score.year, score.score)


@attrs.frozen
class Tender:
    """A bundle put out to tender; bids are taken until ``closes_on`` (inclusive)."""

    id: str
    bundle: str
    opens_on: dt.date
    closes_on: dt.date

    def __attrs_post_init__(self) -> None:
        if self.closes_on < self.opens_on:
            raise InvalidInput(f"tender {self.id} closes before it opens", field="closes_on",
                               fix="give a closing date on or after the opening date")


@attrs.frozen
class Bid:
    """A firm's bid on a tender: its unit price per m² per month."""

    tender: str
    firm: str
    unit_price: Money
    bid_on: dt.date

    def __attrs_post_init__(self) -> None:
        if self.unit_price.fen <= 0:
            raise InvalidInput(f"bid of {self.firm}: unit price {self.unit_price} is not "
                               "positive", field="unit_price", fix="bid a price such as 0.80")


def check_bid(tender: Tender, bid: Bid, listed: BlacklistEntry | None) -> None:
    """Refuse a bid from a blacklisted firm, or one outside the tender's dates."""
    if listed is not None and listed.listed_on <= bid.bid_on:
        raise RefusedByRule(
            f"firm {bid.firm} is on the blacklist since {listed.listed_on} ({listed.reason}), "
            f"so it cannot bid on tender {tender.id}",
            fix="only firms not on the blacklist may bid")
    if not tender.opens_on <= bid.bid_on <= tender.closes_on:
        raise RefusedByRule(
            f"tender {tender.id} takes bids from {tender.opens_on} to {tender.closes_on}, not "
            f"on {bid.bid_on}", fix="bid while the tender is open")
