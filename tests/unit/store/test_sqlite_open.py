"""Opening a database file: look at what it is before changing anything in it, and read a
database in a folder that cannot be written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from conftest import raises
from ledger_helpers import commons_script

from commons.errors import ErrorCode
from commons.store.sqlite import SqliteStore, StorageError


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


@pytest.fixture
def wal_books(tmp_path: Path) -> Path:
    """A commons database in WAL mode, closed cleanly (no -wal or -shm beside it)."""
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "books.db"
    SqliteStore.open(path).close()
    assert _journal_mode(path) == "wal"
    assert sorted(p.name for p in folder.iterdir()) == ["books.db"]
    return path


def _unwritable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``os.access`` say ``folder`` cannot be written: root, who runs these tests, may
    write anywhere, so the real check would never say no."""
    real: Callable[..., bool] = os.access

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if Path(path) == folder and mode & os.W_OK:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_reader_in_a_read_only_folder_opens_the_file_immutable(
        wal_books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unwritable(monkeypatch, wal_books.parent)
    store = SqliteStore.open(wal_books, read_only=True, create=False)
    try:
        with store.read() as t:
            assert t.meta("created_by") == "commons"
    finally:
        store.close()
    # A read-only folder could not have held the -shm index a plain read-only open makes.
    assert sorted(p.name for p in wal_books.parent.iterdir()) == ["books.db"]


def test_a_waiting_log_in_a_read_only_folder_is_refused_with_the_reason(
        wal_books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A log with a change in it: copied while a writer had not yet folded it into the file.
    with closing(sqlite3.connect(wal_books)) as conn:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("INSERT INTO meta (key, value) VALUES ('note', 'waiting')")
        conn.commit()
        copy = tmp_path / "copy"
        copy.mkdir()
        shutil.copy(wal_books, copy / "books.db")
        shutil.copy(f"{wal_books}-wal", copy / "books.db-wal")
    _unwritable(monkeypatch, copy)
    with raises(StorageError, ErrorCode.STORAGE, match=r"books\.db-wal"):
        SqliteStore.open(copy / "books.db", read_only=True, create=False)


def _read_only_mount_works() -> bool:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return shutil.which("unshare") is not None and probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) to mount read-only")
def test_read_only_on_a_read_only_mount_reads(wal_books: Path, tmp_path: Path) -> None:
    if not _read_only_mount_works():
        pytest.skip("this machine does not let the tests make a mount namespace")
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = (f"mount --bind {wal_books.parent} {mount} && "
              f"mount -o remount,bind,ro {mount} && "
              f"{commons_script()} --db {mount / wal_books.name} --read-only audit verify")
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "verified 0 entries" in done.stdout
