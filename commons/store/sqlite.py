"""The embedded SQLite store: opening, WAL, foreign keys, and forward migrations.

The schema version lives in ``PRAGMA user_version``; each migration moves it up by one inside one
transaction, so a file is always at a version it knows. Readers (auditors) open the file
read-only through SQLite's own ``mode=ro``, so even a mistake cannot write.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from commons.errors import CommonsError, ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.store.schema import MIGRATIONS

if TYPE_CHECKING:
    from pathlib import Path

    from commons.store.billing import BillingTables
    from commons.store.contracts import ContractTables
    from commons.store.estate import EstateTables
    from commons.store.export import ExportTables
    from commons.store.governance import GovernanceTables
    from commons.store.ledger import LedgerTables
    from commons.store.market import MarketTables
    from commons.store.parking import ParkingTables
    from commons.store.points import PointsTables
    from commons.store.reconcile import ReconcileTables
    from commons.store.revenue import RevenueTables

__all__ = ["SCHEMA_VERSION", "SqliteStore", "StorageError", "StoreBusy", "Tables", "known_version"]

SCHEMA_VERSION = len(MIGRATIONS)
# How long a process waits for another one's write lock before it gives up with StoreBusy.
BUSY_TIMEOUT_S = 600


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


def _read_only_uri(path: str | Path) -> str:
    """The URI SQLite opens ``path`` by read-only.

    A WAL database is read through a ``-shm`` index beside it, which SQLite makes when it is
    missing; a reader in a folder it cannot write (a read-only mount, an archive copy) cannot
    make it and fails with "attempt to write a readonly database". Such a file is opened
    immutable: read as it is, without the index or locks. That is exact as long as no change
    waits in a ``-wal`` log, which such a reader could not see, so that case is refused.
    """
    # pathlib (with urllib and ipaddress) is loaded only here: a writer opens by plain path.
    from pathlib import Path  # noqa: PLC0415

    full = Path(path).resolve()
    uri = full.as_uri()
    wal, shm = Path(f"{full}-wal"), Path(f"{full}-shm")
    if os.access(full.parent, os.W_OK) or (wal.is_file() and shm.is_file()):
        return f"{uri}?mode=ro"
    if wal.is_file() and wal.stat().st_size > 0:
        raise StorageError(
            f"{path} cannot be read in its read-only folder: changes wait in {wal.name}, and "
            "SQLite needs to create an index file (-shm) beside it to read them",
            fix="copy the database with its -wal file into a folder you can write, or have "
            "its keeper open it read-write once first", context={"kind": "read_only_folder"})
    return f"{uri}?mode=ro&immutable=1"


def known_version(version: int, what: str, kind: str) -> int:
    """``version``, unless a newer commons wrote it: either store refuses such books alike."""
    if version > SCHEMA_VERSION:
        raise InvalidInput(
            f"{what} has schema version {version}, newer than this commons ({SCHEMA_VERSION})",
            fix=f"upgrade commons to read this {kind}", code=ErrorCode.STORAGE)
    return version


class Tables:
    """The tables of one transaction, grouped by area.

    Each group, and the domain modules its rows become, is imported when the transaction first
    uses it (hence the imports inside the properties): a ledger balance never loads the parking
    tariffs.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @cached_property
    def ledger(self) -> LedgerTables:
        """Accounts, entries, postings, kept balances and closed months."""
        from commons.store.ledger import LedgerTables  # noqa: PLC0415

        return LedgerTables(self.conn)

    @cached_property
    def estate(self) -> EstateTables:
        """Compounds, buildings, households, resources and management areas."""
        from commons.store.estate import EstateTables  # noqa: PLC0415

        return EstateTables(self.conn)

    @cached_property
    def governance(self) -> GovernanceTables:
        """Proposals, ballots and their history."""
        from commons.store.governance import GovernanceTables  # noqa: PLC0415

        return GovernanceTables(self.conn)

    @cached_property
    def reconcile(self) -> ReconcileTables:
        """Bank accounts' statements, their lines and the matches."""
        from commons.store.reconcile import ReconcileTables  # noqa: PLC0415

        return ReconcileTables(self.conn)

    @cached_property
    def contracts(self) -> ContractTables:
        """Firms, bundles, contracts, tenders, evaluations and settlements."""
        from commons.store.contracts import ContractTables  # noqa: PLC0415

        return ContractTables(self.conn)

    @cached_property
    def revenue(self) -> RevenueTables:
        """Sharing rules, signers, spending limits, proposals and approvals."""
        from commons.store.revenue import RevenueTables  # noqa: PLC0415

        return RevenueTables(self.conn)

    @cached_property
    def export(self) -> ExportTables:
        """What audit exports and disclosures read, streamed."""
        from commons.store.export import ExportTables  # noqa: PLC0415

        return ExportTables(self.conn)

    @cached_property
    def billing(self) -> BillingTables:
        """Fee schedules, invoices and payments."""
        from commons.store.billing import BillingTables  # noqa: PLC0415

        return BillingTables(self.conn)

    @cached_property
    def parking(self) -> ParkingTables:
        """Tariffs, parking sessions and monthly bills."""
        from commons.store.parking import ParkingTables  # noqa: PLC0415

        return ParkingTables(self.conn)

    @cached_property
    def market(self) -> MarketTables:
        """The services marketplace: providers, services, orders, events, settlements."""
        from commons.store.market import MarketTables  # noqa: PLC0415

        return MarketTables(self.conn)

    @cached_property
    def points(self) -> PointsTables:
        """Volunteer points: programmes, rosters, lots, movements, redemptions, transfers."""
        from commons.store.points import PointsTables  # noqa: PLC0415

        return PointsTables(self.conn)

    def meta(self, key: str) -> str | None:
        """A value of the database's meta table, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
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
        migrates, and ``read_only`` opens through SQLite's ``mode=ro`` (``immutable`` in a folder
        it cannot write, see ``_read_only_uri``) so nothing can write."""
        name = str(path)
        if os.path.isdir(name):
            raise InvalidInput(f"database {name} is a folder, not a database file",
                               fix="name a database file, not a folder",
                               code=ErrorCode.STORAGE)
        if name != ":memory:" and not os.path.isfile(name) and (read_only or not create):
            raise NotFound(f"database {name} does not exist",
                           fix="create the books first, or check the path",
                           context={"kind": "database", "id": name})
        try:
            if name == ":memory:":
                conn = sqlite3.connect(name, isolation_level=None)
            elif not read_only:  # a plain path is opened read-write, created when missing
                conn = sqlite3.connect(os.path.abspath(name), isolation_level=None,
                                       timeout=BUSY_TIMEOUT_S)
            else:
                conn = sqlite3.connect(_read_only_uri(name), uri=True, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_S)
            store = cls(conn, name, read_only=read_only)
            # Look before touching: a foreign or blank file must be refused before WAL mode
            # (which persists in the file) is switched on.
            if store._inspect() == 0 and not create and name != ":memory:":
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
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        # 64 MiB of page cache keeps a million-entry post from spilling pages mid-transaction.
        self.conn.execute("PRAGMA cache_size = -65536")
        if not self.read_only and self.path != ":memory:":
            self._switch_to_wal()
            # FULL: a committed post survives a power cut too; it costs one fsync a post.
            self.conn.execute("PRAGMA synchronous = FULL")

    def _switch_to_wal(self) -> None:
        """Put the file in WAL mode, waiting out other processes doing the same.

        SQLite answers "database is locked" at once, without its busy handler, when two
        connections move one new file into WAL mode together (seen with four processes
        opening a new file at once), so the wait is ours: short naps up to the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def _inspect(self) -> int:
        """The file's schema version, read without writing anything."""
        # One read transaction: a concurrent first user's schema appears whole or not at all.
        self._begin("BEGIN")
        try:
            return self._checked_version()
        finally:
            self._rollback()

    def _checked_version(self) -> int:
        """The schema version; another program's database, or a newer commons', is refused."""
        version = self.schema_version
        if version == 0 and self._foreign_tables():
            raise InvalidInput(f"{self.path} is another program's SQLite database",
                               fix="name a new file or a database that commons created",
                               code=ErrorCode.STORAGE)
        return known_version(version, str(self.path), "database")

    @property
    def schema_version(self) -> int:
        """The schema version the database is at (SQLite's user_version)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise InvalidInput(f"{self.path} needs an upgrade, which a read-only session cannot do",
                               fix="open it once read-write to upgrade it",
                               code=ErrorCode.READ_ONLY)
        while True:
            # Each step decides under the write lock: of processes opening a new file at once,
            # one creates the schema and the others find it made when their turn comes.
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                number = self._checked_version()
                if number < SCHEMA_VERSION:
                    for statement in MIGRATIONS[number]:
                        self.conn.execute(statement)
                    self.conn.execute(f"PRAGMA user_version = {number + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            if number + 1 >= SCHEMA_VERSION:
                return

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
        """Close the connection."""
        self.conn.close()

    def discard_if_unused(self, *, was_empty: bool) -> bool:
        """Close a file this process created (or found empty, ``was_empty`` False meaning it
        did not exist) and remove it again if nothing but the schema is in it: a refused
        write must not leave a database behind. Checked under the write lock, so rows another
        process wrote meanwhile keep the file. True if it was removed (or emptied again)."""
        if self.path == ":memory:" or self.read_only:
            return False
        try:
            self._begin("BEGIN IMMEDIATE")
            tables = [name for (name,) in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'meta'")]
            used = any(self.conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]
                       for name in tables)
            self._rollback()
        except (sqlite3.Error, CommonsError):
            return False
        if used:
            return False
        try:
            self.conn.execute("PRAGMA journal_mode = DELETE")  # folds and removes the -wal file
        except sqlite3.Error:
            return False  # another process has the file open now, so it stays
        self.conn.close()
        from pathlib import Path  # noqa: PLC0415 - see _read_only_uri

        db = Path(self.path)
        if was_empty:
            db.write_bytes(b"")
        else:
            db.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        return True
