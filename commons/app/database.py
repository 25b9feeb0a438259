"""The database itself: where its schema stands, moving it forward, copying it elsewhere.

The same list of migrations serves an SQLite file and a book on a PostgreSQL server; a status
reads the version without writing, a migrate applies what is missing, one transaction each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from commons.app.session import Service
from commons.errors import ErrorCode, InvalidInput
from commons.store import SCHEMA_VERSION, is_server_url, open_store, stored_version

if TYPE_CHECKING:
    from commons.store.pg import PgStore
    from commons.store.pg_tenants import Tenancy

__all__ = ["CopyReport", "DatabaseService", "DbStatus"]


@attrs.frozen
class CopyReport:
    """What ``copy`` did: from where to where, how many tables and rows."""

    source: str
    target: str
    tables: int
    rows: int


@attrs.frozen
class DbStatus:
    """Where a database stands: its store, its schema version (None: no books there yet) and
    the version this commons writes."""

    path: str
    store: str
    version: int | None
    latest: int

    @property
    def pending(self) -> int:
        """How many migrations ``migrate`` would apply."""
        return self.latest - (self.version or 0)


class DatabaseService(Service):
    """Status and migration of the handle's database."""

    def status(self) -> DbStatus:
        """The database's schema version, read without changing anything."""
        store = "postgresql" if is_server_url(self.path) else "sqlite"
        return DbStatus(self.path, store, stored_version(self.path), SCHEMA_VERSION)

    def migrate(self) -> tuple[DbStatus, DbStatus]:
        """Apply the missing migrations (creating the books if there are none); the status
        before and after."""
        before = self.status()
        _ = self.store  # opening read-write migrates, one transaction per version
        return before, self.status()

    def copy(self, target: str) -> CopyReport:
        """Copy these books into the new, empty books at ``target`` (a file or a server book),
        checked: equal chain heads and balances, or refused naming the first difference."""
        from commons.store.copying import copy_books  # noqa: PLC0415 - a cold path

        store = open_store(target, create=True)
        try:
            tables, rows = copy_books(self.reader, store)
        finally:
            store.close()
        return CopyReport(self.path, store.path, tables, rows)

    def grant(self, role: str, *, auditor: bool = False) -> list[str]:
        """Give the server role ``role`` the application's rights on this book (no UPDATE or
        DELETE on the journal's history), or with ``auditor`` the right to read only; the
        statements run. Only a book on a PostgreSQL server has roles."""
        from commons.store.pg_roles import grant  # noqa: PLC0415 - only a server book has roles

        return grant(self._server_store("grant roles"), role, auditor=auditor)

    def tenant(self, role: str, compounds: Sequence[str]) -> Tenancy:
        """Make the server role ``role`` a street office of this book that reads and writes
        only the rows of ``compounds`` (added to those it kept), enforced by the server's row
        policies. Only a book on a PostgreSQL server has roles."""
        from commons.store.pg_tenants import enrol  # noqa: PLC0415 - see grant

        return enrol(self._server_store("keep street offices apart"), role, compounds)

    def _server_store(self, act: str) -> PgStore:
        if not is_server_url(self.path):
            raise InvalidInput(f"{self.path} is an SQLite file, which has no roles",
                               fix=f"{act} on a postgresql://... book; a file is guarded "
                                   "by its folder's permissions", code=ErrorCode.STORAGE)
        from commons.store.pg import PgStore  # noqa: PLC0415 - see grant

        store = self.store
        assert isinstance(store, PgStore)
        return store
