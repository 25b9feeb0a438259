"""The one check of a compound's name that every use case taking one shares.

A mistyped compound must not open accounts nobody can remove, nor report an empty balance or
export as if the compound simply had no postings.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commons.errors import NotFound

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["check_compound", "unknown_compound"]

_LISTED = 10  # known compounds named in a fix when none is close to the name given


def unknown_compound(compound: str, known: Sequence[str], *, where: str = "recorded",
                     how: str = "import it with `commons estate import compounds FILE`"
                     ) -> NotFound:
    """The refusal of ``compound``, with a "did you mean" from ``known`` (estate ids or the
    compounds of the chart of accounts)."""
    close = difflib.get_close_matches(compound, known, n=3, cutoff=0.6)
    if close:
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? "
    elif known:
        listed = ", ".join(known[:_LISTED]) + (", ..." if len(known) > _LISTED else "")
        hint = f"the known compounds are {listed}; "
    else:
        hint = ""
    return NotFound(f"compound {compound!r} is not {where}", field="compound",
                    fix=f"{hint}check the spelling, or {how}")


def check_compound(t: Tables, compound: str, *, opening: bool = False) -> None:
    """Refuse ``compound`` unless the books know it.

    Where the estate holds compounds, those are the known ones. Books kept without an estate
    know the compounds their accounts carry; there a chart being opened (``opening``) may name
    a new one, since that is how such books learn it.
    """
    estate = [c.id for c in t.estate.compounds()]
    if compound in estate:
        return
    if estate:
        raise unknown_compound(compound, estate, where="in the estate")
    if opening:
        return
    charted = sorted({a.compound for _, a in t.ledger.accounts().values() if a.compound})
    if compound not in charted:
        raise unknown_compound(compound, charted, where="the compound of any account",
                               how=f"open its chart: commons ledger chart {compound}")
