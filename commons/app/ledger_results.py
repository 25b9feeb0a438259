"""What the ledger's use cases return besides balances: a post's summary, an account's trail, a
closed month and the chain's verification.

Kept apart from ``commons.app.ledger`` so that a balance, which a command must answer within
0.1 s, does not build these classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import datetime as dt

    from commons.ledger.problems import VerifyProblem
    from commons.money import Money
    from commons.periods import Period

__all__ = ["PeriodClosed", "PostSummary", "RecordedHead", "TrailLine", "VerifyReport"]


@attrs.frozen
class PostSummary:
    """What a post did: how many entries were posted and how many were already recorded.

    ``refused`` is always 0 here: a post with a refused line changes nothing and raises.
    """

    posted: int
    already_recorded: int
    refused: int
    head_hash: str


@attrs.frozen
class TrailLine:
    """One posting of an account's trail, with the account's running balance after it."""

    entry_id: int
    date: str
    memo: str
    amount: Money
    balance: Money
    external_id: str
    actor: str
    reverses: int | None
    hash: str


@attrs.frozen
class PeriodClosed:
    """A month closed by ``ledger.close_period``; ``newly_closed`` is False if it already was."""

    period: Period
    newly_closed: bool


@attrs.frozen
class RecordedHead:
    """Where a recorded head (a printed disclosure's, a manifest's) sits on today's chain:
    entry ``entry`` of ``date`` has its hash, and ``appended`` entries were recorded since, so
    the books it was made from are the first ``entry`` entries of today's."""

    entry: int
    date: dt.date
    appended: int


@attrs.frozen
class VerifyReport:
    """What ``audit verify`` found: ``entries`` is the id of the last entry walked (the chain's
    length when nothing is missing), ``head_hash`` its hash, which an auditor keeps;
    ``problems`` the faults found, each a ``VerifyProblem`` (kind, entry id, detail)."""

    ok: bool
    entries: int
    head_hash: str
    problems: tuple[VerifyProblem, ...]
    # With a recorded head searched on the chain (``verify(head=...)``): the entry that has it.
    recorded: RecordedHead | None = None
