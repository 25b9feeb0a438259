"""The files of volunteer points: a programme in TOML (its kinds, staff, shelf and members) and
a roster in CSV (``activity,kind,date,person,quantity``), each error naming the file, the line
(a roster's) and the field."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from commons.errors import CommonsError, InvalidInput, Problems, Where
from commons.files import Row, batched, csv_rows, open_text, read_toml
from commons.io.journal_jsonl import PARALLEL_FROM_BYTES
from commons.io.worker import in_worker
from commons.money import Money
from commons.periods import read_date
from commons.points.earning import LineRow, RosterLine, parse_quantity
from commons.points.model import (
    PERSON_PATTERN,
    TOKEN_PATTERN,
    ActivityKind,
    Basis,
    Member,
    Programme,
    ShelfItem,
    Staff,
    parse_basis,
)

__all__ = ["PROGRAMME_HELP", "ROSTER_COLUMNS", "read_programme", "read_roster",
           "read_roster_chunks"]

T = TypeVar("T")
ROSTER_COLUMNS = ("activity", "kind", "date", "person", "quantity")
PROGRAMME_HELP = """\b
PROGRAMME.toml:
  id = "jiazhou-jx171"
  name = "嘉州积分 江西路171号院"
  operator = "江西路社区"           # the community or street office that runs it
  monthly_cap = 300                # points a person may earn in a month
  points_per_yuan = 10             # redemption rate
  expiry_months = 24
  sponsor = "shinan-street-office"
  fund = "2000.00"                 # yuan that reimburse providers for redeemed points
  cross_household = false          # transfers only within a household
  [[kind]]
  id = "clean-up"
  name = "环境清洁"
  basis = "hour"                   # or "task"
  points = 10
  [[staff]]
  person = "organiser-id"
  role = "organiser"               # a roster's confirmer has another role
  [[shelf]]
  id = "rice-5kg"
  name = "大米 5kg"
  points = 400
  stock = 20
  [[member]]
  person = "r-101"
  household = "jx171-1-101"
  named = true                     # agreed to be named on the notice board
"""


def _value(table: Mapping[str, Any], key: str, kind: type[T], where: str,
           default: T | None = None) -> T:
    value = table.get(key, default)
    if value is None:
        raise InvalidInput(f"{where} has no {key}", field=key, fix=f"give {where} its {key}")
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        wanted, example = _KINDS[kind]
        raise InvalidInput(f"{where}: {key} {value!r} is not {wanted}", field=key,
                           fix=f"write {key} = {example}")
    return value


# What each TOML type is called in an error, and an example (money is text: "2000.00").
_KINDS: dict[type, tuple[str, str]] = {str: ("text in quotes", '"..." (money too: "2000.00")'),
                                       int: ("a whole number", "10, with no quotes"),
                                       bool: ("true or false", "true or false, no quotes")}


def _basis(table: Mapping[str, Any], where: str) -> Basis:
    try:
        return parse_basis(_value(table, "basis", str, where))
    except CommonsError as e:
        raise e.located(field="basis") from None


def _each(data: Mapping[str, Any], key: str, make: Callable[[Mapping[str, Any], str], T],
          errors: list[CommonsError]) -> tuple[T, ...]:
    """Each [[key]] table made by ``make``; the problems of bad ones added to ``errors``."""
    tables = data.get(key, [])
    if not isinstance(tables, list):
        errors.append(InvalidInput(f"{key} is not a list of tables", field=key,
                                   fix=f"write each as [[{key}]]"))
        return ()
    out = []
    for n, table in enumerate(tables, start=1):
        where = f"[[{key}]] number {n}"
        if not isinstance(table, dict):
            errors.append(InvalidInput(f"{where} is not a table", field=key,
                                       fix=f"write [[{key}]]"))
            continue
        try:
            out.append(make(table, where))
        except CommonsError as e:
            # The field inside the table, named as its place in the file: kind[2].basis.
            e.where = Where(e.where.file, e.where.line, f"{key}[{n}].{e.where.field or key}")
            errors.append(e)
    return tuple(out)


def _collect(errors: list[CommonsError], make: Callable[[], T], field: str) -> T | None:
    """``make()``, or None with its problem (in ``field``, unless it names one) added."""
    try:
        return make()
    except CommonsError as e:
        errors.append(e if e.where.field else e.located(field=field))
        return None


def _programme(data: Mapping[str, Any], errors: list[CommonsError]) -> Programme | None:
    """The programme ``data`` describes; None, with every bad value's problem added to
    ``errors``, if it has some."""
    where = "the programme"
    s, i = str, int
    before = len(errors)

    def value(key: str, kind: type[T], default: T | None = None) -> Any:
        return _collect(errors, lambda: _value(data, key, kind, where, default), key)

    ident, name, operator = value("id", s), value("name", s), value("operator", s)
    kinds = _each(data, "kind", lambda t, w: ActivityKind(
        _value(t, "id", s, w), _value(t, "name", s, w), _basis(t, w),
        _value(t, "points", i, w)), errors)
    cap, rate, months = value("monthly_cap", i), value("points_per_yuan", i), \
        value("expiry_months", i)
    sponsor = value("sponsor", s)
    fund: Any = _collect(errors, lambda: Money.parse(_value(data, "fund", s, where, "0.00")),
                         "fund")
    cross = value("cross_household", bool, False)
    staff = _each(data, "staff", lambda t, w: Staff(_value(t, "person", s, w),
                                                    _value(t, "role", s, w)), errors)
    shelf = _each(data, "shelf", lambda t, w: ShelfItem(
        _value(t, "id", s, w), _value(t, "name", s, w), _value(t, "points", i, w),
        _value(t, "stock", i, w)), errors)
    if len(errors) > before:
        return None
    return Programme(ident, name, operator, kinds, cap, rate, months, sponsor, fund, cross,
                     staff, shelf)


def read_programme(path: Path | str) -> tuple[Programme, tuple[Member, ...]]:
    """The programme a TOML file describes, and its members; every bad key and value is
    named at once (one ``Problems`` error when there are several)."""
    with open_text(path) as handle:
        text = handle.read()
    data = read_toml(text, f"programme file {Path(path).name}", str(path))
    known = {"id", "name", "operator", "monthly_cap", "points_per_yuan", "expiry_months",
             "sponsor", "fund", "cross_household", "kind", "staff", "shelf", "member"}
    errors: list[CommonsError] = [
        InvalidInput(f"unknown key {key!r}", field=key,
                     fix=f"use only {', '.join(sorted(known))}")
        for key in sorted(set(data) - known)]
    members = _each(data, "member", lambda t, w: Member(
        _value(t, "person", str, w), _value(t, "household", str, w),
        _value(t, "named", bool, w, False)), errors)
    programme = _programme(data, errors)
    if programme is None or errors:
        located = [e.located(file=str(path)) if e.where.file is None else e for e in errors]
        if len(located) == 1:
            raise located[0]
        raise Problems(f"programme file {Path(path).name} has {len(located)} problems; "
                       "nothing was recorded", located,
                       fix="correct each value named above and add the programme again")
    return programme, members


def _hours_or_tasks(text: str) -> Decimal:
    """Hours or tasks as written; whether the line's kind counts whole tasks is checked against
    the programme when the roster is submitted."""
    return parse_quantity(text, Basis.HOUR)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_QUANTITY = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,2})?")


def _line(row: Row) -> RosterLine:
    """One line through the full readers, whose errors name the field."""
    return RosterLine(row.text("activity"), row.text("kind"), row.parse("date", read_date),
                      row.text("person"), row.parse("quantity", _hours_or_tasks), row.line)


def _row(row: Row) -> LineRow:
    """One line as a row; the forms commons itself writes (plain ids, 2026-12-05, 2.5) are
    checked by a match each, anything else goes through ``_line``'s full readers."""
    values = row.values
    activity, kind, day = values["activity"].strip(), values["kind"].strip(), \
        values["date"].strip()
    person, quantity = values["person"].strip(), values["quantity"].strip()
    if TOKEN_PATTERN.fullmatch(activity) and TOKEN_PATTERN.fullmatch(kind) \
            and PERSON_PATTERN.fullmatch(person) and _ISO_DATE.fullmatch(day) \
            and _PLAIN_QUANTITY.fullmatch(quantity) and quantity.strip("0.") and _is_date(day):
        whole, _, part = quantity.partition(".")
        return (activity, kind, day, person, int(whole) * 100 + int(part.ljust(2, "0")),
                row.line)
    return _line(row).as_row()


def _is_date(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def read_roster_chunks(path: Path | str, *, encoding: str | None = None, size: int,
                       workers: int = 1) -> Iterator[list[LineRow] | list[CommonsError]]:
    """A roster's lines as rows, ``size`` at a time, and last, if some lines could not be
    read, a chunk of their errors (each naming file, line and field), so that every bad line
    is reported at once. With ``workers`` above 1, a file of at
    least ``PARALLEL_FROM_BYTES`` is parsed in a worker process (the ledger's post does so)
    while the caller checks and writes the chunks it has."""
    file = str(path)
    try:
        large = workers > 1 and os.path.getsize(file) >= PARALLEL_FROM_BYTES
    except OSError:  # reading it says what is wrong, naming the file
        large = False
    if large:
        return in_worker(_roster_chunks, (file, encoding, size), name="commons-roster-parser",
                         verb=("submit", "submitted"))
    return _roster_chunks(file, encoding, size)


def _roster_chunks(path: str, encoding: str | None, size: int
                   ) -> Iterator[list[LineRow] | list[CommonsError]]:
    bad: list[CommonsError] = []
    yield from batched(read_roster(path, encoding=encoding, bad=bad), size)
    if bad:
        yield bad


def read_roster(path: Path | str, *, encoding: str | None = None,
                bad: list[CommonsError] | None = None) -> Iterator[LineRow]:
    """A roster's lines as rows, streamed; an error names the file, line and field. With
    ``bad``, a line that cannot be read is left out and its error added to ``bad`` (so a
    file's every bad line is named at once); without it, the first is raised."""
    for row in csv_rows(path, ROSTER_COLUMNS, encoding=encoding):
        try:
            line = _row(row)
        except CommonsError as e:
            e = e if e.where.file else e.located(file=row.file, line=row.line)
            if bad is None:
                raise e from None
            bad.append(e)
            continue
        yield line
