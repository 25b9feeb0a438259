"""What every use-case mixin relies on from the ``Commons`` handle that it is mixed into.

The handle owns the clock, the actor and the store; the mixins (ledger, estate, revenue, ...)
only use them. Declaring them once here lets each mixin be type-checked on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commons.app.ledger import PostSummary
    from commons.clock import Clock
    from commons.ledger.journal import Entry
    from commons.store import SqliteStore, Tables

__all__ = ["UseCases"]


class UseCases:
    """The handle's parts a use case may use: ``store`` to write, ``reader`` to read."""

    clock: Clock
    actor: str
    path: str

    if TYPE_CHECKING:
        @property
        def store(self) -> SqliteStore: ...

        @property
        def reader(self) -> SqliteStore: ...

        def _post_in(self, t: Tables, source: str | Path | Iterable[Entry],
                     encoding: str | None, on_progress: Callable[[int], None] | None,
                     workers: int = 1) -> PostSummary: ...
