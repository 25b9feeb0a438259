"""Rendering of volunteer points for the command line: JSON (points as whole numbers, yuan as
strings) and text."""

from __future__ import annotations

from typing import Any

from commons.app import (
    Expiry,
    Member,
    PointsBalance,
    PointsProgramme,
    PointsReport,
    PointsStatement,
    Redemption,
    Restocked,
    RosterConfirmed,
    Transfer,
)

from .render import table, yuan

__all__ = ["balance_json", "confirmed_json", "confirmed_text", "expiry_json", "member_json",
           "members_text", "programme_json", "programme_text", "redemption_json", "report_json",
           "report_text", "restocked_json", "statement_json", "statement_text", "transfer_json"]


def member_json(m: Member) -> dict[str, Any]:
    return {"person": m.person, "household": m.household, "named": m.named}


def members_text(members: tuple[Member, ...]) -> str:
    return table(("person", "household", "named"),
                 [(m.person, m.household, "yes" if m.named else "no") for m in members]) \
        + f"\n{len(members)} members"


def restocked_json(r: Restocked) -> dict[str, Any]:
    return {"programme": r.programme, "id": r.id, "item": r.item, "quantity": r.quantity,
            "stock": r.stock, "date": r.date.isoformat(), "by": r.by,
            "already_recorded": r.already_recorded}


def programme_json(p: PointsProgramme) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "operator": p.operator, "monthly_cap": p.monthly_cap,
            "points_per_yuan": p.points_per_yuan, "expiry_months": p.expiry_months,
            "sponsor": p.sponsor, "fund": yuan(p.fund), "cross_household": p.cross_household,
            "kinds": [{"id": k.id, "name": k.name, "basis": k.basis.value, "points": k.points}
                      for k in p.kinds],
            "staff": [{"person": s.person, "role": s.role} for s in p.staff],
            "shelf": [{"id": i.id, "name": i.name, "points": i.points, "stock": i.stock}
                      for i in p.shelf]}


def programme_text(p: PointsProgramme) -> str:
    lines = [f"programme {p.id}: {p.name}, run by {p.operator}",
             f"  cap {p.monthly_cap} points a person a month; {p.points_per_yuan} points a "
             f"yuan; lots expire after {p.expiry_months} "
             f"month{'s' if p.expiry_months != 1 else ''}",
             f"  sponsor {p.sponsor}, fund {p.fund.format_symbol()}; transfers "
             + ("between any households" if p.cross_household else "within a household"), ""]
    lines.append(table(("kind", "per", "points", "name"),
                       [(k.id, k.basis.value, str(k.points), k.name) for k in p.kinds],
                       right=(2,)))
    if p.staff:
        lines += ["", table(("staff", "role"), [(s.person, s.role) for s in p.staff])]
    if p.shelf:
        lines += ["", table(("shelf item", "points", "stock", "name"),
                            [(i.id, str(i.points), str(i.stock), i.name) for i in p.shelf],
                            right=(1, 2))]
    return "\n".join(lines)


def confirmed_json(c: RosterConfirmed) -> dict[str, Any]:
    return {"programme": c.programme, "roster": c.id, "confirmed_by": c.confirmed_by,
            "issued": c.issued, "excess": c.excess, "people": c.people,
            "already_recorded": c.already_recorded, "already_confirmed": c.already_recorded,
            "capped": [{"line": a.line.line, "activity": a.line.activity,
                        "person": a.line.person, "date": a.line.day.isoformat(),
                        "points": a.points, "issued": a.issued, "excess": a.excess}
                       for a in c.capped]}


def confirmed_text(c: RosterConfirmed) -> str:
    if c.already_recorded:
        return f"roster {c.id}: confirmed by {c.confirmed_by} before; nothing changed"
    lines = [f"roster {c.id}: confirmed by {c.confirmed_by}; {c.issued} points issued to "
             f"{c.people} people"
             + (f"; {c.excess} over the monthly cap, not issued" if c.excess else "")]
    lines += [f"  capped: {a.line.person} in {a.line.activity} earned {a.points}, "
              f"{a.issued} issued, {a.excess} over the monthly cap" for a in c.capped]
    return "\n".join(lines)


def redemption_json(r: Redemption) -> dict[str, Any]:
    return {"programme": r.programme, "id": r.id, "person": r.person, "points": r.points,
            "value": yuan(r.value), "date": r.date.isoformat(), "order": r.order,
            "provider": r.provider, "item": r.item, "quantity": r.quantity,
            "already_recorded": r.already_recorded,
            "drawn": [{"expires_on": day.isoformat(), "points": n} for day, n in r.drawn]}


def transfer_json(t: Transfer) -> dict[str, Any]:
    return {"programme": t.programme, "id": t.id, "from": t.giver, "to": t.taker,
            "points": t.points, "date": t.date.isoformat(),
            "already_recorded": t.already_recorded}


def expiry_json(runs: tuple[Expiry, ...]) -> dict[str, Any]:
    return {"expired": [{"programme": e.programme, "as_of": e.as_of.isoformat(),
                         "lots": e.lots, "points": e.points, "people": e.people}
                        for e in runs]}


def balance_json(b: PointsBalance) -> dict[str, Any]:
    return {"person": b.person, "programme": b.programme, "as_of": b.as_of.isoformat(),
            "balance": b.balance, "spendable": b.spendable, "value": yuan(b.value)}


def statement_json(s: PointsStatement) -> dict[str, Any]:
    return {"person": s.person, "programme": s.programme, "as_of": s.as_of.isoformat(),
            "balance": s.balance, "spendable": s.spendable, "earned": s.total("earned"),
            "received": s.total("received"), "given": s.total("given"),
            "spent": s.total("spent"), "returned": s.total("returned"),
            "expired": s.total("expired"),
            "lots": [{"earned_on": x.earned_on.isoformat(), "points": x.points,
                      "remaining": x.remaining, "expires_on": x.expires_on.isoformat(),
                      "source": x.source} for x in s.lots],
            "movements": [{"date": m.date.isoformat(), "kind": m.kind, "points": m.points,
                           "reference": m.reference} for m in s.movements]}


def statement_text(s: PointsStatement) -> str:
    head = (f"{s.person} in {s.programme} as of {s.as_of}: {s.balance} points held, "
            f"{s.spendable} spendable; earned {s.total('earned')}, received "
            f"{s.total('received')}, given {s.total('given')}, spent {s.total('spent')}, "
            f"returned {s.total('returned')}, expired {s.total('expired')}")
    lots = table(("earned on", "points", "remaining", "expires on", "from"),
                 [(x.earned_on.isoformat(), str(x.points), str(x.remaining),
                   x.expires_on.isoformat(), x.source) for x in s.lots], right=(1, 2))
    moves = table(("date", "movement", "points", "reference"),
                  [(m.date.isoformat(), m.kind, f"{m.points:+d}", m.reference)
                   for m in s.movements], right=(2,))
    return f"{head}\n\n{lots}\n\n{moves}"


def report_json(r: PointsReport) -> dict[str, Any]:
    x = r.liability
    return {"programme": r.programme, "period": r.period, "from": r.first_day.isoformat(),
            "to": r.last_day.isoformat(), "issued": x.issued, "held": x.held,
            "spent": x.spent, "expired": x.expired, "liability": yuan(x.value),
            "fund": yuan(x.fund), "due": yuan(x.due), "covered": x.covered,
            "warning": x.warning or None,
            "buildings": [{"building": b.building, "points": b.points,
                           "named": [{"person": n.person, "points": n.points}
                                     for n in b.named],
                           "unnamed": b.unnamed, "unnamed_points": b.unnamed_points}
                          for b in r.buildings]}


def report_text(r: PointsReport) -> str:
    x = r.liability
    lines = [f"programme {r.programme}, {r.period} ({r.first_day} to {r.last_day})",
             f"  issued {x.issued} = held {x.held} + spent {x.spent} + expired {x.expired}",
             f"  held points are worth {x.value.format_symbol()}; the sponsor fund holds "
             f"{x.fund.format_symbol()}, {x.due.format_symbol()} due to providers"]
    if x.warning:
        lines.append(f"  WARNING: {x.warning}")
    lines += ["", f"points earned in {r.period}, by building (names only of those who agreed):"]
    for b in r.buildings:
        named = ", ".join(f"{n.person} {n.points}" for n in b.named)
        others = f"{b.unnamed} other{'s' if b.unnamed != 1 else ''} {b.unnamed_points}" \
            if b.unnamed else ""
        lines.append(f"  {b.building}: {b.points} points; "
                     + "; ".join(part for part in (named, others) if part))
    return "\n".join(lines)
