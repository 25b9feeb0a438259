"""Entry point: the root group with every command registered."""

from __future__ import annotations

from .app import main
from .commands import demo, init, split
from .ledger import audit, ledger
from .reconcile import reconcile

__all__ = ["main"]

for command in (init, demo, split, ledger, audit, reconcile):
    main.add_command(command)
