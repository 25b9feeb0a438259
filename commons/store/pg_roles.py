"""Who may do what in a server book: the application's role and the auditors' role.

The journal's triggers already refuse UPDATE and DELETE to everyone; the grants make the same
promise a second time, in the server's privileges: the application's role is given no UPDATE
on a table whose rows are history, and no DELETE on one whose rows are never deleted, so even a
role that could drop a trigger could not use the gap. The auditors' role reads everything and
writes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from commons.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from commons.store.pg import PgStore

__all__ = ["checked_role", "grant", "grants"]

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# The triggers that make a table's rows history (no UPDATE) or permanent (no DELETE).
_KEPT = ("append_only", "history", "insert_only", "never_deleted")


def withheld(store: PgStore) -> dict[str, set[str]]:
    """For each table, the verbs (UPDATE, DELETE) its triggers refuse outright."""
    rows = store.conn.raw.execute(
        "SELECT event_object_table, event_manipulation, trigger_name FROM "
        "information_schema.triggers WHERE trigger_schema = current_schema()").fetchall()
    out: dict[str, set[str]] = {}
    for table, verb, name in rows:
        if any(k in name for k in _KEPT) and not (verb == "UPDATE" and "never_deleted" in name):
            out.setdefault(table, set()).add(verb)
    return out


def checked_role(role: str) -> str:
    """``role`` if it can be a server role's name (it goes into GRANT statements as is)."""
    if not _ROLE.fullmatch(role):
        raise InvalidInput(f"role {role!r} is not a server role name",
                           fix="name the role with lower-case letters, digits and _",
                           field="role", code=ErrorCode.INVALID_INPUT)
    return role


def grant(store: PgStore, role: str, *, auditor: bool = False) -> list[str]:
    """Grant ``role`` (an existing server role) the application's rights on the book, or the
    auditors' (``auditor``: SELECT only), in one transaction; the statements run, in order."""
    done = grants(store, role, auditor=auditor)
    with store.admin() as raw:
        for sql in done:
            raw.execute(sql.encode())  # names checked; not literal strings
    return done


def grants(store: PgStore, role: str, *, auditor: bool = False,
           writable: set[str] | None = None) -> list[str]:
    """The statements that give ``role`` the application's rights on the book, or the
    auditors' (``auditor``); with ``writable``, writes on those tables only (a street
    office's, see ``pg_tenants``)."""
    checked_role(role)
    raw = store.conn.raw
    book = store.book
    tables = [t for (t,) in raw.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
    done = [f"GRANT USAGE ON SCHEMA {book} TO {role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {book} FROM {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {book} TO {role}"]
    if not auditor:
        kept = withheld(store)
        done.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {book} TO {role}")
        for table in tables if writable is None else [t for t in tables if t in writable]:
            verbs = ["INSERT", *(v for v in ("UPDATE", "DELETE") if v not in kept.get(table, ()))]
            done.append(f"GRANT {', '.join(verbs)} ON {book}.{table} TO {role}")
    return done
