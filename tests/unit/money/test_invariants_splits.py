"""The split invariants where the other suites leave a gap: parts sum exactly to the total, each
part is within one fen of its exact share, and the result does not depend on input order.

- contract settlement: every leg split over the compounds by floor area;
- the parking month: card fees split over the spaces they used, then the owners' and operator's
  shares, adding up to the month's total;
- ``split_total`` (``commons split``): reordering the weights only reorders the parts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parking_helpers import at_minute, setup
from strategies import parking_space_sessions, share_plans, str_keys, tied_weights, weight_maps
from test_contracts import OCT, contract, evaluation
from test_parking import write

from commons import Money, SharePlan
from commons.billing.split import split_total
from commons.contracts.contract import Regime
from commons.contracts.settlement import PAYABLE, settle

area_maps = st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]),
                            st.integers(0, 10**7), min_size=1).filter(lambda d: any(d.values()))


@given(st.integers(1, 10**6), st.integers(0, 10**9), area_maps, st.integers(0, 100),
       st.booleans(), st.randoms(use_true_random=False))
def test_settlement_legs_split_by_area_to_the_fen_whatever_the_order(
        price_fen: int, costs: int, area_hundredths: dict[str, int], score: int,
        commission: bool, rng: random.Random) -> None:
    k = contract(unit_price=Money(price_fen),
                 **({"regime": Regime.COMMISSION, "commission_percent": Decimal(6)}
                    if commission else {}))
    areas = {c: Decimal(a).scaleb(-2) for c, a in area_hundredths.items()}
    shuffled = list(areas.items())
    rng.shuffle(shuffled)
    kwargs = {"evaluation": evaluation(str(score), str(score), str(score)),
              "costs": Money(costs) if commission else None}
    s = settle(k, OCT, areas=areas, **kwargs)  # type: ignore[arg-type]
    assert settle(k, OCT, areas=dict(shuffled), **kwargs) == s  # type: ignore[arg-type]
    if s.entry is None:
        return
    legs: dict[str, dict[str, int]] = defaultdict(dict)
    for p in s.entry.postings:
        leg, compound = p.account.rsplit(":", 1)
        legs[leg][compound] = p.amount.fen
    # What is owed to the firm is each compound's legs together: not a split of its own.
    owed = legs.pop(PAYABLE, {})
    for compound, fen in owed.items():
        assert fen == -sum(parts.get(compound, 0) for parts in legs.values())
    whole = sum(Fraction(a) for a in areas.values())
    for parts in legs.values():
        leg_total = sum(parts.values())
        for compound, area in areas.items():
            exact = leg_total * Fraction(area) / whole
            assert abs(parts.get(compound, 0) - exact) < 1


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parking_space_sessions())
def test_a_parking_month_adds_up_sessions_cards_spaces_and_shares(
        tmp_path_factory: pytest.TempPathFactory,
        sessions: list[tuple[str, int, int, str]]) -> None:
    folder = tmp_path_factory.mktemp("month")
    api = setup(folder)
    rows: list[tuple[str, ...]] = [(f"s{n}", space, f"A{n % 3}", at_minute(a), at_minute(b), kind)
            for n, (space, a, b, kind) in enumerate(sessions)]
    if rows:
        api.parking.import_sessions(write(folder, rows))
    for collected in api.parking.bill("2026-10").compounds:
        bill = collected.bill
        assert sum((m for _, m in bill.by_space), Money.zero()) == bill.total
        assert sum((s.amount for s in bill.shares), Money.zero()) == bill.total
        assert bill.total == (sum((s.amount for s in bill.sessions), Money.zero())
                              + sum((c.amount for c in bill.cards), Money.zero()))
        assert all(not s.amount.is_negative() for s in bill.shares)


@given(share_plans(), st.integers(-10**9, 10**9),
       weight_maps(keys=str_keys, values=tied_weights), st.randoms(use_true_random=False))
def test_reordering_the_weights_of_a_split_only_reorders_its_parts(
        plan: SharePlan, total: int, weights: dict[str, Any], rng: random.Random) -> None:
    items = list(weights.items())
    rng.shuffle(items)
    one = split_total(Money(total), weights, plan)
    other = split_total(Money(total), dict(items), plan)
    assert one.shares == other.shares
    assert sorted(one.parts, key=lambda p: p.id) == sorted(other.parts, key=lambda p: p.id)
