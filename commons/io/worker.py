"""A large file parsed in a second process while this one checks and writes what it has
already received: parsing and writing each cost about half of an import, and the two cores of
a small server then share the work. The ledger's post and the marketplace's event feed both
read their files so.

The worker runs ``produce(*args)``, a module-level function (so that a spawned process can
find it) yielding chunks of plain values, and sends each chunk through a one-way pipe; its
refusals cross as the errors themselves, and an error that stops the whole file (a bad
encoding) is sent in place of the rest.
"""

from __future__ import annotations

import gc
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from commons.errors import CommonsError, ErrorCode

__all__ = ["READ_AHEAD", "in_worker"]

READ_AHEAD = 8  # chunks the worker may parse ahead of the writer: bounded memory, no stalls
_DONE = "done"
_WAIT_S = 1.0  # how often the writer checks that the worker is still there


def _parse_into(out: Any, produce: Callable[..., Iterator[Any]], args: tuple[Any, ...]
                ) -> None:
    """The worker: send ``produce(*args)``'s chunks into the pipe ``out``, then say it is done.
    A thread sends while the next chunks are parsed (at most ``READ_AHEAD`` wait). Once the
    writer has gone (killed, or finished early because it raised) a send fails, as the pipe
    has no reader left, and the worker stops."""
    # Ctrl-C reaches the whole process group; the writer handles it and ends this worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # this process only parses: see commons.io.collector
    pending: queue.Queue[object] = queue.Queue(maxsize=READ_AHEAD)
    sender = threading.Thread(target=_send_all, args=(out, pending), daemon=True)
    sender.start()
    try:
        for chunk in produce(*args):
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


def in_worker(produce: Callable[..., Iterator[Any]], args: tuple[Any, ...], *, name: str,
              verb: tuple[str, str]) -> Iterator[Any]:
    """``produce(*args)``'s chunks, produced in a worker process called ``name``; ``verb``
    says what the caller does with them (``("post", "posted")``) should the worker die."""
    # Imported here, not atop the module: a ledger balance starts no process and should not
    # pay for importing the machinery (multiprocessing, concurrent.futures: ~10 ms).
    import multiprocessing  # noqa: PLC0415

    # spawn, not fork: a forked child would inherit this process's open database connection.
    context = multiprocessing.get_context("spawn")
    # A one-way pipe whose sending end only the worker holds: if the worker dies, even in the
    # middle of a chunk, reading it ends with EOFError instead of waiting for ever (a Queue's
    # pipe is held open by this process too).
    inbox, outbox = context.Pipe(duplex=False)
    worker = context.Process(target=_parse_into, args=(outbox, produce, args), name=name,
                             daemon=True)
    worker.start()
    outbox.close()
    try:
        while True:
            message = _receive(inbox, worker, verb)
            if message == _DONE:
                return
            if isinstance(message, CommonsError):
                raise message
            yield message
    finally:
        inbox.close()  # a worker still sending now fails at once and stops
        worker.join(_WAIT_S)
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _receive(inbox: Any, worker: Any, verb: tuple[str, str] = ("post", "posted")) -> Any:
    try:
        while not inbox.poll(_WAIT_S):
            if not worker.is_alive():
                break
        return inbox.recv()
    except (EOFError, OSError):
        worker.join(_WAIT_S)
        raise CommonsError(
            f"the process parsing the file stopped unexpectedly (exit code "
            f"{worker.exitcode}); nothing was {verb[1]}",
            fix=f"{verb[0]} the file again; if it happens again, report it with the file",
            code=ErrorCode.STORAGE,
        ) from None
