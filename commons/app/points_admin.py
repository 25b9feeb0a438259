"""Running a points programme day to day, as its staff do: enrolling a member (with their
household and whether they agreed to be named on the notice board), listing the members, and
restocking the points shelf.

Both acts are done by a person on the programme's staff. A member enrolled again with the same
household is a no-op (their consent to be named is theirs to change, so it takes the value
given); with another household it is a conflict. A restock is keyed by the host's id (a
delivery note): the same again is a no-op, other content under the same id a conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from commons.app.points_spending import PointsSpending, one_or_more
from commons.errors import CommonsError, ConflictError, ErrorCode, RefusedByRule
from commons.fields import parse_id
from commons.points.model import Member, Programme, content_of, parse_person

__all__ = ["MemberEnrolled", "PointsAdmin", "Restocked"]


@attrs.frozen
class MemberEnrolled:
    """A member as enrolled now; ``already_recorded`` when nothing changed, ``consent_changed``
    when only their consent to be named did."""

    programme: str
    member: Member
    already_recorded: bool
    consent_changed: bool = False


@attrs.frozen
class Restocked:
    """Goods put on a programme's points shelf under the host's ``id``, and the stock now."""

    programme: str
    id: str
    item: str
    quantity: int
    stock: int
    date: dt.date
    by: str
    already_recorded: bool


def _read(field: str, parse: Callable[[str], str], text: str) -> str:
    try:
        return parse(text)
    except CommonsError as e:
        raise e.located(field=field) from None


class PointsAdmin(PointsSpending):
    """Members and the points shelf (``PointsSpending``: redemptions, transfers, expiry)."""

    def _staff(self, p: Programme, by: str | None, act: str) -> str:
        person = parse_person(by or self.actor)
        if p.role_of(person) is None:
            raise RefusedByRule(f"{person} is not on programme {p.id}'s staff and cannot {act}",
                                field="by", code=ErrorCode.NOT_AUTHORISED,
                                fix="act as one of its staff: "
                                + ", ".join(s.person for s in p.staff))
        return person

    def add_member(self, programme: str, person: str, *, household: str, named: bool = False,
                   by: str | None = None) -> MemberEnrolled:
        """Enrol ``person`` of ``household`` in ``programme``, named on the notice board only
        if ``named`` (they agreed), as staff member ``by`` (default: the session's actor)."""
        member = Member(_read("person", parse_person, person),
                        _read("household", parse_id, household), named)
        with self.store.write() as t:
            p = self._programme(t, programme)
            self._staff(p, by, "enrol members")
            found = t.points.members(p.id, [member.person]).get(member.person)
            if found == member:
                return MemberEnrolled(p.id, member, True)
            if found is not None and found.household != member.household:
                raise ConflictError(
                    f"member {member.person} of programme {p.id} is recorded in household "
                    f"{found.household}, not {member.household}", field="household",
                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY,
                    fix=f"give household {found.household}, or enrol the person under a new id",
                    context={"kind": "member", "id": member.person})
            self._enrol(t, p.id, [member])
        return MemberEnrolled(p.id, member, False, found is not None)

    def members(self, programme: str) -> tuple[Member, ...]:
        """The members of ``programme``, by person."""
        with self.reader.read() as t:
            return tuple(t.points.all_members(self._programme(t, programme).id))

    def restock(self, programme: str, item: str, quantity: int, *, id: str,
                by: str | None = None, on: dt.date | str | None = None) -> Restocked:
        """Put ``quantity`` more of shelf ``item`` on ``programme``'s points shelf, as staff
        member ``by``, under the host's ``id`` (e.g. the delivery note): once."""
        day = self._today(on)
        one_or_more(quantity, "quantity", "restock a whole number of items, 1 or more")
        with self.store.write() as t:
            p = self._programme(t, programme)
            person = self._staff(p, by, "restock its shelf")
            goods = p.item(item)
            content = content_of(goods.id, quantity)
            if self._act(t, p, "restock", id, content):
                return Restocked(p.id, id, goods.id, quantity, goods.stock, day, person, True)
            t.points.restock(p.id, goods.id, quantity)
            t.points.add_act(p.id, "restock", id, content)
        return Restocked(p.id, id, goods.id, quantity, goods.stock + quantity, day, person,
                         False)

