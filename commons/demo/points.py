"""The demo's volunteer points step, after Leshan's 嘉州积分: 江西路171号院 runs a points
programme. A clean-up day's roster is submitted by the organiser and confirmed by a community
worker (the organiser's own confirmation is refused); a resident aged 80+ pays part of a canteen
lunch with points; the canteen's December settlement draws their yuan value from the street
office's sponsor fund; and the quarter's points per building go on the notice board, with
names only of those who agreed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from commons import connect
from commons.clock import FixedClock
from commons.demo.base import DemoStep, write_file
from commons.demo.market import JX171
from commons.errors import CommonsError

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["points_step"]

PROGRAMME = "jx171-points"
# (person, household, agreed to be named): volunteers of 江西路171号院's two buildings.
_MEMBERS = (("yu-101", f"{JX171}-1-101", True), ("jiang-102", f"{JX171}-1-102", False),
            ("sun-201", f"{JX171}-1-201", True), ("qu-2101", f"{JX171}-2-101", False),
            ("song-2201", f"{JX171}-2-201", True))
_PROGRAMME_TOML = f"""\
# 江西路171号院's volunteer points, run as Leshan runs its 嘉州积分.
id = "{PROGRAMME}"
name = "江西路171号院 志愿积分"
operator = "江西路社区"
monthly_cap = 200
points_per_yuan = 10
expiry_months = 24
sponsor = "shinan-street-office"
fund = "2000.00"

[[kind]]
id = "clean-up"
name = "环境清洁"
basis = "hour"
points = 10

[[kind]]
id = "help-elderly"
name = "助老服务"
basis = "task"
points = 15

[[staff]]
person = "org-luan"
role = "organiser"

[[staff]]
person = "cw-song"
role = "community"

[[shelf]]
id = "rice-5kg"
name = "大米 5kg"
points = 400
stock = 10
""" + "".join(f"""
[[member]]
person = "{p}"
household = "{h}"
named = {str(n).lower()}
""" for p, h, n in _MEMBERS)
_ROSTER = ("activity,kind,date,person,quantity\n"
           "cleanup-2026-12-05,clean-up,2026-12-05,yu-101,2\n"
           "cleanup-2026-12-05,clean-up,2026-12-05,jiang-102,3\n"
           "cleanup-2026-12-05,clean-up,2026-12-05,sun-201,2.5\n"
           "cleanup-2026-12-05,clean-up,2026-12-05,qu-2101,3\n"
           "cleanup-2026-12-05,clean-up,2026-12-05,song-2201,2\n"
           "visits-2026-12-05,help-elderly,2026-12-05,song-2201,2\n")


def _lunch(books: Books) -> None:
    """A December lunch for the resident aged 80+ of flat 1-101."""
    m = books.market
    m.place_order("lunch-dec-07", service="jx-lunch", household=f"{JX171}-1-101",
                  resident=f"r-{JX171}-1-101", at="2026-12-07T11:00:00+08:00")
    for step, minute in (("accept", "05"), ("start", "20"), ("complete", "50")):
        m.event("lunch-dec-07", step, at=f"2026-12-07T11:{minute}:00+08:00")


def points_step(books: Books, folder: Path) -> DemoStep:
    """Run the programme through a clean-up day, a lunch paid partly in points, the canteen's
    settlement and the quarter's notice."""
    p = books.points
    recorded = p.add_programme(write_file(folder, "jx171-points.toml", _PROGRAMME_TOML),
                               on="2026-12-01")
    son = p.add_member(PROGRAMME, "yu-101-son", household=f"{JX171}-1-101", by="cw-song")
    stocked = p.restock(PROGRAMME, "rice-5kg", 5, id="donation-2026-12-01", by="cw-song",
                        on="2026-12-01")
    roster = write_file(folder, "cleanup-2026-12-05.csv", _ROSTER)
    p.submit(PROGRAMME, roster, by="org-luan")
    try:  # run again, the demo finds the roster confirmed: nothing to refuse
        early = p.confirm("cleanup-2026-12-05", by="org-luan", on="2026-12-06")
        refused = "confirmed before" if early.already_recorded else "accepted"
    except CommonsError as e:
        refused = f"refused [{e.code}]"
    done = p.confirm("cleanup-2026-12-05", by="cw-song", on="2026-12-06")
    _lunch(books)
    paid = p.redeem(PROGRAMME, "yu-101", order="lunch-dec-07", points=20, on="2026-12-07")
    oldest = p.statement("yu-101", as_of="2026-12-07").lots[0]
    # December can be settled once it has ended: the canteen settles it on 4 January.
    with connect(books.path, clock=FixedClock.parse("2027-01-04T09:00:00+08:00")) as later:
        canteen = next(s for s in later.market.settle("2026-12").settlements
                       if s.provider == "jx-canteen")
    report = p.report(PROGRAMME, "2026-Q4")
    x = report.liability
    lines = [
        "Leshan's 嘉州积分, as 江西路171号院 runs it: residents earn points for service to the",
        "courtyard and spend them at its canteen; points are a unit of their own (PTS) in the",
        "same journal, and the street office's sponsor fund pays the canteen their yuan value.",
        "",
        f"  programme {recorded.programme.id}: {recorded.members} members, "
        f"{recorded.programme.points_per_yuan} points a yuan, sponsor fund "
        f"{recorded.programme.fund.format_symbol()}",
        f"  cw-song enrolled {son.member.person} ({son.member.household}, not named) and "
        f"restocked the shelf: {stocked.stock} {stocked.item} ({stocked.quantity} donated)",
        f"  clean-up day roster (6 lines) submitted by the organiser org-luan; "
        f"org-luan confirming it: {refused}",
        f"  confirmed by cw-song (community): {done.issued} points issued",
        f"  lunch-dec-07 at jx-canteen: yu-101 paid {paid.value.format_symbol()} of it with "
        f"{paid.points} points (oldest lot first, expiring {oldest.expires_on})",
        f"  the canteen's December settled: gross {canteen.gross.format_symbol()}, residents "
        f"paid {canteen.resident_paid.format_symbol()} in yuan and "
        f"{canteen.points_value.format_symbol()} in points, subsidies "
        f"{canteen.subsidy.format_symbol()}, conceded {canteen.concession.format_symbol()}",
        f"  the sponsor fund paid the points' {canteen.points_value.format_symbol()}, "
        f"{x.fund.format_symbol()} left",
        f"  issued {x.issued} = held {x.held} + spent {x.spent} + expired {x.expired}; held "
        f"points are worth {x.value.format_symbol()}"
        + ("" if x.covered else f" (WARNING: {x.warning})"),
        "", f"  notice board, {report.period} (names only of those who agreed):"]
    for b in report.buildings:
        named = ", ".join(f"{n.person} {n.points}" for n in b.named)
        lines.append(f"    building {b.building}: {b.points} points; {named}"
                     + (f"; {b.unnamed} unnamed volunteer{'s' if b.unnamed > 1 else ''} "
                        f"{b.unnamed_points}" if b.unnamed else ""))
    return DemoStep("points", "Volunteer points (after Leshan's 嘉州积分) at 江西路171号院",
                    tuple(lines))
