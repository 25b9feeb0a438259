"""The PostgreSQL store: the same tables and migrations as SQLite, on a database server.

A URL ``postgresql://[user[:password]@]host[:port]/database?book=NAME`` names one book: a
schema of the database holding one set of commons tables and one hash chain, exactly what one
SQLite file holds (see docs/postgresql.md). Several books share a database and post in parallel;
posts to one book are serialised by a transaction-level advisory lock on the book's name, taken
at the start of every write transaction, which is what SQLite's ``BEGIN IMMEDIATE`` does for a
file. The area table modules are SQLite's: ``PgConnection`` presents the part of
``sqlite3.Connection`` they use and translates each statement once (``commons.store.pg_sql``).
Only this module imports psycopg, and only when a URL is opened.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader

from commons.errors import (
    CommonsError,
    ConflictError,
    ErrorCode,
    InvalidInput,
    NotFound,
    RefusedByRule,
)
from commons.store.pg_roles import grants
from commons.store.pg_sql import COMPAT, migrations, statement
from commons.store.pg_tenants import apply_policies, as_office, has_tenancy
from commons.store.sqlite import SCHEMA_VERSION, StorageError, StoreBusy, Tables, known_version

if TYPE_CHECKING:
    from psycopg.pq.abc import Buffer

__all__ = ["DEFAULT_BOOK", "PgConnection", "PgCursor", "PgStore", "book_version", "split_url"]

DEFAULT_BOOK = "commons"
_BOOK = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# An INSERT whose every value is a placeholder, which COPY can load instead, from this many rows.
_PLAIN_INSERT = re.compile(r"^INSERT INTO (\w+) \(([\w, ]+)\) VALUES \(\?(?:, \?)*\)$")
_COPY_FROM = 100
# The lock every write of a book takes: its name's 64-bit hash.
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(current_schema(), 0))"


def split_url(url: str) -> tuple[str, str, str]:
    """(what psycopg connects with, the book's schema, the URL shown in messages: no password)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit  # noqa: PLC0415

    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    books = [v for k, v in query if k == "book"]
    book = books[-1] if books else DEFAULT_BOOK
    if not _BOOK.fullmatch(book):
        raise InvalidInput(f"book {book!r} in {url.rsplit('@', 1)[-1]} is not a book name",
                           fix="name the book with lower-case letters, digits and _ "
                               "(e.g. ?book=shinan_badaguan), at most 63 of them",
                           field="book", code=ErrorCode.STORAGE)
    rest = urlencode([(k, v) for k, v in query if k != "book"])
    conninfo = urlunsplit(parts._replace(query=rest))
    shown = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))
    return conninfo, book, shown


class _Numbers(Loader):
    """NUMERIC (what SUM of BIGINT gives) as an int, as SQLite's integer sums are."""

    def load(self, data: Buffer) -> Any:
        text = bytes(data).decode()
        if text.lstrip("-").isdigit():
            return int(text)
        from decimal import Decimal  # noqa: PLC0415 - commons stores no fractions

        return Decimal(text)


class _Flags(Loader):
    """A comparison's boolean as 0 or 1, as SQLite gives it."""

    def load(self, data: Buffer) -> Any:
        return int(bytes(data) == b"t")


class _FlagParams(Dumper):
    """A Python bool bound to a flag column (BIGINT 0/1) as SQLite stores it."""

    oid = 20  # int8

    def dump(self, obj: Any) -> Buffer:
        return b"1" if obj else b"0"


class PgCursor:
    """What the table modules use of an ``sqlite3.Cursor``: rows, rowcount and lastrowid."""

    def __init__(self, cursor: psycopg.Cursor[Any], lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.lastrowid = lastrowid
        self.description = cursor.description

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopIteration
        return row


class PgConnection:
    """A psycopg connection presenting the part of ``sqlite3.Connection`` the table modules use.

    Each statement is translated once; an integrity or range error is raised as
    ``sqlite3.IntegrityError``, which the table modules already catch, so they need no second
    copy for PostgreSQL. The connection runs in autocommit mode: transactions are the store's
    explicit BEGIN and COMMIT, as on SQLite.
    """

    # commons.store.queries.where_in binds an IN list as one array here.
    binds_arrays = True

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn
        # Set by the store once it knows the book: whether COPY may load rows (not where row
        # policies apply to the role: the server refuses COPY FROM there), and the role's
        # name when it is a street office's (see commons.store.pg_tenants).
        self.copy_rows = True
        self.office: str | None = None
        conn.adapters.register_loader("numeric", _Numbers)
        conn.adapters.register_loader("bool", _Flags)
        conn.adapters.register_dumper(bool, _FlagParams)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        """Run one statement with ``?`` placeholders."""
        text = statement(sql if self.office is None else as_office(sql, self.office))
        cursor = self.raw.cursor()
        upsert = "DO UPDATE" in text
        try:
            if upsert:  # a caller may look into the books after a refused kept balance
                self.raw.execute("SAVEPOINT commons_upsert")
            if text.returning:
                cursor.execute(f"{text} RETURNING {text.returning}", tuple(params))
                row = cursor.fetchone()
                return PgCursor(cursor, row[0] if row else None)
            cursor.execute(text, tuple(params))
            if upsert:
                self.raw.execute("RELEASE SAVEPOINT commons_upsert")
            return PgCursor(cursor)
        except (pg_errors.IntegrityError, pg_errors.DataError) as e:
            if upsert:
                self.raw.execute("ROLLBACK TO SAVEPOINT commons_upsert")
            raise sqlite3.IntegrityError(str(e).strip()) from e

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        """Run one statement for each of ``rows``; a plain INSERT of many rows is sent as COPY,
        the server's bulk load."""
        text = statement(sql)
        cursor = self.raw.cursor()
        plain = _PLAIN_INSERT.match(sql)
        if plain is not None:
            batch = [tuple(r) for r in rows]
            if len(batch) >= _COPY_FROM:
                load = self._copy if self.copy_rows else self._staged
                return load(cursor, plain.group(1), plain.group(2), batch)
            rows = batch
        upsert = "DO UPDATE" in text
        try:
            if upsert:
                self.raw.execute("SAVEPOINT commons_upsert")
            cursor.executemany(text, [tuple(r) for r in rows])
            if upsert:
                self.raw.execute("RELEASE SAVEPOINT commons_upsert")
        except (pg_errors.IntegrityError, pg_errors.DataError) as e:
            if upsert:
                self.raw.execute("ROLLBACK TO SAVEPOINT commons_upsert")
            raise sqlite3.IntegrityError(str(e).strip()) from e
        return PgCursor(cursor)

    def _copy(self, cursor: psycopg.Cursor[Any], table: str, columns: str,
              rows: list[tuple[Any, ...]]) -> PgCursor:
        try:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN".encode()) as copy:
                for row in rows:
                    copy.write_row(row)
        except (pg_errors.IntegrityError, pg_errors.DataError) as e:
            raise sqlite3.IntegrityError(str(e).strip()) from e
        cursor_ = PgCursor(cursor)
        cursor_.rowcount = len(rows)
        return cursor_

    def _staged(self, cursor: psycopg.Cursor[Any], table: str, columns: str,
                rows: list[tuple[Any, ...]]) -> PgCursor:
        """Many rows where row policies forbid COPY into ``table``: COPY into a temporary
        table of the session (which has no policies), then one INSERT ... SELECT, which the
        policies check row by row as they would any INSERT."""
        stage = f"pg_temp.commons_stage_{table}"
        # Each time: a rolled-back transaction takes a table it created with it.
        self.raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) "
                         "ON COMMIT DELETE ROWS".encode())
        try:
            self._copy(cursor, stage, columns, rows)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage}"
                           .encode())
            cursor.execute(f"DELETE FROM {stage}".encode())
        except (pg_errors.IntegrityError, pg_errors.DataError) as e:
            raise sqlite3.IntegrityError(str(e).strip()) from e
        cursor_ = PgCursor(cursor)
        cursor_.rowcount = len(rows)
        return cursor_

    def iterdump(self) -> Iterator[str]:
        """Every row of the book's tables, one line each in table and key order: what
        ``sqlite3.Connection.iterdump`` gives a check that a refused change wrote nothing."""
        tables = [t for (t,) in self.raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename")]
        for table in tables:
            for row in self.raw.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                yield f"{table}: {row!r}"

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        """Close the server connection."""
        self.raw.close()


def _storage_error(where: str, error: Exception) -> CommonsError:
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return RefusedByRule(f"{where}: the server refused this role: {str(error).strip()}",
                             fix="a street office's role reads and writes only its own "
                                 "compounds, and the district's tables are read only; ask the "
                                 "book's owner (commons db tenant) or act as the role that "
                                 "keeps those rows", code=ErrorCode.NOT_AUTHORISED)
    if isinstance(error, (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected,
                          pg_errors.SerializationFailure)):
        return StoreBusy(f"{where} is busy: {error}",
                         fix="another commons process is writing; try again when it is done")
    return StorageError(f"database {where}: {str(error).strip()}",
                        fix="check that the server is up and the role may use the book")


def _unseen_conflict(where: str, office: str, error: Exception) -> ConflictError:
    """A key a street office wrote that a row it cannot see holds already (under the book's
    lock no other writer can be racing it): most often an external id of another office."""
    detail = getattr(getattr(error, "diag", None), "message_detail", None) or str(error)
    return ConflictError(f"{where}: a row of another office already holds this key "
                         f"({detail.strip()}), which role {office} cannot see",
                         fix="external ids are unique across the shared book: prefix them with "
                             "the office's or the compound's name", code=ErrorCode.CONFLICT)


class PgStore:
    """One book (a schema) of a PostgreSQL database, at the current schema version."""

    def __init__(self, conn: PgConnection, path: str, book: str, *, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.book = book
        self.read_only = read_only

    @classmethod
    def open(cls, url: str, *, read_only: bool = False, create: bool = True) -> PgStore:
        """Connect to the book ``url`` names; only ``create`` may make a new book, only a
        writer migrates, and ``read_only`` makes every transaction of the session read-only."""
        conninfo, book, shown = split_url(url)
        try:
            raw = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as e:
            raise _storage_error(shown, e) from None
        store = cls(PgConnection(raw), shown, book, read_only=read_only)
        try:
            raw.execute(f"SET search_path = {book}")
            if read_only:
                raw.execute("SET default_transaction_read_only = on")
            exists = raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                 (book,)).fetchone()
            if exists is None and (read_only or not create):
                raise NotFound(f"book {book} does not exist in {shown}",
                               fix="create the books first, or check the URL's ?book=",
                               context={"kind": "database", "id": shown})
            store._migrate()
            store._know_role()
        except psycopg.Error as e:
            store.close()
            raise _storage_error(shown, e) from None
        except BaseException:
            store.close()
            raise
        return store

    def _know_role(self) -> None:
        """Tell the connection whether row policies bind this role in this book."""
        raw = self.conn.raw
        if not has_tenancy(raw):
            return
        role, bypass, office = raw.execute(
            "SELECT current_user, rolsuper OR rolbypassrls, EXISTS (SELECT 1 FROM "
            "commons_offices WHERE role = current_user) FROM pg_roles "
            "WHERE rolname = current_user").fetchall()[0]
        self.conn.copy_rows = bool(bypass)
        self.conn.office = str(role) if office and not bypass else None

    @property
    def schema_version(self) -> int:
        """The schema version the book is at (its schema_version table; 0 if it has none)."""
        raw = self.conn.raw
        if raw.execute("SELECT to_regclass('schema_version')").fetchone() == (None,):
            return 0
        row = raw.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _checked_version(self) -> int:
        version = self.schema_version
        if version == 0 and self.conn.raw.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename != 'schema_version'").fetchone():
            raise InvalidInput(f"book {self.book} in {self.path} holds another program's tables",
                               fix="name a new book (?book=) or one that commons created",
                               code=ErrorCode.STORAGE)
        return known_version(version, f"book {self.book} in {self.path}", "book")

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise InvalidInput(f"book {self.book} in {self.path} needs an upgrade, which a "
                               "read-only session cannot do",
                               fix="open it once read-write (commons db migrate) to upgrade it",
                               code=ErrorCode.READ_ONLY)
        self.migrate()

    def migrate(self, *, to: int = SCHEMA_VERSION) -> list[int]:
        """Apply the migrations forward up to version ``to``, one transaction each, under
        the book's lock; the versions reached."""
        raw = self.conn.raw
        reached = []
        while True:
            raw.execute("BEGIN")
            try:
                raw.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                            (self.book,))
                raw.execute(f"CREATE SCHEMA IF NOT EXISTS {self.book}")
                number = self._checked_version()
                if number < to:
                    steps = migrations()[number]
                    if number == 0:
                        steps = (*COMPAT, "CREATE TABLE schema_version (version INTEGER NOT "
                                 "NULL)", "INSERT INTO schema_version VALUES (0)", *steps)
                    # One round trip per version: a new book's DDL is most of its opening.
                    raw.execute(cast("Any", ";\n".join(steps)))
                    raw.execute("UPDATE schema_version SET version = %s", (number + 1,))
                    reached.append(number + 1)
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            if number + 1 >= to:
                self._keep_offices_apart(reached)
                return reached

    def _keep_offices_apart(self, reached: list[int]) -> None:
        """After new versions, the new tables get their row policies and the offices their
        rights on them, as ``commons db tenant`` gave them on the old ones."""
        if not reached or not has_tenancy(self.conn.raw):
            return
        with self.admin() as raw:
            kept = apply_policies(self)
            for (role,) in raw.execute("SELECT DISTINCT role FROM commons_offices").fetchall():
                for sql in grants(self, role, writable=set(kept)):
                    raw.execute(sql.encode())  # names checked; not literal strings

    @contextmanager
    def write(self) -> Iterator[Tables]:
        """One write transaction, holding the book's lock: committed whole, or rolled back."""
        if self.read_only:
            raise RefusedByRule(f"{self.path} is open read-only, so nothing can be written",
                                fix="open the books read-write to change them",
                                code=ErrorCode.READ_ONLY)
        raw = self.conn.raw
        try:
            raw.execute("BEGIN")
            raw.execute(_LOCK)
            yield Tables(cast("sqlite3.Connection", self.conn))
            raw.execute("COMMIT")
        except (psycopg.Error, sqlite3.Error) as e:
            self._rollback()
            cause = e.__cause__ if isinstance(e.__cause__, psycopg.Error) else e
            if self.conn.office and isinstance(cause, pg_errors.UniqueViolation):
                raise _unseen_conflict(self.path, self.conn.office, cause) from None
            raise _storage_error(self.path, cause) from None
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def admin(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction of the book's owner changing who may do what (grants, offices,
        policies), under the book's lock; the server's refusal as a CommonsError."""
        raw = self.conn.raw
        try:
            raw.execute("BEGIN")
            raw.execute(_LOCK)
            yield raw
            raw.execute("COMMIT")
        except pg_errors.UndefinedObject as e:
            self._rollback()
            raise NotFound(f"{self.path}: {str(e).strip()}",
                           fix="create the server role first (CREATE ROLE name LOGIN), then "
                               "give it its rights", code=ErrorCode.NOT_FOUND) from None
        except psycopg.Error as e:
            self._rollback()
            raise _storage_error(self.path, e) from None
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def read(self) -> Iterator[Tables]:
        """One consistent snapshot for reading (REPEATABLE READ)."""
        raw = self.conn.raw
        try:
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            yield Tables(cast("sqlite3.Connection", self.conn))
        except (psycopg.Error, sqlite3.Error) as e:
            cause = e.__cause__ if isinstance(e.__cause__, psycopg.Error) else e
            raise _storage_error(self.path, cause) from None
        finally:
            self._rollback()

    def _rollback(self) -> None:
        if not self.conn.raw.closed and self.conn.in_transaction:
            self.conn.raw.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def discard_if_unused(self, *, was_empty: bool) -> bool:
        """A book on a server is not a file this process made: it is kept (False)."""
        del was_empty
        return False


def book_version(url: str) -> int | None:
    """The schema version of the book ``url`` names, read without migrating; None if the
    book does not exist yet."""
    conninfo, book, shown = split_url(url)
    try:
        with psycopg.connect(conninfo, autocommit=True) as raw:
            if raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                           (book,)).fetchone() is None:
                return None
            raw.execute(f"SET search_path = {book}")
            if raw.execute("SELECT to_regclass('schema_version')").fetchone() == (None,):
                return 0
            row = raw.execute("SELECT version FROM schema_version").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error as e:
        raise _storage_error(shown, e) from None
