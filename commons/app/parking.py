"""Use cases of tidal parking: load a tariff, import sessions, bill a month, report on it.

``parking.import_sessions`` streams a sessions CSV into a batch inside one transaction, checks
every row (its fields, its space, the tariff and kind, billed months, repeated ids, stored ids,
overlaps on a space) and stores all of it or nothing; with ``skip_bad`` it stores the good rows
and writes the bad ones, each with its reason, to a reject file. ``parking.bill`` prices every
session of a month to the fen and, in the same transaction, collects each space's income into
the compound's co-managed account through the public-revenue collect duty, with the
operator's share under the compound's sharing rule owed to the operator.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import attrs

from commons.app.ledger import LedgerService
from commons.app.revenue_books import open_chart
from commons.app.session import Service, Session
from commons.billing.split import Share
from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
    RefusedByRule,
)
from commons.estate.resource import ResourceKind
from commons.files import RAGGED_FIX, batched, open_text
from commons.io.parking_files import read_tariff, session_rows, write_rejects
from commons.io.sources import Source, through
from commons.io.writing import database_files
from commons.money import Money
from commons.parking.checks import SessionChecks
from commons.parking.month import (
    OWNERS,
    CompoundBill,
    SessionCharge,
    TariffBook,
    bill_month,
    sharing_rule,
)
from commons.parking.pricing import session_fields
from commons.parking.tariff import TariffFile
from commons.parking.usage import (
    Breach,
    ParkingReport,
    allowance_breaches,
    occupancy_by_hour,
)
from commons.periods import Period

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["CollectedBill", "ParkingBill", "ParkingService", "SessionImport", "TariffLoaded"]

CHUNK = 5000  # rows parsed, then written to the batch, at a time
MAX_REPORTED = 50  # refused rows described in an error; the reject file lists them all
T = TypeVar("T")


@attrs.frozen
class TariffLoaded:
    """A tariff file loaded; ``newly_loaded`` is False when the same file was already."""

    tariff: TariffFile
    newly_loaded: bool


@attrs.frozen
class SessionImport:
    """What importing a sessions file did. ``refused`` rows were written to ``reject_file``
    (only with skip_bad; otherwise a refused row stops the import). ``breaches`` are windows
    in which more outsiders parked than the tariff allows."""

    file: str
    rows: int
    new: int
    already_recorded: int
    refused: int
    reject_file: str | None
    breaches: tuple[Breach, ...]


@attrs.frozen
class CollectedBill:
    """One compound's bill and what posting it did: posted, already recorded, or nothing to
    bill (no income)."""

    bill: CompoundBill
    status: str


@attrs.frozen
class ParkingBill:
    """A month's parking bills, compound by compound."""

    period: Period
    compounds: tuple[CollectedBill, ...]

    @property
    def sessions(self) -> tuple[SessionCharge, ...]:
        """Every priced session of the bill, compound by compound."""
        return tuple(s for c in self.compounds for s in c.bill.sessions)

    @property
    def total(self) -> Money:
        """The bill's total over every compound."""
        return sum((c.bill.total for c in self.compounds), Money.zero())

    @property
    def shares(self) -> tuple[Share, ...]:
        """Each party's share over every compound, the owners first."""
        parties: dict[str, Money] = {}
        for collected in self.compounds:
            for share in collected.bill.shares:
                parties[share.party] = parties.get(share.party, Money.zero()) + share.amount
        order = sorted(parties, key=lambda p: (p != OWNERS, p))
        return tuple(Share(p, parties[p]) for p in order)


class ParkingService(Service):
    """Tidal parking's use cases; each runs in one transaction."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger  # the one posting path: ``ledger.post_in`` inside a transaction

    def tariff(self, path: str | Path | IO[str] | IO[bytes]) -> TariffLoaded:
        """Load a compound's tariff (TOML, a path or an open text or binary file); loading the
        same file again is a no-op."""
        return through(path, lambda file, _: self._tariff(file), kind="tariff", fmt="toml")

    def _tariff(self, path: Path) -> TariffLoaded:
        tariff = read_tariff(path)
        t0 = tariff.tariff
        loaded_at = self.clock.now().in_timezone("UTC").isoformat()
        with self.store.write() as t:
            if t.estate.compound(t0.compound) is None:
                raise NotFound(f"compound {t0.compound!r} is not recorded", file=str(path),
                               field="compound", fix="import the compound first, or check the "
                               "spelling", context={"kind": "compound", "id": t0.compound})
            if any(f.content_hash == tariff.content_hash
                   for f in t.parking.tariff_files(t0.compound)):
                return TariffLoaded(tariff, False)
            late = sorted(p for c, p in t.parking.billed(t0.compound)
                          if p >= str(Period.of(t0.effective_from)))
            if late:
                raise RefusedByRule(
                    f"{t0.compound}'s parking for {late[0]} is billed already, so a tariff "
                    f"from {t0.effective_from} cannot take effect", file=str(path),
                    field="effective_from", fix="give effective_from a month not yet billed",
                    code=ErrorCode.CLOSED_PERIOD)
            new = t.parking.add_tariff(tariff, loaded_at)
        return TariffLoaded(tariff, new)

    def tariffs(self, compound: str | None = None) -> tuple[TariffFile, ...]:
        """The tariffs loaded, of one compound if given."""
        with self.reader.read() as t:
            return tuple(t.parking.tariff_files(compound))

    def import_sessions(self, path: Source, *, skip_bad: bool = False,
                        reject: str | Path | None = None,
                        encoding: str | None = None) -> SessionImport:
        """Import a sessions CSV (session_id,space,plate,entered_at,exited_at,kind) in one
        transaction: every row, or none; with ``skip_bad`` the good rows, and the bad ones
        go to ``reject`` (default: FILE with the suffix .rejects.csv) with a reason column.
        ``path`` may also be an open text or binary file, or rows (mappings of those columns
        to values); ``skip_bad`` then needs ``reject`` unless the file has a ``name``."""
        name = path if isinstance(path, str | Path) else getattr(path, "name", None)
        if reject is None and skip_bad:
            if not isinstance(name, str | Path) or not name:
                raise InvalidInput("bad rows of sessions given as rows or an unnamed file have "
                                   "no file to be written beside", field="reject",
                                   fix="name the reject file (reject=...)")
            reject = Path(name).with_suffix(".rejects.csv")
        return through(path, lambda file, encoding: self._import_sessions(
            file, skip_bad=skip_bad, reject=reject, encoding=encoding), kind="sessions",
            encoding=encoding)

    def _import_sessions(self, path: Path, *, skip_bad: bool, reject: str | Path | None,
                         encoding: str | None) -> SessionImport:
        open_text(path, encoding).close()  # a mistyped path must not create a database
        zone = ZoneInfo(self.clock.zone)
        with self.store.write() as t:
            checks = SessionChecks(t.estate.resources(), t.parking.tariff_files(),
                                   t.parking.billed())
            t.parking.batch_start()
            refused: dict[int, CommonsError] = {}
            late: dict[int, tuple[str, CommonsError]] = {}  # refused unless recorded already
            rows = 0
            for chunk in batched(session_rows(path, encoding, ragged=skip_bad), CHUNK):
                batch = []
                for row in chunk:
                    if row.problem is not None:
                        refused[row.line] = row.error(None, row.problem, RAGGED_FIX)
                        continue
                    try:
                        fields = session_fields(row, zone)
                        compound = checks.compound_of(row, fields)
                        batch.append((row.line, compound, *fields))
                        billed = checks.in_billed_month(row, compound, fields)
                        if billed is not None:
                            late[row.line] = (fields[0], billed)
                    except CommonsError as e:
                        refused[row.line] = e.located(file=row.file, line=row.line)
                rows += len(chunk)
                t.parking.batch_add(batch)
            already = _set_checks(t, str(path), refused, late)
            if refused and not skip_bad:
                shown = [refused[line] for line in sorted(refused)[:MAX_REPORTED]]
                raise Problems(
                    f"{len(refused)} of {rows} sessions refused; nothing was imported", shown,
                    fix="correct the lines named above and import the file again, or pass "
                    "skip bad rows to import the good ones and write the bad ones to a reject file")
            spans = t.parking.batch_spans()
            new = t.parking.batch_store()
            breaches = tuple(b for compound, low, high in spans
                             for b in _breaches(t, checks.books[compound], low, high))
            reject_file = None
            if refused:
                reject_file = str(reject or Path(path).with_suffix(".rejects.csv"))
                write_rejects(path, encoding, refused, reject_file,
                              protected=database_files(self.path))
        return SessionImport(str(path), rows, new, already, len(refused), reject_file, breaches)

    def bill(self, period: str | Period, *, compound: str | None = None,
             detail: bool = True) -> ParkingBill:
        """Price every session of ``period`` and collect each compound's income, one
        public-revenue collection per space, under its sharing rule; billing a month again
        collects nothing new. ``detail`` False leaves out the line per session."""
        month = period if isinstance(period, Period) else Period.parse(period)
        billed_at = self.clock.now().in_timezone("UTC").isoformat()
        collected = []
        with self.store.write() as t:
            for c in _compounds(t, compound):
                bill = _bill(t, c, month, detail=detail)
                status = "nothing to bill"
                if bill.total:
                    status = self._collect(t, bill)
                    t.parking.record_bill(bill, billed_at)
                collected.append(CollectedBill(bill, status))
        return ParkingBill(month, tuple(collected))

    def _collect(self, t: Tables, bill: CompoundBill) -> str:
        """Post the bill's collections through the ledger's posting path and record them as
        the revenue duty does: posted, or already recorded when every one of them was."""
        open_chart(t, bill.compound)
        entries = [(c, c.entry(ResourceKind.PARKING, bill.rule, actor=self.actor))
                   for c in bill.collections()]
        known = t.ledger.known([e.external_id for _, e in entries])
        for _, entry in entries:
            seen = known.get(entry.external_id)
            if seen is not None and seen[1] != entry.content_hash():
                raise ConflictError(
                    f"{bill.compound}'s parking income for {bill.period} was collected as "
                    f"entry {seen[0]} ({entry.external_id}) with another amount",
                    field="period", fix="a collected month is never changed; correct it with "
                    "a reversal and bill again",
                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        new = [(c, e) for c, e in entries if e.external_id not in known]
        if not new:
            return "already recorded"
        self.ledger.post_in(t, [e for _, e in new], None, None,
                            origin=f"parking bill {bill.compound} {bill.period} --collect")
        ids = t.ledger.known([e.external_id for _, e in new])
        t.revenue.add_collections([(c, ids[e.external_id][0], bill.rule.split(c.amount)[0])
                                   for c, e in new])
        return "posted"

    def report(self, period: str | Period, *, compound: str | None = None,
               fee_bill: Money | str | None = None) -> ParkingReport:
        """A compound's month: occupancy by local hour for residents and outsiders, income per
        space, windows over their allowance, and the share of the owners' fee bill that their
        parking income covered: ``fee_bill``, or else what the month's property-fee invoices ask
        of the residents."""
        month = period if isinstance(period, Period) else Period.parse(period)
        fees = Money.parse(fee_bill) if isinstance(fee_bill, str) else fee_bill
        if fees is not None and fees.is_negative():
            raise InvalidInput(f"the fee bill {fees} is negative", field="--fee-bill",
                               fix="give the owners' fee bill for the month, e.g. 12000.00",
                               code=ErrorCode.INVALID_AMOUNT)
        with self.reader.read() as t:
            chosen = _compounds(t, compound)
            if len(chosen) != 1:
                raise InvalidInput(f"{len(chosen)} compounds have parking tariffs: "
                                   f"{', '.join(chosen)}", field="--compound",
                                   fix="name the compound to report on")
            c = chosen[0]
            if fees is None:
                fees = _invoiced(t, c, month)
            bill = _bill(t, c, month, detail=False)
            book = TariffBook(c, t.parking.tariff_files(c))
            start, end = book.bounds(month)
            occupancy = occupancy_by_hour(book, month, t.parking.sessions(c, start, end))
            breaches = _breaches(t, book, start, end)
            spaces = tuple(r.id for r in t.estate.resources(c)
                           if r.kind is ResourceKind.PARKING and r.tidal)
        return ParkingReport(c, month, spaces, occupancy, bill, breaches, fees)


def _compounds(t: Tables, compound: str | None) -> list[str]:
    """The compound named (which must have a tariff), or every compound that has one."""
    with_tariffs = sorted({f.tariff.compound for f in t.parking.tariff_files()})
    if compound is None:
        return with_tariffs
    if compound not in with_tariffs:
        known = t.estate.compound(compound) is not None
        raise NotFound(f"compound {compound!r} " + ("has no parking tariff" if known
                                                     else "is not recorded"),
                       field="--compound", fix="load a parking tariff for the compound first"
                       if known else "check the spelling",
                       context={"kind": "tariff" if known else "compound", "id": compound,
                                "compound": compound})
    return [compound]


def _bill(t: Tables, compound: str, month: Period, *, detail: bool) -> CompoundBill:
    """Price ``compound``'s sessions of ``month`` under its sharing rule."""
    book = TariffBook(compound, t.parking.tariff_files(compound))
    start, end = book.bounds(month)
    rule = sharing_rule(compound, t.revenue.rules(compound),
                        book.file_on(month.last_day) or book.files[-1], month)
    return bill_month(book, month, t.parking.sessions(compound, start, end), rule,
                      detail=detail)


def _breaches(t: Tables, book: TariffBook, low: int, high: int) -> tuple[Breach, ...]:
    """Windows over their allowance on the local days from ``low`` to ``high``."""
    pricer = book.latest
    start = pricer.plan(pricer.day_of(low))[0]
    end = pricer.plan(pricer.day_of(max(low, high - 1)))[1]
    sessions = ((entered, exited, kind) for _, _, _, entered, exited, kind
                in t.parking.sessions(book.compound, start, end))
    return allowance_breaches(book, sessions, start, end)


def _set_checks(t: Tables, file: str, refused: dict[int, CommonsError],
                late: dict[int, tuple[str, CommonsError]]) -> int:
    """The checks over the whole batch; refusals go into ``refused`` by line, and those of
    ``late`` too unless the row is already recorded. Returns how many rows were already
    recorded (stored, or earlier in the file, with the same content)."""
    repeats = 0
    for sid, lines, same in t.parking.batch_repeats():
        if same:
            t.parking.batch_mark(lines[1:], "repeat")
            repeats += len(lines) - 1
            continue
        for line in lines:
            refused[line] = ConflictError(
                f"session {sid} is on lines {', '.join(map(str, lines))} with different "
                "content", file=file, line=line, field="session_id",
                fix="give each session its own session_id",
                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
    recorded, recorded_ids = [], set()
    for line, sid, same in t.parking.batch_known():
        if same:
            recorded.append(line)
            recorded_ids.add(sid)
        else:
            refused[line] = ConflictError(
                f"session {sid} is already recorded with other content", file=file, line=line,
                field="session_id", fix="a recorded session is never changed; give a "
                "correcting session a new session_id", code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
    t.parking.batch_mark(recorded, "recorded")
    refused.update((line, e) for line, (sid, e) in late.items() if sid not in recorded_ids)
    t.parking.batch_mark(refused, "refused")
    overlaps = t.parking.batch_overlaps()
    for line, sid, space, other in overlaps:
        refused[line] = InvalidInput(
            f"session {sid} overlaps session {other} on space {space}", file=file, line=line,
            field="entered_at", fix="one space holds one car at a time: check both sessions' "
            "times and spaces")
    t.parking.batch_mark([o[0] for o in overlaps], "refused")
    return repeats + len(recorded)


def _invoiced(t: Tables, compound: str, month: Period) -> Money | None:
    """What the month's property-fee invoices ask of the compound's residents, if any."""
    rows = t.billing.collection(month, compound, None)
    return Money(rows[0][2], rows[0][5]) if rows else None
