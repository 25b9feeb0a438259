"""Issue 16 (trust), as a host embedding the library meets it: unknown compounds are refused,
a chart opened with a wrong date can be re-dated, refusals of built entries name the use case,
dates are read the same everywhere, and the handle's errors are the package's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from revenue_helpers import build_estate

import commons


@pytest.fixture
def books(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "books.db", actor="@host") as handle:
        yield handle


@pytest.fixture
def estate(books: commons.Books, tmp_path: Path) -> commons.Books:
    build_estate(books, tmp_path)
    books.ledger.chart("wjxc")
    return books


def test_a_compound_outside_the_estate_is_refused_with_the_nearest_known(
        estate: commons.Books, tmp_path: Path) -> None:
    with pytest.raises(commons.NotFound) as chart:
        estate.ledger.chart("wjcx")
    assert chart.value.field == "compound" and "'wjxc'" in (chart.value.fix or "")
    with pytest.raises(commons.NotFound, match="not open"):  # nothing was opened
        estate.ledger.trail("assets:bank:co-managed:wjcx")
    with pytest.raises(commons.NotFound) as balance:
        estate.ledger.balance(compound="nope")
    assert balance.value.field == "compound"
    with pytest.raises(commons.NotFound) as export:
        estate.audit.export(tmp_path / "t.csv", format="csv", compound="nope")
    assert export.value.field == "compound"
    assert not (tmp_path / "t.csv").exists()
    assert not (tmp_path / "t.csv.manifest.json").exists()
    estate.ledger.balance(compound="wjxc")  # the known one still works
    estate.ledger.chart("zy-1")  # a compound of the estate with no chart yet


def test_books_kept_without_an_estate_keep_working(books: commons.Books, tmp_path: Path
                                                   ) -> None:
    books.ledger.chart("hpl")
    books.ledger.balance(compound="hpl")
    assert books.audit.export(tmp_path / "t.csv", format="csv", compound="hpl").rows == 0
    with pytest.raises(commons.NotFound) as caught:
        books.ledger.balance(compound="hlp")
    assert caught.value.field == "compound" and "'hpl'" in (caught.value.fix or "")
