"""The demo's audit step (审): export Weiji Xincun's trail, check the export, and print the
October disclosure statement (公示) the committee posts on its notice board."""

from __future__ import annotations

import tempfile
from pathlib import Path

from commons.api.audit import AuditUseCases
from commons.api.demo import WJXC, DemoStep
from commons.ledger.disclosure_render import render_text

__all__ = ["audit_folder", "audit_step"]


def audit_folder(db_path: str) -> Path | None:
    """Where the demo writes its exports: beside the database (None for ``:memory:``)."""
    if db_path == ":memory:":
        return None
    db = Path(db_path)
    return db.with_name(f"{db.stem}-audit")


def audit_step(books: AuditUseCases, db_path: str) -> DemoStep:
    """Export the compound's trail as CSV and Beancount, check both against the ledger, and
    render the disclosure of October 2026."""
    folder = audit_folder(db_path)
    with tempfile.TemporaryDirectory(prefix="commons-demo-") as spare:
        out = folder or Path(spare)
        out.mkdir(exist_ok=True)
        lines = [
            "Seed 001 asks for special audits of public revenue. An auditor (with --read-only)",
            "exports the compound's trail and checks it against the ledger's chain head.",
            "",
        ]
        for fmt, name in (("csv", f"{WJXC}-trail.csv"), ("beancount", f"{WJXC}.beancount")):
            manifest = books.audit_export(out / name, format=fmt, compound=WJXC)
            check = books.audit_check_export(manifest.path)
            lines.append(f"  {fmt:<9} {manifest.rows} postings of {manifest.entries} entries, "
                         f"chain head {manifest.head.id} {manifest.head.hash[:12]}: "
                         f"{'checks out' if check.ok else 'FAILED: ' + '; '.join(check.problems)}")
        where = str(out) if folder else "a temporary folder"
        lines += [f"  files and manifests in {where}", ""]
        lines += [f"  {line}".rstrip() for line in
                  render_text(books.audit_disclose(WJXC, "2026-10")).splitlines()]
    return DemoStep("audit", "Audit trail and disclosure of Weiji Xincun (seed 001)",
                    tuple(lines))
