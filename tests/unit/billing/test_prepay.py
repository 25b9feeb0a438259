"""The prepayment rule on its own: a household may hold as credit at most ``prepay_months``
months of its fee, and no credit at all where no fee is in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import raises

from commons.billing.fees import FeeRate, FeeSchedule, Regime
from commons.billing.payments import Payment, check_prepay
from commons.errors import ErrorCode, RefusedByRule
from commons.estate.household import Household
from commons.money import Money

FLAT = Household("wjxc-1-101", "wjxc-1", 1, Decimal("50.00"), "王")  # 50 m2 at 0.60: 30.00
SCHEDULE = FeeSchedule("wjxc", ("wjxc",), Regime.LUMP_SUM,
                       (FeeRate(dt.date(2026, 1, 1), Money.yuan("0.60")),), prepay_months=3)
PAYMENT = Payment("pay-1", dt.date(2026, 10, 9), FLAT.id, Money.yuan("90.00"))


def test_credit_up_to_the_schedules_months_ahead_is_accepted() -> None:
    check_prepay(PAYMENT, SCHEDULE, FLAT, Money.yuan("90.00"))


def test_a_fen_more_than_the_months_ahead_is_refused_naming_the_limit() -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED, match="3") as refused:
        check_prepay(PAYMENT, SCHEDULE, FLAT, Money.yuan("90.01"))
    assert refused.value.field == "amount"


@pytest.mark.parametrize("schedule", [None, SCHEDULE])
def test_credit_where_no_fee_is_in_force_is_refused(schedule: FeeSchedule | None) -> None:
    before = Payment("pay-0", dt.date(2025, 12, 31), FLAT.id, Money.yuan("1.00"))
    with raises(RefusedByRule, ErrorCode.REFUSED):
        check_prepay(before, schedule, FLAT, Money.yuan("1.00"))
