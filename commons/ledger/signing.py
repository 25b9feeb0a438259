"""Signing the chain head: an HMAC-SHA256 of ``(entry id, hash)`` under a key the host keeps.

The hash chain proves that the journal up to a head was not changed; it cannot tell a genuine
newest entry from one appended by someone who can write the file, since anyone can compute
hashes. A head signed with a key that writer does not have can: a forged append moves the
head, and nobody without the key can sign the new one. ``docs/tamper.md`` says what each check
catches.
"""

from __future__ import annotations

import hashlib
import hmac

from commons.ledger.rules import ChainHead

__all__ = ["SCHEME", "head_signature", "signature_matches"]

SCHEME = "hmac-sha256"


def _message(head: ChainHead) -> bytes:
    return f"commons chain head {head.id} {head.hash}".encode()


def head_signature(head: ChainHead, key: bytes) -> str:
    """The signature of ``head`` under ``key``: ``hmac-sha256:`` and 64 hex digits."""
    return f"{SCHEME}:{hmac.new(key, _message(head), hashlib.sha256).hexdigest()}"


def signature_matches(head: ChainHead, key: bytes, signature: str) -> bool:
    """Whether ``signature`` is ``head``'s under ``key`` (compared in constant time)."""
    return hmac.compare_digest(head_signature(head, key).encode(), signature.strip().encode())
