"""The bundle firm's marketplace record as an input to its monthly evaluation: service levels
missed take up to 10 points off the weighted score, complaints 20 points per complaint per
order but at most 10, and the score never goes below zero."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import market_records

from commons.contracts.evaluation import MarketRecord, market_adjusted
from commons.errors import ErrorCode, InvalidInput


def test_missed_levels_and_complaints_take_points_off() -> None:
    record = MarketRecord(orders=4, levels_measured=4, levels_met=3, complaints=1)
    assert (record.levels_points, record.complaint_points) == (Fraction(5, 2), Fraction(5))
    assert market_adjusted(Fraction(879, 10), record) == Fraction(804, 10)


def test_complaints_cost_at_most_ten_points_and_a_quiet_month_nothing() -> None:
    assert MarketRecord(2, 2, 2, 2).deduction == 10
    assert MarketRecord(0, 0, 0, 0).deduction == 0
    assert market_adjusted(Fraction(81), None) == 81
    assert market_adjusted(Fraction(5), MarketRecord(1, 1, 0, 1)) == 0


def test_a_record_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        MarketRecord(orders=2, levels_measured=3, levels_met=1, complaints=0)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID_INPUT, "market")


@given(market_records(), st.fractions(0, 100))
def test_the_record_only_ever_lowers_the_score_and_by_at_most_twenty(
        record: MarketRecord, score: Fraction) -> None:
    assert 0 <= record.deduction <= 20
    adjusted = market_adjusted(score, record)
    assert max(score - 20, Fraction(0)) <= adjusted <= score
    assert (adjusted == score) == (record.deduction == 0 or score == 0)
