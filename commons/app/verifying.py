"""Walking a large hash chain in several processes at once.

The journal is append-only, so entries up to the head read at the start are the same in every
snapshot taken after it: each process opens the file read-only and walks one range of ids,
starting from the entry stored just before the range. Their findings, in range order, are what
one walk from the genesis would have found.
"""

from __future__ import annotations

from commons.ledger.problems import VerifyProblem
from commons.ledger.rules import ChainHead, check_chain
from commons.store import open_store

__all__ = ["PARALLEL_FROM_ENTRIES", "verify_in_processes", "verify_ranges"]

PARALLEL_FROM_ENTRIES = 200_000  # below this, starting processes costs more than it saves


def verify_ranges(last: int, workers: int) -> list[tuple[int, int]]:
    """Split ids 1..``last`` into up to ``workers`` ranges (one when the journal is small)."""
    if workers <= 1 or last < PARALLEL_FROM_ENTRIES:
        return [(1, last)]
    size = -(-last // workers)
    return [(lo, min(lo + size - 1, last)) for lo in range(1, last + 1, size)]


def _walk(path: str, first: int, last: int) -> tuple[list[VerifyProblem], int, str]:
    store = open_store(path, read_only=True)
    try:
        with store.read() as t:
            problems, head = check_chain(t.ledger.stored_rows(first, last),
                                         after=t.ledger.link_before(first))
    finally:
        store.close()
    return problems, head.id, head.hash


def verify_in_processes(path: str, ranges: list[tuple[int, int]]
                        ) -> tuple[list[VerifyProblem], ChainHead]:
    """Walk each range in its own process; spawned, so no child inherits an open connection."""
    # Imported here, not atop the module: a ledger balance starts no process and should not
    # pay for importing the machinery (multiprocessing, concurrent.futures: ~10 ms).
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(ranges), mp_context=context) as pool:
        walks = [pool.submit(_walk, path, first, last) for first, last in ranges]
        results = [w.result() for w in walks]
    problems = [p for found, _, _ in results for p in found]
    _, last_id, last_hash = results[-1]
    return problems[:20], ChainHead(last_id, last_hash)
