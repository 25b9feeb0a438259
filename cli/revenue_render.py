"""Rendering of ``commons revenue`` results: JSON (amounts as yuan strings, dates YYYY-MM-DD)
and aligned text for a terminal."""

from __future__ import annotations

from typing import Any

from commons.app import (
    Approval,
    ClearReport,
    CollectSummary,
    Disbursement,
    RevenueBalance,
    RevenueStatement,
    SetAside,
    SharingRule,
    SpendingStatus,
)

from .render import table, yuan

__all__ = [
    "balance_json",
    "balance_text",
    "clear_json",
    "clear_text",
    "collect_json",
    "disbursement_json",
    "rule_json",
    "set_aside_json",
    "statement_json",
    "statement_text",
    "status_json",
    "status_text",
]


def rule_json(r: SharingRule) -> dict[str, Any]:
    return {"compound": r.compound, "effective_from": r.effective_from.isoformat(),
            "commission_percent": str(r.commission_percent),
            "max_commission_percent": str(r.max_commission_percent),
            "maintenance_percent": str(r.maintenance_percent)}


def clear_json(r: ClearReport) -> dict[str, Any]:
    return {
        "compound": r.compound, "as_of": r.as_of.isoformat(), "since": r.since.isoformat(),
        "resources": [{"id": e.resource, "kind": e.kind.value, "tidal": e.tidal,
                       "earned": yuan(e.earned), "entries": e.entries} for e in r.resources],
        "idle": [e.resource for e in r.idle],
        "unattributed": [{"entry_id": u.entry_id, "date": u.date.isoformat(),
                          "external_id": u.external_id, "memo": u.memo,
                          "resource": u.resource, "amount": yuan(u.amount),
                          "reason": u.reason} for u in r.unattributed],
        "earned": yuan(r.earned), "unattributed_total": yuan(r.unattributed_total),
        "opening": None if r.opening is None else yuan(r.opening),
        "opening_status": r.opening_status,
    }


def clear_text(r: ClearReport) -> str:
    out = [f"{r.compound}: resources and what they earned {r.since} .. {r.as_of}", ""]
    out.append(table(("resource", "kind", "tidal", "entries", "earned"),
                     [(e.resource, e.kind.value, "yes" if e.tidal else "no", str(e.entries),
                       e.earned.format_grouped()) for e in r.resources], right=(3, 4)))
    out.append(f"earned in total {r.earned.format_grouped()}; idle: "
               f"{', '.join(e.resource for e in r.idle) or '-'}")
    if r.unattributed:
        out += ["", "income that names no resource of the compound:"]
        out.append(table(("entry", "date", "external_id", "why", "amount"),
                         [(str(u.entry_id), u.date.isoformat(), u.external_id, u.reason,
                           u.amount.format_grouped()) for u in r.unattributed], right=(0, 4)))
    opening = "none recorded" if r.opening is None else \
        f"{r.opening.format_grouped()} ({r.opening_status})"
    out.append(f"opening balance of the co-managed account: {opening}")
    return "\n".join(out)


def collect_json(s: CollectSummary) -> dict[str, Any]:
    return {"file": s.file, "posted": s.posted, "already_recorded": s.already_recorded,
            "income": yuan(s.income), "commission": yuan(s.commission),
            "owners_share": yuan(s.owners_share)}


def set_aside_json(s: SetAside) -> dict[str, Any]:
    d = s.due
    return {"compound": s.compound, "quarter": str(d.quarter), "income": yuan(d.income),
            "commission": yuan(d.commission), "net": yuan(d.net), "percent": str(d.percent),
            "required": yuan(d.required), "set_aside": yuan(d.set_aside),
            "amount": yuan(s.amount), "status": s.status, "entry_id": s.entry_id}


def balance_json(b: RevenueBalance) -> dict[str, Any]:
    return {"compound": b.compound, "bank": yuan(b.bank),
            "maintenance_fund": yuan(b.maintenance_fund),
            "maintenance_due": yuan(b.maintenance_due), "earmarked": yuan(b.earmarked),
            "owed_to_operator": yuan(b.owed_to_operator), "available": yuan(b.available)}


def balance_text(b: RevenueBalance) -> str:
    rows = [("co-managed bank account", b.bank), ("- maintenance fund", b.maintenance_fund),
            ("- maintenance share not yet set aside", b.maintenance_due),
            ("- earmarked for approved payments", b.earmarked),
            ("- owed to the operator", b.owed_to_operator), ("= available", b.available)]
    return f"{b.compound}\n" + table(("", "amount"), [(k, m.format_grouped()) for k, m in rows],
                                     right=(1,))


def _approval_json(a: Approval) -> dict[str, Any]:
    return {"signer": a.signer, "role": a.role.value, "approved_at": a.approved_at}


def disbursement_json(d: Disbursement) -> dict[str, Any]:
    return {"proposal": d.proposal, "entry_id": d.entry_id, "date": d.date.isoformat(),
            "amount": yuan(d.amount),
            "authority": {"kind": d.authority.kind, "resolution": d.authority.resolution,
                          "signer": d.authority.signer},
            "approvals": [_approval_json(a) for a in d.approvals]}


def status_json(s: SpendingStatus) -> dict[str, Any]:
    p = s.proposal
    return {"id": p.id, "compound": p.compound, "purpose": p.purpose, "amount": yuan(p.amount),
            "payee": p.payee, "memo": p.memo, "resolution": p.resolution,
            "proposed_on": p.proposed_on.isoformat(),
            "approvals": [_approval_json(a) for a in s.approvals], "earmarked": s.earmarked,
            "disbursement": None if s.disbursement is None else
            disbursement_json(s.disbursement)}


def status_text(s: SpendingStatus) -> str:
    p = s.proposal
    authority = f"resolution {p.resolution}" if p.resolution else "the committee, within its limit"
    state = (f"disbursed on {s.disbursement.date} as entry {s.disbursement.entry_id}"
             if s.disbursement else "earmarked" if s.earmarked else
             f"{len(s.approvals)} of 2 approvals")
    approvals = ", ".join(a.label for a in s.approvals) or "none yet"
    return (f"{p.id}: {p.amount.format_grouped()} for {p.purpose} to {p.payee} "
            f"({p.compound}); authority: {authority}\n  approvals: {approvals}\n  {state}")


def statement_json(s: RevenueStatement) -> dict[str, Any]:
    return {
        "compound": s.compound, "from": str(s.period_from), "to": str(s.period_to),
        "opening": yuan(s.opening), "closing": yuan(s.closing),
        "income": [{"account": i.account, "resource": i.resource, "amount": yuan(i.amount),
                    "entries": i.entries} for i in s.income],
        "income_total": yuan(s.income_total),
        "spending": [{"proposal": x.proposal, "purpose": x.purpose, "payee": x.payee,
                      "amount": yuan(x.amount), "date": x.date.isoformat(),
                      "entry_id": x.entry_id, "authority": x.authority,
                      "resolution": x.resolution, "committee_signer": x.committee_signer,
                      "approvers": list(x.approvers)} for x in s.spending],
        "spending_total": yuan(s.spending_total), "commission": yuan(s.commission),
        "set_aside": yuan(s.set_aside),
    }


def statement_text(s: RevenueStatement) -> str:
    out = [f"{s.compound}: public revenue {s.period_from} .. {s.period_to}",
           f"opening balance {s.opening.format_grouped()}", "", "income by source:"]
    out.append(table(("account", "resource", "entries", "amount"),
                     [(i.account, i.resource or "(none)", str(i.entries),
                       i.amount.format_grouped()) for i in s.income], right=(2, 3)))
    out += [f"income {s.income_total.format_grouped()}, operator's commission "
            f"{s.commission.format_grouped()}, set aside for maintenance "
            f"{s.set_aside.format_grouped()}", "", "spending by purpose:"]
    out.append(table(("date", "proposal", "purpose", "payee", "authority", "approvers",
                      "amount"),
                     [(x.date.isoformat(), x.proposal, x.purpose, x.payee,
                       x.resolution or f"committee ({x.committee_signer})",
                       " + ".join(x.approvers), x.amount.format_grouped())
                      for x in s.spending], right=(6,)))
    out.append(f"spending {s.spending_total.format_grouped()}; closing balance "
               f"{s.closing.format_grouped()}")
    return "\n".join(out)
