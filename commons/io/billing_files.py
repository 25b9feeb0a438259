"""Reading billing files: fee schedules (TOML or CSV) and payments (CSV), every row checked.

A file with any bad row raises one ``Problems`` naming each by file, line and field; nothing
from it reaches the store.
"""

from __future__ import annotations

from pathlib import Path

from commons.billing.fees import (
    SCHEDULE_CSV,
    SCHEDULE_CSV_OPTIONAL,
    FeeSchedule,
    schedules_from_csv,
)
from commons.billing.payments import PAYMENT_COLUMNS, PAYMENT_OPTIONAL, Payment
from commons.errors import CommonsError, InvalidInput, Problems
from commons.files import csv_rows, read_toml_file

__all__ = ["read_payments", "read_schedules", "schedule_format"]

MAX_REPORTED = 50


def read_schedules(path: str | Path, encoding: str | None = None) -> list[FeeSchedule]:
    """Schedules from ``path``: CSV if it ends in .csv, else TOML ``[[schedule]]`` tables."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        try:
            schedules = schedules_from_csv(csv_rows(p, SCHEDULE_CSV, SCHEDULE_CSV_OPTIONAL,
                                                    encoding=encoding))
        except CommonsError as e:
            raise e.located(file=str(p)) from None
    else:
        data = read_toml_file(p, "the schedule file", encoding)
        tables = data.get("schedule")
        if not isinstance(tables, list) or not tables or set(data) != {"schedule"}:
            raise InvalidInput("the file must hold [[schedule]] tables and nothing else",
                               file=str(p), field="schedule",
                               fix="write [[schedule]] tables only")
        problems: list[CommonsError] = []
        schedules = []
        for i, table in enumerate(tables, start=1):
            try:
                if not isinstance(table, dict):
                    raise InvalidInput(f"schedule[{i}] is not a table", field=f"schedule[{i}]")
                schedules.append(FeeSchedule.from_mapping(table, f"schedule[{i}]"))
            except CommonsError as e:
                problems.append(e.located(file=str(p)))
        if problems:
            raise Problems(f"{len(problems)} of {len(tables)} schedules refused; none stored",
                           problems, fix="correct the fields named above")
    ids = [s.id for s in schedules]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidInput(f"schedule {repeated[0]} appears twice", file=str(p), field="id",
                           fix="give each schedule once; list all its rates in it")
    if not schedules:
        raise InvalidInput("the file has no schedule", file=str(p), fix="add one")
    return schedules


def schedule_format(data: bytes) -> str:
    """``toml`` or ``csv``: the format of a schedules file given without a name, told by its
    first line (TOML opens with a ``[[schedule]]`` table or a comment, a CSV with its header)."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return "toml" if first.startswith(("[", "#")) else "csv"


def read_payments(path: str | Path, encoding: str | None = None) -> list[tuple[int, Payment]]:
    """(line, payment) for every row, or ``Problems`` naming every bad row."""
    out: list[tuple[int, Payment]] = []
    problems: list[CommonsError] = []
    refused = 0
    for row in csv_rows(path, PAYMENT_COLUMNS, PAYMENT_OPTIONAL, encoding=encoding):
        try:
            out.append((row.line, Payment.from_row(row)))
        except CommonsError as e:
            refused += 1
            if len(problems) < MAX_REPORTED:
                problems.append(e.located(file=row.file, line=row.line))
    if problems:
        raise Problems(f"{refused} of {refused + len(out)} payments refused; nothing was "
                       "recorded", problems, fix="correct the lines named above and import "
                       "the file again")
    if not out:
        raise InvalidInput("the file has a header but no payments", file=str(path),
                           fix="add one row per payment")
    return out
