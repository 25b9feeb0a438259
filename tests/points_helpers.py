"""A small points programme for the tests: Leshan's 嘉州积分 as 江西路171号院 (jx171) might run
it, on the marketplace of ``market_helpers``: clean-up by the hour, helping the old by the task,
an organiser and a community worker, a points shelf, and members in two households."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from market_helpers import marketplace

import commons
from commons.errors import CommonsError, ErrorCode

PROGRAMME = """\
id = "jz"
name = "嘉州积分 江西路171号院"
operator = "江西路社区"
monthly_cap = {cap}
points_per_yuan = 10
expiry_months = 24
sponsor = "street-office"
fund = "{fund}"
cross_household = {cross}

[[kind]]
id = "clean-up"
name = "环境清洁"
basis = "hour"
points = 10

[[kind]]
id = "help-elderly"
name = "助老"
basis = "task"
points = 15

[[staff]]
person = "org-wang"
role = "organiser"

[[staff]]
person = "org-li"
role = "organiser"

[[staff]]
person = "cw-zhao"
role = "community"

[[shelf]]
id = "rice"
name = "大米 5kg"
points = 40
stock = 2

[[member]]
person = "r-yu"
household = "jx171-101"
named = true

[[member]]
person = "r-yu-son"
household = "jx171-101"

[[member]]
person = "r-jiang"
household = "jx171-102"
named = true

[[member]]
person = "r-sun"
household = "jx171-201"
"""


def programme_file(folder: Path, *, cap: int = 300, fund: str = "100.00",
                   cross: bool = False) -> Path:
    path = folder / "jz.toml"
    path.write_text(PROGRAMME.format(cap=cap, fund=fund, cross=str(cross).lower()),
                    encoding="utf-8")
    return path


def roster_file(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / f"{name}.csv"
    path.write_text("activity,kind,date,person,quantity\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def points_books(db: Path | str, folder: Path, **options: object) -> commons.Books:
    """The marketplace's books with the programme recorded."""
    api = marketplace(db, folder)
    api.points.add_programme(programme_file(folder, **options))  # type: ignore[arg-type]
    return api


def earn(api: commons.Books, folder: Path, name: str, rows: list[str]) -> int:
    """Submit a roster as org-wang, confirmed by cw-zhao; the points issued."""
    api.points.submit("jz", roster_file(folder, name, rows), by="org-wang")
    return api.points.confirm(name, by="cw-zhao").issued


def refused(code: ErrorCode, call: Callable[..., object], *args: object,
            **kwargs: object) -> CommonsError:
    """The CommonsError ``call`` raises, after checking its code."""
    try:
        call(*args, **kwargs)
    except CommonsError as e:
        assert e.code == code, (e.code, str(e))
        return e
    raise AssertionError(f"{call} was not refused")
