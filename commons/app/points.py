"""Volunteer points (嘉州积分) as use cases: programmes and members, rosters submitted and
confirmed by two people of different roles, and the points they issue under the monthly cap.

Each use case is one transaction; every points movement is a journal entry in the unit ``PTS``
posted through the ledger's one posting path, so the hash chain, idempotency, verify and every
export cover points as they cover yuan. ``PointsSpending`` adds redemptions, transfers and
expiry; ``PointsService`` the statements and reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.session import Service, recorded
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
)
from commons.files import batched
from commons.io.collector import collector_paused
from commons.ledger.accounts import Account
from commons.periods import as_date
from commons.points.earning import (
    Award,
    LineRow,
    RosterDigest,
    RosterLine,
    cap_points,
    check_confirmer,
    check_submitter,
    stored_earns,
)
from commons.points.model import Basis, Member, Programme, parse_person
from commons.points.postings import accounts_of, funding_entry, held, issue_entry

if TYPE_CHECKING:
    from commons.app.ledger import LedgerService
    from commons.app.session import Session
    from commons.ledger.journal import Entry
    from commons.store import Tables

__all__ = ["PointsEarning", "ProgrammeRecorded", "RosterConfirmed", "RosterSubmitted"]

_MAX_REPORTED = 50
_CHUNK = 20_000  # roster lines checked and written at a time


@attrs.frozen
class ProgrammeRecorded:
    """A programme recorded (or found recorded before) and how many members it enrolled."""

    programme: Programme
    members: int
    already_recorded: bool


@attrs.frozen
class RosterSubmitted:
    """A roster recorded for confirmation (or found recorded before)."""

    programme: str
    id: str
    lines: int
    submitted_by: str
    already_recorded: bool


@attrs.frozen
class RosterConfirmed:
    """A confirmed roster: the points it issued, to how many people, the excess the monthly
    cap kept back, and the first lines the cap cut short (listed when it is confirmed);
    ``already_recorded`` when it had been confirmed before (nothing changed)."""

    programme: str
    id: str
    confirmed_by: str
    issued: int
    excess: int
    people: int
    capped: tuple[Award, ...]
    already_recorded: bool


def _located(errors: list[CommonsError], file: str | None, what: str) -> Problems:
    return Problems(f"{len(errors)} {what} refused; nothing was recorded",
                    [e.located(file=file) if file and e.where.file is None else e
                     for e in errors[:_MAX_REPORTED]],
                    fix="correct the lines named above and submit the roster again")


def _split(chunk: list[LineRow] | list[CommonsError]
           ) -> tuple[list[LineRow], list[CommonsError]]:
    """A chunk as (rows, []) or, for the file reader's last chunk, the errors of the lines it
    could not read, ([], errors): a chunk of rows holds no error."""
    if isinstance(chunk[0], CommonsError):
        return [], chunk
    return chunk, []


class PointsEarning(Service):
    """Programmes, members and rosters."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger

    def _today(self, on: dt.date | str | None, field: str = "on") -> dt.date:
        return self.clock.today() if on is None else as_date(on, field)

    def _programme(self, t: Tables, id: str) -> Programme:
        found = t.points.programme(id)
        return recorded(found, "points programme", id,
                        first="add it with commons points programme add")[0]

    @staticmethod
    def _open(t: Tables, names: Iterable[str], description: str) -> None:
        """Open the accounts of ``names`` that are not open yet (looked up by name: a roster
        opens the accounts of its new members among 100,000 open ones)."""
        t.points.open_accounts([Account.create(name, description=description)
                                for name in t.points.unopened(names)])

    def _post(self, t: Tables, entries: Sequence[Entry], origin: str) -> None:
        self._open(t, (p.account for e in entries for p in e.postings), "volunteer points")
        self.ledger.post_in(t, entries, None, None, origin=origin)

    # --- programmes and members ------------------------------------------------------------

    def add_programme(self, source: str | Path | Programme, members: Sequence[Member] = (),
                      *, on: dt.date | str | None = None) -> ProgrammeRecorded:
        """Record a programme from its TOML file (or value), with its members; the same
        programme again is a no-op (its members are enrolled again: a consent may change),
        another one under the same id a conflict. The sponsor fund is posted into
        ``assets:points-fund:ID`` on ``on`` (default: today)."""
        from commons.io.points_files import read_programme  # noqa: PLC0415 - files only here

        if isinstance(source, Programme):
            programme, listed = source, tuple(members)
        else:
            programme, listed = read_programme(source)
            listed += tuple(members)
        content = repr(programme)
        with self.store.write() as t:
            found = t.points.programme(programme.id)
            if found is not None and found[1] != content:
                raise ConflictError(f"points programme {programme.id} is recorded with other "
                                    "details", code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                                    fix="give the new programme another id",
                                    context={"kind": "points programme", "id": programme.id})
            if found is None:
                t.points.add_programme(programme, content)
                self._open(t, accounts_of(programme.id).values(), "volunteer points")
                if programme.fund.fen:
                    self._post(t, [funding_entry(programme.id, programme.sponsor,
                                                 programme.fund, self._today(on),
                                                 self.actor)], f"points programme {programme.id}")
            self._enrol(t, programme.id, listed,
                        file=None if isinstance(source, Programme) else str(source))
        return ProgrammeRecorded(programme, len(listed), found is not None)

    def enrol(self, programme: str, members: Sequence[Member]) -> int:
        """Enrol ``members`` in ``programme`` (again: their household and consent as now);
        how many were given."""
        with self.store.write() as t:
            self._programme(t, programme)
            self._enrol(t, programme, members)
        return len(members)

    @staticmethod
    def _enrol(t: Tables, programme: str, members: Sequence[Member], *,
               file: str | None = None) -> None:
        missing = t.points.missing_households(m.household for m in members)
        if missing:
            who = next(m.person for m in members if m.household == missing[0])
            raise NotFound(f"member {who}'s household {missing[0]} is not recorded"
                           + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""),
                           field="household", file=file,
                           fix="import the households first, or check the id",
                           context={"kind": "household", "id": missing[0]})
        t.points.enrol(programme, members)

    def programme(self, id: str) -> Programme:
        """The programme ``id``."""
        with self.reader.read() as t:
            return self._programme(t, id)

    def programmes(self) -> list[str]:
        """Every programme's id."""
        with self.reader.read() as t:
            return t.points.programme_ids()

    # --- rosters ---------------------------------------------------------------------------

    def submit(self, programme: str, source: str | Path | Iterable[RosterLine], *,
               id: str | None = None, by: str | None = None,
               encoding: str | None = None, workers: int = 1) -> RosterSubmitted:
        """Submit a roster (a CSV file, ``activity,kind,date,person,quantity``, or lines) for
        confirmation, as organiser ``by`` (default: the session's actor), under ``id`` (default:
        the file's name without its suffix). The same roster again is a no-op; a line whose
        activity and person another roster already names is refused. The file is read a chunk
        at a time, so a roster of any length takes the memory of a few chunks; with
        ``workers`` above 1 a large file is parsed in a second process meanwhile."""
        from commons.io.points_files import read_roster_chunks  # noqa: PLC0415 - files only here

        file = str(source) if isinstance(source, str | Path) else None
        chunks = read_roster_chunks(source, encoding=encoding, size=_CHUNK, workers=workers) \
            if isinstance(source, str | Path) else batched((x.as_row() for x in source), _CHUNK)
        id = id or (Path(file).stem if file else None)
        if id is None:
            raise InvalidInput("a roster given as lines needs an id", field="id",
                               fix="give the roster an id, e.g. cleanup-2026-12-05")
        organiser = parse_person(by or self.actor)
        digest = RosterDigest(programme, organiser)
        with collector_paused(), self.store.write() as t:
            p = self._programme(t, programme)
            found = t.points.roster(programme, id)
            if found is not None:
                for chunk in chunks:
                    rows, bad = _split(chunk)
                    if bad:
                        raise _located(bad, file, "roster lines")
                    digest.add(rows)
                if found.digest != digest.hexdigest():
                    raise ConflictError(f"roster {id} is recorded with other lines",
                                        code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                                        fix="submit the new roster under another id",
                                        context={"kind": "roster", "id": id})
                return RosterSubmitted(programme, id, found.lines, found.submitted_by, True)
            check_submitter(p, id, organiser)
            errors: list[CommonsError] = []
            seen: set[tuple[str, str]] = set()
            members: set[str] = set()  # found so far: a roster names the same people often
            activities: dict[str, bool] = {}  # whether rosters before this one name it
            unread: list[CommonsError] = []  # lines the file's reader could not read
            for chunk in chunks:
                rows, bad = _split(chunk)
                unread += bad
                if not rows:
                    continue
                errors += self._line_problems(t, p, id, organiser, rows, seen,
                                              (members, activities))
                if not errors:
                    t.points.add_roster_lines(programme, id, digest.lines, rows)
                digest.add(rows)
            if errors or unread:
                errors = sorted(errors + unread, key=lambda e: e.where.line or 0)
                raise _located(errors, file,
                               f"of {digest.lines + len(unread)} roster lines")
            if not digest.lines:
                raise InvalidInput(f"roster {id} has no line", field="lines", file=file,
                                   fix="list who served: activity,kind,date,person,quantity")
            t.points.add_roster(programme, id, organiser,
                                self.clock.now().in_timezone("UTC").isoformat(),
                                digest.hexdigest(), digest.lines)
        return RosterSubmitted(programme, id, digest.lines, organiser, False)

    @staticmethod
    def _line_problems(t: Tables, p: Programme, roster: str, organiser: str,
                       rows: Sequence[LineRow], seen: set[tuple[str, str]],
                       found: tuple[set[str], dict[str, bool]]) -> list[CommonsError]:
        """The problems of a chunk of lines; ``seen`` holds the lines of earlier chunks,
        ``found`` the members and activities looked up for them."""
        errors: list[CommonsError] = []
        members, activities = found
        members |= t.points.member_ids(p.id, {x[3] for x in rows} - members)
        new = {x[0] for x in rows} - activities.keys()
        recorded_before = t.points.activities_recorded(p.id, new)
        activities.update((a, a in recorded_before) for a in new)
        # A line of an activity no earlier roster names can only repeat one of this roster,
        # which ``seen`` holds: only the others are looked up.
        posted = t.points.lines_posted(p.id, [x for x in rows if activities[x[0]]])
        kinds = {kind.id: kind for kind in p.kinds}
        for activity, kind_id, _, person, hundredths, line in rows:
            key = (activity, person)
            try:
                if person == organiser:
                    check_submitter(p, roster, organiser, named=True)
                kind = kinds.get(kind_id) or p.kind(kind_id)
                if kind.basis is Basis.TASK and hundredths % 100:
                    raise InvalidInput(f"{kind_id} counts whole tasks, not "
                                       f"{Decimal(hundredths).scaleb(-2)}",
                                       field="quantity", code=ErrorCode.INVALID_AMOUNT,
                                       fix="give a whole number of tasks")
                if person not in members:
                    raise NotFound(f"{person} is not a member of programme {p.id}",
                                   field="person", fix="enrol them first, or check the id",
                                   context={"kind": "member", "id": person})
                if key in seen or key in posted:
                    where = "earlier in this roster" if key in seen else \
                        f"in roster {posted[key]}"
                    raise ConflictError(f"{person} in activity {activity} is listed "
                                        f"{where}: a line posts once", field="person",
                                        fix="list each person once per activity")
            except CommonsError as e:
                errors.append(e.located(line=line) if line else e)
            seen.add(key)
        return errors

    def confirm(self, id: str, *, programme: str | None = None, by: str | None = None,
                on: dt.date | str | None = None) -> RosterConfirmed:
        """Confirm roster ``id`` as ``by`` (default: the session's actor), a second person of
        another role than its organiser, and issue its points under the monthly cap, as one
        entry dated ``on`` (default: today); the excess is reported, not issued. Confirming
        again changes nothing. The lines are read a chunk at a time, in date order."""
        day = self._today(on)
        confirmer = by or self.actor
        with collector_paused(), self.store.write() as t:
            programme = programme or self._roster_programme(t, id)
            p = self._programme(t, programme)
            found = recorded(t.points.roster(programme, id), "roster", id,
                             first="submit it with commons points roster submit")
            if found.confirmed_by is not None:
                return RosterConfirmed(programme, id, found.confirmed_by, found.issued or 0,
                                       found.excess or 0, found.people or 0, (), True)
            check_confirmer(p, id, found.submitted_by, confirmer,
                            named=t.points.names(programme, id, confirmer))
            by_person, excess, capped = self._award_roster(t, p, id)
            if by_person:
                self._open(t, [held(p.id, person) for person in by_person], "volunteer points")
                self.ledger.post_in(t, [issue_entry(p.id, id, by_person, day, self.actor)],
                                    None, None, origin=f"points roster {id}")
            issued_total = sum(by_person.values())
            t.points.confirm_roster(programme, id, confirmer,
                                    self.clock.now().in_timezone("UTC").isoformat(),
                                    issued_total, excess, len(by_person))
        return RosterConfirmed(programme, id, confirmer, issued_total, excess, len(by_person),
                               capped, False)

    @staticmethod
    def _award_roster(t: Tables, p: Programme, id: str
                      ) -> tuple[dict[str, int], int, tuple[Award, ...]]:
        """Cap a roster's lines as stored, a chunk at a time in date order, and add a lot for
        each line that earns: the points issued per person, the excess, and the first lines
        the cap cut short."""
        earned = t.points.earned_before(p.id, id)
        by_person: dict[str, int] = {}
        capped: list[Award] = []
        excess = 0
        expiry: dict[str, str] = {}  # a roster spans a few days
        for rows in t.points.roster_rows(p.id, id):
            earns = stored_earns(p, (r[:4] for r in rows))
            issued, earned = cap_points(p.monthly_cap, earns, earned)
            lots = []
            for row, (person, _, points), n in zip(rows, earns, issued, strict=True):
                if n:
                    by_person[person] = by_person.get(person, 0) + n
                    day = row[0]
                    if day not in expiry:
                        expiry[day] = p.expires_on(dt.date.fromisoformat(day)).isoformat()
                    lots.append((person, day, expiry[day], n))
                if n < points:
                    excess += points - n
                    if len(capped) < _MAX_REPORTED:
                        capped.append(Award(t.points.roster_line(row), points, n))
            t.points.add_earned_lots(p.id, f"roster:{id}", lots)
        return by_person, excess, tuple(capped)

    @staticmethod
    def _roster_programme(t: Tables, id: str) -> str:
        found = t.points.roster_programmes(id)
        if len(found) != 1:
            raise NotFound(f"roster {id!r} is " + ("not recorded" if not found else
                                                  f"in {len(found)} programmes"),
                           field="programme", fix="name the programme (--programme), or "
                           "check the roster's id", context={"kind": "roster", "id": id})
        return found[0]
