"""Audit exports as pure values: the scope, the rows, and how each format spells them.

The store streams the entries in scope (``ScopedEntry``); ``export_rows`` turns them into one row
per posting in scope, with the counterpart accounts and a running balance per account. The
functions below spell a row as a CSV record, a JSON Lines object or Beancount text. Nothing here
opens a file: the api layer writes, hashes and checks.

CSV injection: a spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula. The text columns that come from users (memo, external id, actor)
get a leading apostrophe when they begin with one of those, or with an apostrophe itself (so that
the rule can be undone exactly: strip one leading apostrophe). Every other column is produced by
commons (ids, dates, account names, amounts like ``-3.00``) and is never altered, so amounts stay
numbers an accountant can sum.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.l10n import amount_text
from commons.ledger.accounts import AccountType, matches_prefix, parse_account_name
from commons.money import CURRENCIES, currency_of

__all__ = [
    "COLUMNS",
    "FORMATS",
    "FORMULA_STARTS",
    "TEXT_COLUMNS",
    "ExportRow",
    "ExportScope",
    "Figure",
    "ScopedEntry",
    "ScopedLeg",
    "Tally",
    "beancount_entry",
    "beancount_names",
    "beancount_string",
    "csv_header",
    "csv_record",
    "csv_text",
    "export_rows",
    "jsonl_line",
    "neutralise",
    "plain_amount",
    "restore",
    "scoped_postings",
]

FORMATS = ("csv", "jsonl", "xlsx", "beancount")
COLUMNS = ("entry_id", "seq", "date", "account", "counterparts", "memo", "amount", "currency",
           "balance", "external_id", "actor", "reverses", "reversed_by", "entry_hash")
# The columns whose text comes from users, and so may be neutralised (see the module docstring).
TEXT_COLUMNS = ("memo", "external_id", "actor")
FORMULA_STARTS = frozenset("=+-@\t\r'")
COUNTERPART_SEPARATOR = ";"  # account names never hold one
_CENTS = frozenset(code for code, unit in CURRENCIES.items() if unit.minor_units == 2)



class ExportRow(NamedTuple):
    """One posting in scope, as exported (the ``COLUMNS``), with the other accounts of its entry
    and its account's running balance after it. A tuple: an export makes millions of them."""

    entry_id: int
    seq: int
    date: str  # YYYY-MM-DD
    account: str
    counterparts: tuple[str, ...]
    memo: str
    amount_fen: int
    currency: str
    balance_fen: int
    external_id: str
    actor: str
    reverses: int | None
    reversed_by: int | None
    entry_hash: str


class ScopedLeg(NamedTuple):
    """One posting of an entry touching the scope, and whether it is itself in scope."""

    seq: int
    account: str
    amount_fen: int
    currency: str
    in_scope: bool


class ScopedEntry(NamedTuple):
    """One entry touching the scope, as the store streams it, with all its postings."""

    entry_id: int
    date: str  # YYYY-MM-DD
    memo: str
    external_id: str
    actor: str
    reverses: int | None
    reversed_by: int | None
    hash: str
    legs: tuple[ScopedLeg, ...]


# tuple.__new__ on the class builds a NamedTuple in C, at half the cost of its own __new__.
_new_export_row = functools.partial(tuple.__new__, ExportRow)


def _optional_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise InvalidInput(f"{value!r} is not a date", fix="write dates as 2026-10-01",
                       code=ErrorCode.INVALID_DATE)


@attrs.frozen
class ExportScope:
    """Which postings an export holds: those of accounts under ``account`` (a prefix), of
    ``compound``'s accounts, dated ``date_from``..``date_to`` (inclusive); None is no limit."""

    account: str | None = None
    compound: str | None = None
    date_from: dt.date | None = attrs.field(default=None, converter=_optional_date)
    date_to: dt.date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.account is not None:
            parse_account_name(self.account)
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise InvalidInput(f"the export would end on {self.date_to}, before it starts on "
                               f"{self.date_from}", field="--to",
                               fix="give a last date on or after the first")

    @property
    def filters_accounts(self) -> bool:
        """Whether the scope limits the accounts (not only the dates)."""
        return self.account is not None or self.compound is not None

    def covers(self, name: str, compound: str | None) -> bool:
        """Whether postings to account ``name`` (of ``compound``) are in scope."""
        return ((self.account is None or matches_prefix(name, self.account))
                and (self.compound is None or compound == self.compound))

    def as_json(self) -> dict[str, str | None]:
        """The scope as the manifest writes it."""
        return {"account": self.account, "compound": self.compound,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}

    def describe(self) -> str:
        """The scope in words, for a human reader: ``compound wjxc, from 2026-10-01``, or
        ``everything`` when nothing limits it."""
        parts = [f"{key} {value}" for key, value in self.as_json().items() if value is not None]
        return ", ".join(parts) or "everything"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExportScope:
        """Read back what ``as_json`` wrote."""
        return cls(data.get("account"), data.get("compound"), data.get("from"), data.get("to"))


class Tally:
    """What the rows written so far add up to: the running balance of every account and
    currency (from the balances before the scope's first date), the rows and entries counted,
    and the debits (positive) and credits (negative) per currency, all in fen."""

    def __init__(self, opening: Mapping[tuple[str, str], int] | None = None) -> None:
        self.opening = dict(opening or {})
        self.balances = dict(self.opening)
        self.rows = 0
        self.entries = 0
        self.debits: dict[str, int] = {}
        self.credits: dict[str, int] = {}

    def add(self, account: str, fen: int, currency: str) -> int:
        """Count one posting; its account's running balance after it."""
        key = (account, currency)
        balance = self.balances.get(key, 0) + fen
        self.balances[key] = balance
        self.rows += 1
        sums = self.debits if fen > 0 else self.credits
        sums[currency] = sums.get(currency, 0) + fen
        return balance


def scoped_postings(entries: Iterable[ScopedEntry], tally: Tally
                    ) -> Iterator[tuple[ScopedEntry, int, str, int, str, str, int]]:
    """Each posting in scope, in the entries' order, as (its entry, seq, account, fen,
    currency, the entry's other accounts joined by ``;``, its account's running balance
    after it), counted in ``tally``: the walk every export format makes, so a writer spells
    what the entry holds once, where the entry is not the one before.

    ``Tally.add`` is inlined and the common entry of two legs takes the other leg's account as
    it is, because this loop is what an export of millions of postings spends its time on."""
    balances, debits, credits = tally.balances, tally.debits, tally.credits
    for entry in entries:
        tally.entries += 1
        legs = entry[8]
        names = [leg.account for leg in legs]
        pair = len(names) == 2 and names[0] != names[1]
        for index, (seq, account, fen, currency, in_scope) in enumerate(legs):
            if not in_scope:
                continue
            others = names[1 - index] if pair else \
                COUNTERPART_SEPARATOR.join(dict.fromkeys(n for n in names if n != account))
            key = (account, currency)
            balance = balances[key] = balances.get(key, 0) + fen
            sums = debits if fen > 0 else credits
            sums[currency] = sums.get(currency, 0) + fen
            tally.rows += 1
            yield entry, seq, account, fen, currency, others, balance


def export_rows(entries: Iterable[ScopedEntry], tally: Tally | None = None
                ) -> Iterator[ExportRow]:
    """One row per posting in scope, in the entries' order, each with the other accounts of its
    entry and the running balance of its account and currency, counted in ``tally``."""
    for entry, seq, account, fen, currency, others, balance in scoped_postings(
            entries, tally if tally is not None else Tally()):
        entry_id, day, memo, external_id, actor, reverses, reversed_by, link, _ = entry
        yield _new_export_row((
            entry_id, seq, day, account,
            tuple(others.split(COUNTERPART_SEPARATOR)) if others else (), memo, fen, currency,
            balance, external_id, actor, reverses, reversed_by, link))


def _csv_cell(text: str) -> str:
    """A cell quoted as RFC 4180 wants when it holds a comma or a quote (entries hold no line
    breaks: the journal refuses control characters)."""
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_header() -> str:
    """The CSV export's header line."""
    return ",".join(COLUMNS) + "\r\n"


def csv_text(entries: Iterable[ScopedEntry], tally: Tally, *, batch: int = 2000
             ) -> Iterator[str]:
    """The CSV records of the rows ``export_rows`` gives, ``batch`` entries to a piece of text.

    Cells are built once per entry where they are the entry's, and the amounts spelled here
    in the common case, because this loop is what an export of millions of postings spends
    its time on.
    """
    lines: list[str] = []
    last: ScopedEntry | None = None
    count = 0
    middle = tail = head = ""
    for entry, seq, account, fen, currency, others, balance in scoped_postings(entries, tally):
        if entry is not last:
            last = entry
            entry_id, day, memo, external_id, actor, reverses, reversed_by, link, _ = entry
            head = f"{entry_id},"
            middle = f",{day},"
            tail = (f",{_csv_cell(neutralise(external_id))},{_csv_cell(neutralise(actor))},"
                    f"{'' if reverses is None else reverses},"
                    f"{'' if reversed_by is None else reversed_by},{link}\r\n")
            memo_cell = f",{_csv_cell(neutralise(memo))},"
            count += 1
            if count % batch == 0:
                yield "".join(lines)
                lines.clear()
        # plain_amount inlined for the common case: two decimals, one yuan or more either way
        amount, held = str(fen), str(balance)
        cents = currency in _CENTS
        amount = (f"{amount[:-2]}.{amount[-2:]}" if cents and (fen >= 100 or fen <= -100)
                  else plain_amount(fen, currency))
        held = (f"{held[:-2]}.{held[-2:]}" if cents and (balance >= 100 or balance <= -100)
                else plain_amount(balance, currency))
        lines.append(f"{head}{seq}{middle}{account},{others}{memo_cell}{amount},"
                     f"{currency},{held}{tail}")
    yield "".join(lines)


def plain_amount(fen: int, currency: str) -> str:
    """An amount as every export writes it: the plain text of ``commons.l10n`` with the
    currency's decimals ("142.86", "-3.00"; JPY "1234")."""
    return amount_text(fen, currency_of(currency).minor_units)


class Figure(str):
    """A CSV cell commons produced itself (an amount like ``-3.00``, a date, an id): written as
    it is, so amounts stay numbers. Every plain ``str`` given to ``csv_record`` is user text."""

    __slots__ = ()


def csv_record(cells: Iterable[str | int], *, end: str = "\r\n") -> str:
    """One CSV record, the way every CSV commons writes spells its cells: text (``str``) is
    ``neutralise``d, ``int`` and ``Figure`` cells are commons' own and kept; a cell holding a
    comma, quote or line break is quoted (RFC 4180)."""
    out = []
    for cell in cells:
        text = str(cell) if isinstance(cell, int | Figure) else neutralise(cell)
        if any(c in text for c in ',"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + end


def neutralise(text: str) -> str:
    """A user's text as a CSV cell that no spreadsheet runs as a formula (module docstring)."""
    return "'" + text if text[:1] in FORMULA_STARTS and text else text


def restore(cell: str) -> str:
    """The text ``neutralise`` was given: one leading apostrophe dropped, if there is one."""
    return cell[1:] if cell[:1] == "'" else cell


def jsonl_line(row: ExportRow) -> str:
    """A row as one JSON object (amounts as yuan strings, as every ``--json`` prints them)."""
    return json.dumps({
        "entry_id": row.entry_id, "seq": row.seq, "date": row.date, "account": row.account,
        "counterparts": list(row.counterparts), "memo": row.memo,
        "amount": plain_amount(row.amount_fen, row.currency), "currency": row.currency,
        "balance": plain_amount(row.balance_fen, row.currency), "external_id": row.external_id,
        "actor": row.actor, "reverses": row.reverses, "reversed_by": row.reversed_by,
        "entry_hash": row.entry_hash,
    }, ensure_ascii=False)


# --- Beancount ---------------------------------------------------------------------------------

_BEAN_COMPONENT = re.compile(r"[A-Z0-9][A-Za-z0-9\-]*")


def _bean_component(segment: str) -> str:
    """One commons segment as a Beancount component: letters, digits and dashes, starting with a
    capital or a digit. Anything else (Chinese, underscores) is written as its code point."""
    out = "".join(ch if (ch.isascii() and (ch.isalnum() or ch == "-")) else f"U{ord(ch):04X}"
                  for ch in segment)
    if out[:1].islower():
        out = out[0].upper() + out[1:]
    elif not out[:1].isupper() and not out[:1].isdigit():
        out = "X" + out
    assert _BEAN_COMPONENT.fullmatch(out), out
    return out


def beancount_names(names: Iterable[str]) -> dict[str, str]:
    """A Beancount account name for every commons account name, one to one.

    Each segment is capitalised (``assets:bank:co-managed:wjxc`` -> ``Assets:Bank:Co-managed:
    Wjxc``); characters Beancount refuses become ``U`` and their code point. Names that would
    still coincide (``income:Rent`` and ``income:rent``) get ``-2``, ``-3``... in name order.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        head, *rest = name.split(":")
        spelled = ":".join([AccountType(head).value.capitalize(),
                            *(_bean_component(s) for s in rest)])
        candidate, n = spelled, 1
        while candidate in taken:
            n += 1
            candidate = f"{spelled}-{n}"
        taken.add(candidate)
        mapping[name] = candidate
    return mapping


def beancount_string(text: str) -> str:
    """Text as a Beancount string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def beancount_entry(entry: ScopedEntry, names: Mapping[str, str]) -> str:
    """An entry as a Beancount transaction, its commons identity kept as metadata; every leg is
    written (also those out of scope), because a Beancount transaction must balance."""
    lines = [f"{entry.date} * {beancount_string(entry.memo)}",
             f"  commons-entry: {entry.entry_id}",
             f"  external-id: {beancount_string(entry.external_id)}",
             f"  actor: {beancount_string(entry.actor)}",
             f'  entry-hash: "{entry.hash}"']
    if entry.reverses is not None:
        lines.append(f"  reverses: {entry.reverses}")
    if entry.reversed_by is not None:
        lines.append(f"  reversed-by: {entry.reversed_by}")
    lines += [f"  {names[leg.account]}  {plain_amount(leg.amount_fen, leg.currency)} {leg.currency}"
              for leg in entry.legs]
    return "\n".join(lines) + "\n\n"
