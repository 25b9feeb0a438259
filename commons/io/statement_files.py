"""The financial statements as people and programs read them: aligned text (Chinese
characters take two columns), JSON, CSV and XLSX.

Pure renderers (values in, text or rows out) but for the XLSX writer, which writes a workbook
to a file the caller opened (``ReportService.write_xlsx`` opens it safely). The JSON and CSV
keys are English whatever the language; the labels, titles and the spreadsheet's headers follow
``lang`` (``zh``, the default, or ``en``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any, BinaryIO

from commons.io.xlsx_writing import Cell, Workbook
from commons.l10n import amount_decimal, amount_text, spreadsheet_format
from commons.ledger.accounts import AccountType
from commons.ledger.export import Figure, csv_record
from commons.ledger.statements import BalanceSheet, IncomeStatement, ListedAccount
from commons.money import CURRENCY, Money, currency_of

__all__ = ["accounts_csv", "accounts_json", "accounts_text", "statement_csv", "statement_json",
           "statement_rows", "statement_text", "write_accounts_xlsx", "write_statement_xlsx"]

_WORDS = {
    "zh": {"sheet": "资产负债表", "income_title": "收支表", "as_of": "截至", "to": "至",
           "account": "科目", "label": "名称", "amount": "金额", "total": "合计",
           "all": "全部小区", "none": "（无）", "net": "结余（收入减支出）",
           "balanced": "平衡：资产 = 负债 + 业主共有资金及基金",
           "unbalanced": "不平衡：资产 ≠ 负债 + 业主共有资金及基金",
           "difference": "差额", "type": "类型", "compound": "小区", "opened": "开立日期",
           "closed": "关闭日期", "balance": "余额", "start": "建账起", "accounts": "科目表"},
    "en": {"sheet": "Balance sheet", "income_title": "Income statement", "as_of": "as of",
           "to": "to", "account": "account", "label": "label", "amount": "amount",
           "total": "total", "all": "all compounds", "none": "(none)",
           "net": "net (income less expenses)",
           "balanced": "balanced: assets = liabilities + owners' fund",
           "unbalanced": "NOT balanced: assets differ from liabilities + owners' fund",
           "difference": "difference", "type": "type", "compound": "compound",
           "opened": "opened", "closed": "closed", "balance": "balance",
           "start": "from the start", "accounts": "Accounts"},
}
_SECTIONS = {"zh": {"assets": "资产", "liabilities": "负债", "equity": "业主共有资金及基金",
                    "income": "收入", "expenses": "支出"},
             "en": {"assets": "assets", "liabilities": "liabilities", "equity": "owners' fund",
                    "income": "income", "expenses": "expenses"}}
Statement = BalanceSheet | IncomeStatement


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: Sequence[Sequence[str]], right: Sequence[int]) -> list[str]:
    """Rows aligned for a terminal or a fixed-width page: Chinese characters take two columns,
    columns in ``right`` (amounts) are right-aligned."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [("  ".join((" " * (w - _width(c)) + c) if i in right else (c + " " * (w - _width(c)))
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))).rstrip()
            for row in rows]


def _scope(compound: str | None, words: dict[str, str]) -> str:
    return compound if compound is not None else words["all"]


def statement_rows(s: Statement, lang: str = "zh") -> list[tuple[str, str, str, list[Money]]]:
    """The statement as rows of (kind, account, label, amounts): kind is a section's type, or
    ``total`` for a section's total line (its account the section's type), or ``net``."""
    words, titles = _WORDS[lang], _SECTIONS[lang]
    rows: list[tuple[str, str, str, list[Money]]] = []
    if isinstance(s, BalanceSheet):
        for section in s.sections:
            kind = section.type.value
            rows += [(kind, x.account, x.label, [x.amount]) for x in section.lines]
            rows.append(("total", kind, f"{titles[kind]}{words['total']}"
                         if lang == "zh" else f"total {titles[kind]}", [section.total]))
        return rows
    totals = {AccountType.INCOME: s.income, AccountType.EXPENSES: s.expenses}
    for kind, sums in totals.items():
        rows += [(kind.value, r.account, r.label, [*r.amounts, r.total])
                 for r in s.rows if r.type == kind]
        rows.append(("total", kind.value, f"{titles[kind.value]}{words['total']}"
                     if lang == "zh" else f"total {titles[kind.value]}",
                     [*sums, Money(sum(m.fen for m in sums), s.currency)]))
    rows.append(("net", "net", words["net"], [*s.net, s.net_total]))
    return rows


def _heading(s: Statement, words: dict[str, str]) -> str:
    scope = _scope(s.compound, words)
    if isinstance(s, BalanceSheet):
        return f"{words['sheet']}  {scope}  {words['as_of']} {s.as_of}  ({s.currency})"
    return (f"{words['income_title']}  {scope}  {s.date_from} {words['to']} {s.date_to}  "
            f"({s.currency})")


def statement_text(s: Statement, lang: str = "zh") -> str:
    """The statement as aligned text: a heading, each section's accounts indented under its
    title and its total, then the sheet's check or the statement's net."""
    words, titles = _WORDS[lang], _SECTIONS[lang]
    columns = [] if isinstance(s, BalanceSheet) else [c.label for c in s.columns]
    shown = len(columns) if len(columns) > 1 else 0  # one column needs no separate total
    header = [words["account"], words["label"], *columns[:shown],
              words["total"] if columns else words["amount"]]
    table: list[list[str]] = [header]
    last_kind = None
    for kind, account, label, amounts in statement_rows(s, lang):
        cells = [m.format_grouped() for m in amounts]
        cells = cells[-1:] if not shown else cells
        blank = [""] * len(cells)
        if kind not in ("total", "net") and kind != last_kind:
            table += [["", "", *blank], [titles[kind], "", *blank]]
        if kind == "total":
            if last_kind != account:  # an empty section still shows its title
                table += [["", "", *blank], [titles[account], "", *blank],
                          [f"  {words['none']}", "", *blank]]
            table.append([label, "", *cells])
        elif kind == "net":
            table += [["", "", *blank], [label, "", *cells]]
        else:
            table.append([f"  {account}", label, *cells])
        last_kind = account if kind == "total" else kind
    right = range(2, len(header))
    lines = [_heading(s, words), "", *_table(table, right)]
    if isinstance(s, BalanceSheet):
        verdict = words["balanced"] if s.balanced else words["unbalanced"]
        lines += ["", f"{verdict}  ({words['difference']} {s.difference.format_grouped()})"]
    return "\n".join(lines) + "\n"


def statement_json(s: Statement) -> dict[str, Any]:
    """The statement as the JSON documented in docs/reports.md (amounts as yuan strings)."""
    if isinstance(s, BalanceSheet):
        return {"as_of": s.as_of.isoformat(), "compound": s.compound, "currency": s.currency,
                "sections": [{"type": x.type.value, "accounts": [
                    {"account": a.account, "label": a.label, "balance": a.amount.format()}
                    for a in x.lines], "total": x.total.format()} for x in s.sections],
                "balanced": s.balanced, "difference": s.difference.format()}
    return {"from": s.date_from.isoformat(), "to": s.date_to.isoformat(),
            "compound": s.compound, "currency": s.currency,
            "periods": [c.label for c in s.columns],
            "rows": [{"account": r.account, "label": r.label, "type": r.type.value,
                      "amounts": [m.format() for m in r.amounts], "total": r.total.format()}
                     for r in s.rows],
            "income": [m.format() for m in s.income],
            "expenses": [m.format() for m in s.expenses],
            "net": [m.format() for m in s.net], "net_total": s.net_total.format()}


def statement_csv(s: Statement, lang: str = "zh") -> str:
    """The statement as CSV (``kind,account,label`` then one column an amount): what
    ``statement_rows`` holds, labels in ``lang``, amounts as plain yuan."""
    amounts = (["balance"] if isinstance(s, BalanceSheet)
               else [*(c.label for c in s.columns), "total"])
    out = [csv_record(("kind", "account", "label", *amounts), end="\n")]
    out += [csv_record((Figure(kind), account, label, *(Figure(m.format()) for m in sums)),
                       end="\n") for kind, account, label, sums in statement_rows(s, lang)]
    return "".join(out)


_Line = tuple[Sequence[str | Money | None], bool]  # a spreadsheet row's cells, and bold


def _shown_width(cell: str | Money | None) -> int:
    if isinstance(cell, Money):
        unit = currency_of(cell.currency)
        return len(amount_text(cell.fen, unit.minor_units, grouped=True, symbol=unit.symbol))
    return _width(cell or "")


def _sheet_cell(book: Workbook, cell: str | Money | None, bold: bool) -> Cell:
    """A report's cell: text, or an amount as an exact number in its currency's format."""
    if isinstance(cell, Money):
        unit = currency_of(cell.currency)
        return (amount_decimal(cell.fen, unit.minor_units),
                book.style(spreadsheet_format(unit.minor_units, unit.symbol), bold=bold))
    return (cell, book.style(bold=True)) if bold and cell else cell


def _write_sheet(handle: BinaryIO, title: str, header: Sequence[str],
                 lines: Sequence[_Line]) -> None:
    """One worksheet titled ``title``: ``header`` in bold and frozen, then ``lines``, widths
    fitting what each column shows, an autofilter over them all."""
    book = Workbook()
    try:
        sheet = book.sheet(title)
        table: list[_Line] = [(header, True), *lines]
        sheet.widths = [max(12, 4 + max(_shown_width(cells[i]) for cells, _ in table))
                        for i in range(len(header))]
        for cells, bold in table:
            sheet.append([_sheet_cell(book, c, bold) for c in cells])
        sheet.close(len(header), len(lines))
        book.save(handle)
    finally:
        book.close()


def write_statement_xlsx(handle: BinaryIO, s: Statement, lang: str = "zh") -> None:
    """The statement as one worksheet: headers in ``lang``, a frozen header row, widths that
    fit the content, amounts as exact numbers in the currency's format, totals in bold."""
    words, titles = _WORDS[lang], _SECTIONS[lang]
    amounts = ([words["balance"]] if isinstance(s, BalanceSheet)
               else [*(c.label for c in s.columns), words["total"]])
    lines: list[_Line] = [
        ([titles.get(kind, words["total"] if kind == "total" else words["net"]), account, label,
          *sums], kind in ("total", "net"))
        for kind, account, label, sums in statement_rows(s, lang)]
    _write_sheet(handle, words["sheet"] if isinstance(s, BalanceSheet) else
                 words["income_title"], [words["type"], words["account"], words["label"],
                                         *amounts], lines)


def _account_lines(accounts: Sequence[ListedAccount], lang: str
                   ) -> list[tuple[str, str, str, str, str, str, Money]]:
    """The account list as rows (name, label, type, compound, opened, closed, balance): one
    an account and currency it holds, one with 0.00 for an account that holds none."""
    start = _WORDS[lang]["start"]
    return [(a.name, a.label, a.account.type.value, a.account.compound or "",
             _iso(a.account.opened_on) or start, _iso(a.account.closed_on) or "", money)
            for a in accounts for money in (a.balances or (Money(0),))]


def _account_header(lang: str) -> list[str]:
    words = _WORDS[lang]
    return [words[k] for k in ("account", "label", "type", "compound", "opened", "closed",
                               "balance")]


def accounts_csv(accounts: Sequence[ListedAccount], lang: str = "zh") -> str:
    """The account list as CSV, a row an account and currency it holds: the columns of
    ``accounts_json`` (English keys, labels in ``lang``), amounts as plain yuan."""
    out = [csv_record(("account", "label", "type", "compound", "opened_on", "closed_on",
                       "currency", "balance"), end="\n")]
    out += [csv_record((Figure(name), label, Figure(kind), Figure(compound),
                        Figure("" if opened == _WORDS[lang]["start"] else opened),
                        Figure(closed), Figure(money.currency), Figure(money.format())),
                       end="\n")
            for name, label, kind, compound, opened, closed, money
            in _account_lines(accounts, lang)]
    return "".join(out)


def write_accounts_xlsx(handle: BinaryIO, accounts: Sequence[ListedAccount],
                        lang: str = "zh") -> None:
    """The account list as one worksheet, laid out as the statements are: headers in
    ``lang``, frozen, widths that fit, balances as exact numbers in their currency's format."""
    _write_sheet(handle, _WORDS[lang]["accounts"], _account_header(lang),
                 [(line, False) for line in _account_lines(accounts, lang)])


def accounts_text(accounts: Sequence[ListedAccount], lang: str = "zh") -> str:
    """The account list as aligned text: name, label, type, compound, opening (and closing)
    date and balance."""
    words = _WORDS[lang]
    table = [_account_header(lang)]
    for a in accounts:
        acc = a.account
        balance = ", ".join(
            m.format_grouped() + ("" if m.currency == CURRENCY else f" {m.currency}")
            for m in a.balances) or "0.00"
        table.append([acc.name, a.label, acc.type.value, acc.compound or "-",
                      str(acc.opened_on) if acc.opened_on else words["start"],
                      str(acc.closed_on) if acc.closed_on else "", balance])
    if len(table) == 1:
        return words["none"] + "\n"
    return "\n".join(_table(table, right=(6,))) + "\n"


def accounts_json(accounts: Sequence[ListedAccount]) -> dict[str, Any]:
    """The account list as JSON: one object an account; ``balance`` is its balance when it
    holds one currency (``0.00`` when none), ``balances`` one per currency."""
    return {"accounts": [{
        "account": a.name, "label": a.label, "type": a.account.type.value,
        "compound": a.account.compound, "opened_on": _iso(a.account.opened_on),
        "closed_on": _iso(a.account.closed_on), "description": a.account.description,
        "balance": a.balances[0].format() if len(a.balances) == 1 else (
            "0.00" if not a.balances else None),
        "balances": [{"currency": m.currency, "balance": m.format()} for m in a.balances],
    } for a in accounts]}


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
