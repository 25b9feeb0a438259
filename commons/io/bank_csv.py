"""Bank statements exported as CSV, read through named column profiles.

A profile says which header names the booking date, the amount (one signed column, or separate
credit and debit columns), the running balance, the references, counterparty and memo. Three
are built in (``generic``, ``generic-debit-credit`` and ``cn-bank``, the common Chinese layout
``交易日期,收入金额,支出金额,余额,对方户名,摘要``); users add their own in a TOML file with the
same keys, no code needed. The header may follow a few title rows, as Chinese exports have.
Every refusal names file, line and column.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput, Where
from commons.money import CURRENCY, Money, currency_of, parse_fen
from commons.reconcile.statements import Statement, StatementLine, parse_bank_date

__all__ = ["BUILTIN_PROFILES", "CsvProfile", "read_csv_statement"]

HEADER_SEARCH_ROWS = 30  # title rows a bank may print above the header
_EMPTY = frozenset({"", "-", "--", "—"})  # how exports leave an amount cell blank
_COLUMN_KEYS = ("date", "amount", "credit", "debit", "balance", "reference",
                "payment_reference", "counterparty", "memo", "value_date")
# A profile file's schema: each key and the kind of TOML value it takes.
_TEXT, _TEXTS = "text in quotes", "a list of texts in quotes"
_PROFILE_SCHEMA = {"name": _TEXT, **dict.fromkeys(_COLUMN_KEYS, _TEXT), "optional": _TEXTS,
                   "encoding": _TEXT, "currency": _TEXT}
_PROFILE_EXAMPLES = {"optional": 'optional = ["摘要"]', "encoding": 'encoding = "gb18030"',
                     "currency": 'currency = "CNY"', "name": 'name = "icbc"'}


def _column(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InvalidInput(f"profile column {value!r} is not a header name",
                       fix="name each column by its header text, e.g. date = \"交易日期\"")


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _required_column(value: object) -> str:
    column = _column(value)
    if column is None:
        raise InvalidInput("the profile does not name its date column", field="date",
                           fix='add date = "交易日期" (the header text)')
    return column


@attrs.frozen
class CsvProfile:
    """Which CSV header holds what. Columns not in ``optional`` must be in the header."""

    name: str
    date: str = attrs.field(converter=_required_column)
    amount: str | None = attrs.field(default=None, converter=_column)
    credit: str | None = attrs.field(default=None, converter=_column)
    debit: str | None = attrs.field(default=None, converter=_column)
    balance: str | None = attrs.field(default=None, converter=_column)
    reference: str | None = attrs.field(default=None, converter=_column)
    payment_reference: str | None = attrs.field(default=None, converter=_column)
    counterparty: str | None = attrs.field(default=None, converter=_column)
    memo: str | None = attrs.field(default=None, converter=_column)
    value_date: str | None = attrs.field(default=None, converter=_column)
    optional: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    encoding: str | None = None
    currency: str = CURRENCY

    def __attrs_post_init__(self) -> None:
        split = self.credit is not None or self.debit is not None
        if (self.amount is None) == (not split) or (split and None in (self.credit, self.debit)):
            raise InvalidInput(
                f"profile {self.name} must name either an amount column or both a credit and a "
                "debit column", field="amount",
                fix='write amount = "amount", or credit = "收入金额" and debit = "支出金额"')
        try:
            currency_of(self.currency)
        except CommonsError as e:
            raise e.located(field="currency") from None

    def columns(self) -> dict[str, str]:
        """Role -> header text of every column the profile names."""
        return {key: getattr(self, key) for key in _COLUMN_KEYS
                if getattr(self, key) is not None}

    def required(self) -> list[str]:
        """The header texts a file must have: every column named and not optional."""
        return [header for header in self.columns().values() if header not in self.optional]

    @classmethod
    def from_toml(cls, text: str, source: str) -> CsvProfile:
        """A user's profile: flat keys ``name``, ``date``, ``amount`` or ``credit``/``debit``,
        ``balance``, ``reference``, ``payment_reference``, ``counterparty``, ``memo``,
        ``value_date`` (header texts), ``optional`` (a list of them), ``encoding``, ``currency``."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InvalidInput(f"profile {source} is not valid TOML: {e}", file=source,
                               fix="check the quoting: date = \"交易日期\"",
                               code=ErrorCode.MALFORMED_FILE) from None
        except RecursionError:
            raise InvalidInput(f"profile {source} nests values too deeply", file=source,
                               fix="a profile is flat: one key = \"text\" a line",
                               code=ErrorCode.MALFORMED_FILE) from None
        except ValueError:  # tomllib's int() past 4,300 digits
            raise InvalidInput(f"profile {source} holds a number too long to read", file=source,
                               fix="a profile holds header texts in quotes, not numbers",
                               code=ErrorCode.MALFORMED_FILE) from None
        _check_schema(data, source)
        if "date" not in data:
            raise InvalidInput("the profile does not name its date column", file=source,
                               field="date", fix='add date = "交易日期" (the header text)')
        try:
            return cls(name=data.get("name", source), optional=data.get("optional", []),
                       **{k: v for k, v in data.items() if k not in ("name", "optional")})
        except CommonsError as e:
            raise e.located(file=source) from None


def _check_schema(data: dict[str, Any], source: str) -> None:
    """Each key of a profile file is known and holds the kind of value it takes; the encoding
    is one Python knows. The first key that is not is named."""
    for key, value in data.items():
        kind = _PROFILE_SCHEMA.get(key)
        if kind is None:
            raise InvalidInput(f"profile key '{key}' is not known", file=source, field=key,
                               fix=f"use only {', '.join(sorted(_PROFILE_SCHEMA))}")
        good = (isinstance(value, list) and all(isinstance(v, str) for v in value)
                if kind == _TEXTS else isinstance(value, str))
        if not good:
            example = _PROFILE_EXAMPLES.get(key, f'{key} = "交易日期" (the header text)')
            raise InvalidInput(f"profile key '{key}' must be {kind}, not a TOML "
                               f"{type(value).__name__}", file=source, field=key,
                               fix=f"write {example}")
    if "encoding" in data:
        try:
            codecs.lookup(data["encoding"])
        except LookupError:
            raise InvalidInput(f"profile key 'encoding' names no known encoding "
                               f"{data['encoding'][:40]!r}", file=source, field="encoding",
                               fix='write encoding = "gb18030" or "utf-8"') from None


_GENERIC_OPTIONAL = ("balance", "reference", "payment_reference", "counterparty", "memo",
                     "value_date")
BUILTIN_PROFILES: dict[str, CsvProfile] = {
    "cn-bank": CsvProfile("cn-bank", date="交易日期", credit="收入金额", debit="支出金额",
                          balance="余额", counterparty="对方户名", memo="摘要",
                          reference="交易流水号", payment_reference="备注",
                          optional=("对方户名", "摘要", "交易流水号", "备注")),
    "generic-debit-credit": CsvProfile(
        "generic-debit-credit", date="date", credit="credit", debit="debit", balance="balance",
        reference="reference", payment_reference="payment_reference",
        counterparty="counterparty", memo="memo", value_date="value_date",
        optional=_GENERIC_OPTIONAL),
    "generic": CsvProfile(
        "generic", date="date", amount="amount", balance="balance", reference="reference",
        payment_reference="payment_reference", counterparty="counterparty", memo="memo",
        value_date="value_date", optional=_GENERIC_OPTIONAL),
}


def _find_header(rows: Iterator[list[str]], profiles: Sequence[CsvProfile], source: str
                 ) -> tuple[CsvProfile, dict[str, int], int, int]:
    """The first row, among the first few, that names every required column of a profile."""
    for number, row in enumerate(rows, start=1):
        cells = [c.strip().lstrip("\ufeff") for c in row]
        for profile in profiles:
            if all(h in cells for h in profile.required()):
                index = {role: cells.index(h) for role, h in profile.columns().items()
                         if h in cells}
                return profile, index, number, len(cells)
        if number >= HEADER_SEARCH_ROWS:
            break
    wanted = " or ".join(",".join(p.required()) for p in profiles)
    raise InvalidInput(f"no header row naming the columns {wanted} in its first "
                       f"{HEADER_SEARCH_ROWS} lines", file=source, line=1,
                       fix="name the right statement profile, or add one in a TOML file for "
                           "this bank",
                       code=ErrorCode.MALFORMED_FILE)


def _cell(row: list[str], index: dict[str, int], role: str) -> str:
    position = index.get(role)
    return row[position].strip() if position is not None and position < len(row) else ""


def _amount(text: str, currency: str) -> int:
    return 0 if text in _EMPTY else parse_fen(text, currency)


def _parse_cell(row: list[str], index: dict[str, int], profile: CsvProfile, role: str,
                parse: Any, where: tuple[str, int]) -> Any:
    try:
        return parse(_cell(row, index, role))
    except CommonsError as e:
        raise e.located(file=where[0], line=where[1], field=getattr(profile, role)) from None


def _line(row: list[str], index: dict[str, int], profile: CsvProfile, source: str,
          number: int, width: int) -> StatementLine:
    if len(row) != width and not (len(row) > width and not any(c.strip() for c in row[width:])):
        raise InvalidInput(f"this record has {len(row)} fields but the header has {width}",
                           file=source, line=number,
                           fix="check for a missing or extra comma, or quote text with commas",
                           code=ErrorCode.MALFORMED_FILE)
    where = (source, number)
    booked_on = _parse_cell(row, index, profile, "date", parse_bank_date, where)
    amount = functools.partial(parse_fen, currency=profile.currency)
    if profile.amount is not None:
        fen = _parse_cell(row, index, profile, "amount", amount, where)
    else:
        either = functools.partial(_amount, currency=profile.currency)
        credit = _parse_cell(row, index, profile, "credit", either, where)
        debit = _parse_cell(row, index, profile, "debit", either, where)
        if credit and debit:
            raise InvalidInput("the line has both a credit and a debit amount", file=source,
                               line=number, field=profile.credit,
                               fix="a line is either money in or money out; split it in two")
        fen = credit - debit
    if fen == 0:
        raise InvalidInput("the line moves 0.00", file=source, line=number,
                           field=profile.amount or profile.credit,
                           fix="drop lines that move nothing, or fill in the amount")
    balance = None
    if "balance" in index:
        balance = Money(_parse_cell(row, index, profile, "balance", amount, where),
                        profile.currency)
    value_text = _cell(row, index, "value_date")
    value_on = (_parse_cell(row, index, profile, "value_date", parse_bank_date, where)
                if value_text else None)
    try:
        return StatementLine(booked_on, Money(fen, profile.currency),
                             _cell(row, index, "reference"),
                             _cell(row, index, "payment_reference"),
                             _cell(row, index, "counterparty"), _cell(row, index, "memo"),
                             value_on, balance, number)
    except CommonsError as e:
        raise e.located(file=source, line=number, field=profile.amount or profile.credit) from None


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, record) for each CSV record, numbered as the file's lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise InvalidInput(f"this line is not valid CSV: {e}", file=source, line=last + 1,
                               fix="check the quoting of the line",
                               code=ErrorCode.MALFORMED_FILE) from None
        yield last + 1, record
        last = reader.line_num


def read_csv_statement(text: str, source: str, profiles: Sequence[CsvProfile]) -> Statement:
    """Read a CSV statement with the first of ``profiles`` whose columns its header names.

    Lines listed newest first (as some banks export) are put in booking order. Without a
    balance column the statement's balances are unknown and come from the stored history.
    """
    records = _records(text, source)
    profile, index, header_line, width = _find_header((r for _, r in records), profiles,
                                                      source)
    lines = [_line(record, index, profile, source, number, width) for number, record in records
             if any(cell.strip() for cell in record)]
    if not lines:
        raise InvalidInput("the statement has a header but no lines", file=source,
                           line=header_line, fix="export a statement with its transactions",
                           code=ErrorCode.MALFORMED_FILE)
    if lines[0].booked_on > lines[-1].booked_on:
        lines.reverse()
    known = "balance" in index
    total = sum((line.amount for line in lines), Money.zero(profile.currency))
    first = lines[0]
    opening = (first.balance - first.amount if known and first.balance is not None
               else Money.zero(profile.currency))
    closing = lines[-1].balance if known and lines[-1].balance is not None else opening + total
    try:
        return Statement(source, source.replace("\\", "/").rsplit("/", 1)[-1], opening, closing,
                         lines,
                         min(line.booked_on for line in lines),
                         max(line.booked_on for line in lines), balances_known=known)
    except CommonsError as e:
        if e.field == "balance":  # name the column as the file's header does
            e.where = Where(e.file, e.line, profile.balance)
            e.args = (str(e),)
        raise
