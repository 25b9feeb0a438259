"""The ``Books`` handle: one session (database, clock, actor) and one service per area.

Each area's use cases are a service held as an attribute (``books.ledger.post(...)``,
``books.revenue.collect(...)``); every service that posts does so through the ledger's one
posting path. The store is opened on first use, so use cases that need no database (a split)
never create one.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import attrs

from commons.app.session import Session

if TYPE_CHECKING:
    from pathlib import Path

    from commons.app.audit import AuditService
    from commons.app.billing import BillingService
    from commons.app.contracts import ContractService
    from commons.app.database import DatabaseService
    from commons.app.estate import EstateService
    from commons.app.ledger import LedgerService
    from commons.app.market import MarketService
    from commons.app.parking import ParkingService
    from commons.app.points_reports import PointsService
    from commons.app.reconcile import ReconcileService
    from commons.app.reports import ReportService
    from commons.app.resolutions import ResolutionService
    from commons.app.revenue import RevenueService
    from commons.app.splits import SplitService
    from commons.clock import Clock

__all__ = ["Books", "InitReport", "connect"]


@attrs.frozen
class InitReport:
    """What ``init`` did: the database path and the schema version it is now at."""

    path: str
    schema_version: int


class Books:
    """A handle on one commons database. Create it with ``commons.connect(path)``.

    A handle belongs to the thread that first uses its database: open one per thread (each
    use case is one transaction, so handles on one file share it safely). A closed handle
    refuses use. Either misuse raises ``commons.HandleError``.

    Each service is made, and its module imported, when it is first used: a ledger balance
    never loads the parking tariffs or the contract simulation.
    """

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 read_only: bool = False, actor: str = "library",
                 read_url: str | None = None) -> None:
        self.session = Session(path, clock=clock, read_only=read_only, actor=actor,
                               read_url=read_url)

    @cached_property
    def ledger(self) -> LedgerService:
        """Accounts, posting, balances, reversals, closed months, the chain's check."""
        from commons.app.ledger import LedgerService  # noqa: PLC0415 - see the class

        return LedgerService(self.session)

    @cached_property
    def estate(self) -> EstateService:
        """Compounds, buildings, households, resources and management areas."""
        from commons.app.estate import EstateService  # noqa: PLC0415

        return EstateService(self.session)

    @cached_property
    def resolutions(self) -> ResolutionService:
        """Owners' resolutions: proposals, ballots, tallies, elections."""
        from commons.app.resolutions import ResolutionService  # noqa: PLC0415

        return ResolutionService(self.session)

    @cached_property
    def revenue(self) -> RevenueService:
        """Public revenue and the five duties over it."""
        from commons.app.revenue import RevenueService  # noqa: PLC0415

        return RevenueService(self.session, self.ledger, self.resolutions)

    @cached_property
    def reconcile(self) -> ReconcileService:
        """Bank statements, matching, the reconciliation report."""
        from commons.app.reconcile import ReconcileService  # noqa: PLC0415

        return ReconcileService(self.session, self.ledger)

    @cached_property
    def billing(self) -> BillingService:
        """Property fees: schedules, invoices, payments, arrears, receipts."""
        from commons.app.billing import BillingService  # noqa: PLC0415

        return BillingService(self.session, self.ledger)

    @cached_property
    def parking(self) -> ParkingService:
        """Tidal parking: tariffs, sessions, monthly bills and reports."""
        from commons.app.parking import ParkingService  # noqa: PLC0415

        return ParkingService(self.session, self.ledger)

    @cached_property
    def contracts(self) -> ContractService:
        """Bundled service contracts and the bundle simulation."""
        from commons.app.contracts import ContractService  # noqa: PLC0415

        return ContractService(self.session, self.ledger)

    @cached_property
    def market(self) -> MarketService:
        """The services marketplace: providers, services, orders, subsidies, settlement."""
        from commons.app.market import MarketService  # noqa: PLC0415

        return MarketService(self.session, self.ledger)

    @cached_property
    def points(self) -> PointsService:
        """Volunteer points (积分): programmes, rosters, redemptions, transfers, expiry,
        statements and reports."""
        from commons.app.points_reports import PointsService  # noqa: PLC0415

        return PointsService(self.session, self.ledger)

    @cached_property
    def audit(self) -> AuditService:
        """The chain's verification, exports and their checks, disclosure."""
        from commons.app.audit import AuditService  # noqa: PLC0415

        return AuditService(self.session)

    @cached_property
    def reports(self) -> ReportService:
        """Financial statements: the balance sheet and the income statement."""
        from commons.app.reports import ReportService  # noqa: PLC0415

        return ReportService(self.session)

    @cached_property
    def splits(self) -> SplitService:
        """Exact cost splits over households or weights."""
        from commons.app.splits import SplitService  # noqa: PLC0415

        return SplitService()

    @cached_property
    def db(self) -> DatabaseService:
        """The database itself: its schema version, and migrating it forward."""
        from commons.app.database import DatabaseService  # noqa: PLC0415

        return DatabaseService(self.session)

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
        """Close the database. The handle refuses use from then on (``HandleError``); closing
        again does nothing. ``with commons.connect(path) as books:`` closes it at the end."""
        self.session.close()

    def __enter__(self) -> Books:
        """The handle itself, closed when the ``with`` block ends."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Close the handle, whether the block ended normally or not."""
        self.close()


def connect(path: str | Path = "commons.db", *, clock: Clock | None = None,
            read_only: bool = False, actor: str = "library",
            read_url: str | None = None) -> Books:
    """Open (and on first use create) the commons database at ``path``.

    ``":memory:"`` gives a private in-memory database. ``clock`` defaults to the system clock in
    Asia/Shanghai; ``read_only`` opens an existing file so that nothing can be written; ``actor``
    is recorded on every entry this handle writes. ``read_url`` names a hot standby of the
    server book ``path`` (same ``?book=``): use cases that only read (balances, reports,
    verify, exports) are served from it, and see what it has replayed so far.
    """
    return Books(path, clock=clock, read_only=read_only, actor=actor, read_url=read_url)
