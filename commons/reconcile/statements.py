"""Bank statements: lines, their idempotency keys, and the integrity every statement must show.

A ``Statement`` whose opening balance plus its lines does not equal its closing balance cannot be
constructed; the error names the file and the gap. Each line gets a key, the bank's own reference
when it gives one, otherwise a hash of its date, amount, running balance and text, so importing
the same or an overlapping statement again adds nothing. How a new statement joins the ones
already stored (``plan_continuation``) is decided here too, from plain values the store reads.

Amounts are signed from the account holder's side, as the books see the bank account: a deposit
(credit on the bank's statement) is positive, a payment or charge is negative.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

import attrs

from commons.errors import ConflictError, ErrorCode, InvalidInput, RefusedByRule
from commons.money import Money

__all__ = [
    "Continuation",
    "Skipped",
    "Statement",
    "StatementLine",
    "StoredTail",
    "line_keys",
    "plan_continuation",
    "without_balances",
]

def _money(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not Money:
        raise InvalidInput(f"statement {attribute.name} {value!r} is not Money",
                           fix="give amounts as Money, e.g. Money.parse('120.00')")


@attrs.frozen
class StatementLine:
    """One booked line of a bank statement.

    ``reference`` is the bank's own id of the transaction (it keys the line when present);
    ``payment_reference`` is what the payer wrote (an end-to-end id, an invoice or entry id), which
    the matching engine compares with the journal's external ids as well. ``balance`` is the
    running balance after the line when the bank prints one. ``source_line`` is the line of the
    CSV file or the index of the XML entry, for messages.
    """

    booked_on: dt.date
    amount: Money = attrs.field(validator=_money)
    reference: str = ""
    payment_reference: str = ""
    counterparty: str = ""
    memo: str = ""
    value_on: dt.date | None = None
    balance: Money | None = None
    source_line: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.fen == 0:
            raise InvalidInput("a statement line moves 0.00", line=self.source_line,
                               field="amount", fix="drop lines that move nothing")

    @property
    def description(self) -> str:
        """Counterparty and memo, as one text for reports."""
        return " / ".join(t for t in (self.counterparty, self.memo) if t)


def _lines(value: Sequence[StatementLine]) -> tuple[StatementLine, ...]:
    return tuple(value)


@attrs.frozen
class Skipped:
    """A row of a statement file that the reader left out on purpose, and why (a closed or
    refunded wallet transaction, a row moving 0.00, one its profile marks as neither in nor
    out), so the import can report it."""

    source_line: int
    reason: str


def _skipped(value: Sequence[Skipped]) -> tuple[Skipped, ...]:
    return tuple(value)


def _texts(value: Sequence[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Statement:
    """A bank's statement of one account: opening and closing booked balances and the lines.

    ``first_day`` and ``last_day`` are the period it covers (camt.053 states it; for a CSV they
    are its first and last booking dates). Constructing one checks that the opening balance plus
    the lines equals the closing balance, and each running balance given on the way.

    ``balances_known`` is False for a CSV without a balance column: its opening is then taken
    from the stored history (``plan_continuation``) and its zero opening here means nothing.
    ``reader`` says how the file was read (``csv:icbc``, ``camt.053``); ``skipped`` lists the
    rows left out on purpose and ``notes`` what the reader assumed where the file was silent
    (a balance without its credit/debit indicator read as credit, say).
    """

    source: str
    statement_id: str
    opening: Money = attrs.field(validator=_money)
    closing: Money = attrs.field(validator=_money)
    lines: tuple[StatementLine, ...] = attrs.field(converter=_lines)
    first_day: dt.date
    last_day: dt.date
    bank_account: str = ""
    balances_known: bool = True
    reader: str = ""
    skipped: tuple[Skipped, ...] = attrs.field(default=(), converter=_skipped)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    def __attrs_post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidInput(f"statement {self.statement_id} ends on {self.last_day}, before "
                               f"it starts on {self.first_day}", file=self.source,
                               fix="check the statement's period")
        running = self.opening
        for line in self.lines:
            if line.amount.currency != self.opening.currency:
                raise InvalidInput(
                    f"this line is in {line.amount.currency} but the statement is in "
                    f"{self.opening.currency}", file=self.source, line=line.source_line,
                    field="amount", fix="import one statement per currency")
            running = running + line.amount
            if line.balance is not None and line.balance != running:
                raise InvalidInput(
                    f"the running balance {line.balance.format_grouped()} does not follow: "
                    f"the previous balance plus this line's {line.amount.format_grouped()} is "
                    f"{running.format_grouped()}, a gap of "
                    f"{(line.balance - running).format_grouped()}", file=self.source,
                    line=line.source_line, field="balance",
                    fix="a line is missing or altered above this one; export the statement again")
        if running != self.closing:
            raise InvalidInput(
                f"statement {self.statement_id} does not add up: opening "
                f"{self.opening.format_grouped()} plus its {len(self.lines)} lines is "
                f"{running.format_grouped()}, but the closing balance is "
                f"{self.closing.format_grouped()}, a gap of "
                f"{(self.closing - running).format_grouped()}", file=self.source,
                fix="a line is missing or altered; export the whole statement again")

    @property
    def currency(self) -> str:
        """The statement's currency."""
        return self.opening.currency


def without_balances(statement: Statement, opening: Money | None = None) -> Statement:
    """The statement with the balances its file gave dropped (redacted or not trustworthy):
    no running balances to check, its opening ``opening`` if given, else unknown (the stored
    history's), and its closing the opening plus its lines."""
    lines = [attrs.evolve(line, balance=None) for line in statement.lines]
    start = opening if opening is not None else Money.zero(statement.currency)
    total = sum((line.amount for line in lines), Money.zero(statement.currency))
    return attrs.evolve(statement, opening=start, closing=start + total, lines=lines,
                        balances_known=False)


def _content_key(line: StatementLine) -> str:
    balance = "" if line.balance is None else str(line.balance.fen)
    text = "\x1f".join((line.booked_on.isoformat(), str(line.amount.fen), line.amount.currency,
                        balance, line.counterparty, line.memo, line.payment_reference))
    return "h:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def line_keys(lines: Sequence[StatementLine]) -> list[str]:
    """The idempotency key of each line: ``r:`` and the bank's reference, or ``h:`` and a hash.

    Two lines with the same hash in one statement (two equal deposits on one day, with no
    running balance to tell them apart) are both real, so the second gets ``#2``, the third
    ``#3``: importing the statement again gives them the same keys again.
    """
    keys: list[str] = []
    seen: dict[str, int] = {}
    for line in lines:
        key = f"r:{line.reference}" if line.reference else _content_key(line)
        count = seen.get(key, 0) + 1
        seen[key] = count
        keys.append(key if count == 1 else f"{key}#{count}")
    return keys


@attrs.frozen
class StoredTail:
    """What the store knows of an account's bank history: the last stored line's key and the
    balance after it, and the last statement's id and last day (None when nothing is stored)."""

    balance: Money | None = None
    last_key: str | None = None
    statement_id: str | None = None
    last_day: dt.date | None = None


@attrs.frozen
class Continuation:
    """How a statement joins the stored history: ``skip`` leading lines are already recorded,
    and the rest are new, starting from ``opening``."""

    skip: int
    opening: Money

    def is_noop(self, statement: Statement) -> bool:
        """Whether every line of ``statement`` is already recorded."""
        return self.skip == len(statement.lines)


def plan_continuation(statement: Statement, keys: Sequence[str],
                      known: dict[str, tuple[int, dt.date, Money]],
                      tail: StoredTail, opening: Money | None = None) -> Continuation:
    """Check that ``statement`` continues the account's stored history and say what is new.

    ``known`` maps the keys of its lines already stored to (line id, booking date, amount).
    Already-recorded lines must come first (an overlapping statement); a known key with another
    date or amount is a conflict; and the balance the new lines start from must be the stored
    history's last balance: otherwise the statement is refused with the gap. ``opening`` is
    the balance a statement without balances starts from, given by the user (``--opening``).
    """
    skip = 0
    running = statement.opening
    for key, line in zip(keys, statement.lines, strict=True):
        stored = known.get(key)
        if stored is None:
            break
        _check_same(statement, line, key, stored)
        running = running + line.amount
        skip += 1
    for key, line in zip(keys[skip:], statement.lines[skip:], strict=True):
        if key in known:
            raise ConflictError(
                f"line {key[2:18]} is already recorded, but a line before it in this statement "
                "is not: the statement does not agree with the one stored", file=statement.source,
                line=line.source_line,
                fix="import statements in date order; check for a line the bank added later",
                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
    if skip and skip == len(statement.lines):
        return Continuation(skip, running)
    if tail.balance is None:
        if not statement.balances_known:
            if opening is not None:
                return Continuation(skip, opening)
            raise InvalidInput(
                f"{statement.source} gives no balances and no earlier statement of the account "
                "is stored, so its opening balance is unknown", file=statement.source,
                field="opening", fix="give it with --opening AMOUNT, export the statement with "
                "its balance column (余额), or import an earlier statement with balances first")
        return Continuation(skip, running)
    if skip and keys[skip - 1] != tail.last_key:
        raise RefusedByRule(
            f"statement {statement.statement_id} overlaps the stored history but does not "
            "continue from its last line", file=statement.source,
            line=statement.lines[skip].source_line,
            fix="import statements in date order, each starting where the last one ended")
    if not statement.balances_known and opening is None:
        return Continuation(skip, tail.balance)
    if not statement.balances_known:
        running = opening + sum((x.amount for x in statement.lines[:skip]),
                                Money.zero(statement.currency))
    if running != tail.balance:
        gap = running - tail.balance
        raise RefusedByRule(
            f"statement {statement.statement_id} starts from {running.format_grouped()}, but "
            f"the previous statement {tail.statement_id} (to {tail.last_day}) closed at "
            f"{tail.balance.format_grouped()}: a gap of {gap.format_grouped()}",
            file=statement.source,
            fix="import the missing statement in between first, or check the opening balance")
    return Continuation(skip, running)


def _check_same(statement: Statement, line: StatementLine, key: str,
                stored: tuple[int, dt.date, Money]) -> None:
    line_id, day, amount = stored
    if (day, amount) != (line.booked_on, line.amount):
        raise ConflictError(
            f"bank reference {key[2:]} is already recorded (line {line_id}) with "
            f"{day} {amount.format_grouped()}, but this statement says {line.booked_on} "
            f"{line.amount.format_grouped()}", file=statement.source, line=line.source_line,
            field="reference", fix="the bank's references must not change; ask the bank",
            code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
