"""The ``Commons`` handle: one database, one clock, and the use cases as methods.

Use cases live in mixins by area (splits, ledger, ...) so that each module stays small; the
handle only owns the store and the clock. The store is opened on first use, so use cases that
need no database (a split) never create one.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from commons.app.audit import AuditUseCases
from commons.app.billing import BillingUseCases
from commons.app.contracts import ContractUseCases
from commons.app.demo import DemoUseCases
from commons.app.estate import EstateUseCases
from commons.app.ledger import LedgerUseCases
from commons.app.parking import ParkingUseCases
from commons.app.reconcile import ReconcileUseCases
from commons.app.resolutions import ResolutionUseCases
from commons.app.revenue import RevenueUseCases
from commons.app.splits import SplitUseCases
from commons.clock import Clock, SystemClock
from commons.store import SqliteStore

__all__ = ["Commons", "InitReport", "connect"]


@attrs.frozen
class InitReport:
    """What ``init`` did: the database path and the schema version it is now at."""

    path: str
    schema_version: int


class Commons(SplitUseCases, LedgerUseCases, DemoUseCases, EstateUseCases, ResolutionUseCases,
              ReconcileUseCases, ContractUseCases, RevenueUseCases, BillingUseCases,
              ParkingUseCases, AuditUseCases):
    """A handle on one commons database. Create it with ``commons.connect(path)``."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 read_only: bool = False, actor: str = "library") -> None:
        self.path = str(path)
        self.clock: Clock = clock or SystemClock()
        self.actor = actor
        self.read_only = read_only
        self._store: SqliteStore | None = None

    @property
    def store(self) -> SqliteStore:
        """The store for use cases that write: the file is created on first use."""
        if self._store is None:
            self._store = SqliteStore.open(self.path, read_only=self.read_only)
        return self._store

    @property
    def reader(self) -> SqliteStore:
        """The store for use cases that only read: a missing file is NotFound, never created."""
        if self._store is None:
            self._store = SqliteStore.open(self.path, read_only=self.read_only, create=False)
        return self._store

    def init(self) -> InitReport:
        """Create the database, or upgrade it to this version's schema."""
        return InitReport(self.path, self.store.schema_version)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Commons:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connect(path: str | Path = "commons.db", *, clock: Clock | None = None,
            read_only: bool = False, actor: str = "library") -> Commons:
    """Open (and on first use create) the commons database at ``path``.

    ``":memory:"`` gives a private in-memory database. ``clock`` defaults to the system clock in
    Asia/Shanghai; ``read_only`` opens an existing file so that nothing can be written; ``actor``
    is recorded on every entry this handle writes.
    """
    return Commons(path, clock=clock, read_only=read_only, actor=actor)
