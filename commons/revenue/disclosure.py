"""The disclosure statement (公示) of one compound's public revenue for a month or a quarter.

Built from ledger values only: the postings of the compound's ``income:*`` and ``expenses:*``
accounts in the period, and the balance of its co-managed bank account before and after. Who
authorised each spending comes from an ``AuthorityLookup`` the caller passes (the public-revenue
work keeps the resolutions); without one, the authority column stays empty. Rendering to text,
HTML or JSON is pure too: values in, text out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.ledger.accounts import is_firms_own
from commons.ledger.rules import ChainHead
from commons.money import Money

__all__ = [
    "AuthorityLookup",
    "DisclosedIncome",
    "DisclosedSpending",
    "Disclosure",
    "DisclosurePeriod",
    "PeriodPosting",
    "SpendingAuthority",
    "build_disclosure",
    "no_authority",
    "purpose_label",
]

_QUARTER = re.compile(r"([0-9]{4})-?[Qq]([1-4])")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@attrs.frozen
class DisclosurePeriod:
    """A month (``2026-10``) or a quarter (``2026-Q4``): its label and first and last day."""

    label: str
    first_day: dt.date
    last_day: dt.date

    @classmethod
    def parse(cls, text: str) -> DisclosurePeriod:
        """A month ``2026-10`` or a quarter ``2026-Q4``."""
        s = text.strip()
        if m := _QUARTER.fullmatch(s):
            year, quarter = int(m.group(1)), int(m.group(2))
            first = dt.date(year, 3 * quarter - 2, 1)
            after = dt.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
            return cls(f"{year}-Q{quarter}", first, after - dt.timedelta(days=1))
        if (m := _MONTH.fullmatch(s)) and 1 <= int(m.group(2)) <= 12:
            year, month = int(m.group(1)), int(m.group(2))
            after = dt.date(year + month // 12, month % 12 + 1, 1)
            return cls(f"{year}-{month:02d}", dt.date(year, month, 1),
                       after - dt.timedelta(days=1))
        raise InvalidInput(f"{text!r} is not a period in the form YYYY-MM or YYYY-Qn",
                           field="--period", fix="write e.g. 2026-10 or 2026-Q4",
                           code=ErrorCode.INVALID_DATE)


@attrs.frozen
class SpendingAuthority:
    """What authorised a spending: an owners' ``resolution`` (its id), or a ``committee``
    decision within the limit the assembly set; and who signed the payment."""

    kind: str
    resolution: str | None = None
    approvers: tuple[str, ...] = ()


AuthorityLookup = Callable[[int], SpendingAuthority | None]
"""The authority of the spending posted as entry ``id``, or None when none is recorded."""


def no_authority(_entry_id: int) -> SpendingAuthority | None:
    """The lookup used until resolutions are linked to disbursements: none is known."""
    return None


@attrs.frozen
class DisclosedIncome:
    """Income of one source (``parking``, ``advertising``...) in the period."""

    source: str
    amount: Money


@attrs.frozen
class DisclosedSpending:
    """One spending: the entry, its date, purpose and memo, the amount and its authority."""

    entry_id: int
    date: dt.date
    purpose: str
    memo: str
    amount: Money
    authority: SpendingAuthority | None = None


@attrs.frozen
class Disclosure:
    """The statement: income by source, each spending with its authority, and the balance of
    the co-managed account at the start and end. ``other`` is what moved the account besides
    income and spending (transfers, opening balances), so the statement always adds up."""

    compound: str
    period: DisclosurePeriod
    account: str
    opening: Money
    closing: Money
    income: tuple[DisclosedIncome, ...]
    spending: tuple[DisclosedSpending, ...]
    # The journal's head when the statement was made, so a reader can check later that the
    # books still hold it (``audit verify --head``); signed where the host has a key.
    head: ChainHead = attrs.field(factory=ChainHead)
    signature: str | None = None

    @property
    def income_total(self) -> Money:
        """All income of the period."""
        return sum((i.amount for i in self.income), Money.zero(self.opening.currency))

    @property
    def spending_total(self) -> Money:
        """All spending of the period."""
        return sum((s.amount for s in self.spending), Money.zero(self.opening.currency))

    @property
    def other(self) -> Money:
        """What else moved the co-managed account (bank charges, interest ...), so
        that opening plus income less spending plus other is the closing balance."""
        return self.closing - self.opening - self.income_total + self.spending_total

    def spending_by_purpose(self) -> dict[str, Money]:
        """Spending summed by purpose."""
        out: dict[str, Money] = {}
        for s in self.spending:
            out[s.purpose] = out.get(s.purpose, Money.zero(s.amount.currency)) + s.amount
        return out


def _word(account: str, compound: str) -> str:
    """``income:parking:wjxc`` -> ``parking``: the account without its type and compound."""
    parts = account.split(":")[1:]
    if parts and parts[-1] == compound:
        parts = parts[:-1]
    return ":".join(parts) or account


# One posting of the period: (entry id, date, account, fen, currency, memo).
PeriodPosting = tuple[int, dt.date, str, int, str, str]


def build_disclosure(compound: str, period: DisclosurePeriod, *, account: str,
                     opening: Money, closing: Money, postings: Iterable[PeriodPosting],
                     authority: AuthorityLookup = no_authority) -> Disclosure:
    """The statement from the period's income and expense postings of the compound.

    Income is credited (negative fen), so its amount is shown negated; a reversal shows as
    negative income or spending, never hidden.
    """
    income: dict[str, Money] = {}
    spending = []
    for entry_id, day, name, fen, currency, memo in postings:
        if is_firms_own(name):
            continue
        if name.startswith("income:"):
            source = _word(name, compound)
            income[source] = income.get(source, Money.zero(currency)) - Money(fen, currency)
        elif name.startswith("expenses:"):
            spending.append(DisclosedSpending(entry_id, day, _word(name, compound), memo,
                                         Money(fen, currency), authority(entry_id)))
    return Disclosure(compound, period, account, opening, closing,
                      tuple(DisclosedIncome(s, m) for s, m in sorted(income.items())),
                      tuple(sorted(spending, key=lambda s: (s.date, s.entry_id))))


LABELS_ZH: Mapping[str, str] = {
    "parking": "停车收益", "advertising": "广告收益", "rent": "场地租赁", "services": "服务收益",
    "interest": "利息收入", "cleaning": "保洁", "repairs": "维修", "greening": "绿化",
    "security": "秩序维护", "bank-charges": "银行手续费", "operator-commission": "运营方佣金",
    "marketplace": "社区服务分成",
}


def purpose_label(word: str, lang: str) -> str:
    """A source or purpose as the statement names it (Chinese by default)."""
    return LABELS_ZH.get(word, word) if lang == "zh" else word.replace("-", " ")
