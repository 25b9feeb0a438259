"""Deterministic ledger benchmark data: N two-posting transactions over 50 accounts, 3 years.

One pass writes the same transactions in up to four files in DIR:

- ``commons.jsonl``          commons journal JSON Lines (DESIGN.md "File formats"), amounts as
                             strings in yuan with two decimals;
- ``accounts.txt``           the 50 account names, one a line, to open before posting (always);
- ``ledger.journal``         ledger-cli / hledger journal text, commodity CNY;
- ``beancount.beancount``    Beancount text with ``open`` directives dated 2023-01-01;

and ``manifest.json`` last, holding N, the seed, the files written and the expected final balance
of every account (integer fen), so a bench can check a report without recomputing. A directory
whose manifest is missing or names other parameters is not complete and is regenerated.

Memory does not depend on N: transactions are made one at a time from a seeded ``random.Random``
and written straight out. Amounts are integers of fen throughout; no float ever touches money.
Dates run 2023-01-01 .. 2025-12-31 and never decrease.

    python bench/ledger_data.py --n 1000000 --out bench/out/ledger-1000000
    python bench/ledger_data.py --n 20000 --out /tmp/d --formats commons,ledger
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, NamedTuple

__all__ = [
    "ACCOUNTS",
    "FILES",
    "FORMATS",
    "Transaction",
    "beancount_account",
    "ensure",
    "fen_text",
    "generate",
    "ledger_account",
    "transactions",
    "write",
]

DEFAULT_N = 1_000_000
DEFAULT_SEED = 20230101
FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
FORMAT_VERSION = 1  # bump when the generated content changes, so caches are remade

FORMATS = ("commons", "ledger", "beancount")
FILES = {
    "commons": "commons.jsonl",
    "accounts": "accounts.txt",
    "ledger": "ledger.journal",
    "beancount": "beancount.beancount",
}
MANIFEST = "manifest.json"

COMPOUNDS = tuple(f"c{i:02d}" for i in range(1, 11))  # ten bundled micro-compounds

# 50 accounts: four per compound (its co-managed bank account, two income sources, repairs)
# and ten shared across the bundle. First segments cover all five account types.
ACCOUNTS: tuple[str, ...] = (
    *(f"assets:bank:co-managed:{c}" for c in COMPOUNDS),
    *(f"income:parking:{c}" for c in COMPOUNDS),
    *(f"income:advertising:{c}" for c in COMPOUNDS),
    *(f"expenses:repairs:{c}" for c in COMPOUNDS),
    "assets:cash:petty",
    "assets:receivable:tenants",
    "liabilities:payable:firm",
    "liabilities:deposits:tenants",
    "equity:owners-fund",
    "income:rent:rooms",
    "income:services:housekeeping",
    "expenses:cleaning",
    "expenses:security",
    "expenses:elevator:maintenance",
)
assert len(ACCOUNTS) == len(set(ACCOUNTS)) == 50

_SHARED_INCOME = ("income:rent:rooms", "income:services:housekeeping")
_SHARED_EXPENSES = ("expenses:cleaning", "expenses:security", "expenses:elevator:maintenance")


class Transaction(NamedTuple):
    """One generated transaction: two postings, ``amount`` fen to ``debit``, minus to ``credit``."""

    number: int  # 1-based
    date: str  # YYYY-MM-DD
    memo: str
    external_id: str
    debit: str
    credit: str
    amount: int  # fen, > 0


def fen_text(fen: int) -> str:
    """Fen as yuan text with two decimals: 12000 -> '120.00', -5 -> '-0.05'."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def _capitalise(component: str) -> str:
    return component[:1].upper() + component[1:]


def ledger_account(name: str) -> str:
    """commons ``assets:bank:co-managed:c01`` -> ledger ``Assets:Bank:Co-managed:C01``."""
    return ":".join(_capitalise(part) for part in name.split(":"))


def beancount_account(name: str) -> str:
    """The Beancount spelling; every component starts with a capital or a digit and holds only
    letters, digits and dashes (checked here, so a change to ACCOUNTS cannot slip through)."""
    spelled = ledger_account(name)
    for component in spelled.split(":"):
        if not (component[:1].isupper() or component[:1].isdigit()) or not all(
                ch.isalnum() or ch == "-" for ch in component):
            raise ValueError(f"{name!r} has component {component!r} that Beancount refuses")
    return spelled


# Kinds of transaction: (cumulative probability, debit, credit, memo, least fen, most fen).
# Mostly income into the compounds' co-managed accounts, then expenses, bills from the firm and
# their payment. {c} is the compound, {income} a shared income source, {purpose} a shared expense.
_KINDS: tuple[tuple[float, str, str, str, int, int], ...] = (
    (0.45, "assets:bank:co-managed:{c}", "income:parking:{c}", "parking fees {c}", 500, 60_000),
    (0.60, "assets:bank:co-managed:{c}", "income:advertising:{c}", "advertising {c}",
     10_000, 500_000),
    (0.68, "assets:bank:co-managed:{c}", "{income}", "{income_word} income {c}", 2_000, 300_000),
    (0.80, "expenses:repairs:{c}", "assets:bank:co-managed:{c}", "repairs {c}", 1_000, 200_000),
    (0.88, "{purpose}", "liabilities:payable:firm", "firm bill {purpose_word}", 5_000, 400_000),
    (0.94, "liabilities:payable:firm", "assets:bank:co-managed:{c}", "pay firm from {c}",
     5_000, 400_000),
    (0.96, "assets:bank:co-managed:{c}", "liabilities:deposits:tenants", "tenant deposit {c}",
     50_000, 300_000),
    (0.98, "assets:cash:petty", "assets:bank:co-managed:{c}", "petty cash {c}", 1_000, 50_000),
    (0.99, "assets:receivable:tenants", "income:rent:rooms", "rent invoiced", 10_000, 300_000),
    (1.00, "assets:bank:co-managed:{c}", "equity:owners-fund", "owners contribution {c}",
     100_000, 2_000_000),
)


def _pick(rng: random.Random) -> tuple[str, str, str, int]:
    """(debit, credit, memo, fen) for one transaction."""
    roll = rng.random()  # chooses a kind only; amounts are integers drawn below
    kind = next(k for k in _KINDS if roll < k[0])
    _, debit, credit, memo, least, most = kind
    income = _SHARED_INCOME[rng.randrange(len(_SHARED_INCOME))]
    purpose = _SHARED_EXPENSES[rng.randrange(len(_SHARED_EXPENSES))]
    fill = {"c": COMPOUNDS[rng.randrange(len(COMPOUNDS))], "income": income,
            "income_word": income.split(":")[1], "purpose": purpose,
            "purpose_word": purpose.split(":")[1]}
    return (debit.format_map(fill), credit.format_map(fill), memo.format_map(fill),
            rng.randint(least, most))


def transactions(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> Iterator[Transaction]:
    """The N transactions, in order, with non-decreasing dates spread evenly over 3 years."""
    rng = random.Random(seed)
    days = (LAST_DAY - FIRST_DAY).days + 1
    width = max(7, len(str(n)))
    day_index = -1
    day_text = ""
    for i in range(n):
        index = i * days // n
        if index != day_index:
            day_index = index
            day_text = (FIRST_DAY + dt.timedelta(days=index)).isoformat()
        debit, credit, memo, fen = _pick(rng)
        yield Transaction(i + 1, day_text, memo, f"tx-{i + 1:0{width}d}", debit, credit, fen)


def _parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    unknown = [item for item in chosen if item not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}; got {text!r}")
    return chosen


def _write_headers(journal: IO[str] | None, bean: IO[str] | None, n: int, seed: int) -> None:
    """The ledger journal's comment; Beancount's options and an open directive per account."""
    if journal is not None:
        journal.write(f"; commons benchmark data: {n} transactions, seed {seed}\n\n")
    if bean is not None:
        bean.write(f"; commons benchmark data: {n} transactions, seed {seed}\n")
        bean.write('option "title" "commons benchmark"\n')
        bean.write('option "operating_currency" "CNY"\n\n')
        for name in ACCOUNTS:
            bean.write(f"{FIRST_DAY.isoformat()} open {beancount_account(name)} CNY\n")
        bean.write("\n")


def write(out: str | Path, n: int = DEFAULT_N, seed: int = DEFAULT_SEED,
          formats: str | Sequence[str] = FORMATS) -> dict[str, object]:
    """Write the chosen formats (plus accounts.txt and manifest.json) into ``out`` in one pass.

    Files are written under temporary names and renamed when complete; the manifest goes last.
    Returns the manifest.
    """
    chosen = _parse_formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    started = time.perf_counter()
    buffering = 1 << 20
    handles = {fmt: open(out / (FILES[fmt] + ".part"), "w", encoding="utf-8",  # noqa: SIM115
                         newline="\n", buffering=buffering) for fmt in chosen}
    try:
        jsonl = handles.get("commons")
        journal = handles.get("ledger")
        bean = handles.get("beancount")
        _write_headers(journal, bean, n, seed)
        ledger_names = {name: ledger_account(name) for name in ACCOUNTS}
        bean_names = {name: beancount_account(name) for name in ACCOUNTS}
        balances = dict.fromkeys(ACCOUNTS, 0)
        for tx in transactions(n, seed):
            plus = fen_text(tx.amount)
            minus = "-" + plus
            balances[tx.debit] += tx.amount
            balances[tx.credit] -= tx.amount
            if jsonl is not None:
                # Every string here is plain ASCII with no quote or backslash (see _pick), so
                # formatting directly gives the same bytes as json.dumps, about 5 times faster.
                jsonl.write(
                    f'{{"date": "{tx.date}", "memo": "{tx.memo}", '
                    f'"external_id": "{tx.external_id}", "postings": ['
                    f'{{"account": "{tx.debit}", "amount": "{plus}"}}, '
                    f'{{"account": "{tx.credit}", "amount": "{minus}"}}]}}\n')
            if journal is not None:
                journal.write(
                    f"{tx.date} ({tx.external_id}) {tx.memo}\n"
                    f"    {ledger_names[tx.debit]}    {plus} CNY\n"
                    f"    {ledger_names[tx.credit]}    {minus} CNY\n\n")
            if bean is not None:
                bean.write(
                    f'{tx.date} * "{tx.memo}" ^{tx.external_id}\n'
                    f"  {bean_names[tx.debit]}    {plus} CNY\n"
                    f"  {bean_names[tx.credit]}    {minus} CNY\n\n")
    finally:
        for handle in handles.values():
            handle.close()
    for fmt in chosen:
        os.replace(out / (FILES[fmt] + ".part"), out / FILES[fmt])
    (out / FILES["accounts"]).write_text("".join(f"{name}\n" for name in ACCOUNTS),
                                         encoding="utf-8")
    assert sum(balances.values()) == 0
    manifest: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "n": n,
        "seed": seed,
        "postings": 2 * n,
        "accounts": len(ACCOUNTS),
        "first_date": FIRST_DAY.isoformat(),
        "last_date": LAST_DAY.isoformat(),
        "formats": list(chosen),
        "files": {fmt: FILES[fmt] for fmt in (*chosen, "accounts")},
        "balances_fen": balances,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def manifest(out: str | Path) -> dict[str, object] | None:
    """The manifest of a completed directory, or None."""
    path = Path(out) / MANIFEST
    try:
        data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def ensure(out: str | Path, n: int = DEFAULT_N, seed: int = DEFAULT_SEED,
           formats: str | Sequence[str] = FORMATS, *, quiet: bool = False) -> dict[str, object]:
    """Reuse ``out`` if it already holds these N/seed/formats complete; otherwise (re)write it
    with every format requested here or present before. Returns the manifest."""
    chosen = _parse_formats(formats)
    found = manifest(out)
    if (found is not None and found.get("format_version") == FORMAT_VERSION
            and found.get("n") == n and found.get("seed") == seed):
        listed = found.get("formats")
        have = [str(fmt) for fmt in listed] if isinstance(listed, list) else []
        if all(fmt in have and (Path(out) / FILES[fmt]).is_file() for fmt in chosen):
            if not quiet:
                print(f"data: reusing {out} ({n:,} transactions)")
            return found
        chosen = tuple(dict.fromkeys((*have, *chosen)))
    if not quiet:
        print(f"data: writing {n:,} transactions ({', '.join(chosen)}) to {out} ...",
              flush=True)
    made = write(out, n, seed, chosen)
    if not quiet:
        print(f"data: written in {made['seconds']} s")
    return made


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> Iterator[dict[str, object]]:
    """The commons JSON Lines records as dicts (for a caller that posts through the library)."""
    for tx in transactions(n, seed):
        plus = fen_text(tx.amount)
        yield {"date": tx.date, "memo": tx.memo, "external_id": tx.external_id,
               "postings": [{"account": tx.debit, "amount": plus},
                            {"account": tx.credit, "amount": "-" + plus}]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="transactions (default 1e6)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", required=True, help="directory to write into")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated subset of {','.join(FORMATS)}")
    parser.add_argument("--force", action="store_true", help="rewrite even if complete")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    try:
        if args.force:
            made = write(args.out, args.n, args.seed, args.formats)
            print(f"data: written in {made['seconds']} s")
        else:
            ensure(args.out, args.n, args.seed, args.formats)
    except ValueError as exc:
        parser.error(str(exc))
    for name in sorted(os.listdir(args.out)):
        size = (Path(args.out) / name).stat().st_size
        print(f"  {name:24} {size / 1e6:10.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
