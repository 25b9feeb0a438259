"""Property fees: rounding and pricing, schedules (mid-year price changes, bundles), invoices and
their lines, payments applied oldest first with credit, aging, collection rates, receipts, and
the ledger agreeing with the invoices to the fen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteFile, raises
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import fee_areas, fee_prices, fee_roundings, share_plans

import commons
from commons import ConflictError, InvalidInput, Money, NotFound, Problems, RefusedByRule
from commons.billing.arrears import BUCKETS, Arrear, age, bucket_of
from commons.billing.fees import FeeRate, FeeSchedule, Regime, Rounding, fee_fen, round_fen
from commons.billing.invoices import LineKind, MonthPricer
from commons.billing.payments import OpenInvoice, Payment, apply_payment
from commons.billing.split import SharePlan, Stage
from commons.clock import FixedClock
from commons.demo import run_demo
from commons.errors import ErrorCode
from commons.estate.household import Household
from commons.periods import Period

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLOCK = FixedClock.parse("2026-12-01T12:00:00")

COMPOUNDS = """\
id,name,community,governance,built_year
wjxc,卫技新村,砂子塘,自管,1985
zy-1,梓园一区,梓园,entrusted,1990
"""
BUILDINGS = """\
id,compound,floors,elevator
wjxc-1,wjxc,6,no
zy-1-1,zy-1,5,no
"""
HOUSEHOLDS = """\
id,building,floor,area_m2,owner
wjxc-1-101,wjxc-1,1,56.37,王建国
wjxc-1-102,wjxc-1,1,71.20,李秀英
wjxc-1-201,wjxc-1,2,48.65,张伟
zy-1-1-301,zy-1-1,3,88.05,赵敏
"""
SCHEDULE = """\
[[schedule]]
id = "wjxc"
compound = "wjxc"
regime = "lump_sum"

[[schedule.rate]]
from = "2026-01-01"
price = "0.80"

[[schedule.rate]]
from = 2026-07-15
price = "0.95"

[[schedule.stage]]
party = "street-office"
percent = "20"

[[schedule.stage]]
party = "firm"
percent = "10"

[[schedule.stage]]
party = "residents"
rest = true

[[schedule]]
id = "zy"
compounds = ["zy-1"]
regime = "commission"
rounding = "down"
prepay_months = 2

[[schedule.rate]]
from = "2026-01-01"
price = "1.10"

[[schedule.stage]]
party = "street-office"
fixed = "5.00"

[[schedule.stage]]
party = "firm"
percent = "10"

[[schedule.stage]]
party = "residents"
rest = true
"""


# --- rounding and pricing ------------------------------------------------------------------------


@pytest.mark.parametrize(("numerator", "denominator", "half_up", "half_even", "down"), [
    (0, 100, 0, 0, 0), (49, 100, 0, 0, 0), (50, 100, 1, 0, 0), (51, 100, 1, 1, 0),
    (150, 100, 2, 2, 1), (250, 100, 3, 2, 2), (99, 100, 1, 1, 0), (100, 100, 1, 1, 1),
    (1, 3, 0, 0, 0), (2, 3, 1, 1, 0),
])
def test_rounding_rules_at_their_boundaries(numerator: int, denominator: int, half_up: int,
                                            half_even: int, down: int) -> None:
    assert round_fen(numerator, denominator, Rounding.HALF_UP) == half_up
    assert round_fen(numerator, denominator, Rounding.HALF_EVEN) == half_even
    assert round_fen(numerator, denominator, Rounding.DOWN) == down


@pytest.mark.parametrize(("price", "area", "rule", "fee"), [
    ("0.80", "56.37", Rounding.HALF_UP, "45.10"),   # 45.096
    ("0.80", "56.37", Rounding.DOWN, "45.09"),
    ("0.50", "56.37", Rounding.HALF_UP, "28.19"),   # 28.185, an exact half
    ("0.50", "56.37", Rounding.HALF_EVEN, "28.18"),
    ("0.50", "56.39", Rounding.HALF_EVEN, "28.20"),  # 28.195 -> even fen 20
    ("0.50", "56.39", Rounding.DOWN, "28.19"),
    ("1.35", "100.00", Rounding.HALF_UP, "135.00"),
    ("0.00", "71.20", Rounding.HALF_UP, "0.00"),
])
def test_fee_is_price_times_area_rounded_once(price: str, area: str, rule: Rounding,
                                              fee: str) -> None:
    hundredths = int(Decimal(area).scaleb(2))
    assert Money(fee_fen(Money.yuan(price), hundredths, rule)) == Money.yuan(fee)


_DECIMAL_RULES = {Rounding.HALF_UP: ROUND_HALF_UP, Rounding.HALF_EVEN: ROUND_HALF_EVEN,
                  Rounding.DOWN: ROUND_DOWN}


@given(fee_prices, fee_areas, fee_roundings)
def test_invoice_amount_is_the_exact_rounding_of_price_times_area(
        price: Money, area: Decimal, rule: Rounding) -> None:
    exact = (Decimal(price.fen) * area).quantize(Decimal(1), rounding=_DECIMAL_RULES[rule])
    schedule = FeeSchedule("s", ("c",), Regime.LUMP_SUM, (FeeRate(dt.date(2026, 1, 1), price),),
                           rule)
    invoice = MonthPricer(schedule, Period(2026, 10)).invoice(
        Household("h", "b", 1, area, "o"), "c")
    assert invoice.gross.fen == int(exact)
    assert abs(Fraction(invoice.gross.fen) - Fraction(price.fen) * Fraction(area)) <= 1


@settings(max_examples=60)
@given(fee_prices, fee_areas, fee_roundings, share_plans())
def test_invoice_lines_sum_to_the_gross_and_the_residents_owe_the_last(
        price: Money, area: Decimal, rule: Rounding, plan: SharePlan) -> None:
    schedule = FeeSchedule("s", ("c",), Regime.COMMISSION,
                           (FeeRate(dt.date(2026, 1, 1), price),), rule, plan, "party1")
    invoice = MonthPricer(schedule, Period(2026, 3)).invoice(
        Household("h", "b", 1, area, "o"), "c")
    assert sum(line.amount for line in invoice.lines) == invoice.gross
    assert invoice.due == invoice.lines[-1].amount and invoice.lines[-1].kind is LineKind.RESIDENT
    assert all(not line.amount.is_negative() for line in invoice.lines)
    assert [line.party for line in invoice.lines] == [s.party for s in plan.stages]
    assert all(line.kind is (LineKind.CONCESSION if line.party == "party1" else LineKind.SUBSIDY)
               for line in invoice.lines[:-1])


def _two_rates(second: str) -> FeeSchedule:
    return FeeSchedule("s", ("c",), Regime.LUMP_SUM, (
        FeeRate(dt.date(2026, 1, 1), Money.yuan("0.80")),
        FeeRate(dt.date.fromisoformat(second), Money.yuan("0.95"))))


@pytest.mark.parametrize(("second", "period", "price"), [
    ("2026-07-15", "2026-07", "0.80"),   # in force mid-July: July keeps the old price
    ("2026-07-15", "2026-08", "0.95"),
    ("2026-07-01", "2026-07", "0.95"),   # in force on July's first day
    ("2026-07-01", "2026-06", "0.80"),
    ("2026-07-02", "2026-07", "0.80"),
    ("2026-07-01", "2027-01", "0.95"),
])
def test_a_month_is_billed_at_the_price_in_force_on_its_first_day(
        second: str, period: str, price: str) -> None:
    assert _two_rates(second).rate_for(Period.parse(period)).price == Money.yuan(price)


def test_a_month_before_the_first_rate_is_refused() -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        _two_rates("2026-07-01").rate_for(Period(2025, 12))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"compounds": ()}, "compounds"),
    ({"rates": ()}, "rate"),
    ({"rates": (FeeRate(dt.date(2026, 1, 1), Money(1)), FeeRate(dt.date(2026, 1, 1), Money(2)))},
     "rate"),
    ({"prepay_months": -1}, "prepay_months"),
])
def test_impossible_schedules_are_refused(kwargs: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {"id": "s", "compounds": ("c",), "regime": Regime.LUMP_SUM,
                            "rates": (FeeRate(dt.date(2026, 1, 1), Money(80)),)}
    with pytest.raises(InvalidInput) as caught:
        FeeSchedule(**(base | kwargs))
    assert caught.value.field == field


# --- payments, aging, rates ----------------------------------------------------------------------


open_invoices = st.lists(
    st.tuples(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=20000)),
    max_size=6, unique_by=lambda t: t[0]).map(
        lambda rows: [OpenInvoice(f"h:2026-{m:02d}", Period(2026, m), Money(f)) for m, f in rows])


@given(open_invoices, st.integers(min_value=1, max_value=50000), st.booleans())
def test_a_payment_is_applied_oldest_first_and_what_is_left_is_credit(
        invoices: list[OpenInvoice], amount: int, names_one: bool) -> None:
    named = invoices[-1].id if names_one and invoices else None
    applied = apply_payment(Payment("p", dt.date(2026, 10, 1), "h", Money(amount), named),
                            invoices)
    assert sum(a.amount for a in applied.allocations) + applied.credit == Money(amount)
    owed = {i.id: i.outstanding for i in invoices}
    assert all(Money(0) < a.amount <= owed[a.invoice] for a in applied.allocations)
    order = sorted(invoices, key=lambda i: (i.id != named, i.period))
    paid = [a.invoice for a in applied.allocations]
    assert paid == [i.id for i in order][:len(paid)]
    # only the last invoice paid may be paid in part, and credit only once all is paid
    assert all(a.amount == owed[a.invoice] for a in applied.allocations[:-1])
    assert not applied.credit or sum(owed.values(), Money(0)) + applied.credit == Money(amount)


@pytest.mark.parametrize(("days", "bucket"), [(0, "0-30"), (30, "0-30"), (31, "31-90"),
                                              (90, "31-90"), (91, "91-180"), (180, "91-180"),
                                              (181, "over-180"), (4000, "over-180")])
def test_aging_bucket_boundaries(days: int, bucket: str) -> None:
    assert BUCKETS[bucket_of(days)] == bucket


arrears_lists = st.lists(st.builds(
    lambda c, h, m, fen, days: Arrear(f"{h}:{m}", h, c, Period(2026, m), Money(fen), days),
    st.sampled_from(["wjxc", "zy-1", "c3"]), st.sampled_from(["h1", "h2", "h3", "h4"]),
    st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=400)), max_size=30)


@given(arrears_lists)
def test_aging_buckets_partition_the_outstanding_amount(arrears: list[Arrear]) -> None:
    report = age(dt.date(2026, 12, 31), arrears)
    assert report.total == sum((a.outstanding for a in arrears), Money(0))
    for row in report.rows:
        mine = [a for a in arrears if a.compound == row.compound]
        assert row.total == sum((a.outstanding for a in mine), Money(0))
        for name, amount in zip(BUCKETS, row.buckets, strict=True):
            assert amount == sum((a.outstanding for a in mine if a.bucket == name), Money(0))
        assert row.households == len({a.household for a in mine})


# --- through the api -----------------------------------------------------------------------------


@pytest.fixture
def api(tmp_path: Path, write_file: WriteFile) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "fees.db", clock=CLOCK, actor="tester") as books:
        books.estate.import_files([(kind, write_file(f"{kind}.csv", text)) for kind, text in (
            ("compounds", COMPOUNDS), ("buildings", BUILDINGS), ("households", HOUSEHOLDS))])
        books.billing.schedule(write_file("schedule.toml", SCHEDULE))
        yield books


def state(api: commons.Books) -> tuple[Any, ...]:
    """What the fees and the ledger hold, to show that a refused batch changed nothing."""
    households = [h.id for h in api.estate.households()]
    return (api.audit.verify().head_hash, tuple(api.billing.account(h) for h in households),
            api.billing.schedules())


def pay(api: commons.Books, write_file: WriteFile, rows: str, name: str = "pay.csv") -> Any:
    return api.billing.pay(write_file(name, "external_id,date,household,amount,invoice,payer,"
                                      "memo\n" + rows))


def balances(api: commons.Books) -> dict[str, Money]:
    return {b.account: b.balance for b in api.ledger.balance().balances}


def test_invoicing_a_month_twice_changes_nothing(api: commons.Books) -> None:
    first = api.billing.invoice("2026-08")
    assert (first.issued, first.already_recorded, first.compounds) == (4, 0, ("wjxc", "zy-1"))
    before = state(api)
    again = api.billing.invoice("2026-08")
    assert (again.issued, again.already_recorded) == (0, 4)
    assert state(api) == before
    invoice = api.billing.show_invoice("wjxc-1-101:2026-08")
    assert (invoice.price, invoice.gross) == (Money.yuan("0.95"), Money.yuan("53.55"))
    assert [(line.kind, line.party, line.amount) for line in invoice.lines] == [
        (LineKind.SUBSIDY, "street-office", Money.yuan("10.71")),
        (LineKind.CONCESSION, "firm", Money.yuan("5.36")),
        (LineKind.RESIDENT, "residents", Money.yuan("37.48"))]


def test_the_ledger_agrees_with_the_invoices_in_both_regimes(api: commons.Books) -> None:
    api.billing.invoice("2026-07")
    api.billing.invoice("2026-08")
    books = balances(api)
    wjxc = [api.billing.show_invoice(f"{h}:{p}") for h in ("wjxc-1-101", "wjxc-1-102",
                                                            "wjxc-1-201")
            for p in ("2026-07", "2026-08")]
    assert books["income:firm:property-fees:wjxc"] == -sum((i.gross for i in wjxc), Money(0))
    assert books["assets:receivable:fees:wjxc"] == sum((i.due for i in wjxc), Money(0))
    assert books["assets:receivable:subsidy:street-office:wjxc"] == sum(
        (i.lines[0].amount for i in wjxc), Money(0))
    assert books["expenses:firm:concession:wjxc"] == sum((i.lines[1].amount for i in wjxc),
                                                         Money(0))
    zy = api.billing.show_invoice("zy-1-1-301:2026-08")  # commission: the owners' money
    assert zy.gross == Money.yuan("96.85")  # 88.05 x 1.10 = 96.855, rounded down
    assert [line.amount for line in zy.lines] == [Money.yuan("5.00"), Money.yuan("9.69"),
                                                  Money.yuan("82.16")]
    assert books["liabilities:held-for-owners:zy-1"] == -zy.gross * 2
    assert books["assets:receivable:concession:firm:zy-1"] == Money.yuan("9.69") * 2
    assert not any(a.startswith("income:") and a.endswith(":zy-1") for a in books)
    assert sum(books.values(), Money(0)) == Money(0) and api.audit.verify().ok


def test_a_schedule_change_that_would_rebill_an_invoiced_month_is_a_conflict(
        api: commons.Books, write_file: WriteFile) -> None:
    api.billing.invoice("2026-08")
    before = state(api)
    rebilled = write_file("rebill.toml", SCHEDULE.replace('price = "0.95"', 'price = "1.00"'))
    with pytest.raises(Problems) as caught:
        api.billing.schedule(rebilled)
    assert isinstance(caught.value.problems[0], ConflictError)
    assert caught.value.code == ErrorCode.CONFLICT
    assert state(api) == before
    later = write_file("later.toml", SCHEDULE.replace(
        '[[schedule]]\nid = "zy"', '[[schedule.rate]]\nfrom = "2026-09-01"\nprice = "1.00"\n\n'
        '[[schedule]]\nid = "zy"'))
    result = api.billing.schedule(later)
    assert (result.updated, result.already_recorded) == (("wjxc",), ("zy",))
    assert api.billing.invoice("2026-09", compound="wjxc").gross == Money.yuan("176.22")


def test_an_invoice_that_would_now_come_out_differently_is_a_conflict(
        api: commons.Books) -> None:
    api.billing.invoice("2026-08")
    schedule = next(s for s in api.billing.schedules() if s.id == "wjxc")
    with api.session.store.write() as t:  # behind the use case's back, which would refuse this
        t.billing.put_schedule(FeeSchedule("wjxc", ("wjxc",), Regime.LUMP_SUM,
                                           (FeeRate(dt.date(2026, 1, 1), Money(99)),),
                                           plan=schedule.plan))
    before = state(api)
    with raises(Problems, ErrorCode.ALREADY_RECORDED_DIFFERENTLY) as caught:
        api.billing.invoice("2026-08")
    assert caught.value.code == ErrorCode.ALREADY_RECORDED_DIFFERENTLY
    assert state(api) == before


@pytest.mark.parametrize(("text", "field"), [
    (SCHEDULE.replace('regime = "lump_sum"', 'regime = "flat"'), "schedule[1].regime"),
    (SCHEDULE.replace('price = "0.95"', 'price = "0.955"'), "schedule[1].rate[2].price"),
    (SCHEDULE.replace('price = "0.95"', 'price = "-1.00"'), "schedule[1].rate[2].price"),
    (SCHEDULE.replace('from = 2026-07-15', 'from = "15/07/2026"'), "schedule[1].rate[2].from"),
    (SCHEDULE.replace('rounding = "down"', 'rounding = "up"'), "schedule[2].rounding"),
    (SCHEDULE.replace('percent = "20"', 'percent = "120"'), "schedule[1].stage[1]"),
    (SCHEDULE.replace('compound = "wjxc"', 'compund = "wjxc"'), "schedule[1].compund"),
    (SCHEDULE.replace('party = "street-office"', 'party = "street office"', 1),
     "schedule[1].stage"),
])
def test_bad_schedule_files_name_the_field_and_store_nothing(
        api: commons.Books, write_file: WriteFile, text: str, field: str) -> None:
    before = state(api)
    with pytest.raises(Problems) as caught:
        api.billing.schedule(write_file("bad.toml", text))
    problem = caught.value.problems[0]
    assert (problem.file or "").endswith("bad.toml") and problem.field == field
    assert state(api) == before


def test_schedules_refer_to_recorded_compounds_one_schedule_each(
        api: commons.Books, write_file: WriteFile) -> None:
    text = SCHEDULE.replace('compounds = ["zy-1"]', 'compounds = ["zy-1", "wjxc", "nowhere"]')
    with pytest.raises(Problems) as caught:
        api.billing.schedule(write_file("clash.toml", text))
    kinds = sorted(type(p).__name__ for p in caught.value.problems)
    assert kinds == ["ConflictError", "NotFound"]
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE) as syntax:
        api.billing.schedule(write_file("broken.toml", "[[schedule]\n"))
    assert syntax.value.line == 1


def test_schedules_from_csv_a_bundle_of_compounds(tmp_path: Path, write_file: WriteFile) -> None:
    with commons.connect(tmp_path / "csv.db", clock=CLOCK) as books:
        books.estate.import_files([(kind, write_file(f"{kind}.csv", text)) for kind, text in (
            ("compounds", COMPOUNDS), ("buildings", BUILDINGS), ("households", HOUSEHOLDS))])
        bad = write_file("bad.csv", "schedule,compounds,regime,from,price\n"
                         "b,wjxc;zy-1,lump_sum,2026-01-01,0.80\nb,wjxc;zy-1,lump_sum,2026-13-01,1\n")
        with pytest.raises(InvalidInput) as caught:
            books.billing.schedule(bad)
        assert (caught.value.line, caught.value.field) == (3, "from")
        assert books.billing.schedules() == ()
        good = write_file("good.csv", "schedule,compounds,regime,from,price,rounding\n"
                          "b,wjxc;zy-1,酬金制,2026-01-01,0.80,half-even\n"
                          "b,wjxc;zy-1,commission,2026-06-01,0.90,half-even\n")
        assert books.billing.schedule(good).new == ("b",)
        (schedule,) = books.billing.schedules()
        assert (schedule.compounds, schedule.regime, schedule.rounding) == (
            ("wjxc", "zy-1"), Regime.COMMISSION, Rounding.HALF_EVEN)
        run = books.billing.invoice("2026-06")
        # 0.90 x 48.65 = 43.785 and x 88.05 = 79.245: exact halves, to the even fen
        assert (run.issued, run.gross, run.due) == (4, Money.yuan("237.83"),
                                                    Money.yuan("237.83"))


def test_payments_apply_oldest_first_hold_credit_and_pay_the_next_invoice(
        api: commons.Books, write_file: WriteFile) -> None:
    api.billing.invoice("2026-07")
    api.billing.invoice("2026-08")
    summary = pay(api, write_file, "P-1,2026-08-20,wjxc-1-101,100.00,,王建国,\n")
    assert (summary.applied, summary.credit) == (Money.yuan("69.05"), Money.yuan("30.95"))
    account = api.billing.account("wjxc-1-101")
    assert [s.outstanding for s in account.invoices] == [Money(0), Money(0)]
    assert account.credit == Money.yuan("30.95") and account.applied + account.credit == \
        account.paid
    run = api.billing.invoice("2026-09", compound="wjxc")
    assert run.credit_applied == Money.yuan("30.95")
    after = api.billing.account("wjxc-1-101")
    assert after.credit == Money(0) and after.outstanding == Money.yuan("6.53")
    assert balances(api)["liabilities:prepaid-fees:wjxc"] == Money(0)
    receipt = api.billing.receipt("P-1")
    assert receipt.amount_chinese == "壹佰元整"
    assert [a.invoice for a in receipt.allocations] == ["wjxc-1-101:2026-07",
                                                        "wjxc-1-101:2026-08"]
    assert "大写       人民币壹佰元整" in receipt.lines()
    assert receipt.credit == Money.yuan("30.95") and receipt.owner == "王建国"


def test_a_payment_naming_an_invoice_pays_it_first(api: commons.Books,
                                                   write_file: WriteFile) -> None:
    api.billing.invoice("2026-07")
    api.billing.invoice("2026-08")
    pay(api, write_file, "P-2,2026-08-20,wjxc-1-102,50.00,wjxc-1-102:2026-08,,\n")
    paid = {s.invoice.id: s.paid for s in api.billing.account("wjxc-1-102").invoices}
    assert paid == {"wjxc-1-102:2026-07": Money.yuan("2.65"),
                    "wjxc-1-102:2026-08": Money.yuan("47.35")}


@settings(max_examples=25)
@given(st.lists(st.tuples(st.sampled_from(["wjxc-1-101", "wjxc-1-102", "zy-1-1-301"]),
                          st.integers(min_value=1, max_value=9000),
                          st.integers(min_value=1, max_value=28)), min_size=1, max_size=8))
def test_payments_are_never_lost_or_doubled(tmp_path_factory: pytest.TempPathFactory,
                                            rows: list[tuple[str, int, int]]) -> None:
    folder = tmp_path_factory.mktemp("payments")
    with commons.connect(folder / "p.db", clock=CLOCK) as books:
        files = []
        for kind, text in (("compounds", COMPOUNDS), ("buildings", BUILDINGS),
                           ("households", HOUSEHOLDS)):
            (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
            files.append((kind, folder / f"{kind}.csv"))
        books.estate.import_files(files)
        (folder / "s.toml").write_text(SCHEDULE.replace("prepay_months = 2",
                                                        "prepay_months = 120"), encoding="utf-8")
        books.billing.schedule(folder / "s.toml")
        for period in ("2026-08", "2026-09", "2026-10"):
            books.billing.invoice(period)
        lines = "".join(f"P{i},2026-10-{day:02d},{hh},{Money(fen)},,,\n"
                        for i, (hh, fen, day) in enumerate(rows))
        path = folder / "pay.csv"
        path.write_text("external_id,date,household,amount,invoice,payer,memo\n" + lines,
                        encoding="utf-8")
        books.billing.pay(path)
        before = state(books)
        again = books.billing.pay(path)
        assert (again.recorded, again.already_recorded) == (0, len(rows))
        assert state(books) == before
        for hh in {r[0] for r in rows}:
            account = books.billing.account(hh)
            assert account.paid == sum((Money(fen) for h, fen, _ in rows if h == hh), Money(0))
            assert account.applied + account.credit == account.paid
            assert all(s.paid <= s.invoice.due for s in account.invoices)
        ledger = balances(books)
        assert sum((m for a, m in ledger.items() if a.startswith("assets:bank:fees:")),
                   Money(0)) == sum((Money(fen) for _, fen, _ in rows), Money(0))
        owed = books.billing.arrears(dt.date(2027, 12, 31))
        receivable = sum((m for a, m in ledger.items() if a.startswith("assets:receivable:fees")),
                         Money(0))
        assert owed.total == receivable


@pytest.mark.parametrize(("row", "field", "kind"), [
    ("P-9,2026-08-20,wjxc-1-101,12.345,,,", "amount", InvalidInput),
    ("P-9,2026-08-20,wjxc-1-101,0.00,,,", "amount", InvalidInput),
    ("P-9,2026-02-30,wjxc-1-101,10.00,,,", "date", InvalidInput),
    ("P-9,2026-08-20,nobody,10.00,,,", "household", NotFound),
    ("P-9,2026-08-20,wjxc-1-101,10.00,wjxc-1-101:2030-01,,", "invoice", NotFound),
    ("P-9,2026-08-20,wjxc-1-101,10.00,wjxc-1-102:2026-08,,", "invoice", InvalidInput),
    ("P-1,2026-08-20,wjxc-1-101,99.00,,,", "external_id", ConflictError),
    ("P-9,2026-08-20,wjxc-1-101,600.00,,,", "amount", RefusedByRule),  # > 12 months ahead
    ("P-9,2026-08-20,zy-1-1-301,300.00,,,", "amount", RefusedByRule),  # > 2 months (zy)
])
def test_a_bad_payment_row_is_named_by_line_and_field_and_nothing_is_stored(
        api: commons.Books, write_file: WriteFile, row: str, field: str, kind: type) -> None:
    api.billing.invoice("2026-08")
    pay(api, write_file, "P-1,2026-08-20,wjxc-1-101,10.00,,,\n", "first.csv")
    before = state(api)
    with pytest.raises(Problems) as caught:
        pay(api, write_file, f"P-5,2026-08-21,wjxc-1-102,10.00,,,\n{row}\n")
    (problem,) = caught.value.problems
    assert isinstance(problem, kind)
    assert (problem.file or "").endswith("pay.csv")
    assert (problem.line, problem.field) == (3, field)
    assert state(api) == before


def test_prepayment_up_to_the_limit_is_held_as_credit(api: commons.Books,
                                                      write_file: WriteFile) -> None:
    api.billing.invoice("2026-08")
    # zy-1-1-301 owes 82.16 a month and may hold two months ahead beyond what it owes
    summary = pay(api, write_file, "Z-1,2026-08-20,zy-1-1-301,246.48,,,\n")
    assert summary.credit == Money.yuan("164.32")
    with raises(Problems, ErrorCode.REFUSED):
        pay(api, write_file, "Z-2,2026-08-21,zy-1-1-301,0.01,,,\n", "more.csv")


def test_a_refused_ledger_posting_leaves_the_invoices_unissued(api: commons.Books) -> None:
    api.ledger.close_period("2026-09")
    with raises(Problems, ErrorCode.CLOSED_PERIOD):
        api.billing.invoice("2026-09")
    assert api.billing.collection_rate("2026-09") == ()


def test_arrears_age_from_the_invoice_date_and_collection_rates(
        api: commons.Books, write_file: WriteFile) -> None:
    for period in ("2026-05", "2026-07", "2026-08"):
        api.billing.invoice(period)
    pay(api, write_file, "P-1,2026-08-31,wjxc-1-101,31.57,wjxc-1-101:2026-07,,\n")
    report = api.billing.arrears(dt.date(2026, 8, 31), compound="wjxc")
    by_invoice = {a.invoice: (a.days, a.bucket) for a in report.arrears}
    assert by_invoice["wjxc-1-101:2026-05"] == (122, "91-180")
    assert by_invoice["wjxc-1-102:2026-07"] == (61, "31-90")
    assert by_invoice["wjxc-1-102:2026-08"] == (30, "0-30")
    assert "wjxc-1-101:2026-07" not in by_invoice
    earlier = api.billing.arrears(dt.date(2026, 8, 30), compound="wjxc")
    assert "wjxc-1-101:2026-07" in {a.invoice for a in earlier.arrears}  # paid on the 31st
    (rate,) = api.billing.collection_rate("2026-07", compound="wjxc")
    assert (rate.invoices, rate.paid_in_full, rate.collected) == (3, 1, Money.yuan("31.57"))
    assert rate.rate == Fraction(3157, rate.billed.fen)
    (before,) = api.billing.collection_rate("2026-07", compound="wjxc",
                                            as_of=dt.date(2026, 8, 30))
    assert before.collected == Money(0) and before.percent == "0.00"
    with pytest.raises(NotFound):
        api.billing.arrears(dt.date(2026, 8, 31), compound="nowhere")


def test_invoicing_a_compound_without_a_schedule_or_price_is_refused(
        api: commons.Books) -> None:
    with raises(RefusedByRule, ErrorCode.REFUSED):
        api.billing.invoice("2025-12", compound="wjxc")
    assert api.billing.invoice("2025-12").skipped == ("wjxc", "zy")
    with pytest.raises(NotFound):
        api.billing.invoice("2026-08", compound="nowhere")
    with pytest.raises(NotFound):
        api.billing.receipt("P-404")


def test_the_host_may_pass_schedules_and_payments_as_values(api: commons.Books) -> None:
    plan = SharePlan((Stage("street-office", percent=Decimal(20)),
                      Stage("firm", percent=Decimal(10)), Stage("residents", rest=True)))
    same = FeeSchedule("wjxc", ("wjxc",), Regime.LUMP_SUM, (
        FeeRate(dt.date(2026, 1, 1), Money.yuan("0.80")),
        FeeRate(dt.date(2026, 7, 15), Money.yuan("0.95"))), plan=plan)
    assert api.billing.schedule([same]).already_recorded == ("wjxc",)
    api.billing.invoice("2026-08")
    result = api.billing.pay([Payment("H-1", dt.date(2026, 8, 9), "wjxc-1-201", Money(500))])
    assert (result.recorded, result.applied) == (1, Money(500))


def test_the_demo_bills_weiji_xincun_and_runs_again_unchanged(tmp_path: Path) -> None:
    with commons.connect(tmp_path / "demo.db", clock=CLOCK) as books:
        first = next(s for s in run_demo(books).steps if s.topic == "billing")
        assert any("大写       人民币伍拾贰元伍角叁分" in line for line in first.lines)
        again = next(s for s in run_demo(books).steps if s.topic == "billing")
        assert "12 invoices issued (12 of them already were)" in "\n".join(again.lines)
        fees = books.ledger.balance(compound="wjxc").balances
        assert sum((b.balance for b in fees), Money(0)) == Money(0)
        assert books.billing.account("wjxc-1-101").credit == Money.yuan("35.02")
