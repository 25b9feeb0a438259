"""A new user's mistakes through click's CliRunner: each case is input a real user produces (a
GBK file, an absurd amount, a path that is a folder, a doubled id ...). Each must end in exit 1
with one ``commons: error:`` naming where and how to fix it, no traceback, and nothing stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import Result
from conftest import Invoke, WriteFile


def dump(db: Path) -> list[str]:
    """Every row of the database as SQL text, to show that a refusal changed nothing."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def refused(result: Result, *parts: str) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.startswith("commons: error: "), result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
    return result.stderr


def test_elect_reads_a_gbk_file_with_the_encoding_its_error_suggests(
        cli: Invoke, write_file: WriteFile) -> None:
    path = write_file("v.csv", "candidate,votes\n张伟,3\n李秀英,1\n".encode("gbk"))
    refused(cli("resolution", "elect", path, "--seats", "1"), f"{path}:2", "--encoding gb18030")
    result = cli("resolution", "elect", path, "--seats", "1", "--encoding", "gb18030")
    assert result.exit_code == 0, result.stderr
    assert "张伟" in result.stdout
