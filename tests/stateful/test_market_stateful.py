"""Random event sequences against a model of the order life cycle, on 江西路171号院's
marketplace (tests/market_helpers.py). Whatever the sequence: no illegal move is accepted (and
every legal one is); every order's parts sum to its price; no subsidy cap or budget is ever
exceeded (and the running figures of what each programme paid agree with the orders); the
settlement equals the sum of its orders, the part residents paid in volunteer points apart from
their yuan (what a refund gave back of them left out), with no negative ``resident_paid``; a
refund of an order points paid part of gives yuan back first and the rest as points; no points
balance goes below zero and issued = held + spent + expired; a cancelled order never settles;
and re-importing every event sent (as a host's feed) changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from market_helpers import marketplace
from points_helpers import earn, programme_file

from commons import CommonsError, Money
from commons.errors import ErrorCode

ORDERS = [f"o{i}" for i in range(4)]
STEPS = ["accept", "start", "complete", "cancel", "dispute", "resolve", "rate"]
# The model: the states each step is allowed from, and the state it leads to.
MODEL = {"accept": ({"placed"}, "accepted"), "start": ({"accepted"}, "started"),
         "complete": ({"started"}, "completed"), "cancel": ({"placed", "accepted"}, "cancelled"),
         "dispute": ({"completed"}, "disputed"), "resolve": ({"disputed"}, "resolved"),
         "rate": ({"completed", "disputed", "resolved"}, None)}
WHO = [("jx171-101", "r-yu"), ("jx171-102", "r-jiang"), ("jx171-101", None)]
MEMBER = {"jx171-101": "r-yu", "jx171-102": "r-jiang"}  # who pays a household's points
BUDGET, CAP = Money.yuan("10.00"), Money.yuan("6.00")
# A resolve's refund: in full, a little (all yuan), all but 1.00 of the resident's share (beyond
# the yuan paid when points paid more than 1.00), or the whole share (the subsidy kept).
REFUNDS = ["full", "0.50", "most", "share"]
EARNED = 200  # each member's points, from the first roster


def given_back(spent: tuple[int, Money], share: Money, refund: Money, full: bool
               ) -> tuple[int, Money]:
    """The model of what a refund gives back of ``spent`` (points, value) on an order whose
    resident's share is ``share``: yuan first, the rest as points, half up."""
    points, value = spent
    beyond = value if full else max(refund - (share - value), Money.zero())
    if beyond == value:
        return points, value
    return (2 * points * beyond.fen + value.fen) // (2 * value.fen), beyond


class OrderLifeCycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.api = marketplace(self.folder / "m.db", self.folder, budget=str(BUDGET))
        self.api.market.add_subsidy("care-80", funder="street-office", tag="aged-80+",
                                    categories="childcare-hour", percent="50", cap=str(CAP),
                                    budget=str(BUDGET))
        self.api.points.add_programme(programme_file(self.folder))  # 10 points a yuan
        earn(self.api, self.folder, "r1", ["a,clean-up,2026-11-01,r-yu,20",
                                           "a,clean-up,2026-11-01,r-jiang,20"])
        self.redeemed: dict[str, tuple[int, Money]] = {}  # order: points, their value
        self.returned: dict[str, tuple[int, Money]] = {}  # order: what its refund gave back
        self.refunds: dict[str, Money] = {}  # order: its refund
        self.held = {"r-yu": EARNED, "r-jiang": EARNED}
        self.state: dict[str, str] = {}
        self.rated: set[str] = set()
        self.sent: list[dict[str, object]] = []
        self.minute = 0

    def teardown(self) -> None:
        try:
            self._settle_once()
        finally:
            self.api.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _at(self) -> str:
        self.minute += 7
        when = dt.datetime(2026, 11, 1, 8) + dt.timedelta(minutes=self.minute)
        return when.isoformat() + "+08:00"

    def _send(self, record: dict[str, object], legal: bool) -> None:
        fields = {k: v for k, v in record.items() if k not in ("id", "type", "order", "at")}
        try:
            self.api.market.event(str(record["order"]), str(record["type"]),
                                  at=str(record["at"]), event_id=str(record["id"]), **fields)
        except CommonsError as e:
            assert not legal, f"a legal move was refused: {record} {e}"
            assert e.code in (ErrorCode.ILLEGAL_MOVE, ErrorCode.NOT_FOUND), e
            return
        assert legal, f"an illegal move was accepted: {record}"
        self.sent.append(record)

    @rule(order=st.sampled_from(ORDERS), service=st.sampled_from(["meal", "care"]),
          who=st.sampled_from(WHO))
    def place(self, order: str, service: str, who: tuple[str, str | None]) -> None:
        household, resident = who
        record = {"id": f"e{len(self.sent)}-{order}-place", "type": "place", "order": order,
                  "at": self._at(), "service": service, "household": household,
                  "resident": resident}
        legal = order not in self.state
        self._send(record, legal)
        if legal:
            self.state[order] = "placed"

    @rule(order=st.sampled_from(ORDERS), step=st.sampled_from(STEPS),
          refund=st.sampled_from(REFUNDS))
    def move(self, order: str, step: str, refund: str) -> None:
        allowed, after = MODEL[step]
        current = self.state.get(order)
        legal = current in allowed and not (step == "rate" and order in self.rated)
        record: dict[str, object] = {"id": f"e{len(self.sent)}-{order}-{step}", "type": step,
                                     "order": order, "at": self._at()}
        if step == "rate":
            record["stars"] = 1 + len(self.sent) % 5
        if step == "resolve" and refund != "full":
            record["refund"] = self._refund(order, refund).format()
        self._send(record, legal)
        if legal:
            if after is not None:
                self.state[order] = after
            if step == "rate":
                self.rated.add(order)
            if step == "resolve":
                self._resolved(order)

    def _refund(self, order: str, kind: str) -> Money:
        split = self.api.market.order(order).split if order in self.state else None
        if split is None or kind == "0.50":
            return Money.yuan("0.50")
        return split.resident - (Money.yuan("1.00") if kind == "most" else Money.zero())

    def _resolved(self, order: str) -> None:
        """The model of a legal resolve: the refund, and what it gave back of the points."""
        o = self.api.market.order(order)
        assert o.split is not None and o.refund is not None
        self.refunds[order] = o.refund
        if order in self.redeemed:
            full = o.refund == o.split.resident + o.split.subsidy
            back = given_back(self.redeemed[order], o.split.resident, o.refund, full)
            self.returned[order] = back
            self.held[MEMBER[o.household]] += back[0]

    @rule(order=st.sampled_from(ORDERS), refund=st.sampled_from(REFUNDS))
    def advance(self, order: str, refund: str) -> None:
        """The next legal step of ``order`` on its happy path (disputing a completed one), so
        that sequences reach every state."""
        after = {"placed": "accept", "accepted": "start", "started": "complete",
                 "completed": "dispute", "disputed": "resolve"}
        current = self.state.get(order)
        if current in after:
            self.move(order, after[current], refund)
        elif current is None:
            self.place(order, "meal", WHO[0])

    @rule(order=st.sampled_from(ORDERS), points=st.integers(1, 40), complete=st.booleans())
    def redeem(self, order: str, points: int, complete: bool) -> None:
        """Pay part of an order's resident share in points (at most 4.00 of a share of at least
        7.80): refused beyond what a refund before it left of the share. ``complete``: take
        the order to completed first, so that redemptions (and their refunds) come often."""
        while complete and self.state.get(order) in (None, "placed", "accepted", "started"):
            self.advance(order, "full")
        if order not in self.state:
            return
        o = self.api.market.order(order)
        person = MEMBER[o.household]
        try:
            paid = self.api.points.redeem("jz", person, order=order, points=points)
        except CommonsError as e:
            if order in self.redeemed:
                assert e.code == ErrorCode.ALREADY_RECORDED_DIFFERENTLY, e
            elif self._share_left(order) is not None:
                assert self._share_left(order) < Money(points * 10), e
                assert e.code == ErrorCode.INVALID_AMOUNT, e
            else:
                assert e.code == ErrorCode.REFUSED, e
            return
        if order in self.redeemed:
            assert paid.already_recorded and self.redeemed[order][0] == points
            return
        left = self._share_left(order)
        assert left is not None and paid.value == Money(points * 10) <= left
        self.redeemed[order] = (points, paid.value)
        self.held[person] -= points

    def _share_left(self, order: str) -> Money | None:
        """What the resident still pays of a completed order's share, after its refund; None
        for an order not completed."""
        o = self.api.market.order(order)
        if o.split is None:
            return None
        return o.split.resident - self.refunds.get(order, Money.zero())

    @precondition(lambda self: any(self.state[o] in ("completed", "disputed")
                                   for o in self.redeemed))
    @rule(data=st.data(), refund=st.sampled_from(REFUNDS))
    def refund_points_paid(self, data: st.DataObject, refund: str) -> None:
        """Dispute and resolve an order that points paid part of, so that refunds of such
        orders come often."""
        order = data.draw(st.sampled_from(sorted(
            o for o in self.redeemed if self.state[o] in ("completed", "disputed"))))
        if self.state[order] == "completed":
            self.move(order, "dispute", refund)
        self.move(order, "resolve", refund)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def resend(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(self.sent))
        fields = {k: v for k, v in record.items() if k not in ("id", "type", "order", "at")}
        before = self.api.ledger.balance().balances
        out = self.api.market.event(str(record["order"]), str(record["type"]),
                                    at=str(record["at"]), event_id=str(record["id"]), **fields)
        assert out.status == "already recorded"
        assert self.api.ledger.balance().balances == before

    def _points_pay(self, order: str) -> Money:
        """What the points redeemed on ``order`` still pay, after what its refund gave back."""
        spent = self.redeemed.get(order, (0, Money.zero()))[1]
        return spent - self.returned.get(order, (0, Money.zero()))[1]

    @invariant()
    def points_are_as_the_model_says(self) -> None:
        for person, held in self.held.items():
            b = self.api.points.balance(person)  # as of today, after every act
            assert b.balance == held >= 0
        x = self.api.points.report("jz", "2026-Q4").liability  # issued = held + spent + expired
        assert (x.issued, x.held, x.expired) == (2 * EARNED, sum(self.held.values()), 0)
        assert x.due == sum((self._points_pay(o) for o in self.redeemed), Money.zero())

    @invariant()
    def orders_are_as_the_model_says(self) -> None:
        for order, state in self.state.items():
            assert self.api.market.order(order).state.value == state

    @invariant()
    def parts_sum_to_the_price_and_caps_hold(self) -> None:
        used: dict[tuple[str, str | None], Money] = {}
        for order in self.state:
            o = self.api.market.order(order)
            if o.split is None:
                continue
            s = o.split
            assert s.subsidy + s.concession + s.resident == s.price == \
                {"meal": Money.yuan("12.00"), "care": Money.yuan("30.00")}[o.service]
            if s.programme is not None and not o.fully_refunded:
                for key in ((s.programme, None), (s.programme, o.resident)):
                    used[key] = used.get(key, Money.zero()) + s.subsidy
        caps = {"meal-80": Money.yuan("100.00"), "care-80": CAP}  # per person a month
        for (programme, resident), amount in used.items():
            assert amount <= (BUDGET if resident is None else caps[programme])
        # The running figures the quotes read agree with the orders, refunds given back.
        with self.api.session.reader.read() as t:
            for programme in caps:
                for resident in (None, "r-yu", "r-jiang"):
                    assert t.market.subsidy_used(programme, "2026-11", resident) == \
                        used.get((programme, resident), Money.zero())

    @invariant()
    def the_settlement_is_the_sum_of_its_orders(self) -> None:
        for provider in ("canteen", "childcare"):
            s = self.api.market.statement(provider, "2026-11").settlement
            self._check(s)

    def _check(self, s: object) -> None:
        from commons.app import MarketSettlement

        assert isinstance(s, MarketSettlement)
        orders = {o: self.api.market.order(o) for o in self.state}
        settling = sorted(o for o, x in orders.items() if x.provider == s.provider and x.settles)
        assert [line.order for line in s.lines] == settling
        assert all(self.state[o] != "cancelled" for o in settling)
        gross = sum((orders[o].split.price - (orders[o].refund or Money.zero())  # type: ignore[union-attr]
                     for o in settling), Money.zero())
        assert s.gross == gross == s.resident_paid + s.subsidy + s.concession + s.points_value
        assert s.points_value == sum((self._points_pay(o) for o in settling), Money.zero())
        for line in s.lines:
            assert line.resident_paid.fen >= 0
            assert line.points_value == self._points_pay(line.order)
            assert line.gross == line.resident_paid + line.subsidy + line.concession + \
                line.points_value
        assert s.net_payable == s.resident_paid + s.subsidy + s.points_value - s.compound_share

    def _settle_once(self) -> None:
        feed = self.folder / "feed.jsonl"
        feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.sent),
                        encoding="utf-8")
        before = self.api.ledger.balance().balances
        if self.sent:
            again = self.api.market.import_events(feed)
            assert (again.applied, again.already_recorded) == (0, len(self.sent))
        assert self.api.ledger.balance().balances == before
        fund = self.api.ledger.balance(account="assets:points-fund:jz").balances
        run = self.api.market.settle("2026-11")
        for s in run.settlements:
            self._check(s)
        # The sponsor fund paid exactly the points' value the settlements show.
        paid = sum((s.points_value for s in run.settlements), Money.zero())
        after = self.api.ledger.balance(account="assets:points-fund:jz").balances
        assert [b.balance for b in fund] == [b.balance + paid for b in after]
        # Nothing is left receivable from the fund: paid, or given back by a refund.
        assert self.api.points.report("jz", "2026-Q4").liability.due == Money.zero()
        settled = self.api.ledger.balance().balances
        assert self.api.market.settle("2026-11").posted == 0
        assert self.api.ledger.balance().balances == settled


OrderLifeCycle.TestCase.settings = settings(max_examples=25, stateful_step_count=30,
                                            deadline=None)
TestOrderLifeCycle = OrderLifeCycle.TestCase
