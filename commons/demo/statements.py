"""The demo's statements step: Weiji Xincun's balance sheet at the end of the year and its
income statement for the fourth quarter, month by month, as an accountant would read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commons.app import statement_text
from commons.demo.base import WJXC, DemoStep

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["statements_step"]


def statements_step(books: Books) -> DemoStep:
    """The compound's balance sheet on 2026-12-31, which must balance, and its income
    statement for 2026-Q4 with a column a month."""
    sheet = books.reports.balance_sheet(as_of="2026-12-31", compound=WJXC)
    quarter = books.reports.income(date_from="2026-Q4", compound=WJXC, grouping="monthly")
    lines = [
        "An accountant reads the books as statements: what the compound owns and owes, and",
        "what it earned and spent. Income less expenses not yet moved into a fund is the",
        "owners' all the same (累计收支结余), so the sheet balances; the quarter's net is",
        "what the owners' fund gained.",
        "",
        *(f"  {line}".rstrip() for line in statement_text(sheet).splitlines()),
        "",
        *(f"  {line}".rstrip() for line in statement_text(quarter).splitlines()),
    ]
    if not sheet.balanced:  # the demo's own books: a sheet off by a fen is a bug to see
        lines.append(f"  NOT BALANCED by {sheet.difference.format_grouped()}")
    return DemoStep("statements", "Financial statements of Weiji Xincun (资产负债表, 收支表), "
                    "2026-Q4", tuple(lines))
