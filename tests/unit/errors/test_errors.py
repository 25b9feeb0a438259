"""Error codes: every error carries one, raise sites name finer ones than their class, a
``Problems`` exposes its members', and the code survives the trip to another process."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st

from commons.errors import (
    CommonsError,
    ConflictError,
    CurrencyMismatch,
    ErrorCode,
    InvalidInput,
    NotFound,
    Problems,
    RefusedByRule,
    did_you_mean,
    nearest,
)
from commons.ledger.journal import Entry, Posting
from commons.money import Money
from commons.periods import parse_date


@pytest.mark.parametrize(("cls", "code"), [
    (CommonsError, ErrorCode.REFUSED),
    (InvalidInput, ErrorCode.INVALID_INPUT),
    (CurrencyMismatch, ErrorCode.CURRENCY_MISMATCH),
    (NotFound, ErrorCode.NOT_FOUND),
    (ConflictError, ErrorCode.CONFLICT),
    (RefusedByRule, ErrorCode.REFUSED),
])
def test_each_class_has_a_default_code(cls: type[CommonsError], code: ErrorCode) -> None:
    assert cls("x").code is code
    assert cls("x", code=ErrorCode.CLOSED_PERIOD).code is ErrorCode.CLOSED_PERIOD


def test_codes_are_stable_snake_case_strings() -> None:
    assert ErrorCode.ALREADY_RECORDED_DIFFERENTLY == "already_recorded_differently"
    assert all(c.value == c.name.lower() for c in ErrorCode)


def test_raise_sites_name_a_finer_code_than_their_class() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_AMOUNT):
        Money.parse("1.234")
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        parse_date("2026-02-30")
    with raises(CurrencyMismatch, ErrorCode.CURRENCY_MISMATCH):
        Money(1, "CNY") + Money(1, "USD")
    with raises(InvalidInput, ErrorCode.UNBALANCED):
        Entry(dt.date(2026, 10, 1), "x", (Posting("assets:bank:wjxc", Money(100)),
                                          Posting("income:parking:wjxc", Money(-99))), "e-1")


def test_problems_share_their_members_code_or_say_several() -> None:
    same = Problems("2 refused", [NotFound("a", code=ErrorCode.UNKNOWN_ACCOUNT),
                                  NotFound("b", code=ErrorCode.UNKNOWN_ACCOUNT)])
    assert same.code is ErrorCode.UNKNOWN_ACCOUNT
    mixed = Problems("2 refused", [InvalidInput("a"), NotFound("b")])
    assert mixed.code is ErrorCode.SEVERAL
    assert mixed.codes == (ErrorCode.INVALID_INPUT, ErrorCode.NOT_FOUND)


def test_the_code_and_context_survive_pickling() -> None:
    error = NotFound("account x is not open", code=ErrorCode.UNKNOWN_ACCOUNT, field="account",
                     context={"account": "assets:bank:x"}).located(file="a.jsonl", line=3)
    back = pickle.loads(pickle.dumps(Problems("1 refused", [error])))
    (member,) = back.problems
    assert back.codes == (ErrorCode.UNKNOWN_ACCOUNT,)
    assert (member.code, member.context, member.line) == (
        ErrorCode.UNKNOWN_ACCOUNT, {"account": "assets:bank:x"}, 3)
    assert str(member) == str(error)


def test_nearest_names_the_close_ones_in_a_fix_and_nothing_when_none_is_close() -> None:
    known = ["income:zy-1:parking", "income:zy-2:parking", "expense:zy-1:cleaning"]
    assert nearest("income:zy-1:parkng", known) == (
        ["income:zy-1:parking", "income:zy-2:parking"],
        "did you mean income:zy-1:parking or income:zy-2:parking? ")
    assert did_you_mean(["zy-1"], quote=True) == "did you mean 'zy-1'? "
    assert nearest("canteen", known) == ([], "")


@given(st.text(max_size=12), st.lists(st.text(max_size=12), max_size=8),
       st.floats(min_value=0.0, max_value=1.0))
def test_nearest_gives_at_most_three_known_names_and_a_hint_exactly_when_it_gives_any(
        name: str, known: list[str], cutoff: float) -> None:
    near, hint = nearest(name, known, cutoff=cutoff)
    assert len(near) <= 3
    assert set(near) <= set(known)
    assert bool(hint) == bool(near)
