"""The demo's journal step: Weiji Xincun's September 2026, posted from a JSON Lines file.

Before its tidal parking ran through commons, the self-management committee wrote down each
day's takings from the hospital's visitors by hand; a lift advertiser paid for the quarter; the
committee paid for cleaning and greening, and posted the greening bill twice by mistake. The
file is posted, posted again (nothing doubles), and the duplicate is reversed, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commons.demo.base import WJXC, DemoStep, write_file
from commons.money import Money

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["JOURNAL_NAME", "ledger_step", "wjxc_september"]

JOURNAL_NAME = "wjxc-2026-09.jsonl"
BANK = f"assets:bank:co-managed:{WJXC}"


def _record(day: int, memo: str, external_id: str, debit: str, credit: str, yuan: str,
            **links: str) -> dict[str, Any]:
    return {"date": f"2026-09-{day:02d}", "memo": memo, "external_id": external_id,
            "compound": WJXC, "period": "2026-09", **links,
            "postings": [{"account": f"{debit}:{WJXC}", "amount": yuan},
                         {"account": f"{credit}:{WJXC}", "amount": f"-{yuan}"}]}


def wjxc_september() -> Iterator[dict[str, Any]]:
    """The month as journal records (DESIGN.md's JSON Lines format)."""
    bank = "assets:bank:co-managed"
    for day in range(1, 31):
        weekday = dt.date(2026, 9, day).weekday() < 5
        yield _record(day, "tidal parking takings, written down by hand",
                      f"wjxc-tidal-2609-{day:02d}", bank, "income:parking",
                      "1380.00" if weekday else "420.00")
    yield _record(8, "lift advertising, Q3", "wjxc-ad-2026-q3", bank, "income:advertising",
                  "4500.00", resource=f"{WJXC}-ad1")
    yield _record(15, "cleaning, September", "wjxc-clean-2026-09", "expenses:cleaning", bank,
                  "6800.00")
    yield _record(21, "greening: flower beds", "wjxc-green-2026-09", "expenses:greening", bank,
                  "1250.00")
    yield _record(21, "greening: flower beds (posted twice by mistake)", "wjxc-green-2026-09-dup",
                  "expenses:greening", bank, "1250.00")
    yield _record(30, "bank charges", "wjxc-fee-2026-09", "expenses:bank-charges", bank, "12.50")


def ledger_step(books: Books, folder: Path) -> DemoStep:
    """Post the month's file twice, reverse the duplicate, show the balances and verify."""
    journal = write_file(folder, JOURNAL_NAME, "".join(
        json.dumps(r, ensure_ascii=False) + "\n" for r in wjxc_september()))
    summary = books.ledger.post(journal)
    again = books.ledger.post(journal)
    greening = books.ledger.trail(f"expenses:greening:{WJXC}")
    duplicate = next(t for t in greening if t.external_id == "wjxc-green-2026-09-dup")
    if duplicate.entry_id not in {t.reverses for t in greening}:  # the demo may run again
        books.ledger.reverse(duplicate.entry_id, reason="greening posted twice",
                             on=dt.date(2026, 9, 30))
    report = books.ledger.balance(compound=WJXC, as_of=dt.date(2026, 9, 30))
    verified = books.audit.verify()
    lines = [
        "Weiji Xincun's co-managed account takes every yuan of its public revenue;",
        f"the journal is append-only and hash-chained. {journal.name}, one entry a line:",
        "",
        f"  posted {summary.posted} entries for September; posting the same file again: "
        f"{again.already_recorded} already recorded, {again.posted} posted",
        f"  the greening bill posted twice (entry {duplicate.entry_id}) is reversed, not "
        "deleted",
        "",
    ]
    lines += [f"  {b.account:<34} {b.balance.format_symbol():>13}" for b in report.balances
              if b.balance]
    trial = sum((b.balance for b in report.balances), Money.zero())
    lines.append(f"  {'trial balance on 2026-09-30':<34} {trial.format_symbol():>13}")
    lines.append(f"  audit verify: {'ok' if verified.ok else 'FAILED'}, {verified.entries} "
                 f"entries, chain head {verified.head_hash[:16]}")
    return DemoStep("ledger", "Weiji Xincun's journal, September 2026 (Changsha Yuhua)",
                    tuple(lines))
