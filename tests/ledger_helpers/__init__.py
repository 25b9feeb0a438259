"""Helpers shared by the ledger tests: JSON Lines records, big generated files, the console script,
and an independent model of balances.

Kept here (not in tests/strategies.py) so the ledger tests stand on their own; the hypothesis
strategies for the ledger live in ``ledger_helpers.strategies``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from commons.ledger.journal import Entry

BANK = "assets:bank:co-managed:wjxc"
PARKING = "income:parking:wjxc"
ADVERTISING = "income:advertising:wjxc"
REPAIRS = "expenses:repairs:wjxc"

Leg = tuple[str, int] | tuple[str, int, str]


def yuan_text(fen: int) -> str:
    """Fen as the yuan text the journal format uses ("120.00", "-3.05"), computed by hand."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def record(external_id: str, date: str, legs: Sequence[Leg], memo: str = "",
           **extra: Any) -> dict[str, Any]:
    """One journal line (DESIGN.md format); a leg is (account, fen) or (account, fen, currency)."""
    postings = []
    for leg in legs:
        posting = {"account": leg[0], "amount": yuan_text(leg[1])}
        if len(leg) == 3:
            posting["currency"] = leg[2]
        postings.append(posting)
    return {"date": date, "memo": memo or f"entry {external_id}", "external_id": external_id,
            "postings": postings, **extra}


def entry_record(entry: Entry) -> dict[str, Any]:
    """The journal line (DESIGN.md format) a host would write for ``entry``, every field kept."""
    optional = {"resource": entry.resource, "period": entry.period, "compound": entry.compound,
                "reverses": entry.reverses}
    return {"date": entry.date.isoformat(), "memo": entry.memo,
            "external_id": entry.external_id,
            "postings": [{"account": p.account, "amount": yuan_text(p.amount.fen),
                          "currency": p.amount.currency} for p in entry.postings],
            **{key: value for key, value in optional.items() if value is not None}}


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """Write one record per line (a str is written as it is, for malformed lines)."""
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def bulk_records(n: int, prefix: str, *, seed: int = 0) -> Iterable[dict[str, Any]]:
    """``n`` parking and advertising receipts of the wjxc compound, ids ``prefix-0`` ...,
    dated over 2026, amounts varied by a simple deterministic formula."""
    for i in range(n):
        fen = (i * 7919 + seed * 104729) % 500_000 + 1
        income = PARKING if i % 3 else ADVERTISING
        date = f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
        yield record(f"{prefix}-{i}", date, [(BANK, fen), (income, -fen)],
                     memo=f"{'停车费' if i % 3 else '广告位'} {prefix} {i}")


def expected_balances(records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Balance in fen of every account the records touch (CNY only), summed independently."""
    out: dict[str, int] = {}
    for r in records:
        for p in r["postings"]:
            text = p["amount"]
            sign = -1 if text.startswith("-") else 1
            whole, cents = text.lstrip("-").split(".")
            out[p["account"]] = out.get(p["account"], 0) + sign * (int(whole) * 100 + int(cents))
    return out


def commons_script() -> Path:
    """The installed ``commons`` console script of the interpreter running the tests."""
    script = Path(sys.executable).parent / "commons"
    assert script.exists(), f"no commons console script next to {sys.executable}"
    return script


def raw_count(db: Path, table: str = "entries") -> int:
    """Rows of ``table`` read with the sqlite3 module directly (not through commons)."""
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
