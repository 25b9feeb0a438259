"""How a refused command reads: the error's code and message on stderr, as text or, under
``--json``, as ``{"error": {"code", "what", "where", "fix"}}``.

The library's ``fix`` speaks of the library ("open the account first"); at the command line the
advice names the command to run. ``ADVICE`` maps an error's code, and where that is too coarse
the kind of object its context names, to that advice; an error the table does not know keeps the
library's fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click

from commons.errors import CommonsError, ErrorCode, Problems

__all__ = ["ADVICE", "advice", "echo_error", "error_json"]

Advice = Callable[[Mapping[str, str]], str]

# (code, the kind of object the error's context names, or None for any): the advice, given the
# context. Looked up with the kind first, then without.
_NF = ErrorCode.NOT_FOUND


def _estate(kind: str) -> Advice:
    return lambda _: f"import it with `commons estate import {kind} FILE`, or check the spelling"


ADVICE: dict[tuple[ErrorCode, str | None], Advice] = {
    (ErrorCode.UNKNOWN_ACCOUNT, None): lambda c: (
        _nearest(c) if "account" in c
        else "list the open accounts with `commons ledger balance`"),
    (ErrorCode.ACCOUNT_CLOSED, "redate"): lambda c: (
        f"post within the account's open dates; if {c['account']} was opened with a wrong date "
        f"and has no postings yet, re-date it: commons ledger reopen {c['account']} "
        f"--date {c['date']}"),
    (ErrorCode.ALREADY_RECORDED_DIFFERENTLY, "redate"): lambda c: (
        f"if it has no postings yet, re-date it: commons ledger reopen {c['account']} --date "
        "YYYY-MM-DD; otherwise open a new account under another name"),
    (ErrorCode.UNKNOWN_ACCOUNT, "chart"): lambda c: (
        f"open its chart first: commons ledger chart {c['compound']}"),
    (ErrorCode.READ_ONLY, None): lambda _: "run the command without --read-only",
    (ErrorCode.OUTPUT_EXISTS, None): lambda _: "choose another --out, or pass --force to "
                                               "replace the file",
    (ErrorCode.MALFORMED_FILE, "encoding"): lambda c: (
        "save the file as UTF-8 (CSV UTF-8 in Excel) or pass --encoding "
        + (c["looks_like"] if c.get("looks_like") else "with the encoding it is in")),
    (ErrorCode.STORAGE, "read_only_folder"): lambda _: (
        "copy the database with its -wal file into a folder you can write, or have its keeper "
        "run any commons command on it without --read-only first"),
    (ErrorCode.REFUSED, "demo"): lambda _: "run it on a new file: commons --db demo.db demo",
    (ErrorCode.CONFLICT, "match"): lambda c: f"undo it first: commons reconcile unmatch "
                                              f"{c['match']}",
    (ErrorCode.INVALID_INPUT, "window"): lambda _: (
        "give --window-days as N (0 to 366) or as a signed range LOW:HIGH of the book date "
        "minus the bank date, e.g. --window-days -3:0 or --window-days=-2:5"),
    (ErrorCode.INVALID_INPUT, "bank_account"): lambda c: (
        f"record it first: commons reconcile account {c['account']} --number N"),
    (ErrorCode.INVALID_AMOUNT, "opening"): lambda _: (
        "leave out --opening, or add --balances ignore if the file's balances are wrong"),
    (_NF, "bank_line"): lambda _: "find line ids with `commons reconcile lines --account A`",
    (_NF, "posting"): lambda _: "find postings with `commons reconcile report`",
    (ErrorCode.BUSY, None): lambda _: "another commons process is writing; run the command "
                                      "again when it is done",
    (_NF, "compound"): lambda c: _compound_hint(c) + _estate("compounds")(c),
    (_NF, "charted_compound"): lambda c: (
        f"{_compound_hint(c)}check the spelling, or open its chart: commons ledger chart "
        f"{c['id']}"),
    (_NF, "building"): _estate("buildings"),
    (_NF, "household"): _estate("households"),
    (_NF, "database"): lambda _: "create it with `commons --db FILE init`, or check --db",
    (_NF, "manifest"): lambda _: "give the export file or the .manifest.json written with it; "
                                 "a manifest of another name only with --manifest M",
    (ErrorCode.INVALID_INPUT, "manifest"): lambda _: (
        "give the export file and --manifest, or the manifest alone"),
    (_NF, "entry"): lambda _: "find entry ids with `commons ledger trail ACCOUNT`",
    (_NF, "tariff"): lambda _: "load one with `commons parking tariff FILE`",
    (_NF, "proposal"): lambda _: "put it with `commons resolution propose`, or check the id",
    (_NF, "resolution"): lambda _: "propose it with `commons resolution propose`, or check "
                                   "the id",
    (_NF, "spending"): lambda _: "propose it with `commons revenue propose`, or check the id",
    (_NF, "statement"): lambda c: (f"import one first: commons reconcile import FILE "
                                   f"--account {c['account']}"),
    (_NF, "match"): lambda _: "find match ids with `commons reconcile matches --account A "
                              "--period P`",
    (_NF, "tender"): lambda _: "open it with `commons contract tender open`",
    (_NF, "firm"): lambda c: f"record it with `commons contract firm add {c['id']} --name ...`",
    (_NF, "bundle"): lambda c: f"record it with `commons contract bundle add {c['id']} ...`",
    (_NF, "contract"): lambda _: "sign it with `commons contract sign`",
    (_NF, "provider"): lambda c: f"record it with `commons market provider add {c['id']} ...`",
    (_NF, "service"): lambda _: "list it with `commons market service add`, or find one with "
                                "`commons market service search HOUSEHOLD`",
    (_NF, "order"): lambda c: f"place it first: commons market order place {c['id']} ...",
    (ErrorCode.ILLEGAL_MOVE, "order"): lambda c: (
        f"order {c['id']} is {c['state']}: see it with `commons market order show {c['id']}`"),
    (ErrorCode.BLACKLISTED, None): lambda _: (
        "see the blacklist with `commons contract blacklist`; find another provider with "
        "`commons market service search HOUSEHOLD`"),
    (_NF, "invoice"): lambda _: "invoices are named HOUSEHOLD:YYYY-MM; issue them with "
                                "`commons billing invoice --period YYYY-MM`",
    (ErrorCode.REFUSED, "schedule"): lambda _: "import one with `commons billing schedule FILE`",
    (ErrorCode.REFUSED, "evaluation"): lambda c: (
        f"record it first with `commons contract evaluate {c['contract']} {c['month']} ...`"),
    (ErrorCode.NOT_AUTHORISED, "signer"): lambda c: (
        f"add them first: commons revenue signer {c['compound']} {c['id']} --role ROLE"),
    (ErrorCode.NOT_AUTHORISED, "open_vote"): lambda c: (
        f"let the owners vote, then close the vote with `commons revenue tally {c['id']} "
        "--close`"),
    (ErrorCode.ALREADY_RECORDED_DIFFERENTLY, "entry"): lambda _: (
        "a recorded entry is never changed; correct it with `commons ledger reverse ENTRY`"),
}


def _compound_hint(context: Mapping[str, str]) -> str:
    """The library's "did you mean" for an unknown compound, from its error's context."""
    from commons.app.compounds import compound_hint  # noqa: PLC0415 - `--help` needs no app

    return compound_hint(context)


def _nearest(context: Mapping[str, str]) -> str:
    """Open the account, after naming the open accounts nearest to it, if any."""
    opening = f"open it first: commons ledger open {context['account']}"
    if "near" not in context:
        return opening
    near = " or ".join(context["near"].split())
    return f"did you mean {near}? If {context['account']} is a new account, {opening}"


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
        import json  # noqa: PLC0415 - a text-mode command never needs it

        click.echo(json.dumps({"error": error_json(error)}, ensure_ascii=False, indent=2),
                   err=True)
    else:
        click.echo(f"commons: error[{error.code}]: {_text(error)}", err=True)
