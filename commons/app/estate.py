"""Use cases of the estate: import compounds, buildings, households, resources and management
areas from CSV; summarise a compound; read the roll of households and the resources.

An import reads and checks every row of every file first, then stores the whole batch in one
transaction, or nothing: any problem raises ``Problems`` naming each bad row by file, line and
field. Rows already recorded with the same content are counted and skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from commons.app.session import Service
from commons.errors import NotFound
from commons.estate.compound import Compound
from commons.estate.household import Household, Owner, owners_of
from commons.estate.importing import check_kind, needed_ids, plan_import
from commons.estate.resource import Resource
from commons.estate.summary import CompoundSummary, summarise
from commons.files import open_text
from commons.io.estate_files import read_estate_file
from commons.io.sources import Source, spooled

if TYPE_CHECKING:
    from commons.store import Tables

__all__ = ["EstateService", "ImportSummary"]


@attrs.frozen
class ImportSummary:
    """What importing one file did: ``new`` rows stored, ``already_recorded`` rows skipped
    because the same id was stored with the same content."""

    kind: str
    new: int
    already_recorded: int
    file: str = ""


def _compound_fix(compound: str) -> str:
    return f"import compound {compound!r} first, or check the spelling"


class EstateService(Service):
    """The estate's use cases; each runs in one transaction."""

    def import_file(self, kind: str, path: Source, *,
                    encoding: str | None = None) -> ImportSummary:
        """Import one CSV file of ``kind`` (compounds, buildings, households, resources or
        management-areas): all of its rows, or none."""
        return self.import_files([(kind, path)], encoding=encoding)[0]

    def import_files(self, files: Sequence[tuple[str, Source]], *,
                     encoding: str | None = None) -> tuple[ImportSummary, ...]:
        """Import several files as one batch, in one transaction: rows may refer to rows of any
        file in the batch (a household to a building in another file) or to stored ones. Files
        may come in any order; the summaries follow it. Each file may also be an open text or
        binary file, or rows (mappings of column to value)."""
        for kind, _ in files:
            check_kind(kind)
        with ExitStack() as stack:
            sources = [stack.enter_context(spooled(source, kind=kind, fmt="csv",
                                                   encoding=encoding))
                       for kind, source in files]
            summaries = self._import([(k, s.path, s.encoding)
                                      for (k, _), s in zip(files, sources, strict=True)])
            names = {str(s.path): s.name for s in sources}
        return tuple(attrs.evolve(s, file=names.get(s.file, s.file)) for s in summaries)

    def _import(self, files: Sequence[tuple[str, Path, str | None]]
                ) -> tuple[ImportSummary, ...]:
        for kind, path, encoding in files:
            check_kind(kind)
            open_text(path, encoding).close()  # a mistyped path must not create a database
        this_year = self.clock.today().year
        parsed = [read_estate_file(kind, path, encoding, this_year=this_year)
                  for kind, path, encoding in files]
        with self.store.write() as t:
            plan = plan_import(parsed, t.estate.records(needed_ids(parsed)))
            plan.raise_if_refused()
            t.estate.insert(plan.new)
        return tuple(ImportSummary(o.kind, o.new, o.already_recorded, o.file)
                     for o in plan.outcomes)

    def show(self, compound_id: str) -> CompoundSummary:
        """Summarise a compound: buildings, elevators, households, owners, exclusive area,
        resources by kind and the management areas it belongs to."""
        with self.reader.read() as t:
            compound = self._compound(t, compound_id)
            return summarise(compound, t.estate.buildings(compound.id),
                             t.estate.households(compound=compound.id),
                             t.estate.resources(compound.id),
                             t.estate.management_areas(compound.id))

    def compounds(self) -> tuple[Compound, ...]:
        """Every recorded compound, ordered by id."""
        with self.reader.read() as t:
            return tuple(t.estate.compounds())

    def households(self, compound: str | None = None,
                   building: str | None = None) -> tuple[Household, ...]:
        """The roll of exclusive units, of a compound and/or building, ordered by id; naming a
        compound or building that is not recorded is NotFound."""
        with self.reader.read() as t:
            if compound is not None:
                self._compound(t, compound)
            if building is not None and t.estate.building(building) is None:
                raise NotFound(f"building {building!r} is not recorded",
                               fix="import the building first, or check the spelling",
                               context={"kind": "building", "id": building})
            return tuple(t.estate.households(compound=compound, building=building))

    def owners(self, compound: str | None = None) -> tuple[Owner, ...]:
        """The owners of a compound's units (or of all), each once, with the units they hold."""
        return owners_of(self.households(compound))

    def resources(self, compound: str | None = None) -> tuple[Resource, ...]:
        """Revenue-earning resources, of a compound if given, ordered by id."""
        with self.reader.read() as t:
            if compound is not None:
                self._compound(t, compound)
            return tuple(t.estate.resources(compound))

    @staticmethod
    def _compound(t: Tables, compound_id: str) -> Compound:
        compound = t.estate.compound(compound_id)
        if compound is None:
            raise NotFound(f"compound {compound_id!r} is not recorded",
                           fix=_compound_fix(compound_id),
                           context={"kind": "compound", "id": compound_id})
        return compound
