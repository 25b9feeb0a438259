"""Entry point: the root group with every command registered."""

from __future__ import annotations

from .app import main
from .commands import demo, init, split
from .estate import estate
from .ledger import audit, ledger
from .parking import parking
from .resolution import resolution
from .revenue import revenue

__all__ = ["main"]

for command in (init, demo, split, ledger, audit):
    main.add_command(command)
main.add_command(estate)
main.add_command(resolution)
main.add_command(revenue)
main.add_command(parking)
