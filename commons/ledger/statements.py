"""Financial statements from the books' sums: the account list, the balance sheet and the
income statement (hledger's ``accounts``, ``bs`` and ``is``/``bal -M`` are the model).

Pure values: the store's sums come in, statements come out. Amounts are shown the way each type
is normally read: assets and expenses as debits, liabilities, the owners' fund and income as
credits, so a healthy sheet shows positive figures. Income and expenses not yet closed into a
fund are the owners' all the same, so the sheet carries them as one line of the fund
(``SURPLUS``); that is why the sheet balances whenever the books do, and why the income
statement's net over a period is the change in the fund over it (when nothing else moved it).

``depth`` rolls accounts up the ``:`` tree: at depth 2 ``income:parking:wjxc`` and
``income:parking:zy-1`` become one ``income:parking`` line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.ledger.accounts import Account, AccountType
from commons.ledger.labels import account_label, check_language
from commons.money import CURRENCIES, CURRENCY, Money
from commons.periods import Period

__all__ = [
    "GROUPINGS",
    "SURPLUS",
    "BalanceSheet",
    "IncomeRow",
    "IncomeStatement",
    "ListedAccount",
    "StatementColumn",
    "StatementLine",
    "StatementSection",
    "balance_sheet",
    "check_depth",
    "income_statement",
    "list_accounts",
    "statement_columns",
    "statement_range",
]

# Income less expenses not yet closed into a fund: a line of the owners' fund. The parentheses
# keep it from ever being the name of an account (segments are letters, digits, - and _).
SURPLUS = "equity:(surplus)"
SURPLUS_LABELS = {"zh": "累计收支结余", "en": "income less expenses to date"}
GROUPINGS = ("total", "monthly", "quarterly")
_CREDIT = frozenset({AccountType.LIABILITIES, AccountType.EQUITY, AccountType.INCOME})
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_PERIOD_FIX = "write a month as 2026-10 or a quarter as 2026-Q4"


def _label(name: str, lang: str) -> str:
    return SURPLUS_LABELS[lang] if name == SURPLUS else account_label(name, lang)


def _type(name: str) -> AccountType:
    return AccountType(name.split(":", 1)[0])


def _shown(name: str, fen: int) -> int:
    """Fen as the statement shows them: credit-normal types negated."""
    return -fen if _type(name) in _CREDIT else fen


def _rolled(name: str, depth: int | None) -> str:
    return name if depth is None else ":".join(name.split(":")[:depth])


def check_depth(depth: int | None) -> int | None:
    """``depth`` if it is a whole number from 1 (None: every account as it is)."""
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int)
                              or depth < 1):
        raise InvalidInput(f"depth {depth!r} is not a whole number from 1", field="depth",
                           fix="give 1 for the five types, 2 for assets:bank, ... or none",
                           code=ErrorCode.INVALID_INPUT)
    return depth


def _one_currency(found: Iterable[str], currency: str | None) -> str:
    """The currency a statement shows: the one given, or the only one the rows hold. One
    given that none of the rows holds is refused: its statement would show only zeros, which
    reads as books with nothing in them. A unit that is not money (volunteer points) is shown
    only when asked for, so books that hold yuan and points show the yuan by default."""
    kinds = sorted(set(found))
    if currency is not None:
        if kinds and currency not in kinds:
            raise InvalidInput(f"the statement's accounts hold no {currency}: they hold "
                               f"{', '.join(kinds)}", field="currency",
                               fix=f"ask for {' or '.join(kinds)} with --currency",
                               code=ErrorCode.CURRENCY_MISMATCH)
        return currency
    kinds = [k for k in kinds if k not in CURRENCIES or CURRENCIES[k].money] or kinds
    if len(kinds) > 1:
        raise InvalidInput(f"the books hold amounts in {', '.join(kinds)}; a statement shows "
                           "one currency", field="currency",
                           fix=f"ask for one of {', '.join(kinds)} (--currency)",
                           code=ErrorCode.CURRENCY_MISMATCH)
    return kinds[0] if kinds else CURRENCY


@attrs.frozen
class ListedAccount:
    """One account of the account list, with its label and balance in each currency it holds."""

    account: Account
    label: str
    balances: tuple[Money, ...]

    @property
    def name(self) -> str:
        """The account's name."""
        return self.account.name


def list_accounts(accounts: Iterable[Account], balances: Iterable[tuple[str, Money]], *,
                  today: dt.date, compound: str | None = None, type: str | None = None,
                  closed: bool = False, lang: str = "zh") -> tuple[ListedAccount, ...]:
    """The accounts in name order, those of ``compound`` and ``type`` when given; accounts
    closed by ``today`` only with ``closed``."""
    check_language(lang)
    if type is not None and type not in {t.value for t in AccountType}:
        raise InvalidInput(f"account type {type!r} is unknown", field="type",
                           fix=f"use one of {', '.join(t.value for t in AccountType)}",
                           code=ErrorCode.INVALID_INPUT)
    held: dict[str, list[Money]] = {}
    for name, money in balances:
        held.setdefault(name, []).append(money)
    return tuple(
        ListedAccount(a, account_label(a.name, lang), tuple(held.get(a.name, ())))
        for a in sorted(accounts, key=lambda a: a.name)
        if (compound is None or a.compound == compound)
        and (type is None or a.type.value == type)
        and (closed or a.closed_on is None or a.closed_on > today))


@attrs.frozen
class StatementLine:
    """An account (or a rolled-up prefix) of a statement, its label and amount as shown."""

    account: str
    label: str
    amount: Money


@attrs.frozen
class StatementSection:
    """Assets, liabilities or the owners' fund: its lines and their total."""

    type: AccountType
    lines: tuple[StatementLine, ...]
    total: Money


@attrs.frozen
class BalanceSheet:
    """Assets, liabilities and the owners' fund at the end of ``as_of``."""

    as_of: dt.date
    compound: str | None
    currency: str
    sections: tuple[StatementSection, StatementSection, StatementSection]

    @property
    def difference(self) -> Money:
        """Assets less liabilities less the fund: zero when the sheet balances."""
        assets, liabilities, equity = (s.total for s in self.sections)
        return assets - liabilities - equity

    @property
    def balanced(self) -> bool:
        """Whether assets equal liabilities plus the owners' fund to the fen."""
        return not self.difference


def balance_sheet(balances: Iterable[tuple[str, Money]], *, as_of: dt.date,
                  compound: str | None = None, depth: int | None = None, lang: str = "zh",
                  currency: str | None = None) -> BalanceSheet:
    """The sheet from every account's balance at ``as_of`` (income and expenses included:
    they make the fund's ``SURPLUS`` line)."""
    rows = list(balances)
    unit = _one_currency((m.currency for _, m in rows), currency)
    check_depth(depth)
    check_language(lang)
    sums: dict[str, int] = {}
    for name, money in rows:
        if money.currency != unit:
            continue
        kind = _type(name)
        shown = name if kind not in (AccountType.INCOME, AccountType.EXPENSES) else SURPLUS
        key = _rolled(shown, depth)
        sums[key] = sums.get(key, 0) + (-money.fen if shown == SURPLUS else _shown(name, money.fen))
    sections = []
    for kind in (AccountType.ASSETS, AccountType.LIABILITIES, AccountType.EQUITY):
        lines = tuple(StatementLine(n, _label(n, lang), Money(fen, unit))
                      for n, fen in sorted(sums.items(), key=lambda kv: (kv[0] == SURPLUS, kv[0]))
                      if fen and _type(n) == kind)
        sections.append(StatementSection(kind, lines,
                                         Money(sum(x.amount.fen for x in lines), unit)))
    return BalanceSheet(as_of, compound, unit, (sections[0], sections[1], sections[2]))


def _month_bounds(text: str, field: str) -> tuple[dt.date, dt.date]:
    quarter = _QUARTER.fullmatch(text.strip())
    try:
        if quarter:
            year, q = int(quarter.group(1)), int(quarter.group(2))
            return (Period(year, 3 * q - 2).first_day, Period(year, 3 * q).last_day)
        month = Period.parse(text)
    except InvalidInput as e:
        raise InvalidInput(f"{field} {text!r} is not a month or a quarter", field=field,
                           fix=_PERIOD_FIX, code=ErrorCode.INVALID_DATE) from e
    return month.first_day, month.last_day


def statement_range(date_from: str, date_to: str | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day from a month or quarter ``date_from`` through ``date_to`` (the
    same when not given); a range that ends before it starts is refused."""
    # Named as the command line names them, as the export's scope names its --to.
    first, _ = _month_bounds(date_from, "--from")
    _, last = _month_bounds(date_from if date_to is None else date_to, "--to")
    if last < first:
        raise InvalidInput(f"the period from {date_from} to {date_to} ends before it starts",
                           field="--to", fix="give --to on or after --from",
                           code=ErrorCode.INVALID_DATE)
    return first, last


@attrs.frozen
class StatementColumn:
    """One column of an income statement: its label and the days it covers."""

    label: str
    first: dt.date
    last: dt.date


def statement_columns(first: dt.date, last: dt.date, grouping: str = "total"
                      ) -> tuple[StatementColumn, ...]:
    """The columns from ``first`` to ``last``: one (``total``), one a month (``monthly``) or
    one a quarter (``quarterly``), cut to the range at either end."""
    if grouping not in GROUPINGS:
        raise InvalidInput(f"grouping {grouping!r} is unknown", field="grouping",
                           fix=f"use one of {', '.join(GROUPINGS)}",
                           code=ErrorCode.INVALID_INPUT)
    if grouping == "total":
        start, end = Period.of(first), Period.of(last)
        label = str(start) if start == end else f"{start}..{end}"
        return (StatementColumn(label, first, last),)
    columns: list[StatementColumn] = []
    month = Period.of(first)
    while month.first_day <= last:
        if grouping == "monthly":
            label, end = str(month), month
        else:
            q = (month.month - 1) // 3 + 1
            label, end = f"{month.year}-Q{q}", Period(month.year, 3 * q)
        columns.append(StatementColumn(label, max(month.first_day, first),
                                       min(end.last_day, last)))
        month = end.next()
    return tuple(columns)


@attrs.frozen
class IncomeRow:
    """An income or expense account (or rolled-up prefix): its amount in each column."""

    account: str
    label: str
    type: AccountType
    amounts: tuple[Money, ...]
    total: Money


@attrs.frozen
class IncomeStatement:
    """Income and expenses per column, their totals, and the net (income less expenses)."""

    date_from: dt.date
    date_to: dt.date
    compound: str | None
    currency: str
    columns: tuple[StatementColumn, ...]
    rows: tuple[IncomeRow, ...]

    def _total(self, kind: AccountType) -> tuple[Money, ...]:
        return tuple(Money(sum(r.amounts[i].fen for r in self.rows if r.type == kind),
                           self.currency) for i in range(len(self.columns)))

    @property
    def income(self) -> tuple[Money, ...]:
        """All income in each column."""
        return self._total(AccountType.INCOME)

    @property
    def expenses(self) -> tuple[Money, ...]:
        """All expenses in each column."""
        return self._total(AccountType.EXPENSES)

    @property
    def net(self) -> tuple[Money, ...]:
        """Income less expenses in each column."""
        return tuple(i - e for i, e in zip(self.income, self.expenses, strict=True))

    @property
    def net_total(self) -> Money:
        """Income less expenses over the whole range."""
        return Money(sum(m.fen for m in self.net), self.currency)


def income_statement(sums: Iterable[tuple[str, dt.date, Money]], *,
                     columns: Sequence[StatementColumn], compound: str | None = None,
                     depth: int | None = None, lang: str = "zh", currency: str | None = None
                     ) -> IncomeStatement:
    """The statement from the sums of income and expense accounts by day (or by any day
    standing for a part of the range: each falls in the column that covers it)."""
    rows = list(sums)
    unit = _one_currency((m.currency for _, _, m in rows), currency)
    check_depth(depth)
    check_language(lang)
    if not columns:
        raise InvalidInput("an income statement needs at least one column", field="columns",
                           fix="make the columns with statement_columns",
                           code=ErrorCode.INVALID_INPUT)
    cells: dict[str, list[int]] = {}
    for name, day, money in rows:
        kind = _type(name)
        if money.currency != unit or kind not in (AccountType.INCOME, AccountType.EXPENSES):
            continue
        at = next((i for i, c in enumerate(columns) if c.first <= day <= c.last), None)
        if at is None:
            continue
        cells.setdefault(_rolled(name, depth), [0] * len(columns))[at] += _shown(name, money.fen)
    lines = tuple(
        IncomeRow(n, _label(n, lang), _type(n), tuple(Money(f, unit) for f in fens),
                  Money(sum(fens), unit))
        for n, fens in sorted(cells.items(), key=lambda kv: (_type(kv[0]) != AccountType.INCOME,
                                                             kv[0]))
        if any(fens))
    return IncomeStatement(columns[0].first, columns[-1].last, compound, unit, tuple(columns),
                           lines)
