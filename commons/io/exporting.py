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
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.io.export_xlsx import SheetExtent, write_xlsx
from commons.io.writing import replacing
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
from commons.money import Money

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
    lang: str | None = None  # the XLSX headers' language; None for the other formats

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
            "lang": self.lang,
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
                       None if head.get("signature") is None else str(head["signature"]),
                       None if data.get("lang") is None else str(data["lang"]))
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


class _Hashing:
    """A binary file that hashes and counts what is written to it (a workbook, written in
    large pieces, so no second thread is worth it)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)


Entries = Callable[[], Iterator[ScopedEntry]]


@attrs.frozen
class ExportJob:
    """One export to write: where, what, at which head, and what the store read beforehand;
    an XLSX export's header language, and the sizes that bound its columns' widths."""

    path: Path
    format: str
    scope: ExportScope
    head: ChainHead
    opening: Mapping[tuple[str, str], int]
    openings: tuple[tuple[str, str | None, str, tuple[str, ...]], ...]
    names: Mapping[str, str]
    lang: str = "zh"
    extents: tuple[SheetExtent, ...] = ()
    name_width: int = 0


def write_export(job: ExportJob, entries: Entries) -> tuple[Tally, ExportedFile, dict[str, str]]:
    """Write ``job``'s file from a fresh stream of ``entries``; its tally, file and names."""
    tally = Tally(job.opening)
    with replacing(job.path) as handle:
        if job.format == "xlsx":
            hashing = _Hashing(handle)
            names = write_xlsx(hashing, entries(), tally, lang=job.lang, extents=job.extents,
                               id_digits=len(str(job.head.id)), names=job.name_width)
            digest, size = hashing.digest.hexdigest(), hashing.size
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
