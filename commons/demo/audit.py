"""The demo's audit step (审): export Weiji Xincun's trail, check the export, and print the
fourth quarter's disclosure statement (公示) the committee posts on its notice board."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import render_text
from commons.demo.base import WJXC, DemoStep

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["DISCLOSED", "audit_step"]

DISCLOSED = "2026-Q4"


def audit_step(books: Books, folder: Path) -> DemoStep:
    """Export the compound's trail as CSV, XLSX and Beancount, check each against the ledger,
    and render the disclosure of the fourth quarter."""
    lines = [
        "Changsha Yuhua asks for special audits of public revenue. An auditor (--read-only)",
        "exports the compound's trail and checks it against the ledger's chain head; the",
        "workbook has Chinese headers, a filter, a totals row (合计) per sheet and ¥ amounts.",
        "",
    ]
    for fmt, name in (("csv", f"{WJXC}-trail.csv"), ("xlsx", f"{WJXC}-trail.xlsx"),
                      ("beancount", f"{WJXC}.beancount")):
        manifest = books.audit.export(folder / name, format=fmt, compound=WJXC, force=True)
        check = books.audit.check_export(manifest.path)
        lines.append(f"  {fmt:<9} {manifest.rows} postings of {manifest.entries} entries, "
                     f"chain head {manifest.head.id} {manifest.head.hash[:12]}: "
                     f"{'checks out' if check.ok else 'FAILED: ' + '; '.join(check.problems)}")
    lines.append("")
    lines += [f"  {line}".rstrip() for line in
              render_text(books.audit.disclose(WJXC, DISCLOSED)).splitlines()]
    return DemoStep("audit", f"Audit trail and disclosure of Weiji Xincun, {DISCLOSED} "
                    "(Changsha Yuhua)", tuple(lines))
