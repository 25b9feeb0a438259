"""``commons audit ...``: verify the chain, export a trail, check an export, the disclosure."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from commons.app import (
    EXPORT_FORMATS,
    LANGUAGES,
    ChainHead,
    DisclosurePeriod,
    ExportCheck,
    ExportManifest,
    count_text,
    disclosure_json,
    head_signature,
    render_html,
    render_text,
)
from commons.errors import CommonsError

from .app import App, CommonsGroup, date_option, json_option, pass_app
from .render import echo_json, plain

__all__ = ["audit"]


@click.group(cls=CommonsGroup)
def audit() -> None:
    """Auditors' tools: verify the chain, export trails, check exports, disclose (公示).

    Each opens the database read-only, with or without --read-only.
    """


def _key_file_option(f: Any) -> Any:
    return click.option(
        "--key-file", type=click.Path(exists=True, dir_okay=False),
        help="The key that signs the chain head (HMAC-SHA256); without it, "
        "COMMONS_SIGNING_KEY if set. Keep it where whoever can write the database cannot read "
        "it.")(f)


def _signing_key(key_file: str | None) -> bytes | None:
    """The host's signing key: the file given, else COMMONS_SIGNING_KEY, else none."""
    if key_file is not None:
        key = Path(key_file).read_bytes().strip()
    else:
        key = os.environ.get("COMMONS_SIGNING_KEY", "").encode()
    return key or None


@audit.command("verify")
@click.option("--head", help="A chain head hash recorded earlier (by verify, an export's "
              "manifest or a printed disclosure): some entry must have it, so the books it was "
              "recorded from are a prefix of these; says which entry and its date.")
@click.option("--at", type=click.IntRange(min=0),
              help="The entry the recorded head is of: that entry must have it.")
@click.option("--newest", is_flag=True, help="The newest entry must have the recorded head, "
              "so that an entry appended since is caught too.")
@click.option("--signature", help="The recorded head's signature: checked with the key.")
@_key_file_option
@json_option
@pass_app
def verify(app: App, head: str | None, at: int | None, newest: bool, signature: str | None,
           key_file: str | None) -> None:
    """Recompute the hash chain and balances; exit 1 naming the first broken entry. With
    --head, also find a head recorded earlier on the chain (refused if no entry has it); with
    a key, print the head's signature (and check --signature). docs/tamper.md says what each
    check catches."""
    key = _signing_key(key_file)
    report = app.read_only_api().audit.verify(workers=os.cpu_count() or 1, head=head, at=at,
                                              signature=signature, key=key, newest=newest)
    signed = None if key is None else head_signature(
        ChainHead(report.entries, report.head_hash), key)
    found = report.recorded
    if app.json:
        echo_json({"ok": report.ok, "entries": report.entries, "head": report.head_hash,
                   **({} if signed is None else {"signature": signed}),
                   **({} if found is None else {"recorded": {
                       "entry": found.entry, "date": found.date.isoformat(),
                       "appended_since": found.appended}}),
                   "problems": [p.as_json() for p in report.problems]})
    elif report.ok:
        click.echo(f"verified {count_text(report.entries, 'entry')}; chain head {report.head_hash}"
                   + ("" if head is None else "; the recorded head holds")
                   + ("" if found is None else
                      f"\nthe recorded head is entry {found.entry} of {found.date}: the books "
                      f"it was recorded from are the first {count_text(found.entry, 'entry')} "
                      f"of these; {count_text(found.appended, 'entry')} recorded since")
                   + ("" if signed is None else f"\nsignature {signed}"))
    if not report.ok:
        if not app.json:
            click.echo("commons: error: the journal fails verification:\n  "
                       + "\n  ".join(f"[{p.kind}] {p.detail}" for p in report.problems), err=True)
        click.get_current_context().exit(1)


def manifest_json(m: ExportManifest) -> dict[str, Any]:
    return {**m.as_json(), "manifest": m.path, "out": str(m.export_path)}


def _period_option(_ctx: click.Context, _param: click.Parameter, value: str | None
                   ) -> DisclosurePeriod | None:
    if value is None:
        return None
    try:
        return DisclosurePeriod.parse(value)
    except CommonsError as e:
        raise e.located(field="--period") from None


_force_option = click.option("--force", is_flag=True,
                             help="Replace --out (and its manifest) if it exists already.")


@audit.command("export")
@click.option("--format", "export_format", type=click.Choice(EXPORT_FORMATS), required=True,
              help="csv (UTF-8 with BOM, for Excel), jsonl, xlsx or beancount.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write; its manifest goes beside it as OUT.manifest.json.")
@click.option("--account", help="Only accounts under this prefix.")
@click.option("--compound", help="Only the accounts of this compound (refused if unknown).")
@click.option("--from", "date_from", callback=date_option, help="First date YYYY-MM-DD.")
@click.option("--to", "date_to", callback=date_option, help="Last date YYYY-MM-DD.")
@click.option("--period", callback=_period_option,
              help="A month (2026-10) or a quarter (2026-Q4): the same as --from and --to.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the XLSX headers and totals (合计); CSV and JSON Lines keep "
                   "their column ids.")
@_force_option
@_key_file_option
@json_option
@pass_app
def export(app: App, export_format: str, out: str, account: str | None, compound: str | None,
           date_from: Any, date_to: Any, period: DisclosurePeriod | None, lang: str,
           force: bool, key_file: str | None) -> None:
    """Export every posting in scope with its entry, counterparts, running balance and chain
    hash; the database is only read."""
    if period is not None:
        if date_from is not None or date_to is not None:
            raise click.UsageError("give --period, or --from and --to, not both")
        date_from, date_to = period.first_day, period.last_day
    m = app.read_only_api().audit.export(out, format=export_format, account=account,
                                         compound=compound, date_from=date_from,
                                         date_to=date_to, force=force,
                                         key=_signing_key(key_file), lang=lang)
    if app.json:
        echo_json(manifest_json(m))
    else:
        click.echo(f"exported {count_text(m.rows, 'posting')} of "
                   f"{count_text(m.entries, 'entry')} to {m.export_path} at "
                   f"chain head {m.head.id} {m.head.hash[:16]}; manifest {m.path}")


def _check_text(check: ExportCheck) -> str:
    m = check.manifest
    where = (f"and the ledger still holds them at chain head {m.head.id}" if check.against_ledger
             else "(not compared with the ledger: give --db FILE to check it still holds them)")
    renamed = f" (exported as {m.files[0].name})" if m.files[0].name != check.file.name else ""
    return (f"ok: {check.file} is exactly what was exported{renamed}: "
            f"{count_text(m.rows, 'posting')}, {count_text(m.entries, 'entry')}, "
            f"sha256 {m.files[0].sha256[:16]}, {where}")


@audit.command("check-export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="The manifest to check PATH against, when it is not PATH.manifest.json.")
@json_option
@pass_app
def check_export(app: App, path: str, manifest: str | None) -> None:
    """Check the export file at PATH (or the file paired with the manifest PATH) against its
    manifest PATH.manifest.json: the file's own sha256, size, rows and totals, and, with --db
    given, that the ledger still holds exactly those rows. Exit 1 naming the file and what
    differs."""
    check = app.read_only_api().audit.check_export(path, manifest=manifest,
                                                   against_ledger=app.db_given)
    if app.json:
        echo_json({"ok": check.ok, "file": str(check.file), "against_ledger": check.against_ledger,
                   "manifest": check.manifest.path, "chain_head": check.manifest.head.hash,
                   "rows": check.manifest.rows, "problems": list(check.problems)})
    elif check.ok:
        click.echo(_check_text(check))
    if not check.ok:
        if not app.json:
            click.echo(f"commons: error: {check.file} fails its check against "
                       f"{check.manifest.path}:\n  "
                       + "\n  ".join(check.problems), err=True)
        click.get_current_context().exit(1)


@audit.command("disclose")
@click.option("--compound", required=True, help="The compound whose statement to make.")
@click.option("--period", required=True, help="A month YYYY-MM or a quarter YYYY-Qn.")
@click.option("--format", "out_format", type=click.Choice(("text", "html", "json")),
              default="text", show_default=True,
              help="html is one page that prints on A4 and reads on a phone.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="zh", show_default=True,
              help="Labels in Chinese (zh) or English (en).")
@click.option("--notice", type=click.Path(dir_okay=False),
              help="The committee's notice file (TOML: objection_days, contact, "
              "how_to_object, [signatures]; docs/formats.md); the options below override it.")
@click.option("--published", callback=date_option,
              help="The publication date YYYY-MM-DD, the first day of the 公示期, on or after "
              "the period's last day [default: today].")
@click.option("--objection-days", type=int,
              help="The 公示期 in days from the publication date, 1 to 90 [default: 7].")
@click.option("--contact", help="Whom to raise an objection with (name, phone, room).")
@click.option("--how-to-object", help="How to raise an objection (one line).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file, not stdout.")
@click.option("--force", is_flag=True, help="Replace --out if it exists already (a page has no "
              "manifest).")
@_key_file_option
@json_option
@pass_app
def disclose(app: App, compound: str, period: str, out_format: str, lang: str,
             notice: str | None, published: Any, objection_days: int | None,
             contact: str | None, how_to_object: str | None, out: str | None, force: bool,
             key_file: str | None) -> None:
    """The disclosure statement (公示) the committee posts: the compound's name, bank and
    masked account number, the 公示期 and how to object, opening balance, income by source,
    each spending with its authority, spending by purpose, set-asides, closing balance, a
    signature block, and the chain head to check a printed copy with `audit verify --head`."""
    statement = app.read_only_api().audit.disclose(
        compound, period, key=_signing_key(key_file), notice=notice, published_on=published,
        objection_days=objection_days, contact=contact, how_to_object=how_to_object)
    if out is None and (app.json or out_format == "json"):
        echo_json(disclosure_json(statement))
        return
    if out_format == "json":
        text = json.dumps(disclosure_json(statement), ensure_ascii=False, indent=2) + "\n"
    else:
        text = (render_html(statement, lang) if out_format == "html"
                else render_text(statement, lang))
    if out is None:
        click.echo(plain(text), nl=False)
    else:
        app.read_only_api().audit.write_disclosure(out, text, force=force)
        click.echo(f"wrote {out}")

