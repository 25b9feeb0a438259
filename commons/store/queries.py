"""Query helpers every table group shares."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["where_in"]

# SQLite's limit on bound parameters is far above this; it keeps IN lists short.
CHUNK = 500


def where_in(conn: sqlite3.Connection, sql: str, values: Iterable[object], *,
             before: tuple[object, ...] = (), after: tuple[object, ...] = ()) -> Iterator[Any]:
    """Rows of ``sql``, whose ``{}`` becomes an IN list, for ``values`` (each once), a chunk at
    a time; ``before`` and ``after`` bind the parameters around the list."""
    unique = list(dict.fromkeys(values))
    if not unique:
        return
    if getattr(conn, "binds_arrays", False):
        # PostgreSQL takes the whole list as one array parameter; its client library would
        # otherwise parse every long IN list afresh (it caches only short statements).
        kind = "bigint" if all(type(v) is int for v in unique) else "text"
        yield from conn.execute(sql.format(f"SELECT unnest(?::{kind}[])"),
                                (*before, unique, *after))
        return
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))),
                                (*before, *chunk, *after))
