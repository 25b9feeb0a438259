"""Auditors' use cases: verify the chain, export an account's trail, check an export, and the
disclosure (公示).

Each reads through ``self.reader`` in one read transaction and never writes to the database;
``commons --read-only`` (``connect(..., read_only=True)``) makes that SQLite's promise too.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.compounds import check_compound
from commons.app.disclosing import gather_disclosure
from commons.app.ledger_results import RecordedHead, VerifyReport
from commons.app.session import Service
from commons.app.verifying import verify_in_processes, verify_ranges
from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound, nearest
from commons.io.checking import (
    compare_files,
    export_and_manifest,
    file_digest,
    file_problems,
    recount,
    recount_problems,
)
from commons.io.disclosure_notice import read_notice
from commons.io.export_xlsx import LANGS
from commons.io.exporting import (
    CurrencyTotal,
    ExportJob,
    ExportManifest,
    manifest_path_of,
    write_export,
)
from commons.io.writing import database_files, guard, replacing
from commons.ledger.accounts import matches_prefix
from commons.ledger.export import FORMATS, ExportScope
from commons.ledger.problems import ProblemKind, VerifyProblem
from commons.ledger.rules import ChainHead, check_chain
from commons.ledger.signing import head_signature, signature_matches
from commons.money import Money
from commons.periods import as_date
from commons.revenue.disclosure import (
    Disclosure,
    DisclosureNotice,
    DisclosurePeriod,
    check_published,
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
        """Whether the export checked out: no problem found."""
        return not self.problems


def _library_version() -> str:
    import commons  # noqa: PLC0415 - the package's __init__ imports this module

    return commons.__version__


class AuditService(Service):
    """Exports, their checks and the disclosure statement."""

    def verify(self, *, workers: int = 1, head: str | None = None, at: int | None = None,
               signature: str | None = None, key: bytes | None = None,
               newest: bool = False) -> VerifyReport:
        """Recompute the hash chain and balances; report the first broken entries, if any.

        With ``workers`` above 1, a large journal's chain is walked in that many processes at
        once, each from the entry stored before its range (the CLI uses every core).

        ``head`` is a hash recorded earlier (from ``verify``, an export manifest or a printed
        disclosure). Alone, it must be the hash of some entry of the chain: the books it was
        recorded from are then a prefix of these, and ``recorded`` says which entry it is, its
        date and how many entries came after; a hash no entry has is refused
        (``head_not_on_chain``). With ``at``, entry ``at`` must have it; with ``newest``, the
        newest entry must (which catches any entry appended since). Both catch a deleted tail
        and hashes recomputed throughout. ``signature`` with ``key`` checks that the recorded
        head itself was signed with the host's key (``head_signature``), so a head made up by
        whoever forged the journal is caught too.
        """
        recorded = None
        with self.reader.read() as t:
            last = t.ledger.head().id
            ranges = verify_ranges(last, workers) if self.path != ":memory:" else [(1, last)]
            if len(ranges) > 1:
                problems, walked = verify_in_processes(self.path, ranges)
            else:
                problems, walked = check_chain(t.ledger.stored_rows())
            problems += t.ledger.orphan_postings()
            problems += t.ledger.balance_mismatches()
            problems += t.ledger.unbalanced_totals()
            problems += t.ledger.redating_mismatches()
            if head is not None or at is not None or signature is not None or newest:
                if head is not None and at is None and not newest:
                    recorded = _on_chain(t, head, last)
                    at = recorded.entry
                problems += _head_problems(t, last, head, at, signature, key)
        return VerifyReport(not problems, walked.id, walked.hash, tuple(problems), recorded)

    def export(self, out: str | Path, *, format: str, account: str | None = None,
               compound: str | None = None, date_from: dt.date | str | None = None,
               date_to: dt.date | str | None = None, force: bool = False,
               key: bytes | None = None, lang: str = "zh") -> ExportManifest:
        """Export every posting in scope to ``out`` (csv, jsonl, xlsx or beancount) and write
        the manifest beside it; the database is only read, at one chain head.

        ``lang`` is the language of an XLSX export's headers (``zh`` or ``en``); the other
        formats keep their column ids, which programs read, whatever it is.

        ``out`` (or its manifest) may not be the database or one of its files, nor exist
        already unless ``force``; a failed export leaves neither file behind. With ``key``,
        the manifest's chain head is signed (``head_signature``)."""
        date_from = None if date_from is None else as_date(date_from, "date_from")
        date_to = None if date_to is None else as_date(date_to, "date_to")
        if format not in FORMATS:
            raise InvalidInput(f"export format {format!r} is unknown", field="--format",
                               fix=f"use one of {', '.join(FORMATS)}")
        if lang not in LANGS:
            raise InvalidInput(f"export language {lang!r} is unknown", field="--lang",
                               fix=f"use one of {', '.join(LANGS)}")
        path = Path(out)
        if not path.parent.is_dir():
            raise NotFound(f"folder {path.parent} does not exist", field="--out",
                           fix="create the folder first, or write the export elsewhere")
        guard((path, manifest_path_of(path)), protected=database_files(self.path), force=force)
        scope = ExportScope(account, compound, date_from, date_to)
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            if account is not None:
                _check_prefix(account, t.ledger.accounts())
            manifest = self._export_in(t, path, format, scope, t.ledger.head(), {},
                                       lang if format == "xlsx" else None)
        if key is not None:
            manifest = attrs.evolve(manifest, signature=head_signature(manifest.head, key))
        try:
            with replacing(manifest_path_of(path)) as handle:
                handle.write((json.dumps(manifest.as_json(), ensure_ascii=False, indent=1)
                              + "\n").encode())
        except CommonsError:
            path.unlink(missing_ok=True)  # an export without its manifest cannot be checked
            raise
        return manifest

    def write_disclosure(self, out: str | Path, text: str, *, force: bool = False) -> Path:
        """Write a rendered disclosure (``render_text``, ``render_html``, or its JSON) to
        ``out``, as exports are written: never over the database, over an existing file
        only with ``force``, never through a symlink, and whole or not at all."""
        path = Path(out)
        if not path.parent.is_dir():
            raise NotFound(f"folder {path.parent} does not exist", field="--out",
                           fix="create the folder first, or write the statement elsewhere")
        guard((path,), protected=database_files(self.path), force=force)
        with replacing(path) as handle:
            handle.write(text.encode())
        return path

    def _export_in(self, t: Tables, path: Path, format: str, scope: ExportScope,
                   head: ChainHead, names: dict[str, str], lang: str | None) -> ExportManifest:
        extents, name_width = t.export.extents(scope, head.id) if format == "xlsx" else ([], 0)
        job = ExportJob(path, format, scope, head, t.export.opening(scope, head.id),
                        tuple(t.export.openings(head.id)) if format == "beancount" else (),
                        names, lang or "zh", tuple(extents), name_width)
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
            str(manifest_path_of(path)), lang=lang)

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
                            "it is another ledger, or its journal was changed (verify "
                            "the ledger)"]
            with tempfile.TemporaryDirectory(prefix="commons-check-") as folder:
                derived = Path(folder) / manifest.export_path.name
                again = self._export_in(t, derived, manifest.format, manifest.scope, head,
                                        dict(manifest.accounts)
                                        if manifest.format == "beancount" else {},
                                        manifest.lang)
                return _differences(manifest, export, again, derived)

    def disclose(self, compound: str, period: str | DisclosurePeriod, *,
                 key: bytes | None = None, notice: str | Path | None = None,
                 published_on: dt.date | str | None = None, objection_days: int | None = None,
                 contact: str | None = None, how_to_object: str | None = None) -> Disclosure:
        """The disclosure statement (公示) of ``compound`` for a month or quarter, with the
        journal's head at the time, signed with ``key`` if one is given.

        The page's notice (docs/formats.md) comes from the TOML file ``notice`` if given;
        ``published_on`` (default: today), ``objection_days`` (the 公示期, default 7),
        ``contact`` and ``how_to_object`` override it."""
        span = period if isinstance(period, DisclosurePeriod) else DisclosurePeriod.parse(period)
        today = self.clock.today()
        published = (dt.date(today.year, today.month, today.day) if published_on is None
                     else as_date(published_on, "published_on"))
        check_published(span, published, defaulted=published_on is None)
        base = (read_notice(notice, published) if notice is not None
                else DisclosureNotice(published))
        page = base.overridden(objection_days=objection_days, contact=contact,
                               how_to_object=how_to_object)
        with self.reader.read() as t:
            statement = gather_disclosure(t, compound, span, self.clock.zone)
        return attrs.evolve(statement, notice=page, signature=None if key is None
                            else head_signature(statement.head, key))


def _check_prefix(prefix: str, names: Iterable[str]) -> None:
    """Refuse an export's ``--account`` that no account is or is under: a mistyped name
    would otherwise export nothing, and an empty trail reads as an account never used."""
    known = list(names)
    if any(matches_prefix(name, prefix) for name in known):
        return
    _, hint = nearest(prefix, known)
    raise NotFound(f"no account is {prefix} or under it", field="--account",
                   fix=hint.rstrip() or "list the accounts with `commons ledger accounts`",
                   code=ErrorCode.NOT_FOUND)


def _on_chain(t: Tables, head: str, last: int) -> RecordedHead:
    """The entry of the chain whose hash is ``head``; refused when no entry has it."""
    found = t.export.entry_of_hash(head.strip().lower())
    if found is None:
        raise NotFound(f"no entry of the journal has hash {head.strip()[:64]}: the books it was "
                       "recorded from are not a prefix of these books (another ledger, a "
                       "mistyped hash, or a journal changed and its hashes recomputed)",
                       field="head", fix="compare the hash with the printed one; if it is "
                       "the same, treat these books as altered and check them against an "
                       "export", code=ErrorCode.HEAD_NOT_ON_CHAIN)
    entry, day = found
    return RecordedHead(entry, day, last - entry)


def _head_problems(t: Tables, last: int, head: str | None, at: int | None,
                   signature: str | None, key: bytes | None) -> list[VerifyProblem]:
    """How the journal differs from the recorded ``head`` of entry ``at`` (default: the
    newest), and whether the head's ``signature`` holds under ``key``."""
    if head is None:
        # Named as typed: a new user gave --newest alone and was told of "a recorded entry".
        raise InvalidInput("--at, --newest and --signature check a recorded head, and none "
                           "was given", field="--head",
                           fix="give the hash the head was recorded with: --head HASH")
    if signature is not None and key is None:
        raise InvalidInput("a signature can only be checked with the key it was made with",
                           field="signature", fix="give the key the head was signed with")
    entry = last if at is None else at
    recorded = ChainHead(entry, head.strip().lower())
    problems = []
    if signature is not None and key is not None and \
            not signature_matches(recorded, key, signature):
        problems.append(VerifyProblem(
            ProblemKind.BAD_SIGNATURE, entry,
            f"the signature does not sign head {entry} {recorded.hash} with this key: the "
            "recorded head was not made by the key's holder"))
    held = t.export.link(entry) if entry else ChainHead()
    if held is None:
        problems.append(VerifyProblem(
            ProblemKind.MISSING_TAIL, entry,
            f"the journal ends at entry {last}; the recorded head is entry {entry}: its tail "
            "was deleted"))
    elif held.hash != recorded.hash:
        what = "the newest entry" if at is None else "entry"
        problems.append(VerifyProblem(
            ProblemKind.HEAD_MISMATCH, entry,
            f"{what} {entry} has hash {held.hash}; the recorded head says {recorded.hash}: "
            "entries were appended, or the journal was changed and its hashes recomputed"))
    return problems


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

