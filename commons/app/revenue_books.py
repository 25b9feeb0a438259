"""What the public-revenue use cases share inside one transaction: the compound looked up, its
chart opened, one entry posted through the ledger's own posting path, the balance worked out,
and an owners' resolution seen as spending sees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commons.app.compounds import unknown_compound
from commons.errors import ConflictError, ErrorCode
from commons.estate.compound import Compound
from commons.governance import ScopeKind
from commons.ledger.accounts import chart_for_compound
from commons.ledger.journal import Entry
from commons.money import CURRENCY, Money
from commons.revenue.income import (
    BANK,
    MAINTENANCE_FUND,
    OWED_TO_OPERATOR,
    account_of,
    quarter_dues,
)
from commons.revenue.spending import ResolutionUse, RevenueBalance

if TYPE_CHECKING:
    from commons.app.ledger import LedgerService
    from commons.store import Tables

__all__ = ["balance_of", "compound_of", "open_chart", "post_entry", "resolution_use"]


def compound_of(t: Tables, compound_id: str) -> Compound:
    """The estate's compound ``compound_id``, or the refusal ``check_compound`` gives."""
    compound = t.estate.compound(compound_id)
    if compound is None:
        raise unknown_compound(compound_id, [c.id for c in t.estate.compounds()])
    return compound


def open_chart(t: Tables, compound: str) -> None:
    """Open the compound's standard accounts where they are not open yet."""
    opened = t.ledger.accounts()
    for account in chart_for_compound(compound):
        if account.name not in opened:
            t.ledger.open_account(account)


def post_entry(ledger: LedgerService, t: Tables, entry: Entry, origin: str
               ) -> tuple[int, bool]:
    """Post ``entry`` in ``t`` through the ledger's posting path: its entry id, and whether it
    is new (False: already recorded with the same content; other content is a conflict).
    ``origin`` names the use case and its inputs for a refusal."""
    seen = t.ledger.known([entry.external_id]).get(entry.external_id)
    if seen is not None:
        if seen[1] != entry.content_hash():
            raise ConflictError(f"external id {entry.external_id} was recorded as entry "
                                f"{seen[0]} with other content", field="external_id",
                                fix="a recorded entry is never changed; correct it with a "
                                    "reversal", context={"kind": "entry", "id": str(seen[0])},
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        return seen[0], False
    ledger.post_in(t, [entry], None, None, origin=origin)
    return t.ledger.known([entry.external_id])[entry.external_id][0], True


def balance_of(t: Tables, compound: str) -> RevenueBalance:
    """The compound's public revenue now, as ``RevenueBalance`` defines it."""
    kept = {name: m for name, m in t.ledger.balances(compound=compound)
            if m.currency == CURRENCY}
    zero = Money.zero()

    def held(prefix: str) -> Money:
        return kept.get(account_of(prefix, compound), zero)

    dues = quarter_dues(compound, t.revenue.monthly_income(compound), t.revenue.rules(compound),
                        t.revenue.set_asides(compound))
    return RevenueBalance(
        compound, bank=held(BANK), maintenance_fund=-held(MAINTENANCE_FUND),
        maintenance_due=sum((d.outstanding for d in dues.values()), zero),
        earmarked=t.revenue.earmarked(compound), owed_to_operator=-held(OWED_TO_OPERATOR))


def resolution_use(t: Tables, resolution: str) -> ResolutionUse | None:
    """The owners' resolution ``resolution`` as spending sees it, or None if not recorded."""
    proposal = t.governance.proposal(resolution)
    if proposal is None:
        return None
    if proposal.scope.kind is ScopeKind.COMPOUND:
        compound: str | None = proposal.scope.id
    else:
        building = t.estate.building(proposal.scope.id)
        compound = None if building is None else building.compound
    return ResolutionUse(
        resolution, compound, proposal.matter, proposal.state, proposal.passed,
        proposal.tally.reason if proposal.tally is not None else "",
        t.revenue.proposals_naming(resolution), t.revenue.disbursed_by(resolution),
        t.revenue.sets_limit(resolution))
