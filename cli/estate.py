"""``commons estate ...``: import the estate from CSV and summarise a compound."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import click

from commons.app import ESTATE_KINDS, CompoundSummary, ImportSummary, count_text

from .app import App, CommonsGroup, json_option, pass_app
from .render import echo_json, plain, table

__all__ = ["estate"]

FORMATS_HELP = """\b
KIND and its CSV header (columns in [] are optional):
  compounds         id,name,community,governance,built_year[,subdistrict]
                    governance: firm | entrusted | self-managed
                    (专业物业/物管 | 社区托管/托管/bundled | 自管/居民自管)
  buildings         id,compound,floors,elevator
                    floors above ground; elevator true/false (yes/no, 1/0, 是/否)
  households        id,building,floor,area_m2,owner
                    floor 1..the building's floors, basements -1 down;
                    area_m2 > 0 with at most two decimals; one owner may hold several
  resources         id,compound,kind,tidal[,name]
                    kind: parking | advertising | room | kiosk | locker | base-station
                    (车位, 广告位, 用房, 报刊亭, 快递柜, 基站); only parking can be tidal
  management-areas  id,name,compounds
                    compounds: the ids it joins, separated by ';' (wjxc;zy-1)
"""


def m2(area: Decimal) -> str:
    """An area for output: m² with two decimals, as a string ("56.37")."""
    return f"{area:.2f}"


@click.group(cls=CommonsGroup)
def estate() -> None:
    """Compounds, buildings, households, revenue resources and management areas."""


def _pairs(ctx: click.Context, _param: click.Parameter,
           values: Sequence[str]) -> list[tuple[str, str]]:
    if len(values) % 2:
        raise click.BadParameter("give KIND FILE pairs, e.g. households households.csv")
    pairs = list(zip(values[::2], values[1::2], strict=True))
    for kind, _ in pairs:
        if kind not in ESTATE_KINDS:
            raise click.BadParameter(f"{kind!r} is not one of {', '.join(ESTATE_KINDS)}")
    return pairs


@estate.command("import", epilog=FORMATS_HELP)
@click.argument("files", nargs=-1, required=True, metavar="KIND FILE [KIND FILE]...",
                callback=_pairs)
@click.option("--encoding", help="Text encoding of the files (default: UTF-8, else GBK/GB18030).")
@json_option
@pass_app
def import_files(app: App, files: list[tuple[str, str]], encoding: str | None) -> None:
    """Import the estate rows of FILE, a CSV of KIND; several KIND FILE pairs are one batch.

    Every row of every file is checked first: unknown references, repeated ids, floors a
    building does not have, impossible areas or years. If any row is refused, nothing is
    imported and each refused row is named by file, line and field. Rows may refer to rows of
    any file in the same batch or to rows already stored. Rows already recorded with the same
    content are skipped, so importing a file again changes nothing.
    """
    summaries = app.api.estate.import_files(files, encoding=encoding)
    if app.json:
        echo_json(import_json(summaries))
    else:
        click.echo("\n".join(f"{s.file}: {s.kind}: {s.new} new, {s.already_recorded} already "
                             "recorded" for s in summaries))


def import_json(summaries: Sequence[ImportSummary]) -> dict[str, object]:
    return {
        "files": [{"kind": s.kind, "file": s.file, "new": s.new,
                   "already_recorded": s.already_recorded} for s in summaries],
        "new": sum(s.new for s in summaries),
        "already_recorded": sum(s.already_recorded for s in summaries),
    }


@estate.command("show")
@click.argument("compound")
@json_option
@pass_app
def show(app: App, compound: str) -> None:
    """Summarise COMPOUND: buildings, elevators, households, owners, area and resources."""
    summary = app.api.estate.show(compound)
    if app.json:
        echo_json(show_json(summary))
    else:
        click.echo(plain(show_text(summary)))


def show_json(s: CompoundSummary) -> dict[str, object]:
    c = s.compound
    return {
        "id": c.id, "name": c.name, "community": c.community, "subdistrict": c.subdistrict,
        "governance": c.governance.value, "built_year": c.built_year,
        "buildings": s.buildings, "elevators": s.elevators, "households": s.households,
        "owners": s.owners, "area_m2": m2(s.area_m2), "tidal": s.tidal,
        "resources": [{"kind": r.kind.value, "count": r.count, "tidal": r.tidal}
                      for r in s.resources],
        "by_building": [{"id": b.id, "floors": b.floors, "elevator": b.elevator,
                         "households": b.households, "area_m2": m2(b.area_m2)}
                        for b in s.building_lines],
        "management_areas": list(s.management_areas),
    }


def show_text(s: CompoundSummary) -> str:
    c = s.compound
    where = f"community {c.community}" + (f", sub-district {c.subdistrict}"
                                          if c.subdistrict else "")
    out = [f"{c.id}  {c.name}",
           f"{where}; governance {c.governance.value}; built {c.built_year}",
           f"management areas: {', '.join(s.management_areas) or '-'}",
           f"{count_text(s.buildings, 'building')} ({s.elevators} with elevator), "
           f"{count_text(s.households, 'household')}, {count_text(s.owners, 'owner')}, "
           f"exclusive area {m2(s.area_m2)} m2", ""]
    out.append(table(("building", "floors", "elevator", "households", "area_m2"),
                     [(b.id, str(b.floors), "yes" if b.elevator else "no", str(b.households),
                       m2(b.area_m2)) for b in s.building_lines], right=(1, 3, 4)))
    out.append("")
    out.append(table(("resource", "count", "tidal"),
                     [(r.kind.value, str(r.count), str(r.tidal)) for r in s.resources],
                     right=(1, 2)))
    return "\n".join(out)
