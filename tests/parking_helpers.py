"""Shared set-up for the tidal-parking tests: the 2026 tariff fixture, a compound with tidal
spaces, and sessions written as CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import commons
from commons.parking.pricing import Session
from commons.parking.tariff import TariffFile

FIXTURES = Path(__file__).parent / "fixtures" / "parking"
TARIFF_FILE = FIXTURES / "wjxc-tariff-2026.toml"
TARIFF = TariffFile.parse(TARIFF_FILE.read_text(encoding="utf-8"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = "session_id,space,plate,entered_at,exited_at,kind\n"
OCT_1 = dt.datetime(2026, 10, 1, tzinfo=SHANGHAI)

ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\n",
    "resources": "id,compound,kind,tidal\nP1,wjxc,parking,true\nP2,wjxc,parking,true\n"
                 "P3,wjxc,parking,true\nP9,wjxc,parking,false\nAD1,wjxc,advertising,false\n",
}


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def session(entered: str, exited: str, kind: str = "outsider") -> Session:
    return Session("s", "P1", "湘A00001", local(entered), local(exited), kind)


def at_minute(minute: int) -> str:
    return (OCT_1 + dt.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S")


def sessions_csv(rows: Iterable[tuple[str, str, str, str, str, str]]) -> str:
    return HEADER + "".join(",".join(r) + "\n" for r in rows)


def setup(tmp_path: Path, name: str = "commons.db") -> commons.Books:
    """A database with Weiji Xincun, its tidal spaces P1-P3 and the 2026 tariff."""
    api = commons.connect(tmp_path / name, clock=commons.FixedClock.parse("2026-12-01T09:00"))
    paths = []
    for kind, text in ESTATE.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append((kind, path))
    api.estate.import_files(paths)
    api.parking.tariff(TARIFF_FILE)
    return api
