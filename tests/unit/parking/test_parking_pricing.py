"""Pricing tidal parking: tables for the boundaries (windows, the 15-minute unit, the hourly
price, free minutes, overstay, midnight, holidays and make-up working days, cards, the cap) and
the laws (no day above the cap, never cheaper for staying longer), plus the tariff file's
refusals, each naming its field."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import raises
from hypothesis import given
from hypothesis import strategies as st
from parking_helpers import OCT_1, SHANGHAI, TARIFF, session
from strategies import parking_durations, parking_entries, parking_kinds

from commons import InvalidInput, Money
from commons.errors import ErrorCode
from commons.parking.pricing import Pricer, Session, parse_instant, price
from commons.parking.tariff import Calendar, DayType, TariffFile

T, C = TARIFF.tariff, TARIFF.calendar


def charges(entered: str, exited: str, kind: str = "outsider") -> list[tuple[str, str]]:
    return [(d.date.isoformat(), d.amount.format())
            for d in price(session(entered, exited, kind), T, C)]


@pytest.mark.parametrize(("entered", "exited", "expected"), [
    # 2026-10-09 is a Friday: the hospital window 07:30-18:30, 1.00 a started 15 minutes,
    # 3.00 a whole hour; 15 free minutes; overstay 3.00 a started 15 minutes; cap 40.00.
    ("2026-10-09T08:00", "2026-10-09T08:15", "0.00"),   # the free minutes, exactly
    ("2026-10-09T08:00", "2026-10-09T08:16", "2.00"),   # one minute more: all of it is paid
    ("2026-10-09T08:00", "2026-10-09T08:30", "2.00"),   # two started units
    ("2026-10-09T08:00", "2026-10-09T08:31", "3.00"),   # a third unit starts
    ("2026-10-09T08:00", "2026-10-09T08:46", "3.00"),   # four units are dearer than the hour
    ("2026-10-09T08:00", "2026-10-09T09:00", "3.00"),   # one hour
    ("2026-10-09T08:00", "2026-10-09T09:20", "5.00"),   # an hour and two units
    ("2026-10-09T07:00", "2026-10-09T07:30", "6.00"),   # before the window: overstay
    ("2026-10-09T07:20", "2026-10-09T07:40", "4.00"),   # 10 min overstay + 10 min window
    ("2026-10-09T18:00", "2026-10-09T19:00", "8.00"),   # window 2.00, then overstay 6.00
    ("2026-10-09T18:30", "2026-10-09T18:46", "6.00"),   # the window has closed
    ("2026-10-09T08:00", "2026-10-09T18:30", "32.00"),  # ten hours and two units
    ("2026-10-09T06:00", "2026-10-09T20:00", "40.00"),  # capped
])
def test_a_working_day(entered: str, exited: str, expected: str) -> None:
    assert charges(entered, exited) == [("2026-10-09", expected)]


@pytest.mark.parametrize(("day", "kind", "expected"), [
    ("2026-10-02", DayType.REST, "6.00"),     # National Day, a Friday: the rest-day window
    ("2026-10-10", DayType.WORKING, "3.00"),  # a Saturday worked to make up: the hospital's
    ("2026-10-11", DayType.REST, "6.00"),     # an ordinary Sunday
    ("2026-10-12", DayType.WORKING, "3.00"),  # an ordinary Monday
    ("2026-02-14", DayType.WORKING, "3.00"),  # the Saturday before the Spring Festival
    ("2026-02-16", DayType.REST, "6.00"),     # a Monday of the Spring Festival
])
def test_holidays_and_make_up_working_days(day: str, kind: DayType, expected: str) -> None:
    assert C.day_type(dt.date.fromisoformat(day)) is kind
    # 10:00-11:00: one hour at 3.00 on a working day, four units at 1.50 on a rest day
    assert charges(f"{day}T10:00", f"{day}T11:00") == [(day, expected)]


def test_a_rest_day_outside_its_window_is_overstay() -> None:
    assert charges("2026-10-03T08:00", "2026-10-03T09:00") == [("2026-10-03", "12.00")]


def test_a_night_across_midnight_is_billed_day_by_day_each_capped() -> None:
    # Friday 18:00 -> Saturday 10:00 (a make-up working day, window from 07:30)
    assert charges("2026-10-09T18:00", "2026-10-10T10:00") == [
        ("2026-10-09", "40.00"), ("2026-10-10", "40.00")]
    # 23:30 -> 00:30: two days, 30 minutes of overstay on each
    assert charges("2026-10-12T23:30", "2026-10-13T00:30") == [
        ("2026-10-12", "6.00"), ("2026-10-13", "6.00")]


def test_a_session_ending_at_midnight_does_not_touch_the_next_day() -> None:
    assert charges("2026-10-12T23:00", "2026-10-13T00:00") == [("2026-10-12", "12.00")]
    assert charges("2026-10-13T00:00", "2026-10-13T00:30") == [("2026-10-13", "6.00")]


def test_several_days() -> None:
    days = charges("2026-10-09T08:00", "2026-10-12T08:00")
    assert [d for d, _ in days] == ["2026-10-09", "2026-10-10", "2026-10-11", "2026-10-12"]
    assert [a for _, a in days] == ["40.00", "40.00", "40.00", "40.00"]


@pytest.mark.parametrize(("kind", "entered", "exited", "expected"), [
    ("resident", "2026-10-09T08:00", "2026-10-09T20:00", "0.00"),
    ("resident-night", "2026-10-09T08:00", "2026-10-09T20:00", "0.00"),
    ("staff-monthly", "2026-10-09T06:00", "2026-10-09T20:00", "0.00"),  # covers all hours
    ("nurse-night", "2026-10-09T18:00", "2026-10-09T19:00", "2.00"),   # night free, window not
    ("nurse-night", "2026-10-09T19:00", "2026-10-09T23:00", "0.00"),
])
def test_cards_cover_their_hours(kind: str, entered: str, exited: str, expected: str) -> None:
    assert charges(entered, exited, kind) == [("2026-10-09", expected)]


def test_an_unknown_kind_names_the_field() -> None:
    with pytest.raises(InvalidInput) as e:
        charges("2026-10-09T08:00", "2026-10-09T09:00", "gold-card")
    assert e.value.field == "kind"
    assert "outsider, resident, resident-night" in (e.value.fix or "")


def test_a_tariff_priced_only_by_the_hour_charges_started_hours() -> None:
    text = TARIFF_TEXT.replace('per_unit = "1.00"\nper_hour = "3.00"', 'per_hour = "3.00"')
    hourly = TariffFile.parse(text)
    s = session("2026-10-09T08:00", "2026-10-09T09:01")
    assert [d.amount for d in price(s, hourly.tariff, hourly.calendar)] == [Money.yuan("6.00")]


TARIFF_TEXT = TARIFF.source


def _session(entry: int, duration: int, kind: str) -> Session:
    start = OCT_1 + dt.timedelta(minutes=entry)
    return Session("s", "P1", "X", start, start + dt.timedelta(minutes=duration), kind)


@given(parking_entries, parking_durations, parking_kinds)
def test_no_day_costs_more_than_the_cap(entry: int, duration: int, kind: str) -> None:
    days = price(_session(entry, duration, kind), T, C)
    assert T.daily_cap is not None
    assert all(Money.zero() <= d.amount <= T.daily_cap for d in days)
    assert sum(d.amount for d in days) <= T.daily_cap * len(days)
    assert [d.date for d in days] == [days[0].date + dt.timedelta(days=n)
                                      for n in range(len(days))]


@given(parking_entries, parking_durations, st.integers(min_value=1, max_value=600),
       parking_kinds)
def test_staying_longer_never_costs_less(entry: int, duration: int, more: int,
                                         kind: str) -> None:
    short = price(_session(entry, duration, kind), T, C)
    long = price(_session(entry, duration + more, kind), T, C)
    assert sum(d.amount for d in long) >= sum(d.amount for d in short)


@given(parking_entries, parking_durations, parking_kinds)
def test_one_pricer_for_many_sessions_prices_as_a_fresh_one(entry: int, duration: int,
                                                             kind: str) -> None:
    s = _session(entry, duration, kind)
    assert SHARED.price(s) == price(s, T, C)


SHARED = Pricer(T, C)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-10-09T08:00:00", (1791504000, 28800)),
    ("2026-10-09 08:00", (1791504000, 28800)),
    ("2026-10-09T00:00:00Z", (1791504000, 0)),
    ("2026-10-09T09:00:00+09:00", (1791504000, 32400)),
    # issue 16 item 9: the date forms every importer reads, with a time
    ("2026/10/9 8:00", (1791504000, 28800)), ("2026.10.9 08:00:00", (1791504000, 28800)),
    ("20261009 8:00", (1791504000, 28800)), ("2026/10/9 9:00 +09:00", (1791504000, 32400)),
])
def test_instants_keep_their_offset(text: str, expected: tuple[int, int]) -> None:
    assert parse_instant(text, SHANGHAI) == expected


@pytest.mark.parametrize("text", ["2026-10-09", "yesterday", "2026-10-09T08:00:00.5", "",
                                  "2026/10/9", "2026/10/9 25:00", "2026/10/9 8"])
def test_bad_instants(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_instant(text, SHANGHAI)


@pytest.mark.parametrize(("change", "field"), [
    (('start = "07:30"', 'start = "7h30"'), "window[0].start"),
    (('end = "18:30"', 'end = "07:00"'), "window hospital-day"),
    (('daily_cap = "40.00"', "daily_cap = 40.5"), "daily_cap"),
    (('daily_cap = "40.00"', 'daily_cap = "40.001"'), "daily_cap"),
    (('outside_spaces = 30', 'outside_spaces = -1'), "window[0].outside_spaces"),
    (('days = "working"', 'days = "weekdays"'), "window[0].days"),
    (('holder = "resident"', 'holder = "owner"'), "card[0].holder"),
    (('owners_percent = "50"', 'owners_percent = "150"'), "sharing.owners_percent"),
    (('"2026-10-01..2026-10-07"', '"2026-10-07..2026-10-01"'), "calendar.holidays"),
    (('unit_minutes = 15', 'unit_minutes = 0'), "unit_minutes"),
    (('compound = "wjxc"', 'compound = "wjxc"\ncolour = "red"'), "colour"),
])
def test_tariff_refusals_name_the_field(change: tuple[str, str], field: str) -> None:
    old, new = change
    assert old in TARIFF_TEXT
    with pytest.raises(InvalidInput) as e:
        TariffFile.parse(TARIFF_TEXT.replace(old, new, 1), file="t.toml")
    assert (e.value.file, e.value.field) == ("t.toml", field)


def test_overlapping_windows_and_bad_toml_are_refused() -> None:
    overlapping = TARIFF_TEXT.replace('days = "rest"', 'days = "every"')
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        TariffFile.parse(overlapping)
    with pytest.raises(InvalidInput) as e:
        TariffFile.parse("compound = \n", file="t.toml")
    assert (e.value.file, e.value.line) == ("t.toml", 1)


def test_a_day_both_holiday_and_working_day_is_refused() -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Calendar(frozenset({dt.date(2026, 10, 10)}), frozenset({dt.date(2026, 10, 10)}))


def test_the_2026_calendar_fixture() -> None:
    assert len(C.holidays) == 33 and len(C.workdays) == 6
    assert dt.date(2026, 10, 7) in C.holidays and dt.date(2026, 10, 10) in C.workdays
