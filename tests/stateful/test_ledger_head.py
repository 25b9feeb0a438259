"""Comparing the journal with a recorded (and signed) chain head: what the hash chain alone
cannot catch, because anyone who can write the file can compute hashes (issue 14, item 15)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Invoke, raises
from ledger_helpers import BANK, PARKING

import commons
from commons import FixedClock, Money
from commons.app.ledger_results import VerifyReport
from commons.errors import ErrorCode
from commons.ledger.journal import Entry, Posting
from commons.ledger.problems import ProblemKind
from commons.ledger.rules import ChainHead
from commons.ledger.signing import head_signature

KEY = b"kept by the committee, not by whoever runs the server"


def build(path: Path, amounts: tuple[int, ...] = (12000, 3000, 4500)) -> Path:
    with commons.connect(path, clock=FixedClock.parse("2026-07-01T09:00:00"),
                         actor="accountant") as api:
        api.ledger.chart("wjxc")
        api.ledger.post([Entry(dt.date(2026, 3, n + 1), f"停车费 {n}",
                               (Posting(BANK, Money(fen)), Posting(PARKING, Money(-fen))),
                               f"pk-{n}") for n, fen in enumerate(amounts)])
    return path


def verify(db: Path, **recorded: object) -> VerifyReport:
    with commons.connect(db, read_only=True) as api:
        return api.audit.verify(**recorded)  # type: ignore[arg-type]


def forge_append(db: Path) -> None:
    """What anyone who can write the file can do: post with commons itself, no key needed."""
    with commons.connect(db, actor="intruder") as api:
        api.ledger.post([Entry(dt.date(2026, 3, 9), "refund",
                               (Posting(PARKING, Money(9000)), Posting(BANK, Money(-9000))),
                               "forged-1")])


@pytest.fixture
def db(db_path: Path) -> Path:
    return build(db_path)


def test_an_honest_journal_holds_its_recorded_head(db: Path) -> None:
    head = verify(db)
    assert verify(db, head=head.head_hash).ok
    assert verify(db, head=head.head_hash, at=head.entries).ok
    signature = head_signature(ChainHead(head.entries, head.head_hash), KEY)
    assert verify(db, head=head.head_hash, signature=signature, key=KEY).ok


def test_a_deleted_tail_with_its_balances_fixed_up_is_caught(db: Path) -> None:
    before = verify(db)
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                    ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        for sql in ("DELETE FROM postings WHERE entry_id = 3", "DELETE FROM entries WHERE id = 3",
                    "DELETE FROM balances",
                    "INSERT INTO balances (account_id, currency, amount_fen) SELECT account_id, "
                    "currency, SUM(amount_fen) FROM postings GROUP BY account_id, currency"):
            conn.execute(sql)
    assert verify(db).ok  # the chain alone cannot tell
    with raises(commons.CommonsError, ErrorCode.HEAD_NOT_ON_CHAIN):
        verify(db, head=before.head_hash)
    newest = verify(db, head=before.head_hash, newest=True)
    assert not newest.ok and newest.problems[0].kind == ProblemKind.HEAD_MISMATCH
    at = verify(db, head=before.head_hash, at=before.entries)
    assert not at.ok and at.problems[0].kind == ProblemKind.MISSING_TAIL


def test_a_journal_rebuilt_with_its_hashes_recomputed_is_caught(db: Path,
                                                               tmp_path: Path) -> None:
    before = verify(db)
    shutil.copyfile(build(tmp_path / "forged.db", (12000, 300, 4500)), db)
    assert verify(db).ok  # every hash recomputed: the chain alone cannot tell
    with raises(commons.CommonsError, ErrorCode.HEAD_NOT_ON_CHAIN):
        verify(db, head=before.head_hash)
    for recorded in ({"newest": True}, {"at": before.entries}):
        report = verify(db, head=before.head_hash, **recorded)
        assert not report.ok and report.problems[0].kind == ProblemKind.HEAD_MISMATCH


def test_a_forged_append_is_caught_by_the_head_and_its_forged_head_by_the_signature(
        db: Path) -> None:
    before = verify(db)
    signed = head_signature(ChainHead(before.entries, before.head_hash), KEY)
    forge_append(db)
    assert verify(db).ok  # appended through commons: the chain alone cannot tell
    # The recorded head is still on the chain (the books it came from are a prefix) ...
    found = verify(db, head=before.head_hash)
    assert found.ok and found.recorded is not None and found.recorded.appended == 1
    # ... but it is no longer the newest entry.
    report = verify(db, head=before.head_hash, newest=True)
    assert not report.ok and report.problems[0].kind == ProblemKind.HEAD_MISMATCH
    # The genuine head still holds where it was signed: the forgery came after it.
    assert verify(db, head=before.head_hash, at=before.entries, signature=signed, key=KEY).ok
    # The intruder can claim the new head, but cannot sign it.
    now = verify(db)
    for made_up in (signed, head_signature(ChainHead(now.entries, now.head_hash), b"guess")):
        report = verify(db, head=now.head_hash, signature=made_up, key=KEY)
        assert not report.ok and report.problems[0].kind == ProblemKind.BAD_SIGNATURE


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_the_cli_prints_signs_and_checks_the_head(
        cli: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "head.key"
    key_file.write_bytes(KEY + b"\n")
    data = json.loads(ok(cli("--json", "audit", "verify", "--key-file", key_file)).stdout)
    head, signature = data["head"], data["signature"]
    assert signature == head_signature(ChainHead(3, head), KEY)
    monkeypatch.setenv("COMMONS_SIGNING_KEY", KEY.decode())
    text = ok(cli("audit", "verify", "--head", head, "--signature", signature)).stdout
    assert "the recorded head holds" in text and f"signature {signature}" in text
    forge_append(db)
    assert "is entry 3 of 2026-03-03" in ok(cli("audit", "verify", "--head", head)).stdout
    failed = cli("audit", "verify", "--head", head, "--newest")
    assert failed.exit_code == 1 and "appended" in failed.stderr
    ok(cli("audit", "verify", "--head", head, "--at", "3", "--signature", signature))
    monkeypatch.delenv("COMMONS_SIGNING_KEY")
    refused = cli("audit", "verify", "--head", head, "--signature", signature)
    assert refused.exit_code == 1 and "with the key it was made with" in refused.stderr


def test_every_disclosure_shows_the_head_and_signs_it_with_a_key(
        cli: Invoke, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    head = verify(db).head_hash
    args = ("audit", "disclose", "--compound", "wjxc", "--period", "2026-03")
    assert f"  3 {head}\n" in ok(cli(*args)).stdout
    assert f">3 {head}<" in ok(cli(*args, "--format", "html")).stdout
    data = json.loads(ok(cli(*args, "--format", "json")).stdout)
    assert data["chain_head"] == {"id": 3, "hash": head, "signature": None}
    monkeypatch.setenv("COMMONS_SIGNING_KEY", KEY.decode())
    signed = json.loads(ok(cli(*args, "--format", "json")).stdout)["chain_head"]
    assert signed["signature"] == head_signature(ChainHead(3, head), KEY)
    assert signed["signature"] in ok(cli(*args, "--lang", "en")).stdout


def test_every_manifest_holds_the_head_and_a_signature_with_a_key(
        cli: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = ("audit", "export", "--format", "csv", "--out")
    ok(cli(*export, tmp_path / "a.csv"))
    plain = json.loads((tmp_path / "a.csv.manifest.json").read_text("utf-8"))["chain_head"]
    assert plain == {"id": 3, "hash": verify(db).head_hash, "signature": None}
    monkeypatch.setenv("COMMONS_SIGNING_KEY", KEY.decode())
    ok(cli(*export, tmp_path / "b.csv"))
    head = json.loads((tmp_path / "b.csv.manifest.json").read_text("utf-8"))["chain_head"]
    assert head["signature"] == head_signature(ChainHead(3, head["hash"]), KEY)
    ok(cli("audit", "check-export", tmp_path / "b.csv"))
    ok(cli("audit", "verify", "--head", head["hash"], "--at", str(head["id"]), "--signature",
           head["signature"]))
