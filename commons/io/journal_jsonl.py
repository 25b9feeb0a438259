"""Where a post's entries come from: a JSON Lines file or the host's iterable, in chunks.

Each line becomes a validated ``Entry``, reduced to plain values (``Prepared``) with its content
hash, or the ``CommonsError`` that refused it, located at its line. One chunk at a time is held
(a few when a worker reads ahead), so memory does not grow with the file.

A large file is parsed in a second process while this one checks and writes what it has
already received: parsing and writing each cost about half of a post, and the two cores of a
small server then share the work. Plain tuples cross between the processes cheaply (see
``plain_prepared``); the worker's refusals cross as the errors themselves.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs

from commons.errors import CommonsError, ErrorCode
from commons.files import batched, parse_json_line, text_lines
from commons.ledger.journal import Entry, PlainPrepared, Prepared, named, plain_prepared, prepare

__all__ = ["CHUNK", "PARALLEL_FROM_BYTES", "Item", "chunks"]

CHUNK = 2000  # entries checked against the journal per query and written per executemany
PARALLEL_FROM_BYTES = 4 << 20  # below ~20,000 entries, starting a worker costs more than it saves
READ_AHEAD = 8  # chunks the worker may parse ahead of the writer: bounded memory, no stalls
_DONE = "done"
_WAIT_S = 1.0  # how often the writer checks that the worker is still there

T = TypeVar("T")
Item = tuple[int | None, Prepared | CommonsError, int]  # line, entry or refusal, bytes read
Sent = tuple[int | None, PlainPrepared | CommonsError, int]  # an Item as the worker sends it


def _prepare_lines(file: str, lines: list[tuple[int, str]], actor: str,
                   reduce: Callable[[Entry], T]) -> list[tuple[int | None, T | CommonsError, int]]:
    out: list[tuple[int | None, T | CommonsError, int]] = []
    for number, text in lines:
        try:
            out.append((number, reduce(Entry.from_record(parse_json_line(text), actor=actor)),
                        len(text.encode())))
        except CommonsError as e:
            out.append((number, e.located(file=file, line=number), len(text.encode())))
    return out


def _file_chunks(path: str, encoding: str | None, actor: str, reduce: Callable[[Entry], T]
                 ) -> Iterator[list[tuple[int | None, T | CommonsError, int]]]:
    """The file's entries, each reduced by ``reduce``, in chunks of ``CHUNK``."""
    for lines in batched(text_lines(path, encoding=encoding), CHUNK):
        yield _prepare_lines(path, lines, actor, reduce)


def chunks(source: str | Path | Iterable[Entry], encoding: str | None, actor: str, *,
           workers: int = 1) -> Iterator[list[Item]]:
    """The source's entries, prepared, in chunks of ``CHUNK``; entries without an actor get
    ``actor``. With ``workers`` above 1, a file of at least ``PARALLEL_FROM_BYTES`` is parsed
    in a worker process."""
    if isinstance(source, str | Path):
        path = str(source)
        if workers > 1 and os.path.getsize(path) >= PARALLEL_FROM_BYTES:
            yield from _worker_chunks(path, encoding, actor)
        else:
            yield from _file_chunks(path, encoding, actor, prepare)
        return
    for batch in batched(enumerate(source, start=1), CHUNK):
        yield [(index, prepare(entry if entry.actor else attrs.evolve(entry, actor=actor)), 0)
               for index, entry in batch]


def _parse_into(out: Any, path: str, encoding: str | None, actor: str) -> None:
    """The worker: parse the file a chunk at a time into the pipe ``out``, then say it is
    done. An error that stops the whole file (a bad encoding) is sent in place of the rest.
    A thread sends while the next chunks are parsed (at most ``READ_AHEAD`` wait). Once the
    writer has gone (killed, or finished early because it raised) a send fails, as the pipe
    has no reader left, and the worker stops."""
    # Ctrl-C reaches the whole process group; the writer handles it and ends this worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pending: queue.Queue[object] = queue.Queue(maxsize=READ_AHEAD)
    sender = threading.Thread(target=_send_all, args=(out, pending), daemon=True)
    sender.start()
    try:
        for chunk in _file_chunks(path, encoding, actor, plain_prepared):
            if not _hand_over(pending, sender, chunk):
                break
        else:
            _hand_over(pending, sender, _DONE)
    except CommonsError as e:
        _hand_over(pending, sender, e)
    sender.join()
    out.close()


def _hand_over(pending: queue.Queue[object], sender: threading.Thread, message: object) -> bool:
    """Queue ``message`` for the sending thread; False once it has stopped (the writer went)."""
    while sender.is_alive():
        try:
            pending.put(message, timeout=_WAIT_S)
            return True
        except queue.Full:
            continue
    return False


def _send_all(out: Any, pending: queue.Queue[object]) -> None:
    try:
        while True:
            message = pending.get()
            out.send(message)
            if isinstance(message, str | CommonsError):  # done, or the file's error
                return
    except OSError:  # the writer has gone: nobody is left to tell
        return


def _worker_chunks(path: str, encoding: str | None, actor: str) -> Iterator[list[Item]]:
    # Imported here, not atop the module: a ledger balance starts no process and should not
    # pay for importing the machinery (multiprocessing, concurrent.futures: ~10 ms).
    import multiprocessing  # noqa: PLC0415

    # spawn, not fork: a forked child would inherit this process's open database connection.
    context = multiprocessing.get_context("spawn")
    # A one-way pipe whose sending end only the worker holds: if the worker dies, even in the
    # middle of a chunk, reading it ends with EOFError instead of waiting for ever (a Queue's
    # pipe is held open by this process too).
    inbox, outbox = context.Pipe(duplex=False)
    worker = context.Process(target=_parse_into, args=(outbox, path, encoding, actor),
                             name="commons-post-parser", daemon=True)
    worker.start()
    outbox.close()
    try:
        while True:
            message = _receive(inbox, worker)
            if message == _DONE:
                return
            if isinstance(message, CommonsError):
                raise message
            sent: list[Sent] = message
            yield [(line, item if isinstance(item, CommonsError) else named(item), size)
                   for line, item, size in sent]
    finally:
        inbox.close()  # a worker still sending now fails at once and stops
        worker.join(_WAIT_S)
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _receive(inbox: Any, worker: Any) -> Any:
    try:
        while not inbox.poll(_WAIT_S):
            if not worker.is_alive():
                break
        return inbox.recv()
    except (EOFError, OSError):
        worker.join(_WAIT_S)
        raise CommonsError(
            f"the process parsing the file stopped unexpectedly (exit code "
            f"{worker.exitcode}); nothing was posted",
            fix="post the file again; if it happens again, report it with the file",
            code=ErrorCode.STORAGE,
        ) from None
