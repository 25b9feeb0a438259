"""How a refused command reads: the error's code and message on stderr, as text or, under
``--json``, as ``{"error": {"code", "what", "where", "fix"}}``.

The library's ``fix`` speaks of the library ("open the account first"); at the command line the
advice names the command to run. ``ADVICE`` maps an error's code, and where that is too coarse
the kind of object its context names, to that advice; an error the table does not know keeps the
library's fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import click

from commons.errors import CommonsError, ErrorCode, Problems

__all__ = ["ADVICE", "advice", "echo_error", "error_json"]

Advice = Callable[[Mapping[str, str]], str]

# (code, the kind of object the error's context names, or None for any): the advice, given the
# context. Looked up with the kind first, then without.
ADVICE: dict[tuple[ErrorCode, str | None], Advice] = {
    (ErrorCode.UNKNOWN_ACCOUNT, None): lambda c: (
        f"open it first: commons ledger open {c['account']}" if "account" in c
        else "list the open accounts with `commons ledger balance`"),
    (ErrorCode.READ_ONLY, None): lambda _: "run the command without --read-only",
    (ErrorCode.BUSY, None): lambda _: "another commons process is writing; run the command "
                                      "again when it is done",
}


def advice(error: CommonsError) -> str | None:
    """The command-line advice for ``error``: the table's, else the library's own fix. A
    ``Problems`` keeps its own fix, which speaks of its members as a whole."""
    if isinstance(error, Problems):
        return error.fix
    context = error.context
    found = ADVICE.get((error.code, context.get("kind"))) or ADVICE.get((error.code, None))
    return found(context) if found is not None else error.fix


def _where(error: CommonsError) -> dict[str, Any]:
    return {"file": error.file, "line": error.line, "field": error.field}


def error_json(error: CommonsError) -> dict[str, Any]:
    """The error as JSON-ready values; a ``Problems`` lists its members under ``problems``."""
    data: dict[str, Any] = {"code": error.code.value, "what": error.what,
                            "where": _where(error), "fix": advice(error)}
    if error.context:
        data["context"] = error.context
    if isinstance(error, Problems):
        data["problems"] = [error_json(p) for p in error.problems]
    return data


def _text(error: CommonsError) -> str:
    place = str(error.where)
    head = f"{place}: {error.what}" if place else error.what
    lines = [head]
    if isinstance(error, Problems):
        lines.extend(f"  [{p.code}] {_text(p)}".replace("\n", "\n  ") for p in error.problems)
    fix = advice(error)
    if fix:
        lines.append(f"  fix: {fix}")
    return "\n".join(lines)


def echo_error(error: CommonsError, *, as_json: bool) -> None:
    """Print ``error`` on stderr: ``commons: error[CODE]: message``, or JSON under --json."""
    if as_json:
        click.echo(json.dumps({"error": error_json(error)}, ensure_ascii=False, indent=2),
                   err=True)
    else:
        click.echo(f"commons: error[{error.code}]: {_text(error)}", err=True)
