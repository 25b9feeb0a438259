"""What ``audit export`` and ``audit disclose`` write, and where they refuse to: never over the
database or its WAL files, never over an existing file without --force, never through a
symlink, and never a partial file when the disk is full (issue 14, items 1, 2 and 9)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from conftest import Invoke, ok, refused
from ledger_helpers import ADVERTISING, BANK, PARKING, record, write_jsonl

from commons.errors import ErrorCode
from commons.io import exporting, writing

FORMATS = ("csv", "jsonl", "xlsx", "beancount")
DISCLOSE = ("audit", "disclose", "--compound", "wjxc", "--period", "2026-10")


@pytest.fixture
def books(cli: Invoke, tmp_path: Path) -> Path:
    ok(cli("ledger", "chart", "wjxc"))
    ok(cli("ledger", "post", write_jsonl(tmp_path / "j.jsonl", [
        record("pk-1", "2026-10-05", [(BANK, 12000), (PARKING, -12000)], memo="=停车费"),
        record("ad-1", "2026-10-20", [(BANK, 50000), (ADVERTISING, -50000)], memo="广告位"),
    ])))
    return tmp_path


def export(cli: Invoke, out: Path, *more: str, fmt: str = "csv"):  # type: ignore[no-untyped-def]
    return cli("--read-only", "audit", "export", "--format", fmt, "--out", out, *more)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_an_export_never_overwrites_the_database_or_its_files(
        cli: Invoke, books: Path, db_path: Path, suffix: str) -> None:
    ok(cli("ledger", "balance"))  # a writer leaves the WAL files beside the database
    target = Path(f"{db_path}{suffix}")
    target.touch()
    before = db_path.read_bytes()
    refused(export(cli, target, "--force"), ErrorCode.UNSAFE_OUTPUT)
    refused(cli(*DISCLOSE, "--out", target, "--force"), ErrorCode.UNSAFE_OUTPUT)
    linked = books / "other-name.db"
    if not suffix:
        linked.hardlink_to(db_path)  # the same file under another name
        refused(export(cli, linked, "--force"), ErrorCode.UNSAFE_OUTPUT)
    assert db_path.read_bytes() == before
    ok(cli("audit", "verify"))


def test_an_export_whose_manifest_would_be_the_database_is_refused(
        cli: Invoke, books: Path, db_path: Path) -> None:
    out = books / "trail.csv"
    (books / "trail.csv.manifest.json").symlink_to(db_path)
    before = db_path.read_bytes()
    refused(export(cli, out, "--force"), ErrorCode.UNSAFE_OUTPUT)
    assert db_path.read_bytes() == before and not out.exists()


def test_an_existing_out_needs_force(cli: Invoke, books: Path) -> None:
    out = books / "trail.csv"
    out.write_text("keep me")
    refused(export(cli, out), ErrorCode.OUTPUT_EXISTS, "--force")
    assert out.read_text() == "keep me"
    ok(export(cli, out, "--force"))
    assert out.read_text("utf-8-sig").startswith("entry_id,")
    page = books / "d.txt"
    page.write_text("keep me")
    refused(cli(*DISCLOSE, "--out", page), ErrorCode.OUTPUT_EXISTS)
    assert page.read_text() == "keep me"
    ok(cli(*DISCLOSE, "--out", page, "--force"))
    assert "wjxc" in page.read_text("utf-8")


def test_a_stale_manifest_beside_a_new_out_needs_force(cli: Invoke, books: Path) -> None:
    (books / "trail.csv.manifest.json").write_text("{}")
    refused(export(cli, books / "trail.csv"), ErrorCode.OUTPUT_EXISTS)


def test_disclose_replaces_a_symlink_and_leaves_its_target_alone(
        cli: Invoke, books: Path) -> None:
    victim = books / "victim.txt"
    victim.write_text("precious")
    link = books / "d.html"
    link.symlink_to(victim)
    refused(cli(*DISCLOSE, "--format", "html", "--out", link), ErrorCode.OUTPUT_EXISTS)
    ok(cli(*DISCLOSE, "--format", "html", "--out", link, "--force"))
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_text("utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_never_writes_through_a_symlink_beside_it(
        cli: Invoke, books: Path, fmt: str) -> None:
    victim = books / "victim.txt"
    victim.write_text("precious")
    out = books / f"trail.{fmt}"
    (books / f"trail.{fmt}.part").symlink_to(victim)
    ok(export(cli, out, fmt=fmt))
    assert victim.read_text() == "precious"
    ok(cli("audit", "check-export", out))
    (books / f"trail.{fmt}.manifest.json").unlink()
    (books / f"trail.{fmt}.manifest.json").symlink_to(victim)
    ok(export(cli, out, "--force", fmt=fmt))
    assert victim.read_text() == "precious"
    ok(cli("audit", "check-export", out))


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(("trail", ".trail", "d.", ".d.")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_disk_during_an_export_is_a_clear_error_and_leaves_nothing(
        cli: Invoke, books: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = "write_xlsx" if fmt == "xlsx" else "_TEXT_WRITERS"
    if fmt == "xlsx":
        monkeypatch.setattr(exporting, writer, _disk_full)
    else:
        monkeypatch.setitem(exporting._TEXT_WRITERS, fmt, _disk_full)
    refused(export(cli, books / f"trail.{fmt}", fmt=fmt), ErrorCode.WRITE_FAILED,
            "No space left on device")
    assert _leftovers(books) == []


def test_a_full_disk_while_writing_the_manifest_leaves_nothing(
        cli: Invoke, books: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = writing.os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the export went through; its manifest does not
            _disk_full()
        real(fd)

    monkeypatch.setattr(writing.os, "fsync", fsync)
    refused(export(cli, books / "trail.csv"), ErrorCode.WRITE_FAILED, "No space left on device")
    assert _leftovers(books) == []


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_full_disk_during_disclose_is_a_clear_error_and_leaves_nothing(
        cli: Invoke, books: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writing.os, "fsync", _disk_full)
    refused(cli(*DISCLOSE, "--format", fmt, "--out", books / "d.out"), ErrorCode.WRITE_FAILED,
            "No space left on device")
    assert _leftovers(books) == []


def test_disclose_writes_its_json_to_out_too(cli: Invoke, books: Path) -> None:
    ok(cli(*DISCLOSE, "--format", "json", "--out", books / "d.json"))
    assert '"income_total": "620.00"' in (books / "d.json").read_text("utf-8")
