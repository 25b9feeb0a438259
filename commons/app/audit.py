"""Auditors' use cases: verify the chain, export an account's trail, check an export, and the
disclosure (公示).

Each reads through ``self.reader`` in one read transaction and never writes to the database;
``commons --read-only`` (``connect(..., read_only=True)``) makes that SQLite's promise too.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.compounds import check_compound
from commons.app.ledger import VerifyReport
from commons.app.session import Service
from commons.app.verifying import verify_in_processes, verify_ranges
from commons.errors import InvalidInput, NotFound
from commons.io.checking import (
    compare_files,
    export_and_manifest,
    file_digest,
    file_problems,
    recount,
    recount_problems,
)
from commons.io.exporting import (
    CurrencyTotal,
    ExportJob,
    ExportManifest,
    manifest_path_of,
    write_export,
)
from commons.ledger.export import FORMATS, ExportScope
from commons.ledger.rules import ChainHead, check_chain
from commons.money import Money
from commons.periods import as_date
from commons.revenue.disclosure import (
    AuthorityLookup,
    Disclosure,
    DisclosurePeriod,
    SpendingAuthority,
    build_disclosure,
)
from commons.store.export import OutOfDateOrder

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["AuditService", "ExportCheck"]


@attrs.frozen
class ExportCheck:
    """What ``audit.check_export`` found. ``file`` is the file that was hashed and counted
    (the one given, whatever name the manifest recorded); ``against_ledger`` says whether the
    rows were also derived again from the database; ``ok`` is True only when no problem was
    found."""

    manifest: ExportManifest
    against_ledger: bool
    problems: tuple[str, ...]
    file: Path

    @property
    def ok(self) -> bool:
        """True when the file, its manifest (and the ledger, if asked) agree everywhere."""
        return not self.problems


def _library_version() -> str:
    import commons  # noqa: PLC0415 - the package's __init__ imports this module

    return commons.__version__


class AuditService(Service):
    """Exports, their checks and the disclosure statement."""

    def verify(self, *, workers: int = 1) -> VerifyReport:
        """Recompute the hash chain and balances; report the first broken entries, if any.

        With ``workers`` above 1, a large journal's chain is walked in that many processes at
        once, each from the entry stored before its range (the CLI uses every core).
        """
        with self.reader.read() as t:
            last = t.ledger.head().id
            ranges = verify_ranges(last, workers) if self.path != ":memory:" else [(1, last)]
            if len(ranges) > 1:
                problems, head = verify_in_processes(self.path, ranges)
            else:
                problems, head = check_chain(t.ledger.stored_rows())
            problems += t.ledger.orphan_postings()
            problems += t.ledger.balance_mismatches()
            problems += t.ledger.unbalanced_totals()
            problems += t.ledger.redating_mismatches()
        return VerifyReport(not problems, head.id, head.hash, tuple(problems))

    def export(self, out: str | Path, *, format: str, account: str | None = None,
               compound: str | None = None, date_from: dt.date | str | None = None,
               date_to: dt.date | str | None = None) -> ExportManifest:
        """Export every posting in scope to ``out`` (csv, jsonl, xlsx or beancount) and write
        the manifest beside it; the database is only read, at one chain head."""
        date_from = None if date_from is None else as_date(date_from, "date_from")
        date_to = None if date_to is None else as_date(date_to, "date_to")
        if format not in FORMATS:
            raise InvalidInput(f"export format {format!r} is unknown", field="--format",
                               fix=f"use one of {', '.join(FORMATS)}")
        path = Path(out)
        if not path.parent.is_dir():
            raise NotFound(f"folder {path.parent} does not exist", field="--out",
                           fix="create the folder first, or write the export elsewhere")
        scope = ExportScope(account, compound, date_from, date_to)
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            manifest = self._export_in(t, path, format, scope, t.ledger.head(), {})
        manifest_path_of(path).write_text(
            json.dumps(manifest.as_json(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        return manifest

    def _export_in(self, t: Tables, path: Path, format: str, scope: ExportScope,
                   head: ChainHead, names: dict[str, str]) -> ExportManifest:
        job = ExportJob(path, format, scope, head, t.export.opening(scope, head.id),
                        tuple(t.export.openings(head.id)) if format == "beancount" else (),
                        names)
        try:
            tally, written, accounts = write_export(
                job, lambda: t.export.entries(scope, head.id, in_id_order=True))
        except OutOfDateOrder:  # backdated entries: read the journal sorted by date instead
            tally, written, accounts = write_export(
                job, lambda: t.export.entries(scope, head.id, in_id_order=False))
        currencies = sorted(set(tally.debits) | set(tally.credits))
        return ExportManifest(
            format, scope, head, tally.rows, tally.entries,
            tuple(CurrencyTotal(c, Money(tally.debits.get(c, 0), c),
                                Money(tally.credits.get(c, 0), c)) for c in currencies),
            tuple((a, Money(fen, c)) for (a, c), fen in sorted(tally.balances.items())),
            (written,), _library_version(),
            self.clock.now().in_timezone("UTC").isoformat(), accounts,
            str(manifest_path_of(path)))

    def check_export(self, path: str | Path, *, manifest: str | Path | None = None,
                     against_ledger: bool = True) -> ExportCheck:
        """Check the export file at ``path`` (or the file paired with the manifest given):
        its sha256, size, rows and totals against its manifest; with ``against_ledger``, also
        that the ledger still holds exactly those rows.

        The manifest is ``path`` + ``.manifest.json`` (a renamed pair is checked as renamed);
        a manifest of another name is used only when given as ``manifest``.
        """
        export, found = export_and_manifest(path, manifest)
        problems = file_problems(found, export)
        problems += recount_problems(found, recount(found, export), export.name)
        if against_ledger and export.is_file():  # a missing file is named above already
            problems += self._ledger_problems(found, export)
        return ExportCheck(found, against_ledger, tuple(problems), export)

    def _ledger_problems(self, manifest: ExportManifest, export: Path) -> list[str]:
        head = manifest.head
        with self.reader.read() as t:
            if head.id:
                held = t.export.link(head.id)
                if held is None or held.hash != head.hash:
                    return [f"the ledger does not hold entry {head.id} with hash {head.hash}: "
                            "it is another ledger, or its journal was changed (run "
                            "`commons audit verify`)"]
            with tempfile.TemporaryDirectory(prefix="commons-check-") as folder:
                derived = Path(folder) / manifest.export_path.name
                again = self._export_in(t, derived, manifest.format, manifest.scope, head,
                                        dict(manifest.accounts)
                                        if manifest.format == "beancount" else {})
                return _differences(manifest, export, again, derived)

    def disclose(self, compound: str, period: str | DisclosurePeriod) -> Disclosure:
        """The disclosure statement (公示) of ``compound`` for a month or quarter."""
        span = period if isinstance(period, DisclosurePeriod) else DisclosurePeriod.parse(period)
        account = f"assets:bank:co-managed:{compound}"
        with self.reader.read() as t:
            check_compound(t, compound)
            if account not in t.ledger.accounts():
                raise NotFound(f"compound {compound} has no co-managed account {account}",
                               field="--compound",
                               fix=f"open its chart first: commons ledger chart {compound}")
            before = t.ledger.balances(account, None, span.first_day - dt.timedelta(days=1))
            after = t.ledger.balances(account, None, span.last_day)
            postings = t.export.period_postings(compound, span.first_day, span.last_day)
            return build_disclosure(compound, span, account=account,
                                    opening=_cny(before, account), closing=_cny(after, account),
                                    postings=postings,
                                    authority=_spending_authority(t, compound, span))


def _spending_authority(t: Tables, compound: str, span: DisclosurePeriod) -> AuthorityLookup:
    """Who authorised each spending entry of the period: the disbursements the public-revenue
    duties recorded (a resolution, or a committee decision within its limit, and the two
    signers). A spending posted outside those duties has no authority recorded."""
    known = {
        line.entry_id: SpendingAuthority(line.authority, line.resolution,
                                          tuple(a for a in line.approvers if a))
        for line in t.revenue.spending_lines(compound, span.first_day, span.last_day)}
    return known.get


def _differences(manifest: ExportManifest, export: Path, again: ExportManifest,
                 derived: Path) -> list[str]:
    """How the export at ``export`` (and its manifest) differ from ``again``, the same export
    derived anew into ``derived``. XLSX files hold the time they were written, so only their
    cells compare."""
    if manifest.format != "xlsx":
        if again.files[0].sha256 != manifest.files[0].sha256:
            problems = [f"the ledger at chain head {manifest.head.id} gives {derived.name} with "
                        f"sha256 {again.files[0].sha256}; the manifest says "
                        f"{manifest.files[0].sha256}"]
        else:
            problems = []
        if file_digest(export) == again.files[0].sha256:
            return problems
        return problems + compare_files(manifest, export, derived)
    return compare_files(manifest, export, derived)


def _cny(rows: list[tuple[str, Money]], account: str) -> Money:
    return next((m for name, m in rows if name == account and m.currency == "CNY"), Money(0))
