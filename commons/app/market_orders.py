"""The marketplace's order events and monthly settlement, as use cases.

Every order event, from one CLI command or a host's whole feed, passes through ``_apply``: in one
transaction each event is checked against its order's state, the provider (active, not on the
contracts blacklist), the household and the subsidy programmes; any refusal refuses the whole
batch and names the line. An event id seen before with the same content is a no-op, with other
content a conflict. A completion posts the resident's payment (by channel), the subsidy
receivable from its funder and the provider's payable; a refund posts what it takes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from commons.app.points_refunds import give_points_back
from commons.app.session import Service
from commons.contracts.evaluation import blacklisting
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
    RefusedByRule,
)
from commons.io.market_files import Item
from commons.ledger.accounts import Account
from commons.ledger.journal import Prepared, prepared_of
from commons.market.model import ProviderStatus, Resident, SubsidyProgramme, resident_as_of
from commons.market.orders import (
    CHINA,
    EventType,
    EventValues,
    Order,
    PriceSplit,
    illegal_move,
    moved,
    placed_fields,
)
from commons.market.orders import split_price as price_split
from commons.market.postings import SHARE_INCOME, market_accounts
from commons.money import Money
from commons.periods import Period

if TYPE_CHECKING:
    from commons.app.ledger import LedgerService
    from commons.app.session import Session
    from commons.store import Tables

__all__ = ["EventBatch", "MarketOrders", "Quote"]

_MAX_REPORTED = 50
_MISSING = object()


@attrs.frozen
class Quote:
    """What the household pays for an order, as of a date: the split, and whether a
    programme's budget or the resident's cap for the month cut the subsidy short."""

    split: PriceSplit
    short: bool
    # An order placed for no resident: the household's resident whose subsidy would lower
    # the price, and what the household would pay then.
    cheaper_for: tuple[str, Money] | None = None

    @property
    def note(self) -> str:
        """What to tell the resident before placing, or "" when there is nothing to say."""
        notes = []
        if self.short:
            notes.append(f"the subsidy for this month is spent or capped: the resident pays "
                         f"{self.split.resident} of {self.split.price}")
        if self.cheaper_for is not None:
            who, pays = self.cheaper_for
            notes.append(f"placed for resident {who} (--resident {who}), the household would "
                         f"pay {pays} instead of {self.split.resident}")
        return "; ".join(notes)


@attrs.frozen
class EventBatch:
    """What a batch of events did: applied, already recorded, how many orders it changed, and
    the placing quote of each order placed in the batch."""

    file: str | None
    applied: int
    already_recorded: int
    orders: int
    quotes: tuple[tuple[str, Quote], ...] = ()


class _Batch:
    """The state one batch of events builds before anything is written."""

    def __init__(self, quotes: bool = False) -> None:
        self.keep_quotes = quotes  # one event's caller shows its quote; a feed's are not kept
        # Each order as plain fields, its events folded in by the one state machine
        # (``moved``); an order is built once, when the chunk is written.
        self.orders: dict[str, dict[str, Any]] = {}
        self.touched: set[str] = set()
        self.entries: list[Prepared] = []
        self.events: list[tuple[str, str, str]] = []
        self.seen: dict[str, str] = {}
        # What each programme has paid in a month, in all (resident None) and per resident:
        # read once, kept running through the batch, written back with it.
        self.used: dict[tuple[str, str, str | None], Money] = {}
        self.used_changed: set[tuple[str, str, str | None]] = set()
        self.quotes: list[tuple[str, Quote]] = []
        self.problems: list[CommonsError] = []
        self.applied = 0
        self.changed: set[str] = set()  # ids of the orders written
        self.stored: set[str] = set()  # ids of the orders read from the store, not new
        self.compounds: dict[str, str] = {}  # each household's compound, read once a chunk
        # The records of the residents a chunk names, read at once: an order is placed and
        # completed on the same day, and both look its resident up.
        self.residents: dict[str, list[tuple[str, Resident]]] = {}
        # Looked up once per batch: a feed names the same few services and providers often.
        self.cache: dict[tuple[str, str], Any] = {}
        # Each price's split, no limit, by programme ("": none).
        self.splits: dict[tuple[str, Money], PriceSplit] = {}
        self.months: dict[dt.date, tuple[Period, str]] = {}  # each service day's month
        self.accounts: set[str] | None = None  # the ledger's accounts, read once a batch
        # The accounts of each channel, provider and funder, named once.
        self.names: dict[tuple[str, str, str | None], dict[str, str]] = {}


def _used(t: Tables, b: _Batch, key: tuple[str, str, str | None]) -> Money:
    """What programme ``key[0]`` has paid in month ``key[1]`` (to resident ``key[2]``, or in
    all), as the batch has it so far."""
    if key not in b.used:
        b.used[key] = t.market.subsidy_used(*key)
    return b.used[key]


def _use(t: Tables, b: _Batch, programme: str, month: str, resident: str | None,
         amount: Money) -> None:
    """Count ``amount`` (negative: given back) against the programme's month and resident."""
    for key in dict.fromkeys(((programme, month, None), (programme, month, resident))):
        b.used[key] = _used(t, b, key) + amount
        b.used_changed.add(key)


def _resident(t: Tables, b: _Batch, id: str, day: dt.date) -> Resident | None:
    """Resident ``id`` as of ``day``, its records read once a chunk."""
    if id not in b.residents:
        b.residents.update(t.market.resident_records([id]))
    return resident_as_of(b.residents.get(id, ()), day)


def _once(b: _Batch, kind: str, key: str, load: Callable[[], Any]) -> Any:
    """``load()``'s value, read once per batch for (``kind``, ``key``)."""
    found = b.cache.get((kind, key), _MISSING)
    if found is _MISSING:
        found = b.cache[(kind, key)] = load()
    return found


def _ceilings(t: Tables, b: _Batch) -> dict[str, Money]:
    """The low-cost categories' ceilings by category, read once per batch: a service priced
    above its category's ceiling is not listed (the ceiling may have been lowered since)."""
    return _once(b, "ceilings", "", lambda: {  # type: ignore[no-any-return]
        c.id: c.ceiling for c in t.market.categories().values() if c.ceiling is not None})


def _read_ahead(t: Tables, b: _Batch, events: Sequence[EventValues]) -> None:
    """Read what a chunk's events name in a few queries: their orders, the compounds of
    their households, the records of their residents and the services not read yet
    (``_once`` then finds each)."""
    found = t.market.orders_by_id([e[2] for e in events if e[2] not in b.orders])
    b.stored.update(found)
    b.orders.update((id, attrs.asdict(order, recurse=False)) for id, order in found.items())
    b.compounds.update(t.market.household_compounds(list({
        e[5] for e in events if e[5] is not None})))
    named = {e[6] for e in events if e[6] is not None}
    named.update(o["resident"] for o in map(b.orders.get, (e[2] for e in events))
                 if o is not None and o["resident"] is not None)
    b.residents.update(t.market.resident_records(list(named - b.residents.keys())))
    wanted = {e[4] for e in events if e[4] is not None and ("service", e[4]) not in b.cache}
    services = t.market.services_by_id(list(wanted))
    b.cache.update((("service", id), services.get(id)) for id in wanted)


class MarketOrders(Service):
    """Order events and settlement; ``MarketService`` adds the listings and reports."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger

    def _apply(self, chunks: Iterable[Sequence[Item]], file: str | None, *,
               quotes: bool = False) -> EventBatch:
        """Apply events chunk by chunk in one transaction: each chunk is written once checked,
        so memory stays flat; after the first refusal nothing more is written, the rest is
        still checked, and the transaction is rolled back with every refusal named."""
        with self.store.write() as t:
            b = _Batch(quotes)
            total = already = 0
            for chunk in chunks:
                total += len(chunk)
                already += self._chunk(t, b, chunk, file)
                if not b.problems:
                    self._write(t, b, file)
            if b.problems:
                raise Problems(f"{len(b.problems)} of {total} events refused; nothing "
                               "was recorded", b.problems[:_MAX_REPORTED],
                               fix="correct the events named above and send them again")
        return EventBatch(file, b.applied, already, len(b.changed), tuple(b.quotes))

    def _chunk(self, t: Tables, b: _Batch, chunk: Sequence[Item], file: str | None) -> int:
        """Check and apply one chunk in memory; how many of its events were recorded before."""
        events = []
        for line, item, content in chunk:
            if isinstance(item, CommonsError):
                b.problems.append(item.located(file=file, line=line))
            else:
                events.append((line, item, content))
        # An event comes as its values (see EventValues): id, type, order, at, service,
        # household, ...
        known = t.market.events_known([e[0] for _, e, _ in events])
        _read_ahead(t, b, [e for _, e, _ in events])
        already = 0
        for line, event, content in events:
            event_id = event[0]
            seen = known.get(event_id, b.seen.get(event_id))
            if seen is not None:
                rated = b.orders.get(event[2]) if seen != content and \
                    event[1] is EventType.RATE else None
                if rated is not None and rated["stars"] is not None:  # again, by the default id
                    b.problems.append(illegal_move(
                        event[2], rated["state"], EventType.RATE,
                        f" and was rated {rated['stars']} already").located(file=file,
                                                                             line=line))
                elif seen != content:
                    b.problems.append(ConflictError(
                        f"event {event_id} was recorded with other content",
                        field="id", file=file, line=line,
                        fix="give a new event a new id; a recorded one is kept",
                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY))
                already += 1
                continue
            b.seen[event_id] = content
            try:
                self._one(t, b, event)
            except CommonsError as e:
                b.problems.append(e.located(file=file, line=line))
                continue
            b.events.append((event_id, event[2], content))
        return already

    def _write(self, t: Tables, b: _Batch, file: str | None) -> None:
        """Write what the chunks checked so far did, and forget it: it is in the store now."""
        t.market.save_orders([b.orders[id] for id in b.touched], replacing=b.stored)
        t.market.add_events(b.events)
        t.market.set_subsidy_used((*key, b.used[key]) for key in sorted(
            b.used_changed, key=lambda k: (k[0], k[1], k[2] or "")))
        b.used_changed = set()
        if b.entries:
            if b.accounts is None:
                b.accounts = set(t.ledger.accounts())
            self._open_accounts(t, (leg.account for e in b.entries for leg in e.legs),
                                b.accounts)
            self.ledger.post_in(t, b.entries, None, None,
                                origin=f"market events{' ' + file if file else ''}")
        b.applied += len(b.events)
        b.changed.update(b.touched)
        b.orders, b.touched, b.seen, b.events, b.entries = {}, set(), {}, [], []
        b.stored, b.compounds, b.residents = set(), {}, {}

    def _one(self, t: Tables, b: _Batch, event: EventValues) -> None:
        _, kind, id, at, *_ = event
        order = b.orders.get(id)
        if kind is EventType.PLACE:
            if order is not None:
                raise illegal_move(id, order["state"], kind, " already")
            b.orders[id] = self._place(t, b, event)
        elif order is None:
            raise NotFound(f"order {id} was never placed", field="order",
                           fix="send the order's place event first, or check the id",
                           context={"kind": "order", "id": id})
        elif kind is EventType.COMPLETE:
            day = at.astimezone(CHINA).date()
            who = order["provider"]
            # The month, and as the budgets and the entry name it: made once a day.
            month, text = b.months.get(day) or b.months.setdefault(
                day, (Period.of(day), str(Period.of(day))))
            if _once(b, "settled", f"{who} {text}",
                     lambda: t.market.settlement(who, month)) is not None:
                raise RefusedByRule(f"{who}'s {month} is settled; order "
                                    f"{id} cannot be completed in it", field="at",
                                    code=ErrorCode.CLOSED_PERIOD,
                                    fix="complete it with its real time in an open month")
            order.update(moved(order, event, split=self._split(t, b, order, day, text)))
            self._post_completion(t, b, order, day, text)
        else:
            if kind is EventType.ACCEPT:
                self._not_blacklisted(t, order["provider"], at, b)
            allowed = True
            if kind is EventType.CANCEL:  # the provider's rule for accepted orders
                who = order["provider"]
                provider = _once(b, "provider", who, lambda: t.market.provider(who))
                allowed = provider is None or provider.cancel_after_accept
            order.update(moved(order, event, cancel_after_accept=allowed))
            if kind is EventType.RESOLVE:
                self._post_refund(t, b, Order(**order))
        b.touched.add(id)

    def _place(self, t: Tables, b: _Batch, event: EventValues) -> dict[str, Any]:
        _, _, id, at, wanted, household, resident_id, units, *_ = event
        assert wanted is not None and household is not None
        service = _once(b, "service", wanted, lambda: t.market.service(wanted))
        if service is None:
            raise NotFound(f"service {wanted} is not listed", field="service",
                           fix="list it first (commons market service add), or check the id",
                           context={"kind": "service", "id": wanted})
        ceiling = _ceilings(t, b).get(service.category)
        if ceiling is not None and service.price > ceiling:
            raise RefusedByRule(
                f"service {service.id} at {service.price} is above the {service.category} "
                f"ceiling of {ceiling}, so it is not listed", field="service",
                code=ErrorCode.ABOVE_CEILING,
                fix="order a service within the ceiling (commons market service search)",
                context={"kind": "service", "id": service.id})
        compound = b.compounds.get(household)
        if compound is None:
            raise NotFound(f"household {household} is not recorded", field="household",
                           fix="import the estate's households first, or check the id",
                           context={"kind": "household", "id": household})
        provider = _once(b, "provider", service.provider,
                         lambda: t.market.provider(service.provider))
        assert provider is not None
        if provider.status is not ProviderStatus.ACTIVE:
            raise RefusedByRule(f"provider {provider.id} is {provider.status.value}, so it "
                                "takes no orders", field="service",
                                fix="order from an active provider")
        self._not_blacklisted(t, provider.id, at, b)
        if compound not in service.compounds:
            raise RefusedByRule(f"service {service.id} does not reach {compound}, where "
                                f"household {household} is", field="service",
                                fix="search the services open to the household")
        if resident_id is not None:
            resident = _resident(t, b, resident_id, at.astimezone(CHINA).date())
            if resident is None or resident.household != household:
                raise InvalidInput(f"resident {resident_id} is not recorded in household "
                                   f"{household}", field="resident",
                                   fix="record the resident (commons market resident add)")
        order = placed_fields(event, provider=provider.id, category=service.category,
                              compound=compound)
        if b.keep_quotes:
            day, price = at.astimezone(CHINA).date(), service.price * units
            quote = self._quote_for(t, b, service.category, resident_id, day, price)
            if resident_id is None:  # one order placed by hand: would a resident pay less?
                cheaper = min(((self._quote_for(t, b, service.category, r.id, day, price),
                                r.id) for r in t.market.residents_of(household, day)),
                              key=lambda x: x[0].split.resident, default=None)
                if cheaper is not None and cheaper[0].split.resident < quote.split.resident:
                    quote = attrs.evolve(quote, cheaper_for=(cheaper[1],
                                                             cheaper[0].split.resident))
            b.quotes.append((id, quote))
        return order

    def _not_blacklisted(self, t: Tables, provider: str, at: dt.datetime,
                         b: _Batch | None = None) -> None:
        since = self._blacklisted_on(t, provider) if b is None else \
            _once(b, "blacklisted", provider, lambda: self._blacklisted_on(t, provider))
        if since is not None and since <= at.astimezone(CHINA).date():
            raise RefusedByRule(f"provider {provider} is on the blacklist since {since}, so it "
                                "cannot list, take orders or be paid for them", field="service",
                                code=ErrorCode.BLACKLISTED,
                                fix="order from a provider not on the blacklist")

    @staticmethod
    def _blacklisted_on(t: Tables, provider: str) -> dt.date | None:
        found = t.market.provider(provider)
        if found is None or found.firm is None:
            return None
        entries = [e for e in map(blacklisting, t.contracts.party_scores(found.firm))
                   if e is not None]
        return min((e.listed_on for e in entries), default=None)

    def _quote(self, t: Tables, b: _Batch, order: Order, day: dt.date, price: Money) -> Quote:
        return self._quote_for(t, b, order.category, order.resident, day, price)

    def _quote_for(self, t: Tables, b: _Batch, category: str, resident: str | None,
                   day: dt.date, price: Money) -> Quote:
        """What a ``resident`` (or nobody) pays of ``price`` for a service of ``category`` on
        ``day``: the programme that subsidises most, within what it has left."""
        best: tuple[PriceSplit, bool] | None = None
        tags = () if resident is None else \
            getattr(_resident(t, b, resident, day), "tags", ())
        for programme in _once(b, "programmes", "", t.market.programmes).values():
            if not programme.covers(category, tags):
                continue
            limit = self._limit(t, b, programme, Period.of(day), resident)
            key = (programme.id, price)
            full = b.splits.get(key) or b.splits.setdefault(
                key, price_split(price, programme, tag=programme.tag))
            # A limit the full subsidy stays within changes nothing: the plan gives the same.
            split = full if full.subsidy <= limit else \
                price_split(price, programme, tag=programme.tag, limit=limit)
            if best is None or split.subsidy > best[0].subsidy:
                best = (split, split.subsidy < full.subsidy)
        if best is not None:
            return Quote(*best)
        # Most orders name no programme's resident: each price's whole split, made once.
        key = ("", price)
        return Quote(b.splits.get(key) or b.splits.setdefault(key, price_split(price, None)),
                     False)

    @staticmethod
    def _limit(t: Tables, b: _Batch, p: SubsidyProgramme, month: Period,
               resident: str | None) -> Money:
        """What ``p`` may still pay ``resident`` in ``month``: the least of what its budget
        and the resident's cap leave (an order names a resident to be eligible at all)."""
        left = min(p.budget - _used(t, b, (p.id, str(month), None)),
                   p.cap - _used(t, b, (p.id, str(month), resident)))
        return max(left, Money.zero())

    def _split(self, t: Tables, b: _Batch, order: dict[str, Any], day: dt.date, month: str
               ) -> PriceSplit:
        wanted, resident = order["service"], order["resident"]
        service = _once(b, "service", wanted, lambda: t.market.service(wanted))
        assert service is not None
        split = self._quote_for(t, b, order["category"], resident, day,
                                service.price * order["units"]).split
        if split.programme is not None and split.subsidy:
            _use(t, b, split.programme, month, resident, split.subsidy)
        return split

    def _post_completion(self, t: Tables, b: _Batch, order: dict[str, Any], day: dt.date,
                         month: str) -> None:
        """Post a completed order, given as its fields: served on ``day``, in ``month``."""
        split: PriceSplit = order["split"]
        assert split is not None and order["completed_at"].astimezone(CHINA).date() == day
        funder = self._funder(t, b, split)
        key = (order["channel"], order["provider"], funder)
        names = b.names.get(key) or b.names.setdefault(key, market_accounts(*key))
        legs = [(names["paid"], split.resident)]
        if funder is not None:
            legs.append((names["subsidy"], split.subsidy))
        legs.append((names["payable"], -(split.resident + split.subsidy)))
        self._add_entry(b, day, f"marketplace order {order['id']} ({order['service']}) for "
                        f"{order['household']}", legs, f"market:order:{order['id']}", month)

    def _post_refund(self, t: Tables, b: _Batch, after: Order) -> None:
        split = after.split
        assert split is not None and after.closed_at is not None and after.refund is not None
        day = after.closed_at.astimezone(CHINA).date()
        names = market_accounts(after.channel, after.provider, self._funder(t, b, split))
        if after.fully_refunded:
            legs = [(names["paid"], -split.resident),
                    (names["payable"], split.resident + split.subsidy)]
            if "subsidy" in names and split.programme is not None:
                legs.append((names["subsidy"], -split.subsidy))
                # The budget and the cap get back what was refunded.
                _use(t, b, split.programme, str(after.period), after.resident, -split.subsidy)
        else:
            legs = [(names["payable"], after.refund), (names["paid"], -after.refund)]
        self._add_entry(b, day, f"refund of marketplace order {after.id}", legs,
                        f"market:refund:{after.id}", str(Period.of(day)))
        # The part of the refund the resident paid in volunteer points comes back as points.
        b.entries.extend(give_points_back(t, after, self.actor))

    def _add_entry(self, b: _Batch, day: dt.date, memo: str, legs: list[tuple[str, Money]],
                   external_id: str, month: str) -> None:
        """Add the entry of ``legs`` that move something, if any do, to the batch's post:
        built as plain values, as a feed's tens of thousands of completions are."""
        moving = [(account, m.fen, m.currency) for account, m in legs if m.fen]
        if moving:
            b.entries.append(prepared_of(day, memo, moving, external_id, self.actor, month))

    @staticmethod
    def _funder(t: Tables, b: _Batch, split: PriceSplit) -> str | None:
        if split.programme is None or not split.subsidy:
            return None
        programmes = _once(b, "programmes", "", t.market.programmes)
        return str(programmes[split.programme].funder)

    @staticmethod
    def _open_accounts(t: Tables, accounts: Iterable[str], opened: set[str] | None = None
                       ) -> None:
        """Open the ``accounts`` entries post to that are not open yet; ``opened`` names
        those known open (read from the ledger when not given) and learns the new ones."""
        known = set(t.ledger.accounts()) if opened is None else opened
        for name in dict.fromkeys(accounts):
            if name not in known:
                compound = name.rpartition(":")[2] if name.startswith(SHARE_INCOME) else None
                t.ledger.open_account(Account.create(name, compound=compound,
                                                     description="services marketplace"))
                known.add(name)
