"""The XLSX audit export: a workbook an auditor opens in Excel or WPS and reads at once.

A ``summary`` sheet first, then one sheet per account. Every sheet has its header row frozen
and an autofilter over its rows, columns as wide as their content (so no date or amount shows
as ``#####``), and a totals row below the filter (合计, one per currency) that the checks add up
again. Headers are Chinese by default, English with ``lang="en"``. Amounts are yuan numbers
shown with the currency's symbol (``"¥"#,##0.00``): a number format cannot divide fen by 100,
so fen in the cells would read as 30000 for ¥300.00. The entry hash is the last column, kept
narrow (the whole hash is in the cell).

The workbook is written by ``commons.io.xlsx_writing``, a row of XML at a time, compressed
by a second thread as it goes, so memory stays flat and a million postings take seconds;
a sheet's column widths must be known before its first row, so the store reads the sizes that
bound them beforehand (``SheetExtent``: the largest amount and what the running balance can
reach, the longest memo, external id and actor); the summary is written last, from its own
values. A sheet holds at most Excel's 1,048,576 rows: an account with more goes on in a
second sheet (``assets.bank.x~2``), with its own header and totals.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

import attrs

from commons.io.xlsx_writing import (
    ROW_LIMIT,
    ROWS_A_PIECE,
    Cell,
    Sheet,
    Workbook,
    Writer,
    date_serial,
    text_cell,
)
from commons.l10n import amount_decimal, amount_text, spreadsheet_format
from commons.ledger.export import COLUMNS, ScopedEntry, Tally, plain_amount, scoped_postings
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


@attrs.frozen
class SheetExtent:
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


class _AccountSheet:
    """One sheet of an account's rows, the sums per currency of what it holds, and the rows
    it has room for (an account with more rows than a sheet holds goes on in another).

    ``batch`` is how many rows ``pending`` may gather before ``full`` is asked: a piece's
    worth, or fewer when the sheet has less room left, so a row costs one comparison."""

    def __init__(self, sheet: Sheet, account: str, account_cell: str, room: int) -> None:
        self.sheet, self.account, self.account_cell, self.room = (sheet, account,
                                                                 account_cell, room)
        self.pending = sheet.pending
        self.batch = min(ROWS_A_PIECE, room)
        self.moves: dict[str, list[int]] = {}  # currency: debits, credits, rows

    def full(self) -> bool:
        """Compress the rows gathered; whether the sheet has no room left."""
        self.room -= len(self.pending)
        self.sheet.flush()
        self.batch = min(ROWS_A_PIECE, self.room)
        return not self.room


def _number_cell(value: int | None) -> str:
    return "<c/>" if value is None else f"<c><v>{value}</v></c>"


class _Export:
    """The workbook being written: the account sheets, their titles and sums, and the cells
    that repeat (currencies, counterparts), made once."""

    def __init__(self, lang: str, extents: Iterable[SheetExtent],
                 opening: Mapping[tuple[str, str], int], id_digits: int, names: int,
                 row_limit: int) -> None:
        self.book = Workbook()
        self.summary = self.book.sheet(SUMMARY_SHEET)
        self.lang, self.opening, self.row_limit = lang, opening, row_limit
        self.id_digits, self.names = id_digits, names
        self.current: dict[str, _AccountSheet] = {}
        self.sheets: list[_AccountSheet] = []
        self.titles: dict[str, list[str]] = {}
        self.taken = {SUMMARY_SHEET}
        self.extents: dict[str, list[SheetExtent]] = {}
        for e in extents:
            self.extents.setdefault(e.account, []).append(e)
        self.date_style = self.book.style(DATE_FORMAT)
        self.currencies: dict[str, tuple[str, str, bool]] = {}
        self.shared_cells: dict[str, str] = {}

    def amount(self, fen: int, currency: str) -> Cell:
        """An amount's cell: yuan, shown with the currency's symbol (``"¥"#,##0.00``)."""
        unit = currency_of(currency)
        return (amount_decimal(fen, unit.minor_units),
                self.book.style(spreadsheet_format(unit.minor_units, unit.symbol)))

    def currency(self, code: str) -> tuple[str, str, bool]:
        """What a row holds around its amount and balance in currency ``code``: the XML
        before the amount, between it and the balance (the currency's cell), and whether
        the currency has two decimals."""
        unit = currency_of(code)
        style = self.book.style(spreadsheet_format(unit.minor_units, unit.symbol))
        made = self.currencies[code] = (f'<c s="{style}"><v>',
                                        f'</v></c>{self.shared(code)}<c s="{style}"><v>',
                                        unit.minor_units == 2)
        return made

    def shared(self, text: str) -> str:
        """The cell of a text that repeats (counterparts, actors), made once."""
        made = self.shared_cells[text] = self.book.shared(text)
        return made

    def start(self, account: str) -> _AccountSheet:
        """A new sheet for ``account``'s rows, with its widths, frozen header and header row
        (after ``end`` ended the one it continues, if any)."""
        title = _sheet_title(account, self.taken)
        self.titles.setdefault(account, []).append(title)
        sheet = self.book.sheet(title)
        extents = self.extents.get(account, ())
        opening = {c: fen for (a, c), fen in self.opening.items() if a == account}
        sheet.widths = _sheet_widths(account, extents, opening, self.lang, self.id_digits,
                                     self.names)
        sheet.append(HEADERS[self.lang])
        # Room for the header and rows, above a totals row per currency.
        room = self.row_limit - max(1, len(extents))
        place = self.current[account] = _AccountSheet(sheet, account, self.shared(account),
                                                      room)
        self.sheets.append(place)
        return place

    def end(self, place: _AccountSheet) -> None:
        """The sheet's totals rows (the sum of its amounts per currency, under the amount
        column) below its autofilter, and its end; the account's next row starts a sheet."""
        del self.current[place.account]
        rows = place.sheet.rows - 1
        for currency, (debits, credits, _) in sorted(place.moves.items()):
            row: list[Cell] = [None] * len(COLUMNS)
            row[0] = TOTAL_LABELS[self.lang]
            row[COLUMNS.index("account")] = place.account
            row[_AMOUNT] = self.amount(debits + credits, currency)
            row[COLUMNS.index("currency")] = currency
            place.sheet.append(row)
        place.sheet.close(len(COLUMNS), rows)

    def write_rows(self, entries: Iterator[ScopedEntry], tally: Tally) -> None:
        """A row per posting in scope on its account's sheet, counted in ``tally`` as
        ``export_rows`` counts them. What the entry holds is spelled once an entry, and the
        amounts here in the common case, because this loop is what an export of millions of
        postings spends its time on."""
        dates: dict[str, str] = {}
        current, currencies, shared = self.current, self.currencies, self.shared_cells
        last: ScopedEntry | None = None
        front = date = memo_cell = tail = ""
        for entry, seq, account, fen, currency, others, balance in scoped_postings(entries,
                                                                                  tally):
            if entry is not last:
                last = entry
                entry_id, day, memo, external_id, actor, reverses, reversed_by, link, _ = entry
                date = dates.get(day) or dates.setdefault(
                    day, f'</v></c><c s="{self.date_style}"><v>'
                         f"{date_serial(dt.date.fromisoformat(day))}</v></c>")
                front = f"<row><c><v>{entry_id}</v></c><c><v>"
                memo_cell = text_cell(memo)
                tail = (f"</v></c>{text_cell(external_id)}"
                        f"{shared.get(actor) or self.shared(actor)}"
                        + ("<c/><c/>" if reverses is None and reversed_by is None else
                           _number_cell(reverses) + _number_cell(reversed_by))
                        + f'<c t="inlineStr"><is><t>{link}</t></is></c></row>')
            place = current.get(account) or self.start(account)
            before, between, cents = currencies.get(currency) or self.currency(currency)
            if cents and (fen >= 100 or fen <= -100):
                amount = str(fen)
                amount = f"{amount[:-2]}.{amount[-2:]}"
            else:
                amount = plain_amount(fen, currency)
            if cents and (balance >= 100 or balance <= -100):
                held = str(balance)
                held = f"{held[:-2]}.{held[-2:]}"
            else:
                held = plain_amount(balance, currency)
            moves = place.moves.get(currency) or place.moves.setdefault(currency, [0, 0, 0])
            moves[0 if fen > 0 else 1] += fen
            moves[2] += 1
            pending = place.pending
            pending.append(f"{front}{seq}{date}{place.account_cell}"
                           f"{shared.get(others) or self.shared(others)}{memo_cell}"
                           f"{before}{amount}{between}{held}{tail}")
            if len(pending) >= place.batch and place.full():
                self.end(place)

    def write_summary(self, tally: Tally) -> None:
        """The summary sheet: every account's sheets, opening, debits, credits, closing and
        rows, and per currency their totals, with widths fitting them all."""
        moves: dict[tuple[str, str], list[int]] = {}
        for place in self.sheets:
            for currency, sums in place.moves.items():
                added = moves.setdefault((place.account, currency), [0, 0, 0])
                added[:] = [a + b for a, b in zip(added, sums, strict=True)]
        lines: list[tuple[str, str, str, tuple[int, ...], int]] = []
        for (account, currency), closing in sorted(tally.balances.items()):
            debits, credits, count = moves.get((account, currency), (0, 0, 0))
            lines.append((account, ", ".join(self.titles.get(account, ())), currency,
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
        self.summary.widths = [w + _PAD for w in widths]
        self.summary.append(SUMMARY_HEADERS[self.lang])
        for account, title, currency, amounts, count in every:
            self.summary.append([account, title, currency,
                                 *(self.amount(v, currency) for v in amounts), count])
        self.summary.close(len(SUMMARY_COLUMNS), len(lines))


def write_xlsx(handle: Writer, entries: Iterator[ScopedEntry], tally: Tally, *,
               lang: str = "zh", extents: Iterable[SheetExtent] = (), id_digits: int = 1,
               names: int = 0, row_limit: int = ROW_LIMIT) -> dict[str, str]:
    """Write the workbook to ``handle``; the sheet title of every account (its first, where
    its rows go on over more sheets than one). ``id_digits`` is the width of the largest
    entry id, ``names`` of the longest account name (a counterpart); ``row_limit`` the rows
    a sheet holds, Excel's unless a test asks for fewer."""
    export = _Export(lang, extents, tally.opening, id_digits, names, row_limit)
    try:
        export.write_rows(entries, tally)
        for place in list(export.current.values()):
            export.end(place)
        export.write_summary(tally)
        export.book.save(handle)
    finally:
        export.book.close()
    return {account: titles[0] for account, titles in export.titles.items()}
