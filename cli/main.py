"""Entry point: the root group with every command registered."""

from __future__ import annotations

from .app import main
from .audit import audit
from .billing import billing
from .commands import demo, init, split
from .contracts import bundle, contract
from .estate import estate
from .ledger import ledger
from .parking import parking
from .reconcile import reconcile
from .resolution import resolution
from .revenue import revenue

__all__ = ["main"]

for command in (
    init,
    demo,
    split,
    estate,
    resolution,
    billing,
    parking,
    revenue,
    ledger,
    reconcile,
    audit,
    contract,
    bundle,
):
    main.add_command(command)
