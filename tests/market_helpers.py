"""A small marketplace for the tests: Qingdao Shinan's 江西路171号院 (jx171) and a Laoshan
compound (ls-1), a canteen and a childcare centre run by social organisations in jx171's
community centre, a repair firm that is also a contracts firm, a 30% meal subsidy for
residents aged 80+ from the street office, and 10% of gross earmarked for cleaning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import commons
from commons.clock import FixedClock

ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "jx171,江西路171号院,江西路,entrusted,1958\nls-1,崂山新居,金家岭,entrusted,2020\n",
    "buildings": "id,compound,floors,elevator\njx171-1,jx171,4,no\nls-1-1,ls-1,18,yes\n",
    "households": "id,building,floor,area_m2,owner\n"
                  "jx171-101,jx171-1,1,48.00,于\njx171-102,jx171-1,1,52.00,姜\n"
                  "jx171-201,jx171-1,2,48.00,孙\nls-1-101,ls-1-1,1,90.00,刘\n",
    "resources": "id,compound,kind,tidal\njx171-centre,jx171,room,false\n"
                 "jx171-p1,jx171,parking,false\n",
}
NOW = "2026-12-01T09:00:00"  # November has ended: it can be settled


def clock(text: str = NOW) -> FixedClock:
    return FixedClock.parse(text)


def at(day: int, hour: int = 12, minute: int = 0) -> str:
    return dt.datetime(2026, 11, day, hour, minute).isoformat() + "+08:00"


def marketplace(db: Path | str, folder: Path, *, budget: str = "3000.00") -> commons.Books:
    """The books with the courtyard's marketplace set up (no orders yet)."""
    api = commons.connect(db, clock=clock())
    files = []
    for kind, text in ESTATE.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        files.append((kind, path))
    api.estate.import_files(files)
    m = api.market
    m.add_provider("canteen", name="长者食堂 (社会组织)", kind="社会组织", areas="jx171")
    m.add_provider("childcare", name="托育中心", kind="social-organisation", areas="jx171")
    api.contracts.add_firm("shinan-pm", name="市南国企物业")
    m.add_provider("repairs", name="市南国企物业", kind="state-fallback", areas="jx171,ls-1",
                   firm="shinan-pm")
    m.add_service("meal", provider="canteen", category="canteen-meal", name="午餐",
                  unit="meal", price="12.00", compounds="jx171")
    m.add_service("care", provider="childcare", category="childcare-hour", name="托育",
                  unit="hour", price="30.00", compounds="jx171")
    m.add_service("fix", provider="repairs", category="repair-call-out", name="上门维修",
                  unit="call-out", price="50.00", compounds="jx171,ls-1")
    m.add_resident("r-yu", household="jx171-101", tags="aged-80+", birth_year=1940,
                   since="2026-01-01")
    m.add_resident("r-jiang", household="jx171-102", birth_year=1985, since="2026-01-01")
    m.add_subsidy("meal-80", funder="street-office", tag="aged-80+", categories="canteen-meal",
                  percent="30", cap="100.00", budget=budget, concession="5")
    for provider in ("canteen", "childcare"):
        m.add_agreement(f"{provider}-jx171", provider=provider, compound="jx171",
                        starts_on="2026-11-01", space="jx171-centre", rent="0",
                        share_percent="10", earmark="cleaning")
    return api


def order(api: commons.Books, oid: str, *, service: str = "meal",
          household: str = "jx171-101", resident: str | None = "r-yu", day: int = 3,
          until: str = "complete") -> commons.app.OrderOutcome:
    """Place ``oid`` on ``day`` and move it through the life cycle up to ``until``."""
    m = api.market
    out = m.place_order(oid, service=service, household=household, resident=resident,
                        at=at(day, 11))
    for step, minute in (("accept", 5), ("start", 20), ("complete", 50)):
        if until == "place":
            break
        out = m.event(oid, step, at=at(day, 11, minute))
        if step == until:
            break
    return out
