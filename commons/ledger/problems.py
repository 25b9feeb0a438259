"""What a whole-ledger check found, as values a host can sort, count and match on.

``audit verify`` does not stop at the first fault: it lists each one with its kind (a stable
snake_case string, like an error code), the entry it concerns when there is one, and a sentence
for people.
"""

from __future__ import annotations

from enum import StrEnum

import attrs

__all__ = ["ProblemKind", "VerifyProblem"]


class ProblemKind(StrEnum):
    """The kinds of fault a verification finds; the values never change once released."""

    MISSING_ENTRIES = "missing_entries"  # ids skipped or reordered in the chain
    BROKEN_LINK = "broken_link"  # an entry's previous hash is not its predecessor's hash
    MISDATED_POSTINGS = "misdated_postings"  # postings carry another date than their entry
    UNBALANCED_ENTRY = "unbalanced_entry"  # an entry's postings do not sum to zero
    CHANGED_CONTENT = "changed_content"  # the content no longer matches its recorded hash
    CHANGED_LINK = "changed_link"  # the chain hash over the entry does not match
    ORPHAN_POSTINGS = "orphan_postings"  # postings that name an entry that does not exist
    BALANCE_MISMATCH = "balance_mismatch"  # a kept balance differs from its postings' sum
    TRIAL_BALANCE = "trial_balance"  # the kept balances of a currency do not sum to zero
    BAD_SIGNATURE = "bad_signature"  # a recorded head's signature does not hold under the key
    MISSING_TAIL = "missing_tail"  # the journal ends before a recorded head's entry
    HEAD_MISMATCH = "head_mismatch"  # the recorded head's entry has another hash now
    CHANGED_OPENING = "changed_opening"  # an account opens on another date than re-dated to
    REDATED_IN_USE = "redated_in_use"  # an account re-dated after postings named it


@attrs.frozen
class VerifyProblem:
    """One fault: its kind, the entry it concerns (None for a whole-account or whole-ledger
    fault), and ``detail``, the sentence a person reads."""

    kind: ProblemKind
    entry_id: int | None
    detail: str

    def __str__(self) -> str:
        return self.detail

    def as_json(self) -> dict[str, object]:
        """The problem as JSON-ready values: kind, entry_id (or null) and detail."""
        return {"kind": self.kind.value, "entry_id": self.entry_id, "detail": self.detail}
