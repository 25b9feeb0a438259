"""Hypothesis strategies for the ledger: account names, balanced legs, entries, and the journal
state an entry meets when it posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from commons import Money
from commons.ledger.accounts import Account
from commons.ledger.journal import Entry, Leg, Posting

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
            external_ids: st.SearchStrategy[str] | None = None,
            reverses: st.SearchStrategy[int | None] | None = None) -> Entry:
    """A valid entry: CNY legs, sometimes with a balanced USD pair as well; it reverses an entry
    id drawn from ``reverses`` when that is given."""
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
        reverses=None if reverses is None else draw(reverses),
    )


@st.composite
def journal_states(draw: st.DrawFn, entry: Entry) -> dict[str, Any]:
    """What the journal may hold when ``entry`` posts, as the posting rule reads it: each of its
    accounts open (for every date, or from or until near the entry's date) or not, its month
    closed or not, and when it reverses an entry, that entry missing, reversed already, or there
    with postings the entry does or does not negate."""
    near = st.integers(min_value=-40, max_value=40).map(
        lambda days: entry.date + dt.timedelta(days=days))
    accounts = {}
    for name in {p.account for p in entry.postings}:
        kind = draw(st.sampled_from(["open", "open", "from", "until", "not open"]))
        if kind != "not open":
            day = draw(near)
            accounts[name] = Account(name, opened_on=day if kind == "from" else None,
                                     closed_on=day if kind == "until" else None)
    month = entry.date.strftime("%Y-%m")
    closed = frozenset(draw(st.sets(st.sampled_from([month, "2019-12", "2031-01"]))))
    reversible: dict[int, int | None] = {}
    undoes: dict[int, list[Leg]] = {}
    if entry.reverses is not None:
        status = draw(st.sampled_from(["missing", "reversed", "negated", "other"]))
        if status != "missing":
            reversible[entry.reverses] = 99 if status == "reversed" else None
            sign = -1 if status in ("reversed", "negated") else 1
            undoes[entry.reverses] = [Leg(p.account, sign * p.amount.fen, p.amount.currency)
                                      for p in entry.postings]
    return {"accounts": accounts, "closed": closed, "reversible": reversible, "undoes": undoes}
