"""The demo's audit step (审): export Weiji Xincun's trail, check the export, and print the
fourth quarter's disclosure statement (公示) the committee posts on its notice board, written
beside the demo's files as one HTML page (A4, or a phone in a WeChat group) with the notice the
committee keeps; and check the printed chain head against the books."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import render_html, render_text
from commons.demo.base import WJXC, DemoStep, write_file

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["DISCLOSED", "DISCLOSURE_PAGE", "audit_step"]

DISCLOSED = "2026-Q4"
DISCLOSURE_PAGE = f"{WJXC}-{DISCLOSED}-disclosure.html"
NOTICE_NAME = f"{WJXC}-notice.toml"
PUBLISHED = dt.date(2027, 1, 5)
# What Weiji Xincun's self-management committee prints on every statement (docs/formats.md).
NOTICE = """objection_days = 7
contact = "自管会 王师傅 138 0731 0000，1栋101（每周六上午）"
how_to_object = "公示期内书面投递1栋101信箱或当面提出，写明对哪一笔有何异议及理由"

[signatures]
committee = "卫技新村居民自治委员会"
community = "砂子塘社区居民委员会"
"""


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
    books.reconcile.set_account(f"assets:bank:co-managed:{WJXC}", number="6214830173100188",
                                bank="长沙银行雨花支行")
    notice = write_file(folder, NOTICE_NAME, NOTICE)
    statement = books.audit.disclose(WJXC, DISCLOSED, notice=notice, published_on=PUBLISHED)
    write_file(folder, DISCLOSURE_PAGE, render_html(statement))
    found = books.audit.verify(head=statement.head.hash).recorded
    where = "not on the chain" if found is None else f"entry {found.entry} (dated {found.date})"
    lines += ["", "The committee posts the statement, one A4 page that also reads on a phone,",
              f"as {DISCLOSURE_PAGE}, with the notice it keeps ({NOTICE_NAME}).",
              "Checked later with commons audit verify --head HASH, the printed chain head is",
              f"{where}: the books it was printed from are a prefix of today's.",
              "Print it again, with the notice and the day it was posted:",
              f"  commons audit disclose --compound {WJXC} --period {DISCLOSED} --notice "
              f"{folder.name}/{NOTICE_NAME} --published {PUBLISHED} --format html", ""]
    lines += [f"  {line}".rstrip() for line in render_text(statement).splitlines()]
    return DemoStep("audit", f"Audit trail and disclosure of Weiji Xincun, {DISCLOSED} "
                    "(Changsha Yuhua)", tuple(lines))
