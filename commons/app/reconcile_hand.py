"""Reconciliation by hand: what the accountant lists, matches and books line by line.

``lines`` lists imported bank lines (all, or the unmatched) with their statement and match;
``matches`` lists each match with both sides' dates and amounts; ``match_by_hand`` matches
lines to postings whose amounts agree; ``book_line`` turns an unmatched bank line (a charge,
interest) into a journal entry keyed by the line and matches it, once. Each runs inside the
caller's transaction (``ReconcileService`` opens it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from commons.errors import ConflictError, InvalidInput, NotFound, RefusedByRule
from commons.ledger.journal import Entry, Posting
from commons.money import Money
from commons.reconcile.matching import MatchFound

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["BankLine", "BookedLine", "MatchSide", "MatchView", "book_entry", "list_lines",
           "list_matches", "manual_match"]

MANUAL, BOOKED = "manual", "booked"  # the kinds of match made by hand


@attrs.frozen
class BankLine:
    """An imported bank line: signed amount (negative is money out), its statement and the
    match holding it (None if unmatched)."""

    line_id: int
    date: dt.date
    amount: Money
    counterparty: str
    memo: str
    reference: str
    statement: str
    match: int | None


@attrs.frozen
class MatchSide:
    """One side of a match: ``line:ID`` or ``ENTRY:SEQ``, its date and amount."""

    item: str
    date: dt.date
    amount: Money


@attrs.frozen
class MatchView:
    """A match with both sides."""

    id: int
    kind: str
    lines: tuple[MatchSide, ...]
    postings: tuple[MatchSide, ...]


@attrs.frozen
class BookedLine:
    """What ``reconcile.book`` did: the entry keyed by the line and the match holding both;
    ``posted`` is False when the line was booked before (nothing new was recorded)."""

    line_id: int
    external_id: str
    match_id: int
    posted: bool


def list_lines(t: Tables, account_id: int, first: dt.date, last: dt.date,
               unmatched: bool) -> list[BankLine]:
    """The account's bank lines booked ``first``..``last``."""
    return [BankLine(lid, dt.date.fromisoformat(day), Money(fen, cur), party, memo, ref or pay,
                     statement, match)
            for lid, day, fen, cur, party, memo, ref, pay, statement, match
            in t.reconcile.listed_lines(account_id, first, last, unmatched)]


def list_matches(t: Tables, account_id: int, first: dt.date, last: dt.date) -> list[MatchView]:
    """The account's matches with a line or posting dated ``first``..``last``."""
    line_rows, posting_rows = t.reconcile.match_sides(account_id)
    kinds: dict[int, str] = {}
    lines: dict[int, list[MatchSide]] = {}
    postings: dict[int, list[MatchSide]] = {}
    for mid, kind, lid, day, fen, cur in line_rows:
        kinds[mid] = kind
        lines.setdefault(mid, []).append(MatchSide(f"line:{lid}", dt.date.fromisoformat(day),
                                                   Money(fen, cur)))
    for mid, eid, seq, day, fen, cur in posting_rows:
        postings.setdefault(mid, []).append(MatchSide(f"{eid}:{seq}",
                                                      dt.date.fromisoformat(day),
                                                      Money(fen, cur)))
    views = [MatchView(mid, kind, tuple(lines.get(mid, ())), tuple(postings.get(mid, ())))
             for mid, kind in sorted(kinds.items())]
    return [v for v in views if any(first <= s.date <= last for s in (*v.lines, *v.postings))]


def _free_line(t: Tables, account_id: int, line_id: int) -> tuple[Any, ...]:
    row = t.reconcile.line(line_id)
    if row is None or row[0] != account_id:
        raise NotFound(f"bank line {line_id} is not a line of this account", field="line",
                       fix="list the account's bank lines to find their ids",
                       context={"kind": "bank_line"})
    return row


def manual_match(t: Tables, account_id: int, line_ids: Sequence[int],
                 postings: Sequence[tuple[int, int]]) -> MatchFound:
    """The match of ``line_ids`` to ``postings`` (entry id, seq), all of the account and
    unmatched, whose amounts agree to the fen; refused with the difference otherwise."""
    if not line_ids or not postings:
        raise InvalidInput("a match needs at least one line and one posting", field="posting",
                           fix="give the bank lines and the postings (ENTRY:SEQ) to match")
    lines_fen, postings_fen, currency = 0, 0, "CNY"
    for line_id in line_ids:
        row = _free_line(t, account_id, line_id)
        if row[7] is not None:
            raise ConflictError(f"bank line {line_id} is already in match {row[7]}",
                                field="line", fix=f"undo match {row[7]} first",
                                context={"kind": "match", "match": str(row[7])})
        lines_fen, currency = lines_fen + row[3], row[4]
    for entry_id, seq in postings:
        found = t.reconcile.posting(entry_id, seq)
        if found is None or found[0] != account_id:
            raise NotFound(f"posting {entry_id}:{seq} is not a posting to this account",
                           field="posting", fix="find the account's unmatched postings in its "
                           "reconciliation report", context={"kind": "posting"})
        if found[4] is not None:
            raise ConflictError(f"posting {entry_id}:{seq} is already in match {found[4]}",
                                field="posting", fix=f"undo match {found[4]} first",
                                context={"kind": "match", "match": str(found[4])})
        postings_fen += found[2]
    if lines_fen != postings_fen:
        lines, booked, gap = (Money(fen, currency).format_grouped() for fen in
                              (lines_fen, postings_fen, abs(lines_fen - postings_fen)))
        raise RefusedByRule(f"the lines and postings do not agree: the lines come to {lines} "
                            f"and the postings to {booked}, {gap} apart", field="posting",
                            fix="add the missing line or posting, or book the difference")
    return MatchFound(MANUAL, tuple(line_ids), tuple(postings))


def book_entry(t: Tables, account: str, account_id: int, line_id: int, against: str,
               memo: str | None) -> tuple[Entry, int | None]:
    """The journal entry that books bank line ``line_id`` against ``against``, keyed by the
    line, and the match already holding the line (None if unmatched)."""
    row = _free_line(t, account_id, line_id)
    _, key, day, fen, cur, party, text, match = row
    amount = Money(fen, cur)
    entry = Entry(dt.date.fromisoformat(day),
                  memo or " / ".join(x for x in (party, text) if x) or f"bank line {line_id}",
                  (Posting(account, amount), Posting(against, -amount)),
                  f"bank-line:{account}:{key}")
    return entry, match
