"""A compound's tidal parking over one month: what every session owes, the cards sold, the
income per space, how it is shared, and the journal entry that collects it.

Sessions arrive as plain stored values, one at a time, so a month of a million sessions is
priced in one pass with flat memory. Each session is priced under the tariff in effect on the
local day it began; only its days inside the month count towards the month's bill, so a night
across the turn of the month is billed half in each. A card is charged its monthly price once
for each plate that parked on it in the month. Pure: values in, values out.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from commons.billing.parking_pricing import DayCharge, Pricer
from commons.billing.parking_tariff import Sharing, TariffFile
from commons.billing.split import Share
from commons.errors import CommonsError, NotFound
from commons.ledger.journal import Entry, Posting
from commons.ledger.periods import Period
from commons.money import Money, allocate

__all__ = [
    "CardFee",
    "CompoundBill",
    "SessionCharge",
    "StoredSession",
    "TariffBook",
    "accounts_for",
    "bill_entry",
    "bill_month",
    "external_id",
    "income_shares",
]

# A stored session as the store streams it: (session_id, space, plate, entered_s, exited_s,
# kind), instants in seconds since the epoch.
StoredSession = tuple[str, str, str, int, int, str]
OWNERS = "owners"
BANK = "assets:bank:co-managed"
INCOME = "income:parking"
COMMISSION = "expenses:operator-commission"
PAYABLE = "liabilities:payable:operator"


def external_id(compound: str, period: Period) -> str:
    """The journal's external id of a compound's parking income for a month."""
    return f"parking:{compound}:{period}"


class TariffBook:
    """A compound's tariffs by the date each takes effect, each ready to price."""

    def __init__(self, compound: str, files: Sequence[TariffFile]) -> None:
        if not files:
            raise NotFound(f"compound {compound!r} has no parking tariff",
                           fix="load one with `commons parking tariff FILE`")
        self.compound = compound
        self.files = sorted(files, key=lambda f: f.tariff.effective_from)
        self.pricers = [Pricer(f.tariff, f.calendar) for f in self.files]
        self._starts = [f.tariff.effective_from.toordinal() for f in self.files]

    @property
    def latest(self) -> Pricer:
        return self.pricers[-1]

    def index_on(self, ordinal: int) -> int | None:
        """The tariff in effect on a local date's ordinal, or None before the first."""
        i = bisect.bisect_right(self._starts, ordinal) - 1
        return i if i >= 0 else None

    def pricer_on(self, ordinal: int) -> Pricer | None:
        i = self.index_on(ordinal)
        return None if i is None else self.pricers[i]

    def file_on(self, day: dt.date) -> TariffFile | None:
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
    ``session_count`` counts them either way. ``by_space`` lists every space that earned."""

    compound: str
    period: Period
    session_count: int
    sessions: tuple[SessionCharge, ...]
    cards: tuple[CardFee, ...]
    by_space: tuple[tuple[str, Money], ...]
    total: Money
    shares: tuple[Share, ...]
    operator: str | None

    @property
    def external_id(self) -> str:
        return external_id(self.compound, self.period)

    @property
    def session_total(self) -> Money:
        return sum((m for _, m in self.by_space), Money.zero(self.total.currency))

    @property
    def card_total(self) -> Money:
        return sum((c.amount for c in self.cards), Money.zero(self.total.currency))

    def share_of(self, party: str) -> Money:
        return sum((s.amount for s in self.shares if s.party == party),
                   Money.zero(self.total.currency))


def income_shares(total: Money, sharing: Sharing) -> tuple[Share, ...]:
    """The owners' and the operator's shares of ``total``, exact to the fen."""
    if sharing.operator is None:
        return (Share(OWNERS, total),)
    parts = allocate(total, {OWNERS: sharing.owners_percent,
                             sharing.operator: sharing.operator_percent})
    return (Share(OWNERS, parts[OWNERS]), Share(sharing.operator, parts[sharing.operator]))


def _priced(book: TariffBook, session: StoredSession) -> tuple[list[tuple[int, int]], str]:
    sid, _, _, entered, exited, kind = session
    pricer = book.latest if len(book.pricers) == 1 else (
        book.pricer_on(book.latest.day_of(entered)))
    if pricer is None:
        raise NotFound(f"session {sid} began before {book.compound}'s first tariff",
                       fix="load the tariff in effect then with `commons parking tariff FILE`")
    try:
        terms = pricer.terms(kind)
    except CommonsError as e:
        raise e.located(field=f"session {sid}") from None
    return pricer.charges_fen(entered, exited, terms), (terms.card or "")


def bill_month(book: TariffBook, period: Period, sessions: Iterable[StoredSession], *,
               detail: bool = True) -> CompoundBill:
    """Price every session touching ``period`` and total the month; ``detail`` keeps a line
    per session (a host billing a million sessions may want only the totals)."""
    first, last = period.first_day.toordinal(), period.last_day.toordinal()
    currency = book.latest.tariff.currency
    by_space: dict[str, int] = {}
    plates: set[tuple[str, str]] = set()
    lines: list[SessionCharge] = []
    count = 0
    for session in sessions:
        days, card = _priced(book, session)
        inside = [(day, fen) for day, fen in days if first <= day <= last]
        if not inside:
            continue
        count += 1
        fen = sum(f for _, f in inside)
        space = session[1]
        by_space[space] = by_space.get(space, 0) + fen
        if card:
            plates.add((card, session[2]))
        if detail:
            lines.append(SessionCharge(
                session[0], space, session[2], session[5], Money(fen, currency),
                tuple(DayCharge(dt.date.fromordinal(d), Money(f, currency)) for d, f in inside)))
    file = book.file_on(period.last_day) or book.files[-1]
    cards = tuple(sorted((CardFee(card, plate, _card_price(file, card)) for card, plate in plates),
                         key=lambda c: (c.card, c.plate)))
    total = Money(sum(by_space.values()), currency) + sum((c.amount for c in cards),
                                                          Money.zero(currency))
    lines.sort(key=lambda s: s.session_id)
    return CompoundBill(book.compound, period, count, tuple(lines), cards,
                        tuple((s, Money(f, currency)) for s, f in sorted(by_space.items())),
                        total, income_shares(total, file.sharing), file.sharing.operator)


def _card_price(file: TariffFile, card: str) -> Money:
    found = file.tariff.card(card)
    if found is None:
        raise NotFound(f"card {card} is not in {file.tariff.compound}'s tariff of "
                       f"{file.tariff.effective_from}, so its price for the month is unknown",
                       fix="list the card in the tariff in effect at the end of the month")
    return found.price


def bill_entry(bill: CompoundBill, *, actor: str = "") -> Entry | None:
    """The journal entry collecting the month's income into the co-managed account, with the
    operator's share owed to the operator; None when nothing was earned."""
    if not bill.total:
        return None
    c = bill.compound
    postings = [Posting(f"{BANK}:{c}", bill.total), Posting(f"{INCOME}:{c}", -bill.total)]
    operator = bill.share_of(bill.operator) if bill.operator else Money.zero()
    if operator:
        postings += [Posting(f"{COMMISSION}:{c}", operator), Posting(f"{PAYABLE}:{c}", -operator)]
    memo = (f"tidal parking {bill.period}: {bill.session_count} sessions, {len(bill.cards)} "
            "cards" + (f"; {bill.operator}'s share {operator}" if operator else ""))
    return Entry(bill.period.last_day, memo, tuple(postings), bill.external_id, actor=actor,
                 resource="parking", period=str(bill.period), compound=c)


def accounts_for(compound: str, *, operator: bool) -> tuple[str, ...]:
    """The accounts a compound's parking entry posts to."""
    names = [f"{BANK}:{compound}", f"{INCOME}:{compound}"]
    if operator:
        names += [f"{COMMISSION}:{compound}", f"{PAYABLE}:{compound}"]
    return tuple(names)
