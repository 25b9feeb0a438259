"""A large file is parsed in a worker process: the outcome must be exactly the in-process one.

``PARALLEL_FROM_BYTES`` is lowered to 0 so that small files take the worker path too; each test
compares it with the same post parsed in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import raises
from ledger_helpers import (
    BANK,
    PARKING,
    bulk_records,
    commons_script,
    expected_balances,
    raw_count,
    record,
    write_jsonl,
)

import commons
from commons.errors import CommonsError, ErrorCode, InvalidInput, Problems
from commons.io import journal_jsonl as posting
from commons.io import worker as worker_io

CLOCK = "2026-10-31T18:00:00"


def post(db: Path, path: Path, *, worker: bool, monkeypatch: pytest.MonkeyPatch,
         encoding: str | None = None) -> commons.PostSummary:
    monkeypatch.setattr(posting, "PARALLEL_FROM_BYTES", 0 if worker else 1 << 62)
    with commons.connect(db, clock=commons.FixedClock.parse(CLOCK), actor="t") as api:
        api.ledger.chart("wjxc")
        return api.ledger.post(path, workers=2, encoding=encoding)


def test_worker_and_in_process_posts_write_the_same_chain(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = list(bulk_records(5 * posting.CHUNK + 7, "par"))
    path = write_jsonl(tmp_path / "big.jsonl", records)
    inline = post(tmp_path / "inline.db", path, worker=False, monkeypatch=monkeypatch)
    parallel = post(tmp_path / "worker.db", path, worker=True, monkeypatch=monkeypatch)
    assert parallel == inline
    assert parallel.posted == len(records)
    with commons.connect(tmp_path / "worker.db", read_only=True) as api:
        assert api.audit.verify().ok
        got = {b.account: b.balance.fen for b in api.ledger.balance().balances}
    assert got == expected_balances(records)


def test_worker_refusals_name_their_lines_and_post_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[dict[str, object] | str] = list(bulk_records(3 * posting.CHUNK, "bad"))
    lines[10] = "{not json"
    lines[4500] = record("bad-x", "2026-02-30", [(BANK, 100), (PARKING, -100)])
    path = write_jsonl(tmp_path / "bad.jsonl", lines)
    with pytest.raises(Problems) as refused:
        post(tmp_path / "w.db", path, worker=True, monkeypatch=monkeypatch)
    places = [(p.file, p.line) for p in refused.value.problems]
    assert places == [(str(path), 11), (str(path), 4501)]
    assert refused.value.problems[1].field == "date"
    with commons.connect(tmp_path / "w.db", read_only=True) as api:
        assert api.audit.verify().entries == 0


def test_a_badly_encoded_file_is_refused_through_the_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(b"".join(
        (f'{{"date": "2026-10-01", "memo": "停车费 {i}", "external_id": "g{i}", "postings": '
         f'[{{"account": "{BANK}", "amount": "1.00"}}, {{"account": "{PARKING}", '
         f'"amount": "-1.00"}}]}}\n').encode("gb18030") for i in range(50)))
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE):  # GBK is detected unless told otherwise
        post(tmp_path / "w.db", path, worker=True, monkeypatch=monkeypatch, encoding="utf-8")
    with commons.connect(tmp_path / "w.db", read_only=True) as api:
        assert api.audit.verify().entries == 0
    assert post(tmp_path / "w.db", path, worker=True, monkeypatch=monkeypatch).posted == 50


def test_a_host_starts_no_process_unless_it_asks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_worker(*_args: object) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(posting, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(posting, "_worker_chunks", no_worker)
    path = write_jsonl(tmp_path / "j.jsonl", bulk_records(10, "host"))
    with commons.connect(tmp_path / "h.db") as api:
        api.ledger.chart("wjxc")
        assert api.ledger.post(path).posted == 10


def test_a_worker_that_dies_is_a_clear_error_not_a_hang() -> None:
    context = multiprocessing.get_context("spawn")
    inbox, outbox = context.Pipe(duplex=False)
    worker = context.Process(target=os._exit, args=(3,))
    worker.start()
    outbox.close()  # as the writer does: only the worker holds the sending end
    worker.join()
    with raises(CommonsError, ErrorCode.STORAGE):
        worker_io._receive(inbox, worker)


def test_half_a_message_from_a_dead_worker_is_a_clear_error_not_a_hang() -> None:
    context = multiprocessing.get_context("spawn")
    inbox, outbox = context.Pipe(duplex=False)
    worker = context.Process(target=os._exit, args=(9,))
    worker.start()
    os.write(outbox.fileno(), (1 << 20).to_bytes(4, "big") + b"the start of a chunk")
    outbox.close()
    worker.join()
    with raises(CommonsError, ErrorCode.STORAGE):
        worker_io._receive(inbox, worker)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                status = Path(f"/proc/{entry.name}/status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_the_worker_exits_when_the_post_is_killed(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", bulk_records(60_000, "kill"))
    assert path.stat().st_size >= posting.PARALLEL_FROM_BYTES
    db = tmp_path / "k.db"
    script = str(commons_script())
    subprocess.run([script, "--db", str(db), "ledger", "chart", "wjxc"], check=True,
                   capture_output=True)
    proc = subprocess.Popen([script, "--db", str(db), "ledger", "post", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.01)
    assert workers, "the post never started its parsing worker"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "the parsing worker outlived its post"


KILL_ROUNDS = 5


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_killing_the_worker_at_any_moment_ends_the_post_with_nothing_posted(
        tmp_path: Path) -> None:
    """Issue 14, item 3: a worker killed while it sends a chunk left the writer blocked in
    read() for ever, holding the write lock. Kill it at random moments, again and again."""
    path = write_jsonl(tmp_path / "big.jsonl", bulk_records(200_000, "k"))
    db = tmp_path / "k.db"
    script = str(commons_script())
    subprocess.run([script, "--db", str(db), "ledger", "chart", "wjxc"], check=True,
                   capture_output=True)
    rng = random.Random(14)
    for round_ in range(KILL_ROUNDS):
        proc = subprocess.Popen([script, "--db", str(db), "ledger", "post", str(path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        workers = _wait_for_children(proc)
        if round_ % 2:
            time.sleep(rng.choice((0, 0.01, 0.05)) if round_ % 4 == 1 else rng.uniform(0, 1.0))
        else:  # in the middle of handing over a chunk: where a Queue's reader hung for ever
            _wait_until_sending(workers, rng.uniform(0, 0.5))
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        try:
            _, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail(f"round {round_}: the post hung after its worker was killed")
        assert time.monotonic() - killed < 5, (round_, time.monotonic() - killed, err)
        assert proc.returncode == 1, (round_, err)
        assert "nothing was posted" in err and "Traceback" not in err, (round_, err)
        assert raw_count(db) == 0
    with commons.connect(db, read_only=True) as api:
        assert api.audit.verify().ok


def _wait_until_sending(workers: set[int], after: float) -> None:
    """Sleep ``after`` seconds, then until a thread of the worker is blocked writing to a pipe
    (so a chunk is half sent), or at most 10 seconds."""
    time.sleep(after)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for pid in workers:
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    if "pipe_write" in (task / "wchan").read_text():
                        return
                except OSError:
                    continue
        time.sleep(0.002)


def _wait_for_children(proc: subprocess.Popen[str]) -> set[int]:
    """The parsing worker: the child whose command line shows ``multiprocessing.spawn`` (the
    resource tracker, the other child, is not it)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        found = set()
        for pid in _children(proc.pid):
            try:
                if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(pid)
            except OSError:
                continue
        if found:
            return found
        time.sleep(0.01)
    pytest.fail("the post never started its parsing worker")
