"""Tallying a proposal's ballots under art. 278: who took part, how much said yes, and why it
passed or failed.

Everything is exact. Areas are Decimal m² with at most two decimals, so the sums are exact too;
shares are ``Fraction``s of those sums, and thresholds compare fractions: exactly 2/3 takes part,
exactly 1/2 fails a majority matter, exactly 3/4 passes a special one. Percents are for reading
only (two decimals, rounded half up); the fraction always decides.

A ``Ratio`` keeps what was counted over what it was counted of, unreduced: ``8/12`` owners, or
``112.74/169.11`` m². Area sums are written as plain decimals with trailing zeros dropped
(``112.7``, ``100``), so a whole number of m² reads as an integer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from commons.errors import InvalidInput
from commons.governance.ballots import Choice, admit
from commons.governance.matters import PARTICIPATION, Matter, Rule
from commons.governance.roll import Roll, Scope
from commons.l10n import percent_text

if TYPE_CHECKING:
    from commons.governance.ballots import Ballot
    from commons.governance.deliberation import Proposal

__all__ = ["Measures", "Ratio", "Tally", "affected_owners", "check_roll", "tally"]

_TAKE_PART = Rule("参与表决", 0, PARTICIPATION, at_least=True)


def _number(value: Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def _count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    exact = type(value) is int or (isinstance(value, Decimal) and value.is_finite())
    if not exact or value < 0:  # type: ignore[operator]
        raise InvalidInput(f"ratio {attribute.name} {value!r} is not a non-negative int or Decimal",
                           fix="count owners as ints and areas as Decimal m²")


@attrs.frozen
class Ratio:
    """``counted`` of ``of``, as counted: owners as ints, areas as Decimal m². Nothing of
    nothing (no participants) is the fraction 0."""

    counted: Decimal | int = attrs.field(validator=_count)
    of: Decimal | int = attrs.field(validator=_count)

    def __attrs_post_init__(self) -> None:
        if self.counted > self.of:
            raise InvalidInput(f"ratio {self.text} counts more than the whole",
                               fix="count a part of the whole")

    @property
    def fraction(self) -> Fraction:
        """The exact share counted of the whole (0 when the whole is 0)."""
        return Fraction(self.counted) / Fraction(self.of) if self.of else Fraction(0)

    @property
    def text(self) -> str:
        """The share as ``counted/of``."""
        return f"{_number(self.counted)}/{_number(self.of)}"

    @property
    def percent(self) -> str:
        """The share as percent text."""
        return percent_text(self.fraction)

    def to_json(self) -> dict[str, str]:
        """The share as ``--json`` prints it: fraction and percent text."""
        return {"fraction": self.text, "percent": self.percent}

    @classmethod
    def from_json(cls, data: Any, *, area: bool) -> Ratio:
        """The ratio ``to_json`` wrote: areas read back as Decimal m², owners as ints."""
        counted, _, of = str(data["fraction"]).partition("/")
        if area:
            return cls(Decimal(counted), Decimal(of))
        return cls(int(counted), int(of))


@attrs.frozen
class Measures:
    """Art. 278's two measures side by side: exclusive area (m²) and owners by head."""

    area: Ratio
    owners: Ratio

    def to_json(self) -> dict[str, dict[str, str]]:
        """Both measures as ``--json`` prints them."""
        return {"area": self.area.to_json(), "owners": self.owners.to_json()}

    @classmethod
    def from_json(cls, data: Any) -> Measures:
        """Read back what ``to_json`` wrote."""
        return cls(Ratio.from_json(data["area"], area=True),
                   Ratio.from_json(data["owners"], area=False))


@attrs.frozen
class Tally:
    """The count of one proposal's ballots against its roll.

    ``participation`` is of the whole roll; ``yes`` is of the participants (abstentions take
    part but are not yes). ``affected`` lists the owners whose units the works touch;
    ``withheld`` those of them who did not vote yes. ``reason`` is one sentence saying why the
    resolution passed or failed.
    """

    resolution: str
    matter: Matter
    scope: Scope
    participation: Measures
    yes: Measures
    no_owners: int
    abstaining_owners: int
    affected: tuple[str, ...]
    withheld: tuple[str, ...]
    participates: bool
    passes: bool
    reason: str

    @property
    def absent_owners(self) -> int:
        """How many owners on the roll did not take part."""
        owners = self.participation.owners
        return int(owners.of) - int(owners.counted)

    def to_json(self) -> dict[str, object]:
        """The tally report as ``--json`` prints it: scope, thresholds, counts and consent."""
        return {
            "resolution": self.resolution,
            "matter": self.matter.value,
            "matter_label": self.matter.label_zh,
            "scope": {"kind": self.scope.kind.value, "id": self.scope.id},
            "participates": self.participates,
            "passes": self.passes,
            "participation": self.participation.to_json(),
            "yes": self.yes.to_json(),
            "thresholds": {"participation": _TAKE_PART.threshold_text,
                           "yes": self.matter.rule.threshold_text},
            "ballots": {"yes": self.yes.owners.counted, "no": self.no_owners,
                        "abstain": self.abstaining_owners, "absent": self.absent_owners},
            "consent": {"affected": list(self.affected), "withheld": list(self.withheld)},
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Any) -> Tally:
        """The tally ``to_json`` wrote, rebuilt equal to the one counted (a stored tally is
        read back this way, so a later change to the roll cannot rewrite a closed vote)."""
        scope = data["scope"]
        return cls(data["resolution"], Matter.parse(data["matter"]),
                   Scope(scope["kind"], scope["id"]), Measures.from_json(data["participation"]),
                   Measures.from_json(data["yes"]), int(data["ballots"]["no"]),
                   int(data["ballots"]["abstain"]), tuple(data["consent"]["affected"]),
                   tuple(data["consent"]["withheld"]), bool(data["participates"]),
                   bool(data["passes"]), data["reason"])


def check_roll(proposal: Proposal, roll: Roll) -> None:
    """Refuse a roll of another scope than the proposal's."""
    if roll.scope != proposal.scope:
        raise InvalidInput(f"the roll of {roll.scope} cannot decide proposal {proposal.id}, "
                           f"which is decided in {proposal.scope}",
                           fix=f"tally it with the roll of {proposal.scope}")


def affected_owners(proposal: Proposal, roll: Roll) -> tuple[str, ...]:
    """The owners of the units the proposal's works touch; each unit must be on the roll."""
    return tuple(sorted({roll.unit(unit_id).owner for unit_id in proposal.affected}))


def tally(proposal: Proposal, roll: Roll, ballots: Iterable[Ballot]) -> Tally:
    """Count ``ballots`` on ``proposal`` against ``roll`` (the units of the proposal's scope).

    Refuses a roll of another scope, affected units not on it, ballots from owners not on it
    and a second ballot from one owner. The result does not depend on the ballots' order.
    """
    check_roll(proposal, roll)
    choices = admit(proposal.id, roll, ballots)
    voters = sorted(choices)
    yes_voters = [o for o in voters if choices[o] is Choice.YES]
    voting_area = sum((roll.area_of(o) for o in voters), Decimal(0))
    yes_area = sum((roll.area_of(o) for o in yes_voters), Decimal(0))
    participation = Measures(Ratio(voting_area, roll.total_area_m2),
                             Ratio(len(voters), roll.headcount))
    yes = Measures(Ratio(yes_area, voting_area), Ratio(len(yes_voters), len(voters)))
    affected = affected_owners(proposal, roll)
    withheld = tuple(o for o in affected if choices.get(o) is not Choice.YES)
    short = _shortfalls(participation, _TAKE_PART, of_participants=False)
    participates = not short
    if voters:
        short += _shortfalls(yes, proposal.matter.rule, of_participants=True)
    short += [_withheld_text(proposal, roll, owner, choices.get(owner)) for owner in withheld]
    passes = not short
    reason = (_pass_text(participation, yes, proposal.matter.rule, affected) if passes
              else "fails: " + "; ".join(short))
    return Tally(proposal.id, proposal.matter, proposal.scope, participation, yes,
                 sum(1 for c in choices.values() if c is Choice.NO),
                 sum(1 for c in choices.values() if c is Choice.ABSTAIN),
                 affected, withheld, participates, passes, reason)


def _least(rule: Rule, whole: int) -> int:
    """The least whole count out of ``whole`` that meets ``rule``."""
    exact = rule.threshold * whole
    return math.ceil(exact) if rule.at_least else math.floor(exact) + 1


def _shortfalls(measures: Measures, rule: Rule, *, of_participants: bool) -> list[str]:
    """What each measure lacks to meet ``rule``, in words; empty when both meet it."""
    found = []
    for name, ratio, scale in (("area", measures.area, 100), ("owners", measures.owners, 1)):
        # Whole units (hundredths of m², owners) make "how much more" an exact count.
        counted, whole = int(ratio.counted * scale), int(ratio.of * scale)
        lacking = _least(rule, whole) - counted
        if lacking <= 0:
            continue
        if not of_participants:
            more = (f"{Decimal(lacking).scaleb(-2)} m² more" if scale == 100
                    else f"{lacking} more owner{'s' if lacking > 1 else ''}")
            head = f"participation by {name} is {_shown(ratio, name)}, below {rule.threshold}"
            found.append(f"{head}: {more} must take part")
        else:
            more = (f"{Decimal(lacking).scaleb(-2)} m² more of the participating area"
                    if scale == 100 else f"{lacking} more of the participating owners")
            below = "below" if rule.at_least else "not more than"
            head = f"yes by {name} is {_shown(ratio, name)} of the participants, {below} " \
                   f"{rule.threshold}"
            found.append(f"{head}: {more} must vote yes")
    return found


def _shown(ratio: Ratio, name: str) -> str:
    unit = " m²" if name == "area" else " owners"
    return f"{ratio.text}{unit} ({ratio.percent}%)"


def _withheld_text(proposal: Proposal, roll: Roll, owner: str, choice: Choice | None) -> str:
    units = [u for u in sorted(proposal.affected) if roll.unit(u).owner == owner]
    how = {None: "did not vote", Choice.NO: "voted no", Choice.ABSTAIN: "abstained"}[choice]
    return (f"{owner}, whose unit{'s' if len(units) > 1 else ''} {', '.join(units)} the works "
            f"touch, has not consented ({how})")


def _pass_text(participation: Measures, yes: Measures, rule: Rule,
               affected: Sequence[str]) -> str:
    text = (f"passes: {_shown(participation.owners, 'owners')} holding "
            f"{_shown(participation.area, 'area')} took part, at least {PARTICIPATION} of both; "
            f"yes is {_shown(yes.owners, 'owners')} and {_shown(yes.area, 'area')} of the "
            f"participants, {rule.threshold_text} of both")
    if affected:
        text += f"; every owner whose unit the works touch consented ({', '.join(affected)})"
    return text
