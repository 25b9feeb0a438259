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
from typing import TYPE_CHECKING

from commons.errors import CommonsError, InvalidInput, NotFound, RefusedByRule
from commons.store.ledger import LedgerTables
from commons.store.schema import MIGRATIONS

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["SCHEMA_VERSION", "SqliteStore", "StoreBusy", "Tables"]

SCHEMA_VERSION = len(MIGRATIONS)


class StoreBusy(CommonsError):
    """Another process held the database longer than commons waits."""


class Tables:
    """The tables of one transaction, grouped by area."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.ledger = LedgerTables(conn)


class SqliteStore:
    """One SQLite file (or ``:memory:``) at the current schema version."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> SqliteStore:
        name = str(path)
        if read_only:
            if name == ":memory:" or not Path(name).is_file():
                raise NotFound(f"database {name} does not exist",
                               fix="run `commons init` first, or check --db")
            conn = sqlite3.connect(f"file:{Path(name).resolve()}?mode=ro", uri=True,
                                   isolation_level=None)
        else:
            conn = sqlite3.connect(name, isolation_level=None, timeout=600)
        store = cls(conn, name, read_only=read_only)
        store._configure()
        store._migrate()
        return store

    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 600000")
        # 64 MiB of page cache keeps a million-entry post from spilling pages mid-transaction.
        self.conn.execute("PRAGMA cache_size = -65536")
        if not self.read_only and self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the same connection, for schema work and ad-hoc queries."""
        import sqlite_utils  # noqa: PLC0415 - on first use: the CLI's hot paths never need it

        return sqlite_utils.Database(self.conn)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        try:
            version = self.schema_version
        except sqlite3.DatabaseError:
            raise InvalidInput(f"{self.path} is not a commons database (not SQLite)",
                               fix="point --db at a file made by `commons init`") from None
        if version > SCHEMA_VERSION:
            raise InvalidInput(
                f"{self.path} has schema version {version}, newer than this commons "
                f"({SCHEMA_VERSION})", fix="upgrade commons to read this database")
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise InvalidInput(f"{self.path} needs an upgrade, which a read-only session cannot do",
                               fix="run `commons init` once without --read-only")
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

    @contextmanager
    def write(self) -> Iterator[Tables]:
        """One write transaction (BEGIN IMMEDIATE): committed whole, or rolled back whole."""
        if self.read_only:
            raise RefusedByRule(f"{self.path} is open read-only, so nothing can be written",
                                fix="run the command without --read-only")
        self._begin("BEGIN IMMEDIATE")
        try:
            yield Tables(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tables]:
        """One consistent snapshot for reading."""
        self._begin("BEGIN")
        try:
            yield Tables(self.conn)
        finally:
            self.conn.execute("ROLLBACK")

    def _begin(self, statement: str) -> None:
        try:
            self.conn.execute(statement)
        except sqlite3.OperationalError as e:
            raise StoreBusy(f"{self.path} is busy: {e}",
                            fix="another commons process is writing; try again when it is done"
                            ) from None

    def close(self) -> None:
        self.conn.close()
