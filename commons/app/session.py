"""The session every area service shares: one database, one clock, one actor.

The store is opened on first use, so use cases that need no database (a split) never create
one: ``store`` creates the file for a use case that writes, ``reader`` never does. A session
belongs to the thread that first opened its store (an SQLite connection is not shared between
threads) and refuses use once closed; either misuse is a ``HandleError``.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, TypeVar

from commons.clock import Clock, SystemClock
from commons.errors import ErrorCode, HandleError, NotFound
from commons.store import is_server_url, open_store

if TYPE_CHECKING:
    from pathlib import Path

    from commons.store.opening import Store

__all__ = ["Service", "Session"]


class Session:
    """The database path, clock and actor of one handle, and its lazily opened store."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 read_only: bool = False, actor: str = "library",
                 read_url: str | None = None) -> None:
        self.path = str(path)
        self.read_url = read_url  # a standby serving the use cases that only read
        self._read_store: Store | None = None
        self.clock: Clock = clock or SystemClock()
        self.actor = actor
        self.read_only = read_only
        self._store: Store | None = None
        self._thread: int | None = None  # the thread that opened the store
        self._closed = False

    @property
    def store(self) -> Store:
        """The store for use cases that write: the file is created on first use."""
        return self._opened(create=True)

    def new_file(self) -> bool | None:
        """Whether opening the store for writing would make the database: None if the file
        holds something (or is ``:memory:`` or already open), False if it exists but is empty,
        True if it does not exist."""
        if self._store is not None or self.path == ":memory:" or is_server_url(self.path):
            return None
        if not os.path.exists(self.path):
            return True
        return False if os.path.isfile(self.path) and os.path.getsize(self.path) == 0 else None

    def discard_if_unused(self, new_file: bool | None) -> None:
        """After a refused write: remove again the database that ``new_file`` (from before the
        write) says this call made, if nothing was written to it."""
        if new_file is not None and self._store is not None and \
                self._store.discard_if_unused(was_empty=not new_file):
            self._store = None

    @property
    def reader(self) -> Store:
        """The store for use cases that only read: a missing file is NotFound, never created.
        With a ``read_url`` it is that database (a hot standby), opened read-only."""
        if self.read_url is None:
            return self._opened(create=False)
        self._opened(create=False)  # the same checks of the handle: closed, thread
        if self._read_store is None:
            self._read_store = open_store(self.read_url, read_only=True, create=False)
        return self._read_store

    def _opened(self, *, create: bool) -> Store:
        if self._closed:
            raise HandleError(f"the handle on {self.path} was closed",
                              fix="connect again: commons.connect(path)",
                              code=ErrorCode.HANDLE_CLOSED)
        if self._store is None:
            self._store = open_store(self.path, read_only=self.read_only, create=create)
            self._thread = threading.get_ident()
        elif self._thread != threading.get_ident():
            raise HandleError(
                f"the handle on {self.path} was opened in another thread; a handle belongs to "
                "the thread that first used it",
                fix="call commons.connect(path) in each thread: handles on one file share it "
                    "safely (a writer waits for another's transaction)",
                code=ErrorCode.WRONG_THREAD)
        return self._store

    def close(self) -> None:
        """Close the store if it was opened; the session refuses any use from then on.
        Closing again does nothing."""
        for store in (self._store, self._read_store):
            if store is not None:
                store.close()
        self._store = self._read_store = None
        self._closed = True


class Service:
    """One area's use cases over a shared session: ``store`` to write, ``reader`` to read."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def store(self) -> Store:
        """The session's store, created on first write."""
        return self.session.store

    @property
    def reader(self) -> Store:
        """The session's store for reading; a missing file is NotFound."""
        return self.session.reader

    @property
    def clock(self) -> Clock:
        """The session's clock."""
        return self.session.clock

    @property
    def actor(self) -> str:
        """Who the session records on every entry it writes."""
        return self.session.actor

    @property
    def path(self) -> str:
        """The session's database path."""
        return self.session.path


T = TypeVar("T")


def recorded(found: T | None, kind: str, id: str, *, missing: str = "is not recorded",
             first: str = "record it first") -> T:
    """``found``, the stored ``kind`` named ``id``; NotFound saying so (and how to make it)
    when the store has none."""
    if found is None:
        raise NotFound(f"{kind} {id!r} {missing}", fix=f"{first}, or check the id",
                       context={"kind": kind, "id": id})
    return found
