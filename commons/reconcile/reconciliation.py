"""The bank reconciliation statement (银行存款余额调节表) of one account at the end of a period.

Starting from the book balance and the bank balance at the period's last day, it lists what only
one side knows: deposits in the books not yet in the bank (企业已收、银行未收), payments in the
books not yet cleared (企业已付、银行未付), and bank credits and charges not yet in the books
(银行已收/已付、企业未记). Adding them gives both adjusted balances; the statement is reconciled
only when they agree to the fen, otherwise it shows the unexplained difference.

A match counts at the period's end only when every line and posting in it is dated by then, so
a deposit banked on the 2nd of next month is still in transit at this month's end. An entry and
its reversal, both unmatched, cancel in the books and are not listed. Book postings dated before
the first imported statement's first day are taken as already in its opening balance, unless
they were matched to a line of it (a cheque written before, cleared after): if the rest do not
add up to that opening balance, the difference says by how much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from commons.money import Money
from commons.periods import Period

__all__ = ["BookRow", "LineRow", "MatchRecord", "OutstandingItem", "ReconciliationStatement",
           "reconcile"]


@attrs.frozen
class BookRow:
    """A posting to the bank account in the books, with what its entry says."""

    entry_id: int
    seq: int
    date: dt.date
    amount: Money
    memo: str
    external_id: str
    reverses: int | None = None

    @property
    def key(self) -> tuple[int, int]:
        """The posting's key: its entry id and place in the entry."""
        return (self.entry_id, self.seq)


@attrs.frozen
class LineRow:
    """A stored statement line."""

    line_id: int
    booked_on: dt.date
    amount: Money
    reference: str
    description: str


@attrs.frozen
class MatchRecord:
    """A stored match: its id, how it was found, and the lines and postings it joins."""

    id: int
    kind: str
    line_ids: tuple[int, ...]
    postings: tuple[tuple[int, int], ...]


@attrs.frozen
class OutstandingItem:
    """A line of the statement: a posting (id ``entry:seq``) or bank line (id ``line:N``) that
    the other side does not have by the period's end. ``match`` is the id of a match made with
    something dated after the period, if any."""

    id: str
    date: dt.date
    amount: Money
    description: str
    reference: str
    match: int | None = None


@attrs.frozen
class ReconciliationStatement:
    """The 余额调节表 of ``account`` at the end of ``period`` (see the module's docstring)."""

    account: str
    period: Period
    book_balance: Money
    bank_balance: Money
    deposits_in_transit: tuple[OutstandingItem, ...]
    outstanding_payments: tuple[OutstandingItem, ...]
    bank_not_in_books: tuple[OutstandingItem, ...]
    statements_from: dt.date
    bank_through: dt.date | None
    cancelled_in_books: int = 0
    bank_balance_computed: bool = False

    @property
    def as_of(self) -> dt.date:
        """The day the statement reconciles: the period's last day."""
        return self.period.last_day

    @property
    def bank_credits(self) -> tuple[OutstandingItem, ...]:
        """Money the bank received that the books do not hold yet (interest, a deposit not
        posted)."""
        return tuple(i for i in self.bank_not_in_books if i.amount.fen > 0)

    @property
    def bank_charges(self) -> tuple[OutstandingItem, ...]:
        """Money the bank took that the books do not hold yet (charges, a debit not posted)."""
        return tuple(i for i in self.bank_not_in_books if i.amount.fen < 0)

    @property
    def adjusted_book_balance(self) -> Money:
        """The books' balance plus what the bank booked and the books did not."""
        return self.book_balance + _total(self.bank_not_in_books, self.book_balance.currency)

    @property
    def adjusted_bank_balance(self) -> Money:
        """The bank's balance plus the deposits in transit and the payments not yet through the
        bank."""
        currency = self.bank_balance.currency
        return (self.bank_balance + _total(self.deposits_in_transit, currency)
                + _total(self.outstanding_payments, currency))

    @property
    def difference(self) -> Money:
        """Adjusted book balance less adjusted bank balance: zero when the two agree."""
        return self.adjusted_book_balance - self.adjusted_bank_balance

    @property
    def reconciled(self) -> bool:
        """Whether the adjusted balances agree to the fen."""
        return self.difference.fen == 0


def _total(items: Iterable[OutstandingItem], currency: str) -> Money:
    return sum((i.amount for i in items), Money.zero(currency))


def _holding(matches: Iterable[MatchRecord], line_ids: set[int],
             keys: set[tuple[int, int]]) -> tuple[dict[int, int], dict[tuple[int, int], int],
                                                  dict[int, int], dict[tuple[int, int], int]]:
    """Which lines and postings are matched by the period's end, and which only after it."""
    line_held: dict[int, int] = {}
    key_held: dict[tuple[int, int], int] = {}
    line_later: dict[int, int] = {}
    key_later: dict[tuple[int, int], int] = {}
    for m in matches:
        holds = all(i in line_ids for i in m.line_ids) and all(k in keys for k in m.postings)
        for i in m.line_ids:
            (line_held if holds else line_later)[i] = m.id
        for k in m.postings:
            (key_held if holds else key_later)[k] = m.id
    return line_held, key_held, line_later, key_later


def _cancelled(postings: Sequence[BookRow], matched: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Unmatched postings of an entry and of its reversal, which cancel in the books."""
    by_key = {p.key: p for p in postings if p.key not in matched}
    out: set[tuple[int, int]] = set()
    for p in by_key.values():
        if p.reverses is None:
            continue
        original = by_key.get((p.reverses, p.seq))
        if original is not None and original.amount == -p.amount:
            out.update((p.key, original.key))
    return out


def reconcile(account: str, period: Period, *, book_balance: Money, bank_balance: Money,
              postings: Sequence[BookRow], lines: Sequence[LineRow],
              matches: Iterable[MatchRecord], statements_from: dt.date,
              bank_through: dt.date | None,
              bank_balance_computed: bool = False) -> ReconciliationStatement:
    """Build the statement from the account's postings up to the period's end (those before
    ``statements_from`` are needed only if matched), the statement lines booked by then, and
    the matches touching either. ``bank_balance_computed`` says a statement's balances were
    computed from an opening and its lines rather than reported by the bank."""
    end = period.last_day
    in_books = [p for p in postings if p.date <= end]
    in_bank = [x for x in lines if x.booked_on <= end]
    line_held, key_held, line_later, key_later = _holding(
        matches, {x.line_id for x in in_bank}, {p.key for p in in_books})
    cancelled = _cancelled(in_books, set(key_held) | set(key_later))
    book_items = [OutstandingItem(f"{p.entry_id}:{p.seq}", p.date, p.amount, p.memo,
                                  p.external_id, key_later.get(p.key))
                  for p in sorted(in_books, key=lambda p: (p.date, p.key))
                  if p.date >= statements_from and p.key not in key_held
                  and p.key not in cancelled]
    bank_items = tuple(OutstandingItem(f"line:{x.line_id}", x.booked_on, x.amount,
                                       x.description, x.reference, line_later.get(x.line_id))
                       for x in sorted(in_bank, key=lambda x: (x.booked_on, x.line_id))
                       if x.line_id not in line_held)
    return ReconciliationStatement(
        account, period, book_balance, bank_balance,
        tuple(i for i in book_items if i.amount.fen > 0),
        tuple(i for i in book_items if i.amount.fen < 0),
        bank_items, statements_from, bank_through, len(cancelled), bank_balance_computed)
