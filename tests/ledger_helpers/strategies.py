"""Hypothesis strategies for the ledger: account names, balanced legs, entries."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from commons import Money
from commons.ledger.journal import Entry, Posting

ACCOUNT_TYPES = ("assets", "liabilities", "equity", "income", "expenses")

segments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_停车费", min_size=1,
                   max_size=8).filter(lambda s: s[0] != "-")
account_names = st.builds(
    lambda head, rest: ":".join([head, *rest]),
    st.sampled_from(ACCOUNT_TYPES), st.lists(segments, min_size=1, max_size=3))
nonzero_fen = st.integers(min_value=1, max_value=10**9)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
# Entries refuse control characters in their text.
printable = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
short_text = st.text(printable, max_size=20)


@st.composite
def balanced_legs(draw: st.DrawFn, accounts: st.SearchStrategy[str] = account_names,
                  currency: str = "CNY", max_legs: int = 4) -> list[Posting]:
    """Two to ``max_legs`` postings in one currency that sum to zero, none of them zero."""
    n = draw(st.integers(min_value=2, max_value=max_legs))
    amounts = [draw(nonzero_fen) for _ in range(n - 1)]
    amounts.append(-sum(amounts))
    if draw(st.booleans()):
        amounts = [-a for a in amounts]
    legs = [Posting(draw(accounts), Money(a, currency)) for a in amounts]
    return draw(st.permutations(legs))


@st.composite
def entries(draw: st.DrawFn, accounts: st.SearchStrategy[str] = account_names,
            external_ids: st.SearchStrategy[str] | None = None) -> Entry:
    """A valid entry: CNY legs, sometimes with a balanced USD pair as well."""
    postings = draw(balanced_legs(accounts))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        postings += draw(balanced_legs(accounts, "USD", max_legs=2))
    return Entry(
        date=draw(dates),
        memo=draw(short_text),
        postings=tuple(postings),
        external_id=draw(external_ids if external_ids is not None
                         else st.text(printable, min_size=1, max_size=12)),
        resource=draw(st.none() | st.just("parking:p-07")),
        period=draw(st.none() | st.just("2026-09")),
        compound=draw(st.none() | st.just("wjxc")),
    )
