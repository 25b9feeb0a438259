"""Ballots: one per owner on the roll, yes, no or abstain.

An owner votes once for all their units in the scope (their weight is the units' total area).
An abstention takes part, so it counts towards participation, but it is not a yes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.governance.roll import Roll

__all__ = ["Ballot", "Choice", "admit"]


class Choice(enum.StrEnum):
    """An owner's vote: yes, no, or abstain (which takes part but is not a yes)."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @classmethod
    def parse(cls, text: str) -> Choice:
        """``yes``, ``no`` or ``abstain``, in any case."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidInput(f"choice {text!r} is not yes, no or abstain",
                               field="choice", fix="vote yes, no or abstain") from None


def _choice(value: Choice | str) -> Choice:
    return value if isinstance(value, Choice) else Choice.parse(value)


def _owner_name(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"ballot owner {value!r} is empty", field="owner",
                           fix="name the owner who votes, as on the households file")


@attrs.frozen
class Ballot:
    """One owner's vote on one proposal."""

    owner: str = attrs.field(validator=_owner_name)
    choice: Choice = attrs.field(converter=_choice)


def admit(proposal_id: str, roll: Roll, ballots: Iterable[Ballot]) -> dict[str, Choice]:
    """Each voting owner's choice; a ballot from an owner not on the roll, or a second ballot
    from the same owner, is refused."""
    choices: dict[str, Choice] = {}
    for ballot in ballots:
        if ballot.owner not in roll:
            raise RefusedByRule(
                f"{ballot.owner} may not vote on proposal {proposal_id}: they own no unit in "
                f"{roll.scope}", field="owner",
                fix="only owners of units in the proposal's scope vote; check the name",
                code=ErrorCode.NOT_AUTHORISED)
        if ballot.owner in choices:
            raise RefusedByRule(
                f"{ballot.owner} has already voted on proposal {proposal_id} "
                f"({choices[ballot.owner].value})", field="owner",
                fix="each owner casts one ballot for all their units; keep the first",
                code=ErrorCode.ALREADY_DONE)
        choices[ballot.owner] = ballot.choice
    return choices
