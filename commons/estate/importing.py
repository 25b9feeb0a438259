"""Checking estate CSV files before anything is stored: the whole batch, row by row.

``read_rows`` parses one file's rows into records (or a located problem per bad row);
``plan_import`` checks a batch of such files against what is already stored: duplicate ids,
unknown references, floors a building does not have, and stored ids with other content. The
result says which records are new, which are already recorded, and every problem found, so the
api can store all of a batch in one transaction or nothing. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

import attrs

from commons.errors import CommonsError, ConflictError, ErrorCode, InvalidInput, Problems
from commons.estate.compound import Building, Compound, ManagementArea
from commons.estate.household import Household
from commons.estate.resource import Resource
from commons.fields import LIST_SEPARATOR, parse_id
from commons.files import RAGGED_FIX, Row

__all__ = [
    "KINDS",
    "ConflictingImport",
    "EstateFile",
    "FileOutcome",
    "ImportPlan",
    "Record",
    "check_kind",
    "columns",
    "needed_ids",
    "plan_import",
    "read_rows",
]

Record = Compound | Building | Household | Resource | ManagementArea

# In the order a batch is checked and stored: each kind refers only to kinds before it.
KINDS = ("compounds", "buildings", "households", "resources", "management-areas")
_NOUN = {"compounds": "compound", "buildings": "building", "households": "household",
         "resources": "resource", "management-areas": "management area"}
_CLASS: dict[str, type[Record]] = {
    "compounds": Compound, "buildings": Building, "households": Household,
    "resources": Resource, "management-areas": ManagementArea}
# kind -> (the field naming the parent, the parent's kind)
_PARENT = {"buildings": ("compound", "compounds"), "households": ("building", "buildings"),
           "resources": ("compound", "compounds"), "management-areas": ("compounds", "compounds")}
MAX_REPORTED = 50  # problems described in full; the rest are counted


class ConflictingImport(Problems):
    """Every problem of an import is a stored id written again with other content: each member
    is a ``ConflictError``, so the code is ``already_recorded_differently``."""


def columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The required and the optional CSV columns of ``kind``."""
    cls = _CLASS[check_kind(kind)]
    return cls.HEADER, getattr(cls, "OPTIONAL", ())


def check_kind(kind: str) -> str:
    """``kind`` if it is one of ``KINDS``, else InvalidInput naming them."""
    if kind not in _CLASS:
        raise InvalidInput(f"unknown estate kind {kind!r}", field="KIND",
                           fix=f"use one of {', '.join(KINDS)}")
    return kind


@attrs.frozen
class EstateFile:
    """One file's parsed rows, each with its line, and the problems of the rows that failed."""

    kind: str
    file: str
    records: tuple[tuple[int, Record], ...]
    problems: tuple[CommonsError, ...]
    refused_ids: Mapping[str, int] = attrs.field(factory=dict)  # id -> line, of failed rows


def _record(kind: str, row: Row, this_year: int) -> Record:
    if kind == "compounds":
        return Compound.from_row(row, this_year=this_year)
    if kind == "buildings":
        return Building.from_row(row)
    if kind == "households":
        row.parse("id", parse_id)
        return Household.from_csv_row(row)
    if kind == "resources":
        return Resource.from_row(row)
    return ManagementArea.from_row(row)


def read_rows(kind: str, file: str, rows: Iterable[Row], *, this_year: int) -> EstateFile:
    """Parse every row of one file of ``kind``; a bad row becomes a located problem."""
    records: list[tuple[int, Record]] = []
    problems: list[CommonsError] = []
    refused: dict[str, int] = {}
    for row in rows:
        try:
            if row.problem is not None:
                raise InvalidInput(row.problem, fix=RAGGED_FIX, code=ErrorCode.MALFORMED_FILE)
            records.append((row.line, _record(kind, row, this_year)))
        except CommonsError as e:
            problems.append(e.located(file=row.file, line=row.line))
            refused.setdefault(row.text("id", required=False), row.line)
    return EstateFile(kind, file, tuple(records), tuple(problems), refused)


def _references(kind: str, record: Record) -> tuple[str, ...]:
    if isinstance(record, ManagementArea):
        return record.compounds
    field, _ = _PARENT[kind]
    return (str(getattr(record, field)),)


def needed_ids(files: Iterable[EstateFile]) -> dict[str, set[str]]:
    """By kind, the ids the store must be asked about: the batch's own and those it refers to."""
    needed: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for estate_file in files:
        for _, record in estate_file.records:
            needed[estate_file.kind].add(record.id)
            if estate_file.kind in _PARENT:
                needed[_PARENT[estate_file.kind][1]].update(_references(estate_file.kind, record))
    return needed


@attrs.frozen
class FileOutcome:
    """What importing one file would do: how many rows are new and how many already recorded."""

    kind: str
    file: str
    new: int
    already_recorded: int


@attrs.frozen
class ImportPlan:
    """The checked batch: new records by kind (to store in KINDS order), one outcome per file,
    and every problem found (none means the batch may be stored)."""

    new: Mapping[str, tuple[Record, ...]]
    outcomes: tuple[FileOutcome, ...]
    problems: tuple[CommonsError, ...]

    def raise_if_refused(self) -> None:
        """Raise ``Problems`` (``ConflictingImport`` if all are conflicts) naming each bad row."""
        if not self.problems:
            return
        rows = sum(o.new + o.already_recorded for o in self.outcomes) + len(self.problems)
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        what = (f"{len(self.problems)} of {rows} estate rows refused"
                f"{f' ({more} more not shown)' if more else ''}; nothing was imported")
        fix = "correct the lines named above and import the file again"
        if all(isinstance(p, ConflictError) for p in self.problems):
            raise ConflictingImport(what, shown, fix=fix)
        raise Problems(what, shown, fix=fix)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return repr(value) if value == "" else str(value)


def _conflict(kind: str, new: Record, old: Record) -> ConflictError | None:
    """The first field in which ``new`` differs from the stored ``old``, as a conflict."""
    for field in attrs.fields(type(new)):
        now, before = getattr(new, field.name), getattr(old, field.name)
        if now != before:
            return ConflictError(
                f"{_NOUN[kind]} {new.id!r} is already recorded with {field.name} "
                f"{_shown(before)}, not {_shown(now)}", field=field.name,
                fix="import never changes a stored record: make the row match it, or give "
                "a different record its own id", code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
    return None


class _Batch:
    """The records of a batch seen so far, where each came from, and the problems found."""

    def __init__(self, stored: Mapping[str, Mapping[str, Record]]) -> None:
        self.stored = stored
        self.seen: dict[str, dict[str, tuple[str, int, Record]]] = {k: {} for k in KINDS}
        self.refused: dict[str, dict[str, tuple[str, int]]] = {k: {} for k in KINDS}
        self.new: dict[str, list[Record]] = {k: [] for k in KINDS}
        self.problems: list[CommonsError] = []

    def parent(self, kind: str, ref: str) -> Record | None:
        seen = self.seen[kind].get(ref)
        return seen[2] if seen is not None else self.stored.get(kind, {}).get(ref)

    def problem(self, kind: str, record: Record) -> CommonsError | None:
        """What is wrong with ``record`` given the batch so far and the store, if anything."""
        if kind in _PARENT:
            field, parent_kind = _PARENT[kind]
            for ref in _references(kind, record):
                parent = self.parent(parent_kind, ref)
                if parent is None and ref not in self.refused[parent_kind]:
                    return InvalidInput(
                        f"{_NOUN[parent_kind]} {ref!r} is unknown", field=field,
                        fix=f"import the {parent_kind} first (or in the same batch), or check "
                        "the spelling")
                if isinstance(record, Household) and isinstance(parent, Building) \
                        and not parent.has_floor(record.floor):
                    return InvalidInput(
                        f"floor {record.floor} is above the top of building {parent.id!r}, "
                        f"which has {parent.floors} floors", field="floor",
                        fix="correct the floor, or the building's floors")
        return None

    def _refused_before(self, kind: str, id: str, file: str, line: int) -> tuple[str, int] | None:
        """Where a row with ``id`` that failed to parse came before this one, if one did."""
        refused = self.refused[kind].get(id)
        if refused is None or (refused[0] == file and refused[1] > line):
            return None
        return refused

    def add(self, estate_file: EstateFile) -> FileOutcome:
        kind, new, already = estate_file.kind, 0, 0
        problems = list(estate_file.problems)
        for refused_id, refused_line in estate_file.refused_ids.items():
            self.refused[kind].setdefault(refused_id, (estate_file.file, refused_line))
        for line, record in estate_file.records:
            first = self.seen[kind].get(record.id) or self._refused_before(kind, record.id,
                                                                           estate_file.file, line)
            if first is not None:
                error: CommonsError | None = InvalidInput(
                    f"{_NOUN[kind]} {record.id!r} appears twice (first at {first[0]}:{first[1]})",
                    field="id", fix="give each row its own id")
            else:
                self.seen[kind][record.id] = (estate_file.file, line, record)
                error = self.problem(kind, record)
            stored = self.stored.get(kind, {}).get(record.id)
            if error is None and stored is not None:
                error = _conflict(kind, record, stored)
            if error is not None:
                problems.append(error.located(file=estate_file.file, line=line))
            elif stored is not None:
                already += 1
            else:
                new += 1
                self.new[kind].append(record)
        self.problems.extend(sorted(problems, key=lambda p: p.line or 0))
        return FileOutcome(kind, estate_file.file, new, already)


def plan_import(files: Sequence[EstateFile],
                stored: Mapping[str, Mapping[str, Record]]) -> ImportPlan:
    """Check a batch of parsed files against ``stored`` (by kind, the stored records of
    ``needed_ids``). References may point to rows of any file in the batch or to stored rows;
    files are checked in KINDS order, outcomes come back in the order the files were given."""
    batch = _Batch(stored)
    order = sorted(range(len(files)), key=lambda i: KINDS.index(files[i].kind))
    outcomes = {i: batch.add(files[i]) for i in order}
    return ImportPlan({k: tuple(v) for k, v in batch.new.items()},
                      tuple(outcomes[i] for i in range(len(files))), tuple(batch.problems))
