"""Use cases of managing and using public revenue (管、用): the co-managed account's signers and
holder, the committee's spending limit, and the way of a payment: propose, tally and close the
vote on the owners' resolution it names (owners vote through ``resolutions.vote``), approve
twice, disburse.

Each use case is one transaction; a refusal raises ``RefusedByRule`` (what, why, how to fix)
and changes nothing. A disbursement is a journal entry ``disburse:<id>`` posted through the
ledger's own path, linked here to its resolution or committee signer and its two approvals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from commons.app.ledger import LedgerService
from commons.app.resolutions import ResolutionService
from commons.app.revenue_books import (
    balance_of,
    compound_of,
    open_chart,
    post_entry,
    resolution_use,
)
from commons.app.session import Service, Session, recorded
from commons.errors import ConflictError, ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.governance import State, Tally
from commons.money import Money, money_field
from commons.periods import as_date
from commons.revenue.spending import (
    AccountHolder,
    Approval,
    Authority,
    Signer,
    SignerRole,
    SpendingLimit,
    SpendingProposal,
    authority,
    check_approval,
    check_approved,
    check_available,
    check_resolution,
    check_within_limit,
    disbursement_entry,
    parse_purpose,
)

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["Disbursement", "SpendingService", "SpendingStatus"]


@attrs.frozen
class Disbursement:
    """A payment made: its journal entry and date, the authority it was made under and the
    two approvals."""

    proposal: str
    entry_id: int
    date: dt.date
    amount: Money
    authority: Authority
    approvals: tuple[Approval, ...]


@attrs.frozen
class SpendingStatus:
    """Where a spending stands: its approvals, whether its amount is earmarked (authorised and
    approved twice, not yet paid), and its disbursement once paid."""

    proposal: SpendingProposal
    approvals: tuple[Approval, ...]
    earmarked: bool
    disbursement: Disbursement | None = None


def _spending(t: Tables, id: str) -> SpendingProposal:
    return recorded(t.revenue.proposal(id), "spending", id, missing="is not proposed",
                    first="propose the spending first")


def _disbursement(t: Tables, spending: SpendingProposal) -> Disbursement | None:
    paid = t.revenue.disbursement(spending.id)
    if paid is None:
        return None
    entry_id, day, kind, resolution, signer = paid
    return Disbursement(spending.id, entry_id, day, spending.amount,
                        Authority(kind, resolution, signer),
                        tuple(t.revenue.approvals(spending.id)))


class SpendingService(Service):
    """Signers, limits and the way of a payment; each use case runs in one transaction."""

    def __init__(self, session: Session, ledger: LedgerService,
                 resolutions: ResolutionService) -> None:
        super().__init__(session)
        self.ledger = ledger  # the one posting path: ``ledger.post_in`` inside a transaction
        self.resolutions = resolutions  # the owners' votes a spending names

    def _now(self) -> str:
        return self.clock.now().in_timezone("UTC").isoformat()

    def add_signer(self, compound: str, signer: str, *, role: SignerRole | str,
                   name: str = "") -> Signer:
        """Add a signer of ``compound``'s co-managed account in ``role``; the same again is a
        no-op, another role for a recorded signer a ConflictError."""
        added = Signer(compound, signer, role, name)
        with self.store.write() as t:
            compound_of(t, compound)
            stored = t.revenue.signer(compound, signer)
            if stored is not None:
                if stored != added:
                    raise ConflictError(f"{signer} already signs for {compound} as "
                                        f"{stored.role.value}", field="signer",
                                        fix="give a signer in another role another id",
                                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
                return stored
            t.revenue.add_signer(added, self._now(), self.actor)
        return added

    def signers(self, compound: str) -> tuple[Signer, ...]:
        """The co-managed account's signers of ``compound``, with their roles."""
        with self.reader.read() as t:
            compound_of(t, compound)
            return tuple(t.revenue.signers(compound))

    def account_holder(self, compound: str, holder: str, *,
                       role: SignerRole | str) -> AccountHolder:
        """Record in whose name the co-managed account is held; never the firm's."""
        held = AccountHolder(compound, holder, role)
        with self.store.write() as t:
            compound_of(t, compound)
            if t.revenue.holder(compound) != held:
                t.revenue.add_holder(held, self._now(), self.actor)
        return held

    def limit(self, compound: str, amount: Money | str, *,
              resolution: str) -> SpendingLimit:
        """Set the committee's spending limit as the owners' assembly decided by
        ``resolution``, which must have passed in ``compound``."""
        limit = SpendingLimit(compound, money_field(amount, "amount"), resolution)
        with self.store.write() as t:
            compound_of(t, compound)
            use = resolution_use(t, resolution)
            if use is None:
                raise NotFound(f"resolution {resolution!r} is not recorded", field="resolution",
                               fix="the owners' assembly sets the limit by a resolution: "
                                   "put one to the owners first",
                               context={"kind": "resolution", "id": resolution})
            if use.compound != compound or use.state is not State.RESOLVED or not use.passes:
                why = (f"was decided in {use.compound}" if use.compound != compound else
                       f"failed: {use.reason}" if use.state is State.RESOLVED else
                       f"is {use.state.value}, not yet decided")
                raise RefusedByRule(f"resolution {resolution} {why}, so it cannot set "
                                    f"{compound}'s spending limit", field="resolution",
                                    fix=f"name a resolution {compound}'s owners passed",
                                    code=ErrorCode.NOT_AUTHORISED)
            if use.proposals:
                raise RefusedByRule(f"resolution {resolution} authorises spending "
                                    f"{use.proposals[0]}; it cannot also set the limit",
                                    field="resolution",
                                    fix="set the limit by its own resolution",
                                    code=ErrorCode.NOT_AUTHORISED)
            if t.revenue.limit(compound) != limit:
                t.revenue.add_limit(limit, self._now(), self.actor)
        return limit

    def propose(self, id: str, *, compound: str, purpose: str, amount: Money | str,
                payee: str, memo: str = "", resolution: str | None = None
                ) -> SpendingProposal:
        """Propose paying ``amount`` for ``purpose`` (cleaning, repairs, greening, ...): within
        the committee's limit on its decision, above it under an owners' ``resolution`` of this
        compound that no other spending uses. The same proposal again is a no-op."""
        today = self.clock.today()
        spending = SpendingProposal(id, compound, parse_purpose(purpose),
                                    money_field(amount, "amount"), payee,
                                    dt.date(today.year, today.month, today.day), memo,
                                    resolution)
        with self.store.write() as t:
            compound_of(t, compound)
            stored = t.revenue.proposal(id)
            if stored is not None:
                if attrs.evolve(stored, proposed_on=spending.proposed_on) != spending:
                    raise ConflictError(f"spending {id} is already proposed with other terms",
                                        field="id", fix="give a new spending a new id",
                                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
                return stored
            if resolution is not None:
                check_resolution(id, compound, resolution_use(t, resolution),
                                 must_have_passed=False)
            check_within_limit(spending, t.revenue.limit(compound))
            open_chart(t, compound)
            t.revenue.add_proposal(spending, self._now(), self.actor)
        return spending

    def resolution_of(self, id: str) -> str:
        """The owners' resolution spending ``id`` names, to vote on with ``resolutions.vote``;
        spending within the committee's limit names none, and there is nothing to vote on."""
        with self.reader.read() as t:
            spending = _spending(t, id)
        if spending.resolution is None:
            raise InvalidInput(f"spending {id} names no resolution: the committee decides it "
                               "within its limit, so there is nothing to vote on",
                               fix="have the signers approve it")
        return spending.resolution

    def tally(self, id: str) -> Tally:
        """The standing of spending ``id``'s resolution now; nothing is written."""
        return self.resolutions.tally(self.resolution_of(id))

    def close_vote(self, id: str) -> Tally:
        """Close the vote on spending ``id``'s resolution and store its tally, passed or not."""
        resolved = self.resolutions.resolve(self.resolution_of(id))
        assert resolved.tally is not None
        return resolved.tally

    def approve(self, id: str, *, signer: str) -> SpendingStatus:
        """A signer's approval of spending ``id``. Two are needed, by signers of different
        roles, one of the owners' side; the second earmarks the amount, so it needs the
        authority in place and the amount available."""
        with self.store.write() as t:
            spending = _spending(t, id)
            approvals = t.revenue.approvals(id)
            found = t.revenue.signer(spending.compound, signer)
            check_approval(spending, signer, found, approvals,
                           t.revenue.disbursement(id) is not None)
            assert found is not None  # check_approval refuses a non-signer
            approval = Approval(id, signer, found.role, self._now())
            after = [*approvals, approval]
            use = None if spending.resolution is None else resolution_use(t, spending.resolution)
            if spending.resolution is not None:
                check_resolution(id, spending.compound, use, must_have_passed=True)
            if len(after) == 2:
                authority(spending, t.revenue.limit(spending.compound), use, after)
                check_available(spending, balance_of(t, spending.compound),
                                earmarked_for_it=Money.zero())
            t.revenue.add_approval(approval, len(approvals), self.actor)
        return SpendingStatus(spending, tuple(after), len(after) == 2)

    def disburse(self, id: str, *, date: dt.date | str) -> Disbursement:
        """Pay spending ``id`` on ``date``: Dr its purpose's expense account, Cr the co-managed
        account, entry ``disburse:<id>``. Refused, with the reason, unless approved by two
        roles, authorised, and within the available balance; a paid spending stays paid."""
        date = as_date(date, "date")
        with self.store.write() as t:
            spending = _spending(t, id)
            paid = _disbursement(t, spending)
            if paid is not None:
                raise RefusedByRule(f"spending {id} was already disbursed on {paid.date} as "
                                    f"entry {paid.entry_id}",
                                    fix="nothing to do; a payment is made once",
                                    code=ErrorCode.ALREADY_DONE)
            approvals = t.revenue.approvals(id)
            check_approved(spending, approvals)
            use = None if spending.resolution is None else resolution_use(t, spending.resolution)
            given = authority(spending, t.revenue.limit(spending.compound), use, approvals)
            check_available(spending, balance_of(t, spending.compound),
                            earmarked_for_it=spending.amount)
            entry_id, _ = post_entry(self.ledger, t, disbursement_entry(spending, date,
                                                                 actor=self.actor),
                                     f"revenue disburse {id} (dated {date})")
            t.revenue.add_disbursement(id, entry_id, date, given.kind, given.resolution,
                                       given.signer, self._now(), self.actor)
        return Disbursement(id, entry_id, date, spending.amount, given, tuple(approvals))

    def show(self, id: str) -> SpendingStatus:
        """Spending ``id`` with its approvals, whether it is earmarked, and its payment."""
        with self.reader.read() as t:
            spending = _spending(t, id)
            approvals = tuple(t.revenue.approvals(id))
            paid = _disbursement(t, spending)
        return SpendingStatus(spending, approvals, paid is None and len(approvals) == 2, paid)

    def spending(self, compound: str) -> tuple[SpendingStatus, ...]:
        """Every spending proposed in ``compound``, by id."""
        with self.reader.read() as t:
            compound_of(t, compound)
            out = []
            for spending in t.revenue.proposals(compound):
                approvals = tuple(t.revenue.approvals(spending.id))
                paid = _disbursement(t, spending)
                out.append(SpendingStatus(spending, approvals,
                                          paid is None and len(approvals) == 2, paid))
        return tuple(out)
