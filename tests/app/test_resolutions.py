"""Owners' resolutions stored and run through the api: proposals read back exactly, the six steps
with their history (append-only, refused by triggers), ballots one by one and from CSV (checked
whole, idempotent, conflicts), tallies standing and stored, and committee elections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteFile, raises
from hypothesis import given
from strategies import ballots_of, proposals, rolls, votes_on

import commons
from commons import ConflictError, InvalidInput, NotFound, Problems, RefusedByRule
from commons.app import Choice, Matter, Proposal, Scope, State, Tally
from commons.clock import FixedClock
from commons.errors import CommonsError, ErrorCode
from commons.estate.compound import Compound, Governance
from commons.governance import advance, tally
from commons.store import SqliteStore

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLOCK = FixedClock.parse("2026-06-01T12:00:00")

ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\nzy,梓园,梓园,entrusted,1990\n",
    "buildings": "id,compound,floors,elevator\nwjxc-1,wjxc,6,no\nwjxc-2,wjxc,6,no\nzy-1,zy,5,no\n",
    # wjxc-1: four owners, 王 holds two flats; wjxc-2: one flat of 李 and one of 周.
    "households": "id,building,floor,area_m2,owner\n"
                  "wjxc-1-101,wjxc-1,1,50.00,王\nwjxc-1-102,wjxc-1,1,50.00,李\n"
                  "wjxc-1-201,wjxc-1,2,50.00,张\nwjxc-1-202,wjxc-1,2,50.00,赵\n"
                  "wjxc-1-601,wjxc-1,6,50.00,王\nwjxc-2-101,wjxc-2,1,60.00,李\n"
                  "wjxc-2-102,wjxc-2,1,60.00,周\nzy-1-101,zy-1,1,80.00,孙\n",
}


@pytest.fixture
def api(tmp_path: Path, write_file: WriteFile) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "r.db", clock=CLOCK, actor="committee") as handle:
        handle.estate.import_files([(kind, write_file(f"{kind}.csv", text))
                                    for kind, text in ESTATE.items()])
        yield handle


def drafted(api: commons.Books, pid: str = "P1", **terms: Any) -> Proposal:
    terms = {"matter": "use-public-revenue", "scope": "compound:wjxc", **terms}
    proposal = api.resolutions.propose(pid, **terms)
    for step in ("discussed", "consulted", "drafted"):
        proposal = api.resolutions.advance(pid, step)
    return proposal


def snapshot(api: commons.Books) -> list[str]:
    return list(api.session.store.conn.iterdump())


# --- the store ---------------------------------------------------------------------------------

@given(proposals())
def test_a_stored_proposal_reads_back_equal_to_what_was_written(proposal: Proposal) -> None:
    store = SqliteStore.open(":memory:")
    with store.write() as t:
        t.estate.insert({"compounds": [Compound("C1", "c", "c", Governance.FIRM, 2000)]})
        t.governance.save(proposal, compound="C1", at=CLOCK.now(), actor="a")
    with store.read() as t:
        assert t.governance.proposal(proposal.id) == proposal
        record = t.governance.record(proposal.id)
        assert record is not None and record.compound == "C1"
        assert [(h.from_state, h.to_state) for h in record.history] == [(None, proposal.state)]
        assert t.governance.proposal(proposal.id + "x") is None
    store.close()


@given(rolls(), rolls(building="B1").flatmap(votes_on))
def test_a_tally_rebuilt_from_its_json_is_the_tally_counted(roll: Any, votes: Any) -> None:
    proposal = Proposal("P", Matter.RAISE_MAINTENANCE_FUND, roll.scope, state=State.VOTED)
    ballots = [b for b in ballots_of(votes) if b.owner in roll]
    counted = tally(proposal, roll, ballots)
    assert Tally.from_json(counted.to_json()) == counted
    assert Tally.from_json(counted.to_json()).to_json() == counted.to_json()


def test_the_store_refuses_to_lose_ballots_or_change_terms(api: commons.Books) -> None:
    drafted(api)
    voted = api.resolutions.vote("P1", owner="王", choice="yes")
    before = snapshot(api)
    with api.session.store.write() as t:
        with raises(ConflictError, ErrorCode.CONFLICT):
            t.governance.save(advance(drafted_copy(voted), "voted"), compound="wjxc",
                              at=CLOCK.now(), actor="x")
        with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
            t.governance.save(Proposal("P1", "rules", Scope.compound("wjxc")),
                              compound="wjxc", at=CLOCK.now(), actor="x")
    assert snapshot(api) == before


def drafted_copy(proposal: Proposal) -> Proposal:
    return Proposal(proposal.id, proposal.matter, proposal.scope, proposal.title,
                    proposal.affected, State.DRAFTED)


@pytest.mark.parametrize("sql", [
    "UPDATE proposal_history SET actor = 'someone else'",
    "DELETE FROM proposal_history",
    "UPDATE ballots SET choice = 'yes'",
    "DELETE FROM ballots",
    "UPDATE tallies SET passes = 1",
    "DELETE FROM tallies",
    "UPDATE proposal_affected SET unit = 'wjxc-1-102'",
    "DELETE FROM proposals",
    "UPDATE proposals SET matter = 'rules'",
    "UPDATE proposals SET state = 'voted'",  # a resolved proposal never moves again
])
@pytest.mark.sqlite_only
def test_history_ballots_and_tallies_are_append_only_behind_the_librarys_back(
        api: commons.Books, sql: str) -> None:
    drafted(api, affected=["wjxc-1-101"])
    api.resolutions.vote("P1", owner="王", choice="no")
    api.resolutions.resolve("P1")
    api.close()
    with closing(sqlite3.connect(api.path, isolation_level=None)) as conn, \
            pytest.raises(sqlite3.IntegrityError, match="commons: "):
        conn.execute(sql)


def test_one_ballot_per_owner_is_enforced_by_the_table_too(api: commons.Books) -> None:
    drafted(api)
    api.resolutions.vote("P1", owner="王", choice="yes")
    with pytest.raises(sqlite3.IntegrityError, match=r"(?i)unique"):  # SQLite's or the server's
        api.session.store.conn.execute("INSERT INTO ballots (proposal, owner, choice, cast_at, "
                                       "actor) VALUES ('P1', '王', 'no', 'x', 'x')")


# --- the six steps through the api ---------------------------------------------------------------

def test_a_whole_walk_records_every_step_with_time_and_actor(api: commons.Books) -> None:
    proposal = drafted(api, title="清洁补贴")
    assert proposal.state is State.DRAFTED
    for owner, choice in (("王", "yes"), ("李", "yes"), ("张", "yes"), ("赵", "no")):
        proposal = api.resolutions.vote("P1", owner=owner, choice=choice)
    standing = api.resolutions.tally("P1")
    resolved = api.resolutions.resolve("P1")
    assert resolved.passed is True and resolved.tally == standing
    record = api.resolutions.show("P1")
    assert record.proposal == resolved and record.actor == "committee"
    assert [(h.from_state, h.to_state) for h in record.history] == [
        (None, State.PROPOSED), (State.PROPOSED, State.DISCUSSED),
        (State.DISCUSSED, State.CONSULTED), (State.CONSULTED, State.DRAFTED),
        (State.DRAFTED, State.VOTED), (State.VOTED, State.RESOLVED)]
    assert all(h.at == CLOCK.now() and h.actor == "committee" for h in record.history)
    assert record.created_at == record.updated_at == CLOCK.now()


def test_the_tally_counts_the_roll_of_the_scope(api: commons.Books) -> None:
    drafted(api, "E1", matter="elevator-retrofit", scope="building:wjxc-1",
            affected=["wjxc-1-101"])
    for owner in ("王", "李", "张"):
        api.resolutions.vote("E1", owner=owner, choice="yes")
    counted = api.resolutions.tally("E1").to_json()
    # 王 holds two flats: four owners, 250 m² in the building; wjxc-2's flats do not count.
    assert counted["participation"] == {"area": {"fraction": "200/250", "percent": "80.00"},
                                        "owners": {"fraction": "3/4", "percent": "75.00"}}
    assert counted["passes"] is True


def test_a_resolved_tally_stays_as_counted_when_the_estate_grows(
        api: commons.Books, write_file: WriteFile) -> None:
    drafted(api)
    for owner in ("王", "李", "张", "赵"):
        api.resolutions.vote("P1", owner=owner, choice="yes")
    resolved = api.resolutions.resolve("P1")
    api.estate.import_file("households", write_file("more.csv", "id,building,floor,area_m2,owner\n"
                                                    "wjxc-1-301,wjxc-1,3,500.00,钱\n"))
    assert api.resolutions.tally("P1") == resolved.tally
    assert api.resolutions.show("P1").proposal.passed is True


@pytest.mark.parametrize(("step", "code"), [
    (lambda a: a.resolutions.advance("P1", "drafted"), ErrorCode.REFUSED),
    (lambda a: a.resolutions.advance("P1", "resolved"), ErrorCode.REFUSED),
    (lambda a: a.resolutions.vote("P1", owner="王", choice="yes"), ErrorCode.REFUSED),
    (lambda a: a.resolutions.resolve("P1"), ErrorCode.REFUSED),
    (lambda a: a.resolutions.advance("P1", "later"), ErrorCode.INVALID_INPUT),
])
def test_refused_steps_change_nothing(api: commons.Books, step: Any, code: ErrorCode) -> None:
    api.resolutions.propose("P1", matter="rules", scope="compound:wjxc")
    before = snapshot(api)
    with raises(CommonsError, code):
        step(api)
    assert snapshot(api) == before


@pytest.mark.parametrize(("terms", "error", "code"), [
    ({"scope": "compound:nowhere"}, NotFound, ErrorCode.NOT_FOUND),
    ({"scope": "building:nowhere"}, NotFound, ErrorCode.NOT_FOUND),
    ({"scope": "street:x"}, InvalidInput, ErrorCode.INVALID_INPUT),
    ({"affected": ["zy-1-101"]}, NotFound, ErrorCode.NOT_FOUND),
    ({"matter": "elevator-retrofit"}, RefusedByRule, ErrorCode.REFUSED),
    ({"matter": "party"}, InvalidInput, ErrorCode.INVALID_INPUT),
])
def test_a_refused_proposal_stores_nothing(api: commons.Books, terms: dict[str, Any],
                                           error: type[CommonsError], code: ErrorCode) -> None:
    before = snapshot(api)
    with raises(error, code):
        api.resolutions.propose("P1", **{"matter": "rules", "scope": "compound:wjxc", **terms})
    assert snapshot(api) == before
    assert api.resolutions.proposals() == ()


def test_a_vote_refused_for_an_owner_off_the_roll_or_a_closed_vote(api: commons.Books) -> None:
    drafted(api, scope="building:wjxc-2")
    with raises(RefusedByRule, ErrorCode.NOT_AUTHORISED):
        api.resolutions.vote("P1", owner="张", choice="yes")
    api.resolutions.vote("P1", owner="李", choice="yes")
    api.resolutions.resolve("P1")
    before = snapshot(api)
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        api.resolutions.vote("P1", owner="周", choice="yes")
    assert snapshot(api) == before


def test_the_same_proposal_or_ballot_again_is_a_no_op_and_another_a_conflict(
        api: commons.Books) -> None:
    drafted(api, title="t")
    api.resolutions.vote("P1", owner="王", choice="yes")
    before = snapshot(api)
    again = api.resolutions.propose("P1", matter="use-public-revenue", scope="compound:wjxc",
                                    title="t")
    assert again.state is State.VOTED
    assert api.resolutions.vote("P1", owner="王", choice="yes").ballots == again.ballots
    assert snapshot(api) == before
    with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.resolutions.vote("P1", owner="王", choice="no")
    with raises(ConflictError, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.resolutions.propose("P1", matter="rules", scope="compound:wjxc", title="t")
    assert snapshot(api) == before


def test_unknown_proposals_are_not_found(api: commons.Books) -> None:
    for call in (lambda: api.resolutions.show("nope"), lambda: api.resolutions.tally("nope"),
                 lambda: api.resolutions.advance("nope", "discussed"),
                 lambda: api.resolutions.vote("nope", owner="王", choice="yes")):
        with raises(NotFound, ErrorCode.NOT_FOUND):
            call()


def test_list_by_compound_includes_its_buildings(api: commons.Books) -> None:
    api.resolutions.propose("A", matter="rules", scope="compound:wjxc")
    api.resolutions.propose("B", matter="elevator-retrofit", scope="building:wjxc-2")
    api.resolutions.propose("C", matter="rules", scope="compound:zy")
    assert [r.proposal.id for r in api.resolutions.proposals()] == ["A", "B", "C"]
    assert [r.proposal.id for r in api.resolutions.proposals(compound="wjxc")] == ["A", "B"]
    with raises(NotFound, ErrorCode.NOT_FOUND):
        api.resolutions.proposals(compound="x")


# --- ballots from a file -------------------------------------------------------------------------

def test_ballots_import_casts_them_all_and_again_changes_nothing(
        api: commons.Books, write_file: WriteFile) -> None:
    drafted(api)
    path = write_file("b.csv", "owner,choice\n王,yes\n李, Yes \n\n张,abstain\n")
    first = api.resolutions.import_ballots("P1", path)
    assert (first.new, first.already_recorded) == (3, 0)
    assert first.proposal.state is State.VOTED
    assert [(b.owner, b.choice) for b in first.proposal.ballots] == [
        ("王", Choice.YES), ("李", Choice.YES), ("张", Choice.ABSTAIN)]
    before = snapshot(api)
    again = api.resolutions.import_ballots("P1", path)
    assert (again.new, again.already_recorded) == (0, 3)
    assert snapshot(api) == before
    more = api.resolutions.import_ballots("P1",
                                          write_file("c.csv", "owner,choice\n王,yes\n赵,no\n"))
    assert (more.new, more.already_recorded) == (1, 1)


def test_a_bad_ballots_file_names_each_line_and_field_and_stores_nothing(
        api: commons.Books, write_file: WriteFile) -> None:
    drafted(api)
    api.resolutions.vote("P1", owner="赵", choice="no")
    before = snapshot(api)
    path = write_file("b.csv", "owner,choice\n王,yes\n钱,yes\n李,maybe\n王,no\n赵,yes\n,yes\n")
    with pytest.raises(Problems) as caught:
        api.resolutions.import_ballots("P1", path)
    text = str(caught.value)
    for line, field in [(3, "owner"), (4, "choice"), (5, "owner"), (6, "choice"), (7, "owner")]:
        assert f"{path}:{line}: field '{field}'" in text
    assert caught.value.codes == (
        ErrorCode.NOT_FOUND, ErrorCode.INVALID_INPUT, ErrorCode.INVALID_INPUT,
        ErrorCode.ALREADY_RECORDED_DIFFERENTLY, ErrorCode.INVALID_INPUT)
    assert snapshot(api) == before


def test_a_ballots_file_needs_its_header_and_an_open_vote(
        api: commons.Books, write_file: WriteFile) -> None:
    api.resolutions.propose("P1", matter="rules", scope="compound:wjxc")
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE):
        api.resolutions.import_ballots("P1", write_file("h.csv", "owner,vote\n王,yes\n"))
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.resolutions.import_ballots("P1", write_file("b.csv", "owner,choice\n王,yes\n"))
    with raises(NotFound, ErrorCode.NOT_FOUND):
        api.resolutions.import_ballots("P1", "missing.csv")


# --- elections -----------------------------------------------------------------------------------

def test_elect_seven_for_five_from_a_file(api: commons.Books, write_file: WriteFile) -> None:
    path = write_file("v.csv", "candidate,votes\n甲,40\n乙,38\n丙,35\n丁,30\n戊,28\n己,20\n庚,12\n")
    election = api.resolutions.elect(path, 5)
    assert [s.candidate for s in election.elected] == ["甲", "乙", "丙", "丁", "戊"]
    assert [s.candidate for s in election.alternates] == ["己", "庚"]
    assert api.resolutions.elect({"a": 2, "b": 2}, 1).tie is not None


@pytest.mark.parametrize(("text", "where"), [
    ("candidate,votes\n甲,4\n乙,x\n", ":3: field 'votes': votes 'x' is not a whole number"),
    ("candidate,votes\n甲,4\n乙,-1\n", ":3: field 'votes'"),
    ("candidate,votes\n甲,4\n甲,5\n", ":3: field 'candidate': 甲 is listed already on line 2"),
])
def test_a_bad_votes_file_is_refused_by_line_and_field(
        api: commons.Books, write_file: WriteFile, text: str, where: str) -> None:
    path = write_file("v.csv", text)
    with pytest.raises(InvalidInput) as caught:
        api.resolutions.elect(path, 1)
    assert f"{path}{where}" in str(caught.value)
