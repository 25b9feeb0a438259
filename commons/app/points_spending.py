"""Spending volunteer points: at a marketplace provider as part of an order's resident share,
or for goods from a programme's points shelf; transfers within a household; expiry; and the
hook that pays providers from the sponsor fund when the marketplace settles a month.

A balance never goes below zero: points are drawn from the person's lots oldest first, and a
spend the spendable lots cannot cover is refused with nothing written. A redemption or transfer
is keyed by the host's id (a redemption at a provider by its order's id): the same again is a
no-op, other content under the same id a conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from commons.app.points import PointsEarning
from commons.app.session import recorded
from commons.errors import ConflictError, ErrorCode, InvalidInput, RefusedByRule
from commons.market.postings import CLEARING, TRANSFERS
from commons.money import CURRENCY, Money
from commons.periods import Period
from commons.points.lots import Draw, draw_oldest_first
from commons.points.model import Member, Programme, act_parts, content_of
from commons.points.postings import (
    accounts_of,
    expiry_entry,
    payout_entry,
    people_sums,
    redemption_entry,
    transfer_entry,
)
from commons.points.reports import Movement

if TYPE_CHECKING:
    from commons.app.ledger import LedgerService
    from commons.market.orders import Order
    from commons.market.settlement import Settlement
    from commons.store import Tables

__all__ = ["Expiry", "Payout", "PointsSpending", "Redemption", "Transfer", "fund_and_due",
           "one_or_more", "pay_redemptions"]


@attrs.frozen
class Redemption:
    """Points spent: at a provider on an order (``value`` in yuan, paid from the sponsor fund
    at the provider's settlement), or for ``quantity`` of a shelf ``item``."""

    programme: str
    id: str
    person: str
    points: int
    value: Money
    date: dt.date
    already_recorded: bool
    order: str | None = None
    provider: str | None = None
    item: str | None = None
    quantity: int = 0
    drawn: tuple[tuple[dt.date, int], ...] = ()  # (expiry day of the lot, points), oldest first


@attrs.frozen
class Transfer:
    """Points moved from one member to another."""

    programme: str
    id: str
    giver: str
    taker: str
    points: int
    date: dt.date
    already_recorded: bool


@attrs.frozen
class Expiry:
    """What ``points expire`` moved in one programme: how many lots and points, of how many
    people."""

    programme: str
    as_of: dt.date
    lots: int
    points: int
    people: int


@attrs.frozen
class Payout:
    """The sponsor fund paying a provider for a month's redemptions."""

    programme: str
    provider: str
    period: Period
    value: Money
    already_recorded: bool


def pay_redemptions(ledger: LedgerService, t: Tables, month: Period,
                    settlements: Sequence[Settlement], actor: str) -> tuple[Payout, ...]:
    """The marketplace settlement's hook: the points redeemed on the orders each settlement
    pays (its ``points_value``, withheld orders left out) paid from each programme's sponsor
    fund into the marketplace's transfers account, once."""
    payouts, entries = [], []
    for s in settlements:
        paid = {line.order for line in s.lines}
        by_programme: dict[str, Money] = {}
        for programme, order, value in t.points.redeemed_at(s.provider, month):
            if order in paid:
                by_programme[programme] = by_programme.get(programme, Money.zero()) + value
        for programme, value in by_programme.items():
            if not value.fen:
                continue
            entry = payout_entry(programme, s.provider, str(month), value, month.last_day,
                                 TRANSFERS, actor)
            known = bool(t.ledger.known([entry.external_id]))
            payouts.append(Payout(programme, s.provider, month, value, known))
            if not known:
                entries.append(entry)
    if entries:
        ledger.post_in(t, entries, None, None, origin=f"points payouts {month}")
    return tuple(payouts)


def one_or_more(count: object, field: str, fix: str) -> int:
    """``count`` if it is a whole number of 1 or more; else bad input in ``field``."""
    if type(count) is not int or count < 1:
        raise InvalidInput(f"{field} {count!r} is not a whole number of 1 or more",
                           field=field, fix=fix, code=ErrorCode.INVALID_AMOUNT)
    return count


def fund_and_due(t: Tables, names: dict[str, str], as_of: dt.date | None = None
                 ) -> tuple[Money, Money]:
    """What a programme's sponsor fund holds and what it owes for redemptions not paid out
    yet (``names``: its accounts, see ``accounts_of``), at the end of ``as_of`` (or now)."""
    out = {}
    for key in ("fund", "due"):
        for name, money in t.ledger.balances(names[key], as_of=as_of):
            if name == names[key] and money.currency == CURRENCY:
                out[key] = money
    return out.get("fund", Money.zero()), out.get("due", Money.zero())


class PointsSpending(PointsEarning):
    """Redemptions, transfers and expiry (``PointsEarning``: programmes and rosters)."""

    def _member(self, t: Tables, p: Programme, person: str) -> Member:
        found = t.points.members(p.id, [person]).get(person)
        return recorded(found, "member", person, missing=f"is not a member of {p.id}",
                        first="enrol them first (commons points member add)")

    def _act(self, t: Tables, p: Programme, kind: str, id: str, content: str) -> bool:
        """Whether the act ``id`` was recorded with ``content``; a conflict if with other."""
        found = t.points.act(p.id, kind, id)
        if found is not None and found != content:
            raise ConflictError(f"{kind} {id} is recorded with other details",
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                                fix=f"give a new {kind} a new id",
                                context={"kind": kind, "id": id})
        return found is not None

    def _spend(self, t: Tables, p: Programme, person: str, points: int, day: dt.date,
               what: str, movement: str, reference: str) -> tuple[Draw, ...]:
        draws = draw_oldest_first(t.points.lots(p.id, person), points, day, who=person,
                                  what=what)
        t.points.draw(draws)
        t.points.add_movements(p.id, [(person, Movement(day, movement, -points, reference))])
        return draws

    def redeem(self, programme: str, person: str, *, points: int | None = None,
               order: str | None = None, item: str | None = None, quantity: int = 1,
               id: str | None = None, on: dt.date | str | None = None) -> Redemption:
        """Spend ``person``'s points: ``points`` on marketplace ``order`` (a completed order of
        their household, in a month not yet settled; worth points / rate yuan, half up to the
        fen, at most the resident's share), or on ``quantity`` of shelf ``item`` (host's id
        ``id``, stock kept). Oldest lots first; never below zero."""
        if (order is None) == (item is None):
            raise InvalidInput("a redemption is either on an order or for a shelf item",
                               field="order", fix="give --order ORDER or --item ITEM")
        day = self._today(on)
        with self.store.write() as t:
            p = self._programme(t, programme)
            member = self._member(t, p, person)
            if order is not None:
                return self._on_order(t, p, member, order, points, day)
            assert item is not None
            if id is None:
                raise InvalidInput("a shelf redemption needs the host's id", field="id",
                                   fix="give --id, e.g. the receipt number")
            one_or_more(quantity, "quantity", "take one item or more")
            goods = p.item(item)
            cost = goods.points * quantity
            if self._act(t, p, "redemption", id, content_of(person, item, quantity)):
                return Redemption(p.id, id, person, cost, Money.zero(), day, True, item=item,
                                  quantity=quantity)
            if goods.stock < quantity:
                raise RefusedByRule(f"the points shelf holds {goods.stock} of {item}, fewer than "
                                    f"{quantity}", field="quantity",
                                    fix=f"take at most {goods.stock}" if goods.stock else
                                    "restock it first (commons points shelf restock)",
                                    context={"kind": "shelf item", "id": item})
            ref = f"redeem:{id}"
            draws = self._spend(t, p, person, cost, day, f"{quantity} x {item}", "spent", ref)
            t.points.take_stock(p.id, item, quantity)
            t.points.add_act(p.id, "redemption", id, content_of(person, item, quantity))
            self._post(t, [redemption_entry(p.id, id, person, cost, day,
                                            f"{person} took {quantity} x {item} for {cost} "
                                            "points", self.actor)], f"points redeem {id}")
        return Redemption(p.id, id, person, cost, Money.zero(), day, False, item=item,
                          quantity=quantity, drawn=_drawn(draws))

    def _on_order(self, t: Tables, p: Programme, member: Member, id: str,
                  points: int | None, day: dt.date) -> Redemption:
        points = one_or_more(points, "points", "give the points to spend, e.g. --points 50")
        o = recorded(t.market.orders_by_id([id]).get(id), "order", id)
        person, value = member.person, p.value_of(points)
        content = content_of(person, points, id)
        found = t.points.act(p.id, "redemption", id)
        payer = None if found is None else act_parts(found)[0]
        if payer is not None and payer != person:
            raise ConflictError(f"order {id} was already paid with points by {payer}; "
                                "points pay an order once",
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                                fix=f"pay the rest of order {id} in yuan, or transfer points "
                                "to a member for a later order (commons points transfer)",
                                context={"kind": "redemption", "id": id})
        if self._act(t, p, "redemption", id, content):
            return Redemption(p.id, id, person, points, value, day, True, order=id,
                              provider=o.provider)
        month = self._payable_month(t, o, member)
        share = o.split.resident - (o.refund or Money.zero()) if o.split else Money.zero()
        # Points of other programmes may have paid part of the same share already.
        share -= sum((v for _, _, v in t.points.redeemed_at(o.provider, month, id)),
                     Money.zero())
        if value > share:
            most = p.most_points_within(share, points)
            raise RefusedByRule(f"{points} points are worth {value}, more than the {share} "
                                f"the resident pays for order {id}", field="points",
                                code=ErrorCode.INVALID_AMOUNT,
                                fix=f"spend at most {most} points on this order")
        self._fund_covers(t, p, points, value)
        ref = f"redeem:{id}"
        draws = self._spend(t, p, person, points, day, f"order {id}", "spent", ref)
        t.points.add_draws(p.id, id, draws)  # a refund of the order gives these lots back
        t.points.add_act(p.id, "redemption", id, content, provider=o.provider,
                         period=str(month), value=value)
        self._post(t, [redemption_entry(
            p.id, id, person, points, day, f"{person} paid {value} of order {id} at "
            f"{o.provider} with {points} points", self.actor, value=value,
            channel_account=f"{CLEARING}:{o.channel}")], f"points redeem {id}")
        return Redemption(p.id, id, person, points, value, day, False, order=id,
                          provider=o.provider, drawn=_drawn(draws))

    @staticmethod
    def _fund_covers(t: Tables, p: Programme, points: int, value: Money) -> None:
        """Refuse a redemption the sponsor fund cannot pay: what it holds, less what it owes
        for redemptions not paid out yet, must cover ``value`` (two kept balances)."""
        fund, due = fund_and_due(t, accounts_of(p.id))
        left = fund - due
        if value <= left:
            return
        most = p.most_points_within(left, points)
        raise RefusedByRule(
            f"programme {p.id}'s sponsor fund holds {fund}, {due} of it owed for redemptions "
            f"not paid out yet, so it cannot pay the {value} that {points} points are worth",
            field="points", code=ErrorCode.INSUFFICIENT_FUNDS,
            fix=(f"spend at most {most} points, or " if most else "")
            + f"have the sponsor ({p.sponsor}) top up the fund",
            context={"kind": "points programme", "id": p.id})

    @staticmethod
    def _payable_month(t: Tables, o: Order, member: Member) -> Period:
        if member.household != o.household:
            raise RefusedByRule(f"order {o.id} is household {o.household}'s, not "
                                f"{member.person}'s ({member.household})", field="order",
                                code=ErrorCode.NOT_AUTHORISED,
                                fix="pay with the points of a member of the ordering household")
        if o.split is None or o.period is None:
            raise RefusedByRule(f"order {o.id} is {o.state.value}; points pay part of a "
                                "completed order", field="order",
                                fix="redeem once the order is completed")
        if t.market.settlement(o.provider, o.period) is not None:
            raise RefusedByRule(f"{o.provider}'s {o.period} is settled; points can no longer "
                                f"pay for order {o.id}", field="order",
                                code=ErrorCode.CLOSED_PERIOD,
                                fix="redeem points before the provider's month is settled")
        return o.period

    def transfer(self, programme: str, giver: str, taker: str, points: int, *, id: str,
                 on: dt.date | str | None = None) -> Transfer:
        """Move ``points`` from ``giver`` to ``taker``, members of one household (of any two
        households if the programme allows it); the received lots keep their earned and
        expiry days."""
        day = self._today(on)
        one_or_more(points, "points", "transfer a whole number of points, 1 or more")
        with self.store.write() as t:
            p = self._programme(t, programme)
            a, b = self._member(t, p, giver), self._member(t, p, taker)
            content = content_of(giver, taker, points)
            if self._act(t, p, "transfer", id, content):
                return Transfer(p.id, id, giver, taker, points, day, True)
            if giver == taker:
                raise InvalidInput(f"{giver} cannot transfer points to themselves", field="to",
                                   fix="name another member of the household as --to")
            if a.household != b.household and not p.cross_household:
                raise RefusedByRule(
                    f"{giver} ({a.household}) cannot transfer points to {taker} "
                    f"({b.household})", field="to", code=ErrorCode.NOT_AUTHORISED,
                    fix=f"programme {p.id} allows transfers within a household only")
            draws = self._spend(t, p, giver, points, day, f"transfer {id}", "given",
                                f"transfer:{id}")
            t.points.add_lots(p.id, [(taker, d.lot.earned_on, d.lot.expires_on, d.points, True,
                                      f"transfer:{id}") for d in draws])
            t.points.add_act(p.id, "transfer", id, content)
            self._post(t, [transfer_entry(p.id, id, giver, taker, points, day, self.actor)],
                       f"points transfer {id}")
        return Transfer(p.id, id, giver, taker, points, day, False)

    def expire(self, as_of: dt.date | str | None = None, *, programme: str | None = None
               ) -> tuple[Expiry, ...]:
        """Move what is left of every lot expiring on or before ``as_of`` (default: today; a
        day after today is refused) to its programme's expired account, once: running it
        again moves nothing more."""
        day = self._today(as_of, "as_of")
        today = self.clock.today()
        if day > today:
            raise InvalidInput(f"points cannot expire as of {day}, after today ({today}): "
                               "expired points cannot be given back", field="as_of",
                               code=ErrorCode.INVALID_DATE,
                               fix=f"give a day up to {today}, or run it on that day")
        out = []
        with self.store.write() as t:
            ids = [self._programme(t, programme).id] if programme else t.points.programme_ids()
            for pid in ids:
                lots = t.points.expiring(pid, day)
                if not lots:
                    out.append(Expiry(pid, day, 0, 0, 0))
                    continue
                by_person = people_sums((x.person, x.remaining) for x in lots)
                t.points.draw([Draw(x, x.remaining) for x in lots])
                t.points.add_movements(pid, [(x.person, Movement(
                    day, "expired", -x.remaining, f"lot:{x.earned_on}:{x.id}")) for x in lots])
                self._post(t, [expiry_entry(pid, f"{day}:{lots[0].id}", by_person, day,
                                            self.actor)], f"points expire {day}")
                out.append(Expiry(pid, day, len(lots), sum(by_person.values()), len(by_person)))
        return tuple(out)


def _drawn(draws: Sequence[Draw]) -> tuple[tuple[dt.date, int], ...]:
    return tuple((d.lot.expires_on, d.points) for d in draws)


