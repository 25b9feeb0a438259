"""Bank and wallet statements exported as CSV, read through named column profiles.

A profile says which header names the booking date, the amount and how its direction is
given (one signed column; separate in and out columns; or an unsigned amount and a direction
column such as 收/支 or 借贷 with a map of its values to ``in``, ``out`` or ``skip``), the
running balance, the references, counterparty and its account, memo, currency and status. It
also says which rows to skip (by status, or moving 0.00), where the table ends (a trailer
pattern such as 合计, or a blank line), whether ragged rows are fine, the cell separator (a
comma, or a tab as in Bank of China's UTF-16 web export) and the encoding. The built-in ones are
in ``commons.io.bank_profiles``; users add their own in a TOML file with the same keys, no code
needed. The header may follow a preamble, as Chinese and wallet exports have. A row's direction
is never guessed: one its profile cannot tell is refused. Every refusal names file, line and
column.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput, Where
from commons.files import read_toml
from commons.money import CURRENCY, Money, currency_of, parse_fen
from commons.periods import read_date
from commons.reconcile.statements import Skipped, Statement, StatementLine

__all__ = ["CsvProfile", "read_csv_statement"]

HEADER_SEARCH_ROWS = 60  # preamble rows an export may print above the header (WeChat: ~17)
_EMPTY = frozenset({"", "-", "--", "—"})  # how exports leave an amount cell blank
_PLACEHOLDER = re.compile(r"-{2,}|—+|（空）|\(空\)")  # how they leave a text cell blank
_COLUMN_KEYS = ("date", "amount", "credit", "debit", "direction", "balance", "reference",
                "payment_reference", "counterparty", "counterparty_account", "memo",
                "value_date", "currency_column", "status")
_WAYS = {"in": 1, "out": -1, "skip": 0}  # what a direction column's value may mean
# The cell separators exports use, by name: a tab in UTF-16 "Unicode text" (BOC's web export).
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
# How exports name the currency in a currency column.
_CURRENCY_NAMES = {"人民币": "CNY", "人民币元": "CNY", "RMB": "CNY", "CNY": "CNY", "156": "CNY"}
# A profile file's schema: each key and the kind of TOML value it takes.
_TEXT, _TEXTS, _FLAG, _TABLE = ("text in quotes", "a list of texts in quotes", "true or false",
                                "a table of texts in quotes")
_PROFILE_SCHEMA = {"name": _TEXT, **dict.fromkeys(_COLUMN_KEYS, _TEXT), "optional": _TEXTS,
                   "encoding": _TEXT, "currency": _TEXT, "directions": _TABLE,
                   "skip_status": _TEXTS, "skip_zero": _FLAG, "trailer": _TEXT,
                   "blank_ends": _FLAG, "ragged": _FLAG, "delimiter": _TEXT}
_PROFILE_EXAMPLES = {"optional": 'optional = ["摘要"]', "encoding": 'encoding = "gb18030"',
                     "currency": 'currency = "CNY"', "name": 'name = "icbc"',
                     "directions": '[directions] followed by "收入" = "in" and "支出" = "out"',
                     "skip_status": 'skip_status = ["交易关闭"]', "skip_zero": "skip_zero = true",
                     "trailer": 'trailer = "^(合计|人民币合计)"', "blank_ends": "blank_ends = true",
                     "ragged": "ragged = true", "delimiter": 'delimiter = "\\t"'}


def _column(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise InvalidInput(f"profile column {value!r} is not a header name",
                       fix="name each column by its header text, e.g. date = \"交易日期\"")


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _directions(value: Mapping[str, str] | Iterable[tuple[str, str]]
                ) -> tuple[tuple[str, str], ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((k.strip(), v) for k, v in pairs))


def _check_delimiter(profile: CsvProfile, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in DELIMITERS:
        raise InvalidInput(f"profile {profile.name}'s delimiter {value[:8]!r} is not a cell "
                           "separator commons reads", field="delimiter",
                           fix='write delimiter = "\\t" for a tab-separated export, ";" for a '
                           'semicolon, or leave it out for a comma')


def _required_column(value: object) -> str:
    column = _column(value)
    if column is None:
        raise InvalidInput("the profile does not name its date column", field="date",
                           fix='add date = "交易日期" (the header text)')
    return column


@attrs.frozen
class CsvProfile:
    """Which CSV header holds what, and how to read its rows. Columns not in ``optional`` must
    be in the header.

    ``directions`` maps the values of the ``direction`` column to ``in``, ``out`` or ``skip``;
    ``skip_status`` lists the values of the ``status`` column whose rows are left out;
    ``skip_zero`` leaves out rows moving 0.00 (refused otherwise); ``trailer`` is a pattern
    whose match at the start of a row's first cell ends the table, as does a blank row when
    ``blank_ends``; ``ragged`` accepts rows with fewer or more cells than the header;
    ``delimiter`` separates the cells (a comma unless it says a tab or a semicolon).
    """

    name: str
    date: str = attrs.field(converter=_required_column)
    amount: str | None = attrs.field(default=None, converter=_column)
    credit: str | None = attrs.field(default=None, converter=_column)
    debit: str | None = attrs.field(default=None, converter=_column)
    direction: str | None = attrs.field(default=None, converter=_column)
    balance: str | None = attrs.field(default=None, converter=_column)
    reference: str | None = attrs.field(default=None, converter=_column)
    payment_reference: str | None = attrs.field(default=None, converter=_column)
    counterparty: str | None = attrs.field(default=None, converter=_column)
    counterparty_account: str | None = attrs.field(default=None, converter=_column)
    memo: str | None = attrs.field(default=None, converter=_column)
    value_date: str | None = attrs.field(default=None, converter=_column)
    currency_column: str | None = attrs.field(default=None, converter=_column)
    status: str | None = attrs.field(default=None, converter=_column)
    optional: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    encoding: str | None = None
    currency: str = CURRENCY
    directions: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_directions)
    skip_status: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    skip_zero: bool = False
    trailer: str | None = None
    blank_ends: bool = False
    ragged: bool = False
    delimiter: str = attrs.field(default=",", validator=_check_delimiter)

    def __attrs_post_init__(self) -> None:
        split = self.credit is not None or self.debit is not None
        if (self.amount is None) == (not split) or (split and None in (self.credit, self.debit)):
            raise InvalidInput(
                f"profile {self.name} must name either an amount column or both a credit and a "
                "debit column", field="amount",
                fix='write amount = "amount", or credit = "收入金额" and debit = "支出金额"')
        self._check_direction()
        if self.skip_status and self.status is None:
            raise InvalidInput(f"profile {self.name} skips rows by status but names no status "
                               "column", field="status", fix='add status = "交易状态"')
        if self.trailer is not None:
            try:
                re.compile(self.trailer)
            except re.error as e:
                raise InvalidInput(f"profile {self.name}'s trailer is not a pattern: {e}",
                                   field="trailer", fix='write e.g. trailer = "^(合计|共)"'
                                   ) from None
        try:
            currency_of(self.currency)
        except CommonsError as e:
            raise e.located(field="currency") from None

    def _check_direction(self) -> None:
        if (self.direction is None) != (not self.directions) or (
                self.direction is not None and self.amount is None):
            raise InvalidInput(
                f"profile {self.name}: a direction column needs an amount column and a "
                "[directions] table of its values, and the table needs the column",
                field="direction", fix='write direction = "收/支", amount = "金额(元)" and '
                '[directions] with "收入" = "in", "支出" = "out" (Chinese keys in quotes)')
        for value, way in self.directions:
            if way not in _WAYS:
                raise InvalidInput(f"profile {self.name} maps direction {value!r} to "
                                   f"{way!r}", field="directions",
                                   fix='map each value to "in", "out" or "skip"')

    def way(self, value: str) -> int | None:
        """+1, -1 or 0 (skip) for a value of the direction column; None if not mapped."""
        for known, way in self.directions:
            if known == value:
                return _WAYS[way]
        return None

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
        ``direction``, ``balance``, ``reference``, ``payment_reference``, ``counterparty``,
        ``counterparty_account``, ``memo``, ``value_date``, ``currency_column``, ``status``
        (header texts), ``optional`` (a list of them), ``encoding``, ``currency``,
        ``directions`` (a table), ``skip_status`` (a list), ``skip_zero``, ``trailer``,
        ``blank_ends``, ``ragged``, ``delimiter``."""
        data = read_toml(text, f"profile {source}", source)
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
        good = {_TEXTS: lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                _FLAG: lambda v: isinstance(v, bool),
                _TABLE: lambda v: isinstance(v, dict) and all(isinstance(x, str)
                                                              for x in v.values()),
                }.get(kind, lambda v: isinstance(v, str))(value)
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


def _find_header(rows: Iterator[list[str]], profiles: Sequence[CsvProfile]
                 ) -> tuple[CsvProfile, dict[str, int], int, int] | None:
    """The first row, among the first few, that names every required column of a profile.
    Where it names those of several, the most specific one reads it: the one requiring the
    most columns (an app's export that adds a column to its bank's web layout), then the one
    whose columns it names the most, then the first listed."""
    for number, row in enumerate(rows, start=1):
        cells = [c.strip().lstrip("\ufeff") for c in row]
        fits = [p for p in profiles if all(h in cells for h in p.required())]
        if fits:
            profile = max(fits, key=lambda p: (len(p.required()),
                                               sum(h in cells for h in p.columns().values())))
            index = {role: cells.index(h) for role, h in profile.columns().items()
                     if h in cells}
            return profile, index, number, len(cells)
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _open_table(text: str, source: str, profiles: Sequence[CsvProfile]
                ) -> tuple[CsvProfile, dict[str, int], int, int, Iterator[tuple[int, list[str]]]]:
    """The profile that reads ``text``, its columns, header line and width, and the records
    after the header. The text is split at each profile's delimiter in turn: a tab-separated
    file split at commas names no header of a comma profile, nor the other way round. A record
    that is not valid CSV at every delimiter tried is refused with its line."""
    unreadable: InvalidInput | None = None
    for delimiter in dict.fromkeys(p.delimiter for p in profiles):
        records = _records(text, source, delimiter)
        try:
            found = _find_header((r for _, r in records),
                                 [p for p in profiles if p.delimiter == delimiter])
        except InvalidInput as e:
            unreadable = unreadable or e
            continue
        if found is not None:
            return (*found, records)
    if unreadable is not None:
        raise unreadable
    wanted = (" or ".join(",".join(p.required()) for p in profiles) if len(profiles) < 3
              else f"of any of the profiles {', '.join(p.name for p in profiles)}")
    raise InvalidInput(f"no header row naming the columns {wanted} in its first "
                       f"{HEADER_SEARCH_ROWS} lines", file=source, line=1,
                       fix="name the right statement profile, or add one in a TOML file for "
                           "this bank",
                       code=ErrorCode.MALFORMED_FILE)


def _cell(row: list[str], index: dict[str, int], role: str) -> str:
    position = index.get(role)
    # Exports pad cells with tabs (so spreadsheets keep long numbers as text) and spaces.
    return row[position].strip() if position is not None and position < len(row) else ""


def _text(row: list[str], index: dict[str, int], role: str) -> str:
    """A text cell, blank where the export fills an empty one with a placeholder (the BOC
    app's ``----------``, the ICBC app's ``（空）``), so no placeholder keys a line or names a
    counterparty."""
    text = _cell(row, index, role)
    return "" if _PLACEHOLDER.fullmatch(text) else text


def _amount(text: str, currency: str) -> int:
    return 0 if text in _EMPTY else parse_fen(text, currency)


def _parse_cell(row: list[str], index: dict[str, int], profile: CsvProfile, role: str,
                parse: Any, where: tuple[str, int]) -> Any:
    try:
        return parse(_cell(row, index, role))
    except CommonsError as e:
        raise e.located(file=where[0], line=where[1], field=getattr(profile, role)) from None


def _check_width(row: list[str], profile: CsvProfile, where: tuple[str, int],
                 width: int) -> None:
    if profile.ragged or len(row) == width or (
            len(row) > width and not any(c.strip() for c in row[width:])):
        return
    separator = DELIMITERS[profile.delimiter]
    raise InvalidInput(f"this record has {len(row)} fields but the header has {width}",
                       file=where[0], line=where[1],
                       fix=f"check for a missing or extra {separator}, or quote text with "
                       f"{separator}s; a profile with ragged = true accepts such rows",
                       code=ErrorCode.MALFORMED_FILE)


def _signed_fen(row: list[str], index: dict[str, int], profile: CsvProfile,
                where: tuple[str, int]) -> int | str:
    """The row's amount, signed by its direction; or why it is skipped (a direction mapped to
    ``skip``). A direction the profile cannot tell is refused, never guessed."""
    either = functools.partial(_amount, currency=profile.currency)
    if profile.credit is not None:
        credit = _parse_cell(row, index, profile, "credit", either, where)
        debit = _parse_cell(row, index, profile, "debit", either, where)
        if credit and debit:
            raise InvalidInput("the line has both a credit and a debit amount", file=where[0],
                               line=where[1], field=profile.credit,
                               fix="a line is either money in or money out; split it in two")
        return int(credit - debit)
    if profile.direction is None:
        return int(_parse_cell(row, index, profile, "amount",
                               functools.partial(parse_fen, currency=profile.currency), where))
    value = _cell(row, index, "direction")
    way = profile.way(value)
    if way is None:
        known = ", ".join(v for v, _ in profile.directions)
        raise InvalidInput(f"the direction {value[:40]!r} is not one profile {profile.name} "
                           "knows, so whether this is money in or out cannot be told",
                           file=where[0], line=where[1], field=profile.direction,
                           fix=f"the profile maps {known}; add this value to its [directions] "
                           "as in, out or skip")
    if way == 0:
        return f"{profile.direction} {value}"
    fen = int(_parse_cell(row, index, profile, "amount", either, where))
    if fen < 0:
        raise InvalidInput(f"the amount is negative but the direction {value!r} already "
                           "gives its sign", file=where[0], line=where[1],
                           field=profile.amount,
                           fix="a direction column goes with amounts written without a sign")
    return way * fen


def _skip_reason(row: list[str], index: dict[str, int], profile: CsvProfile) -> str | None:
    status = _cell(row, index, "status")
    return f"{profile.status} {status}" if status and status in profile.skip_status else None


def _line(row: list[str], index: dict[str, int], profile: CsvProfile, source: str,
          number: int) -> StatementLine | Skipped:
    where = (source, number)
    reason = _skip_reason(row, index, profile)
    if reason is not None:
        return Skipped(number, reason)
    booked_on = _parse_cell(row, index, profile, "date", read_date, where)
    fen = _signed_fen(row, index, profile, where)
    if isinstance(fen, str):
        return Skipped(number, fen)
    if fen == 0:
        if profile.skip_zero:
            return Skipped(number, "moves 0.00")
        raise InvalidInput("the line moves 0.00", file=source, line=number,
                           field=profile.amount or profile.credit,
                           fix="drop lines that move nothing, fill in the amount, or set "
                           "skip_zero = true in the profile")
    currency = _parse_cell(row, index, profile, "currency_column",
                           functools.partial(_currency, default=profile.currency), where)
    amount = functools.partial(parse_fen, currency=currency)
    balance = None
    if "balance" in index:
        try:
            balance = Money(_parse_cell(row, index, profile, "balance", amount, where), currency)
        except CommonsError as e:
            e.fix = (f"the balance column ({profile.balance}) is redacted or not an amount: "
                     "import the file with --balances ignore to read it without its balances")
            raise
    value_text = _cell(row, index, "value_date")
    value_on = (_parse_cell(row, index, profile, "value_date", read_date, where)
                if value_text else None)
    counterparty = " ".join(t for t in (_text(row, index, "counterparty"),
                                        _text(row, index, "counterparty_account")) if t)
    try:
        return StatementLine(booked_on, Money(fen, currency), _text(row, index, "reference"),
                             _text(row, index, "payment_reference"), counterparty,
                             _text(row, index, "memo"), value_on, balance, number)
    except CommonsError as e:
        raise e.located(file=source, line=number, field=profile.amount or profile.credit) from None


def _currency(text: str, default: str) -> str:
    """The currency a currency column names (人民币, RMB or a code); the profile's if blank."""
    if not text:
        return default
    code = _CURRENCY_NAMES.get(text.upper(), text.upper())
    currency_of(code)  # refuses a code commons does not know
    return code


def _records(text: str, source: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, record) for each CSV record, numbered as the file's lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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


def _table(records: Iterator[tuple[int, list[str]]], profile: CsvProfile, source: str,
           width: int) -> Iterator[tuple[int, list[str]]]:
    """The records of the table under the header, up to its trailer or (if the profile says)
    its first blank row; other blank rows are passed over."""
    trailer = re.compile(profile.trailer) if profile.trailer is not None else None
    for number, record in records:
        if not any(cell.strip() for cell in record):
            if profile.blank_ends:
                return
            continue
        if trailer is not None and trailer.match(record[0].strip()):
            return
        _check_width(record, profile, (source, number), width)
        yield number, record


def read_csv_statement(text: str, source: str, profiles: Sequence[CsvProfile], *,
                       ignore_balances: bool = False) -> Statement:
    """Read a CSV statement with the first of ``profiles`` whose columns its header names.

    Lines listed newest first (as some banks export) are put in booking order. Without a
    balance column, or with ``ignore_balances`` (redacted ones), the statement's balances are
    unknown and come from the stored history or an opening the user gives. The statement's
    ``reader`` names the profile used and ``skipped`` the rows left out.
    """
    profile, index, header_line, width, records = _open_table(text, source, profiles)
    if ignore_balances:
        index.pop("balance", None)
    read = [_line(record, index, profile, source, number)
            for number, record in _table(records, profile, source, width)]
    lines = [x for x in read if isinstance(x, StatementLine)]
    skipped = [x for x in read if isinstance(x, Skipped)]
    if not lines:
        raise InvalidInput("the statement has a header but no lines", file=source,
                           line=header_line, fix="export a statement with its transactions",
                           code=ErrorCode.MALFORMED_FILE)
    if lines[0].booked_on > lines[-1].booked_on:
        lines.reverse()
    known = "balance" in index
    currency = lines[0].amount.currency
    for line in lines:
        if line.amount.currency != currency:
            raise InvalidInput(f"this line is in {line.amount.currency} but the statement's "
                               f"first line is in {currency}", file=source,
                               line=line.source_line, field=profile.currency_column,
                               fix="export one statement per currency")
    total = sum((line.amount for line in lines), Money.zero(currency))
    first = lines[0]
    opening = (first.balance - first.amount if known and first.balance is not None
               else Money.zero(currency))
    closing = lines[-1].balance if known and lines[-1].balance is not None else opening + total
    try:
        return Statement(source, source.replace("\\", "/").rsplit("/", 1)[-1], opening, closing,
                         lines,
                         min(line.booked_on for line in lines),
                         max(line.booked_on for line in lines), balances_known=known,
                         reader=f"csv:{profile.name}", skipped=skipped)
    except CommonsError as e:
        if e.field == "balance":  # name the column as the file's header does
            e.where = Where(e.file, e.line, profile.balance)
            e.args = (str(e),)
        raise
