"""Any sequence of collections, set-asides, resolutions (passed, failed, still open), limits,
proposals, votes, approvals and disbursements, run against a small estate: the compound never
spends more than it collected (the available balance never goes negative), never spends
without an authority and two sign-offs of two roles, never spends one resolution twice; every
refusal changes nothing; the trial balance stays zero and ``audit.verify`` passes."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from revenue_helpers import build_estate, collections_csv, resolution

import commons
from commons import CommonsError, Money
from commons.clock import FixedClock

CLOCK = FixedClock.parse("2026-12-01T10:00:00")
SIGNERS = {"wang": "self-management-committee", "li": "owners-committee", "sq": "community",
           "party": "party-organisation", "firm1": "firm", "firm2": "firm"}
VOTES = {"passed": ["yes", "yes", "no"], "failed": ["yes", "no", "no"],
         "open-yes": ["yes", "yes", "yes"], "open-no": ["no", "no", "yes"]}
fen_amounts = st.integers(min_value=1, max_value=300_000)


class FiveDuties(RuleBasedStateMachine):
    resolutions = Bundle("resolutions")
    spendings = Bundle("spendings")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.api = commons.connect(":memory:", clock=CLOCK, actor="machine")
        build_estate(self.api, self.folder)
        for signer, role in SIGNERS.items():
            self.api.revenue.add_signer("wjxc", signer, role=role)
        self.api.revenue.rule("wjxc", commission_percent="10", effective_from=dt.date(2026, 1, 1))
        self.count = 0
        self.collected = Money(0)
        self.passed: set[str] = set()
        self.highest_limit = Money(0)

    def teardown(self) -> None:
        self.api.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _next(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def attempt(self, action: Callable[[], Any]) -> Any:
        """Run ``action``; if the rules refuse it, the database must be exactly as before."""
        before = list(self.api.session.store.conn.iterdump())
        try:
            return action()
        except CommonsError:
            assert list(self.api.session.store.conn.iterdump()) == before
            return None

    @initialize(target=resolutions, fen=fen_amounts, limit=st.integers(min_value=0,
                                                                        max_value=40_000))
    def start(self, fen: int, limit: int) -> str:
        """Some income and a committee limit set by the owners, so that payments can succeed
        from the first step; the rules below add to both or fail to."""
        self.collect(fen, "wjxc-p1", 1)
        rid = self.resolve("passed", "rules")
        self.set_limit(limit, rid)
        return self.resolve("passed", "use-public-revenue")

    @rule(fen=fen_amounts, resource=st.sampled_from(["wjxc-p1", "wjxc-ad1", "wjxc-room1"]),
          month=st.integers(min_value=1, max_value=11))
    def collect(self, fen: int, resource: str, month: int) -> None:
        amount = Money(fen)
        row = (f"{self._next('c')},2026-{month:02d}-15,wjxc,{resource},2026-{month:02d},"
               f"{amount},payer,")
        self.api.revenue.collect(collections_csv(self.folder, [row], f"c{self.count}.csv"))
        self.collected += amount

    @rule(quarter=st.integers(min_value=1, max_value=4))
    def set_aside(self, quarter: int) -> None:
        self.api.revenue.set_aside("wjxc", f"2026-Q{quarter}")

    @rule(target=resolutions, kind=st.sampled_from(sorted(VOTES)),
          matter=st.sampled_from(["use-public-revenue", "other", "rules"]))
    def resolve(self, kind: str, matter: str) -> str:
        rid = self._next("R")
        resolution(self.api, rid, matter=matter, votes=VOTES[kind],
                   close=not kind.startswith("open"))
        if kind == "passed":
            self.passed.add(rid)
        return rid

    @rule(rid=resolutions)
    def close_vote(self, rid: str) -> None:
        closed = self.attempt(lambda: self.api.resolutions.resolve(rid))
        if closed is not None and closed.passed:
            self.passed.add(rid)

    @rule(fen=st.integers(min_value=0, max_value=200_000), rid=resolutions)
    def set_limit(self, fen: int, rid: str) -> None:
        if self.attempt(lambda: self.api.revenue.limit("wjxc", Money(fen), resolution=rid)):
            self.highest_limit = max(self.highest_limit, Money(fen))

    @rule(target=spendings, fen=st.integers(min_value=1, max_value=30_000),
          rid=st.none() | resolutions,
          purpose=st.sampled_from(["cleaning", "repairs", "greening"]))
    def propose(self, fen: int, rid: str | None, purpose: str) -> str:
        sid = self._next("S")
        self.attempt(lambda: self.api.revenue.propose(
            sid, compound="wjxc", purpose=purpose, amount=Money(fen), payee="payee",
            resolution=rid))
        return sid

    @rule(sid=spendings, owner=st.sampled_from(["王", "李", "张"]),
          choice=st.sampled_from(["yes", "no"]))
    def vote(self, sid: str, owner: str, choice: str) -> None:
        self.attempt(lambda: self.api.resolutions.vote(self.api.revenue.resolution_of(sid),
                                                       owner=owner, choice=choice))

    @rule(sid=spendings)
    def tally(self, sid: str) -> None:
        tally = self.attempt(lambda: self.api.revenue.close_vote(sid))
        if tally is not None and tally.passes:
            self.passed.add(tally.resolution)

    @rule(sid=spendings, signer=st.sampled_from([*SIGNERS, "nobody"]))
    def approve(self, sid: str, signer: str) -> None:
        self.attempt(lambda: self.api.revenue.approve(sid, signer=signer))

    @rule(sid=spendings, owners=st.sampled_from(["wang", "li"]),
          other=st.sampled_from(["sq", "party", "firm1", "firm2", "li"]))
    def approve_twice(self, sid: str, owners: str, other: str) -> None:
        """The sign-offs a payment needs, most of the time: owners' side first, then another."""
        for signer in (owners, other):
            self.attempt(lambda signer=signer: self.api.revenue.approve(sid, signer=signer))

    @rule(sid=spendings, owners=st.sampled_from(["wang", "li"]),
          other=st.sampled_from(["sq", "party", "firm1", "firm2"]))
    def sign_and_pay(self, sid: str, owners: str, other: str) -> None:
        self.approve_twice(sid, owners, other)
        self.disburse(sid)

    @rule(sid=spendings)
    def disburse(self, sid: str) -> None:
        paid = self.attempt(lambda: self.api.revenue.disburse(sid, date=dt.date(2026, 11, 30)))
        event("disbursed" if paid is not None else "disbursement refused")

    @invariant()
    def never_spends_what_it_has_not(self) -> None:
        balance = self.api.revenue.balance("wjxc")
        assert balance.available.fen >= 0
        statuses = self.api.revenue.spending("wjxc")
        paid = [s for s in statuses if s.disbursement is not None]
        assert sum((s.proposal.amount for s in paid), Money(0)) <= self.collected
        assert balance.earmarked == sum((s.proposal.amount for s in statuses if s.earmarked),
                                        Money(0))

    @invariant()
    def every_payment_has_its_authority_and_two_roles(self) -> None:
        spent: list[str] = []
        for s in self.api.revenue.spending("wjxc"):
            if s.disbursement is None:
                continue
            roles = [a.role for a in s.approvals]
            assert len(roles) == 2 and roles[0] != roles[1]
            assert any(r.owners_side for r in roles)
            authority = s.disbursement.authority
            if authority.kind == "resolution":
                assert authority.resolution == s.proposal.resolution
                assert authority.resolution in self.passed
                spent.append(authority.resolution)
            else:
                assert s.proposal.resolution is None
                assert s.proposal.amount <= self.highest_limit
                assert authority.signer in {a.signer for a in s.approvals
                                            if a.role.owners_side}
        assert len(spent) == len(set(spent))

    @invariant()
    def the_books_balance_and_verify(self) -> None:
        assert all(not total for total in self.api.ledger.balance().totals)
        assert self.api.audit.verify().ok


FiveDuties.TestCase.settings = settings(max_examples=50, stateful_step_count=30,
                                        deadline=None)
test_five_duties = FiveDuties.TestCase
