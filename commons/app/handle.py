"""The ``Books`` handle: one session (database, clock, actor) and one service per area.

Each area's use cases are a service held as an attribute (``books.ledger.post(...)``,
``books.revenue.collect(...)``); every service that posts does so through the ledger's one
posting path. The store is opened on first use, so use cases that need no database (a split)
never create one.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from commons.app.audit import AuditService
from commons.app.billing import BillingService
from commons.app.contracts import ContractService
from commons.app.estate import EstateService
from commons.app.ledger import LedgerService
from commons.app.parking import ParkingService
from commons.app.reconcile import ReconcileService
from commons.app.resolutions import ResolutionService
from commons.app.revenue import RevenueService
from commons.app.session import Session
from commons.app.splits import SplitService
from commons.clock import Clock

__all__ = ["Books", "InitReport", "connect"]


@attrs.frozen
class InitReport:
    """What ``init`` did: the database path and the schema version it is now at."""

    path: str
    schema_version: int


class Books:
    """A handle on one commons database. Create it with ``commons.connect(path)``."""

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 read_only: bool = False, actor: str = "library") -> None:
        self.session = Session(path, clock=clock, read_only=read_only, actor=actor)
        self.ledger = LedgerService(self.session)
        self.estate = EstateService(self.session)
        self.resolutions = ResolutionService(self.session)
        self.revenue = RevenueService(self.session, self.ledger, self.resolutions)
        self.reconcile = ReconcileService(self.session)
        self.billing = BillingService(self.session, self.ledger)
        self.parking = ParkingService(self.session, self.ledger)
        self.contracts = ContractService(self.session, self.ledger)
        self.audit = AuditService(self.session)
        self.splits = SplitService()

    @property
    def path(self) -> str:
        """The database path, as given to ``connect``."""
        return self.session.path

    def init(self) -> InitReport:
        """Create the database, or upgrade it to this version's schema."""
        return InitReport(self.path, self.session.store.schema_version)

    def dedicate(self, purpose: str) -> bool:
        """Mark new books as kept for ``purpose`` alone (the demo's sample district): True if
        they are new or already kept for it, False (and nothing written) if they hold other
        books. The journal is append-only, so sample entries mixed into real books could never
        be taken out."""
        with self.session.store.write() as t:
            if t.meta(purpose) != "yes":
                if not t.is_empty():
                    return False
                t.set_meta(purpose, "yes")
        return True

    def close(self) -> None:
        """Close the database; the next use case opens it again."""
        self.session.close()

    def __enter__(self) -> Books:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connect(path: str | Path = "commons.db", *, clock: Clock | None = None,
            read_only: bool = False, actor: str = "library") -> Books:
    """Open (and on first use create) the commons database at ``path``.

    ``":memory:"`` gives a private in-memory database. ``clock`` defaults to the system clock in
    Asia/Shanghai; ``read_only`` opens an existing file so that nothing can be written; ``actor``
    is recorded on every entry this handle writes.
    """
    return Books(path, clock=clock, read_only=read_only, actor=actor)
