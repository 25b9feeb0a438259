"""The demo's statements step: Weiji Xincun's balance sheet at the end of the year and its
income statement for the fourth quarter, month by month, as an accountant would read them, and
its account list written to a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import statement_text
from commons.demo.base import WJXC, DemoStep

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["ACCOUNTS_SHEET", "statements_step"]

ACCOUNTS_SHEET = f"{WJXC}-accounts.xlsx"


def statements_step(books: Books, folder: Path) -> DemoStep:
    """The compound's balance sheet on 2026-12-31, which must balance, its income statement
    for 2026-Q4 with a column a month, and its account list as a spreadsheet in ``folder``."""
    sheet = books.reports.balance_sheet(as_of="2026-12-31", compound=WJXC)
    quarter = books.reports.income(date_from="2026-Q4", compound=WJXC, grouping="monthly")
    listed = books.ledger.accounts(compound=WJXC)
    written = books.reports.write_xlsx(listed, folder / ACCOUNTS_SHEET, force=True)
    lines = [
        "An accountant reads the books as statements: what the compound owns and owes, and",
        "what it earned and spent. Income less expenses not yet moved into a fund is the",
        "owners' all the same (累计收支结余), so the sheet balances; the quarter's net is",
        "what the owners' fund gained.",
        "",
        *(f"  {line}".rstrip() for line in statement_text(sheet).splitlines()),
        "",
        *(f"  {line}".rstrip() for line in statement_text(quarter).splitlines()),
        "",
        f"Its {len(listed)} accounts, with labels, opening dates and balances, are in the",
        f"spreadsheet {written.name} (`commons ledger accounts --compound {WJXC} --xlsx FILE`).",
    ]
    if not sheet.balanced:  # the demo's own books: a sheet off by a fen is a bug to see
        lines.append(f"  NOT BALANCED by {sheet.difference.format_grouped()}")
    return DemoStep("statements", "Financial statements of Weiji Xincun (资产负债表, 收支表), "
                    "2026-Q4", tuple(lines))
