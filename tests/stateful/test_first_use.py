"""Processes that first touch a new database at the same moment: one creates the schema, the
others wait for it and go on (once 26 of 40 rounds of four said "another program's SQLite
database", having looked between the first user's schema steps)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from ledger_helpers import commons_script

from commons.errors import CommonsError
from commons.store.sqlite import SqliteStore

ROUNDS = 10
PROCESSES = 4
FAST_ROUNDS = 150


@pytest.mark.slow
def test_four_processes_creating_one_database_at_once_all_succeed(tmp_path: Path) -> None:
    script = str(commons_script())
    for round_ in range(ROUNDS):
        db = tmp_path / f"f{round_}.db"
        procs = [subprocess.Popen([script, "--db", str(db), "ledger", "chart", f"c{j}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for j in range(PROCESSES)]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        failed = [(p.returncode, e) for p, e in zip(procs, errors, strict=True) if p.returncode]
        assert not failed, f"round {round_}: {failed}"
        with closing(sqlite3.connect(db)) as conn:
            names = [n for (n,) in conn.execute("SELECT name FROM accounts")]
        assert {n.rsplit(":", 1)[1] for n in names} == {f"c{j}" for j in range(PROCESSES)}


def _open_and_write(path: str) -> str:
    """A fresh process's first use of the books: empty when it went well, else the error."""
    try:
        store = SqliteStore.open(path)
        with store.write():
            pass
        store.close()
    except CommonsError as e:
        return f"{e.code}: {e}"
    return ""


@pytest.mark.slow
def test_processes_switching_one_new_file_to_wal_together_all_succeed(tmp_path: Path) -> None:
    # Without the CLI's start-up cost the processes meet far more often in the window where
    # SQLite refuses the WAL switch without waiting (a round in fifty to a hundred failed on two
    # busy cores, before the store waited for it itself).
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        for round_ in range(FAST_ROUNDS):
            path = str(tmp_path / f"w{round_}.db")
            errors = [e for e in pool.map(_open_and_write, [path] * PROCESSES) if e]
            assert not errors, f"round {round_}: {errors}"
            with closing(sqlite3.connect(path)) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
