"""The demo's marketplace step: Qingdao Shinan's 江西路171号院, a courtyard with no public income
of its own. The community centre gives social organisations its space rent-free; they run a
low-cost canteen and childcare there, 10% of what they earn pays for the courtyard's cleaning,
and the street office pays 30% of the meals of residents aged 80+ ("the government adds a
little, the firm gives up a little, the residents pay a little"). A month of orders, with a
dispute and a cancellation, is settled, claimed from the street office and disclosed.

The state-owned firm that looks after the courtyard (国企兜底) takes repair call-outs on the same
marketplace; its month there, one call-out answered late and one complaint, is an input to the
courtyard's monthly tri-party evaluation and lowers the firm's performance pay."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from commons.app import count_text, fraction_text, render_text
from commons.demo.base import DemoStep, write_file

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["JX171", "market_step"]

JX171 = "jx171"  # 江西路171号院, Qingdao Shinan
_ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 f"{JX171},江西路171号院,江西路,entrusted,1958\n",
    "buildings": f"id,compound,floors,elevator\n{JX171}-1,{JX171},3,no\n{JX171}-2,{JX171},3,no\n",
    "households": "id,building,floor,area_m2,owner\n" + "".join(
        f"{JX171}-{b}-{f}0{n},{JX171}-{b},{f},{42 + 3 * n}.50,{name}\n"
        for b, f, n, name in ((1, 1, 1, "于"), (1, 1, 2, "姜"), (1, 2, 1, "孙"), (1, 3, 1, "隋"),
                              (2, 1, 1, "曲"), (2, 2, 1, "宋"), (2, 3, 2, "栾"))),
    "resources": f"id,compound,kind,tidal,name\n{JX171}-centre,{JX171},room,false,社区中心\n",
}
_AGED = (f"{JX171}-1-101", f"{JX171}-1-201", f"{JX171}-2-101")  # a resident aged 80+ each
_PERIOD = "2026-11"
_FIRM = "shinan-guoqi"  # the state-owned fallback firm (国企兜底) under contract for the courtyard
_CONTRACT = f"{JX171}-property"


def _setup(books: Books, folder: Path) -> None:
    books.estate.import_files([(kind, write_file(folder, f"jx171-{kind}.csv", text))
                               for kind, text in _ESTATE.items()])
    m = books.market
    m.category("canteen-meal", name="长者食堂 canteen meal", accept_within=15,
               done_within=90, ceiling="15.00")
    for provider, name in (("jx-canteen", "幸福长者食堂 (社会组织)"),
                           ("jx-childcare", "四点半托育 (社会组织)")):
        m.add_provider(provider, name=name, kind="social-organisation", areas=JX171)
        m.add_agreement(f"{provider}-{JX171}", provider=provider, compound=JX171,
                        starts_on="2026-11-01", space=f"{JX171}-centre", rent="0",
                        share_percent="10", earmark="cleaning")
    m.add_service("jx-lunch", provider="jx-canteen", category="canteen-meal", name="午餐",
                  unit="meal", price="14.00", compounds=JX171)
    m.add_service("jx-afterschool", provider="jx-childcare", category="childcare-hour",
                  name="课后托管", unit="hour", price="25.00", compounds=JX171)
    for household in _AGED:
        m.add_resident(f"r-{household}", household=household, tags="aged-80+",
                       birth_year=1941, since="2026-01-01")
    books.contracts.add_firm(_FIRM, name="市南国企物业 (国企兜底)")
    books.contracts.add_bundle(JX171, compounds=[JX171], name="江西路171号院")
    books.contracts.sign(_CONTRACT, bundle=JX171, firm=_FIRM, starts_on="2026-01-01",
                         ends_on="2026-12-31", regime="lump_sum", unit_price="0.60")
    m.add_provider("jx-repairs", name="市南国企物业 上门维修", kind="state-fallback",
                   areas=JX171, firm=_FIRM)
    m.add_service("jx-fix", provider="jx-repairs", category="repair-call-out",
                  name="上门维修", unit="call-out", price="30.00", compounds=JX171)
    m.add_subsidy("shinan-meal-80", funder="shinan-street-office", tag="aged-80+",
                  categories="canteen-meal", percent="30", cap="100.00", budget="2000.00",
                  concession="5")


def _month(books: Books) -> None:
    """Lunch every weekday for the three residents aged 80+, and childcare twice a week."""
    m = books.market
    for day in range(2, 28):
        if day % 7 in (0, 1):  # 1 and 7 November 2026 are a Sunday and a Saturday
            continue
        for i, household in enumerate(_AGED):
            _done(books, f"lunch-{day:02d}-{i}", "jx-lunch", household, f"r-{household}", day)
        if day % 7 in (3, 5):
            _done(books, f"care-{day:02d}", "jx-afterschool", f"{JX171}-2-302", None, day,
                  units=2)
    m.place_order("lunch-28-0", service="jx-lunch", household=_AGED[0],
                  resident=f"r-{_AGED[0]}", at="2026-11-28T10:30:00+08:00")
    m.event("lunch-28-0", "cancel", at="2026-11-28T10:40:00+08:00", comment="去女儿家吃")
    m.event("lunch-04-1", "dispute", at="2026-11-04T13:00:00+08:00", comment="菜凉了")
    m.event("lunch-04-1", "resolve", at="2026-11-05T09:00:00+08:00", refund="3.00")
    m.event("lunch-05-0", "rate", at="2026-11-05T13:00:00+08:00", stars=5, comment="好吃")
    for day, household in ((6, _AGED[1]), (13, _AGED[2]), (20, f"{JX171}-2-302")):
        _done(books, f"fix-{day:02d}", "jx-fix", household, None, day)
    # A leaking pipe on the 24th is accepted after 50 minutes (a repair allows 30), and the
    # household complains that it leaks again.
    m.place_order("fix-24", service="jx-fix", household=_AGED[0], at="2026-11-24T08:00:00+08:00")
    for step, minute in (("accept", "50"), ("start", "55")):
        m.event("fix-24", step, at=f"2026-11-24T08:{minute}:00+08:00")
    m.event("fix-24", "complete", at="2026-11-24T09:30:00+08:00")
    m.event("fix-24", "dispute", at="2026-11-25T08:00:00+08:00", comment="又漏了")


def _done(books: Books, order: str, service: str, household: str, resident: str | None,
          day: int, units: int = 1) -> None:
    hour = {"jx-lunch": 11, "jx-fix": 9}.get(service, 16)
    m = books.market
    m.place_order(order, service=service, household=household, resident=resident, units=units,
                  channel="cash" if day % 5 == 0 else "wechat-pay",
                  at=f"2026-11-{day:02d}T{hour}:00:00+08:00")
    for step, minute in (("accept", "05"), ("start", "20"), ("complete", "50")):
        m.event(order, step, at=f"2026-11-{day:02d}T{hour}:{minute}:00+08:00")


def market_step(books: Books, folder: Path) -> DemoStep:
    """Set up the courtyard, run its month of orders, settle, claim and disclose it."""
    _setup(books, folder)
    _month(books)
    m = books.market
    run = m.settle(_PERIOD)
    lines = [
        "Qingdao Shinan: 江西路171号院 has no public income of its own. Social organisations",
        "run a low-cost canteen and childcare in the community centre, rent-free; 10% of their",
        "gross pays for the courtyard's cleaning, and the street office pays 30% of the meals",
        "of residents aged 80+ (政府补一点、企业让一点、居民出一点).", ""]
    for s in run.settlements:
        lines += [f"  {s.provider}: {count_text(s.orders, 'order')}, gross "
                  f"{s.gross.format_symbol()}",
                  f"    residents paid {s.resident_paid.format_symbol()}, subsidy "
                  f"{s.subsidy.format_symbol()}, conceded {s.concession.format_symbol()}; "
                  f"the courtyard's share {s.compound_share.format_symbol()}, net payable "
                  f"{s.net_payable.format_symbol()}"]
    claim = m.claims("shinan-street-office", _PERIOD)
    cancelled = m.order("lunch-28-0")
    disputed = m.order("lunch-04-1")
    lines += ["", f"  claim to the street office: {len(claim.lines)} meals, "
              f"{claim.total.format_symbol()}",
              f"  order lunch-28-0 {cancelled.state.value}: it never settles",
              f"  order lunch-04-1 {disputed.state.value} with a refund of "
              f"{disputed.refund.format_symbol() if disputed.refund else '-'}", ""]
    lines += [f"  {line}".rstrip() for line in
              render_text(books.audit.disclose(JX171, _PERIOD)).splitlines()]
    lines += _evaluation(books)
    return DemoStep("market", "The services marketplace of 江西路171号院 (Qingdao Shinan)",
                    tuple(lines))


def _evaluation(books: Books) -> list[str]:
    """The courtyard's tri-party evaluation of the month, with the firm's marketplace record,
    and the performance pay it leads to."""
    scored = books.contracts.evaluate(_CONTRACT, _PERIOD, street_office="92", community="88",
                                      committee="90")
    settled = books.contracts.settle(_CONTRACT, _PERIOD).settlement
    record = scored.market
    assert record is not None  # the firm serves on the marketplace: jx-repairs
    return ["", "The firm under contract (国企兜底) also takes repair call-outs on the",
            "marketplace; its month there is an input to the tri-party evaluation (三方考评):",
            f"  weighted score {fraction_text(scored.weighted, 2)} of 100; {record.orders} "
            f"call-outs, {record.levels_met} of {record.levels_measured} within service levels, "
            f"{record.complaints} complaint",
            f"  the record takes off {fraction_text(record.deduction, 2)} points: score "
            f"{fraction_text(scored.score, 2)}, performance pay "
            f"{settled.performance_paid.format_symbol()} of "
            f"{settled.performance_due.format_symbol()}"]
