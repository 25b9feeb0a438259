"""Committee elections with more candidates than seats (差额选举): Hangzhou Daguan's
self-management committees elect five of seven candidates ("7选5"), the rest standing by as
alternates (候补).

The top vote-getters take the seats; everyone else is an alternate (候补), in order of votes.
When candidates tie at the cut-off, so that the seats left cannot all go to them, the election
reports the tie (who, on how many votes, for how many seats) and seats none of them: a run-off
or the owners' rules must decide, not the order names happen to sort in.

Standings carry competition ranks (1, 2, 2, 4): equal votes share a rank. Within a rank,
candidates are listed by name only so that the output is deterministic; that is no precedence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from commons.errors import InvalidInput

__all__ = ["Election", "Standing", "Tie", "elect"]


@attrs.frozen
class Standing:
    """A candidate's votes and rank among all candidates (ties share a rank)."""

    candidate: str
    votes: int
    rank: int

    def to_json(self) -> dict[str, object]:
        """The standing as ``--json`` prints it."""
        return {"candidate": self.candidate, "votes": self.votes, "rank": self.rank}


@attrs.frozen
class Tie:
    """Candidates on equal votes at the cut-off, more of them than the ``seats_left``."""

    candidates: tuple[str, ...]
    votes: int
    seats_left: int

    def to_json(self) -> dict[str, object]:
        """The tie as ``--json`` prints it."""
        return {"candidates": list(self.candidates), "votes": self.votes,
                "seats_left": self.seats_left}


@attrs.frozen
class Election:
    """Who took a seat, who is an alternate and in what order, and any tie left to decide."""

    seats: int
    standings: tuple[Standing, ...]
    elected: tuple[Standing, ...]
    alternates: tuple[Standing, ...]
    tie: Tie | None

    @property
    def decided(self) -> bool:
        """Every seat is filled: there is no tie at the cut-off."""
        return self.tie is None

    def to_json(self) -> dict[str, object]:
        """The result as ``--json`` prints it: seats, standings, elected, alternates and any tie."""
        return {
            "seats": self.seats,
            "decided": self.decided,
            "elected": [s.to_json() for s in self.elected],
            "alternates": [s.to_json() for s in self.alternates],
            "tie": None if self.tie is None else self.tie.to_json(),
        }


def _counts(votes: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, int]:
    pairs = votes.items() if isinstance(votes, Mapping) else votes
    counts: dict[str, int] = {}
    for candidate, count in pairs:
        if not isinstance(candidate, str) or not candidate.strip():
            raise InvalidInput(f"candidate {candidate!r} has no name", field="candidate",
                               fix="name every candidate")
        if candidate in counts:
            raise InvalidInput(f"candidate {candidate} is listed twice", field="candidate",
                               fix="give each candidate's votes once")
        if type(count) is not int or count < 0:
            raise InvalidInput(f"candidate {candidate} has {count!r} votes", field="votes",
                               fix="give each candidate's votes as a whole number, 0 or more")
        counts[candidate] = count
    if not counts:
        raise InvalidInput("an election needs candidates", fix="list the candidates and votes")
    return counts


def elect(votes: Mapping[str, int] | Iterable[tuple[str, int]], seats: int) -> Election:
    """Seat the top ``seats`` vote-getters of ``votes`` (candidate -> votes); the rest are
    alternates in order. A tie at the cut-off is reported in ``tie`` and its candidates are
    neither elected nor alternates. Fewer candidates than seats: all are elected."""
    if type(seats) is not int or seats < 1:
        raise InvalidInput(f"an election for {seats!r} seats", field="seats",
                           fix="elect at least one seat")
    counts = _counts(votes)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    standings = tuple(
        Standing(name, count, 1 + sum(1 for other in counts.values() if other > count))
        for name, count in ordered)
    if len(standings) <= seats or standings[seats - 1].votes != standings[seats].votes:
        return Election(seats, standings, standings[:seats], standings[seats:], None)
    cut = standings[seats].votes
    above = tuple(s for s in standings if s.votes > cut)
    tied = tuple(s.candidate for s in standings if s.votes == cut)
    below = tuple(s for s in standings if s.votes < cut)
    return Election(seats, standings, above, below, Tie(tied, cut, seats - len(above)))
