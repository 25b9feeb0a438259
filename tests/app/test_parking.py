"""Tidal parking through the api: importing sessions all or nothing (every bad row named by
line and field), --skip-bad and its reject file, idempotent and conflicting re-imports,
overlaps with stored sessions, billed months closed to new sessions, the bill collected through
the revenue duty under the sharing rule, windows over their allowance, and the report."""

from __future__ import annotations

import csv
import random
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import raises
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parking_helpers import TARIFF_FILE, at_minute, sessions_csv, setup
from strategies import parking_space_sessions

import commons
from commons import ConflictError, Money, NotFound, Problems, RefusedByRule
from commons.app import ParkingBill
from commons.demo import run_demo
from commons.errors import ErrorCode

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

GOOD = [
    ("s1", "P1", "湘A11111", "2026-10-09T08:00:00", "2026-10-09T09:20:00", "outsider"),
    ("s2", "P1", "湘A22222", "2026-10-09T10:00:00+08:00", "2026-10-09T10:40:00+08:00", "访客"),
    ("s3", "P2", "湘A33333", "2026-10-09T18:45:00", "2026-10-10T07:10:00", "resident-night"),
    ("s4", "P3", "湘A44444", "2026-10-09T02:00:00Z", "2026-10-09T03:00:00Z", "outsider"),
]
BAD = [
    ("s5", "P3", "湘A55555", "2026-10-09T12:00:00", "2026-10-09T11:00:00", "outsider"),
    ("s6", "P9", "湘A66666", "2026-10-09T10:00:00", "2026-10-09T11:00:00", "outsider"),
    ("s7", "PX", "湘A77777", "2026-10-09T10:00:00", "2026-10-09T11:00:00", "outsider"),
    ("s8", "P2", "湘A88888", "2026-10-09T10:00:00", "2026-10-09T11:00:00", "gold"),
    ("s9", "P1", "湘A99999", "2026-10-09T09:00:00", "2026-10-09T09:30:00", "outsider"),
    ("s10", "P2", "湘A10000", "yesterday", "2026-10-09T11:00:00", "outsider"),
]


def write(tmp_path: Path, rows: list[tuple[str, ...]], name: str = "sessions.csv") -> Path:
    path = tmp_path / name
    path.write_text(sessions_csv(rows), encoding="utf-8")  # type: ignore[arg-type]
    return path


def test_import_bill_and_report(tmp_path: Path) -> None:
    api = setup(tmp_path)
    summary = api.parking.import_sessions(write(tmp_path, GOOD))
    assert (summary.rows, summary.new, summary.already_recorded, summary.refused) == (4, 4, 0, 0)
    bill = api.parking.bill("2026-10")
    lines = {s.session_id: s.amount.format() for s in bill.sessions}
    # s1 08:00-09:20 5.00; s2 40 min 3.00; s3 a resident; s4 10:00-11:00 local, one hour 3.00
    assert lines == {"s1": "5.00", "s2": "3.00", "s3": "0.00", "s4": "3.00"}
    only = bill.compounds[0]
    assert [(c.card, c.plate, c.amount.format()) for c in only.bill.cards] == [
        ("resident-night", "湘A33333", "60.00")]
    assert only.bill.total == Money.yuan("71.00") and only.status == "posted"
    # the tariff names an operator and no revenue rule is set: half each, to the fen
    assert [(s.party, s.amount.format()) for s in bill.shares] == [
        ("owners", "35.50"), ("Yuhua Smart Parking", "35.50")]
    balances = {b.account: b.balance for b in api.ledger.balance(compound="wjxc").balances}
    assert balances["assets:bank:co-managed:wjxc"] == Money.yuan("71.00")
    assert balances["income:parking:wjxc"] == Money.yuan("-71.00")
    # each space's income is split on its own: P1 8.00, P2 60.00, P3 3.00, half of each
    assert balances["liabilities:payable:operator:wjxc"] == Money.yuan("-35.50")
    assert api.audit.verify().ok
    # every yuan names the space that earned it, so clearing finds no unattributed income
    cleared = api.revenue.clear("wjxc", as_of=commons.Period(2026, 10).last_day)
    assert not cleared.unattributed
    assert {e.resource: e.earned.format() for e in cleared.resources if e.earned} == {
        "P1": "8.00", "P2": "60.00", "P3": "3.00"}
    assert api.parking.bill("2026-10").compounds[0].status == "already recorded"
    assert len(api.ledger.trail("income:parking:wjxc")) == 3  # no entry posted twice
    report = api.parking.report("2026-10", fee_bill="142.00")
    assert report.covered == Fraction(1, 4)  # the owners' 35.50 of 142.00


def test_the_revenue_sharing_rule_wins_over_the_tariff(tmp_path: Path) -> None:
    api = setup(tmp_path)
    api.revenue.rule("wjxc", commission_percent="20", effective_from=commons.Period(
        2026, 10).first_day)
    api.parking.import_sessions(write(tmp_path, GOOD))
    bill = api.parking.bill("2026-10")
    shares = {s.party: s.amount for s in bill.shares}
    assert shares["Yuhua Smart Parking"] + shares["owners"] == Money.yuan("71.00")
    assert shares["Yuhua Smart Parking"] == Money.yuan("14.20")


def test_bad_rows_are_named_and_nothing_is_stored(tmp_path: Path) -> None:
    api = setup(tmp_path)
    with pytest.raises(Problems) as e:
        api.parking.import_sessions(write(tmp_path, GOOD + BAD))
    found = {(p.line, p.field) for p in e.value.problems}
    assert found == {(6, "exited_at"), (7, "space"), (8, "space"), (9, "kind"),
                     (10, "entered_at"), (2, "entered_at"), (11, "entered_at")}
    assert e.value.code == ErrorCode.SEVERAL
    assert "sessions.csv:6: field 'exited_at'" in str(e.value)
    with api.session.reader.read() as t:
        assert t.parking.count() == 0


def test_skip_bad_stores_the_good_rows_and_writes_the_rest(tmp_path: Path) -> None:
    api = setup(tmp_path)
    path = write(tmp_path, GOOD + BAD)
    summary = api.parking.import_sessions(path, skip_bad=True)
    assert (summary.new, summary.refused) == (3, 7)
    assert summary.reject_file == str(tmp_path / "sessions.rejects.csv")
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [r["session_id"] for r in rejects] == ["s1", "s5", "s6", "s7", "s8", "s9", "s10"]
    assert rejects[0]["line"] == "2" and "overlaps" in rejects[0]["reason"]
    assert rejects[1]["entered_at"] == "2026-10-09T12:00:00"  # as written
    other = tmp_path / "bad.csv"
    api.parking.import_sessions(write(tmp_path, BAD, "more.csv"), skip_bad=True, reject=other)
    assert other.is_file()


def test_reimport_is_a_no_op_and_other_content_a_conflict(tmp_path: Path) -> None:
    api = setup(tmp_path)
    path = write(tmp_path, GOOD)
    api.parking.import_sessions(path)
    again = api.parking.import_sessions(path)
    assert (again.new, again.already_recorded) == (0, 4)
    twice = api.parking.import_sessions(write(tmp_path, GOOD + GOOD[:1], "twice.csv"))
    assert (twice.new, twice.already_recorded) == (0, 5)
    changed = [("s1", *GOOD[0][1:5], "resident")]
    with pytest.raises(Problems) as e:
        api.parking.import_sessions(write(tmp_path, changed, "changed.csv"))
    assert isinstance(e.value.problems[0], ConflictError)
    assert e.value.code == ErrorCode.ALREADY_RECORDED_DIFFERENTLY
    repeated = [("n1", *GOOD[0][1:]), ("n1", *GOOD[1][1:])]
    with raises(Problems, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        api.parking.import_sessions(write(tmp_path, repeated, "repeated.csv"))


def test_a_session_overlapping_a_stored_one_is_refused(tmp_path: Path) -> None:
    api = setup(tmp_path)
    api.parking.import_sessions(write(tmp_path, GOOD))
    late = [("late", "P1", "X", "2026-10-09T09:00:00", "2026-10-09T09:10:00", "outsider")]
    with raises(Problems, ErrorCode.INVALID_INPUT):
        api.parking.import_sessions(write(tmp_path, late, "late.csv"))


def test_a_billed_month_takes_no_new_sessions_nor_tariffs(tmp_path: Path) -> None:
    api = setup(tmp_path)
    api.parking.import_sessions(write(tmp_path, GOOD))
    api.parking.bill("2026-10")
    more = [("m1", "P3", "X", "2026-10-20T09:00:00", "2026-10-20T10:00:00", "outsider")]
    with pytest.raises(Problems) as e:
        api.parking.import_sessions(write(tmp_path, more, "more.csv"))
    assert isinstance(e.value.problems[0], RefusedByRule)
    later = tmp_path / "later.toml"
    later.write_text(TARIFF_FILE.read_text(encoding="utf-8").replace(
        'effective_from = "2026-01-01"', 'effective_from = "2026-10-15"'), encoding="utf-8")
    with raises(RefusedByRule, ErrorCode.CLOSED_PERIOD):
        api.parking.tariff(later)


def test_a_tariff_for_an_unknown_compound_and_a_changed_tariff(tmp_path: Path) -> None:
    api = setup(tmp_path)
    assert not api.parking.tariff(TARIFF_FILE).newly_loaded
    changed = tmp_path / "changed.toml"
    changed.write_text(TARIFF_FILE.read_text(encoding="utf-8").replace('"40.00"', '"45.00"'),
                       encoding="utf-8")
    with pytest.raises(ConflictError):
        api.parking.tariff(changed)
    changed.write_text(TARIFF_FILE.read_text(encoding="utf-8").replace('"wjxc"', '"nowhere"'),
                       encoding="utf-8")
    with pytest.raises(NotFound) as e:
        api.parking.tariff(changed)
    assert e.value.field == "compound"


def test_windows_over_the_allowance_are_flagged(tmp_path: Path) -> None:
    api = setup(tmp_path)
    tight = tmp_path / "tight.toml"
    tight.write_text(TARIFF_FILE.read_text(encoding="utf-8").replace(
        'outside_spaces = 30', 'outside_spaces = 1').replace(
        '"2026-01-01"', '"2026-09-01"'), encoding="utf-8")
    api.parking.tariff(tight)
    rows = [("a", "P1", "X", "2026-10-09T06:00:00", "2026-10-09T08:00:00", "outsider"),
            ("b", "P2", "Y", "2026-10-09T07:00:00", "2026-10-09T07:45:00", "outsider"),
            ("c", "P3", "Z", "2026-10-09T12:00:00", "2026-10-09T13:00:00", "resident")]
    summary = api.parking.import_sessions(write(tmp_path, rows))
    assert [(b.date.isoformat(), b.window, b.peak, b.allowed) for b in summary.breaches] == [
        ("2026-10-09", "hospital-day", 2, 1)]
    report = api.parking.report("2026-10")
    assert len(report.breaches) == 1


def test_report_occupancy_adds_up_to_the_time_parked(tmp_path: Path) -> None:
    api = setup(tmp_path)
    api.parking.import_sessions(write(tmp_path, GOOD))
    report = api.parking.report("2026-10", fee_bill=Money.yuan("100.00"))
    # outsiders: 80 + 40 + 60 minutes; the resident 18:45 -> 07:10
    assert sum(h.outsiders for h in report.occupancy) * 31 == 3
    assert sum(h.residents for h in report.occupancy) * 31 * 60 == (5 * 60 + 15) + 7 * 60 + 10
    assert report.occupancy[8].outsiders * 31 == 1
    assert report.occupancy[10].outsiders * 31 * 60 == 40 + 60
    assert report.occupancy[12].outsiders == 0
    assert [s for s, _ in report.income_by_space()] == ["P1", "P2", "P3"]
    assert report.covered == Fraction(71, 200)  # the owners' 35.50 of 100.00


def _bill_of(tmp_path: Path, name: str, files: list[list[tuple[str, ...]]]) -> ParkingBill:
    folder = tmp_path / name
    folder.mkdir()
    api = setup(folder)
    for i, rows in enumerate(files):
        api.parking.import_sessions(write(folder, rows, f"part{i}.csv"))
    return api.parking.bill("2026-10")


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parking_space_sessions(), st.randoms(use_true_random=False))
def test_the_bill_is_the_same_whatever_order_sessions_are_imported_in(
        tmp_path_factory: pytest.TempPathFactory, sessions: list[tuple[str, int, int, str]],
        rng: random.Random) -> None:
    rows = [(f"s{n}", space, f"A{n}", at_minute(a), at_minute(b), kind)
            for n, (space, a, b, kind) in enumerate(sessions)]
    shuffled = rows[:]
    rng.shuffle(shuffled)
    cut = len(shuffled) // 2
    tmp = tmp_path_factory.mktemp("order")
    one = _bill_of(tmp, "one", [rows])
    other = _bill_of(tmp, "other", [shuffled[cut:], shuffled[:cut], shuffled])
    assert one.sessions == other.sessions
    assert one.total == other.total and one.shares == other.shares


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parking_space_sessions(), st.randoms(use_true_random=False))
def test_reimporting_changes_nothing(tmp_path_factory: pytest.TempPathFactory,
                                     sessions: list[tuple[str, int, int, str]],
                                     rng: random.Random) -> None:
    rows = [(f"s{n}", space, f"A{n}", at_minute(a), at_minute(b), kind)
            for n, (space, a, b, kind) in enumerate(sessions)]
    folder = tmp_path_factory.mktemp("again")
    api = setup(folder)
    api.parking.import_sessions(write(folder, rows))
    before = api.parking.bill("2026-10", detail=True)
    rng.shuffle(rows)
    again = api.parking.import_sessions(write(folder, rows, "again.csv"))
    assert (again.new, again.already_recorded, again.refused) == (0, len(rows), 0)
    with api.session.reader.read() as t:
        assert t.parking.count() == len(rows)
    after = api.parking.bill("2026-10")
    assert after.sessions == before.sessions
    assert all(c.status in ("already recorded", "nothing to bill") for c in after.compounds)


def test_the_demo_month_pays_the_fees_and_ships_the_2026_calendar(tmp_path: Path) -> None:
    from parking_helpers import TARIFF

    from commons.demo.parking import DEMO_TARIFF, FEE_BILL
    from commons.parking.tariff import TariffFile

    assert TariffFile.parse(DEMO_TARIFF).calendar == TARIFF.calendar
    report = run_demo(commons.connect(tmp_path / "demo.db"))
    step = next(s for s in report.steps if s.topic == "parking")
    text = "\n".join(step.lines)
    assert "windows over the outsiders' allowance: 0" in text
    api = commons.connect(tmp_path / "demo.db")
    month = api.parking.report("2026-11", fee_bill=FEE_BILL)
    assert month.covered is not None and month.covered > 1
    assert max(h.outsiders for h in month.occupancy[8:18]) > 15  # visitors by day
    assert min(h.residents for h in month.occupancy[0:6]) > 35  # residents by night
    assert api.audit.verify().ok


def test_skip_bad_also_sets_aside_a_row_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    api = setup(tmp_path)
    ragged = [("s99", "P3", "湘A99999", "2026-10-20T08:00:00")]  # no exited_at, no kind
    with raises(commons.InvalidInput, ErrorCode.MALFORMED_FILE):
        api.parking.import_sessions(write(tmp_path, GOOD + ragged))
    summary = api.parking.import_sessions(write(tmp_path, GOOD + ragged, "ragged.csv"),
                                          skip_bad=True)
    assert (summary.new, summary.refused) == (4, 1)
    assert summary.reject_file is not None
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["session_id"], r["line"]) for r in rejects] == [("s99", str(len(GOOD) + 2))]
    assert "4 fields but the header has 6" in rejects[0]["reason"]


def test_the_report_weighs_parking_against_the_months_fee_invoices(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db") as api:
        run_demo(api)
        assert api.parking.report("2026-11", compound="wjxc").fee_bill is None  # not invoiced
        api.billing.invoice("2026-11", compound="wjxc")
        billed = api.billing.collection_rate("2026-11", compound="wjxc")[0].billed
        report = api.parking.report("2026-11", compound="wjxc")
        assert report.fee_bill == billed and billed > Money(0)
        assert report.covered == Fraction(report.owners_income.fen, billed.fen)
        given = api.parking.report("2026-11", compound="wjxc", fee_bill="9600.00")
        assert given.fee_bill == Money.yuan("9600.00")


def test_the_reject_file_hands_no_spreadsheet_a_formula_nor_overwrites_the_books(
        tmp_path: Path) -> None:
    api = setup(tmp_path)
    rows = [("=HYPERLINK(\"http://x\")", "P1", "+SUM(1)", "@A1", "-1", "outsider")]
    summary = api.parking.import_sessions(write(tmp_path, rows), skip_bad=True)
    with open(str(summary.reject_file), encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+SUM(1)" in cells and "'-1" in cells
    assert not [c for c in cells if c and c[0] in "=+-@"]
    with raises(commons.CommonsError, ErrorCode.UNSAFE_OUTPUT):
        api.parking.import_sessions(write(tmp_path, rows, "again.csv"), skip_bad=True,
                                    reject=api.session.path)
    api.ledger.balance()  # the books are still a database
