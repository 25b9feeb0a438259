"""Clearing and collecting public revenue (清、收): sharing rules, collections split to the fen,
the quarterly maintenance set-aside, and the clearing inventory of a compound's resources.

Public revenue belongs to the owners (Civil Code art. 282). Every income goes into the compound's
co-managed account; a sharing rule may give an operator or firm a commission on it, capped at a
rate the owners set, and at least a share of what is left (50% unless the rule says more) is set
aside into the maintenance fund each quarter. Everything here is pure: values in, entries out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from commons.allocation import allocate
from commons.errors import ErrorCode, InvalidInput, RefusedByRule
from commons.estate.resource import ResourceKind
from commons.fields import parse_id
from commons.files import Row
from commons.ledger.journal import Entry, Posting
from commons.money import CURRENCY, Money
from commons.periods import Period, read_date

__all__ = [
    "BANK",
    "COMMISSION",
    "DEFAULT_MAINTENANCE_PERCENT",
    "DEFAULT_MAX_COMMISSION_PERCENT",
    "INCOME_BY_KIND",
    "MAINTENANCE_FUND",
    "OPENING_BALANCE",
    "OWED_TO_OPERATOR",
    "OWNERS_FUND",
    "ClearReport",
    "Collection",
    "Quarter",
    "QuarterDue",
    "ResourceEarning",
    "SharingRule",
    "UnattributedIncome",
    "account_of",
    "clear_since",
    "default_rule",
    "income_account",
    "opening_entry",
    "parse_percent",
    "quarter_dues",
    "rule_on",
    "set_aside_entry",
]

BANK = "assets:bank:co-managed"
COMMISSION = "expenses:operator-commission"
OWED_TO_OPERATOR = "liabilities:payable:operator"
OWNERS_FUND = "equity:owners-fund"
MAINTENANCE_FUND = "equity:maintenance-fund"
OPENING_BALANCE = "equity:opening-balance"

# The owners may set another cap; without one, a commission above 30% is refused.
DEFAULT_MAX_COMMISSION_PERCENT = Decimal(30)
DEFAULT_MAINTENANCE_PERCENT = Decimal(50)

INCOME_BY_KIND: Mapping[ResourceKind, str] = {
    ResourceKind.PARKING: "income:parking",
    ResourceKind.ADVERTISING: "income:advertising",
    ResourceKind.ROOM: "income:rent",
    ResourceKind.KIOSK: "income:rent",
    ResourceKind.LOCKER: "income:rent",
    ResourceKind.BASE_STATION: "income:services",
}

_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def account_of(prefix: str, compound: str) -> str:
    """A chart account of one compound: ``assets:bank:co-managed`` -> ``...:wjxc``."""
    return f"{prefix}:{compound}"


def income_account(kind: ResourceKind, compound: str) -> str:
    """The income account of a resource of ``kind`` in ``compound`` (``income:parking:wjxc``)."""
    return account_of(INCOME_BY_KIND[kind], compound)


def parse_percent(text: str | Decimal | int) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals: ``10``, ``12.5``, ``12.5%``."""
    fix = "write a number from 0 to 100 with at most two decimals, e.g. 10 or 12.5"
    if isinstance(text, Decimal) or type(text) is int:
        value = Decimal(text)
    elif isinstance(text, str):
        s = unicodedata.normalize("NFKC", text).strip().removesuffix("%").strip()
        if "e" in s.lower():
            raise InvalidInput(f"{text!r} is not a plain percentage", fix=fix,
                               code=ErrorCode.INVALID_AMOUNT)
        try:
            value = Decimal(s)
        except InvalidOperation:
            raise InvalidInput(f"{text!r} is not a percentage", fix=fix,
                               code=ErrorCode.INVALID_AMOUNT) from None
    else:
        raise InvalidInput(f"percentage {text!r} is a {type(text).__name__}, not text", fix=fix,
                           code=ErrorCode.INVALID_AMOUNT)
    if not value.is_finite() or value != value.quantize(_CENT):
        raise InvalidInput(f"{text!r} is not a percentage with at most two decimals", fix=fix,
                           code=ErrorCode.INVALID_AMOUNT)
    if not 0 <= value <= _HUNDRED:
        raise InvalidInput(f"{text}% is not between 0 and 100", fix=fix,
                           code=ErrorCode.INVALID_AMOUNT)
    return value


@attrs.frozen
class SharingRule:
    """How a compound's income is shared from ``effective_from`` on: the operator's or firm's
    commission (never above ``max_commission_percent``) and the share of the net revenue set
    aside into the maintenance fund each quarter (at least ``maintenance_percent``)."""

    compound: str
    effective_from: dt.date
    commission_percent: Decimal = attrs.field(converter=parse_percent)
    max_commission_percent: Decimal = attrs.field(default=DEFAULT_MAX_COMMISSION_PERCENT,
                                                  converter=parse_percent)
    maintenance_percent: Decimal = attrs.field(default=DEFAULT_MAINTENANCE_PERCENT,
                                               converter=parse_percent)

    def __attrs_post_init__(self) -> None:
        if self.commission_percent > self.max_commission_percent:
            raise RefusedByRule(
                f"a commission of {self.commission_percent}% on {self.compound}'s public revenue "
                f"is above the cap of {self.max_commission_percent}%", field="commission",
                fix="agree a commission within the cap, or have the owners raise the cap")

    def split(self, amount: Money) -> tuple[Money, Money]:
        """``amount`` as (commission, owners' share), exactly: the two sum to it, to the fen."""
        rate = Fraction(self.commission_percent)
        parts = allocate(amount, {"commission": rate, "owners": 100 - rate})
        return parts["commission"], parts["owners"]

    def maintenance_due(self, net: Money) -> Money:
        """The least that must be set aside from ``net`` revenue: its share, rounded up to the
        fen so that the set-aside is never below the share."""
        if net.fen <= 0:
            return Money.zero(net.currency)
        return Money(math.ceil(net.fen * Fraction(self.maintenance_percent) / 100), net.currency)


def default_rule(compound: str) -> SharingRule:
    """The rule of a compound that has none: no commission, half set aside."""
    return SharingRule(compound, dt.date.min, Decimal(0))


def rule_on(rules: Iterable[SharingRule], day: dt.date) -> SharingRule | None:
    """The rule in effect on ``day``: the one with the latest ``effective_from`` not after it."""
    effective = [r for r in rules if r.effective_from <= day]
    return max(effective, key=lambda r: r.effective_from) if effective else None


@attrs.frozen(order=True)
class Quarter:
    """A calendar quarter, written ``2026-Q4``."""

    year: int
    number: int

    def __attrs_post_init__(self) -> None:
        if not (1 <= self.number <= 4 and 1900 <= self.year <= 9999):
            raise InvalidInput(f"quarter {self.year}-Q{self.number} does not exist",
                               fix="write a quarter as YYYY-Qn, e.g. 2026-Q4",
                               code=ErrorCode.INVALID_DATE)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """A quarter written ``YYYY-Qn``, e.g. ``2026-Q4``."""
        m = _QUARTER.fullmatch(text.strip())
        if not m:
            raise InvalidInput(f"{text!r} is not a quarter in the form YYYY-Qn",
                               fix="write a quarter as YYYY-Qn, e.g. 2026-Q4",
                               code=ErrorCode.INVALID_DATE)
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        """The quarter's first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        """The quarter's last day."""
        return Period(self.year, 3 * self.number).last_day

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.number}"


@attrs.frozen
class QuarterDue:
    """What a quarter owes the maintenance fund: its income, the commission on it, the net
    public revenue, the share in effect, the least to set aside, and what has been set aside."""

    quarter: Quarter
    income: Money
    commission: Money
    percent: Decimal
    required: Money
    set_aside: Money

    @property
    def net(self) -> Money:
        """The quarter's income less the commission: what the set-aside is a share of."""
        return self.income - self.commission

    @property
    def outstanding(self) -> Money:
        """Still to set aside (never negative: setting aside more than the share is fine)."""
        short = self.required - self.set_aside
        return short if short.fen > 0 else Money.zero(short.currency)


def quarter_dues(compound: str, monthly: Mapping[str, tuple[int, int]],
                 rules: Sequence[SharingRule],
                 set_aside: Mapping[str, int]) -> dict[Quarter, QuarterDue]:
    """Each quarter's maintenance due, from the income and commission fen booked per month
    (``YYYY-MM`` -> (income, commission)) and the fen already set aside per quarter.

    A quarter's share is the rule in effect on its first day, so a rule that starts mid-quarter
    never changes what an earlier part of that quarter owed.
    """
    sums: dict[Quarter, tuple[int, int]] = {}
    for month, (income, commission) in monthly.items():
        quarter = Quarter.of(Period.parse(month).first_day)
        before = sums.get(quarter, (0, 0))
        sums[quarter] = (before[0] + income, before[1] + commission)
    for text in set_aside:
        sums.setdefault(Quarter.parse(text), (0, 0))
    dues = {}
    for quarter, (income, commission) in sorted(sums.items()):
        rule = rule_on(rules, quarter.first_day) or default_rule(compound)
        net = Money(income - commission)
        dues[quarter] = QuarterDue(quarter, Money(income), Money(commission),
                                   rule.maintenance_percent, rule.maintenance_due(net),
                                   Money(set_aside.get(str(quarter), 0)))
    return dues


def _positive_amount(text: str) -> Money:
    amount = Money.parse(text)
    if amount.fen <= 0:
        raise InvalidInput(f"amount {text!r} is not positive",
                           fix="record each income as a positive amount; correct one with a "
                               "reversal in the ledger", code=ErrorCode.INVALID_AMOUNT)
    return amount


@attrs.frozen
class Collection:
    """One income of public revenue, as a collections CSV row records it."""

    external_id: str
    date: dt.date
    compound: str
    resource: str
    period: Period
    amount: Money
    payer: str = ""
    memo: str = ""

    HEADER = ("external_id", "date", "compound", "resource", "period", "amount")
    OPTIONAL = ("payer", "memo")

    @classmethod
    def from_row(cls, row: Row) -> Collection:
        """One row of an income CSV (see ``HEADER`` and ``OPTIONAL``); errors name the field."""
        return cls(
            external_id=row.parse("external_id", parse_id),
            date=row.parse("date", read_date),
            compound=row.parse("compound", parse_id),
            resource=row.parse("resource", parse_id),
            period=row.parse("period", Period.parse),
            amount=row.parse("amount", _positive_amount),
            payer=row.text("payer", required=False),
            memo=row.text("memo", required=False),
        )

    def entry(self, kind: ResourceKind, rule: SharingRule, *, actor: str = "") -> Entry:
        """The journal entry: the income into the co-managed account and, when the rule gives
        one, the commission owed to the operator, split exactly from the income."""
        c = self.compound
        commission, _ = rule.split(self.amount)
        postings = [Posting(account_of(BANK, c), self.amount),
                    Posting(income_account(kind, c), -self.amount)]
        if commission:
            postings += [Posting(account_of(COMMISSION, c), commission),
                         Posting(account_of(OWED_TO_OPERATOR, c), -commission)]
        memo = " ".join(part for part in (self.memo, f"payer: {self.payer}" if self.payer
                                          else "") if part)
        return Entry(self.date, memo or f"{kind.value} income", tuple(postings),
                     self.external_id, actor, self.resource, str(self.period), c)


def opening_entry(compound: str, amount: Money, day: dt.date, *, actor: str = "") -> Entry:
    """The verified opening balance of the co-managed account, once per compound."""
    return Entry(day, "verified opening balance of the co-managed account",
                 (Posting(account_of(BANK, compound), amount),
                  Posting(account_of(OPENING_BALANCE, compound), -amount)),
                 f"opening:{compound}", actor, None, str(Period.of(day)), compound)


def set_aside_entry(compound: str, quarter: Quarter, amount: Money, *, top_up: int = 0,
                    actor: str = "") -> Entry:
    """Move ``amount`` of the owners' fund into the maintenance fund for ``quarter``; a later
    top-up (income booked into the quarter after its set-aside) gets its own external id."""
    suffix = f":top-up-{top_up}" if top_up else ""
    return Entry(quarter.last_day, f"maintenance-fund set-aside for {quarter}",
                 (Posting(account_of(OWNERS_FUND, compound), amount),
                  Posting(account_of(MAINTENANCE_FUND, compound), -amount)),
                 f"set-aside:{compound}:{quarter}{suffix}", actor, None, str(quarter), compound)


def clear_since(as_of: dt.date) -> dt.date:
    """The first day of the twelve months that end on ``as_of``."""
    try:
        year_before = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February: a year before is 28 February
        year_before = as_of.replace(year=as_of.year - 1, day=28)
    return year_before + dt.timedelta(days=1)


@attrs.frozen
class ResourceEarning:
    """What one resource earned in the clearing window (zero for an idle one)."""

    resource: str
    kind: ResourceKind
    tidal: bool
    earned: Money
    entries: int


@attrs.frozen
class UnattributedIncome:
    """An income entry of the compound that names no resource, or one the estate does not
    list for this compound."""

    entry_id: int
    date: dt.date
    external_id: str
    memo: str
    resource: str | None
    amount: Money

    @property
    def reason(self) -> str:
        """Why the income is not attributed to a resource of the compound."""
        if self.resource is None:
            return "names no resource"
        return f"names {self.resource}, not a resource of this compound"


@attrs.frozen
class ClearReport:
    """The clearing (清) of one compound as of a date: every resource with what it earned in
    the twelve months to ``as_of``, the idle ones, income that names no resource, and the
    verified opening balance (``opening_status``: posted, already recorded, or none)."""

    compound: str
    as_of: dt.date
    since: dt.date
    resources: tuple[ResourceEarning, ...]
    unattributed: tuple[UnattributedIncome, ...]
    opening: Money | None = None
    opening_status: str = "none"

    @property
    def idle(self) -> tuple[ResourceEarning, ...]:
        """The resources that earned nothing in the window."""
        return tuple(r for r in self.resources if not r.earned)

    @property
    def earned(self) -> Money:
        """What the compound's resources earned in the window."""
        return sum((r.earned for r in self.resources), Money.zero(CURRENCY))

    @property
    def unattributed_total(self) -> Money:
        """The income that names no resource of the compound."""
        return sum((u.amount for u in self.unattributed), Money.zero(CURRENCY))
