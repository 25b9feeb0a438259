"""SQLite's dialect, as the table modules and migrations write it, translated for PostgreSQL.

The area table modules are written once, for SQLite; the PostgreSQL store runs the same text
through ``statement`` (cached, so each distinct statement is translated once per process) and
the same migrations through ``migrations``. What cannot be rewritten by pattern (SQLite's
``group_concat``, ``strftime``, ``printf``, two-argument ``min``) is given to PostgreSQL as small
functions of the same name (``COMPAT``), created in each book's schema before its first table.
"""

from __future__ import annotations

import functools
import re

__all__ = ["COMPAT", "Translated", "identity_columns", "migrations", "statement"]

# Functions SQLite has and PostgreSQL lacks, with SQLite's meaning for the uses commons makes.
COMPAT: tuple[str, ...] = (
    "CREATE FUNCTION commons_concat(state text, value anyelement) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN state WHEN state IS NULL "
    "THEN value::text ELSE state || ',' || value::text END $$",
    "CREATE AGGREGATE group_concat(anyelement) (SFUNC = commons_concat, STYPE = text)",
    "CREATE FUNCTION commons_concat_sep(state text, value text, sep text) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN state WHEN state IS NULL "
    "THEN value ELSE state || sep || value END $$",
    "CREATE AGGREGATE group_concat(text, text) (SFUNC = commons_concat_sep, STYPE = text)",
    # SQLite's min/max of two values: NULL if either is NULL.
    "CREATE FUNCTION min(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE LEAST(a, b) END $$",
    "CREATE FUNCTION max(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE GREATEST(a, b) END $$",
    # strftime('%Y-%m-%dT%H:%M:%SZ', seconds, 'unixepoch'), the only form commons uses.
    "CREATE FUNCTION strftime(fmt text, seconds bigint, unit text) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(to_timestamp(seconds) AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') $$",
    "CREATE FUNCTION unixepoch(instant text) RETURNS bigint LANGUAGE sql IMMUTABLE AS "
    "$$ SELECT extract(epoch FROM (replace(instant, 'Z', '+00:00'))::timestamptz)::bigint $$",
    # printf('%012d %s', n, s): zero-padded to 12 digits, as the parking overlap check pads.
    "CREATE FUNCTION printf(fmt text, n bigint, s text) RETURNS text LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT lpad(n::text, 12, '0') || ' ' || s $$",
)

# Upper case only: SQL keywords are written so here, and messages in literals are not.
_IS_NOT = re.compile(r"\bIS NOT (?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)")
_IS = re.compile(r"\bIS (?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)")
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\b", re.IGNORECASE)
_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+)(?: WHEN (.*?))? BEGIN SELECT "
    r"RAISE\(ABORT, '(.*)'\); END$", re.DOTALL)
_DROP_TRIGGER = re.compile(r"DROP TRIGGER (\w+)$")
_CREATE_TABLE = re.compile(r"CREATE\s+(?:TEMP\s+)?TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)",
                           re.IGNORECASE)
_ROWID_KEY = re.compile(r"(\w+) INTEGER PRIMARY KEY")


class Translated(str):
    """A statement in PostgreSQL's dialect; ``returning`` names the key an INSERT returns
    (SQLite's ``lastrowid``), if any."""

    returning: str | None = None


def _outside_literals(sql: str) -> str:
    """``?`` becomes ``%s`` and ``%`` becomes ``%%`` (psycopg's placeholders), except that
    ``%`` inside a string literal is kept as the text it is, doubled for psycopg too."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a literal
            out.append(part.replace("%", "%%"))
        else:
            out.append(part.replace("%", "%%").replace("?", "%s"))
    return "".join(out)


def _dialect(sql: str) -> str:
    """The rewrites every statement gets: comparisons, names and casts."""
    sql = _IS_NOT.sub("IS DISTINCT FROM ", sql)
    sql = _IS.sub("IS NOT DISTINCT FROM ", sql)
    sql = re.sub(r"\bchar\(", "chr(", sql)
    sql = re.sub(r"\bjson_array\(", "jsonb_build_array(", sql)
    sql = re.sub(r"\btemp\.", "pg_temp.", sql)
    sql = re.sub(r"\bORDER BY rowid\b", "ORDER BY ctid", sql)
    # SQLite's CROSS JOIN ... ON only fixes the join order; PostgreSQL wants a plain JOIN.
    sql = re.sub(r"\bCROSS JOIN (\w+ \w+ ON)\b", r"JOIN \1", sql)
    sql = re.sub(r"\blength\(CAST\((\w+) AS BLOB\)\)", r"octet_length(\1)", sql)
    return re.sub(r"\bAS INTEGER\)", "AS BIGINT)", sql)


@functools.cache
def identity_columns() -> dict[str, str]:
    """Tables whose key SQLite assigns (``INTEGER PRIMARY KEY``), and that key's column."""
    from commons.store.schema import MIGRATIONS  # noqa: PLC0415 - read once, when first needed

    keys: dict[str, str] = {}
    for step in MIGRATIONS:
        for text in step:
            table = _CREATE_TABLE.match(text.strip())
            key = _ROWID_KEY.search(text)
            if table and key:
                keys[table.group(1)] = key.group(1)
    keys["parking_batch"] = "line"
    return keys


@functools.lru_cache(maxsize=4096)
def statement(sql: str) -> Translated:
    """``sql`` (SQLite's dialect, ``?`` placeholders) in PostgreSQL's, placeholders ``%s``."""
    text = _dialect(sql)
    ignore = _OR_IGNORE.search(text) is not None
    if ignore:
        text = _OR_IGNORE.sub("INSERT", text).rstrip() + " ON CONFLICT DO NOTHING"
    if _CREATE_TABLE.match(text.strip()):
        text = _table(text)
    result = Translated(_outside_literals(text))
    insert = _INSERT.match(sql)
    if insert and "RETURNING" not in text.upper():
        result.returning = identity_columns().get(insert.group(1))
    return result


def _table(sql: str) -> str:
    """A CREATE TABLE in PostgreSQL's types: 64-bit integers, SQLite's key assignment as an
    identity column, text compared byte by byte as SQLite does (collation "C")."""
    sql = re.sub(r"\)\s*STRICT(?:\s*,\s*WITHOUT ROWID)?\s*$", ")", sql.rstrip())
    sql = re.sub(r"\)\s*WITHOUT ROWID\s*$", ")", sql)
    sql = _ROWID_KEY.sub(r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sql)


def _trigger(name: str, verb: str, table: str, when: str | None, message: str) -> list[str]:
    """SQLite's refusing trigger as a PL/pgSQL function and a row trigger calling it."""
    row = "OLD" if verb == "DELETE" else "NEW"
    condition = _dialect(when) if when else "TRUE"
    return [
        f"CREATE FUNCTION {name}_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
        f"IF {condition} THEN RAISE EXCEPTION USING MESSAGE = '{message}', "
        f"ERRCODE = 'integrity_constraint_violation'; END IF; RETURN {row}; END $fn$",
        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} FOR EACH ROW EXECUTE FUNCTION "
        f"{name}_refuse()",
    ]


@functools.cache
def migrations() -> tuple[tuple[str, ...], ...]:
    """The one list of migrations (``commons.store.schema.MIGRATIONS``) for PostgreSQL."""
    from commons.store.schema import MIGRATIONS  # noqa: PLC0415 - see identity_columns

    triggers: dict[str, str] = {}
    steps = []
    for step in MIGRATIONS:
        out: list[str] = []
        for text in step:
            created = _TRIGGER.match(text)
            dropped = _DROP_TRIGGER.match(text)
            if created:
                triggers[created.group(1)] = created.group(3)
                out.extend(_trigger(*created.groups()))
            elif dropped:
                name = dropped.group(1)
                out += [f"DROP TRIGGER {name} ON {triggers[name]}",
                        f"DROP FUNCTION {name}_refuse()"]
            elif _CREATE_TABLE.match(text.strip()):
                out.append(_table(_dialect(text)))
            else:
                out.append(_dialect(re.sub(r"\bINTEGER\b", "BIGINT", text)
                                    .replace(" TEXT ", ' TEXT COLLATE "C" ')))
        steps.append(tuple(out))
    return tuple(steps)
