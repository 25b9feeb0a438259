"""Writing audit exports: CSV, JSON Lines, XLSX and Beancount files, and the manifest beside each.

The rows come from ``commons.ledger.export`` as the store streams them, so memory stays flat
whatever the ledger's size: text formats are written a batch of entries at a time and hashed as
they are written; XLSX goes through openpyxl's write-only mode, one sheet per account. A file is
written under a new temporary name and renamed when complete (``commons.io.writing``), so a
failed export leaves no partial file, and no symlink is written through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.extras import require
from commons.io.writing import replacing
from commons.l10n import amount_decimal, spreadsheet_format
from commons.ledger.export import (
    COLUMNS,
    ExportScope,
    ScopedEntry,
    Tally,
    beancount_entry,
    beancount_names,
    csv_header,
    csv_text,
    export_rows,
    jsonl_line,
    plain_amount,
)
from commons.ledger.rules import ChainHead
from commons.money import Money, currency_of

__all__ = [
    "MANIFEST_SUFFIX",
    "CurrencyTotal",
    "ExportJob",
    "ExportManifest",
    "ExportedFile",
    "manifest_path_of",
    "write_export",
]

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_KIND = "commons audit export"
DATE_FORMAT = "yyyy-mm-dd"
SUMMARY_SHEET = "summary"
SUMMARY_COLUMNS = ("account", "sheet", "currency", "opening", "debits", "credits", "closing",
                   "rows")
BROUGHT_FORWARD = "Equity:Export-Brought-Forward"


@attrs.frozen
class ExportedFile:
    """One file an export wrote: its name (beside the manifest), sha256 and size in bytes."""

    name: str
    sha256: str
    bytes: int


@attrs.frozen
class CurrencyTotal:
    """The postings in scope of one currency: their debits (positive) and credits (negative)."""

    currency: str
    debits: Money
    credits: Money


@attrs.frozen
class ExportManifest:
    """What an export holds, written as JSON beside it (``<file>.manifest.json``).

    ``head`` is the chain head the export was made at; ``balances`` the closing balance of every
    account in scope; ``accounts`` the names the format gave commons' accounts (Beancount names,
    XLSX sheet titles; empty for CSV and JSON Lines).
    """

    format: str
    scope: ExportScope
    head: ChainHead
    rows: int
    entries: int
    totals: tuple[CurrencyTotal, ...]
    balances: tuple[tuple[str, Money], ...]
    files: tuple[ExportedFile, ...]
    library_version: str
    created_at: str
    accounts: Mapping[str, str] = attrs.field(factory=dict)
    path: str = ""
    signature: str | None = None  # the head's, where the host gave a key (docs/tamper.md)

    @property
    def export_path(self) -> Path:
        """Where the export file is: beside the manifest."""
        return Path(self.path).parent / self.files[0].name

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to ``OUT.manifest.json`` (see docs/exports.md)."""
        return {
            "kind": MANIFEST_KIND, "format": self.format, "scope": self.scope.as_json(),
            "chain_head": {"id": self.head.id, "hash": self.head.hash,
                           "signature": self.signature},
            "rows": self.rows, "entries": self.entries,
            "totals": [{"currency": t.currency, "debits": t.debits.format(),
                        "credits": t.credits.format()} for t in self.totals],
            "balances": [{"account": a, "currency": m.currency, "balance": m.format()}
                         for a, m in self.balances],
            "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.bytes}
                      for f in self.files],
            "accounts": dict(self.accounts), "columns": list(COLUMNS),
            "library_version": self.library_version, "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, data: object, *, path: str) -> ExportManifest:
        """Read a manifest back; anything missing or malformed is an InvalidInput naming it."""
        if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
            raise InvalidInput(f"{path} is not a commons export manifest",
                               fix="give the .manifest.json written beside the export",
                               code=ErrorCode.MALFORMED_FILE)
        field = "format"
        try:
            head = data["chain_head"]
            field = "totals"
            totals = tuple(CurrencyTotal(t["currency"], Money.parse(t["debits"], t["currency"]),
                                         Money.parse(t["credits"], t["currency"]))
                           for t in data["totals"])
            field = "balances"
            balances = tuple((b["account"], Money.parse(b["balance"], b["currency"]))
                             for b in data["balances"])
            field = "files"
            files = tuple(ExportedFile(str(f["name"]), str(f["sha256"]), int(f["bytes"]))
                          for f in data["files"])
            field = "scope"
            return cls(str(data["format"]), ExportScope.from_json(data["scope"]),
                       ChainHead(int(head["id"]), str(head["hash"])), int(data["rows"]),
                       int(data["entries"]), totals, balances, files,
                       str(data["library_version"]), str(data["created_at"]),
                       dict(data.get("accounts") or {}), path,
                       None if head.get("signature") is None else str(head["signature"]))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise InvalidInput(f"manifest {path} is malformed near {field!r}: {e}",
                               file=path, field=field,
                               fix="export again; a manifest is never edited by hand",
                               code=ErrorCode.MALFORMED_FILE) from None


def manifest_path_of(path: str | Path) -> Path:
    """The manifest of an export file (or the manifest itself, given one)."""
    p = Path(path)
    return p if p.name.endswith(MANIFEST_SUFFIX) else p.with_name(p.name + MANIFEST_SUFFIX)


class _Sink:
    """A binary file that hashes and counts what is written to it.

    Hashing and writing happen in a second thread, a few pieces behind: both release the GIL,
    so they overlap with the formatting of the next rows (a bounded queue keeps memory flat).
    """

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0
        self._pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (piece := self._pieces.get()) is not None:
            if self._failed is None:
                try:
                    self.digest.update(piece)
                    self.handle.write(piece)
                except BaseException as e:  # re-raised in the writing thread by close()
                    self._failed = e

    def write(self, text: str) -> None:
        data = text.encode()
        self.size += len(data)
        self._pieces.put(data)

    def close(self) -> None:
        """Wait for every piece to be written; raise what the writing failed with."""
        self._pieces.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed


def _file_digest(handle: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


Entries = Callable[[], Iterator[ScopedEntry]]


@attrs.frozen
class ExportJob:
    """One export to write: where, what, at which head, and what the store read beforehand."""

    path: Path
    format: str
    scope: ExportScope
    head: ChainHead
    opening: Mapping[tuple[str, str], int]
    openings: tuple[tuple[str, str | None, str, tuple[str, ...]], ...]
    names: Mapping[str, str]


def write_export(job: ExportJob, entries: Entries) -> tuple[Tally, ExportedFile, dict[str, str]]:
    """Write ``job``'s file from a fresh stream of ``entries``; its tally, file and names."""
    tally = Tally(job.opening)
    with replacing(job.path) as handle:
        if job.format == "xlsx":
            names = _write_xlsx(handle, entries(), tally)
            digest, size = _file_digest(handle)
        else:
            sink = _Sink(handle)
            try:
                names = _TEXT_WRITERS[job.format](sink, job, entries(), tally)
            finally:
                sink.close()
            digest, size = sink.digest.hexdigest(), sink.size
    return tally, ExportedFile(job.path.name, digest, size), names


def _write_csv(sink: _Sink, _job: ExportJob, entries: Iterator[ScopedEntry], tally: Tally
               ) -> dict[str, str]:
    sink.write("\ufeff" + csv_header())  # the byte-order mark tells Excel the text is UTF-8
    for text in csv_text(entries, tally):
        sink.write(text)
    return {}


def _write_jsonl(sink: _Sink, _job: ExportJob, entries: Iterator[ScopedEntry], tally: Tally
                 ) -> dict[str, str]:
    batch: list[str] = []
    for row in export_rows(entries, tally):
        batch.append(jsonl_line(row) + "\n")
        if len(batch) >= 5000:
            sink.write("".join(batch))
            batch.clear()
    sink.write("".join(batch))
    return {}


def _write_beancount(sink: _Sink, job: ExportJob, entries: Iterator[ScopedEntry], tally: Tally
                     ) -> dict[str, str]:
    names = dict(job.names) or beancount_names(name for name, *_ in job.openings)
    forward = BROUGHT_FORWARD
    while forward in names.values():
        forward += "-X"
    sink.write(f"; commons audit export at chain head {job.head.id} {job.head.hash}\n"
               f"; scope: {job.scope.describe()}\n; commons account -> Beancount account:\n")
    sink.write("".join(f";   {c} -> {b}\n" for c, b in sorted(names.items())))
    sink.write('option "title" "commons audit export"\noption "operating_currency" "CNY"\n\n')
    for name, opened_on, first, currencies in job.openings:
        sink.write(f"{opened_on or first} open {names[name]} {','.join(currencies)}\n")
    held: dict[tuple[str, str], int] = {}
    if job.scope.date_from is not None and any(job.opening.values()):
        sink.write(_brought_forward(job, names, forward, held))
    last_day = ""
    for entry in entries:
        sink.write(beancount_entry(entry, names))
        tally.entries += 1
        for leg in entry.legs:
            if leg.in_scope:
                tally.add(leg.account, leg.amount_fen, leg.currency)
            key = (names[leg.account], leg.currency)
            held[key] = held.get(key, 0) + leg.amount_fen
        last_day = entry.date
    sink.write(_assertions(job, names, tally, held, last_day))
    return names


def _brought_forward(job: ExportJob, names: Mapping[str, str], forward: str,
                     held: dict[tuple[str, str], int]) -> str:
    """One transaction carrying the balances before the scope's first date, against an equity
    account of the export's own, so the balances asserted at the end are commons' own."""
    assert job.scope.date_from is not None
    day = job.scope.date_from.isoformat()
    lines = [f"{day} open {forward}", f'{day} * "balances brought forward from before {day}"']
    sums: dict[str, int] = {}
    for (account, currency), fen in sorted(job.opening.items()):
        if fen:
            lines.append(f"  {names[account]}  {plain_amount(fen, currency)} {currency}")
            held[(names[account], currency)] = held.get((names[account], currency), 0) + fen
            sums[currency] = sums.get(currency, 0) + fen
    lines += [f"  {forward}  {plain_amount(-fen, currency)} {currency}"
              for currency, fen in sums.items()]
    return "\n".join(lines) + "\n\n"


def _assertions(job: ExportJob, names: Mapping[str, str], tally: Tally,
                held: Mapping[tuple[str, str], int], last_day: str) -> str:
    """Balance directives for every account in scope, the day after the scope ends, so that
    bean-check itself proves the file's balances are commons'. Beancount's balance includes
    sub-accounts, so each asserts what the file holds under its name."""
    end = job.scope.date_to.isoformat() if job.scope.date_to else last_day
    if not end:
        return ""
    day = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
    out = []
    for (account, currency) in sorted(tally.balances):
        bean = names[account]
        fen = sum(v for (name, cur), v in held.items()
                  if cur == currency and (name == bean or name.startswith(bean + ":")))
        out.append(f"{day} balance {bean}  {plain_amount(fen, currency)} {currency}\n")
    return "".join(out)


_TEXT_WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "beancount": _write_beancount}


def _sheet_title(name: str, taken: set[str]) -> str:
    """An XLSX sheet title for account ``name``, not among ``taken`` (and added to it): ``:``
    is not allowed in one, and at most 31 characters are, so ``assets:bank:x`` is
    ``assets.bank.x``, shortened and numbered when two would coincide."""
    base = name.replace(":", ".")[:31]
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}~{n}"
    taken.add(title)
    return title


def _amount_cell(fen: int, currency: str) -> tuple[Decimal, str]:
    """An amount as a spreadsheet cell holds it: the exact Decimal and the currency's number
    format (``"¥"#,##0.00``; ``"JP¥"#,##0``)."""
    unit = currency_of(currency)
    return (amount_decimal(fen, unit.minor_units),
            spreadsheet_format(unit.minor_units, unit.symbol))


def _write_xlsx(handle: BinaryIO, entries: Iterator[ScopedEntry], tally: Tally) -> dict[str, str]:
    require("xlsx")
    import openpyxl  # noqa: PLC0415 - only an XLSX export pays for loading it
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    book = openpyxl.Workbook(write_only=True)
    summary = book.create_sheet(SUMMARY_SHEET)
    sheets: dict[str, Any] = {}
    titles: dict[str, str] = {}
    taken = {SUMMARY_SHEET}
    moves: dict[tuple[str, str], list[int]] = {}

    def amount(sheet: Any, fen: int, currency: str) -> Any:
        return cell(sheet, *_amount_cell(fen, currency))

    def cell(sheet: Any, value: object, number_format: str | None = None) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # text, even if it begins with "=": never a formula
        if number_format:
            made.number_format = number_format
        return made

    try:
        for row in export_rows(entries, tally):
            sheet = sheets.get(row.account)
            if sheet is None:
                titles[row.account] = _sheet_title(row.account, taken)
                sheet = sheets[row.account] = book.create_sheet(titles[row.account])
                sheet.freeze_panes = "A2"
                sheet.append(list(COLUMNS))
            sheet.append([row.entry_id, row.seq,
                          cell(sheet, dt.date.fromisoformat(row.date), DATE_FORMAT),
                          row.account, ";".join(row.counterparts), cell(sheet, row.memo),
                          amount(sheet, row.amount_fen, row.currency), row.currency,
                          amount(sheet, row.balance_fen, row.currency),
                          cell(sheet, row.external_id), cell(sheet, row.actor), row.reverses,
                          row.reversed_by, row.entry_hash])
            sums = moves.setdefault((row.account, row.currency), [0, 0, 0])
            sums[0 if row.amount_fen > 0 else 1] += row.amount_fen
            sums[2] += 1
        summary.freeze_panes = "A2"
        summary.append(list(SUMMARY_COLUMNS))
        for (account, currency), closing in sorted(tally.balances.items()):
            debits, credits, count = moves.get((account, currency), (0, 0, 0))
            summary.append([account, titles.get(account, ""), currency] + [
                amount(summary, v, currency)
                for v in (tally.opening.get((account, currency), 0), debits, credits, closing)
            ] + [count])
    except BaseException:
        for sheet in (summary, *sheets.values()):
            sheet.close()  # end each sheet's writer now, not when it is collected
        raise
    book.save(handle)
    return titles
