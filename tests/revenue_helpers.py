"""A small estate for the five duties' tests: Weiji Xincun (self-managed, three owners) and one
Ziyuan micro-compound (bundled to a firm), their resources, and owners' resolutions voted
through to passed or failed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import commons
from commons.app import Proposal

ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\nzy-1,梓园一区,梓园,entrusted,1990\n",
    "buildings": "id,compound,floors,elevator\nwjxc-1,wjxc,6,no\nzy-1-a,zy-1,5,no\n",
    "households": "id,building,floor,area_m2,owner\n"
                  "wjxc-1-101,wjxc-1,1,50.00,王\nwjxc-1-102,wjxc-1,1,50.00,李\n"
                  "wjxc-1-201,wjxc-1,2,50.00,张\nzy-1-a-101,zy-1-a,1,80.00,孙\n"
                  "zy-1-a-102,zy-1-a,1,80.00,钱\n",
    "resources": "id,compound,kind,tidal\n"
                 "wjxc-p1,wjxc,parking,true\nwjxc-p2,wjxc,parking,false\n"
                 "wjxc-ad1,wjxc,advertising,false\nwjxc-room1,wjxc,room,false\n"
                 "wjxc-bs1,wjxc,base-station,false\nzy-1-p1,zy-1,parking,false\n",
}
OWNERS = {"wjxc": ("王", "李", "张"), "zy-1": ("孙", "钱")}
COLLECTIONS_HEADER = "external_id,date,compound,resource,period,amount,payer,memo\n"


def build_estate(api: commons.Books, folder: Path) -> None:
    files = []
    for kind, text in ESTATE.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        files.append((kind, path))
    api.estate.import_files(files)


def resolution(api: commons.Books, rid: str, *, compound: str = "wjxc",
               matter: str = "use-public-revenue", votes: Sequence[str] | None = None,
               close: bool = True) -> Proposal:
    """Put ``rid`` to ``compound``'s owners, draft it, cast ``votes`` (one choice per owner in
    OWNERS order; all yes by default) and, with ``close``, resolve it."""
    api.resolutions.propose(rid, matter=matter, scope=f"compound:{compound}")
    for step in ("discussed", "consulted", "drafted"):
        proposal = api.resolutions.advance(rid, step)
    owners = OWNERS[compound]
    for owner, choice in zip(owners, votes or ["yes"] * len(owners), strict=True):
        proposal = api.resolutions.vote(rid, owner=owner, choice=choice)
    return api.resolutions.resolve(rid) if close else proposal


def collections_csv(folder: Path, rows: Sequence[str], name: str = "income.csv") -> Path:
    path = folder / name
    path.write_text(COLLECTIONS_HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path
