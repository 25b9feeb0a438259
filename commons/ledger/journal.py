"""Journal entries: balanced postings with an external id, hashed into a chain.

An ``Entry`` whose postings do not sum to zero per currency cannot be constructed. Its canonical
serialisation gives a content hash (the same external id with the same content is a no-op; with
other content, a conflict) and, with the previous entry's hash, the chain hash that lets
``audit verify`` detect any change made behind the library's back.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.ledger.accounts import parse_account_name
from commons.money import CURRENCY, Money, currency_of, parse_fen
from commons.periods import Period, read_date

__all__ = [
    "GENESIS_HASH",
    "Entry",
    "Leg",
    "PlainPrepared",
    "Posting",
    "Prepared",
    "StoredEntry",
    "chain_hash",
    "content_digest",
    "legs_digest",
    "named",
    "plain_prepared",
    "prepare",
    "prepared_of",
]

GENESIS_HASH = "0" * 64
FIELD_SEPARATOR = "\x1f"  # ASCII unit separator, between the fields of a posting
LEG_SEPARATOR = "\x1e"  # ASCII record separator, between postings
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An entry's period link: the month (2026-10) or the quarter (2026-Q4) it belongs to.
_PERIOD_LINK = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2]|Q[1-4])")
_RECORD_KEYS = frozenset({"date", "memo", "external_id", "postings", "resource",
                          "period", "compound", "reverses"})
_POSTING_KEYS = frozenset({"account", "amount", "currency"})


def content_digest(
    date: str, memo: str, external_id: str, resource: str | None, period: str | None,
    compound: str | None, reverses: int | None, postings: Sequence[tuple[str, int, str]],
) -> str:
    """sha256 of an entry's canonical serialisation; written and verified by this one function.

    Fields are joined by ASCII unit and record separators, which entries never contain (the
    constructor refuses control characters), so the form is unambiguous and cheap to build.
    """
    legs = LEG_SEPARATOR.join(f"{a}{FIELD_SEPARATOR}{fen}{FIELD_SEPARATOR}{c}"
                              for a, fen, c in postings)
    return legs_digest(date, memo, external_id, resource, period, compound, reverses, legs)


def legs_digest(
    date: str, memo: str, external_id: str, resource: str | None, period: str | None,
    compound: str | None, reverses: int | None, legs: str,
) -> str:
    """``content_digest`` with the postings already joined (the store joins them in SQL)."""
    data = (f"{date}\x1f{memo}\x1f{external_id}\x1f{resource or ''}\x1f{period or ''}\x1f"
            f"{compound or ''}\x1f{reverses or ''}\x1d{legs}")
    return hashlib.sha256(data.encode()).hexdigest()


def _account_name(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    try:
        valid = type(value) is str and parse_account_name(value) == value
    except CommonsError as e:
        raise e.located(field="account") from None
    if not valid:
        raise InvalidInput(f"posting account {value!r} is not an account name", field="account",
                           fix="write it like assets:bank:co-managed:wjxc")


def _money(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not Money:
        raise InvalidInput(f"posting amount {value!r} is not Money", field="amount",
                           fix="give amounts as Money, e.g. Money.parse('120.00')")


@attrs.frozen
class Posting:
    """One leg of an entry: an amount to an account (positive debits, negative credits)."""

    account: str = attrs.field(validator=_account_name)
    amount: Money = attrs.field(validator=_money)


def _check_fields(external_id: str, date: object, texts: Sequence[str], reverses: object,
                  period: str | None) -> None:
    """What an entry's fields must be, whether built as an ``Entry`` or as plain values."""
    joined = "".join(texts)
    if _CONTROL.search(joined):
        raise InvalidInput(f"entry {external_id!r} has a control character in its text",
                           field="memo",
                           fix="remove tabs, line breaks and other control characters")
    if not joined.isascii():
        try:
            joined.encode()
        except UnicodeEncodeError:
            raise InvalidInput(f"entry {external_id!r} has text that is not valid "
                               "Unicode (a lone surrogate)", field="memo",
                               fix="save the file as UTF-8 from its source") from None
    if type(date) is not dt.date and not (isinstance(date, dt.date) and
                                          not isinstance(date, dt.datetime)):
        raise InvalidInput(f"entry {external_id!r}: date {date!r} is not a date",
                           field="date", fix="give the accounting date, without a time",
                           code=ErrorCode.INVALID_DATE)
    if reverses is not None and type(reverses) is not int:
        raise InvalidInput(f"entry {external_id!r}: reverses {reverses!r} is not "
                           "an entry id", field="reverses", fix="name the entry by its id")
    if period is not None and not _PERIOD_LINK.fullmatch(period):
        raise InvalidInput(f"entry {external_id!r}: period {period!r} is neither a "
                           "month nor a quarter", field="period",
                           fix="write the period it belongs to as 2026-10 or 2026-Q4")
    if not external_id:
        raise InvalidInput("the entry has no external id", field="external_id",
                           fix="give every entry a unique external_id so re-imports are safe")


def _check_legs(external_id: str, legs: Sequence[tuple[str, int, str]]) -> None:
    """What an entry's postings must be: two or more, none of nothing, balanced per currency."""
    if len(legs) < 2:
        raise InvalidInput(f"entry {external_id} has fewer than two postings",
                           field="postings", fix="a double entry moves money between accounts")
    sums: dict[str, int] = {}
    for account, fen, currency in legs:
        if fen == 0:
            raise InvalidInput(f"entry {external_id} posts 0.00 to {account}",
                               field="postings", fix="drop postings that move nothing")
        sums[currency] = sums.get(currency, 0) + fen
    unbalanced = {c: total for c, total in sums.items() if total}
    if unbalanced:
        currency, off = next(iter(unbalanced.items()))
        raise InvalidInput(
            f"entry {external_id} does not balance: its {currency} postings sum to "
            f"{Money(off, currency)}", field="postings",
            fix="make the postings of each currency sum to zero", code=ErrorCode.UNBALANCED)


def _as_postings(value: Sequence[Posting]) -> tuple[Posting, ...]:
    return tuple(value)


@attrs.frozen
class Entry:
    """A balanced journal entry, before the store gives it an id and a place in the chain."""

    date: dt.date
    memo: str
    postings: tuple[Posting, ...] = attrs.field(converter=_as_postings)
    external_id: str
    actor: str = ""
    resource: str | None = None
    period: str | None = None
    compound: str | None = None
    reverses: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_fields(self.external_id, self.date, (self.memo, self.external_id, self.actor,
                      self.resource or "", self.period or "", self.compound or ""),
                      self.reverses, self.period)
        _check_legs(self.external_id, [(p.account, p.amount.fen, p.amount.currency)
                                       for p in self.postings])

    def content_hash(self) -> str:
        """Digest of everything the entry says (not who recorded it, nor when)."""
        return content_digest(
            self.date.isoformat(), self.memo, self.external_id, self.resource, self.period,
            self.compound, self.reverses,
            [(p.account, p.amount.fen, p.amount.currency) for p in self.postings])

    @property
    def accounting_period(self) -> Period:
        """The month the entry's date falls in."""
        return Period.of(self.date)

    def reversal(self, *, date: dt.date, entry_id: int, reason: str, actor: str) -> Entry:
        """The entry that undoes this one: every posting negated, linked back to it."""
        return attrs.evolve(
            self, date=date, memo=f"reversal of entry {entry_id}: {reason}",
            postings=tuple(Posting(p.account, -p.amount) for p in self.postings),
            external_id=f"reversal:{entry_id}", actor=actor, reverses=entry_id,
        )

    @classmethod
    def from_record(cls, record: object, *, actor: str = "") -> Entry:
        """Build from one JSON Lines record (see docs/formats.md); errors name the field.

        ``actor`` is who is posting it; a file cannot claim to be posted by someone else.
        """
        if not isinstance(record, dict):
            raise InvalidInput("the line is not a JSON object", fix="write one entry per line",
                               code=ErrorCode.MALFORMED_FILE)
        if not record.keys() <= _RECORD_KEYS:
            unknown = sorted(set(record) - _RECORD_KEYS)
            raise InvalidInput(f"unknown key '{unknown[0]}'", field=unknown[0],
                               fix=f"use only {', '.join(sorted(_RECORD_KEYS))}")
        postings = record.get("postings")
        if not isinstance(postings, list):
            raise InvalidInput("postings must be a list", field="postings",
                               fix='write "postings": [{"account": ..., "amount": "1.00"}, ...]')
        return cls(
            date=_field(record, "date", read_date),
            memo=_text(record, "memo", required=False) or "",
            postings=tuple(_posting(i, p) for i, p in enumerate(postings)),
            external_id=_text(record, "external_id", required=True) or "",
            actor=actor,
            resource=_text(record, "resource", required=False),
            period=_text(record, "period", required=False),
            compound=_text(record, "compound", required=False),
            reverses=_field(record, "reverses", _entry_id),
        )


def _field(record: Mapping[str, Any], key: str, parse: Any) -> Any:
    try:
        return parse(record.get(key))
    except CommonsError as e:
        raise e.located(field=key) from None


def _text(record: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise InvalidInput(f"'{key}' is missing", field=key, fix=f"give every entry a {key}")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{key}' must be text, not {value!r}", field=key,
                           fix=f'write it in quotes, e.g. "{key}": "..."')
    return value


def _posting(index: int, raw: object) -> Posting:
    if not isinstance(raw, dict) or not raw.keys() <= _POSTING_KEYS:
        where = f"postings[{index}]"
        raise InvalidInput(f"{where} must be an object with account and amount", field=where,
                           fix='write {"account": "assets:bank:wjxc", "amount": "120.00"}')
    try:
        account = parse_account_name(str(raw.get("account", "")))
    except CommonsError as e:
        raise e.located(field=f"postings[{index}].account") from None
    currency = raw.get("currency") or CURRENCY
    try:
        currency_of(currency)
    except CommonsError as e:
        raise e.located(field=f"postings[{index}].currency") from None
    try:
        amount = Money(parse_fen(raw.get("amount"), currency), currency)
    except CommonsError as e:
        raise e.located(field=f"postings[{index}].amount") from None
    return Posting(account, amount)


def _entry_id(value: object) -> int | None:
    """The id of the entry a journal line reverses (as ``ledger reverse`` and exports write)."""
    if value is None:
        return None
    if type(value) is not int or not 1 <= value < 2**63:
        raise InvalidInput(f"reverses = {value!r} is not an entry id",
                           fix="name the entry reversed by its id, a whole number from 1")
    return value


class Leg(NamedTuple):
    """A posting reduced to plain values, as the posting pipeline and the store carry it."""

    account: str
    amount_fen: int
    currency: str


class Prepared(NamedTuple):
    """An entry reduced to plain values, as the posting pipeline carries it, with its content
    hash. Every one came out of a validated ``Entry``."""

    external_id: str
    date: str  # YYYY-MM-DD
    memo: str
    actor: str
    resource: str | None
    period: str | None
    compound: str | None
    reverses: int | None
    legs: tuple[Leg, ...]
    content_hash: str


# A Prepared entry as it crosses from a parsing process: the same values as plain tuples, the
# legs too. Those pickle in C, ten times cheaper than the attrs objects and three times cheaper
# than the NamedTuples, which pickle and unpickle through Python functions, one per tuple.
PlainPrepared = tuple[str, str, str, str, str | None, str | None, str | None, int | None,
                      tuple[tuple[str, int, str], ...], str]
# tuple.__new__ on the class builds a NamedTuple in C; its own __new__ is a Python function that
# costs as much again, and every entry posted is built here.
_new_leg = functools.partial(tuple.__new__, Leg)
_new_prepared = functools.partial(tuple.__new__, Prepared)
# Account names and currencies ``prepared_of`` has checked once: a feed names the same few
# hundred accounts in tens of thousands of entries. Names only, so a process posting to 100,000
# accounts keeps about 10 MB here.
_CHECKED_ACCOUNTS: set[str] = set()
_CHECKED_CURRENCIES: set[str] = set()


def plain_prepared(entry: Entry) -> PlainPrepared:
    """``entry`` as plain values, for a parsing process to send (``named`` names them)."""
    legs = tuple([(p.account, p.amount.fen, p.amount.currency) for p in entry.postings])
    day = entry.date.isoformat()
    digest = content_digest(day, entry.memo, entry.external_id, entry.resource, entry.period,
                            entry.compound, entry.reverses, legs)
    return (entry.external_id, day, entry.memo, entry.actor, entry.resource, entry.period,
            entry.compound, entry.reverses, legs, digest)


def named(values: PlainPrepared) -> Prepared:
    """The ``Prepared`` entry of the values ``plain_prepared`` gave."""
    return _new_prepared((*values[:8], tuple(map(_new_leg, values[8])), values[9]))


def prepare(entry: Entry) -> Prepared:
    """``entry`` as plain values, for the posting rules and the store."""
    return named(plain_prepared(entry))


def prepared_of(date: dt.date, memo: str, legs: Sequence[tuple[str, int, str]],
                external_id: str, actor: str, period: str | None = None) -> Prepared:
    """The ``Prepared`` entry that ``prepare(Entry(...))`` gives, built from plain legs
    (account, minor units, currency) without an ``Entry``, its ``Posting`` values and their
    ``Money``: for a use case that posts tens of thousands of entries it built itself (a
    marketplace feed's completions). Every check an ``Entry`` makes is made here too."""
    for account, fen, currency in legs:  # in the order an Entry's parts are checked
        if type(fen) is not int or account not in _CHECKED_ACCOUNTS or \
                currency not in _CHECKED_CURRENCIES:
            Posting(account, Money(fen, currency))  # its validators say what is wrong
            _CHECKED_ACCOUNTS.add(account)
            _CHECKED_CURRENCIES.add(currency)
    _check_fields(external_id, date, (memo, external_id, actor, period or ""), None, period)
    _check_legs(external_id, legs)
    day = date.isoformat()
    plain = tuple(legs)
    digest = content_digest(day, memo, external_id, None, period, None, None, plain)
    return _new_prepared((external_id, day, memo, actor, None, period, None, None,
                          tuple(map(_new_leg, plain)), digest))


@attrs.frozen
class StoredEntry:
    """An entry as the journal holds it: its id, when and by whom recorded, and its hashes."""

    id: int
    entry: Entry
    recorded_at: str
    content_hash: str
    prev_hash: str
    hash: str


def chain_hash(prev_hash: str, entry_id: int, content_hash: str, actor: str,
               recorded_at: str) -> str:
    """The link of entry ``entry_id`` in the chain: it covers the previous link and the content."""
    data = f"{prev_hash}\x1f{entry_id}\x1f{content_hash}\x1f{actor}\x1f{recorded_at}"
    return hashlib.sha256(data.encode()).hexdigest()
