"""Monthly settlement of a bundle contract, and the journal entry it posts.

Lump sum (包干制): the contract price is the unit price times the bundle's floor area; its base
part is paid in full and its performance part in proportion to the month's score; the fees are
the firm's, so any surplus or loss against them is the firm's.

Commission (酬金制): the firm is paid the month's costs plus a commission on them, from the
owners' money; the commission's base part is paid in full and its performance part follows the
score; the fees collected less what is paid (surplus or deficit) stays with the owners.

The entry debits each compound's ``expenses:property-service`` (and, for a commission contract,
``expenses:firm-commission``) and credits its ``liabilities:payable:firm``, each amount split over
the compounds by floor area with ``allocate`` so that the parts add up to the fen. Its external id
is ``contract:<id>:settle:<YYYY-MM>``, so settling the same month again is already recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from commons.allocation import allocate
from commons.contracts.contract import BundleContract, Regime, fen_half_up
from commons.contracts.evaluation import (
    Evaluation,
    MarketRecord,
    market_adjusted,
    performance_pay,
)
from commons.errors import InvalidInput, RefusedByRule
from commons.ledger.journal import Entry, Posting
from commons.money import Money
from commons.periods import Period

__all__ = ["SETTLEMENT_ACCOUNTS", "Settlement", "settle", "settlement_external_id"]

SERVICE = "expenses:property-service"
COMMISSION = "expenses:firm-commission"
PAYABLE = "liabilities:payable:firm"
SETTLEMENT_ACCOUNTS = ((SERVICE, "property services under a bundle contract"),
                       (COMMISSION, "the firm's commission under a 酬金制 contract"),
                       (PAYABLE, "owed to the property-service firm"))


def settlement_external_id(contract: str, period: Period) -> str:
    """The external id of ``contract``'s settlement entry for ``period``."""
    return f"contract:{contract}:settle:{period}"


@attrs.frozen
class Settlement:
    """What a month's settlement pays the firm, and why.

    ``costs`` is the contract price (lump sum) or the month's costs (commission); ``base`` and
    ``performance_due`` split the pay that the score acts on (the price, or the commission);
    ``paid`` is what the firm is owed. ``surplus`` is fees collected less ``paid`` when the fees
    are known, and ``surplus_to`` says whose it is (the firm's or the owners'). ``score`` is
    the month's after the firm's marketplace ``market`` record, if it has one.
    """

    contract: str
    period: Period
    regime: Regime
    area_m2: Decimal
    score: Fraction
    costs: Money
    commission: Money
    base: Money
    performance_due: Money
    performance_paid: Money
    paid: Money
    fees_collected: Money | None
    surplus: Money | None
    surplus_to: str
    entry: Entry | None
    market: MarketRecord | None = None


def _split_pay(contract: BundleContract, pot: Money, score: Fraction) -> tuple[Money, Money,
                                                                               Money]:
    base = Money(fen_half_up(pot.fen * Fraction(contract.base_percent) / 100), pot.currency)
    due = pot - base
    return base, due, performance_pay(due, score)


def settle(contract: BundleContract, period: Period, *, areas: Mapping[str, Decimal],
           evaluation: Evaluation, costs: Money | None = None,
           fees_collected: Money | None = None, actor: str = "",
           market: MarketRecord | None = None) -> Settlement:
    """Settle one month of ``contract``; ``areas`` are the floor areas of its compounds; the
    firm's ``market`` record, where it serves on the marketplace, lowers the score."""
    if not contract.covers(period):
        raise RefusedByRule(f"contract {contract.id} runs {contract.starts_on} to "
                            f"{contract.ends_on}, not in {period}",
                            fix="settle a month within the contract's term")
    total_area = sum(areas.values(), Decimal(0))
    if total_area <= 0:
        raise RefusedByRule(f"the compounds of contract {contract.id} have no recorded floor "
                            "area", fix="import their households first")
    score = market_adjusted(evaluation.score(contract.weights), market)
    if contract.regime is Regime.LUMP_SUM:
        if costs is not None:
            raise InvalidInput("a lump-sum (包干制) contract is paid its price, not its costs",
                               field="costs", fix="give no costs for a lump-sum contract")
        price = Money(fen_half_up(contract.unit_price.fen * Fraction(total_area)))
        base, due, earned = _split_pay(contract, price, score)
        spent, commission, paid = price, Money.zero(), base + earned
        legs = {SERVICE: paid}
    else:
        if costs is None or costs.is_negative():
            raise InvalidInput(f"a commission (酬金制) contract is paid its costs plus "
                               f"commission; the costs of {period} are missing or negative",
                               field="costs", fix="give the month's costs, e.g. 12000")
        assert contract.commission_percent is not None
        commission = Money(fen_half_up(costs.fen * Fraction(contract.commission_percent) / 100))
        base, due, earned = _split_pay(contract, commission, score)
        spent, paid = costs, costs + base + earned
        legs = {SERVICE: costs, COMMISSION: base + earned}
    surplus = None if fees_collected is None else fees_collected - paid
    owner = "firm" if contract.regime is Regime.LUMP_SUM else "owners"
    entry = _entry(contract, period, areas, legs, actor)
    return Settlement(contract.id, period, contract.regime, total_area, score, spent, commission,
                      base, due, earned, paid, fees_collected, surplus, owner, entry, market)


def _entry(contract: BundleContract, period: Period, areas: Mapping[str, Decimal],
           legs: Mapping[str, Money], actor: str) -> Entry | None:
    weights = dict(areas)
    owed: dict[str, int] = dict.fromkeys(areas, 0)
    postings: list[Posting] = []
    for account, amount in legs.items():
        if not amount:
            continue
        for compound, part in sorted(allocate(amount, weights).items()):
            if part:
                postings.append(Posting(f"{account}:{compound}", part))
                owed[compound] += part.fen
    postings += [Posting(f"{PAYABLE}:{c}", Money(-fen)) for c, fen in sorted(owed.items()) if fen]
    if not postings:
        return None  # nothing earned this month: nothing to post
    regime = "包干制" if contract.regime is Regime.LUMP_SUM else "酬金制"
    return Entry(period.last_day, f"settlement of contract {contract.id} ({regime}), {period}",
                 tuple(postings), settlement_external_id(contract.id, period), actor=actor,
                 period=str(period))
