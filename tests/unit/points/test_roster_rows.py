"""A roster as rows: a file's plain lines (read by one match a field) and its other forms (read
by the full readers) give the rows the same lines give as values, and a stored row earns what
its line earns."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import points_programmes, roster_lines

from commons.errors import CommonsError, ErrorCode
from commons.io.points_files import read_roster
from commons.points.earning import RosterLine, line_points, stored_earns
from commons.points.model import Programme

_QUANTITY_FORMS = [str, lambda q: f"{q:.2f}", lambda q: f"0{q}", lambda q: f" {q} "]
_DATE_FORMS = [lambda d: d.isoformat(), lambda d: f"{d.year}/{d.month}/{d.day}",
               lambda d: f"{d.year}年{d.month}月{d.day}日"]


def _read(text: str) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        path.write_text(text, encoding="utf-8")
        return list(read_roster(path))


@given(roster_lines(), st.data())
def test_every_form_of_a_line_reads_as_the_row_of_its_value(lines: list[RosterLine],
                                                            data: st.DataObject) -> None:
    text = "activity,kind,date,person,quantity\n"
    for x in lines:
        day = data.draw(st.sampled_from(_DATE_FORMS))(x.day)
        quantity = data.draw(st.sampled_from(_QUANTITY_FORMS))(x.quantity)
        text += f"{x.activity},{x.kind},{day},{x.person},{quantity}\n"
    assert _read(text) == [x.as_row() for x in lines]


@pytest.mark.parametrize(("date", "quantity", "field"), [
    ("2026-02-30", "2", "date"), ("2026-12-05", "0.00", "quantity"),
    ("2026-12-05", "2.555", "quantity"), ("2026-12-05", "10001", "quantity")])
def test_a_bad_plain_looking_line_is_refused_naming_its_field(date: str, quantity: str,
                                                              field: str) -> None:
    with pytest.raises(CommonsError) as caught:
        _read(f"activity,kind,date,person,quantity\na,clean,{date},p-a,{quantity}\n")
    assert (caught.value.where.line, caught.value.where.field) == (2, field)
    assert caught.value.code in (ErrorCode.INVALID_DATE, ErrorCode.INVALID_AMOUNT)


@given(points_programmes(), roster_lines())
def test_a_stored_row_earns_what_its_line_earns(programme: Programme,
                                                lines: list[RosterLine]) -> None:
    earns = stored_earns(programme, [(r[2], r[3], r[1], r[4]) for r in
                                     (x.as_row() for x in lines)])
    assert earns == [(x.person, x.day.isoformat()[:7], line_points(programme, x))
                     for x in lines]
