"""A proposal as kept on the books: who put it, when, and each step of its deliberation.

The six-step deliberation is only as open as its record: every transition (proposed, discussed,
..., resolved) is kept with when it happened and who recorded it, and never changed afterwards.
These are plain values; the store writes and reads them, the clock supplies the instants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from commons.governance.deliberation import Proposal, State

if TYPE_CHECKING:
    import pendulum

__all__ = ["ProposalRecord", "Transition"]


@attrs.frozen
class Transition:
    """One step of a proposal: from ``from_state`` (None when it was put) to ``to_state``."""

    from_state: State | None
    to_state: State
    at: pendulum.DateTime
    actor: str


@attrs.frozen
class ProposalRecord:
    """A stored proposal with the compound it belongs to, who put it, and its history."""

    proposal: Proposal
    compound: str
    actor: str
    created_at: pendulum.DateTime
    updated_at: pendulum.DateTime
    history: tuple[Transition, ...]
