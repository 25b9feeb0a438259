"""Reading a split's files: the plan (TOML ``[[stage]]`` tables and an optional ``[floors]``
table) and the rows to split over (a households CSV or a two-column ``id,weight`` CSV), each
error located by file, line and field.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from commons.allocation import parse_weight
from commons.billing.split import FloorCoefficients, SplitMethod, weights_for
from commons.errors import CommonsError, ErrorCode, InvalidInput
from commons.estate.household import Household
from commons.files import Row, csv_rows, read_toml_file

__all__ = ["read_plan", "read_split_source"]

_SOURCE_FIX = (
    "give a households CSV (id,building,floor,area_m2,owner) or a two-column id,weight CSV"
)


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read a plan TOML file; a syntax error names the file and line."""
    return read_toml_file(path, "the plan file")


def _weight_row(row: Row) -> tuple[str, Decimal]:
    weight = row.parse("weight", parse_weight)
    if weight < 0:
        raise row.error("weight", f"weight {weight} is negative",
                        "weights are shares of a cost and must be zero or more")
    return row.text("id"), weight


def read_split_source(
    path: str | Path, method: SplitMethod, coefficients: FloorCoefficients,
    encoding: str | None = None,
) -> dict[str, Decimal]:
    """Weights by ``method`` from a households CSV or an ``id,weight`` CSV, located on error."""
    households: list[Household] = []
    pairs: dict[str, Decimal] = {}
    seen: set[str] = set()
    for row in csv_rows(path, required=("id",), encoding=encoding):
        if "weight" in row.values:
            key, weight = _weight_row(row)
            if key in pairs:
                raise row.error("id", f"id {key!r} appears twice", "give each id once")
            pairs[key] = weight if method == "area" else Decimal(1)
            continue
        missing = [c for c in Household.HEADER if c not in row.values]
        if missing:
            raise InvalidInput(f"the header lacks column '{missing[0]}'", fix=_SOURCE_FIX,
                               file=str(path), line=1, field=missing[0],
                               code=ErrorCode.MALFORMED_FILE)
        try:
            household = Household.from_csv_row(row)
            if household.id in seen:
                raise row.error("id", f"household {household.id!r} appears twice",
                                "give each household once")
            seen.add(household.id)
            households.append(household)
            if method == "floor":
                coefficients.weight(household)
        except CommonsError as e:
            raise e.located(file=row.file, line=row.line, field="floor") from None
    if pairs and method == "floor":
        raise InvalidInput("--by floor needs a households CSV with floor and area_m2 columns",
                           file=str(path), line=1, fix=_SOURCE_FIX)
    if not pairs and not households:
        raise InvalidInput("the file has a header but no rows to split over", file=str(path),
                           fix="add one row per household or id")
    return pairs or weights_for(method, households, coefficients)
