"""A proposal's way through the six-step deliberation (六步议事法), as pure transitions.

提出议题 → 广开言路 → 民主协商 → 拟定方案 → 居民表决 → 形成决议 become the states proposed →
discussed → consulted → drafted → voted → resolved. Each transition returns a new ``Proposal``;
none may be skipped or taken back.

``voted`` means the vote is under way. Ballots are accepted once a draft exists: a ballot cast on
a drafted proposal opens the vote (the proposal becomes ``voted``), and ``advance(p, VOTED)``
opens it with no ballot yet, so that a vote nobody came to can still be resolved (and fail).
``resolve`` closes the vote and records the tally; after it no ballot is accepted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.governance.ballots import Ballot, admit
from commons.governance.matters import Matter
from commons.governance.roll import Roll, Scope, ScopeKind
from commons.governance.tally import Tally, affected_owners, check_roll, tally

__all__ = ["Proposal", "State", "advance", "cast", "resolve"]


class State(enum.StrEnum):
    """The six steps of deliberation (as practised in Hangzhou Daguan), in order."""

    PROPOSED = "proposed"
    DISCUSSED = "discussed"
    CONSULTED = "consulted"
    DRAFTED = "drafted"
    VOTED = "voted"
    RESOLVED = "resolved"

    @property
    def label_zh(self) -> str:
        """The step's Chinese name (提出议题 ...)."""
        return _LABELS[self]

    @property
    def next(self) -> State | None:
        """The step after this one, or None after the last."""
        order = list(State)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    @classmethod
    def parse(cls, text: str) -> State:
        """A step by its code name (``proposed``, ``discussed`` ...)."""
        try:
            return cls(text.strip())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise InvalidInput(f"state {text!r} is not a step of the deliberation",
                               field="state", fix=f"use one of {names}") from None


_LABELS = {
    State.PROPOSED: "提出议题",
    State.DISCUSSED: "广开言路",
    State.CONSULTED: "民主协商",
    State.DRAFTED: "拟定方案",
    State.VOTED: "居民表决",
    State.RESOLVED: "形成决议",
}


def _state(value: State | str) -> State:
    return value if isinstance(value, State) else State.parse(value)


def _matter(value: Matter | str) -> Matter:
    return value if isinstance(value, Matter) else Matter.parse(value)


def _unit_ids(units: Iterable[str]) -> tuple[str, ...]:
    listed = list(units)
    if isinstance(units, str) or any(not isinstance(u, str) or not u.strip() for u in listed):
        raise InvalidInput(f"affected units {units!r} are not a list of unit ids",
                           field="affected", fix="list the ids of the units the works touch")
    if len(set(listed)) != len(listed):
        raise InvalidInput(f"affected units {listed} name a unit twice", field="affected",
                           fix="list each unit the works touch once")
    return tuple(sorted(listed))


def _ballots(ballots: Iterable[Ballot]) -> tuple[Ballot, ...]:
    return tuple(ballots)


def _proposal_id(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise InvalidInput(f"proposal id {value!r} is empty or has surrounding spaces",
                           field="id", fix="give the proposal a plain id such as LS-3-elevator")


@attrs.frozen
class Proposal:
    """A matter put to the owners of a scope, where it stands, and the ballots cast on it.

    ``affected`` lists the units the works physically touch: each of their owners must vote yes
    for the proposal to pass. ``tally`` is recorded when the proposal is resolved.
    """

    id: str = attrs.field(validator=_proposal_id)
    matter: Matter = attrs.field(converter=_matter)
    scope: Scope
    title: str = ""
    affected: tuple[str, ...] = attrs.field(default=(), converter=_unit_ids)
    state: State = attrs.field(default=State.PROPOSED, converter=_state)
    ballots: tuple[Ballot, ...] = attrs.field(default=(), converter=_ballots)
    tally: Tally | None = None

    def __attrs_post_init__(self) -> None:
        if self.matter.building_only and self.scope.kind is not ScopeKind.BUILDING:
            raise RefusedByRule(
                f"proposal {self.id}: {self.matter.value} is decided within its building, "
                f"not by {self.scope}", field="scope",
                fix="put it to the owners of the one building the works are in")
        if self.ballots and self.state not in (State.VOTED, State.RESOLVED):
            raise InvalidInput(f"proposal {self.id} is {self.state} but holds ballots",
                               fix="ballots belong to a proposal whose vote is open or closed")
        owners = [b.owner for b in self.ballots]
        if len(set(owners)) != len(owners):
            raise RefusedByRule(f"proposal {self.id} holds two ballots from one owner",
                                fix="each owner casts one ballot; keep the first")
        if (self.tally is None) is (self.state is State.RESOLVED):
            raise InvalidInput(f"proposal {self.id} is {self.state} and "
                               f"{'has no' if self.tally is None else 'has a'} tally",
                               fix="a proposal carries its tally exactly when it is resolved")

    @property
    def passed(self) -> bool | None:
        """Whether the resolution passed; None until it is resolved."""
        return None if self.tally is None else self.tally.passes


def _refuse_skip(proposal: Proposal, to: State) -> RefusedByRule:
    step = proposal.state.next
    if step is None:
        return RefusedByRule(f"proposal {proposal.id} is already resolved",
                             fix="put a new proposal to the owners to decide again",
                             code=ErrorCode.ALREADY_DONE)
    if step is State.RESOLVED:
        fix = "resolve it: close the vote and tally the ballots"
    else:
        fix = f"advance it to {step.value} ({step.label_zh}) next"
    return RefusedByRule(f"proposal {proposal.id} is {proposal.state.value} and cannot go to "
                         f"{to.value}", fix=fix)


def advance(proposal: Proposal, to: State | str) -> Proposal:
    """Take ``proposal`` one step on, to ``to``; skipping a step or going back is refused.

    Resolving needs the roll, so the last step is ``resolve``'s, not this function's.
    """
    target = _state(to)
    if target is not proposal.state.next or target is State.RESOLVED:
        raise _refuse_skip(proposal, target)
    return attrs.evolve(proposal, state=target)


def cast(proposal: Proposal, roll: Roll, ballot: Ballot) -> Proposal:
    """Record ``ballot`` on ``proposal``; the first ballot on a drafted proposal opens the vote.

    Refused before a draft exists, after the proposal is resolved, from an owner not on the roll
    and from an owner who has voted already.
    """
    if proposal.state is State.RESOLVED:
        raise RefusedByRule(f"proposal {proposal.id} is resolved; its vote is closed, so "
                            f"{ballot.owner}'s ballot cannot be counted",
                            fix="put a new proposal to the owners to decide again",
                            code=ErrorCode.ALREADY_DONE)
    if proposal.state not in (State.DRAFTED, State.VOTED):
        step = proposal.state.next
        assert step is not None
        raise RefusedByRule(
            f"proposal {proposal.id} is {proposal.state.value}: there is no draft to vote on yet",
            fix=f"advance it to {step.value} ({step.label_zh}) next; ballots are taken once it "
                "is drafted")
    check_roll(proposal, roll)
    affected_owners(proposal, roll)  # an affected unit off the roll is refused before any vote
    ballots = (*proposal.ballots, ballot)
    admit(proposal.id, roll, ballots)
    return attrs.evolve(proposal, state=State.VOTED, ballots=ballots)


def resolve(proposal: Proposal, roll: Roll) -> Proposal:
    """Close the vote and record its tally: the proposal is resolved, passed or not."""
    if proposal.state is not State.VOTED:
        if proposal.state is State.DRAFTED:
            raise RefusedByRule(f"proposal {proposal.id} is drafted; its vote has not opened",
                                fix="open the vote (advance it to voted) or cast a ballot first")
        raise _refuse_skip(proposal, State.RESOLVED)
    return attrs.evolve(proposal, state=State.RESOLVED,
                        tally=tally(proposal, roll, proposal.ballots))
