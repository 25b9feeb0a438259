"""Random event sequences against a model of the order life cycle, on 江西路171号院's
marketplace (tests/market_helpers.py). Whatever the sequence: no illegal move is accepted (and
every legal one is); every order's parts sum to its price; no subsidy cap or budget is ever
exceeded (and the running figures of what each programme paid agree with the orders); the
settlement equals the sum of its orders, the part residents paid in volunteer points apart from
their yuan; a cancelled order never settles; and re-importing every event sent (as a host's
feed) changes nothing."""

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

    @rule(order=st.sampled_from(ORDERS), step=st.sampled_from(STEPS), partial=st.booleans())
    def move(self, order: str, step: str, partial: bool) -> None:
        allowed, after = MODEL[step]
        current = self.state.get(order)
        legal = current in allowed and not (step == "rate" and order in self.rated)
        record: dict[str, object] = {"id": f"e{len(self.sent)}-{order}-{step}", "type": step,
                                     "order": order, "at": self._at()}
        if step == "rate":
            record["stars"] = 1 + len(self.sent) % 5
        if step == "resolve" and partial:
            record["refund"] = "0.50"
        self._send(record, legal)
        if legal:
            if after is not None:
                self.state[order] = after
            if step == "rate":
                self.rated.add(order)

    @rule(order=st.sampled_from(ORDERS), partial=st.booleans())
    def advance(self, order: str, partial: bool) -> None:
        """The next legal step of ``order`` on its happy path (disputing a completed one), so
        that sequences reach every state."""
        after = {"placed": "accept", "accepted": "start", "started": "complete",
                 "completed": "dispute", "disputed": "resolve"}
        current = self.state.get(order)
        if current in after:
            self.move(order, after[current], partial)
        elif current is None:
            self.place(order, "meal", WHO[0])

    @rule(order=st.sampled_from(ORDERS), points=st.integers(1, 40))
    def redeem(self, order: str, points: int) -> None:
        """Pay part of an order's resident share in points (at most 4.00 of a share of at least
        7.80, so a later partial refund of 0.50 leaves yuan paid)."""
        if order not in self.state:
            return
        o = self.api.market.order(order)
        person = MEMBER[o.household]
        try:
            paid = self.api.points.redeem("jz", person, order=order, points=points)
        except CommonsError as e:
            if order in self.redeemed:
                assert e.code == ErrorCode.ALREADY_RECORDED_DIFFERENTLY, e
            else:
                assert self.state[order] not in ("completed", "disputed", "resolved"), e
                assert e.code == ErrorCode.REFUSED, e
            return
        if order in self.redeemed:
            assert paid.already_recorded and self.redeemed[order][0] == points
            return
        assert self.state[order] in ("completed", "disputed", "resolved")
        assert paid.value == Money(points * 10)
        self.redeemed[order] = (points, paid.value)

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
        assert s.points_value == sum((self.redeemed[o][1] for o in settling
                                      if o in self.redeemed), Money.zero())
        for line in s.lines:
            assert line.resident_paid.fen > 0
            assert line.points_value == self.redeemed.get(line.order, (0, Money.zero()))[1]
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
        settled = self.api.ledger.balance().balances
        assert self.api.market.settle("2026-11").posted == 0
        assert self.api.ledger.balance().balances == settled


OrderLifeCycle.TestCase.settings = settings(max_examples=25, stateful_step_count=30,
                                            deadline=None)
TestOrderLifeCycle = OrderLifeCycle.TestCase
