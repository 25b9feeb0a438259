"""A compound's tidal parking over one month: what every session owes, the cards sold, the
income of each space, how it is shared, and the public-revenue collections that book it.

Sessions arrive as plain stored values, one at a time, so a month of a million sessions is
priced in one pass with flat memory. Each session is priced under the tariff in effect on the
local day it began; only its days inside the month count towards the month's bill, so a night
across the turn of the month is billed half in each. A card is charged its monthly price once
for each plate that parked on it in the month, and that price is earned by the spaces the plate
used, split exactly by the time it spent on each.

The income is collected (收, the second of the five duties) one collection per space, so every
yuan names the resource that earned it, under the compound's sharing rule: the one set with
``commons revenue rule``, or failing that the tariff's own [sharing] (an operator named there
takes half unless it says otherwise). Pure: values in, values out.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from commons.allocation import allocate
from commons.billing.split import Share
from commons.errors import CommonsError, NotFound
from commons.money import Money
from commons.parking.pricing import DayCharge, Pricer
from commons.parking.tariff import TariffFile
from commons.periods import Period
from commons.revenue.income import (
    DEFAULT_MAX_COMMISSION_PERCENT,
    Collection,
    SharingRule,
    default_rule,
    rule_on,
)

__all__ = [
    "CardFee",
    "CompoundBill",
    "SessionCharge",
    "StoredSession",
    "TariffBook",
    "bill_month",
    "external_id",
    "sharing_rule",
]

# A stored session as the store streams it: (session_id, space, plate, entered_s, exited_s,
# kind), instants in seconds since the epoch.
StoredSession = tuple[str, str, str, int, int, str]
OWNERS = "owners"
OPERATOR = "operator"  # the operator's party name when the tariff does not name one


def external_id(compound: str, period: Period, space: str) -> str:
    """The external id of a space's parking income for a month."""
    return f"parking:{compound}:{period}:{space}"


class TariffBook:
    """A compound's tariffs by the date each takes effect, each ready to price."""

    def __init__(self, compound: str, files: Sequence[TariffFile]) -> None:
        if not files:
            raise NotFound(f"compound {compound!r} has no parking tariff",
                           fix="load a parking tariff for the compound first",
                           context={"kind": "tariff", "compound": compound})
        self.compound = compound
        self.files = sorted(files, key=lambda f: f.tariff.effective_from)
        self.pricers = [Pricer(f.tariff, f.calendar) for f in self.files]
        self._starts = [f.tariff.effective_from.toordinal() for f in self.files]

    @property
    def latest(self) -> Pricer:
        """The pricer of the newest tariff."""
        return self.pricers[-1]

    def index_on(self, ordinal: int) -> int | None:
        """The tariff in effect on a local date's ordinal, or None before the first."""
        i = bisect.bisect_right(self._starts, ordinal) - 1
        return i if i >= 0 else None

    def pricer_on(self, ordinal: int) -> Pricer | None:
        """The pricer of the tariff in effect on a local date's ordinal, or None before the
        first."""
        i = self.index_on(ordinal)
        return None if i is None else self.pricers[i]

    def file_on(self, day: dt.date) -> TariffFile | None:
        """The tariff file in effect on ``day``, or None before the first."""
        i = self.index_on(day.toordinal())
        return None if i is None else self.files[i]

    def bounds(self, period: Period) -> tuple[int, int]:
        """The month as [start, end) seconds since the epoch: local midnights."""
        pricer = self.pricer_on(period.last_day.toordinal()) or self.latest
        return (pricer.plan(period.first_day.toordinal())[0],
                pricer.plan(period.next().first_day.toordinal())[0])


@attrs.frozen
class SessionCharge:
    """What one session owes for the days of the month it touched."""

    session_id: str
    space: str
    plate: str
    kind: str
    amount: Money
    days: tuple[DayCharge, ...]


@attrs.frozen
class CardFee:
    """A card's monthly price, charged to one plate that parked on it in the month."""

    card: str
    plate: str
    amount: Money


@attrs.frozen
class CompoundBill:
    """One compound's parking income for a month, priced to the fen and shared.

    ``sessions`` lists each session (empty when the bill was made without detail);
    ``session_count`` counts them either way. ``by_space`` lists every space that earned,
    card fees included, and ``collections`` the income each of them collects."""

    compound: str
    period: Period
    session_count: int
    sessions: tuple[SessionCharge, ...]
    cards: tuple[CardFee, ...]
    by_space: tuple[tuple[str, Money], ...]
    total: Money
    shares: tuple[Share, ...]
    operator: str | None
    rule: SharingRule

    def collections(self) -> tuple[Collection, ...]:
        """One public-revenue collection per space that earned, dated the month's last day."""
        memo = f"tidal parking {self.period}"
        return tuple(Collection(external_id(self.compound, self.period, space),
                                self.period.last_day, self.compound, space, self.period,
                                amount, memo=memo) for space, amount in self.by_space if amount)

    @property
    def card_total(self) -> Money:
        """What the month's cards come to."""
        return sum((c.amount for c in self.cards), Money.zero(self.total.currency))

    def share_of(self, party: str) -> Money:
        """What ``party`` (``owners`` or the operator) gets of the month's income."""
        return sum((s.amount for s in self.shares if s.party == party),
                   Money.zero(self.total.currency))


def sharing_rule(compound: str, rules: Sequence[SharingRule], file: TariffFile,
                 period: Period) -> SharingRule:
    """The compound's sharing rule at the end of ``period``; without one, the tariff's: the
    owners keep everything unless it names an operator, who then takes its agreed share (the
    tariff records that agreement, so the share is its own cap)."""
    found = rule_on(rules, period.last_day)
    if found is not None:
        return found
    sharing = file.sharing
    if sharing.operator is None:
        return default_rule(compound)
    percent = sharing.operator_percent
    return SharingRule(compound, file.tariff.effective_from, percent,
                       max(percent, DEFAULT_MAX_COMMISSION_PERCENT))


def _shares(by_space: dict[str, int], rule: SharingRule, operator: str | None,
            currency: str) -> tuple[Share, ...]:
    """The owners' and the operator's shares: the sums of each space's exact split."""
    owners = commission = 0
    for fen in by_space.values():
        cut, kept = rule.split(Money(fen, currency))
        commission += cut.fen
        owners += kept.fen
    if not commission and not rule.commission_percent:
        return (Share(OWNERS, Money(owners, currency)),)
    return (Share(OWNERS, Money(owners, currency)),
            Share(operator or OPERATOR, Money(commission, currency)))


def _priced(book: TariffBook, session: StoredSession) -> tuple[list[tuple[int, int]], str]:
    sid, _, _, entered, exited, kind = session
    pricer = book.latest if len(book.pricers) == 1 else (
        book.pricer_on(book.latest.day_of(entered)))
    if pricer is None:
        raise NotFound(f"session {sid} began before {book.compound}'s first tariff",
                       fix="load the tariff in effect then first",
                       context={"kind": "tariff", "compound": book.compound})
    try:
        terms = pricer.terms(kind)
    except CommonsError as e:
        raise e.located(field=f"session {sid}") from None
    return pricer.charges_fen(entered, exited, terms), (terms.card or "")


def bill_month(book: TariffBook, period: Period, sessions: Iterable[StoredSession],
               rule: SharingRule, *, detail: bool = True) -> CompoundBill:
    """Price every session touching ``period`` and total the month under ``rule``; ``detail``
    keeps a line per session (a host billing a million sessions may want only the totals)."""
    first, last = period.first_day.toordinal(), period.last_day.toordinal()
    start_s, end_s = book.bounds(period)
    currency = book.latest.tariff.currency
    by_space: dict[str, int] = {}
    card_use: dict[tuple[str, str], dict[str, int]] = {}  # (card, plate) -> space -> seconds
    lines: list[SessionCharge] = []
    count = 0
    for session in sessions:
        days, card = _priced(book, session)
        inside = [(day, fen) for day, fen in days if first <= day <= last]
        if not inside:
            continue
        count += 1
        fen = sum(f for _, f in inside)
        sid, space, plate, entered, exited, kind = session
        by_space[space] = by_space.get(space, 0) + fen
        if card:
            used = card_use.setdefault((card, plate), {})
            used[space] = used.get(space, 0) + min(exited, end_s) - max(entered, start_s)
        if detail:
            lines.append(SessionCharge(
                sid, space, plate, kind, Money(fen, currency),
                tuple(DayCharge(dt.date.fromordinal(d), Money(f, currency)) for d, f in inside)))
    file = book.file_on(period.last_day) or book.files[-1]
    cards = []
    for (card, plate), used in sorted(card_use.items()):
        price = _card_price(file, card)
        cards.append(CardFee(card, plate, price))
        for space, part in allocate(price, used).items():
            by_space[space] = by_space.get(space, 0) + part.fen
    total = Money(sum(by_space.values()), currency)
    lines.sort(key=lambda s: s.session_id)
    operator = file.sharing.operator
    return CompoundBill(book.compound, period, count, tuple(lines), tuple(cards),
                        tuple((s, Money(f, currency)) for s, f in sorted(by_space.items())),
                        total, _shares(by_space, rule, operator, currency), operator, rule)


def _card_price(file: TariffFile, card: str) -> Money:
    found = file.tariff.card(card)
    if found is None:
        raise NotFound(f"card {card} is not in {file.tariff.compound}'s tariff of "
                       f"{file.tariff.effective_from}, so its price for the month is unknown",
                       fix="list the card in the tariff in effect at the end of the month")
    return found.price
