"""``commons db``: where the database's schema stands, and migrating it forward.

Each command parses, calls one api method and renders; the same commands serve an SQLite file
and a book on a PostgreSQL server (``--db postgresql://HOST/DATABASE?book=NAME``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import App, CommonsGroup, json_option, pass_app
from .render import echo_json

if TYPE_CHECKING:
    from commons.app.database import DbStatus

__all__ = ["db"]


def _line(status: DbStatus) -> str:
    if status.version is None:
        return f"{status.path}: no books yet ({status.store}); migrate creates them at " \
               f"schema version {status.latest}"
    behind = f", {status.pending} migration(s) to apply" if status.pending else ", up to date"
    return f"{status.path}: schema version {status.version} of {status.latest}{behind}"


def _json(status: DbStatus) -> dict[str, object]:
    return {"db": status.path, "store": status.store, "schema_version": status.version,
            "latest": status.latest, "pending": status.pending}


@click.group(cls=CommonsGroup)
def db() -> None:
    """The database: its schema version (status), migrating it forward (migrate) and copying
    it between SQLite and PostgreSQL (copy).

    On a PostgreSQL book also the server roles that may use it (grant) and the street offices
    that share it, each kept to its compounds by the server (tenant).

    --db names an SQLite file or a PostgreSQL book (postgresql://HOST/DATABASE?book=NAME);
    both use the same list of schema versions.
    """


@db.command()
@json_option
@pass_app
def status(app: App) -> None:
    """Say which schema version the database is at, changing nothing."""
    found = app.api.db.status()
    if app.json:
        echo_json(_json(found))
    else:
        click.echo(_line(found))


@db.command()
@json_option
@pass_app
def migrate(app: App) -> None:
    """Apply the missing schema versions, one transaction each (creating the books if none)."""
    before, after = app.api.db.migrate()
    if app.json:
        echo_json({"before": _json(before), "after": _json(after)})
    else:
        click.echo(f"{after.path}: schema version {before.version or 0} -> {after.version}")


@db.command()
@click.argument("source")
@click.argument("target")
@json_option
@pass_app
def copy(app: App, source: str, target: str) -> None:
    """Copy the books at SOURCE into new books at TARGET (each an SQLite file or a
    postgresql://... book), checked: equal chain heads and balances per account, or refused
    naming the first difference."""
    from commons.app import connect  # noqa: PLC0415 - only this command opens two databases

    with connect(source, read_only=True, actor=app.actor) as books:
        report = books.db.copy(target)
    if app.json:
        echo_json({"source": report.source, "target": report.target, "tables": report.tables,
                   "rows": report.rows})
    else:
        click.echo(f"copied {report.rows} rows of {report.tables} tables from {report.source} "
                   f"to {report.target}; chain head and balances are equal")


@db.command(name="grant")
@click.argument("role")
@click.option("--auditor", is_flag=True,
              help="Read everything, write nothing (the audit office's role).")
@json_option
@pass_app
def grant_role(app: App, role: str, auditor: bool) -> None:
    """Give the server role ROLE the application's rights on the --db book: no UPDATE or
    DELETE on the journal's history (or, with --auditor, reading only). PostgreSQL books only;
    run it as the book's owner."""
    done = app.api.db.grant(role, auditor=auditor)
    if app.json:
        echo_json({"role": role, "auditor": auditor, "statements": done})
    else:
        click.echo("\n".join(done))


@db.command()
@click.argument("role")
@click.option("--compound", "compounds", multiple=True, required=True, metavar="ID",
              help="A compound the office keeps (repeat for each).")
@json_option
@pass_app
def tenant(app: App, role: str, compounds: tuple[str, ...]) -> None:
    """Make the server role ROLE a street office of the shared --db book: the server's row
    policies let it read and write only the rows of its compounds (postings through their
    accounts, households through their buildings ...) and read, not write, the district's
    tables. Other roles are not bound; the auditors' role (db grant --auditor) reads all.
    PostgreSQL books only; run it as the book's owner."""
    done = app.api.db.tenant(role, compounds)
    if app.json:
        echo_json({"role": done.role, "compounds": list(done.compounds),
                   "kept_apart": list(done.kept_apart), "shared": list(done.shared)})
    else:
        click.echo(f"{done.role} keeps {', '.join(done.compounds)}: its rows of "
                   f"{len(done.kept_apart)} tables; reads {len(done.shared)} district tables")
