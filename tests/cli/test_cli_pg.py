"""``commons --db postgresql://...`` end to end: the command line writes the server book and
no file, ``audit verify`` finds a change made on the server behind the library's back, and the
installed console script runs against the server in a process of its own.

The ``test_*_pg`` modules beside this one run the SQLite suite's own tests on a server book.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ON_POSTGRESQL, Invoke, as_json, ok, pg_book
from ledger_helpers import BANK, PARKING, record, write_jsonl
from test_cli_split import console_script

pytestmark = ON_POSTGRESQL


def posted(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("ledger", "chart", "wjxc"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)]),
        record("pk-2", "2026-10-06", [(BANK, 300), (PARKING, -300)])])))


def test_the_books_are_on_the_server_and_no_file_is_made(
        cli: Invoke, tmp_path: Path, db_path: Path, pg_server: Any) -> None:
    posted(cli, tmp_path)
    assert not db_path.exists()
    status = as_json(cli("--json", "db", "status"))
    assert status["store"] == "postgresql" and status["db"].startswith("postgresql://")
    url, book = pg_book(pg_server, db_path).split("?book=")
    with psycopg.connect(url) as conn:
        conn.execute(f"SET search_path = {book}")
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (2,)


def test_verify_finds_a_change_made_on_the_server(cli: Invoke, tmp_path: Path, db_path: Path,
                                                  pg_server: Any) -> None:
    posted(cli, tmp_path)
    assert as_json(cli("--json", "audit", "verify"))["ok"]
    book = pg_book(pg_server, db_path).split("?book=")[1]
    pg_server.psql(f"SET search_path = {book}; ALTER TABLE postings DISABLE TRIGGER USER; "
                   "UPDATE postings SET amount_fen = 12500 WHERE entry_id = 1 AND seq = 0",
                   db="commons")
    failed = cli("--json", "audit", "verify")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["problems"][0]["entry_id"] == 1


@pytest.mark.slow
def test_the_console_script_posts_and_verifies_on_the_server(
        tmp_path: Path, db_path: Path, pg_server: Any) -> None:
    url = pg_book(pg_server, db_path)
    env = {**os.environ, "COMMONS_DB": url}
    journal = write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)])])

    def run(*args: str | Path) -> Any:
        done = subprocess.run([console_script(), "--json", *map(str, args)],
                              capture_output=True, text=True, env=env, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    run("ledger", "chart", "wjxc")
    assert run("ledger", "post", journal)["posted"] == 1
    assert run("audit", "verify")["entries"] == 1
    assert run("ledger", "balance")["total"] == "0.00"
    assert not db_path.exists() and not (tmp_path / "commons.db").exists()
