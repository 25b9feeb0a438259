"""Gathering a disclosure statement (公示) from the books in one read transaction: the figures
of the co-managed account, the compound's name and bank, the set-asides, and each spending's
authority in the words residents read (the resolution's title, the day its vote closed and its
tally; the committee within its limit; the standing rule that covers bank charges), and
each signer by the name recorded for them (the id where none was)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from commons.app.compounds import check_compound
from commons.errors import NotFound
from commons.governance.deliberation import State
from commons.money import Money
from commons.revenue.disclosure import (
    AuthorityLookup,
    DisclosedPlace,
    Disclosure,
    DisclosurePeriod,
    SpendingAuthority,
    build_disclosure,
    mask_account_number,
)
from commons.revenue.income import BANK, MAINTENANCE_FUND, OPENING_BALANCE
from commons.revenue.statement import SpendingLine

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["gather_disclosure"]


def gather_disclosure(t: Tables, compound: str, span: DisclosurePeriod, zone: str
                      ) -> Disclosure:
    """The statement of ``compound`` for ``span`` as the books hold it now (at ``t``'s head);
    ``zone`` is the zone a resolution's closing instant is read as a date in."""
    account = f"{BANK}:{compound}"
    check_compound(t, compound)
    accounts = t.ledger.accounts()
    if account not in accounts:
        raise NotFound(f"compound {compound} has no co-managed account {account}",
                       field="--compound", fix="open the compound's chart of accounts first",
                       context={"kind": "chart", "compound": compound})
    day_before = span.first_day - dt.timedelta(days=1)

    def moved(name: str) -> Money:
        """What the period credited to the compound's equity account ``name``."""
        full = f"{name}:{compound}"
        return _cny(t.ledger.balances(full, None, day_before), full) - _cny(
            t.ledger.balances(full, None, span.last_day), full)

    statement = build_disclosure(
        compound, span, account=account,
        opening=_cny(t.ledger.balances(account, None, day_before), account),
        closing=_cny(t.ledger.balances(account, None, span.last_day), account),
        postings=t.export.period_postings(compound, span.first_day, span.last_day),
        authority=_spending_authority(t, compound, span, zone))
    fund = f"{MAINTENANCE_FUND}:{compound}"
    return attrs.evolve(
        statement, head=t.ledger.head(), opening_recorded=moved(OPENING_BALANCE),
        set_aside=moved(MAINTENANCE_FUND),
        maintenance_fund=-_cny(t.ledger.balances(fund, None, span.last_day), fund),
        place=_place(t, compound, accounts[account][0]))


def _place(t: Tables, compound: str, account_id: int) -> DisclosedPlace:
    """The compound's name, community and subdistrict, and its bank and masked number."""
    c = t.estate.compound(compound)
    recorded = t.reconcile.bank_account(account_id)
    return DisclosedPlace(compound, c.name if c else "", c.community if c else "",
                          c.subdistrict if c else "", t.reconcile.bank_name(account_id),
                          mask_account_number(recorded[0]) if recorded else "")


def _spending_authority(t: Tables, compound: str, span: DisclosurePeriod,
                        zone: str) -> AuthorityLookup:
    """Who authorised each spending entry of the period: the disbursements the public-revenue
    duties recorded (a resolution, or a committee decision within its limit, and the two
    signers). A spending posted outside those duties has no authority recorded."""
    names = {s.id: s.name.strip() for s in t.revenue.signers(compound)}
    known = {line.entry_id: _authority(t, line, zone, names)
             for line in t.revenue.spending_lines(compound, span.first_day, span.last_day)}
    return known.get


def _signers(approvers: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``("sq (community)", ...)`` as the store lists them -> ``(("sq", "community"), ...)``."""
    pairs = []
    for text in approvers:
        if not text:
            continue
        who, _, role = text.rpartition(" (")
        pairs.append((who, role.rstrip(")")) if who else (text, ""))
    return tuple(pairs)


def _authority(t: Tables, line: SpendingLine, zone: str,
               names: dict[str, str]) -> SpendingAuthority:
    """One payment's authority, its signers named as recorded (``names``: id -> name); a
    resolution with its title, closing day and tally."""
    signers = _signers(line.approvers)
    named = tuple(names.get(who, "") for who, _ in signers)
    record = t.governance.record(line.resolution) if line.resolution else None
    if record is None:
        return SpendingAuthority(line.authority, line.resolution, signers, approver_names=named)
    proposal = record.proposal
    closed = next((step.at for step in reversed(record.history)
                   if step.to_state is State.RESOLVED), None)
    tally = proposal.tally
    return SpendingAuthority(
        line.authority, line.resolution, signers, approver_names=named, title=proposal.title,
        decided_on=None if closed is None else closed.in_timezone(zone).date(),
        passed=None if tally is None else tally.passes,
        owners_percent="" if tally is None else tally.yes.owners.percent,
        area_percent="" if tally is None else tally.yes.area.percent,
        building=proposal.scope.id if proposal.scope.kind.value == "building" else None)


def _cny(rows: list[tuple[str, Money]], account: str) -> Money:
    return next((m for name, m in rows if name == account and m.currency == "CNY"), Money(0))
