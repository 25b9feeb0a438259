"""The XLSX audit export: a workbook an auditor opens in Excel or WPS and reads at once.

A ``summary`` sheet first, then one sheet per account. Every sheet has its header row frozen
and an autofilter over its rows, columns as wide as their content (so no date or amount shows
as ``#####``), and a totals row below the filter (合计, one per currency) that the checks add up
again. Headers are Chinese by default, English with ``lang="en"``. Amounts are yuan numbers
shown with the currency's symbol (``"¥"#,##0.00``): a number format cannot divide fen by 100,
so fen in the cells would read as 30000 for ¥300.00. The entry hash is the last column, kept
narrow (the whole hash is in the cell).

The workbook is written in openpyxl's write-only mode, one row at a time, so memory stays flat;
a sheet's column widths must be known before its first row, so the store reads the sizes that
bound them beforehand (``SheetExtent``: the largest amount and what the running balance can
reach, the longest memo, external id and actor); the summary is written last, from its own
values.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, BinaryIO, NamedTuple

from commons.extras import require
from commons.l10n import amount_decimal, amount_text, spreadsheet_format
from commons.ledger.export import COLUMNS, ScopedEntry, Tally, export_rows
from commons.money import currency_of

__all__ = [
    "HEADERS",
    "LANGS",
    "SUMMARY_COLUMNS",
    "SUMMARY_HEADERS",
    "SUMMARY_SHEET",
    "TOTAL_LABELS",
    "SheetExtent",
    "write_xlsx",
]

LANGS = ("zh", "en")
SUMMARY_SHEET = "summary"
SUMMARY_COLUMNS = ("account", "sheet", "currency", "opening", "debits", "credits", "closing",
                   "rows")
HEADERS = {
    "zh": ("凭证号", "分录序号", "日期", "科目", "对方科目", "摘要", "金额", "币种", "余额",
           "外部编号", "记账人", "冲销凭证", "被冲销于", "凭证哈希"),
    "en": ("Entry", "Seq", "Date", "Account", "Counterparts", "Memo", "Amount", "Currency",
           "Balance", "External id", "Actor", "Reverses", "Reversed by", "Entry hash"),
}
SUMMARY_HEADERS = {
    "zh": ("科目", "工作表", "币种", "期初余额", "借方合计", "贷方合计", "期末余额", "行数"),
    "en": ("Account", "Sheet", "Currency", "Opening", "Debits", "Credits", "Closing", "Rows"),
}
TOTAL_LABELS = {"zh": "合计", "en": "Total"}
DATE_FORMAT = "yyyy-mm-dd"
HASH_WIDTH = 12  # the hash column: its first characters show; the cell holds all 64
TEXT_WIDTH = 50  # the widest a text column grows: longer memos are cut at the cell's edge
_PAD = 2
_AMOUNT = COLUMNS.index("amount")


class SheetExtent(NamedTuple):
    """What bounds the width of an account sheet's columns, for one of its currencies, read by
    the store before the rows: the largest amount, the debits and credits in scope (fen; the
    running balance stays between opening + credits and opening + debits), the display widths
    of the longest memo, external id and actor (a Chinese character counts two), and the most
    counterparts an entry has; the last four over the export's entries, not the account's
    alone (see ``ExportTables.extents``)."""

    account: str
    currency: str
    largest: int
    debits: int
    credits: int
    memo: int
    external_id: int
    actor: int
    counterparts: int


def display_width(text: str) -> int:
    """How many columns ``text`` takes: a wide (CJK) character two, any other one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _amount_width(fen: int, currency: str) -> int:
    unit = currency_of(currency)
    return len(amount_text(-abs(fen), unit.minor_units, grouped=True, symbol=unit.symbol))


def _amount_cell(fen: int, currency: str) -> tuple[Decimal, str]:
    """An amount as a spreadsheet cell holds it: the exact Decimal and the currency's number
    format (``"¥"#,##0.00``; ``"JP¥"#,##0``)."""
    unit = currency_of(currency)
    return (amount_decimal(fen, unit.minor_units),
            spreadsheet_format(unit.minor_units, unit.symbol))


def _sheet_widths(account: str, extents: Iterable[SheetExtent], opening: Mapping[str, int],
                  lang: str, id_digits: int, names: int) -> list[int]:
    """The widths of an account sheet's columns, fitting its header and every value it can
    hold (text columns at most ``TEXT_WIDTH``)."""
    amount = balance = memo = external = actor = others = 0
    for e in extents:
        start = opening.get(e.currency, 0)
        amount = max(amount, _amount_width(e.largest, e.currency))
        balance = max(balance, *(_amount_width(fen, e.currency)
                                 for fen in (start, start + e.debits, start + e.credits)))
        memo, external, actor = (max(memo, e.memo), max(external, e.external_id),
                                 max(actor, e.actor))
        others = max(others, e.counterparts)
    content = (id_digits, 3, len("2026-01-01"), display_width(account),
               others * (names + 1) - 1, memo, amount, 3,
               balance, external, actor, id_digits, id_digits, 0)
    widths = [min(TEXT_WIDTH, max(display_width(h), c)) + _PAD
              for h, c in zip(HEADERS[lang], content, strict=True)]
    widths[0] = max(widths[0], display_width(TOTAL_LABELS[lang]) + _PAD)
    widths[-1] = HASH_WIDTH
    return widths


def _set_widths(sheet: Any, widths: Iterable[int]) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - loaded with openpyxl

    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _finish(sheet: Any, columns: int, rows: int) -> None:
    """The autofilter over the header and ``rows`` rows (the totals below it stay put)."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - loaded with openpyxl

    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def _sheet_title(name: str, taken: set[str]) -> str:
    """An XLSX sheet title for account ``name``, not among ``taken`` (and added to it): ``:``
    is not allowed in one, and at most 31 characters are, so ``assets:bank:x`` is
    ``assets.bank.x``, shortened and numbered when two would coincide."""
    base = name.replace(":", ".")[:31]
    title, n = base, 1
    while title in taken:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}~{n}"
    taken.add(title)
    return title


class _Workbook:
    """The write-only workbook being written: its sheets, their titles and sums."""

    def __init__(self, lang: str, extents: Iterable[SheetExtent], opening: Mapping[
            tuple[str, str], int], id_digits: int, names: int) -> None:
        import openpyxl  # noqa: PLC0415 - only an XLSX export pays for loading it
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        self.new_cell = WriteOnlyCell
        self.book = openpyxl.Workbook(write_only=True)
        self.summary = self.book.create_sheet(SUMMARY_SHEET)
        self.lang = lang
        self.sheets: dict[str, Any] = {}
        self.titles: dict[str, str] = {}
        self.taken = {SUMMARY_SHEET}
        # per (account, currency): debits, credits, rows
        self.moves: dict[tuple[str, str], list[int]] = {}
        self.extents: dict[str, list[SheetExtent]] = {}
        for e in extents:
            self.extents.setdefault(e.account, []).append(e)
        self.opening = opening
        self.id_digits, self.names = id_digits, names

    def cell(self, sheet: Any, value: object, number_format: str | None = None) -> Any:
        """A cell of ``sheet``: text is always text (a leading ``=`` is never a formula)."""
        made = self.new_cell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"
        if number_format:
            made.number_format = number_format
        return made

    def amount(self, sheet: Any, fen: int, currency: str) -> Any:
        """An amount's cell: yuan, shown with the currency's symbol."""
        return self.cell(sheet, *_amount_cell(fen, currency))

    def sheet(self, account: str) -> Any:
        """The account's sheet, made with its widths, frozen header and header row."""
        sheet = self.sheets.get(account)
        if sheet is None:
            self.titles[account] = _sheet_title(account, self.taken)
            sheet = self.sheets[account] = self.book.create_sheet(self.titles[account])
            opening = {c: fen for (a, c), fen in self.opening.items() if a == account}
            _set_widths(sheet, _sheet_widths(account, self.extents.get(account, ()), opening,
                                             self.lang, self.id_digits, self.names))
            sheet.freeze_panes = "A2"
            sheet.append(list(HEADERS[self.lang]))
        return sheet

    def totals(self) -> None:
        """Each account sheet's autofilter and totals rows: the sum of its amounts per
        currency, under the amount column."""
        label = TOTAL_LABELS[self.lang]
        for account, sheet in self.sheets.items():
            _finish(sheet, len(COLUMNS), sum(count for (name, _), (*_, count)
                                             in self.moves.items() if name == account))
            for (name, currency), (debits, credits, _) in sorted(self.moves.items()):
                if name == account:
                    row: list[Any] = [None] * len(COLUMNS)
                    row[0] = self.cell(sheet, label)
                    row[COLUMNS.index("account")] = self.cell(sheet, account)
                    row[_AMOUNT] = self.amount(sheet, debits + credits, currency)
                    row[COLUMNS.index("currency")] = self.cell(sheet, currency)
                    sheet.append(row)

    def write_summary(self, tally: Tally) -> None:
        """The summary sheet: every account's opening, debits, credits, closing and rows, and
        per currency their totals, with widths fitting them all."""
        lines: list[tuple[str, str, str, tuple[int, ...], int]] = []
        for (account, currency), closing in sorted(tally.balances.items()):
            debits, credits, count = self.moves.get((account, currency), (0, 0, 0))
            lines.append((account, self.titles.get(account, ""), currency,
                          (tally.opening.get((account, currency), 0), debits, credits,
                           closing), count))
        totals: dict[str, list[int]] = {}
        for *_, currency, amounts, count in lines:
            sums = totals.setdefault(currency, [0, 0, 0, 0, 0])
            for i, value in enumerate((*amounts, count)):
                sums[i] += value
        label = TOTAL_LABELS[self.lang]
        every = [*lines, *((label, "", c, tuple(s[:4]), s[4]) for c, s in sorted(totals.items()))]
        widths = [display_width(h) for h in SUMMARY_HEADERS[self.lang]]
        for account, title, currency, amounts, count in every:
            content = (display_width(account), len(title), len(currency),
                       *(_amount_width(v, currency) for v in amounts), len(str(count)))
            widths = [max(w, c) for w, c in zip(widths, content, strict=True)]
        _set_widths(self.summary, (w + _PAD for w in widths))
        self.summary.freeze_panes = "A2"
        self.summary.append(list(SUMMARY_HEADERS[self.lang]))
        for account, title, currency, amounts, count in every:
            self.summary.append([self.cell(self.summary, account), title, currency]
                                + [self.amount(self.summary, v, currency) for v in amounts]
                                + [count])
        _finish(self.summary, len(SUMMARY_COLUMNS), len(lines))

    def close(self) -> None:
        """End each sheet's writer now, not when it is collected (after a failure)."""
        for sheet in (self.summary, *self.sheets.values()):
            sheet.close()


def write_xlsx(handle: BinaryIO, entries: Iterator[ScopedEntry], tally: Tally, *,
               lang: str = "zh", extents: Iterable[SheetExtent] = (), id_digits: int = 1,
               names: int = 0) -> dict[str, str]:
    """Write the workbook to ``handle``; the sheet title of every account. ``id_digits`` is
    the width of the largest entry id, ``names`` of the longest account name (a counterpart)."""
    require("xlsx")
    book = _Workbook(lang, extents, tally.opening, id_digits, names)
    try:
        for row in export_rows(entries, tally):
            sheet = book.sheet(row.account)
            sheet.append([row.entry_id, row.seq,
                          book.cell(sheet, dt.date.fromisoformat(row.date), DATE_FORMAT),
                          row.account, ";".join(row.counterparts), book.cell(sheet, row.memo),
                          book.amount(sheet, row.amount_fen, row.currency), row.currency,
                          book.amount(sheet, row.balance_fen, row.currency),
                          book.cell(sheet, row.external_id), book.cell(sheet, row.actor),
                          row.reverses, row.reversed_by, row.entry_hash])
            sums = book.moves.setdefault((row.account, row.currency), [0, 0, 0])
            sums[0 if row.amount_fen > 0 else 1] += row.amount_fen
            sums[2] += 1
        book.totals()
        book.write_summary(tally)
    except BaseException:
        book.close()
        raise
    book.book.save(handle)
    return book.titles
