"""The embedded SQLite store: opening, WAL, foreign keys, and forward migrations.

The schema version lives in ``PRAGMA user_version``; each migration moves it up by one inside one
transaction, so a file is always at a version it knows. Readers (auditors) open the file
read-only through SQLite's own ``mode=ro``, so even a mistake cannot write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.store.billing import BillingTables
from commons.store.contracts import ContractTables
from commons.store.estate import EstateTables
from commons.store.export import ExportTables
from commons.store.governance import GovernanceTables
from commons.store.ledger import LedgerTables
from commons.store.parking import ParkingTables
from commons.store.reconcile import ReconcileTables
from commons.store.revenue import RevenueTables
from commons.store.schema import MIGRATIONS

__all__ = ["SCHEMA_VERSION", "SqliteStore", "StorageError", "StoreBusy", "Tables"]

SCHEMA_VERSION = len(MIGRATIONS)


class StoreBusy(CommonsError):
    """Another process held the database longer than commons waits."""

    default_code = ErrorCode.BUSY


class StorageError(CommonsError):
    """SQLite could not do what was asked: an unreadable file, a full disk, a locked directory."""

    default_code = ErrorCode.STORAGE


def _storage_error(path: str, error: sqlite3.Error) -> CommonsError:
    if "locked" in str(error) or "busy" in str(error):
        return StoreBusy(f"{path} is busy: {error}",
                         fix="another commons process is writing; try again when it is done")
    return StorageError(f"database {path}: {error}",
                        fix="name a commons database file in a writable folder")


class Tables:
    """The tables of one transaction, grouped by area."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ledger = LedgerTables(conn)
        self.estate = EstateTables(conn)
        self.governance = GovernanceTables(conn)
        self.reconcile = ReconcileTables(conn)
        self.contracts = ContractTables(conn)
        self.revenue = RevenueTables(conn)
        self.export = ExportTables(conn)
        self.billing = BillingTables(conn)
        self.parking = ParkingTables(conn)

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                          "DO UPDATE SET value = excluded.value", (key, value))

    def is_empty(self) -> bool:
        """No account opened and no entry posted yet."""
        row = self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM accounts) AND NOT EXISTS "
                                "(SELECT 1 FROM entries)").fetchone()
        return bool(row[0])


class SqliteStore:
    """One SQLite file (or ``:memory:``) at the current schema version."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False,
             create: bool = True) -> SqliteStore:
        """Open the database at ``path``; only ``create`` may make a new file, only a writer
        migrates, and ``read_only`` opens through SQLite's ``mode=ro`` so nothing can write."""
        name = str(path)
        if Path(name).is_dir():
            raise InvalidInput(f"database {name} is a folder, not a database file",
                               fix="name a database file, not a folder",
                               code=ErrorCode.STORAGE)
        if name != ":memory:" and not Path(name).is_file() and (read_only or not create):
            raise NotFound(f"database {name} does not exist",
                           fix="create the books first, or check the path",
                           context={"kind": "database", "id": name})
        try:
            if name == ":memory:":
                conn = sqlite3.connect(name, isolation_level=None)
            else:
                mode = "ro" if read_only else "rwc"
                conn = sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode={mode}", uri=True,
                                       isolation_level=None, timeout=600)
            store = cls(conn, name, read_only=read_only)
            if not create and name != ":memory:" and store.is_blank():
                store.close()
                # A reader must not write: an empty file (`touch books.db`) stays empty.
                raise NotFound(f"database {name} is empty: no commons books are in it",
                               fix="create the books first, or check the path",
                               context={"kind": "database", "id": name})
            store._configure()
            store._migrate()
        except sqlite3.DatabaseError as e:
            if "not a database" in str(e) or "malformed" in str(e):
                raise InvalidInput(f"{name} is not a commons database (not SQLite)",
                                   fix="name a database file that commons created",
                                   code=ErrorCode.STORAGE) from None
            raise _storage_error(name, e) from None
        return store

    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 600000")
        # 64 MiB of page cache keeps a million-entry post from spilling pages mid-transaction.
        self.conn.execute("PRAGMA cache_size = -65536")
        if not self.read_only and self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed post survives a power cut too; it costs one fsync a post.
            self.conn.execute("PRAGMA synchronous = FULL")

    def is_blank(self) -> bool:
        """No schema at all: an empty file, or one SQLite has only just made."""
        return self.schema_version == 0 and not self.conn.execute(
            "SELECT 1 FROM sqlite_master LIMIT 1").fetchone()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise InvalidInput(
                f"{self.path} has schema version {version}, newer than this commons "
                f"({SCHEMA_VERSION})", fix="upgrade commons to read this database",
                code=ErrorCode.STORAGE)
        if version == SCHEMA_VERSION:
            return
        if version == 0 and self._foreign_tables():
            raise InvalidInput(f"{self.path} is another program's SQLite database",
                               fix="name a new file or a database that commons created",
                               code=ErrorCode.STORAGE)
        if self.read_only:
            raise InvalidInput(f"{self.path} needs an upgrade, which a read-only session cannot do",
                               fix="open it once read-write to upgrade it",
                               code=ErrorCode.READ_ONLY)
        for number in range(version, SCHEMA_VERSION):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.schema_version == number:  # another process may have migrated meanwhile
                    for statement in MIGRATIONS[number]:
                        self.conn.execute(statement)
                    self.conn.execute(f"PRAGMA user_version = {number + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _foreign_tables(self) -> list[str]:
        """Tables in a file commons has not marked as its own (sqlite-utils lists them)."""
        import sqlite_utils  # noqa: PLC0415 - a cold path; the CLI's hot paths never need it

        return list(sqlite_utils.Database(self.conn).table_names())

    @contextmanager
    def write(self) -> Iterator[Tables]:
        """One write transaction (BEGIN IMMEDIATE): committed whole, or rolled back whole."""
        if self.read_only:
            raise RefusedByRule(f"{self.path} is open read-only, so nothing can be written",
                                fix="open the books read-write to change them",
                                code=ErrorCode.READ_ONLY)
        self._begin("BEGIN IMMEDIATE")
        try:
            yield Tables(self.conn)
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback()
            raise _storage_error(self.path, e) from None
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def read(self) -> Iterator[Tables]:
        """One consistent snapshot for reading."""
        self._begin("BEGIN")
        try:
            yield Tables(self.conn)
        except sqlite3.Error as e:
            raise _storage_error(self.path, e) from None
        finally:
            self._rollback()

    def _begin(self, statement: str) -> None:
        try:
            self.conn.execute(statement)
        except sqlite3.Error as e:
            raise _storage_error(self.path, e) from None

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()
