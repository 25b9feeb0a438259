"""Use cases of owners' resolutions (art. 278): put a proposal, take it through Hangzhou
Daguan's six steps, record ballots one by one or from a CSV file, tally, resolve, and elect a
committee.

The roll of a proposal is read from the estate each time (the households of its compound or
building); the tally of a resolved proposal is stored and read back as counted. Each use case is
one transaction; instants come from the handle's clock and every change records its actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.session import Service
from commons.errors import CommonsError, ConflictError, ErrorCode, InvalidInput, NotFound, Problems
from commons.estate.household import Household
from commons.files import Row
from commons.governance import (
    Ballot,
    Choice,
    Election,
    Matter,
    Proposal,
    ProposalRecord,
    Roll,
    Scope,
    ScopeKind,
    State,
    Tally,
    advance,
    cast,
    elect,
    resolve,
    tally,
)
from commons.io.sources import Source, through
from commons.io.vote_files import read_ballot_rows, read_votes

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["BallotsImported", "ResolutionService"]

MAX_REPORTED = 20  # problems listed from one file; the count says how many more


@attrs.frozen
class BallotsImported:
    """What importing a ballots file did: ``new`` ballots cast, ``already_recorded`` skipped
    because the owner's same ballot was stored, and the proposal as it now stands."""

    proposal: Proposal
    file: str
    new: int
    already_recorded: int


def _not_found(proposal_id: str) -> NotFound:
    return NotFound(f"proposal {proposal_id!r} is not recorded",
                    fix="put the proposal to the owners first, or check the id",
                    context={"kind": "proposal", "id": proposal_id})


def _scope(scope: Scope | str) -> Scope:
    return scope if isinstance(scope, Scope) else Scope.parse(scope)


def _compound_of(t: Tables, scope: Scope) -> str:
    """The compound a scope lies in; a scope the estate does not hold is NotFound."""
    if scope.kind is ScopeKind.COMPOUND:
        if t.estate.compound(scope.id) is None:
            raise NotFound(f"compound {scope.id!r} is not recorded", field="scope",
                           fix="import the compound first",
                           context={"kind": "compound", "id": scope.id})
        return scope.id
    building = t.estate.building(scope.id)
    if building is None:
        raise NotFound(f"building {scope.id!r} is not recorded", field="scope",
                       fix="import the building first",
                       context={"kind": "building", "id": scope.id})
    return building.compound


def _households(t: Tables, scope: Scope) -> list[Household]:
    if scope.kind is ScopeKind.COMPOUND:
        return t.estate.households(compound=scope.id)
    return t.estate.households(building=scope.id)


def _roll(t: Tables, scope: Scope) -> Roll:
    return Roll.of(scope, _households(t, scope))


class ResolutionService(Service):
    """Owners' resolutions; each use case runs in one transaction."""

    def propose(self, id: str, *, matter: Matter | str, scope: Scope | str,
                title: str = "", affected: Iterable[str] = ()) -> Proposal:
        """Put a matter to the owners of a compound or building (``compound:ID`` or
        ``building:ID``). ``affected`` names the units the works touch (each owner must consent).
        The same proposal again is a no-op; other terms under a stored id are a ConflictError."""
        proposal = Proposal(id, matter, _scope(scope), title, tuple(affected))
        with self.store.write() as t:
            compound = _compound_of(t, proposal.scope)
            units = {h.id for h in _households(t, proposal.scope)}
            for unit in proposal.affected:
                if unit not in units:
                    raise NotFound(f"unit {unit!r} is not a household of {proposal.scope}",
                                   field="affected",
                                   fix="name units of the proposal's scope, as in the "
                                       "households file")
            stored = t.governance.proposal(id)
            if stored is not None:
                if (stored.matter, stored.scope, stored.title, stored.affected) != (
                        proposal.matter, proposal.scope, proposal.title, proposal.affected):
                    raise ConflictError(f"proposal {id} is already recorded with other terms "
                                        f"({stored.matter.value} in {stored.scope})",
                                        fix="give the new proposal another id",
                                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
                return stored
            t.governance.save(proposal, compound=compound, at=self.clock.now(),
                              actor=self.actor)
        return proposal

    def advance(self, id: str, to: State | str) -> Proposal:
        """Take proposal ``id`` one step on (proposed → discussed → consulted → drafted →
        voted); skipping a step or going back is refused. ``resolutions.resolve`` takes the last."""
        with self.store.write() as t:
            proposal, compound = self._load(t, id)
            moved = advance(proposal, to)
            t.governance.save(moved, compound=compound, at=self.clock.now(), actor=self.actor)
        return moved

    def vote(self, id: str, *, owner: str, choice: Choice | str) -> Proposal:
        """Record ``owner``'s ballot; the first ballot on a drafted proposal opens the vote. The
        owner's same ballot again is a no-op; another choice is a ConflictError."""
        ballot = Ballot(owner, choice)
        with self.store.write() as t:
            proposal, compound = self._load(t, id)
            cast_before = {b.owner: b.choice for b in proposal.ballots}
            if ballot.owner in cast_before:
                _check_same(proposal.id, ballot, cast_before[ballot.owner])
                return proposal
            voted = cast(proposal, _roll(t, proposal.scope), ballot)
            t.governance.save(voted, compound=compound, at=self.clock.now(), actor=self.actor)
        return voted

    def import_ballots(self, id: str, path: Source, *,
                       encoding: str | None = None) -> BallotsImported:
        """Cast the ballots of a CSV file ``owner,choice`` on proposal ``id``: every line is
        checked first (an owner not on the roll, an owner twice, a bad choice, another choice
        than the stored one), each problem named by file:line:field, and nothing is stored
        unless all are good. Ballots already stored with the same choice are skipped.
        ``path`` may also be an open text or binary file, or rows (``{"owner", "choice"}``)."""
        return through(path, lambda file, encoding: self._import_ballots(id, file, encoding),
                       kind="ballots", encoding=encoding)

    def _import_ballots(self, id: str, path: Path, encoding: str | None) -> BallotsImported:
        rows = read_ballot_rows(path, encoding)
        with self.store.write() as t:
            proposal, compound = self._load(t, id)
            roll = _roll(t, proposal.scope)
            ballots, already = _checked_ballots(proposal, roll, rows, str(path))
            for ballot in ballots:
                proposal = cast(proposal, roll, ballot)
            if ballots:
                t.governance.save(proposal, compound=compound, at=self.clock.now(),
                                  actor=self.actor)
        return BallotsImported(proposal, str(path), len(ballots), already)

    def tally(self, id: str) -> Tally:
        """The standing of proposal ``id`` now: its ballots counted against the roll of its
        scope; for a resolved proposal, the tally stored when its vote closed."""
        with self.reader.read() as t:
            proposal, _ = self._load(t, id)
            if proposal.tally is not None:
                return proposal.tally
            return tally(proposal, _roll(t, proposal.scope), proposal.ballots)

    def resolve(self, id: str) -> Proposal:
        """Close the vote of proposal ``id`` and store its tally: it is resolved, passed or not."""
        with self.store.write() as t:
            proposal, compound = self._load(t, id)
            resolved = resolve(proposal, _roll(t, proposal.scope))
            t.governance.save(resolved, compound=compound, at=self.clock.now(),
                              actor=self.actor)
        return resolved

    def show(self, id: str) -> ProposalRecord:
        """Proposal ``id`` with its compound, who put it, and each step with time and actor."""
        with self.reader.read() as t:
            record = t.governance.record(id)
            if record is None:
                raise _not_found(id)
            return record

    def proposals(self, compound: str | None = None) -> tuple[ProposalRecord, ...]:
        """Every proposal, or those of ``compound`` (its own and its buildings'), by id."""
        with self.reader.read() as t:
            if compound is not None and t.estate.compound(compound) is None:
                raise NotFound(f"compound {compound!r} is not recorded",
                               fix="import the compound first, or check the spelling",
                               context={"kind": "compound", "id": compound})
            return tuple(t.governance.records(compound))

    def elect(self, votes: Source | Mapping[str, int], seats: int, *,
              encoding: str | None = None) -> Election:
        """A committee election: the top ``seats`` vote-getters of ``votes`` (a mapping of
        candidate to votes, or a CSV file ``candidate,votes`` in ``encoding``, UTF-8 by
        default: a path, an open text or binary file, or rows) are elected, the rest
        alternates; a tie at the cut-off is reported, not guessed."""
        if isinstance(votes, Mapping):
            return elect(votes, seats)
        return through(votes, lambda file, encoding: elect(read_votes(str(file), encoding),
                                                           seats), kind="votes", encoding=encoding)

    @staticmethod
    def _load(t: Tables, id: str) -> tuple[Proposal, str]:
        record = t.governance.record(id)
        if record is None:
            raise _not_found(id)
        return record.proposal, record.compound


def _check_same(proposal_id: str, ballot: Ballot, stored: Choice) -> None:
    if stored is not ballot.choice:
        raise ConflictError(f"{ballot.owner} has already voted {stored.value} on proposal "
                            f"{proposal_id}, not {ballot.choice.value}", field="choice",
                            fix="each owner casts one ballot; it cannot be changed",
                            code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)


def _checked_ballots(proposal: Proposal, roll: Roll, rows: list[Row],
                     file: str) -> tuple[list[Ballot], int]:
    """The file's new ballots and how many were already recorded; any bad line raises
    Problems naming each by file:line:field."""
    stored = {b.owner: b.choice for b in proposal.ballots}
    seen: dict[str, int] = {}
    new: list[Ballot] = []
    already = 0
    problems: list[CommonsError] = []
    for row in rows:
        try:
            ballot = Ballot(row.text("owner"), row.parse("choice", Choice.parse))
            _check_row(ballot, roll, seen, stored, proposal.id)
        except CommonsError as e:
            problems.append(e.located(file=row.file, line=row.line))
            continue
        seen[ballot.owner] = row.line
        if ballot.owner in stored:
            already += 1
        else:
            new.append(ballot)
    if problems:
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        raise Problems(f"{len(problems)} of {len(rows)} ballots in {file} refused for proposal "
                       f"{proposal.id}; none was recorded"
                       + (f" ({more} more not shown)" if more else ""), shown,
                       fix="correct the lines named and import the file again")
    return new, already


def _check_row(ballot: Ballot, roll: Roll, seen: Mapping[str, int],
               stored: Mapping[str, Choice], proposal_id: str) -> None:
    if ballot.owner not in roll:
        raise NotFound(f"{ballot.owner} owns no unit in {roll.scope}", field="owner",
                       fix="only owners of units in the proposal's scope vote; check the name")
    if ballot.owner in seen:
        raise InvalidInput(f"{ballot.owner} already has a ballot on line {seen[ballot.owner]}",
                           field="owner", fix="give each owner's ballot once")
    if ballot.owner in stored:
        _check_same(proposal_id, ballot, stored[ballot.owner])
