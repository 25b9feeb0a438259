"""Use cases of the financial statements: the balance sheet and the income statement (the
account list is ``books.ledger.accounts``), and writing a statement or the account list to a
spreadsheet.

Each reads the books in one transaction: the store sums the postings in SQL and the statement
is built from the sums (``commons.ledger.statements``), so the statements of a book of 200,000
entries answer in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from commons.app.compounds import check_compound
from commons.app.session import Service
from commons.errors import NotFound
from commons.io.statement_files import write_accounts_xlsx, write_statement_xlsx
from commons.io.writing import database_files, guard, replacing
from commons.ledger.labels import check_language
from commons.ledger.statements import (
    BalanceSheet,
    IncomeStatement,
    ListedAccount,
    balance_sheet,
    check_depth,
    income_statement,
    statement_columns,
    statement_range,
)
from commons.periods import Period, as_date

__all__ = ["ReportService"]


class ReportService(Service):
    """The financial statements; each reads the books in one transaction."""

    def balance_sheet(self, *, as_of: dt.date | str | None = None, compound: str | None = None,
                      depth: int | None = None, lang: str = "zh",
                      currency: str | None = None) -> BalanceSheet:
        """Assets, liabilities and the owners' fund (of ``compound``) at the end of ``as_of``
        (today by default), accounts rolled up to ``depth`` segments; ``balanced`` says
        whether it balances (a compound's sheet does not when entries cross to accounts of no
        or other compounds)."""
        day = self.clock.today() if as_of is None else as_date(as_of, "as_of")
        check_depth(depth)
        check_language(lang)
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            rows = t.ledger.balances_at(day, compound)
        return balance_sheet(rows, as_of=day, compound=compound, depth=depth, lang=lang,
                             currency=currency)

    def income(self, *, date_from: str, date_to: str | None = None,
               compound: str | None = None, grouping: str = "total", depth: int | None = None,
               lang: str = "zh", currency: str | None = None) -> IncomeStatement:
        """Income and expenses (of ``compound``) from the month or quarter ``date_from``
        through ``date_to`` (``2026-10``, ``2026-Q4``), in one column (``total``), one a month
        (``monthly``) or one a quarter (``quarterly``), with totals and the net."""
        first, last = statement_range(date_from, date_to)
        columns = statement_columns(first, last, grouping)
        check_depth(depth)
        check_language(lang)
        with self.reader.read() as t:
            if compound is not None:
                check_compound(t, compound)
            sums = t.ledger.monthly_sums(first, last, compound)
        return income_statement(
            ((name, Period.parse(month).first_day, money) for name, month, money in sums),
            columns=columns, compound=compound, depth=depth, lang=lang, currency=currency)

    def write_xlsx(self, report: BalanceSheet | IncomeStatement | Sequence[ListedAccount],
                   out: str | Path, *, lang: str = "zh", force: bool = False) -> Path:
        """Write ``report`` (a statement, or the account list ``books.ledger.accounts``
        gives) to the spreadsheet ``out``, as exports are written: never over the database,
        over an existing file only with ``force``, never through a symlink, whole or not at
        all."""
        check_language(lang)
        path = Path(out)
        if not path.parent.is_dir():
            raise NotFound(f"folder {path.parent} does not exist", field="--xlsx",
                           fix="create the folder first, or write the spreadsheet elsewhere")
        guard((path,), protected=database_files(self.session.path), force=force,
              field="--xlsx")
        with replacing(path) as handle:
            if isinstance(report, BalanceSheet | IncomeStatement):
                write_statement_xlsx(handle, report, lang)
            else:
                write_accounts_xlsx(handle, report, lang)
        return path
