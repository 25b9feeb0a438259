"""Governance tables: proposals, their affected units, ballots, stored tallies and state history.

Every method runs inside the caller's transaction. ``save`` writes what a proposal gained since
it was last stored (a new state, new ballots, its tally) and refuses anything else: the store
never drops a ballot or changes what was proposed. A resolved proposal's tally is stored as the
JSON of ``Tally.to_json()`` and read back with ``Tally.from_json``, so it stays what was counted
even if the estate's households change later. Instants are ISO 8601 text in UTC.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commons.errors import ConflictError, ErrorCode
from commons.governance import (
    Ballot,
    Proposal,
    ProposalRecord,
    Scope,
    State,
    Tally,
    Transition,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pendulum

__all__ = ["GovernanceTables"]

_PROPOSAL = ("SELECT id, matter, scope_kind, scope_id, title, state, compound, actor, "
             "created_at, updated_at FROM proposals")


def _instant(text: str) -> pendulum.DateTime:
    import pendulum  # noqa: PLC0415 - only reading history needs it; it costs every CLI call

    return pendulum.instance(datetime.fromisoformat(text))


def _utc(at: pendulum.DateTime) -> str:
    return at.in_timezone("UTC").isoformat()


def _same_terms(stored: Proposal, proposal: Proposal) -> bool:
    return (stored.matter, stored.scope, stored.title, stored.affected) == (
        proposal.matter, proposal.scope, proposal.title, proposal.affected)


class GovernanceTables:
    """Owners' resolutions in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def proposal(self, id: str) -> Proposal | None:
        """The stored proposal ``id``, rebuilt exactly: state, ballots in the order cast, and
        the tally when resolved."""
        row = self.conn.execute(f"{_PROPOSAL} WHERE id = ?", (id,)).fetchone()
        return None if row is None else self._proposal(row)

    def record(self, id: str) -> ProposalRecord | None:
        """The stored proposal ``id`` with its compound, proposer and state history."""
        row = self.conn.execute(f"{_PROPOSAL} WHERE id = ?", (id,)).fetchone()
        return None if row is None else self._record(row)

    def records(self, compound: str | None = None) -> list[ProposalRecord]:
        """Every stored proposal (of ``compound`` if given: its own and its buildings'), by id."""
        if compound is None:
            rows = self.conn.execute(f"{_PROPOSAL} ORDER BY id")
        else:
            rows = self.conn.execute(f"{_PROPOSAL} WHERE compound = ? ORDER BY id", (compound,))
        return [self._record(row) for row in rows.fetchall()]

    def _proposal(self, row: Sequence[Any]) -> Proposal:
        pid = row[0]
        affected = [u for (u,) in self.conn.execute(
            "SELECT unit FROM proposal_affected WHERE proposal = ? ORDER BY unit", (pid,))]
        ballots = [Ballot(owner, choice) for owner, choice in self.conn.execute(
            "SELECT owner, choice FROM ballots WHERE proposal = ? ORDER BY seq", (pid,))]
        stored = self.conn.execute("SELECT tally_json FROM tallies WHERE proposal = ?",
                                   (pid,)).fetchone()
        tally = None if stored is None else Tally.from_json(json.loads(stored[0]))
        return Proposal(pid, row[1], Scope(row[2], row[3]), row[4], affected, State(row[5]),
                        ballots, tally)

    def _record(self, row: Sequence[Any]) -> ProposalRecord:
        return ProposalRecord(self._proposal(row), row[6], row[7], _instant(row[8]),
                              _instant(row[9]), tuple(self._history(row[0])))

    def _history(self, pid: str) -> Iterator[Transition]:
        rows = self.conn.execute("SELECT from_state, to_state, at, actor FROM proposal_history "
                                 "WHERE proposal = ? ORDER BY seq", (pid,))
        for before, after, at, actor in rows.fetchall():
            yield Transition(None if before is None else State(before), State(after),
                             _instant(at), actor)

    def save(self, proposal: Proposal, *, compound: str, at: pendulum.DateTime,
             actor: str) -> None:
        """Store ``proposal`` as it is now: a new one whole, a stored one by what it gained (a
        later state, ballots after those stored, its tally), each change recorded at ``at`` by
        ``actor``. Changed terms or lost ballots are a ConflictError."""
        when = _utc(at)
        stored = self.proposal(proposal.id)
        if stored is None:
            self._insert(proposal, compound, when, actor)
            self._transition(proposal.id, None, proposal.state, when, actor)
            new_ballots = proposal.ballots
        else:
            self._check_extends(stored, proposal)
            new_ballots = proposal.ballots[len(stored.ballots):]
            if stored.state is not proposal.state:
                self.conn.execute("UPDATE proposals SET state = ?, updated_at = ? WHERE id = ?",
                                  (proposal.state.value, when, proposal.id))
                self._transition(proposal.id, stored.state, proposal.state, when, actor)
        self.conn.executemany(
            "INSERT INTO ballots (proposal, owner, choice, cast_at, actor) VALUES (?, ?, ?, ?, ?)",
            [(proposal.id, b.owner, b.choice.value, when, actor) for b in new_ballots])
        if proposal.tally is not None and (stored is None or stored.tally is None):
            self.conn.execute(
                "INSERT INTO tallies (proposal, passes, tally_json, resolved_at) "
                "VALUES (?, ?, ?, ?)",
                (proposal.id, int(proposal.tally.passes),
                 json.dumps(proposal.tally.to_json(), ensure_ascii=False, sort_keys=True), when))

    def _insert(self, proposal: Proposal, compound: str, when: str, actor: str) -> None:
        self.conn.execute(
            "INSERT INTO proposals (id, matter, scope_kind, scope_id, compound, title, state, "
            "created_at, updated_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (proposal.id, proposal.matter.value, proposal.scope.kind.value, proposal.scope.id,
             compound, proposal.title, proposal.state.value, when, when, actor))
        self.conn.executemany("INSERT INTO proposal_affected (proposal, unit) VALUES (?, ?)",
                              [(proposal.id, unit) for unit in proposal.affected])

    def _transition(self, pid: str, before: State | None, after: State, when: str,
                    actor: str) -> None:
        self.conn.execute("INSERT INTO proposal_history (proposal, from_state, to_state, at, "
                          "actor) VALUES (?, ?, ?, ?, ?)",
                          (pid, None if before is None else before.value, after.value, when,
                           actor))

    @staticmethod
    def _check_extends(stored: Proposal, proposal: Proposal) -> None:
        if not _same_terms(stored, proposal):
            raise ConflictError(f"proposal {proposal.id} is stored with other terms",
                                fix="put a new proposal under a new id to decide otherwise",
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        if proposal.ballots[:len(stored.ballots)] != stored.ballots:
            raise ConflictError(f"proposal {proposal.id} would lose or change stored ballots",
                                fix="a ballot once cast stays; add new ballots only")
        if stored.tally is not None and proposal.tally != stored.tally:
            raise ConflictError(f"proposal {proposal.id} is resolved with another tally",
                                fix="a closed vote stays as counted; put a new proposal")
