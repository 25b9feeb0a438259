"""``commons resolution ...``: owners' resolutions under art. 278, through the six steps of
deliberation, and committee elections. Each command parses, calls one api method and renders."""

from __future__ import annotations

import click

from commons.app import (
    PARTICIPATION,
    BallotsImported,
    Election,
    Matter,
    Proposal,
    ProposalRecord,
    Ratio,
    State,
    Tally,
    count_text,
)

from .app import App, CommonsGroup, json_option, pass_app
from .render import echo_json, plain, table

__all__ = ["resolution"]

MATTERS = [m.value for m in Matter]
STEPS = [s.value for s in State if s is not State.RESOLVED]

GUIDE = "\n\n".join([
    "\b\nMATTER (Civil Code art. 278): owners holding at least "
    f"{PARTICIPATION} of the exclusive area\nand at least {PARTICIPATION} of the owners must "
    "take part; then yes needs, of both\nthe participating area and the participating owners:\n"
    + "\n".join(f"  {m.value:<24} {m.rule.threshold_text:<13}  {m.label_zh}" for m in Matter),
    "\b\nelevator-retrofit is decided within its building, and every owner of an\n"
    "--affected unit must vote yes.",
    "\b\nSTATE, the six steps of deliberation (六步议事法), in order:\n"
    + "\n".join(f"  {n}. {s.value:<10} {s.label_zh}" for n, s in enumerate(State, start=1))
    + "\nadvance takes one step at a time up to voted (the first ballot on a\n"
    "drafted proposal opens the vote too); resolve closes the vote.",
])


@click.group(cls=CommonsGroup, epilog=GUIDE)
def resolution() -> None:
    """Owners' resolutions (业主共同决定) under Civil Code art. 278, and committee elections."""


def proposal_json(p: Proposal) -> dict[str, object]:
    return {
        "id": p.id, "title": p.title, "matter": p.matter.value, "matter_label": p.matter.label_zh,
        "scope": {"kind": p.scope.kind.value, "id": p.scope.id},
        "affected": list(p.affected), "state": p.state.value, "state_label": p.state.label_zh,
        "ballots": [{"owner": b.owner, "choice": b.choice.value} for b in p.ballots],
        "passed": p.passed, "tally": None if p.tally is None else p.tally.to_json(),
    }


def proposal_line(p: Proposal) -> str:
    result = "" if p.passed is None else (": passed" if p.passed else ": failed")
    return (f"{p.id}  {p.matter.value} ({p.matter.label_zh}) in {p.scope}: "
            f"{p.state.value} ({p.state.label_zh}){result}")


def _echo_proposal(app: App, p: Proposal) -> None:
    if app.json:
        echo_json(proposal_json(p))
    else:
        click.echo(plain(proposal_line(p)))


@resolution.command(epilog=GUIDE)
@click.argument("id")
@click.option("--matter", required=True, type=click.Choice(MATTERS),
              metavar="MATTER", help="What is decided (see MATTER below).")
@click.option("--scope", required=True, metavar="compound:ID|building:ID",
              help="Whose owners decide: a compound, or one building.")
@click.option("--title", default="", help="A title for the notice board.")
@click.option("--affected", multiple=True, metavar="UNIT",
              help="A unit the works touch (repeat for each); its owner must vote yes.")
@json_option
@pass_app
def propose(app: App, id: str, matter: str, scope: str, title: str,
            affected: tuple[str, ...]) -> None:
    """Put proposal ID to the owners of a compound or building (step 1, proposed)."""
    _echo_proposal(app, app.api.resolutions.propose(id, matter=matter, scope=scope, title=title,
                                                    affected=affected))


@resolution.command("advance", epilog=GUIDE)
@click.argument("id")
@click.argument("state", type=click.Choice(STEPS))
@json_option
@pass_app
def advance_command(app: App, id: str, state: str) -> None:
    """Take proposal ID one step on, to STATE; no step may be skipped or taken back."""
    _echo_proposal(app, app.api.resolutions.advance(id, state))


@resolution.command(epilog=GUIDE)
@click.argument("id")
@click.argument("owner")
@click.argument("choice", type=click.Choice(["yes", "no", "abstain"]))
@json_option
@pass_app
def vote(app: App, id: str, owner: str, choice: str) -> None:
    """Record OWNER's ballot on proposal ID, once a draft exists. One ballot per owner covers
    all of their units; the same ballot again changes nothing, another choice is refused."""
    p = app.api.resolutions.vote(id, owner=owner, choice=choice)
    if app.json:
        echo_json(proposal_json(p))
    else:
        click.echo(f"{p.id}: {owner} voted {choice}; {count_text(len(p.ballots), 'ballot')} cast, "
                   f"{p.state.value}")


@resolution.command(epilog=GUIDE)
@click.argument("id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", help="The CSV's text encoding (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def ballots(app: App, id: str, file: str, encoding: str | None) -> None:
    """Cast the ballots of FILE (CSV owner,choice) on proposal ID. Every line is checked
    first; if any is refused, none is recorded and each is named by file:line:field. Ballots
    already recorded are skipped, so importing the file again changes nothing."""
    done = app.api.resolutions.import_ballots(id, file, encoding=encoding)
    if app.json:
        echo_json(ballots_json(done))
    else:
        click.echo(f"{done.file}: {count_text(done.new, 'new ballot')}, "
                   f"{done.already_recorded} already recorded; {done.proposal.id} has "
                   f"{len(done.proposal.ballots)}, "
                   f"{done.proposal.state.value}")


def ballots_json(done: BallotsImported) -> dict[str, object]:
    return {"resolution": done.proposal.id, "file": done.file, "new": done.new,
            "already_recorded": done.already_recorded, "state": done.proposal.state.value,
            "ballots": len(done.proposal.ballots)}


@resolution.command("tally", epilog=GUIDE)
@click.argument("id")
@json_option
@pass_app
def tally_command(app: App, id: str) -> None:
    """The standing of proposal ID: participation and yes by area and by owners, as exact
    fractions, and why it passes or fails (for a resolved one, the tally its vote closed on)."""
    counted = app.api.resolutions.tally(id)
    if app.json:
        echo_json(counted.to_json())
    else:
        click.echo(plain(tally_text(counted)))


def _ratio_row(measure: str, ratio: Ratio, unit: str, needs: str) -> tuple[str, ...]:
    return (measure, f"{ratio.text}{unit}", f"{ratio.percent}%", needs)


def tally_text(t: Tally) -> str:
    rule = t.matter.rule.threshold_text
    take_part = f"at least {PARTICIPATION}"
    rows = [_ratio_row("participation by area", t.participation.area, " m2", take_part),
            _ratio_row("participation by owners", t.participation.owners, "", take_part),
            _ratio_row("yes by area", t.yes.area, " m2", rule),
            _ratio_row("yes by owners", t.yes.owners, "", rule)]
    out = [f"resolution {t.resolution}: {t.matter.value} ({t.matter.label_zh}) in {t.scope}",
           f"ballots: {t.yes.owners.counted} yes, {t.no_owners} no, {t.abstaining_owners} "
           f"abstain, {t.absent_owners} absent", "",
           table(("measure", "counted", "percent", "needs"), rows, right=(1, 2)), ""]
    if t.affected:
        out.append(f"consent of affected owners: {', '.join(t.affected)}; withheld: "
                   f"{', '.join(t.withheld) or '-'}")
    out.append(f"participates: {'yes' if t.participates else 'no'}; "
               f"passes: {'yes' if t.passes else 'no'}")
    out.append(f"reason: {t.reason}")
    return "\n".join(out)


@resolution.command("resolve", epilog=GUIDE)
@click.argument("id")
@json_option
@pass_app
def resolve_command(app: App, id: str) -> None:
    """Close the vote on proposal ID and record its tally (step 6, resolved): passed or not."""
    p = app.api.resolutions.resolve(id)
    assert p.tally is not None  # a resolved proposal carries its tally
    if app.json:
        echo_json({**p.tally.to_json(), "state": p.state.value, "title": p.title})
    else:
        click.echo(plain(f"{proposal_line(p)}\n{p.tally.reason}"))


@resolution.command(epilog=GUIDE)
@click.argument("id")
@json_option
@pass_app
def show(app: App, id: str) -> None:
    """Proposal ID: its terms, state, ballots, result and every step with time and actor."""
    record = app.api.resolutions.show(id)
    if app.json:
        echo_json(record_json(record))
    else:
        click.echo(plain(show_text(record)))


def record_json(r: ProposalRecord) -> dict[str, object]:
    return {**proposal_json(r.proposal), "compound": r.compound, "actor": r.actor,
            "created_at": r.created_at.isoformat(), "updated_at": r.updated_at.isoformat(),
            "history": [{"from": None if h.from_state is None else h.from_state.value,
                         "to": h.to_state.value, "at": h.at.isoformat(), "actor": h.actor}
                        for h in r.history]}


def show_text(r: ProposalRecord) -> str:
    p = r.proposal
    counts = {c: sum(1 for b in p.ballots if b.choice.value == c) for c in ("yes", "no",
                                                                          "abstain")}
    out = [proposal_line(p),
           f"title: {p.title or '-'}; compound {r.compound}; proposed by {r.actor}",
           f"needs: {p.matter.rule.threshold_text} of the participants, after at least "
           f"{PARTICIPATION} of the area and of the owners take part",
           f"affected units: {', '.join(p.affected) or '-'}",
           f"ballots: {len(p.ballots)} ({counts['yes']} yes, {counts['no']} no, "
           f"{counts['abstain']} abstain)"]
    if p.tally is not None:
        out.append(f"reason: {p.tally.reason}")
    out += ["", table(("step", "label", "at", "actor"),
                      [(h.to_state.value, h.to_state.label_zh, h.at.isoformat(), h.actor)
                       for h in r.history])]
    return "\n".join(out)


@resolution.command("list", epilog=GUIDE)
@click.option("--compound", help="Only the proposals of this compound and its buildings.")
@json_option
@pass_app
def list_command(app: App, compound: str | None) -> None:
    """Every proposal, by id, with where it stands."""
    records = app.api.resolutions.proposals(compound)
    rows = [{"id": r.proposal.id, "compound": r.compound, "scope": str(r.proposal.scope),
             "matter": r.proposal.matter.value, "state": r.proposal.state.value,
             "passed": r.proposal.passed, "title": r.proposal.title} for r in records]
    if app.json:
        echo_json({"resolutions": rows})
        return
    click.echo(table(("id", "compound", "scope", "matter", "state", "passed", "title"),
                     [(str(row["id"]), str(row["compound"]), str(row["scope"]),
                       str(row["matter"]), str(row["state"]),
                       {None: "-", True: "yes", False: "no"}[r.proposal.passed],
                       str(row["title"])) for row, r in zip(rows, records, strict=True)]))


@resolution.command(epilog="\b\nFILE: CSV candidate,votes, e.g.\n  candidate,votes\n  张伟,41\n"
                           "  李秀英,38")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--seats", required=True, type=click.IntRange(min=1), help="Seats to fill.")
@click.option("--encoding", help="The CSV's text encoding (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def elect(app: App, file: str, seats: int, encoding: str | None) -> None:
    """A committee election with more candidates than seats (seven candidates for five
    seats, say): the top vote-getters take the seats, the rest are alternates in order, and a
    tie at the cut-off is reported for a run-off, never decided by name."""
    election = app.api.resolutions.elect(file, seats, encoding=encoding)
    if app.json:
        echo_json({**election.to_json(),
                   "standings": [s.to_json() for s in election.standings]})
    else:
        click.echo(plain(election_text(election)))


def election_text(e: Election) -> str:
    elected = {s.candidate for s in e.elected}
    tied = set(e.tie.candidates) if e.tie else set()
    rows = [(str(s.rank), s.candidate, str(s.votes),
             "elected" if s.candidate in elected else "tied" if s.candidate in tied
             else "alternate") for s in e.standings]
    out = [f"{e.seats} seats: {len(e.elected)} filled" + ("" if e.decided else ", tie at the "
                                                          "cut-off"),
           table(("rank", "candidate", "votes", "result"), rows, right=(0, 2))]
    if e.tie is not None:
        out.append(f"tie: {', '.join(e.tie.candidates)} on {e.tie.votes} votes for "
                   f"{e.tie.seats_left} seat{'s' if e.tie.seats_left > 1 else ''}: a run-off "
                   "or the owners' rules must decide")
    return "\n".join(out)
