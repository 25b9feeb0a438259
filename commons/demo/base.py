"""The demo's common ground: the step values, the folder its files go to, and the district.

The district is one estate every step works on (Changsha Yuhua): Ziyuan community's
micro-compounds zy-1..zy-3, bundled to one firm, and Weiji Xincun (卫技新村), which manages
itself and rents its residents' idle daytime spaces to the hospital next door. Every input the
demo reads is written as a file into the demo folder first, so a user can replay any step from
the command line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from commons.app import Split

__all__ = ["DISTRICT", "OWNERS", "WJXC", "ZIYUAN", "DemoReport", "DemoStep", "demo_folder",
           "write_file"]

WJXC = "wjxc"  # 卫技新村, Weiji Xincun: Changsha Yuhua's self-managed compound, tidal parking
ZIYUAN = ("zy-1", "zy-2", "zy-3")  # Ziyuan community's micro-compounds, bundled to one firm
TIDAL_SPACES = 40
_FLATS = ("56.37", "71.20", "48.65", "63.10")
OWNERS = ("王建国", "李秀英", "张伟", "赵敏", "刘洋", "陈静", "杨帆", "黄磊", "周婷", "吴刚",
          "徐丽", "孙强")


@attrs.frozen
class DemoStep:
    """One step of the walk: which duty or capability, a title, and what it showed."""

    topic: str
    title: str
    lines: tuple[str, ...]


@attrs.frozen
class DemoReport:
    """The walk's steps in order, the folder its files are in (None when they were
    temporary), and the elevator split, which tests check to the fen."""

    steps: tuple[DemoStep, ...]
    elevator_split: Split
    folder: str | None = None


def _wjxc_households() -> str:
    """Two six-storey walk-ups, six flats each on floors 1-3, one owner each."""
    rows = [f"{WJXC}-{b}-{floor}0{flat},{WJXC}-{b},{floor},"
            f"{_FLATS[(floor + flat) % len(_FLATS)]},"
            f"{OWNERS[(b - 1) * 6 + (floor - 1) * 2 + flat - 1]}"
            for b in (1, 2) for floor in (1, 2, 3) for flat in (1, 2)]
    return "\n".join(rows) + "\n"


DISTRICT = {
    "compounds": "id,name,community,governance,built_year,subdistrict\n"
                 "zy-1,梓园1栋,梓园,entrusted,1978,侯家塘\nzy-2,梓园2栋,梓园,entrusted,1983,侯家塘\n"
                 "zy-3,梓园3栋,梓园,entrusted,1990,侯家塘\n"
                 f"{WJXC},卫技新村,砂子塘,self-managed,1985,雨花\n",
    "buildings": "id,compound,floors,elevator\nzy-1-a,zy-1,5,no\nzy-2-a,zy-2,6,no\n"
                 f"zy-3-a,zy-3,6,no\n{WJXC}-1,{WJXC},6,no\n{WJXC}-2,{WJXC},6,no\n",
    "households": "id,building,floor,area_m2,owner\nzy-1-a-101,zy-1-a,1,48.20,孙\n"
                  "zy-1-a-201,zy-1-a,2,48.20,钱\nzy-1-a-301,zy-1-a,3,52.60,周\n"
                  "zy-2-a-101,zy-2-a,1,61.00,吴\nzy-3-a-101,zy-3-a,1,58.30,郑\n"
                  + _wjxc_households(),
    "resources": "id,compound,kind,tidal,name\nzy-1-p1,zy-1,parking,false,巷口车位\n"
                 "zy-2-ad1,zy-2,advertising,false,楼道广告\nzy-3-p1,zy-3,parking,false,\n"
                 f"{WJXC}-ad1,{WJXC},advertising,false,电梯广告\n"
                 f"{WJXC}-room,{WJXC},room,false,580睦邻空间\n"
                 + "".join(f"WJ-P{s:02d},{WJXC},parking,true,潮汐车位 {s}\n"
                           for s in range(1, TIDAL_SPACES + 1)),
    "management-areas": "id,name,compounds\nziyuan,梓园共享物业,zy-1;zy-2;zy-3\n",
}


@contextmanager
def demo_folder(db_path: str) -> Iterator[tuple[Path, bool]]:
    """The folder the demo writes its files to: ``<db>-files`` beside the database (kept), or a
    temporary one for ``:memory:`` or a server's book (removed after). Yields the folder and
    whether it is kept."""
    if db_path == ":memory:" or "://" in db_path:
        with tempfile.TemporaryDirectory(prefix="commons-demo-") as spare:
            yield Path(spare), False
        return
    db = Path(db_path).resolve()
    folder = db.with_name(f"{db.stem}-files")
    folder.mkdir(exist_ok=True)
    yield folder, True


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    """Write one of the demo's input files (text as UTF-8) and return its path."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
