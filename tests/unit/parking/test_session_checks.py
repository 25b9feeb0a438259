"""A session row's checks on their own, from values: its space must be a recorded tidal parking
space of a compound with a tariff in effect, its kind one that tariff knows, and a session in a
billed month is flagged (the import refuses it unless it is recorded already)."""

from __future__ import annotations

import pytest
from conftest import raises
from parking_helpers import SHANGHAI, TARIFF

from commons.errors import CommonsError, ErrorCode
from commons.estate.resource import Resource, ResourceKind
from commons.files import Row
from commons.parking.checks import SessionChecks
from commons.parking.pricing import session_fields

SPACES = [Resource("P1", "wjxc", ResourceKind.PARKING, True),
          Resource("P9", "wjxc", ResourceKind.PARKING, False)]
CHECKS = SessionChecks(SPACES, [TARIFF], {("wjxc", "2026-10")})


def row(space: str = "P1", kind: str = "outsider", day: str = "2026-11-09") -> Row:
    return Row("s.csv", 2, {"session_id": "s1", "space": space, "plate": "湘A11111",
                            "entered_at": f"{day}T08:00:00", "exited_at": f"{day}T09:20:00",
                            "kind": kind})


def test_a_tidal_space_with_a_tariff_and_a_known_kind_is_its_compounds() -> None:
    r = row()
    fields = session_fields(r, SHANGHAI)
    assert CHECKS.compound_of(r, fields) == "wjxc"
    assert CHECKS.in_billed_month(r, "wjxc", fields) is None


@pytest.mark.parametrize(("space", "kind", "field"), [
    ("P7", "outsider", "space"),
    ("P9", "outsider", "space"),
    ("P1", "valet", "kind"),
])
def test_a_row_that_does_not_fit_is_refused_naming_its_field(space: str, kind: str,
                                                              field: str) -> None:
    r = row(space, kind)
    with raises(CommonsError, ErrorCode.INVALID_INPUT) as refused:
        CHECKS.compound_of(r, session_fields(r, SHANGHAI))
    assert (refused.value.field, refused.value.line) == (field, 2)


def test_a_session_in_a_billed_month_is_flagged() -> None:
    r = row(day="2026-10-09")
    flagged = CHECKS.in_billed_month(r, "wjxc", session_fields(r, SHANGHAI))
    assert flagged is not None and "2026-10" in flagged.what
    assert flagged.code == ErrorCode.CLOSED_PERIOD
