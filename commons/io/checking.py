"""Checking an audit export against its manifest, and against the ledger it came from.

From the files alone: every file's sha256 and size, and the rows, entries, totals and closing
balances counted again from the export's own cells (each running balance must follow from the
one before it). With the database: the rows derived again from the ledger at the manifest's
chain head must give the same file, or the first line (cell, for XLSX) that differs is named.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound
from commons.extras import require
from commons.io.export_xlsx import HEADERS, SUMMARY_SHEET, TOTAL_LABELS
from commons.io.exporting import (
    MANIFEST_SUFFIX,
    ExportManifest,
    manifest_path_of,
)
from commons.ledger.export import COLUMNS, plain_amount
from commons.money import currency_of, parse_fen

__all__ = [
    "Recount",
    "compare_files",
    "export_and_manifest",
    "file_digest",
    "file_problems",
    "read_manifest",
    "recount",
    "recount_problems",
]

MAX_PROBLEMS = 20
_BEAN_POSTING = re.compile(r"  (\S+)  (-?[0-9]+(?:\.[0-9]+)?) ([A-Z]{3})")
_BEAN_TRANSACTION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} \* ")


class Recount:
    """Rows, entries, debits and credits per currency and the last balance of every account,
    counted from an export's cells, and what did not add up on the way."""

    def __init__(self, *, distinct_entries: bool = False) -> None:
        self.rows = 0
        self.entries = 0
        self.debits: dict[str, int] = {}
        self.credits: dict[str, int] = {}
        self.balances: dict[tuple[str, str], int] = {}
        self.problems: list[str] = []
        self._last_entry: object = None
        # An XLSX export lists an entry on each of its accounts' sheets, so its entries are
        # counted by id (a sheet holds at most a million rows, so the set stays bounded).
        self._seen: set[object] | None = set() if distinct_entries else None

    def problem(self, text: str) -> None:
        """Note a problem (the first ``MAX_PROBLEMS`` are kept)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def row(self, where: str, entry: object, account: str, fen: int, currency: str,
            balance: int | None) -> None:
        """Count one row; ``balance`` None means the format carries no running balance."""
        self.rows += 1
        if self._seen is not None:
            if entry not in self._seen:
                self._seen.add(entry)
                self.entries += 1
        elif entry != self._last_entry:
            self.entries += 1
            self._last_entry = entry
        sums = self.debits if fen > 0 else self.credits
        sums[currency] = sums.get(currency, 0) + fen
        key = (account, currency)
        before = self.balances.get(key)
        if balance is None:
            self.balances[key] = (before or 0) + fen
            return
        if before is not None and before + fen != balance:
            def text(fen: int) -> str:
                return plain_amount(fen, currency)

            self.problem(f"{where}: the balance of {account} is {text(balance)}, but the one "
                         f"before ({text(before)}) plus the amount ({text(fen)}) is "
                         f"{text(before + fen)}")
        self.balances[key] = balance


def read_manifest(path: str | Path) -> ExportManifest:
    """The manifest of an export, given the export file or the manifest itself."""
    where = manifest_path_of(path)
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"manifest {where} does not exist", file=str(where),
                       fix="give the export file or the .manifest.json written with it; a "
                           "manifest of another name only by naming it as the manifest",
                       context={"kind": "manifest", "id": str(where)},
                       code=ErrorCode.NOT_FOUND) from None
    except ValueError as e:
        raise InvalidInput(f"manifest {where} is not JSON: {e}", file=str(where),
                           fix="give the .manifest.json written with the export",
                           code=ErrorCode.MALFORMED_FILE) from None
    return ExportManifest.from_json(data, path=str(where))


def export_and_manifest(path: str | Path, manifest: str | Path | None = None
                        ) -> tuple[Path, ExportManifest]:
    """The export file to check and the manifest to check it against.

    The file is the one given (given a manifest alone, the file it is paired with by name:
    ``b.csv`` for ``b.csv.manifest.json``), never the name recorded inside the manifest, so a
    renamed pair is checked as it now is. The manifest is the one paired with the file by name,
    unless the caller names another (``manifest``): a manifest never vouches for a file of
    another name on its own.
    """
    given = Path(path)
    if given.name.endswith(MANIFEST_SUFFIX):
        if manifest is not None:
            raise InvalidInput(f"{given} is a manifest, and another manifest was named too",
                               file=str(given), field="--manifest",
                               fix="give the export file and its manifest, or the manifest alone",
                               context={"kind": "manifest"}, code=ErrorCode.INVALID_INPUT)
        return given.with_name(given.name[:-len(MANIFEST_SUFFIX)]), read_manifest(given)
    if manifest is None:
        return given, read_manifest(given)
    if not Path(manifest).name.endswith(MANIFEST_SUFFIX):
        raise InvalidInput(f"manifest {manifest} is not a manifest file", field="--manifest",
                           fix=f"give the {MANIFEST_SUFFIX} file written with the export",
                           code=ErrorCode.INVALID_INPUT)
    return given, read_manifest(manifest)


def file_digest(path: Path) -> str | None:
    """The sha256 of the file at ``path`` (None if there is none)."""
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_problems(manifest: ExportManifest, export: Path) -> list[str]:
    """Files that are missing, or whose size or sha256 differs from the manifest's; the
    manifest's first file is checked as ``export``, any other beside the manifest."""
    problems = []
    folder = Path(manifest.path).parent
    for index, f in enumerate(manifest.files):
        path = export if index == 0 else folder / f.name
        digest = file_digest(path)
        if digest is None:
            problems.append(f"{path} is missing")
            continue
        if path.stat().st_size != f.bytes:
            problems.append(f"{path} has {path.stat().st_size} bytes; the manifest says "
                            f"{f.bytes}")
        if digest != f.sha256:
            problems.append(f"{path} has sha256 {digest}; the manifest says {f.sha256}: the "
                            "file was changed after the export")
    return problems


def recount(manifest: ExportManifest, path: Path) -> Recount:
    """Count the export at ``path`` again from its own cells."""
    count = Recount(distinct_entries=manifest.format == "xlsx")
    if not path.is_file():
        return count
    try:
        _RECOUNTERS[manifest.format](path, manifest, count)
    except Exception as e:  # a damaged file can fail in any way inside a reader (zip, XML)
        count.problem(f"{path} cannot be read as {manifest.format}: {e}")
    return count


def _recount_csv(path: Path, _manifest: ExportManifest, count: Recount) -> None:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != list(COLUMNS):
            count.problem(f"{path} line 1: the header is not {','.join(COLUMNS)}")
        for line, cells in enumerate(reader, 2):
            if len(cells) != len(COLUMNS):
                count.problem(f"{path} line {line}: {len(cells)} cells, not {len(COLUMNS)}")
                continue
            try:
                count.row(f"{path} line {line}", cells[0], cells[3],
                          parse_fen(cells[6], cells[7]), cells[7], parse_fen(cells[8], cells[7]))
            except CommonsError as e:
                count.problem(f"{path} line {line}: {e}")


def _recount_jsonl(path: Path, _manifest: ExportManifest, count: Recount) -> None:
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            try:
                row = json.loads(text)
                count.row(f"{path} line {line}", row["entry_id"], row["account"],
                          parse_fen(row["amount"], row["currency"]), row["currency"],
                          parse_fen(row["balance"], row["currency"]))
            except (ValueError, KeyError, TypeError, CommonsError) as e:
                count.problem(f"{path} line {line}: not an export row ({e})")


def _cell_fen(value: object, currency: str) -> int:
    """A spreadsheet number back to fen (minor units): openpyxl reads it as a float, whose
    shortest repr is the text with the currency's decimals the export wrote, so no float
    arithmetic touches the amount."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{value!r} is not an amount")
    exact = Decimal(repr(value)).scaleb(currency_of(currency).minor_units)
    if exact != exact.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number of {currency}'s minor unit")
    return int(exact)


def _workbook_rows(path: Path, *, summary: bool = False
                   ) -> Iterator[tuple[str, int, tuple[Any, ...]]]:
    """(sheet title, row number, values) of every account sheet's rows (and the summary's)."""
    require("xlsx")
    import openpyxl  # noqa: PLC0415 - only XLSX checks pay for loading it

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title == SUMMARY_SHEET and not summary:
                continue
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                yield sheet.title, number, tuple(values)
    finally:
        book.close()


def _recount_xlsx(path: Path, _manifest: ExportManifest, count: Recount) -> None:
    headers = (COLUMNS, *HEADERS.values())  # COLUMNS: an export made before headers were named
    sums: dict[tuple[str, str], int] = {}  # per sheet and currency, for its totals rows
    for title, number, cells in _workbook_rows(path):
        where = f"{path} sheet {title} row {number}"
        # A reader drops the empty end of a totals row.
        total = bool(cells) and cells[0] in TOTAL_LABELS.values()
        values = cells + (None,) * (len(COLUMNS) - len(cells)) if total else cells
        if number == 1:
            if values not in headers:
                count.problem(f"{where}: the header is not {','.join(HEADERS['zh'])} "
                              f"(nor {','.join(HEADERS['en'])})")
            continue
        if len(values) != len(COLUMNS):
            count.problem(f"{where}: {len(values)} cells, not {len(COLUMNS)}")
            continue
        try:
            currency = str(values[7])
            fen = _cell_fen(values[6], currency)
            if total:
                added = sums.get((title, currency), 0)
                if fen != added:
                    count.problem(f"{where}: the total is {plain_amount(fen, currency)}, but "
                                  f"the rows above add up to {plain_amount(added, currency)}")
                continue
            sums[(title, currency)] = sums.get((title, currency), 0) + fen
            count.row(where, values[0], str(values[3]), fen, currency,
                      _cell_fen(values[8], currency))
        except (ValueError, CommonsError) as e:
            count.problem(f"{where}: {e}")


def _recount_beancount(path: Path, manifest: ExportManifest, count: Recount) -> None:
    commons_of = {bean: name for name, bean in manifest.accounts.items()}
    in_scope = {name for name, _ in manifest.balances}
    entry: str | None = None
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            if _BEAN_TRANSACTION.match(text):
                entry = None
            elif text.startswith("  commons-entry: "):
                entry = text.split(":", 1)[1].strip()
            elif posting := _BEAN_POSTING.fullmatch(text.rstrip("\n")):
                name = commons_of.get(posting.group(1), "")
                if name not in in_scope:
                    continue
                currency = posting.group(3)
                try:
                    fen = parse_fen(posting.group(2), currency)
                except CommonsError as e:
                    count.problem(f"{path} line {line}: {e}")
                    continue
                if entry is None:  # the balances brought forward
                    key = (name, currency)
                    count.balances[key] = count.balances.get(key, 0) + fen
                else:
                    count.row(f"{path} line {line}", entry, name, fen, currency, None)


_RECOUNTERS = {"csv": _recount_csv, "jsonl": _recount_jsonl, "xlsx": _recount_xlsx,
               "beancount": _recount_beancount}


def recount_problems(manifest: ExportManifest, count: Recount, name: str) -> list[str]:
    """Where the recount of the file called ``name`` disagrees with the manifest."""
    problems = list(count.problems)
    if count.rows != manifest.rows:
        problems.append(f"{name} holds {count.rows} rows; the manifest says {manifest.rows}")
    if count.entries != manifest.entries:
        problems.append(f"{name} holds {count.entries} entries; the manifest says "
                        f"{manifest.entries}")
    for total in manifest.totals:
        for side, fen, counted in (("debits", total.debits.fen, count.debits),
                                   ("credits", total.credits.fen, count.credits)):
            if counted.get(total.currency, 0) != fen:
                problems.append(f"{name}: {total.currency} {side} add up to "
                                f"{plain_amount(counted.get(total.currency, 0), total.currency)}"
                                f"; the manifest says {plain_amount(fen, total.currency)}")
    listed = {(a, m.currency): m.fen for a, m in manifest.balances}
    for key, fen in sorted(count.balances.items()):
        if listed.get(key) != fen:
            said = plain_amount(listed[key], key[1]) if key in listed else "nothing"
            problems.append(f"{name}: {key[0]} closes at {plain_amount(fen, key[1])} {key[1]}; "
                            f"the manifest says {said}")
    return problems


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        yield from f


def _first_difference(found: Iterable[Any], wanted: Iterable[Any], what: str) -> str | None:
    for number, (mine, theirs) in enumerate(itertools.zip_longest(found, wanted), 1):
        if mine != theirs:
            if mine is None:
                return f"{what} {number} is missing from the file; the ledger has {theirs!r}"
            if theirs is None:
                return f"{what} {number} is not in the ledger: the file has {mine!r}"
            return f"{what} {number} differs: the file has {mine!r}, the ledger has {theirs!r}"
    return None


def compare_files(manifest: ExportManifest, path: Path, derived: Path) -> list[str]:
    """Where the export at ``path`` differs from ``derived``, the same export made again from
    the ledger."""
    if manifest.format == "xlsx":
        try:
            found = _first_difference(_workbook_rows(path, summary=True),
                                      _workbook_rows(derived, summary=True),
                                      f"{path.name}: cell row")
        except Exception as e:  # as in recount: a damaged workbook cannot be read at all
            found = f"{path.name} cannot be read as xlsx: {e}"
    else:
        found = _first_difference((line.decode(errors="replace").rstrip("\r\n")
                                   for line in _lines(path)),
                                  (line.decode().rstrip("\r\n") for line in _lines(derived)),
                                  f"{path.name} line")
    return [found] if found else []
