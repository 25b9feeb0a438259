"""A post killed with SIGKILL leaves all of its file or none of it, and re-running completes it.

Real subprocesses run the installed ``commons`` console script. Each kill waits until the post
holds the write lock (its transaction is open), then a seeded random delay, so kills land before,
during and after the commit. After each: the file opens (read-only too, as an auditor would), the
chain verifies, it holds 0 or all entries, and posting the same file again completes the import
with nothing doubled.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest
from ledger_helpers import bulk_records, commons_script, expected_balances, raw_count, write_jsonl

import commons

N = 20_000
KILLS = 4
SEED = 20261001

pytestmark = pytest.mark.slow


def commons_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(commons_script()), *map(str, args)], capture_output=True,
                          text=True, timeout=300, check=False, env=cli_env())


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COMMONS_DB"}
    env["COMMONS_ACTOR"] = "crash-test"
    return env


def start_post(db: Path, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(commons_script()), "--db", str(db), "--json", "ledger", "post",
                             str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=cli_env())


def wait_for_write_lock(db: Path, proc: subprocess.Popen[str], timeout: float) -> bool:
    """Poll until another connection holds the write lock (the post's transaction is open)."""
    deadline = time.monotonic() + timeout
    with closing(sqlite3.connect(db, timeout=0, isolation_level=None)) as probe:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            probe.execute("ROLLBACK")
            time.sleep(0.002)
    return False


def balances_of(db: Path, *, read_only: bool = False) -> tuple[int, dict[str, int]]:
    """(entries, non-zero balances in fen) after checking the chain verifies."""
    with commons.connect(db, read_only=read_only) as api:
        report = api.audit.verify()
        assert report.ok, report.problems
        balances = {b.account: b.balance.fen for b in api.ledger.balance().balances
                    if b.balance}
    return report.entries, balances


def test_sigkill_during_a_large_post_leaves_all_or_nothing(tmp_path: Path) -> None:
    records = list(bulk_records(N, "crash"))
    path = write_jsonl(tmp_path / "big.jsonl", records)
    expected = {a: f for a, f in expected_balances(records).items() if f}

    template = tmp_path / "template.db"
    assert commons_cli("--db", template, "init").returncode == 0
    assert commons_cli("--db", template, "ledger", "chart", "wjxc").returncode == 0
    assert not Path(f"{template}-wal").exists(), "a clean exit leaves no write-ahead log"

    # Calibrate: how long the post's transaction stays open on this machine.
    calibration = tmp_path / "calibration.db"
    shutil.copy(template, calibration)
    proc = start_post(calibration, path)
    assert wait_for_write_lock(calibration, proc, timeout=120)
    opened = time.monotonic()
    out, err = proc.communicate(timeout=300)
    held = time.monotonic() - opened
    assert proc.returncode == 0, err
    assert json.loads(out)["posted"] == N

    rng = random.Random(SEED)
    outcomes = []
    for kill in range(KILLS):
        db = tmp_path / f"kill-{kill}.db"
        shutil.copy(template, db)
        proc = start_post(db, path)
        assert wait_for_write_lock(db, proc, timeout=120), proc.communicate()
        time.sleep(rng.uniform(0, 1.2 * held))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert proc.returncode in (-signal.SIGKILL, 0)

        # The file opens, for an auditor (read-only) and for a writer, and verifies.
        entries_ro, _ = balances_of(db, read_only=True)
        entries, balances = balances_of(db)
        assert entries == entries_ro
        assert entries in (0, N), f"kill {kill}: {entries} of {N} entries survived"
        assert raw_count(db, "postings") == 2 * entries
        assert balances == (expected if entries else {})
        outcomes.append(entries)

        # Posting the same file again completes the import; nothing is doubled.
        again = commons_cli("--db", db, "--json", "ledger", "post", path)
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout)
        assert (summary["posted"], summary["already_recorded"]) == (N - entries, entries)
        assert balances_of(db) == (N, expected)
        assert raw_count(db) == N

    assert 0 in outcomes, f"no kill landed before the commit ({outcomes}, transaction {held:.2f}s)"
