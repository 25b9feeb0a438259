"""The ledger's rules as pure functions: may an entry post, where does it go in the chain, and
does a stored journal still hold what was written.

The store reads the state inside its transaction and hands it here; nothing in this module
touches a database or a clock.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence

import attrs

from commons.errors import CommonsError, ConflictError, InvalidInput, NotFound, RefusedByRule
from commons.ledger.accounts import Account
from commons.ledger.journal import (
    GENESIS_HASH,
    Entry,
    Prepared,
    chain_hash,
    legs_digest,
)

__all__ = [
    "POSTED",
    "ChainHead",
    "Link",
    "Outcome",
    "StoredRow",
    "check_chain",
    "plan_prepared",
    "refusal",
]


Leg = tuple[str, int, str]  # a posting as plain values: account, fen, currency


@attrs.frozen
class ChainHead:
    """The last entry of the journal: its id and hash (id 0 and the genesis hash when empty)."""

    id: int = 0
    hash: str = GENESIS_HASH


@attrs.frozen
class Outcome:
    """What became of one entry: ``posted``, ``already recorded`` or ``refused`` (with why)."""

    status: str
    entry_id: int | None = None
    error: CommonsError | None = None


def refusal(entry: Entry, accounts: Mapping[str, Account], closed: frozenset[str], *,
            reversible: Mapping[int, int | None] | None = None,
            undoes: Mapping[int, Sequence[Leg]] | None = None) -> CommonsError | None:
    """Why ``entry`` may not post, or None: unopened or closed accounts, a closed period, or a
    reversal of an entry that does not exist, was reversed already, or whose postings it does
    not negate.

    ``reversible`` maps the ids of entries that exist to the entry that reversed them, if any;
    ``undoes`` maps them to their postings as (account, fen, currency).
    """
    legs = [(p.account, p.amount.fen, p.amount.currency) for p in entry.postings]
    return _refusal(entry.external_id, entry.date, legs, entry.reverses, accounts, closed,
                    reversible or {}, undoes or {})


def _refusal(external_id: str, day: dt.date, legs: Sequence[Leg], reverses: int | None,
             accounts: Mapping[str, Account], closed: frozenset[str],
             reversible: Mapping[int, int | None], undoes: Mapping[int, Sequence[Leg]]
             ) -> CommonsError | None:
    names = [leg[0] for leg in legs]
    if reverses is not None:
        refused = _reversal_refusal(external_id, reverses, reversible)
        if refused is None and reverses in undoes:
            refused = _mirror_refusal(external_id, reverses, legs, undoes[reverses])
        if refused is not None:
            return refused
    period = f"{day.year:04d}-{day.month:02d}"
    if period in closed:
        return RefusedByRule(
            f"entry {external_id} is dated {day}, in closed period {period}",
            field="date", fix="date it in an open period, or post a correcting entry now")
    for i, name in enumerate(names):
        account = accounts.get(name)
        if account is None:
            return NotFound(f"account {name} is not open", field=f"postings[{i}].account",
                            fix=_not_open_fix(name, accounts))
        why = account.refuses(day)
        if why:
            fix = "post within the account's open dates"
            if account.opened_on is not None and day < account.opened_on:
                fix += (f"; if {name} was opened with a wrong date and has no postings yet, "
                        f"re-date it: commons ledger reopen {name} --date {day}")
            return RefusedByRule(f"entry {external_id}: {why}", field=f"postings[{i}].account",
                                 fix=fix)
    return None


def _not_open_fix(name: str, accounts: Mapping[str, Account]) -> str:
    """Suggest the open accounts nearest to a mistyped ``name`` before opening it."""
    near = difflib.get_close_matches(name, list(accounts), n=3, cutoff=0.75)
    opening = f"open it first: commons ledger open {name}"
    if not near:
        return opening
    return f"did you mean {' or '.join(near)}? If {name} is a new account, {opening}"


def _reversal_refusal(external_id: str, reverses: int,
                      reversible: Mapping[int, int | None]) -> CommonsError | None:
    if reverses not in reversible:
        return NotFound(f"entry {external_id} reverses entry {reverses}, which does not exist",
                        field="reverses", fix="reverse entries with `commons ledger reverse ENTRY`")
    done = reversible[reverses]
    if done is not None:
        return RefusedByRule(f"entry {reverses} was already reversed by entry {done}",
                             field="reverses", fix="drop this line; it would reverse it twice")
    return None


def _mirror_refusal(external_id: str, reverses: int, legs: Sequence[Leg],
                    original: Sequence[Leg]) -> CommonsError | None:
    """A reversal must post exactly the negation of what it reverses, or the entry it names
    would count as undone while its amounts stand."""
    if sorted(legs) == sorted((account, -fen, currency) for account, fen, currency in original):
        return None
    return InvalidInput(
        f"entry {external_id} says it reverses entry {reverses} but does not post the negation "
        "of its postings", field="postings",
        fix="reverse entries with `commons ledger reverse ENTRY`, or drop 'reverses' and post "
            "a correcting entry")


@attrs.frozen
class Link:
    """An entry's place in the chain: its id, the previous entry's hash and its own."""

    id: int
    prev_hash: str
    hash: str


def plan_prepared(
    entry: Prepared,
    head: ChainHead,
    known: Mapping[str, tuple[int, str]],
    accounts: Mapping[str, Account],
    closed: frozenset[str],
    recorded_at: str,
    reversible: Mapping[int, int | None],
    undoes: Mapping[int, Sequence[Leg]] | None = None,
) -> tuple[Outcome, Link | None]:
    """Decide one entry: a no-op, a conflict, a refusal, or the next link of the chain.

    ``known`` maps external ids already in the journal to their entry id and content hash;
    ``undoes`` the entries a reversal may name to their postings.
    """
    external_id, day, _, actor, _, _, _, reverses, legs, content_hash = entry
    seen = known.get(external_id)
    if seen is not None:
        entry_id, seen_hash = seen
        if seen_hash == content_hash:
            return Outcome("already recorded", entry_id), None
        return Outcome("refused", entry_id, ConflictError(
            f"external id {external_id} was recorded as entry {entry_id} with other content",
            field="external_id",
            fix="give a new entry a new external_id; correct a recorded one with a reversal")), None
    why = _refusal(external_id, dt.date.fromisoformat(day), legs, reverses, accounts, closed,
                   reversible, undoes or {})
    if why is not None:
        return Outcome("refused", None, why), None
    entry_id = head.id + 1
    return POSTED, Link(entry_id, head.hash,
                        chain_hash(head.hash, entry_id, content_hash, actor, recorded_at))


POSTED = Outcome("posted")


# An entry exactly as read back from storage, before any trust is placed in it: the entries
# table's columns in order (id, date, memo, external_id, actor, resource, period, compound,
# reverses, recorded_at, content_hash, prev_hash, hash), then its postings joined in canonical
# form, their sums per currency, how many there are, and how many carry another date.
StoredRow = tuple[int, str, str, str, str, str | None, str | None, str | None, int | None, str,
                  str, str, str, str, dict[str, int], int, int]


def _row_problem(row: StoredRow, prev_id: int, prev_link: str) -> str | None:
    (entry_id, date, memo, external_id, actor, resource, period, compound, reverses,
     recorded_at, content_hash, prev_hash, link, legs, sums, count, misdated) = row
    if entry_id != prev_id + 1 or prev_hash != prev_link:
        return (f"entry {entry_id} follows entry {prev_id}: entries {prev_id + 1}..{entry_id - 1} "
                "are missing or the chain was reordered" if entry_id != prev_id + 1 else
                f"entry {entry_id} does not link to entry {prev_id} (previous hash differs)")
    if misdated:
        return f"entry {entry_id} was changed: {misdated} of its postings carry another date"
    if count < 2 or any(sums.values()):
        off = {c: s for c, s in sums.items() if s}
        return f"entry {entry_id} does not balance: its {count} postings sum to {off}"
    digest = legs_digest(date, memo, external_id, resource, period, compound, reverses, legs)
    if digest != content_hash:
        return f"entry {entry_id} was changed: its content no longer matches its recorded hash"
    if chain_hash(prev_hash, entry_id, content_hash, actor, recorded_at) != link:
        return f"entry {entry_id} was changed: its chain hash does not match"
    return None


def check_chain(rows: Iterable[StoredRow], *, after: tuple[int, str] = (0, GENESIS_HASH),
                limit: int = 20) -> tuple[list[str], ChainHead]:
    """Walk stored entries in id order, from the entry ``after`` names (id and hash); return the
    problems found (at most ``limit``) and the last entry walked.

    After a broken link the walk goes on from the stored row, so one change reports once.
    """
    problems: list[str] = []
    prev_id, prev_link = after
    for row in rows:
        problem = _row_problem(row, prev_id, prev_link)
        if problem is not None and len(problems) < limit:
            problems.append(problem)
        prev_id, prev_link = row[0], row[12]
    return problems, ChainHead(prev_id, prev_link)
