"""The one check of a compound's name that every use case taking one shares.

A mistyped compound must not open accounts nobody can remove, nor report an empty balance or
export as if the compound simply had no postings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from commons.errors import ErrorCode, NotFound, did_you_mean, nearest

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["check_compound", "compound_hint", "unknown_compound"]

_LISTED = 10  # known compounds named in a fix when none is close to the name given


def unknown_compound(compound: str, known: Sequence[str], *, where: str = "recorded",
                     how: str = "import it into the estate first", kind: str = "compound",
                     field: str = "compound") -> NotFound:
    """The refusal of ``compound``, with a "did you mean" from ``known`` (estate ids or the
    compounds of the chart of accounts). Its context names the compound, the close ones
    (``near``) or else the first known ones (``known``), space-separated, so the command
    line can give its own advice with the same hint."""
    close, _ = nearest(compound, known)
    context = {"kind": kind, "id": compound}
    if close:
        context["near"] = " ".join(close)
    elif known:
        context["known"] = " ".join(known[:_LISTED]) + (" ..." if len(known) > _LISTED else "")
    return NotFound(f"compound {compound!r} is not {where}", field=field,
                    fix=f"{compound_hint(context)}check the spelling, or {how}",
                    context=context, code=ErrorCode.NOT_FOUND)


def compound_hint(context: Mapping[str, str]) -> str:
    """The "did you mean" part of an unknown compound's advice, from its error's context."""
    if "near" in context:
        return did_you_mean(context["near"].split(), quote=True)
    if "known" in context:
        return f"the known compounds are {', '.join(context['known'].split())}; "
    return ""


def check_compound(t: Tables, compound: str, *, opening: bool = False,
                   field: str = "--compound") -> None:
    """Refuse ``compound`` unless the books know it; the refusal names ``field``, the option
    a user typed it as (every command but ``ledger chart COMPOUND`` takes ``--compound``).

    Where the estate holds compounds, those are the known ones. Books kept without an estate
    know the compounds their accounts carry; there a chart being opened (``opening``) may name
    a new one, since that is how such books learn it.
    """
    estate = [c.id for c in t.estate.compounds()]
    if compound in estate:
        return
    if estate:
        raise unknown_compound(compound, estate, where="in the estate", field=field)
    if opening:
        return
    charted = sorted({a.compound for _, a in t.ledger.accounts().values() if a.compound})
    if compound not in charted:
        raise unknown_compound(compound, charted, where="the compound of any account",
                               how="open its chart first (``ledger.chart``)",
                               kind="charted_compound", field=field)
