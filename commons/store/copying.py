"""Copying books between stores (an SQLite file and a PostgreSQL book, either way), checked.

Every table is copied row for row in the order the migrations created them (parents before
children), so ids, hashes and history stay as they were. The copy is then compared with its
source: the chain's head and every account's balance must be equal, or the copy is refused
naming the first difference (and the new books are rolled back whole).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from commons.errors import ConflictError, ErrorCode, RefusedByRule

if TYPE_CHECKING:
    from commons.store.opening import Store
    from commons.store.sqlite import Tables

__all__ = ["copy_books", "table_order"]

_CREATED = re.compile(r"^\s*CREATE TABLE (\w+)", re.IGNORECASE)


@functools.cache
def table_order() -> tuple[str, ...]:
    """The books' tables, parents first: the order the migrations created them in."""
    from commons.store.schema import MIGRATIONS  # noqa: PLC0415 - a cold path

    return tuple(m.group(1) for step in MIGRATIONS for sql in step
                 if (m := _CREATED.match(sql)) and m.group(1) != "meta")


def copy_books(source: Store, target: Store) -> tuple[int, int]:
    """Copy the books of ``source`` into the empty ``target``; (tables, rows) copied."""
    rows_copied = 0
    with source.read() as src, target.write() as dst:
        if not dst.is_empty():
            raise ConflictError(f"{target.path} already holds books; a copy goes into new ones",
                                fix="name a new file or a new book (?book=NAME)",
                                context={"kind": "copy_target"}, code=ErrorCode.CONFLICT)
        for table in table_order():
            cursor = src.conn.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            if rows:
                marks = ", ".join("?" * len(columns))
                dst.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                     f"({marks})", rows)
                rows_copied += len(rows)
        _after_copy(target, dst)
        _compare(src, dst, source.path, target.path)
    return len(table_order()), rows_copied


def _after_copy(target: Store, dst: Tables) -> None:
    """On a server, move each identity's next value past the copied ids."""
    if not hasattr(target, "book"):
        return
    from commons.store.pg_sql import identity_columns  # noqa: PLC0415

    for table, key in identity_columns().items():
        if table in table_order():
            dst.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                             f"(SELECT COALESCE(MAX({key}), 0) + 1 FROM {table}), false)")


def _compare(src: Tables, dst: Tables, source: str, target: str) -> None:
    """Refuse the copy unless its chain head and balances are the source's."""
    heads = src.ledger.head(), dst.ledger.head()
    if heads[0] != heads[1]:
        _differs(f"the chain head is entry {heads[0].id} ({heads[0].hash[:12]}) in {source} "
                 f"but entry {heads[1].id} ({heads[1].hash[:12]}) in {target}")
    mine: dict[tuple[str, str], Any] = {(n, m.currency): m for n, m in src.ledger.balances()}
    theirs = {(n, m.currency): m for n, m in dst.ledger.balances()}
    for key in sorted(mine.keys() | theirs.keys()):
        if mine.get(key) != theirs.get(key):
            _differs(f"the balance of {key[0]} in {key[1]} is {mine.get(key)} in {source} "
                     f"but {theirs.get(key)} in {target}")


def _differs(what: str) -> None:
    raise RefusedByRule(f"the copy differs from its source: {what}; nothing was copied",
                        fix="run commons audit verify on the source, then copy again",
                        context={"kind": "copy_differs"}, code=ErrorCode.STORAGE)
