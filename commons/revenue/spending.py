"""Managing and using public revenue (管、用): signers of the co-managed account, the committee's
spending limit, proposals to spend, their authority and sign-offs, and the balance available.

A payment needs an authority, either a committee decision within the limit the owners' assembly
set or an assembly resolution above it, and two approvals by signers of different roles, at
least one of them on the owners' side. The account is never held in the firm's name. Money
earmarked for an approved payment is not available twice. Every check here is pure and refuses
with a ``RefusedByRule`` saying what, why and how to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import attrs

from commons.errors import ErrorCode, InvalidInput, NotFound, RefusedByRule
from commons.fields import normalise, parse_choice, parse_id
from commons.governance import Matter, State
from commons.ledger.accounts import CHART_TEMPLATE
from commons.ledger.journal import Entry, Posting
from commons.money import Money
from commons.periods import Period
from commons.revenue.income import BANK, account_of

__all__ = [
    "SPENDING_MATTERS",
    "SPENDING_PURPOSES",
    "AccountHolder",
    "Approval",
    "Authority",
    "ResolutionUse",
    "RevenueBalance",
    "Signer",
    "SignerRole",
    "SpendingLimit",
    "SpendingProposal",
    "authority",
    "check_approval",
    "check_approved",
    "check_available",
    "check_resolution",
    "check_within_limit",
    "disbursement_entry",
    "parse_purpose",
    "parse_role",
]

# The matters under which owners decide to spend public revenue (art. 278 item 9).
SPENDING_MATTERS = frozenset({Matter.USE_PUBLIC_REVENUE, Matter.OTHER})
# What public revenue is spent on: the chart's expense accounts, except the operator's
# commission, which a collection books as it is earned and no proposal may pay again.
SPENDING_PURPOSES = tuple(prefix.removeprefix("expenses:") for prefix, _ in CHART_TEMPLATE
                          if prefix.startswith("expenses:")
                          and prefix != "expenses:operator-commission")


class SignerRole(StrEnum):
    """Who may sign for a co-managed account; the first two are the owners' side."""

    OWNERS_COMMITTEE = "owners-committee"  # 业主委员会
    SELF_MANAGEMENT_COMMITTEE = "self-management-committee"  # 居民自治委员会
    COMMUNITY = "community"  # 社区
    PARTY_ORGANISATION = "party-organisation"  # 小区党组织
    STREET_OFFICE = "street-office"  # 街道办事处
    FIRM = "firm"  # 物业服务企业

    @property
    def owners_side(self) -> bool:
        """Whether the role speaks for the owners (an owners' or a self-management committee)."""
        return self in (SignerRole.OWNERS_COMMITTEE, SignerRole.SELF_MANAGEMENT_COMMITTEE)


_ROLE_ALIASES = {normalise(k): v for k, v in {
    "业委会": SignerRole.OWNERS_COMMITTEE, "业主委员会": SignerRole.OWNERS_COMMITTEE,
    "自治委员会": SignerRole.SELF_MANAGEMENT_COMMITTEE,
    "居民自治委员会": SignerRole.SELF_MANAGEMENT_COMMITTEE,
    "自管会": SignerRole.SELF_MANAGEMENT_COMMITTEE, "社区": SignerRole.COMMUNITY,
    "社区居委会": SignerRole.COMMUNITY, "党组织": SignerRole.PARTY_ORGANISATION,
    "小区党组织": SignerRole.PARTY_ORGANISATION, "party": SignerRole.PARTY_ORGANISATION,
    "街道": SignerRole.STREET_OFFICE, "街道办": SignerRole.STREET_OFFICE,
    "物业": SignerRole.FIRM, "物业公司": SignerRole.FIRM,
}.items()}


def parse_role(text: str) -> SignerRole:
    """A signer's role by code name (owners-committee ...) or Chinese term (业委会 ...)."""
    return parse_choice(text, SignerRole, _ROLE_ALIASES, "signer role")


def _role(value: SignerRole | str) -> SignerRole:
    return value if isinstance(value, SignerRole) else parse_role(value)


def _plain_id(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or parse_id(value) != value:
        raise InvalidInput(f"{attribute.name} {value!r} is not a plain id", field=attribute.name,
                           fix="use letters, digits, '-' or Chinese characters, no spaces "
                               "around")


@attrs.frozen
class Signer:
    """Someone who signs for a compound's co-managed account, in a role."""

    compound: str
    id: str = attrs.field(validator=_plain_id)
    role: SignerRole = attrs.field(converter=_role)
    name: str = ""

    @property
    def label(self) -> str:
        """The signer as reports show it: ``id (role)``."""
        return f"{self.id} ({self.role.value})"


@attrs.frozen
class AccountHolder:
    """In whose name the co-managed account is held: never the firm's."""

    compound: str
    holder: str = attrs.field(validator=_plain_id)
    role: SignerRole = attrs.field(converter=_role)

    def __attrs_post_init__(self) -> None:
        if self.role is SignerRole.FIRM:
            raise RefusedByRule(
                f"{self.compound}'s co-managed account cannot be held by {self.holder}: "
                "the account is never held in the firm's name", field="role",
                fix="hold it in the name of the owners' or self-management committee (or the "
                    "community, on the owners' behalf)")


@attrs.frozen
class SpendingLimit:
    """The most the committee may spend on one payment on its own decision, as the owners'
    assembly set it by ``resolution``."""

    compound: str
    amount: Money
    resolution: str

    def __attrs_post_init__(self) -> None:
        if self.amount.is_negative():
            raise InvalidInput(f"a spending limit of {self.amount} is negative", field="amount",
                               fix="give the limit as zero or more", code=ErrorCode.INVALID_AMOUNT)


def parse_purpose(text: str) -> str:
    """What a payment is for: ``cleaning`` or ``expenses:cleaning`` (see SPENDING_PURPOSES)."""
    purpose = normalise(text).removeprefix("expenses:")
    if purpose not in SPENDING_PURPOSES:
        raise InvalidInput(f"{text.strip()!r} is not a purpose public revenue is spent on",
                           field="purpose", fix=f"use one of {', '.join(SPENDING_PURPOSES)}")
    return purpose


def _purpose(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in SPENDING_PURPOSES:
        parse_purpose(value)


@attrs.frozen
class SpendingProposal:
    """A proposal to pay ``amount`` of ``compound``'s public revenue to ``payee`` for
    ``purpose``, under an assembly ``resolution`` if it names one."""

    id: str = attrs.field(validator=_plain_id)
    compound: str
    purpose: str = attrs.field(validator=_purpose)
    amount: Money
    payee: str
    proposed_on: dt.date
    memo: str = ""
    resolution: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.fen <= 0:
            raise InvalidInput(f"spending {self.id} of {self.amount} is not positive",
                               field="amount", fix="propose a payment of more than 0.00",
                               code=ErrorCode.INVALID_AMOUNT)
        if not self.payee.strip():
            raise InvalidInput(f"spending {self.id} names no payee", field="payee",
                               fix="say who is paid, e.g. 'cleaning co-op'")

    @property
    def account(self) -> str:
        """The expense account the payment posts to (``expenses:cleaning:wjxc``)."""
        return account_of(f"expenses:{self.purpose}", self.compound)


@attrs.frozen
class Approval:
    """One sign-off of a proposal by a signer, in the role they held."""

    proposal: str
    signer: str
    role: SignerRole
    approved_at: str

    @property
    def label(self) -> str:
        """The approving signer as reports show it: ``id (role)``."""
        return f"{self.signer} ({self.role.value})"


@attrs.frozen
class ResolutionUse:
    """An owners' resolution as spending sees it: where it was decided, whether it passed, and
    what it already serves (the proposals naming it, the one it paid, a spending limit)."""

    id: str
    compound: str | None
    matter: Matter
    state: State
    passes: bool | None
    reason: str = ""
    proposals: tuple[str, ...] = ()
    disbursed_by: str | None = None
    sets_limit: bool = False


@attrs.frozen
class Authority:
    """Why a payment may be made: ``committee`` (within the limit; ``signer`` is the owners'
    side signer who acted for the committee) or ``resolution`` (the assembly's)."""

    kind: str
    resolution: str | None = None
    signer: str | None = None


def check_resolution(spending: str, compound: str, use: ResolutionUse | None, *,
                     must_have_passed: bool) -> None:
    """Refuse unless ``use`` may authorise spending ``spending`` in ``compound``: recorded,
    decided there, on a spending matter, not failed, not serving another spending or a limit;
    and, with ``must_have_passed``, passed."""
    if use is None:
        raise NotFound(f"spending {spending} names a resolution that is not recorded",
                       field="resolution",
                       fix="put the resolution to the owners first, or check the id",
                       context={"kind": "resolution"})
    if use.compound != compound:
        raise RefusedByRule(f"resolution {use.id} was decided in {use.compound or 'no compound'}"
                            f", not {compound}, so it cannot authorise spending there",
                            field="resolution", fix=f"name a resolution of {compound}'s owners",
                            code=ErrorCode.NOT_AUTHORISED)
    if use.matter not in SPENDING_MATTERS:
        raise RefusedByRule(f"resolution {use.id} decides {use.matter.value}, not the use of "
                            "public revenue", field="resolution",
                            fix="put a use-public-revenue resolution to the owners",
                            code=ErrorCode.NOT_AUTHORISED)
    if use.sets_limit:
        raise RefusedByRule(f"resolution {use.id} set the committee's spending limit; it does not "
                            "authorise a payment", field="resolution",
                            fix="put the payment itself to the owners as a use-public-revenue "
                                "resolution", code=ErrorCode.NOT_AUTHORISED)
    if use.state is State.RESOLVED and not use.passes:
        raise RefusedByRule(f"resolution {use.id} failed: {use.reason}", field="resolution",
                            fix="a failed resolution authorises nothing; put a new one to the "
                                "owners", code=ErrorCode.NOT_AUTHORISED)
    if must_have_passed and use.state is not State.RESOLVED:
        raise RefusedByRule(f"resolution {use.id} is {use.state.value}: the owners have not yet "
                            f"decided, so spending {spending} is not authorised",
                            field="resolution", fix="let the owners vote, then close the vote "
                            "and count it", context={"kind": "open_vote", "id": use.id},
                            code=ErrorCode.NOT_AUTHORISED)
    if use.disbursed_by not in (None, spending):
        raise RefusedByRule(f"resolution {use.id} was already spent by {use.disbursed_by}",
                            field="resolution", fix="one resolution pays one spending; put a "
                            "new resolution to the owners", code=ErrorCode.ALREADY_DONE)
    others = [p for p in use.proposals if p != spending]
    if others:
        raise RefusedByRule(f"resolution {use.id} already authorises spending {others[0]}",
                            field="resolution", fix="one resolution pays one spending; put a "
                            "new resolution to the owners", code=ErrorCode.ALREADY_DONE)


def _limit_text(limit: SpendingLimit | None) -> str:
    if limit is None:
        return "no limit has been set, so every payment needs the owners' assembly"
    return f"the committee's limit is {limit.amount} (resolution {limit.resolution})"


def check_within_limit(spending: SpendingProposal, limit: SpendingLimit | None) -> None:
    """Refuse a spending that names no resolution and is above the committee's limit."""
    ceiling = limit.amount if limit is not None else Money.zero(spending.amount.currency)
    if spending.resolution is None and spending.amount > ceiling:
        raise RefusedByRule(
            f"spending {spending.id} of {spending.amount} is above what the committee may decide "
            f"alone: {_limit_text(limit)}", field="resolution",
            fix="put it to the owners as a use-public-revenue resolution and propose it again "
                "naming that resolution", code=ErrorCode.NOT_AUTHORISED)


def authority(spending: SpendingProposal, limit: SpendingLimit | None,
              use: ResolutionUse | None, approvals: Sequence[Approval]) -> Authority:
    """The authority for ``spending``, or a refusal saying which is missing. Within the limit
    and naming no resolution, the committee decides: an owners'-side approval records it."""
    if spending.resolution is not None:
        check_resolution(spending.id, spending.compound, use, must_have_passed=True)
        return Authority("resolution", spending.resolution)
    check_within_limit(spending, limit)
    owners = next((a for a in approvals if a.role.owners_side), None)
    if owners is None:
        raise RefusedByRule(f"spending {spending.id} is within the committee's limit, but no "
                            "owners'-side signer has approved it for the committee",
                            fix="have a signer of the owners' or self-management committee "
                                "approve it", code=ErrorCode.NOT_AUTHORISED)
    return Authority("committee", None, owners.signer)


def check_approval(spending: SpendingProposal, signer_id: str, signer: Signer | None,
                   approvals: Sequence[Approval], disbursed: bool) -> None:
    """Refuse an approval by ``signer_id`` that the rules do not allow: a non-signer, a
    disbursed or fully approved proposal, the same signer twice, two of one role, or a pair
    with nobody from the owners' side."""
    if signer is None:
        raise RefusedByRule(f"{signer_id} is not a signer of {spending.compound}'s co-managed "
                            "account", field="signer",
                            fix=f"add them as a signer of {spending.compound}'s account first",
                            context={"kind": "signer", "compound": spending.compound,
                                     "id": signer_id}, code=ErrorCode.NOT_AUTHORISED)
    if disbursed:
        raise RefusedByRule(f"spending {spending.id} was already disbursed",
                            fix="nothing to approve; propose a new spending",
                            code=ErrorCode.ALREADY_DONE)
    if len(approvals) >= 2:
        done = " and ".join(a.label for a in approvals)
        raise RefusedByRule(f"spending {spending.id} is already approved by {done}",
                            fix="two approvals are all a payment needs; disburse it",
                            code=ErrorCode.ALREADY_DONE)
    if any(a.signer == signer.id for a in approvals):
        raise RefusedByRule(f"{signer.id} has already approved spending {spending.id}",
                            field="signer", fix="the second approval must come from another "
                                                "signer, of another role",
                            code=ErrorCode.ALREADY_DONE)
    if approvals:
        first = approvals[0]
        if first.role is signer.role:
            raise RefusedByRule(
                f"spending {spending.id} is approved by {first.label}; a second {signer.role} "
                "approval is not a second role", field="signer",
                fix="the second approval must come from a signer of another role",
                code=ErrorCode.NOT_AUTHORISED)
        if not (first.role.owners_side or signer.role.owners_side):
            raise RefusedByRule(
                f"spending {spending.id} would be approved by {first.label} and {signer.label}, "
                "neither of them the owners' side", field="signer",
                fix="one of the two approvals must come from the owners' or self-management "
                    "committee", code=ErrorCode.NOT_AUTHORISED)


def check_approved(spending: SpendingProposal, approvals: Sequence[Approval]) -> None:
    """Refuse unless two signers of different roles, one of the owners' side, have approved."""
    if len(approvals) < 2:
        given = (f"only {approvals[0].label} has approved it" if approvals
                 else "nobody has approved it")
        raise RefusedByRule(
            f"spending {spending.id} cannot be paid: {given}; a payment needs two approvals by "
            "signers of different roles, at least one of the owners' side",
            fix="have a second signer, of another role, approve it" if approvals else
                "have two signers of different roles approve it, one of the owners' committee",
            code=ErrorCode.NOT_AUTHORISED)


@attrs.frozen
class RevenueBalance:
    """A compound's public revenue now: the co-managed bank balance, what the maintenance fund
    holds, the maintenance share of net revenue not yet set aside, what is earmarked for
    approved payments, and what is owed to the operator. ``available`` is what is left."""

    compound: str
    bank: Money
    maintenance_fund: Money
    maintenance_due: Money
    earmarked: Money
    owed_to_operator: Money

    @property
    def available(self) -> Money:
        """What may still be spent: the bank balance less the maintenance fund, the set-aside
        still due, the money earmarked for approved payments and what is owed to the operator."""
        return (self.bank - self.maintenance_fund - self.maintenance_due - self.earmarked
                - self.owed_to_operator)


def check_available(spending: SpendingProposal, balance: RevenueBalance, *,
                    earmarked_for_it: Money) -> None:
    """Refuse a payment (or earmark) above what is available, counting what is already
    earmarked for this spending as its own."""
    free = balance.available + earmarked_for_it
    if spending.amount > free:
        raise RefusedByRule(
            f"spending {spending.id} of {spending.amount} is over the available balance of "
            f"{spending.compound}: {free} (bank {balance.bank}, maintenance fund "
            f"{balance.maintenance_fund} and {balance.maintenance_due} due, earmarked "
            f"{balance.earmarked - earmarked_for_it}, owed to the operator "
            f"{balance.owed_to_operator})",
            fix="wait until enough revenue is collected, or propose a smaller payment",
            code=ErrorCode.INSUFFICIENT_FUNDS)


def disbursement_entry(spending: SpendingProposal, day: dt.date, *, actor: str = "") -> Entry:
    """The payment: Dr the purpose's expense account, Cr the co-managed bank account."""
    memo = f"{spending.purpose}: {spending.payee}" + (f"; {spending.memo}" if spending.memo
                                                      else "")
    return Entry(day, memo, (Posting(spending.account, spending.amount),
                             Posting(account_of(BANK, spending.compound), -spending.amount)),
                 f"disburse:{spending.id}", actor, None, str(Period.of(day)), spending.compound)
