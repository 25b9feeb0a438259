"""Opening the store a path or URL names: an SQLite file, or a book on a PostgreSQL server.

Neither store's module is imported until it is opened: a ledger balance on a file never loads
psycopg, and a server book never needs SQLite's pathlib helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from commons.store.pg import PgStore
    from commons.store.sqlite import SqliteStore

    Store = SqliteStore | PgStore

__all__ = ["is_server_url", "open_store", "stored_version"]


def is_server_url(path: str | Path) -> bool:
    """Whether ``path`` names a book on a PostgreSQL server rather than an SQLite file."""
    return str(path).startswith(("postgresql://", "postgres://"))


def open_store(path: str | Path, *, read_only: bool = False, create: bool = True) -> Store:
    """The store at ``path``: ``postgresql://...`` opens a server book, anything else a file."""
    if is_server_url(path):
        from commons.store.pg import PgStore  # noqa: PLC0415 - psycopg only when used

        return PgStore.open(str(path), read_only=read_only, create=create)
    from commons.store.sqlite import SqliteStore  # noqa: PLC0415 - see the module

    return SqliteStore.open(path, read_only=read_only, create=create)


def stored_version(path: str | Path) -> int | None:
    """The schema version of the books at ``path``, read without migrating or writing
    anything; None if there are no books there yet."""
    if is_server_url(path):
        from commons.store.pg import book_version  # noqa: PLC0415 - see open_store

        return book_version(str(path))
    import os  # noqa: PLC0415 - a cold path
    import sqlite3  # noqa: PLC0415

    name = str(path)
    if name == ":memory:" or not os.path.isfile(name) or os.path.getsize(name) == 0:
        return None
    from commons.store.sqlite import _read_only_uri  # noqa: PLC0415

    conn = sqlite3.connect(_read_only_uri(name), uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
