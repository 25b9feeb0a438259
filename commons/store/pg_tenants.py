"""Street offices sharing one server book, kept apart by the server's row-level security.

A book's map ``commons_offices`` (role, compound) says which compounds each street office's
role keeps, and the offices are the members of the book's group role ``BOOK_offices``. Every
table whose rows belong to a compound gets two policies, FORCEd so that the book's owner
cannot slip past them either: a permissive one that lets every role see every row, and a
restrictive one, for the offices' group alone, that keeps a member to the rows of its
compounds. The owner, the application's role and the auditors' role (whose grants allow
reading only) are thus not bound, and the server plans their statements as if there were no
policies. A row belongs to a compound through its ``compound`` column (``id`` of
``compounds``) or, failing that, through a foreign key to a table whose rows do, followed as
far as it goes (a posting through its account, a household through its building). An entry
names its compound seldom: it belongs to the compounds its postings' accounts do. Tables that
reach no compound (currencies, firms, closed months, bank statements ...) are the district's:
an office reads them and writes none.

The hash chain stays one over the whole book. An office cannot see other offices' entries, so
it reads the chain's head through ``commons_chain_head()``, a SECURITY DEFINER function that
returns the newest entry's id and hash and nothing else; it is called only after the writer
holds the book's advisory lock, so offices posting at once still link one after another.
Walking the whole chain (``audit verify``) needs every entry: that is the auditors' job, and an
office's connection refuses it (see ``PgConnection``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.store.pg_roles import checked_role, grants

if TYPE_CHECKING:
    import psycopg

    from commons.store.pg import PgStore

__all__ = ["MAP", "Tenancy", "apply_policies", "as_office", "enrol", "has_tenancy",
           "offices_role", "routes"]

MAP = "commons_offices"
_NOT_ROUTED = {MAP, "schema_version"}
_IMPLIED = {"account_id": ("accounts", "id"), "entry_id": ("entries", "id")}
_COMPOUND = re.compile(r"[^\s]{1,200}")


@attrs.frozen
class Tenancy:
    """What ``enrol`` left: the office's role, its compounds, the tables it may write (its
    compounds' rows only) and the district's tables it reads only."""

    role: str
    compounds: tuple[str, ...]
    kept_apart: tuple[str, ...]
    shared: tuple[str, ...]


def _setup(book: str) -> list[str]:
    """The map and the function that reads the chain's head past the policies; names
    qualified, so they mean the same whatever the session's search_path."""
    return [
        f"CREATE TABLE IF NOT EXISTS {book}.{MAP} (role TEXT NOT NULL, compound TEXT NOT NULL, "
        "PRIMARY KEY (role, compound))",
        f"CREATE OR REPLACE FUNCTION {book}.commons_chain_head() RETURNS TABLE (id bigint, "
        f"hash text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {book} AS "
        f"$$ SELECT e.id, e.hash FROM {book}.entries e ORDER BY e.id DESC LIMIT 1 $$",
    ]


def _sees(column: str) -> str:
    """The test that the session's role keeps the compound in ``column``: written into each
    policy (not called as a function) so the planner makes it one index look-up."""
    return (f"EXISTS (SELECT 1 FROM {MAP} o WHERE o.role = current_user AND "
            f"o.compound = {column})")


def routes(raw: psycopg.Connection[Any]) -> dict[str, str]:
    """For each table of the book whose rows belong to a compound, the condition a row of
    it must meet for an office to see it (its policy's USING)."""
    columns: dict[str, set[str]] = {}
    for table, column in raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"):
        columns.setdefault(str(table), set()).add(str(column))
    # The session's search_path is the book, so the names come unqualified.
    keys: list[tuple[str, str, str, str]] = raw.execute(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname "
        "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND "
        "a.attnum = c.conkey[1] JOIN pg_attribute f ON f.attrelid = c.confrelid AND "
        "f.attnum = c.confkey[1] WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND "
        "c.connamespace = current_schema()::regnamespace ORDER BY 1, 2").fetchall()
    # The hot tables declare no foreign key (it would slow every posting): their columns'
    # names say what they refer to.
    keys += [(t, c, *_IMPLIED[c]) for t, cols in sorted(columns.items()) for c in sorted(cols)
             if c in _IMPLIED and not any(k[:2] == (t, c) for k in keys)]
    found = {"compounds": _sees("compounds.id")}
    found.update({t: _sees(f"{t}.compound") for t, cols in columns.items()
                  if "compound" in cols and t not in _NOT_ROUTED | {"entries"}})
    # Postings reach their compound through their account, before entries (which reach
    # theirs through their postings) are routed: the other way round would loop.
    while _follow(found, keys):
        pass
    found["entries"] = ("CASE WHEN compound IS NULL THEN EXISTS (SELECT 1 FROM postings p "
                        "WHERE p.entry_id = entries.id) ELSE " + _sees("entries.compound") + " END")
    while _follow(found, keys):
        pass
    return {t: found[t] for t in sorted(found) if t in columns}


def _follow(found: dict[str, str], keys: Sequence[tuple[str, str, str, str]]) -> bool:
    """Route one more round of tables through a foreign key to a routed table."""
    grew = False
    for table, column, parent, key in keys:
        if table not in found and table not in _NOT_ROUTED and parent in found:
            found[table] = (f"EXISTS (SELECT 1 FROM {parent} r WHERE r.{key} = "
                            f"{table}.{column})")
            grew = True
    return grew


def offices_role(book: str) -> str:
    """The group role whose members are the book's street offices (a server role name has
    at most 63 bytes: a long book's name is shortened and told apart by its hash)."""
    name = f"{book}_offices"
    if len(name) <= 63:
        return name
    import hashlib  # noqa: PLC0415 - only for a long book name

    return f"{book[:46]}_{hashlib.sha1(book.encode()).hexdigest()[:8]}_offices"


def apply_policies(store: PgStore) -> dict[str, str]:
    """(Re)create the map, its function, the offices' group role and two FORCEd policies per
    table that reaches a compound, in the caller's transaction; those tables and their
    conditions.

    Every role may see every row (a permissive policy, ``true``); the members of the
    offices' group see only the rows their compounds reach (a restrictive one, for them
    alone). So the policies cost the owner, the application's and the auditors' roles
    nothing: the server plans their statements as if there were none."""
    raw = store.conn.raw
    book = store.book
    group = offices_role(book)
    for sql in _setup(book):
        raw.execute(sql.encode())  # the book's name is checked where the URL is read
    if raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone() is None:
        raw.execute(f"CREATE ROLE {group} NOLOGIN".encode())
    kept = routes(raw)
    for table, condition in kept.items():
        check = condition
        if table == "entries":  # its postings come after it, in the same transaction
            check = f"compound IS NULL OR {_sees('entries.compound')}"
        for sql in (f"ALTER TABLE {book}.{table} ENABLE ROW LEVEL SECURITY",
                    f"ALTER TABLE {book}.{table} FORCE ROW LEVEL SECURITY",
                    f"DROP POLICY IF EXISTS commons_everyone ON {book}.{table}",
                    f"CREATE POLICY commons_everyone ON {book}.{table} USING (true)",
                    f"DROP POLICY IF EXISTS commons_office ON {book}.{table}",
                    f"CREATE POLICY commons_office ON {book}.{table} AS RESTRICTIVE TO {group} "
                    f"USING ({condition}) WITH CHECK ({check})"):
            raw.execute(sql.encode())
    return kept


def has_tenancy(raw: psycopg.Connection[Any]) -> bool:
    """Whether the session's book keeps offices apart (it has the map)."""
    return raw.execute("SELECT to_regclass(%s)", (MAP,)).fetchone() != (None,)


def enrol(store: PgStore, role: str, compounds: Sequence[str]) -> Tenancy:
    """Make ``role`` (an existing server role) a street office of the book keeping
    ``compounds`` (added to those it kept), with the policies in place."""
    checked_role(role)
    for compound in compounds:
        if not _COMPOUND.fullmatch(compound):
            raise InvalidInput(f"compound {compound!r} for office {role} is not a compound id",
                               fix="give compound ids as the estate import names them",
                               field="compound", code=ErrorCode.INVALID_INPUT)
    if not compounds:
        raise InvalidInput(f"office {role} is given no compound",
                           fix="name its compounds with --compound C (once each)",
                           field="compound", code=ErrorCode.INVALID_INPUT)
    with store.admin() as raw:
        kept = apply_policies(store)
        raw.cursor().executemany(f"INSERT INTO {MAP} (role, compound) VALUES (%s, %s) "
                                 "ON CONFLICT DO NOTHING".encode(),
                                 [(role, c) for c in compounds])
        raw.execute(f"GRANT {offices_role(store.book)} TO {role}".encode())
        for sql in grants(store, role, writable=set(kept)):
            raw.execute(sql.encode())  # names checked; not literal strings
        mine = tuple(c for (c,) in raw.execute(
            f"SELECT compound FROM {MAP} WHERE role = %s ORDER BY compound".encode(), (role,)))
    tables = [t for (t,) in raw.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
    return Tenancy(role, mine, tuple(kept), tuple(t for t in tables if t not in kept))


_HEAD = "SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1"
_WHOLE_CHAIN = re.compile(r"FROM entries WHERE id BETWEEN \? AND \? ORDER BY id$")


def as_office(sql: str, role: str) -> str:
    """``sql`` as a street office's connection runs it: the chain's head through the
    function that sees past the policies; a walk of the whole chain refused, since most of
    its entries are other offices' and a walk of the rest would report a broken chain."""
    if sql == _HEAD:
        return "SELECT id, hash FROM commons_chain_head()"
    if _WHOLE_CHAIN.search(sql):
        raise RefusedByRule(
            f"role {role} is a street office's, which sees only its own compounds' entries, "
            "so it cannot walk the book's whole hash chain",
            fix="verify the chain as the auditors' role (commons db grant ROLE --auditor), "
                "which reads every entry", code=ErrorCode.NOT_AUTHORISED)
    return sql
