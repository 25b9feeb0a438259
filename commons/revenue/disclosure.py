"""The disclosure statement (公示) of one compound's public revenue for a month or a quarter.

Built from ledger values only: the postings of the compound's ``income:*`` and ``expenses:*``
accounts in the period, and the balance of its co-managed bank account before and after. Who
authorised each spending comes from an ``AuthorityLookup`` the caller passes (the public-revenue
work keeps the resolutions); a spending no lookup knows is covered by a standing rule where one
exists (bank charges under the account agreement), else its authority stays unrecorded. What the
page carries besides the figures (the compound's name, the bank, the publication date and the
objection period, who signs) is a ``DisclosureNotice`` and a ``DisclosedPlace``. Rendering to
text, HTML or JSON is pure too: values in, text out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from commons.errors import ErrorCode, InvalidInput
from commons.ledger.accounts import is_firms_own
from commons.ledger.labels import LABELS
from commons.ledger.rules import ChainHead
from commons.money import Money

__all__ = [
    "DEFAULT_OBJECTION_DAYS",
    "ROLES_ZH",
    "SECTIONS",
    "STANDING_RULES",
    "AuthorityLookup",
    "DisclosedIncome",
    "DisclosedPlace",
    "DisclosedSpending",
    "Disclosure",
    "DisclosureNotice",
    "DisclosurePeriod",
    "PeriodPosting",
    "Signatories",
    "SpendingAuthority",
    "build_disclosure",
    "check_published",
    "mask_account_number",
    "no_authority",
    "purpose_label",
    "role_label",
    "standing_authority",
]

_QUARTER = re.compile(r"([0-9]{4})-?[Qq]([1-4])")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
DEFAULT_OBJECTION_DAYS = 7
MAX_OBJECTION_DAYS = 90  # a quarter: longer, and the next statement is posted first
MAX_NOTICE_TEXT = 200  # characters of a contact or a signatory: one line of a printed page
# The sections every rendering shows, in order: the text's headings, the HTML's <section>s
# and the JSON's "sections" list (each also a key of the JSON) all follow it.
SECTIONS = ("publication", "bank", "opening_balance", "income", "spending",
            "spending_by_purpose", "set_asides", "closing_balance", "signatures", "verification")


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



def check_published(period: DisclosurePeriod, published_on: dt.date, *,
                    defaulted: bool) -> None:
    """Refuse a statement published before ``period``'s last day: its figures could still
    change, and residents would read a quarter as closed while it is still running.
    ``defaulted``: ``published_on`` is today because no date was given."""
    if published_on >= period.last_day:
        return
    given = (f"today, {published_on}," if defaulted
             else f"the publication date {published_on}")
    raise InvalidInput(f"{given} is before {period.label} ends on {period.last_day}: a "
                       "disclosure of a period still running cannot be published",
                       field="--published", code=ErrorCode.INVALID_DATE,
                       fix=f"give --published {period.last_day} or later (or disclose "
                           f"{period.label} once it has ended)")


@attrs.frozen
class SpendingAuthority:
    """What authorised a spending and who signed the payment: an owners' ``resolution`` (its
    id, title, the day its vote closed, whether it passed and the share of yes by owners and
    by area, as percent text), a ``committee`` decision within the limit the assembly set, or a
    ``standing`` rule (``rule``: e.g. the bank's account agreement) that covers the payment.
    ``approvers`` are ``(signer, role)`` pairs and ``approver_names`` the name each signer was
    recorded under (``revenue signer --name``; blank where none was), in the same order, so a
    page names the committee rather than its id; ``building`` is set when the owners of one
    building decided."""

    kind: str
    resolution: str | None = None
    approvers: tuple[tuple[str, str], ...] = ()
    approver_names: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    title: str = ""
    decided_on: dt.date | None = None
    passed: bool | None = None
    owners_percent: str = ""
    area_percent: str = ""
    building: str | None = None
    rule: str | None = None

    def __attrs_post_init__(self) -> None:
        assert not self.approver_names or len(self.approver_names) == len(self.approvers), \
            "one name (blank for none) per approver"

    @property
    def named_approvers(self) -> tuple[tuple[str, str, str], ...]:
        """``(signer, role, name)`` for each approver, the name blank where none was recorded."""
        names = self.approver_names or ("",) * len(self.approvers)
        return tuple((who, role, name)
                     for (who, role), name in zip(self.approvers, names, strict=True))

    @property
    def signed_by(self) -> tuple[tuple[str, str], ...]:
        """``(who, role)`` for each approver as a page names them: the recorded name, else the
        signer's id."""
        return tuple((name or who, role) for who, role, name in self.named_approvers)


AuthorityLookup = Callable[[int], SpendingAuthority | None]
"""The authority of the spending posted as entry ``id``, or None when none is recorded."""


def no_authority(_entry_id: int) -> SpendingAuthority | None:
    """The lookup used until resolutions are linked to disbursements: none is known."""
    return None


# Purposes a standing rule covers without a decision per payment: the bank takes its charges
# under the account agreement the owners' assembly approved when it opened the account.
STANDING_RULES: Mapping[str, str] = {"bank-charges": "bank-account-agreement"}


def standing_authority(purpose: str) -> SpendingAuthority | None:
    """The standing rule that covers spending of ``purpose``, or None."""
    rule = STANDING_RULES.get(purpose)
    return None if rule is None else SpendingAuthority("standing", rule=rule)


def mask_account_number(number: str) -> str:
    """A bank account number as a posted page shows it: every character but the last four
    hidden, in groups of four so that it wraps on a phone (``**** **** 1234``)."""
    digits = "".join(number.split())
    if not digits:
        return ""
    hidden = "*" * max(len(digits) - 4, 0) + digits[-4:]
    cut = len(hidden) % 4
    groups = ([hidden[:cut]] if cut else []) + [hidden[i:i + 4]
                                                 for i in range(cut, len(hidden), 4)]
    return " ".join(groups)


def _one_line(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A notice's text: one line of at most ``MAX_NOTICE_TEXT`` characters."""
    if not isinstance(value, str) or len(value) > MAX_NOTICE_TEXT or "\n" in value.strip():
        raise InvalidInput(f"{attribute.name} must be one line of text of at most "
                           f"{MAX_NOTICE_TEXT} characters", field=attribute.name,
                           fix=f"write {attribute.name} as a short quoted string on one line")


@attrs.frozen
class Signatories:
    """Who signs the posted page: the owners' (or self-management) committee, the firm and
    the community. A blank name leaves a line to write it on."""

    committee: str = attrs.field(default="", validator=_one_line)
    firm: str = attrs.field(default="", validator=_one_line)
    community: str = attrs.field(default="", validator=_one_line)


def _objection_days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 1 <= value <= MAX_OBJECTION_DAYS:
        raise InvalidInput(f"objection period {value!r} is not a whole number of days from 1 "
                           f"to {MAX_OBJECTION_DAYS}", field="objection_days",
                           fix=f"give the days of the 公示期, e.g. {DEFAULT_OBJECTION_DAYS}")
    return value


@attrs.frozen
class DisclosureNotice:
    """What the committee prints on every statement besides the figures: the publication day,
    the 公示期 in days from it, whom to raise an objection with and how, and who signs."""

    published_on: dt.date
    objection_days: int = attrs.field(default=DEFAULT_OBJECTION_DAYS, converter=_objection_days)
    contact: str = attrs.field(default="", validator=_one_line)
    how_to_object: str = attrs.field(default="", validator=_one_line)
    signatories: Signatories = attrs.field(factory=Signatories)

    @property
    def objection_until(self) -> dt.date:
        """The last day of the 公示期 (the publication day is its first)."""
        return self.published_on + dt.timedelta(days=self.objection_days - 1)

    def overridden(self, *, objection_days: int | None = None, contact: str | None = None,
                   how_to_object: str | None = None) -> DisclosureNotice:
        """This notice with the options a user gave in place of the file's (None: keep the
        file's); a bad one is refused naming the option (``--objection-days``), not the
        attribute, since that is what the user typed."""
        try:
            return attrs.evolve(
                self, objection_days=self.objection_days if objection_days is None
                else objection_days, contact=self.contact if contact is None else contact,
                how_to_object=self.how_to_object if how_to_object is None else how_to_object)
        except InvalidInput as e:
            raise InvalidInput(e.what, fix=e.fix, code=e.code,
                               field="--" + (e.field or "").replace("_", "-")) from None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], published_on: dt.date) -> DisclosureNotice:
        """The notice a committee keeps (a TOML file's tables): ``objection_days``,
        ``contact``, ``how_to_object`` and a ``[signatures]`` table of ``committee``, ``firm``
        and ``community``; any other key is refused, naming it."""
        _only(data, ("objection_days", "contact", "how_to_object", "signatures"), "")
        signatures = data.get("signatures", {})
        if not isinstance(signatures, Mapping):
            raise InvalidInput("signatures must be a table", field="signatures",
                               fix="write [signatures] with committee, firm and community")
        _only(signatures, ("committee", "firm", "community"), "signatures.")
        return cls(published_on, data.get("objection_days", DEFAULT_OBJECTION_DAYS),
                   data.get("contact", ""), data.get("how_to_object", ""),
                   Signatories(**dict(signatures)))


def _only(data: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise InvalidInput(f"{where}{unknown[0]} is not a setting of the disclosure notice",
                           field=f"{where}{unknown[0]}",
                           fix=f"use only {', '.join(where + k for k in keys)}",
                           code=ErrorCode.INVALID_INPUT)


@attrs.frozen
class DisclosedPlace:
    """The compound as residents know it: its name, community and subdistrict (街道), and its
    co-managed bank account: the bank's name and the number, masked but for the last four."""

    compound: str
    name: str = ""
    community: str = ""
    subdistrict: str = ""
    bank: str = ""
    number_masked: str = ""


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


def _zero(instance: Any) -> Money:
    return Money.zero(instance.opening.currency)


@attrs.frozen
class Disclosure:
    """The statement: income by source, each spending with its authority, and the balance of
    the co-managed account at the start and end. ``opening_recorded`` is the verified opening
    balance entered in the period (a new account's first money), shown as its own line;
    ``set_aside`` is what the period moved into the maintenance fund and ``maintenance_fund``
    what that fund holds at the end, money in the account that is not free to spend. ``other``
    is what else moved the account (transfers between the compound's own accounts), so the
    statement always adds up."""

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
    opening_recorded: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    set_aside: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    maintenance_fund: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    place: DisclosedPlace = attrs.field(
        default=attrs.Factory(lambda d: DisclosedPlace(d.compound), takes_self=True))
    notice: DisclosureNotice | None = None

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
        """What else moved the co-managed account (transfers to the compound's other
        accounts ...), so that opening plus the verified opening recorded, plus income, less
        spending, plus other is the closing balance."""
        return (self.closing - self.opening - self.opening_recorded - self.income_total
                + self.spending_total)

    @property
    def free_balance(self) -> Money:
        """The closing balance less what the maintenance fund holds."""
        return self.closing - self.maintenance_fund

    def spending_by_purpose(self) -> dict[str, Money]:
        """Spending summed by purpose."""
        out: dict[str, Money] = {}
        for s in self.spending:
            out[s.purpose] = out.get(s.purpose, Money.zero(s.amount.currency)) + s.amount
        return out

    @property
    def figures_hash(self) -> str:
        """The sha256 of the statement's figures (compound, period, account, every amount,
        entry and authority), not of when it was made or published: the same period disclosed
        again gives the same hash while the books of the period are unchanged."""
        figures = {
            "compound": self.compound, "period": self.period.label, "account": self.account,
            "opening": self.opening.fen, "opening_recorded": self.opening_recorded.fen,
            "closing": self.closing.fen, "set_aside": self.set_aside.fen,
            "maintenance_fund": self.maintenance_fund.fen,
            "income": [(i.source, i.amount.fen) for i in self.income],
            "spending": [(s.entry_id, s.date.isoformat(), s.purpose, s.amount.fen,
                          attrs.asdict(s.authority, value_serializer=_plain,
                                       filter=_figures) if s.authority else None)
                         for s in self.spending]}
        text = json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _figures(field: attrs.Attribute[Any], _value: object) -> bool:
    """What the figures hash covers of an authority: all but the signers' names, which only
    say how the page names who signed (a name recorded later leaves the hash alone)."""
    return field.name != "approver_names"


def _plain(_instance: object, _field: object, value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


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
    negative income or spending, never hidden. A spending ``authority`` does not know gets
    the standing rule that covers its purpose, if any.
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
            purpose = _word(name, compound)
            spending.append(DisclosedSpending(
                entry_id, day, purpose, memo, Money(fen, currency),
                authority(entry_id) or standing_authority(purpose)))
    return Disclosure(compound, period, account, opening, closing,
                      tuple(DisclosedIncome(s, m) for s, m in sorted(income.items())),
                      tuple(sorted(spending, key=lambda s: (s.date, s.entry_id))))


def purpose_label(word: str, lang: str) -> str:
    """A source or purpose as the statement names it (Chinese by default): the account label
    of ``income:WORD`` or ``expenses:WORD`` (``commons.ledger.labels``), else the word."""
    if lang != "zh":
        return word.replace("-", " ")
    for kind in ("income", "expenses"):
        label = LABELS.get(f"{kind}:{word}")
        if label is not None:
            return label[0]
    return word


ROLES_ZH: Mapping[str, str] = {
    "owners-committee": "业委会", "self-management-committee": "自管会", "community": "社区",
    "party-organisation": "小区党组织", "street-office": "街道办", "firm": "物业服务企业",
}


def role_label(role: str, lang: str) -> str:
    """A signer's role as the statement names it (Chinese by default)."""
    return ROLES_ZH.get(role, role) if lang == "zh" else role.replace("-", " ")

