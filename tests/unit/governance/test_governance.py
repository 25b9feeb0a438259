"""Owners' resolutions (art. 278): matters, rolls, tallies on every boundary, the laws a tally
obeys, the six-step deliberation, and committee elections with alternates and ties."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from strategies import ballots_of, candidate_votes, rolls, votes_on

from commons import Household, InvalidInput, NotFound, RefusedByRule
from commons.errors import ErrorCode
from commons.governance import (
    Ballot,
    Choice,
    Matter,
    Proposal,
    Ratio,
    Roll,
    Scope,
    State,
    Tally,
    advance,
    cast,
    elect,
    resolve,
    tally,
)

BUILDING = Scope.building("B1")


def roll_of(*units: tuple[str, str]) -> Roll:
    """A building roll from (area, owner) pairs; unit ids B1-01, B1-02, ..."""
    return Roll(BUILDING, [Household(f"B1-{n:02d}", "B1", n // 2 + 1, Decimal(area), owner)
                           for n, (area, owner) in enumerate(units, 1)])


def count(matter: Matter | str, roll: Roll, votes: Mapping[str, str], *,
          affected: tuple[str, ...] = ()) -> Tally:
    proposal = Proposal("P1", matter, roll.scope, affected=affected)
    return tally(proposal, roll, [Ballot(owner, choice) for owner, choice in votes.items()])


SIX_EQUAL = roll_of(*[("10.00", owner) for owner in "ABCDEF"])


# --- matters ---------------------------------------------------------------------------------


def test_items_6_to_8_need_at_least_three_quarters_and_the_rest_more_than_half() -> None:
    special = {m for m in Matter if m.special}
    assert special == {Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE,
                       Matter.ELEVATOR_RETROFIT}
    for matter in Matter:
        if matter in special:
            assert (matter.threshold, matter.at_least) == (Fraction(3, 4), True)
            assert matter.rule.threshold_text == "at least 3/4"
        else:
            assert (matter.threshold, matter.at_least) == (Fraction(1, 2), False)
            assert matter.rule.threshold_text == "more than 1/2"
        assert re.search(r"[\u4e00-\u9fff]", matter.label_zh)
        assert Matter.parse(f" {matter.value} ") is matter
    assert [m for m in Matter if m.building_only] == [Matter.ELEVATOR_RETROFIT]
    assert Matter.ELEVATOR_RETROFIT.label_zh == "既有住宅加装电梯"


def test_an_unknown_matter_names_the_known_ones() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT) as caught:
        Matter.parse("paint-the-gate")
    assert caught.value.fix is not None and "elevator-retrofit" in caught.value.fix


# --- rolls -----------------------------------------------------------------------------------


def test_an_owner_of_several_units_counts_once_with_their_areas_summed() -> None:
    roll = roll_of(("56.37", "王建国"), ("71.20", "李秀英"), ("56.37", "王建国"))
    assert roll.headcount == 2
    assert roll.owners == ("李秀英", "王建国")
    assert roll.area_of("王建国") == Decimal("112.74")
    assert roll.total_area_m2 == Decimal("183.94")
    assert [u.id for u in roll.units_of("王建国")] == ["B1-01", "B1-03"]
    assert "王建国" in roll and "张伟" not in roll


def test_a_building_roll_is_picked_out_of_its_compound_and_refuses_other_buildings() -> None:
    mine = Household("B1-01", "B1", 1, Decimal("50.00"), "A")
    theirs = Household("B2-01", "B2", 1, Decimal("60.00"), "B")
    assert Roll.of(BUILDING, [theirs, mine]).units == (mine,)
    assert Roll.of(Scope.compound("WJXC"), [theirs, mine]).headcount == 2
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Roll(BUILDING, [mine, theirs])
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Roll.of(BUILDING, [theirs])


def test_rolls_are_equal_whatever_order_their_units_came_in() -> None:
    units = list(SIX_EQUAL.units)
    assert Roll(BUILDING, reversed(units)) == SIX_EQUAL


@pytest.mark.parametrize(("units", "message"), [
    ([Household("B1-01", "B1", 1, Decimal("50"), "A")] * 2, "on the roll of building B1 twice"),
    ([Household("B1-01", "B1", 1, Decimal("50"), " ")], "has no owner"),
])
def test_a_roll_refuses_impossible_units(units: list[Household], message: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Roll(BUILDING, units)


def test_looking_up_what_is_not_on_the_roll_is_not_found() -> None:
    with raises(NotFound, ErrorCode.NOT_FOUND):
        SIX_EQUAL.area_of("Z")
    with raises(NotFound, ErrorCode.NOT_FOUND):
        SIX_EQUAL.unit("B1-99")


@pytest.mark.parametrize(("text", "scope"), [
    ("compound:WJXC", Scope.compound("WJXC")), (" building:LS-3 ", Scope.building("LS-3")),
])
def test_scopes_parse(text: str, scope: Scope) -> None:
    assert Scope.parse(text) == scope


@pytest.mark.parametrize("text", ["street:X", "building:", "LS-3"])
def test_malformed_scopes_are_refused(text: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Scope.parse(text)


# --- tallies on every boundary ---------------------------------------------------------------

Y, N, A = "yes", "no", "abstain"

BOUNDARIES = [
    # (case, matter, roll, votes, participates, passes, a phrase the reason must hold)
    ("exactly 2/3 on both measures takes part", Matter.COVENANT, SIX_EQUAL,
     {"A": Y, "B": Y, "C": Y, "D": Y}, True, True, "at least 2/3 of both"),
    ("half on both measures does not take part", Matter.COVENANT, SIX_EQUAL,
     {"A": Y, "B": Y, "C": Y}, False, False, "participation by area is 30/60 m² (50.00%)"),
    ("just below 2/3 on area only", Matter.COVENANT,
     roll_of(("10.00", "A"), ("10.00", "B"), ("10.00", "C"), ("9.99", "D"), ("10.00", "E"),
             ("10.01", "F")),
     {"A": Y, "B": Y, "C": Y, "D": Y}, False, False,
     "participation by area is 39.99/60 m² (66.65%), below 2/3: 0.01 m² more must take part"),
    ("just below 2/3 on heads only", Matter.COVENANT,
     roll_of(*[("20.00", o) for o in "ABCDE"], *[("5.00", o) for o in "FGHI"]),
     dict.fromkeys("ABCDE", Y), False, False,
     "participation by owners is 5/9 owners (55.56%), below 2/3: 1 more owner must take part"),
    ("exactly 1/2 yes on both fails a majority matter", Matter.HIRE_FIRM, SIX_EQUAL,
     {"A": Y, "B": Y, "C": N, "D": N}, True, False,
     "yes by owners is 2/4 owners (50.00%) of the participants, not more than 1/2: 1 more"),
    ("exactly 1/2 yes by heads fails even with the area", Matter.HIRE_FIRM,
     roll_of(("30.00", "A"), ("10.00", "B"), ("10.00", "C"), ("10.00", "D")),
     {"A": Y, "B": Y, "C": N, "D": N}, True, False, "yes by owners is 2/4"),
    ("exactly 1/2 yes by area fails even with the heads", Matter.HIRE_FIRM,
     roll_of(("10.00", "A"), ("10.00", "B"), ("10.00", "C"), ("30.00", "D")),
     {"A": Y, "B": Y, "C": Y, "D": N}, True, False,
     "yes by area is 30/60 m² (50.00%) of the participants, not more than 1/2: 0.01 m² more"),
    ("0.01 m² over half passes a majority matter", Matter.HIRE_FIRM,
     roll_of(("10.01", "A"), ("10.00", "B"), ("10.00", "C"), ("15.00", "D"), ("14.99", "E")),
     {"A": Y, "B": Y, "C": Y, "D": N, "E": N}, True, True, "more than 1/2 of both"),
    ("abstentions take part but are not yes", Matter.HIRE_FIRM, SIX_EQUAL,
     {"A": Y, "B": Y, "C": A, "D": A}, True, False, "yes by area is 20/40 m²"),
    ("exactly 3/4 passes a special matter", Matter.REBUILD,
     roll_of(*[("10.00", o) for o in "ABCD"]),
     {"A": Y, "B": Y, "C": Y, "D": N}, True, True, "at least 3/4 of both"),
    ("0.01 m² under 3/4 fails a special matter", Matter.RAISE_MAINTENANCE_FUND,
     roll_of(("10.00", "A"), ("10.00", "B"), ("9.99", "C"), ("10.01", "D")),
     {"A": Y, "B": Y, "C": Y, "D": N}, True, False,
     "yes by area is 29.99/40 m² (74.98%) of the participants, below 3/4: 0.01 m² more"),
    ("2/3 yes is a majority but not a special one", Matter.CHANGE_COMMON_USE, SIX_EQUAL,
     {o: (Y if o in "ABCD" else N) for o in "ABCDEF"}, True, False,
     "yes by owners is 4/6 owners (66.67%) of the participants, below 3/4: 1 more of the "
     "participating owners must vote yes"),
    ("the same votes pass a majority matter", Matter.USE_PUBLIC_REVENUE, SIX_EQUAL,
     {o: (Y if o in "ABCD" else N) for o in "ABCDEF"}, True, True, "passes: "),
    ("one owner of three units counts once", Matter.COVENANT,
     roll_of(("10.00", "A"), ("10.00", "A"), ("10.00", "A"), ("10.00", "B")),
     {"A": Y}, False, False, "participation by owners is 1/2 owners (50.00%)"),
    ("nobody voting is a failed vote, not an error", Matter.OTHER, SIX_EQUAL, {}, False, False,
     "participation by area is 0/60 m² (0.00%), below 2/3: 40.00 m² more must take part"),
]


@pytest.mark.parametrize(("matter", "roll", "votes", "participates", "passes", "phrase"),
                         [case[1:] for case in BOUNDARIES], ids=[case[0] for case in BOUNDARIES])
def test_thresholds_on_their_boundaries(matter: Matter, roll: Roll, votes: dict[str, str],
                                        participates: bool, passes: bool, phrase: str) -> None:
    result = count(matter, roll, votes)
    assert (result.participates, result.passes) == (participates, passes)
    assert result.reason.startswith("passes: " if passes else "fails: ")
    assert phrase in result.reason


def test_a_measure_that_is_met_is_not_named_as_falling_short() -> None:
    result = count(Matter.COVENANT, BOUNDARIES[2][2], {"A": Y, "B": Y, "C": Y, "D": Y})
    assert "participation by owners" not in result.reason
    assert result.participation.owners.text == "4/6"


ELEVATOR = roll_of(*[("56.37", o) for o in "ABC"], *[("71.20", o) for o in "DEF"])


@pytest.mark.parametrize(("choice", "how"), [
    (N, "voted no"), (A, "abstained"), (None, "did not vote"),
])
def test_an_elevator_fails_while_one_owner_it_touches_has_not_consented(
        choice: str | None, how: str) -> None:
    """Seed 004's "one objects, all stall": everybody else says yes, the flat the shaft passes
    does not; the tally names that owner instead of stalling."""
    votes = dict.fromkeys("BCDEF", Y) | ({} if choice is None else {"A": choice})
    result = count(Matter.ELEVATOR_RETROFIT, ELEVATOR, votes, affected=("B1-01",))
    assert result.participates
    assert not result.passes
    assert result.withheld == ("A",) and result.affected == ("A",)
    assert result.reason == f"fails: A, whose unit B1-01 the works touch, has not consented ({how})"
    if choice is None:
        assert result.yes.owners.text == "5/5" and result.yes.area.percent == "100.00"


def test_an_elevator_passes_once_every_owner_it_touches_consents() -> None:
    votes = dict.fromkeys("ABCDE", Y) | {"F": N}
    result = count(Matter.ELEVATOR_RETROFIT, ELEVATOR, votes, affected=("B1-01", "B1-02"))
    assert result.passes
    assert result.reason.endswith("every owner whose unit the works touch consented (A, B)")


def test_an_elevator_is_decided_within_its_building_only() -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        Proposal("P1", Matter.ELEVATOR_RETROFIT, Scope.compound("WJXC"))


def test_affected_units_must_be_on_the_roll() -> None:
    with raises(NotFound, ErrorCode.NOT_FOUND):
        count(Matter.ELEVATOR_RETROFIT, ELEVATOR, {"A": Y}, affected=("B1-99",))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Proposal("P1", Matter.ELEVATOR_RETROFIT, BUILDING, affected=("B1-01", "B1-01"))


def test_ballots_from_strangers_twice_or_on_another_scope_are_refused() -> None:
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED) as caught:
        count(Matter.OTHER, SIX_EQUAL, {"Z": Y})
    assert caught.value.field == "owner"
    proposal = Proposal("P1", Matter.OTHER, BUILDING)
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        tally(proposal, SIX_EQUAL, [Ballot("A", Choice.YES), Ballot("A", Choice.NO)])
    elsewhere = Proposal("P2", Matter.OTHER, Scope.building("B2"))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        tally(elsewhere, SIX_EQUAL, [])


def test_the_report_has_design_md_shape_with_unreduced_fractions() -> None:
    roll = roll_of(("56.37", "A"), ("71.20", "B"), ("56.37", "C"), ("71.20", "D"),
                   ("56.37", "E"), ("71.20", "A"))
    votes = {"A": Y, "B": N, "C": Y, "D": A}
    report = count(Matter.ELEVATOR_RETROFIT, roll, votes, affected=("B1-01",)).to_json()
    assert report == {
        "resolution": "P1",
        "matter": "elevator-retrofit",
        "matter_label": "既有住宅加装电梯",
        "scope": {"kind": "building", "id": "B1"},
        "participates": True,
        "passes": False,
        "participation": {"area": {"fraction": "326.34/382.71", "percent": "85.27"},
                          "owners": {"fraction": "4/5", "percent": "80.00"}},
        "yes": {"area": {"fraction": "183.94/326.34", "percent": "56.36"},
                "owners": {"fraction": "2/4", "percent": "50.00"}},
        "thresholds": {"participation": "at least 2/3", "yes": "at least 3/4"},
        "ballots": {"yes": 2, "no": 1, "abstain": 1, "absent": 1},
        "consent": {"affected": ["A"], "withheld": []},
        "reason": report["reason"],
    }
    assert str(report["reason"]).startswith("fails: yes by area is 183.94/326.34 m² (56.36%)")


@pytest.mark.parametrize(("ratio", "text", "percent"), [
    (Ratio(8, 12), "8/12", "66.67"), (Ratio(Decimal("0.00"), Decimal("60.00")), "0/60", "0.00"),
    (Ratio(Decimal("120.50"), Decimal("241.00")), "120.5/241", "50.00"),
    (Ratio(0, 0), "0/0", "0.00"),
    (Ratio(1, 3), "1/3", "33.33"), (Ratio(1, 200), "1/200", "0.50"), (Ratio(5, 5), "5/5", "100.00"),
])
def test_ratios_read_as_counted(ratio: Ratio, text: str, percent: str) -> None:
    assert (ratio.text, ratio.percent) == (text, percent)


@pytest.mark.parametrize(("counted", "of"), [(3, 2), (-1, 2), (1.5, 2), (True, 2)])
def test_impossible_ratios_are_refused(counted: object, of: object) -> None:
    with pytest.raises(InvalidInput):
        Ratio(counted, of)  # type: ignore[arg-type]


# --- the laws every tally obeys --------------------------------------------------------------

matters = st.sampled_from(list(Matter))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Proposal, Roll, dict[str, Choice | None]]:
    roll = draw(rolls())
    units = [u.id for u in roll.units]
    affected = draw(st.lists(st.sampled_from(units), unique=True, max_size=3) | st.just([]))
    proposal = Proposal("P1", draw(matters), roll.scope, affected=affected)
    return proposal, roll, draw(votes_on(roll))


def oracle(proposal: Proposal, roll: Roll, votes: dict[str, Choice | None]) -> tuple[bool, bool]:
    """Art. 278 straight from the units, in fractions: (takes part, passes)."""
    area = {o: sum(Fraction(u.area_m2) for u in roll.units if u.owner == o) for o in votes}
    voters = [o for o, c in votes.items() if c is not None]
    yes = [o for o, c in votes.items() if c is Choice.YES]
    whole = sum(area.values())
    takes_part = (sum(area[o] for o in voters) / whole >= Fraction(2, 3)
                  and Fraction(len(voters), len(votes)) >= Fraction(2, 3))
    if not takes_part:
        return False, False
    shares = [sum(area[o] for o in yes) / sum(area[o] for o in voters),
              Fraction(len(yes), len(voters))]
    met = all(s >= Fraction(3, 4) if proposal.matter.special else s > Fraction(1, 2)
              for s in shares)
    touched = {u.owner for u in roll.units if u.id in proposal.affected}
    return True, met and all(votes[o] is Choice.YES for o in touched)


@given(cases())
def test_a_tally_agrees_with_art_278_counted_by_hand(
        case: tuple[Proposal, Roll, dict[str, Choice | None]]) -> None:
    proposal, roll, votes = case
    result = tally(proposal, roll, ballots_of(votes))
    assert (result.participates, result.passes) == oracle(proposal, roll, votes)


@given(cases())
def test_a_tally_never_passes_below_two_thirds_on_either_measure(
        case: tuple[Proposal, Roll, dict[str, Choice | None]]) -> None:
    proposal, roll, votes = case
    result = tally(proposal, roll, ballots_of(votes))
    if min(result.participation.area.fraction, result.participation.owners.fraction) < \
            Fraction(2, 3):
        assert not result.participates and not result.passes
        assert "participation by" in result.reason


@given(cases(), st.data())
def test_one_more_yes_never_turns_a_pass_into_a_fail(
        case: tuple[Proposal, Roll, dict[str, Choice | None]], data: st.DataObject) -> None:
    proposal, roll, votes = case
    owner = data.draw(st.sampled_from(roll.owners))
    before = tally(proposal, roll, ballots_of(votes))
    after = tally(proposal, roll, ballots_of(votes | {owner: Choice.YES}))
    assert not before.passes or after.passes
    assert not before.participates or after.participates


@given(cases(), st.data())
def test_a_tally_does_not_depend_on_the_order_of_the_ballots(
        case: tuple[Proposal, Roll, dict[str, Choice | None]], data: st.DataObject) -> None:
    proposal, roll, votes = case
    ballots = ballots_of(votes)
    shuffled = data.draw(st.permutations(ballots))
    assert tally(proposal, roll, shuffled) == tally(proposal, roll, ballots)


def _read(text: str) -> Fraction:
    counted, of = text.split("/")
    return Fraction(Decimal(counted)) / Fraction(Decimal(of)) if Decimal(of) else Fraction(0)


@given(cases())
def test_shares_are_fractions_in_0_1_their_text_and_percent_agree(
        case: tuple[Proposal, Roll, dict[str, Choice | None]]) -> None:
    proposal, roll, votes = case
    result = tally(proposal, roll, ballots_of(votes))
    for ratio in (result.participation.area, result.participation.owners, result.yes.area,
                  result.yes.owners):
        assert 0 <= ratio.fraction <= 1
        assert _read(ratio.text) == ratio.fraction
        assert re.fullmatch(r"(100|[1-9]?\d)\.\d\d", ratio.percent)
        assert abs(Fraction(Decimal(ratio.percent)) - 100 * ratio.fraction) <= Fraction(1, 200)
    # Unreduced: participation is counted of the whole roll, yes of the participants.
    assert result.participation.area.of == roll.total_area_m2
    assert result.participation.owners.of == roll.headcount
    assert result.yes.area.of == result.participation.area.counted
    assert result.yes.owners.of == result.participation.owners.counted


# --- the six-step deliberation ---------------------------------------------------------------


def drafted(matter: Matter = Matter.COVENANT, **kwargs: object) -> Proposal:
    proposal = Proposal("P1", matter, BUILDING, **kwargs)  # type: ignore[arg-type]
    for step in (State.DISCUSSED, State.CONSULTED, State.DRAFTED):
        proposal = advance(proposal, step)
    return proposal


def test_a_proposal_walks_the_six_steps_and_records_its_tally() -> None:
    proposal = Proposal("P1", Matter.COVENANT, BUILDING, title="停车管理纳入小区公约")
    assert proposal.state is State.PROPOSED and proposal.passed is None
    proposal = drafted(title="停车管理纳入小区公约")
    voted = cast(proposal, SIX_EQUAL, Ballot("A", Choice.YES))
    assert proposal.state is State.DRAFTED and not proposal.ballots  # values, not mutation
    assert voted.state is State.VOTED
    for owner in "BCD":
        voted = cast(voted, SIX_EQUAL, Ballot(owner, Choice.YES))
    resolved = resolve(voted, SIX_EQUAL)
    assert resolved.state is State.RESOLVED and resolved.passed is True
    assert resolved.tally == tally(voted, SIX_EQUAL, voted.ballots)
    assert [s.label_zh for s in State] == ["提出议题", "广开言路", "民主协商", "拟定方案",
                                           "居民表决", "形成决议"]


@pytest.mark.parametrize("start", list(State)[:-1])
@pytest.mark.parametrize("to", list(State))
def test_only_the_next_step_may_be_taken_and_resolving_needs_the_roll(start: State,
                                                                        to: State) -> None:
    tallied = tally(Proposal("P0", Matter.COVENANT, BUILDING), SIX_EQUAL, [])
    proposal = Proposal("P1", Matter.COVENANT, BUILDING, state=start,
                        tally=tallied if start is State.RESOLVED else None)
    if to is start.next and to is not State.RESOLVED:
        assert advance(proposal, to.value).state is to
        return
    with raises(RefusedByRule, ErrorCode.REFUSED) \
            as caught:
        advance(proposal, to)
    step = start.next
    assert step is not None and caught.value.fix is not None
    assert ("resolve it" if step is State.RESOLVED else f"advance it to {step.value}") \
        in caught.value.fix


def test_nothing_moves_after_the_resolution() -> None:
    resolved = resolve(advance(drafted(), State.VOTED), SIX_EQUAL)
    assert resolved.passed is False  # nobody came
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        advance(resolved, State.RESOLVED)
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        cast(resolved, SIX_EQUAL, Ballot("A", Choice.YES))
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        resolve(resolved, SIX_EQUAL)


@pytest.mark.parametrize("state", [State.PROPOSED, State.DISCUSSED, State.CONSULTED])
def test_voting_before_a_draft_exists_is_refused(state: State) -> None:
    proposal = Proposal("P1", Matter.COVENANT, BUILDING, state=state)
    with raises(RefusedByRule, ErrorCode.REFUSED) as caught:
        cast(proposal, SIX_EQUAL, Ballot("A", Choice.YES))
    assert state.next is not None and caught.value.fix is not None
    assert f"advance it to {state.next.value}" in caught.value.fix


def test_resolving_before_the_vote_opens_is_refused() -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        resolve(drafted(), SIX_EQUAL)
    with raises(RefusedByRule, ErrorCode.REFUSED):
        resolve(Proposal("P1", Matter.COVENANT, BUILDING), SIX_EQUAL)


def test_a_second_ballot_from_one_owner_is_refused_naming_owner_and_proposal() -> None:
    voted = cast(drafted(), SIX_EQUAL, Ballot("A", Choice.NO))
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        cast(voted, SIX_EQUAL, Ballot("A", Choice.YES))
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        cast(voted, SIX_EQUAL, Ballot("Z", Choice.YES))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        cast(voted, Roll.of(Scope.building("B2"), [Household("B2-1", "B2", 1, Decimal(9), "A")]),
             Ballot("B", Choice.YES))


def test_an_affected_unit_off_the_roll_is_refused_at_the_first_ballot() -> None:
    proposal = drafted(Matter.ELEVATOR_RETROFIT, affected=("B1-99",))
    with raises(NotFound, ErrorCode.NOT_FOUND):
        cast(proposal, SIX_EQUAL, Ballot("A", Choice.YES))


def test_a_proposal_value_keeps_its_own_invariants() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Proposal("P1", Matter.OTHER, BUILDING, state=State.DRAFTED,
                 ballots=(Ballot("A", Choice.YES),))
    with raises(RefusedByRule, ErrorCode.REFUSED):
        Proposal("P1", Matter.OTHER, BUILDING, state=State.VOTED,
                 ballots=(Ballot("A", Choice.YES), Ballot("A", Choice.NO)))
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Proposal("P1", Matter.OTHER, BUILDING, state=State.RESOLVED)
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Proposal(" P1", Matter.OTHER, BUILDING)
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Choice.parse("maybe")
    assert Choice.parse(" YES ") is Choice.YES
    assert State.parse("drafted") is State.DRAFTED


# --- committee elections ---------------------------------------------------------------------


def test_seven_for_five_seats_the_top_five_and_keeps_two_alternates_in_order() -> None:
    result = elect({"甲": 41, "乙": 38, "丙": 52, "丁": 30, "戊": 45, "己": 12, "庚": 29}, 5)
    assert [s.candidate for s in result.elected] == ["丙", "戊", "甲", "乙", "丁"]
    assert [(s.candidate, s.rank) for s in result.alternates] == [("庚", 6), ("己", 7)]
    assert result.decided and result.tie is None


def test_a_tie_at_the_cut_off_is_reported_not_guessed() -> None:
    result = elect([("甲", 10), ("乙", 9), ("丙", 8), ("丁", 7), ("戊", 6), ("己", 6),
                    ("庚", 3)], 5)
    assert not result.decided
    assert [s.candidate for s in result.elected] == ["甲", "乙", "丙", "丁"]
    assert result.tie is not None
    assert (result.tie.candidates, result.tie.votes, result.tie.seats_left) == (("己", "戊"), 6, 1)
    assert [s.candidate for s in result.alternates] == ["庚"]
    assert result.to_json()["tie"] == {"candidates": ["己", "戊"], "votes": 6, "seats_left": 1}


def test_ties_above_or_below_the_cut_off_share_a_rank_and_decide_nothing() -> None:
    result = elect({"甲": 10, "乙": 10, "丙": 8, "丁": 5, "戊": 5}, 2)
    assert result.decided
    assert [(s.candidate, s.rank) for s in result.elected] == [("乙", 1), ("甲", 1)]
    assert [(s.candidate, s.rank) for s in result.alternates] == [("丙", 3), ("丁", 4),
                                                                  ("戊", 4)]


def test_three_tied_for_two_seats_seat_nobody_of_them() -> None:
    result = elect({"甲": 4, "乙": 4, "丙": 4, "丁": 1}, 2)
    assert result.elected == () and result.tie is not None
    assert (result.tie.candidates, result.tie.seats_left) == (("丙", "乙", "甲"), 2)


def test_fewer_candidates_than_seats_are_all_elected() -> None:
    result = elect({"甲": 0, "乙": 3}, 5)
    assert [s.candidate for s in result.elected] == ["乙", "甲"] and result.alternates == ()


@pytest.mark.parametrize(("votes", "seats", "message"), [
    ({"甲": 1}, 0, "for 0 seats"),
    ({"甲": -1}, 1, "has -1 votes"),
    ({"甲": True}, 1, "has True votes"),
    ([("甲", 1), ("甲", 2)], 1, "listed twice"),
    ({}, 1, "needs candidates"),
    ({" ": 1}, 1, "has no name"),
])
def test_impossible_elections_are_refused(votes: object, seats: int, message: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        elect(votes, seats)  # type: ignore[arg-type]


@given(candidate_votes, st.integers(min_value=1, max_value=7), st.data())
def test_elections_are_deterministic_and_never_guess(votes: dict[str, int], seats: int,
                                                     data: st.DataObject) -> None:
    result = elect(votes, seats)
    shuffled = data.draw(st.permutations(list(votes.items())))
    assert elect(shuffled, seats) == result
    tied = result.tie.candidates if result.tie else ()
    placed = [s.candidate for s in result.elected] + list(tied) + \
        [s.candidate for s in result.alternates]
    assert sorted(placed) == sorted(votes)
    assert all(e.votes > a.votes for e in result.elected for a in result.alternates)
    if result.tie is None:
        assert len(result.elected) == min(seats, len(votes))
    else:
        assert 0 < result.tie.seats_left < len(tied)
        assert len(result.elected) + result.tie.seats_left == seats
        assert all(votes[c] == result.tie.votes for c in tied)
        assert all(e.votes > result.tie.votes > a.votes
                   for e in result.elected for a in result.alternates)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Scope("street", "X"), "scope kind 'street'"),
    (lambda: Proposal("P1", "paint-the-gate", BUILDING), "matter 'paint-the-gate'"),
    (lambda: Proposal("P1", "other", BUILDING, state="adjourned"), "state 'adjourned'"),
    (lambda: Ballot("A", "maybe"), "choice 'maybe'"),
    (lambda: Ballot("", "yes"), "ballot owner '' is empty"),
])
def test_values_built_from_text_refuse_unknown_words_clearly(make: object,
                                                               message: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        make()  # type: ignore[operator]
    assert Proposal("P1", "other", BUILDING, state="drafted").state is State.DRAFTED
