"""The checks a parking session must pass before an import stores it: its space is a recorded
tidal parking space of a compound with a tariff in effect when it enters, its kind is one that
tariff knows, and it touches no month already billed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from commons.errors import ErrorCode, RefusedByRule
from commons.estate.resource import Resource, ResourceKind
from commons.files import Row
from commons.parking.month import TariffBook
from commons.parking.pricing import SessionFields
from commons.parking.tariff import TariffFile
from commons.periods import Period

__all__ = ["SessionChecks"]


class SessionChecks:
    """What each row of an import is checked against: the tidal spaces (of ``resources``),
    each compound's tariffs (by the instant each takes effect) and the months already
    ``billed`` (compound, YYYY-MM)."""

    def __init__(self, resources: Iterable[Resource], tariff_files: Iterable[TariffFile],
                 billed: set[tuple[str, str]]) -> None:
        self.spaces: dict[str, Resource] = {r.id: r for r in resources}
        files: dict[str, list[TariffFile]] = {}
        for tariff in tariff_files:
            files.setdefault(tariff.tariff.compound, []).append(tariff)
        self.books = {c: TariffBook(c, f) for c, f in files.items()}
        self.starts = {c: [p.plan(f.tariff.effective_from.toordinal())[0]
                           for f, p in zip(b.files, b.pricers, strict=True)]
                       for c, b in self.books.items()}
        self.kinds = {c: [frozenset(f.tariff.kinds()) for f in b.files]
                      for c, b in self.books.items()}
        self.billed = billed
        self.billed_compounds = {c for c, _ in self.billed}

    def compound_of(self, row: Row, fields: SessionFields) -> str:
        """The row's compound, once its space, tariff and kind are found fit."""
        sid, space_id, _, entered, _, _, _, kind = fields
        space = self.spaces.get(space_id)
        if space is None:
            raise row.error("space", f"space {space_id!r} is not a recorded resource",
                            "import the space as a resource of its compound first, or check "
                            "the spelling")
        if space.kind is not ResourceKind.PARKING or not space.tidal:
            what = ("a parking space but not tidal" if space.kind is ResourceKind.PARKING
                    else f"{space.kind.value}, not a parking space")
            raise row.error("space", f"resource {space_id} is {what}",
                            "only tidal parking spaces take sessions; check the space")
        book = self.books.get(space.compound)
        if book is None:
            raise row.error("space", f"compound {space.compound} of space {space_id} has no "
                            "parking tariff", "load a parking tariff for the compound first")
        index = bisect.bisect_right(self.starts[space.compound], entered) - 1
        if index < 0:
            raise row.error("entered_at", f"session {sid} enters before {space.compound}'s "
                            f"first tariff takes effect ({book.files[0].tariff.effective_from})",
                            "load the tariff in effect then, or check the date")
        if kind not in self.kinds[space.compound][index]:
            tariff = book.files[index].tariff
            raise row.error("kind", f"kind {kind!r} is neither outsider, resident nor a card "
                            f"of {space.compound}'s tariff", f"use one of "
                            f"{', '.join(tariff.kinds())}")
        return space.compound

    def in_billed_month(self, row: Row, compound: str, fields: SessionFields
                        ) -> RefusedByRule | None:
        """Why the session may not be added, if it touches a month already billed (unless it
        turns out to be recorded already, which changes nothing)."""
        if compound not in self.billed_compounds:
            return None
        pricer = self.books[compound].latest
        first, last = pricer.day_of(fields[3]), pricer.day_of(fields[5] - 1)
        months = {str(Period.of(dt.date.fromordinal(d))) for d in range(first, last + 1)}
        billed = sorted(p for p in months if (compound, p) in self.billed)
        if not billed:
            return None
        return RefusedByRule(
            f"{compound}'s parking for {billed[0]} is billed already", file=row.file,
            line=row.line, field="entered_at",
            fix="a billed month is never changed; correct it in a later month's books",
            code=ErrorCode.CLOSED_PERIOD)
