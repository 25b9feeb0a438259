"""Use case: split a cost over the households or ids of a CSV file, through a share plan."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from commons.billing.split import (
    SPLIT_METHODS,
    FloorCoefficients,
    SharePlan,
    Split,
    SplitMethod,
    split_total,
)
from commons.errors import CommonsError, InvalidInput
from commons.io.sources import Source, through
from commons.io.split_files import read_plan, read_split_source
from commons.money import Money

__all__ = ["SplitService"]


class SplitService:
    """Cost splits; they need no database."""

    def split(
        self,
        total: Money | str,
        file: Source,
        *,
        by: str = "area",
        plan: str | Path | IO[str] | IO[bytes] | None = None,
        encoding: str | None = None,
    ) -> Split:
        """Split ``total`` over the rows of ``file`` by area, households, floor or equally.

        ``file`` is a households CSV or an ``id,weight`` CSV: a path, an open text or binary
        file, or rows. ``plan`` is a TOML file (a path or an open file) of ``[[stage]]``
        tables (government, firm, ... and a last stage with ``rest = true``) and an optional
        ``[floors]`` coefficient table for elevators.
        """
        amount = total if isinstance(total, Money) else _parse_total(total)
        if by not in SPLIT_METHODS:
            raise InvalidInput(f"unknown split method {by!r}",
                               fix=f"use one of {', '.join(SPLIT_METHODS)}")
        method: SplitMethod = by
        share_plan, coefficients = (None, FloorCoefficients.from_mapping({})) if plan is None \
            else through(plan, lambda path, _: _read_plan(path), kind="plan", fmt="toml")
        weights = through(file, lambda path, encoding: read_split_source(
            path, method, coefficients, encoding), kind="split", encoding=encoding)
        return split_total(amount, weights, share_plan)


def _read_plan(path: Path) -> tuple[SharePlan | None, FloorCoefficients]:
    plan_data = read_plan(path)
    try:
        share_plan = SharePlan.from_mapping(plan_data) if "stage" in plan_data else None
        return share_plan, FloorCoefficients.from_mapping(plan_data)
    except CommonsError as e:
        raise e.located(file=str(path)) from None


def _parse_total(text: str) -> Money:
    try:
        return Money.parse(text)
    except InvalidInput as e:
        raise e.located(field="TOTAL") from None
