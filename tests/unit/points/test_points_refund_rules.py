"""The pure rules of a refund of an order that points paid part of, as properties: yuan first,
the part beyond the yuan paid given back from the redemptions to the fen, points half up and
never more than spent, all of them when the whole value comes back; returned lots keep the
spent lots' expiry, latest first."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from commons.money import Money
from commons.points.lots import Draw, Lot
from commons.points.model import yuan_value
from commons.points.refunds import Spent, points_returned, returned_lots


@st.composite
def orders(draw: st.DrawFn) -> tuple[list[Spent], Money, Money]:
    """Redemptions of one or two programmes on an order, its resident share and a refund of
    at most that share."""
    spent = []
    for programme in draw(st.sampled_from([["p"], ["p", "q"]])):
        points = draw(st.integers(1, 500))
        spent.append(Spent(programme, "r", points, yuan_value(points, draw(st.integers(1, 300)))))
    share = Money(sum(s.value.fen for s in spent) + draw(st.integers(0, 5000)))
    return spent, share, Money(draw(st.integers(0, share.fen)))


@given(orders(), st.booleans())
def test_yuan_first_then_points_to_the_fen(order: tuple[list[Spent], Money, Money],
                                           full: bool) -> None:
    spent, share, refund = order
    total = sum(s.value.fen for s in spent)
    gives = points_returned(spent, share, refund, full=full)
    back = sum(g.value.fen for g in gives)
    paid_in_yuan = share.fen - total
    assert back == (total if full else max(0, refund.fen - paid_in_yuan))
    by_programme = {s.programme: s for s in spent}
    for g in gives:
        s = by_programme[g.programme]
        assert 0 <= g.points <= s.points and Money.zero() <= g.value <= s.value
        if back == total:
            assert g.points == s.points
        else:
            assert abs(Fraction(g.points) - Fraction(s.points * back, total)) <= Fraction(1, 2)
    if not full and refund.fen <= paid_in_yuan:
        assert gives == ()


@given(st.lists(st.integers(1, 40), min_size=1, max_size=4), st.data())
def test_returned_lots_keep_their_expiry_latest_first(sizes: list[int],
                                                      data: st.DataObject) -> None:
    start = dt.date(2026, 1, 1)
    draws = [Draw(Lot(i, "r", start, start + dt.timedelta(days=100 + 10 * i), n, n, "x"), n)
             for i, n in enumerate(sizes)]
    points = data.draw(st.integers(1, sum(sizes)))
    day = start + dt.timedelta(days=data.draw(st.integers(1, 200)))
    lots = returned_lots(draws, points, day)
    assert sum(n for _, _, n in lots) == points
    expiries = [expires for _, expires, _ in lots]
    assert expiries == sorted(expiries, reverse=True)
    assert expiries[0] == draws[-1].lot.expires_on
    for earned, expires, _ in lots:
        assert earned == (day if day < expires else start)
