"""Opening a database file: look at what it is before changing anything in it."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from ledger_helpers import commons_script


def _foreign(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO photos (name) VALUES ('西湖')")
        conn.commit()
    return path


def _journal_mode(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


@pytest.mark.parametrize("args", [("init",), ("ledger", "balance"), ("estate", "show", "wjxc"),
                                  ("ledger", "chart", "wjxc"), ("audit", "verify"),
                                  ("ledger", "post", "a.jsonl")])
@pytest.mark.slow
def test_another_programs_file_is_refused_untouched(tmp_path: Path, args: tuple[str, ...]
                                                    ) -> None:
    path = _foreign(tmp_path / "photos.db")
    (tmp_path / "a.jsonl").write_text(
        '{"date": "2026-01-05", "memo": "m", "external_id": "x", "postings": []}\n',
        encoding="utf-8")
    before = path.read_bytes()
    done = subprocess.run([str(commons_script()), "--db", str(path), *args],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert "another program's SQLite database" in done.stderr
    assert _journal_mode(path) == "delete"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "photos.db"]
