"""Random sequences of rosters, re-submissions, shelf redemptions, transfers and expiry against
a model, on 江西路171号院's books. Whatever the sequence: no balance goes below zero; issued =
held + spent + expired for the programme, from the journal; each person's ledger account
agrees with their lots; the monthly cap holds; re-posting a roster changes nothing; and no one
confirms a roster they submitted."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pendulum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from market_helpers import marketplace

import commons
from commons import CommonsError, Money
from commons.app import ActivityKind, Member, PointsProgramme, RosterLine, ShelfItem, Staff
from commons.errors import ErrorCode

PEOPLE = {"r-yu": "jx171-101", "r-yu-son": "jx171-101", "r-jiang": "jx171-102"}
CAP = 60


class DayClock:
    """A clock at noon of ``day``, which the machine moves on as time passes."""

    zone = "Asia/Shanghai"

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def now(self) -> pendulum.DateTime:
        return pendulum.datetime(self.day.year, self.day.month, self.day.day, 12, tz=self.zone)

    def today(self) -> pendulum.Date:
        return self.now().date()


class PointsLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.clock = DayClock(dt.date(2026, 11, 1))
        self.api = marketplace(self.folder / "p.db", self.folder)
        self.api.close()
        self.api = commons.connect(self.folder / "p.db", clock=self.clock)
        self.api.points.add_programme(PointsProgramme(
            "jz", "嘉州积分", "江西路社区", (ActivityKind("clean-up", "清洁", "hour", 10),),
            CAP, 10, 1, "street-office", Money.yuan("50.00"),
            staff=(Staff("org-wang", "organiser"), Staff("cw-zhao", "community")),
            shelf=(ShelfItem("soap", "肥皂", 7, 1000),)),
            [Member(p, h) for p, h in PEOPLE.items()])
        self.day = dt.date(2026, 11, 1)
        self.rosters: dict[str, list[RosterLine]] = {}
        self.issued = 0
        self.acts = 0

    def teardown(self) -> None:
        self.api.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(days=st.integers(min_value=0, max_value=20))
    def time_passes(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        self.clock.day = self.day

    @rule(people=st.lists(st.sampled_from(sorted(PEOPLE)), min_size=1, max_size=3, unique=True),
          tenths=st.integers(min_value=1, max_value=50), confirmer=st.sampled_from(
              ["cw-zhao", "org-wang"]))
    def roster(self, people: list[str], tenths: int, confirmer: str) -> None:
        rid = f"r{len(self.rosters)}"
        lines = [RosterLine(f"act-{rid}", "clean-up", self.day, p,
                            Decimal(tenths).scaleb(-1)) for p in people]
        self.api.points.submit("jz", lines, id=rid, by="org-wang")
        self.rosters[rid] = lines
        try:
            done = self.api.points.confirm(rid, by=confirmer)
        except CommonsError as e:
            assert confirmer == "org-wang" and e.code == ErrorCode.NOT_AUTHORISED
            done = self.api.points.confirm(rid, by="cw-zhao")
        assert confirmer == "cw-zhao" or done.confirmed_by != "org-wang"
        self.issued += done.issued

    @rule(data=st.data())
    def post_a_roster_again(self, data: st.DataObject) -> None:
        if not self.rosters:
            return
        rid = data.draw(st.sampled_from(sorted(self.rosters)))
        head = self.api.audit.verify().head_hash
        assert self.api.points.submit("jz", self.rosters[rid], id=rid,
                                      by="org-wang").already_recorded
        assert self.api.points.confirm(rid, by="cw-zhao").already_recorded
        assert self.api.audit.verify().head_hash == head

    @rule(person=st.sampled_from(sorted(PEOPLE)), quantity=st.integers(1, 6))
    def redeem(self, person: str, quantity: int) -> None:
        self.acts += 1
        have = self.api.points.balance(person, as_of=self.day).spendable
        try:
            self.api.points.redeem("jz", person, item="soap", quantity=quantity,
                                   id=f"s{self.acts}", on=self.day)
        except CommonsError as e:
            assert e.code == ErrorCode.INSUFFICIENT_FUNDS and have < 7 * quantity
            return
        assert have >= 7 * quantity

    @rule(person=st.sampled_from(sorted(PEOPLE)), back=st.integers(1, 30),
          giver=st.booleans())
    def act_on_an_earlier_day(self, person: str, back: int, giver: bool) -> None:
        """A redemption or transfer dated earlier than today draws only on lots held then."""
        self.acts += 1
        on = self.day - dt.timedelta(days=back)
        try:
            if giver:
                taker = "r-yu-son" if person == "r-yu" else "r-yu"
                if PEOPLE[taker] != PEOPLE[person]:
                    return
                self.api.points.transfer("jz", person, taker, 5, id=f"t{self.acts}", on=on)
            else:
                self.api.points.redeem("jz", person, item="soap", id=f"s{self.acts}", on=on)
        except CommonsError as e:
            assert e.code == ErrorCode.INSUFFICIENT_FUNDS

    @rule(giver=st.sampled_from(sorted(PEOPLE)), taker=st.sampled_from(sorted(PEOPLE)),
          points=st.integers(1, 40))
    def transfer(self, giver: str, taker: str, points: int) -> None:
        self.acts += 1
        have = self.api.points.balance(giver, as_of=self.day).spendable
        allowed = giver != taker and PEOPLE[giver] == PEOPLE[taker]
        try:
            self.api.points.transfer("jz", giver, taker, points, id=f"t{self.acts}",
                                     on=self.day)
        except CommonsError as e:
            assert e.code == (ErrorCode.INVALID_INPUT if giver == taker else e.code)
            assert e.code in (ErrorCode.INVALID_INPUT, ErrorCode.NOT_AUTHORISED,
                              ErrorCode.INSUFFICIENT_FUNDS)
            assert not allowed or have < points
            return
        assert allowed and have >= points

    @rule()
    def expire(self) -> None:
        self.api.points.expire(self.day)
        (again,) = self.api.points.expire(self.day)
        assert again.points == 0

    @invariant()
    def books_agree(self) -> None:
        held = {b.account.rpartition(":")[2]: -b.balance.fen for b in
                self.api.ledger.balance("liabilities:points:jz:held").balances}
        total = 0
        for person in PEOPLE:
            s = self.api.points.statement(person, as_of=self.day)
            assert s.balance >= 0 and all(x.remaining >= 0 for x in s.lots)
            assert held.get(person, 0) == s.balance
            total += s.balance
        x = self.api.points.report("jz", "2030-12").liability
        assert x.issued == x.held + x.spent + x.expired
        assert x.issued == self.issued and x.held == total

    @invariant()
    def a_balance_as_of_a_day_counts_what_is_dated_by_then(self) -> None:
        """The balance as of any day D is the sum of the movements dated on or before D, and
        never below zero; the lots held by then hold it."""
        for person in PEOPLE:
            movements = self.api.points.statement(person, as_of=self.day).movements
            days = {m.date for m in movements} | {self.day}
            for day in sorted(days | {d - dt.timedelta(days=1) for d in days}):
                then = self.api.points.statement(person, as_of=day)
                expected = sum(m.points for m in movements if m.date <= day)
                assert then.balance == expected >= 0, (person, day, then)
                assert all(m.date <= day for m in then.movements)
                assert all(x.since <= day and x.remaining >= 0 for x in then.lots)
                assert self.api.points.balance(person, as_of=day).balance == expected

    @invariant()
    def caps_hold(self) -> None:
        for person in PEOPLE:
            earned: dict[str, int] = {}
            for lot in self.api.points.statement(person, as_of=self.day).lots:
                if lot.source.startswith("roster:"):
                    month = lot.earned_on.isoformat()[:7]
                    earned[month] = earned.get(month, 0) + lot.points
            assert all(n <= CAP for n in earned.values()), (person, earned)


PointsLife.TestCase.settings = settings(max_examples=20, stateful_step_count=12,
                                        deadline=None)
test_points_life = PointsLife.TestCase
