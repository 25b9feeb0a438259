"""The journal entries of volunteer points, in the unit ``PTS`` beside the yuan.

For programme P: points issued are debited to ``expenses:points:P:issued`` and credited to each
holder's ``liabilities:points:P:held:PERSON``; spending debits the holder and credits
``income:points:P:redeemed``; expiry credits ``income:points:P:expired``. Every entry balances
per unit, so issued = held + spent + expired always. The sponsor fund is yuan in
``assets:points-fund:P``; a redemption at a marketplace provider moves its yuan value from the
order's payment channel to ``assets:receivable:points-fund:P``, and the provider's settlement
pays it from the fund; a refund of the order gives points and value back (``return_entry``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping

from commons.ledger.journal import Entry, Posting, Prepared, prepared_of
from commons.money import Money
from commons.points.model import UNIT

__all__ = [
    "accounts_of",
    "expiry_entry",
    "funding_entry",
    "held",
    "issue_entry",
    "payout_entry",
    "people_sums",
    "redemption_entry",
    "return_entry",
    "transfer_entry",
]


def held(programme: str, person: str) -> str:
    """The account of ``person``'s points in ``programme``."""
    return f"liabilities:points:{programme}:held:{person}"


def accounts_of(programme: str) -> dict[str, str]:
    """The programme's own accounts, by role."""
    return {"issued": f"expenses:points:{programme}:issued",
            "redeemed": f"income:points:{programme}:redeemed",
            "expired": f"income:points:{programme}:expired",
            "fund": f"assets:points-fund:{programme}",
            "funded": f"equity:points-fund:{programme}",
            "due": f"assets:receivable:points-fund:{programme}",
            "reimbursed": f"expenses:points-fund:{programme}:reimbursed"}


@functools.lru_cache(maxsize=4096)
def _pts(count: int) -> Money:
    """``count`` points as a value: a roster's 100,000 holders earn a few dozen distinct
    counts, and a Money is immutable, so each count is built once."""
    return Money(count, UNIT)


def _to_holders(programme: str, by_person: Mapping[str, int], sign: int) -> list[Posting]:
    return [Posting(held(programme, p), _pts(sign * n)) for p, n in sorted(by_person.items())
            if n]


def issue_entry(programme: str, roster: str, by_person: Mapping[str, int], on: dt.date,
                actor: str) -> Prepared:
    """The points a confirmed roster issues, one credit per person: built as plain legs, as a
    roster credits up to 100,000 holders in one entry."""
    total = sum(by_person.values())
    return prepared_of(on, f"points issued from roster {roster}",
                       [(accounts_of(programme)["issued"], total, UNIT),
                        *((held(programme, p), -n, UNIT) for p, n in sorted(by_person.items())
                          if n)],
                       f"points:roster:{programme}:{roster}", actor)


def redemption_entry(programme: str, id: str, person: str, points: int, on: dt.date,
                     memo: str, actor: str, *, value: Money | None = None,
                     channel_account: str | None = None) -> Entry:
    """Points spent; at a provider also the yuan ``value`` moved from the payment channel's
    account to the receivable from the sponsor fund."""
    names = accounts_of(programme)
    legs = [Posting(held(programme, person), _pts(points)),
            Posting(names["redeemed"], _pts(-points))]
    if value is not None and value.fen and channel_account is not None:
        legs += [Posting(names["due"], value), Posting(channel_account, -value)]
    return Entry(on, memo, tuple(legs), f"points:redeem:{programme}:{id}", actor)


def return_entry(programme: str, order: str, person: str, points: int, on: dt.date,
                 actor: str, *, value: Money, channel_account: str, period: str) -> Prepared:
    """A refund of marketplace ``order`` giving back what a redemption spent on it: the reverse
    of ``redemption_entry`` for ``points`` and their yuan ``value`` (the receivable from the
    sponsor fund back to the payment channel). Plain legs, as the marketplace's feed posts."""
    names = accounts_of(programme)
    legs = [(names["redeemed"], points, UNIT), (held(programme, person), -points, UNIT),
            (channel_account, value.fen, value.currency),
            (names["due"], -value.fen, value.currency)]
    return prepared_of(on, f"points of {person} given back by the refund of order {order}",
                       [leg for leg in legs if leg[1]], f"points:return:{programme}:{order}",
                       actor, period)


def transfer_entry(programme: str, id: str, giver: str, taker: str, points: int, on: dt.date,
                   actor: str) -> Entry:
    """Points moved from one holder to another."""
    return Entry(on, f"points transferred from {giver} to {taker}",
                 (Posting(held(programme, giver), _pts(points)),
                  Posting(held(programme, taker), _pts(-points))),
                 f"points:transfer:{programme}:{id}", actor)


def expiry_entry(programme: str, key: str, by_person: Mapping[str, int], as_of: dt.date,
                 actor: str) -> Entry:
    """Expired points moved from their holders to the programme's expired account."""
    total = sum(by_person.values())
    return Entry(as_of, f"points expired as of {as_of}",
                 (*_to_holders(programme, by_person, 1),
                  Posting(accounts_of(programme)["expired"], _pts(-total))),
                 f"points:expire:{programme}:{key}", actor)


def funding_entry(programme: str, sponsor: str, fund: Money, on: dt.date, actor: str) -> Entry:
    """The sponsor's fund paid into the programme."""
    names = accounts_of(programme)
    return Entry(on, f"sponsor fund of points programme {programme} from {sponsor}",
                 (Posting(names["fund"], fund), Posting(names["funded"], -fund)),
                 f"points:fund:{programme}", actor)


def payout_entry(programme: str, provider: str, period: str, value: Money, on: dt.date,
                 transfers_account: str, actor: str) -> Entry:
    """At a provider's settlement: the fund pays the yuan value of the month's redemptions,
    which reaches the marketplace's transfers account and settles the receivable."""
    names = accounts_of(programme)
    return Entry(on, f"sponsor fund pays {provider} for points redeemed in {period}",
                 (Posting(transfers_account, value), Posting(names["due"], -value),
                  Posting(names["reimbursed"], value), Posting(names["fund"], -value)),
                 f"points:payout:{programme}:{provider}:{period}", actor, period=period)


def people_sums(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Points summed per person."""
    sums: dict[str, int] = {}
    for person, points in pairs:
        sums[person] = sums.get(person, 0) + points
    return sums
