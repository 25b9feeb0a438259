"""The matching engine (commons.reconcile.matching): its passes, its bounds and its laws."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import pytest
from conftest import raises
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import bank_view_of_books

from commons import InvalidInput
from commons.errors import ErrorCode
from commons.reconcile.matching import BankItem, BookItem, DateWindow, MatchFound, match_items

OCT = dt.date(2026, 10, 1)


def day(n: int) -> dt.date:
    return OCT + dt.timedelta(days=n - 1)


def line(i: int, d: int, fen: int, *refs: str) -> BankItem:
    return BankItem(i, day(d), fen, refs)


def post(entry: int, d: int, fen: int, external_id: str = "", seq: int = 0) -> BookItem:
    return BookItem(entry, seq, day(d), fen, external_id or f"e{entry}")


def items_of(view: dict[str, Any]) -> tuple[list[BankItem], list[BookItem]]:
    lines = [line(i, d, fen) for i, (d, fen) in enumerate(view["lines"], start=1)]
    postings = [post(i, d, fen) for i, (d, fen) in enumerate(view["postings"], start=1)]
    return lines, postings


def check_laws(found: list[MatchFound], lines: list[BankItem], postings: list[BookItem]) -> None:
    """Each line and posting at most once, in matches whose two sides sum to the same fen."""
    line_fen = {x.line_id: x.amount_fen for x in lines}
    post_fen = {p.key: p.amount_fen for p in postings}
    used_lines = Counter(i for m in found for i in m.line_ids)
    used_posts = Counter(k for m in found for k in m.postings)
    assert all(n == 1 for n in used_lines.values())
    assert all(n == 1 for n in used_posts.values())
    for m in found:
        assert m.line_ids and m.postings
        assert sum(line_fen[i] for i in m.line_ids) == sum(post_fen[k] for k in m.postings)


def test_reference_beats_a_closer_amount() -> None:
    lines = [line(1, 10, 50000, "B1", "ad-q4")]
    postings = [post(1, 10, 50000, "other"), post(2, 4, 50000, "ad-q4")]
    assert match_items(lines, postings) == [MatchFound("reference", (1,), ((2, 0),))]


def test_reference_with_another_amount_is_not_a_match() -> None:
    found = match_items([line(1, 10, 50100, "ad-q4")], [post(2, 30, 50000, "ad-q4")])
    assert found == []


def test_reference_to_an_entry_with_several_postings_on_the_account() -> None:
    postings = [post(7, 3, 3000, "rent-10", seq=0), post(7, 3, 2000, "rent-10", seq=2)]
    found = match_items([line(1, 9, 5000, "rent-10")], postings)
    assert found == [MatchFound("reference", (1,), ((7, 0), (7, 2)))]


@pytest.mark.parametrize(("bank_day", "window", "matched"), [
    (10, 3, True), (13, 3, True), (14, 3, False), (7, 3, True), (6, 3, False),
    (10, 0, True), (11, 0, False), (25, 15, True),
])
def test_amount_within_the_window(bank_day: int, window: int, matched: bool) -> None:
    found = match_items([line(1, bank_day, 12000)], [post(1, 10, 12000)], window_days=window)
    assert bool(found) is matched


def test_closest_date_first_and_the_book_date_before_the_bank_date() -> None:
    postings = [post(1, 8, 12000), post(2, 10, 12000), post(3, 12, 12000)]
    assert match_items([line(1, 11, 12000)], postings)[0].postings == ((2, 0),)
    assert match_items([line(1, 10, 12000)], postings)[0].postings == ((2, 0),)


def test_crowded_equal_amounts_are_all_paired() -> None:
    # Closest-first alone would pair line 13 with the posting of the 13th and strand the rest.
    lines = [line(1, 13, 42000), line(2, 16, 42000)]
    postings = [post(1, 10, 42000), post(2, 13, 42000)]
    found = match_items(lines, postings)
    assert len(found) == 2
    check_laws(found, lines, postings)


def test_a_day_of_takings_banked_as_one_deposit() -> None:
    postings = [post(i, 3, fen) for i, fen in enumerate([4200, 1800, 7000, 500, 900, 60],
                                                        start=1)]
    found = match_items([line(1, 4, 14460)], postings)
    assert [m.kind for m in found] == ["many-to-one"]
    assert len(found[0].postings) == 6


def test_batched_across_days_within_the_bound() -> None:
    postings = [post(1, 3, 42000), post(2, 4, 42000), post(3, 4, 99999), post(4, 1, 1)]
    found = match_items([line(1, 5, 84000)], postings)
    assert found == [MatchFound("many-to-one", (1,), ((2, 0), (1, 0)))]


def test_one_payment_in_several_lines() -> None:
    lines = [line(1, 15, -400000), line(2, 16, -280000)]
    found = match_items(lines, [post(1, 15, -680000)])
    assert found == [MatchFound("one-to-many", (1, 2), ((1, 0),))]


def test_signs_never_mix() -> None:
    assert match_items([line(1, 5, 1000)], [post(1, 5, 1500), post(2, 5, -500)]) == []


def test_more_parts_than_the_bound_are_left_alone() -> None:
    postings = [post(i, d, 1000 + i) for i, d in enumerate([1, 2, 3, 4, 5], start=1)]
    total = sum(p.amount_fen for p in postings)
    assert match_items([line(1, 4, total)], postings) == []


@pytest.mark.parametrize("window", [-1, 367, "-1", "abc", "3:", ":3", "1:2:3", "5:-2",
                                    "-400:0", "0:367", "3.5", "", "-3 : x", 3.0, True])
def test_window_out_of_range(window: Any) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT) as info:
        match_items([], [], window_days=window)
    assert info.value.field == "window_days"


@pytest.mark.parametrize(("text", "window"), [
    ("3", DateWindow(-3, 3)), (3, DateWindow(-3, 3)), ("0", DateWindow(0, 0)),
    ("-3:0", DateWindow(-3, 0, signed=True)), ("-2:5", DateWindow(-2, 5, signed=True)),
    ("+1:+4", DateWindow(1, 4, signed=True)), (" -366:366 ", DateWindow(-366, 366, signed=True)),
])
def test_a_window_is_n_days_or_a_signed_range(text: Any, window: DateWindow) -> None:
    assert DateWindow.of(text) == window
    assert DateWindow.of(str(window)) == window


def test_by_default_one_pair_may_lie_either_way_but_a_range_is_kept() -> None:
    """N keeps its meaning (a bank date 3 days before the book date is paired); a signed
    range holds in pass 2 too: -3:0 lets no book date lie after the bank's, 0:3 does."""
    lines, postings = [line(1, 7, 12000)], [post(1, 10, 12000)]
    assert len(match_items(lines, postings, window_days=3)) == 1
    assert match_items(lines, postings, window_days="-3:0") == []
    assert len(match_items(lines, postings, window_days="0:3")) == 1
    assert match_items(lines, postings, window_days="0:2") == []
    crowded = [line(1, 7, 12000), line(2, 8, 12000)]
    pairs = [post(1, 10, 12000), post(2, 11, 12000)]
    assert match_items(crowded, pairs, window_days="-3:0") == []
    assert len(match_items(crowded, pairs, window_days="2:3")) == 2


def test_a_signed_range_lets_a_deposit_hold_later_takings() -> None:
    """The default never puts takings dated after a deposit into it; a signed range that
    reaches after the bank date, given by the user, does."""
    lines = [line(1, 9, 8350)]
    postings = [post(1, 8, 5000), post(2, 15, 3350)]
    assert match_items(lines, postings, window_days=7) == []
    assert match_items(lines, postings, window_days="-7:0") == []
    assert match_items(lines, postings, window_days="-1:6") == [
        MatchFound("many-to-one", (1,), ((1, 0), (2, 0)))]
    assert match_items(lines, postings, window_days="-1:5") == []


def test_a_signed_range_lets_a_payment_clear_before_it_is_booked() -> None:
    lines = [line(1, 9, -400000), line(2, 11, -280000)]
    assert match_items(lines, [post(1, 10, -680000)]) == []
    assert match_items(lines, [post(1, 10, -680000)], window_days="-1:1") == [
        MatchFound("one-to-many", (1, 2), ((1, 0),))]
    assert match_items(lines, [post(1, 10, -680000)], window_days="-1:0") == []


@given(bank_view_of_books(), st.integers(0, 3), st.integers(0, 3))
@settings(max_examples=150)
def test_every_match_keeps_a_signed_range(view: dict[str, Any], before: int,
                                          after: int) -> None:
    lines, postings = items_of(view)
    window = DateWindow(-before, after, signed=True)
    found = match_items(lines, postings, window_days=window)
    check_laws(found, lines, postings)
    bank = {x.line_id: x.booked_on for x in lines}
    book = {p.key: p.date for p in postings}
    for m in found:
        for i in m.line_ids:
            for k in m.postings:
                assert -before <= (book[k] - bank[i]).days <= after


def test_deterministic_whatever_the_input_order() -> None:
    lines = [line(i, 1 + i % 20, 1000 * (i % 5 + 1)) for i in range(1, 40)]
    postings = [post(i, 1 + (i * 7) % 20, 1000 * (i % 5 + 1)) for i in range(1, 40)]
    first = match_items(lines, postings)
    assert match_items(list(reversed(lines)), list(reversed(postings))) == first


@given(bank_view_of_books())
@settings(max_examples=200)
def test_a_statement_made_from_the_books_matches_fully(view: dict[str, Any]) -> None:
    lines, postings = items_of(view)
    found = match_items(lines, postings, window_days=view["window"])
    check_laws(found, lines, postings)
    assert sum(len(m.line_ids) for m in found) == len(lines)
    assert sum(len(m.postings) for m in found) == len(postings)


amounts = st.integers(min_value=-3, max_value=3).filter(bool).map(lambda n: n * 1000)


@given(st.lists(st.tuples(st.integers(1, 31), amounts), max_size=40),
       st.lists(st.tuples(st.integers(1, 31), amounts), max_size=40),
       st.integers(0, 5))
def test_every_posting_and_line_is_matched_at_most_once(
        raw_lines: list[tuple[int, int]], raw_postings: list[tuple[int, int]],
        window: int) -> None:
    lines = [line(i, d, fen, f"e{i % 7}") for i, (d, fen) in enumerate(raw_lines, start=1)]
    postings = [post(i, d, fen) for i, (d, fen) in enumerate(raw_postings, start=1)]
    found = match_items(lines, postings, window_days=window)
    check_laws(found, lines, postings)
    assert {i for m in found for i in m.line_ids} <= {x.line_id for x in lines}
    assert {k for m in found for k in m.postings} <= {p.key for p in postings}


def test_pairs_of_the_law_checker_are_honest() -> None:
    """check_laws itself refuses a posting used twice (so the properties above can fail)."""
    lines = [line(1, 1, 100), line(2, 1, 100)]
    postings = [post(1, 1, 100)]
    twice = [MatchFound("amount-date", (1,), ((1, 0),)), MatchFound("amount-date", (2,), ((1, 0),))]
    with pytest.raises(AssertionError):
        check_laws(twice, lines, postings)
    assert list(itertools.chain.from_iterable(m.postings for m in twice)) == [(1, 0), (1, 0)]


def _every_combination(candidates: list[tuple[int, int, int]], day: int, fen: int,
                       max_parts: int) -> list[tuple[int, int, int]] | None:
    """Pass 3's subset search done the slow way: every combination of every size."""
    for size in range(2, min(max_parts, len(candidates)) + 1):
        found = [(sum(abs(c[0] - day) for c in combo), index, list(combo)) for index, combo
                 in enumerate(itertools.combinations(candidates, size))
                 if sum(c[2] for c in combo) == fen]
        if found:
            return min(found, key=lambda f: (f[0], f[1]))[2]
    return None


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 40)), max_size=12),
       st.integers(1, 120), st.integers(2, 6))
@settings(max_examples=300)
def test_the_subset_search_skips_only_sizes_that_cannot_sum(
        drawn: list[tuple[int, int]], fen: int, max_parts: int) -> None:
    """The pair-sum test that spares pass 3 most combinations never loses a subset: the
    search finds what trying every combination finds (small amounts, so sums often meet)."""
    from commons.reconcile.matching import _subset

    candidates = [(d, i, amount) for i, (d, amount) in enumerate(drawn)]
    assert _subset(candidates, 3, fen, max_parts) == _every_combination(candidates, 3, fen,
                                                                         max_parts)


def test_takings_after_a_deposit_are_never_part_of_it() -> None:
    """Issue 16 item 5: a deposit of 83.50 on 12-09 was matched with the cash taken on 12-08
    and on 12-15; money taken after the deposit cannot be in it."""
    dec = dt.date(2026, 12, 1)
    lines = [BankItem(1, dec.replace(day=9), 8350)]
    postings = [BookItem(1, 0, dec.replace(day=8), 5000), BookItem(2, 0, dec.replace(day=15), 3350)]
    assert match_items(lines, postings, window_days=7) == []
    postings[1] = BookItem(2, 0, dec.replace(day=9), 3350)
    assert match_items(lines, postings, window_days=7) == [
        MatchFound("many-to-one", (1,), ((2, 0), (1, 0)))]


def test_a_payment_never_clears_before_it_is_booked() -> None:
    """The other side of the rule: a line is never part of a posting booked after it."""
    lines = [line(1, 9, -400000), line(2, 11, -280000)]
    assert match_items(lines, [post(1, 10, -680000)]) == []
    assert match_items(lines, [post(1, 9, -680000)]) == [
        MatchFound("one-to-many", (1, 2), ((1, 0),))]


def test_a_whole_day_of_takings_after_the_deposit_is_not_it() -> None:
    """The whole-day search keeps the rule too: a later day's takings summing to the deposit
    are left alone."""
    postings = [post(1, 6, 4200), post(2, 6, 1800)]
    assert match_items([line(1, 4, 6000)], postings) == []
