"""The ledger's domain, without a database: entries, periods, accounts, refusal rules, hashes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from conftest import raises
from hypothesis import assume, given
from hypothesis import strategies as st
from ledger_helpers.strategies import account_names, balanced_legs, dates, entries, nonzero_fen

from commons import ConflictError, InvalidInput, Money, NotFound, RefusedByRule
from commons.errors import ErrorCode
from commons.ledger.accounts import (
    CHART_TEMPLATE,
    Account,
    AccountType,
    account_type_of,
    chart_for_compound,
    matches_prefix,
    parse_account_name,
)
from commons.ledger.journal import (
    GENESIS_HASH,
    Entry,
    Posting,
    chain_hash,
    prepare,
    prepared_of,
)
from commons.ledger.rules import ChainHead, Link, Outcome, plan_prepared, refusal
from commons.periods import Period, parse_date

BANK = "assets:bank:co-managed:wjxc"
PARKING = "income:parking:wjxc"
DAY = dt.date(2026, 10, 1)


def cny(fen: int) -> Money:
    return Money(fen)


def entry(*legs: tuple[str, int] | tuple[str, int, str], external_id: str = "pk-1",
          date: dt.date = DAY, **kw: Any) -> Entry:
    return Entry(date, "parking, Sept", tuple(Posting(a, Money(f, *c)) for a, f, *c in legs),
                 external_id, **kw)


def good_record(**changes: Any) -> dict[str, Any]:
    r: dict[str, Any] = {
        "date": "2026-10-01", "memo": "停车费 parking, Sept", "external_id": "pk-2026-09",
        "postings": [{"account": BANK, "amount": "120.00"},
                     {"account": PARKING, "amount": "-120.00"}]}
    r.update(changes)
    return {k: v for k, v in r.items() if v is not ...}


# --- entries must balance ------------------------------------------------------------------------


def test_a_balanced_entry_builds() -> None:
    e = entry((BANK, 12000), (PARKING, -12000))
    assert [p.amount for p in e.postings] == [cny(12000), cny(-12000)]
    assert e.accounting_period == Period(2026, 10)


@pytest.mark.parametrize("legs", [
    [(BANK, 12000), (PARKING, -11999)],
    [(BANK, 1), (PARKING, 1)],
    [(BANK, 100), (PARKING, -50), (PARKING, -49)],
])
def test_an_unbalanced_entry_cannot_be_built(legs: list[tuple[str, int]]) -> None:
    with raises(InvalidInput, ErrorCode.UNBALANCED) as info:
        entry(*legs)
    assert info.value.field == "postings"


def test_balance_is_per_currency_not_overall() -> None:
    # +100 CNY and -100 USD add up to zero as numbers, but not as money.
    with raises(InvalidInput, ErrorCode.UNBALANCED):
        entry((BANK, 100, "CNY"), (PARKING, -100, "USD"))
    with raises(InvalidInput, ErrorCode.UNBALANCED):
        entry((BANK, 100), (PARKING, -100), ("assets:bank:usd", 5, "USD"),
              ("income:fx", -4, "USD"))
    both = entry((BANK, 100), (PARKING, -100), ("assets:bank:usd", 5, "USD"),
                 ("income:fx", -5, "USD"))
    assert len(both.postings) == 4


@pytest.mark.parametrize("legs", [[], [(BANK, 0)], [(BANK, 100)]])
def test_an_entry_needs_two_postings(legs: list[tuple[str, int]]) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT) as info:
        entry(*legs)
    assert info.value.field == "postings"


def test_a_zero_posting_is_refused() -> None:
    repairs = "expenses:repairs:wjxc"
    with raises(InvalidInput, ErrorCode.INVALID_INPUT) as info:
        entry((BANK, 100), (PARKING, -100), (repairs, 0))
    assert info.value.field == "postings"
    assert repairs in str(info.value)


def test_an_entry_needs_an_external_id() -> None:
    with pytest.raises(InvalidInput) as info:
        entry((BANK, 100), (PARKING, -100), external_id="")
    assert info.value.field == "external_id"


@given(st.lists(st.tuples(st.sampled_from([BANK, PARKING]),
                          st.integers(min_value=-3, max_value=3),
                          st.sampled_from(["CNY", "USD"])), max_size=6))
def test_an_entry_builds_exactly_when_it_balances_per_currency(
        legs: list[tuple[str, int, str]]) -> None:
    sums: dict[str, int] = {}
    for _, fen, cur in legs:
        sums[cur] = sums.get(cur, 0) + fen
    valid = len(legs) >= 2 and all(f for _, f, _ in legs) and not any(sums.values())
    try:
        entry(*legs)
    except InvalidInput as e:
        assert not valid, f"a valid entry was refused: {e}"
        assert e.field == "postings"
    else:
        assert valid, "an invalid entry was built"


@given(balanced_legs())
def test_generated_legs_always_build(legs: list[Posting]) -> None:
    assert Entry(DAY, "", tuple(legs), "x").postings == tuple(legs)


@given(balanced_legs(), nonzero_fen)
def test_any_nudge_unbalances(legs: list[Posting], nudge: int) -> None:
    first = legs[0]
    legs[0] = Posting(first.account, Money(first.amount.fen + nudge))
    assume(legs[0].amount.fen != 0)
    with raises(InvalidInput, ErrorCode.UNBALANCED):
        Entry(DAY, "", tuple(legs), "x")


# --- from_record: every error names its field ----------------------------------------------------


def test_from_record_reads_the_design_format() -> None:
    e = Entry.from_record(good_record(compound="wjxc", resource="p-07", period="2026-09"),
                          actor="accountant")
    assert e.date == DAY
    assert e.memo == "停车费 parking, Sept"
    assert e.external_id == "pk-2026-09"
    assert e.postings == (Posting(BANK, cny(12000)), Posting(PARKING, cny(-12000)))
    assert (e.actor, e.compound, e.resource, e.period) == ("accountant", "wjxc", "p-07",
                                                          "2026-09")
    usd = Entry.from_record(good_record(postings=[
        {"account": BANK, "amount": "1.00", "currency": "USD"},
        {"account": PARKING, "amount": "-1.00", "currency": "USD"}]))
    assert {p.amount.currency for p in usd.postings} == {"USD"}


@pytest.mark.parametrize(("record", "field"), [
    (good_record(date="2026-13-01"), "date"),
    (good_record(date="10/01/2026"), "date"),
    (good_record(date=20261001), "date"),
    (good_record(date=...), "date"),
    (good_record(external_id=...), "external_id"),
    (good_record(external_id=""), "external_id"),
    (good_record(external_id=7), "external_id"),
    (good_record(memo=["a"]), "memo"),
    (good_record(compound=3), "compound"),
    (good_record(postings=...), "postings"),
    (good_record(postings={"account": BANK}), "postings"),
    (good_record(postings=[]), "postings"),
    (good_record(postings=[{"account": BANK, "amount": "120.00"}]), "postings"),
    (good_record(postings=[{"account": BANK, "amount": "120.00"},
                           {"account": PARKING, "amount": "-119.00"}]), "postings"),
    (good_record(postings=[{"account": BANK, "amount": "120.00"},
                           {"account": "parking:wjxc", "amount": "-120.00"}]),
     "postings[1].account"),
    (good_record(postings=[{"account": BANK, "amount": "120.00"},
                           {"account": "income::wjxc", "amount": "-120.00"}]),
     "postings[1].account"),
    (good_record(postings=[{"amount": "120.00"},
                           {"account": PARKING, "amount": "-120.00"}]), "postings[0].account"),
    (good_record(postings=[{"account": BANK, "amount": 120},
                           {"account": PARKING, "amount": "-120.00"}]), "postings[0].amount"),
    (good_record(postings=[{"account": BANK, "amount": "120.001"},
                           {"account": PARKING, "amount": "-120.00"}]), "postings[0].amount"),
    (good_record(postings=[{"account": BANK, "amount": "1e3"},
                           {"account": PARKING, "amount": "-1000.00"}]), "postings[0].amount"),
    (good_record(postings=[{"account": BANK, "amount": "120.00", "memo": "x"},
                           {"account": PARKING, "amount": "-120.00"}]), "postings[0]"),
    (good_record(postings=["assets:bank 120.00", {"account": PARKING, "amount": "-120.00"}]),
     "postings[0]"),
    (good_record(amount="120.00"), "amount"),
])
def test_from_record_errors_name_the_field(record: object, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        Entry.from_record(record)
    assert info.value.field == field, str(info.value)
    assert f"field '{field}'" in str(info.value)


def test_from_record_names_the_currency_field_for_a_bad_currency() -> None:
    record = good_record(postings=[{"account": BANK, "amount": "1.00", "currency": "usd"},
                                   {"account": PARKING, "amount": "-1.00", "currency": "usd"}])
    with pytest.raises(InvalidInput) as info:
        Entry.from_record(record)
    assert info.value.field == "postings[0].currency"


def test_from_record_does_not_silently_drop_reverses() -> None:
    try:
        e = Entry.from_record(good_record(reverses=3))
    except InvalidInput as err:
        assert err.field == "reverses"
    else:
        assert e.reverses == 3


def test_from_record_refuses_what_is_not_an_object() -> None:
    for bad in ([1, 2], "entry", None, 3):
        with raises(InvalidInput, ErrorCode.MALFORMED_FILE):
            Entry.from_record(bad)


# --- periods and dates ---------------------------------------------------------------------------


def test_period_parse_and_contains() -> None:
    oct_ = Period.parse("2026-10")
    assert oct_ == Period(2026, 10) == Period.parse(" 2026-10 ")
    assert str(oct_) == "2026-10"
    assert oct_.contains(dt.date(2026, 10, 1)) and oct_.contains(dt.date(2026, 10, 31))
    assert not oct_.contains(dt.date(2026, 11, 1))
    assert not oct_.contains(dt.date(2026, 9, 30))
    assert not oct_.contains(dt.date(2025, 10, 15))
    assert (oct_.first_day, oct_.last_day) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2028, 2).last_day == dt.date(2028, 2, 29)
    assert Period(2026, 2).last_day == dt.date(2026, 2, 28)
    assert Period(2026, 9) < oct_ < Period(2027, 1)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-10", "2026-10-01",
                                 "2026/10", "", "1899-12", "october"])
def test_period_parse_refuses(bad: str) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        Period.parse(bad)


@given(dates)
def test_a_date_lies_in_its_period_and_no_other(day: dt.date) -> None:
    p = Period.of(day)
    assert p.contains(day)
    assert p.first_day <= day <= p.last_day
    assert not p.next().contains(day)
    assert Period.parse(str(p)) == p
    assert p.next().first_day == p.last_day + dt.timedelta(days=1)


@pytest.mark.parametrize("bad", ["2026-1-1", "2026/10/01", "20261001", "2026-02-30", "",
                                 "2026-10-01T00:00", 20261001, None])
def test_parse_date_takes_only_yyyy_mm_dd(bad: object) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_DATE):
        parse_date(bad)


def test_parse_date_refuses_week_dates() -> None:
    with pytest.raises(InvalidInput):
        parse_date("2026-W40-1")


# --- accounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "name"), [
    ("assets", "assets:bank:co-managed:wjxc"), ("liabilities", "liabilities:payable:firm"),
    ("equity", "equity:owners-fund"), ("income", "income:停车:wjxc"),
    ("expenses", "expenses:bank_charges")])
def test_account_create_type_agrees_with_the_first_segment(kind: str, name: str) -> None:
    a = Account.create(name, type=kind, compound="wjxc")
    assert a.type is AccountType(kind) and a.name == name and a.compound == "wjxc"
    assert Account.create(name).type is AccountType(kind)
    other = next(t for t in ("assets", "income") if t != kind)
    with raises(InvalidInput, ErrorCode.INVALID_INPUT) as info:
        Account.create(name, type=other)
    assert info.value.field == "type"


@pytest.mark.parametrize("bad", ["", "bank:x", "Assets:x", "assets:", "assets::x",
                                 ":assets:x", "assets:bank x", "assets:-x", "assets:x.y"])
def test_malformed_account_names_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        Account.create(bad)


@given(account_names)
def test_generated_account_names_parse_to_themselves(name: str) -> None:
    assert parse_account_name(name) == name
    assert account_type_of(name).value == name.split(":", maxsplit=1)[0]


def test_prefixes_cover_whole_segments_only() -> None:
    assert matches_prefix("assets:bank", "assets:bank")
    assert matches_prefix("assets:bank:wjxc", "assets:bank")
    assert not matches_prefix("assets:banking", "assets:bank")
    assert not matches_prefix("assets", "assets:bank")


def test_account_open_and_close_dates() -> None:
    a = Account("income:parking:wjxc", opened_on=dt.date(2026, 1, 1),
                closed_on=dt.date(2026, 7, 1))
    assert a.refuses(dt.date(2025, 12, 31)) and "opens on 2026-01-01" in a.refuses(
        dt.date(2025, 12, 31))
    assert a.refuses(dt.date(2026, 1, 1)) is None
    assert a.refuses(dt.date(2026, 6, 30)) is None
    assert "closed" in (a.refuses(dt.date(2026, 7, 1)) or "")
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Account("income:x", opened_on=dt.date(2026, 2, 1), closed_on=dt.date(2026, 1, 1))


def test_chart_template_opens_every_account_of_a_compound() -> None:
    chart = chart_for_compound("wjxc", dt.date(2026, 1, 1))
    assert [a.name for a in chart] == [f"{p}:wjxc" for p, _ in CHART_TEMPLATE]
    assert all(a.compound == "wjxc" and a.opened_on == dt.date(2026, 1, 1) for a in chart)
    kinds = {a.type for a in chart}
    assert kinds == set(AccountType)
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        chart_for_compound("wj xc")


# --- refusal rules -------------------------------------------------------------------------------

OPEN = {BANK: Account(BANK), PARKING: Account(PARKING, opened_on=dt.date(2026, 10, 2))}


def plan(entry: Entry, head: ChainHead, known: dict[str, tuple[int, str]],
         closed: frozenset[str], recorded_at: str) -> tuple[Outcome, Link | None]:
    return plan_prepared(prepare(entry), head, known, OPEN, closed, recorded_at, {})


def test_refusal_of_a_closed_period() -> None:
    e = entry((BANK, 100), (BANK, -100))
    why = refusal(prepare(e), OPEN, frozenset({"2026-10"}))
    assert isinstance(why, RefusedByRule) and why.field == "date" and "2026-10" in str(why)
    assert refusal(prepare(e), OPEN, frozenset({"2026-09", "2026-11"})) is None


def test_refusal_of_an_unopened_account_names_the_posting() -> None:
    e = entry((BANK, 100), ("income:rent:wjxc", -100))
    why = refusal(prepare(e), OPEN, frozenset())
    assert isinstance(why, NotFound) and why.field == "postings[1].account"
    assert "income:rent:wjxc is not open" in str(why)


def test_refusal_before_an_account_opens() -> None:
    early = entry((BANK, 100), (PARKING, -100))
    why = refusal(prepare(early), OPEN, frozenset())
    assert isinstance(why, RefusedByRule) and why.field == "postings[1].account"
    assert refusal(prepare(attrs.evolve(early, date=dt.date(2026, 10, 2))), OPEN,
                   frozenset()) is None


def test_plan_entry_decides_posted_already_recorded_conflict_refused() -> None:
    e = entry((BANK, 100), (BANK, -100))
    head = ChainHead(41, "ab" * 32)
    outcome, link = plan(e, head, {}, frozenset(), "2026-10-01T00:00:00+00:00")
    assert outcome.status == "posted" and link is not None
    assert link.prev_hash == head.hash and link.id == 42
    assert link.hash == chain_hash(head.hash, 42, e.content_hash(), e.actor,
                                   "2026-10-01T00:00:00+00:00")

    same, none = plan(e, head, {"pk-1": (7, e.content_hash())}, frozenset(), "t")
    assert (same.status, same.entry_id, none) == ("already recorded", 7, None)

    other = attrs.evolve(e, memo="another memo")
    clash, none = plan(other, head, {"pk-1": (7, e.content_hash())}, frozenset(), "t")
    assert clash.status == "refused" and none is None
    assert isinstance(clash.error, ConflictError) and clash.error.field == "external_id"

    closed, none = plan(e, head, {}, frozenset({"2026-10"}), "t")
    assert closed.status == "refused" and isinstance(closed.error, RefusedByRule)


# --- content hash --------------------------------------------------------------------------------

GOLDEN = Entry(DAY, "停车费 parking, Sept",
               (Posting(BANK, cny(12000)), Posting(PARKING, cny(-12000))),
               "pk-2026-09", actor="x", compound="wjxc")


def test_content_hash_is_pinned() -> None:
    # Every database written depends on this serialisation: a change breaks the verification of
    # existing files, so it needs a migration of their hashes along with a new value here.
    assert GOLDEN.content_hash() == (
        "1da03c1adbe717d860c8245b4f99196372a7692e79a7ab990a6269aa05d54d8d")
    assert chain_hash(GENESIS_HASH, 1, GOLDEN.content_hash(), "x",
                      "2026-10-01T00:00:00+00:00") == (
        "2e4c53a714fdf77b00d25009460391a66c7ffc648255a32abfe1f4061d301278")


@given(entries())
def test_content_hash_is_stable_and_ignores_the_actor(e: Entry) -> None:
    again = Entry(e.date, e.memo, tuple(e.postings), e.external_id, "someone else", e.resource,
                  e.period, e.compound, e.reverses)
    assert e.content_hash() == again.content_hash()
    assert len(e.content_hash()) == 64


MUTATIONS = {
    "date": lambda e: attrs.evolve(e, date=e.date + dt.timedelta(days=1)),
    "memo": lambda e: attrs.evolve(e, memo=e.memo + " "),
    "external_id": lambda e: attrs.evolve(e, external_id=e.external_id + "x"),
    "resource": lambda e: attrs.evolve(e, resource=(e.resource or "") + "r"),
    "period": lambda e: attrs.evolve(e, period="2026-Q3" if e.period == "2026-09" else "2026-09"),
    "compound": lambda e: attrs.evolve(e, compound=(e.compound or "") + "c"),
    "reverses": lambda e: attrs.evolve(e, reverses=(e.reverses or 0) + 1),
    "account": lambda e: attrs.evolve(e, postings=(
        Posting(e.postings[0].account + ":x", e.postings[0].amount), *e.postings[1:])),
    "amounts": lambda e: attrs.evolve(e, postings=tuple(
        Posting(p.account, p.amount * 2) for p in e.postings)),
    "order": lambda e: attrs.evolve(e, postings=tuple(reversed(e.postings))),
    "currency": lambda e: attrs.evolve(e, postings=tuple(
        Posting(p.account, Money(p.amount.fen, "HKD")) for p in e.postings)),
}


@given(entries(), st.sampled_from(sorted(MUTATIONS)))
def test_content_hash_changes_with_everything_the_entry_says(e: Entry, what: str) -> None:
    changed = MUTATIONS[what](e)
    if what == "order":
        assume(changed.postings != e.postings)
    assert changed.content_hash() != e.content_hash()


def test_reversal_negates_every_posting_and_links_back() -> None:
    e = entry((BANK, 12000), (PARKING, -12000), compound="wjxc")
    r = e.reversal(date=dt.date(2026, 11, 3), entry_id=9, reason="wrong compound", actor="auditor")
    assert r.reverses == 9 and r.external_id == "reversal:9" and r.actor == "auditor"
    assert r.date == dt.date(2026, 11, 3) and "wrong compound" in r.memo
    assert [p.amount.fen for p in r.postings] == [-12000, 12000]
    assert [p.account for p in r.postings] == [BANK, PARKING]


def test_errors_survive_pickling_whole() -> None:
    import pickle

    from commons.errors import ConflictError

    error = ConflictError("external id x was recorded", fix="use a new id", file="a.jsonl",
                          line=3, field="external_id")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ConflictError
    assert (again.what, again.fix, again.file, again.line, again.field) == (
        error.what, error.fix, "a.jsonl", 3, "external_id")
    assert str(again) == str(error)


@pytest.mark.parametrize(("account", "amount", "field"), [
    ("assets bank", Money(1), "account"),
    (" assets:bank:wjxc", Money(1), "account"),
    ("bank:wjxc", Money(1), "account"),
    ("assets:bank:wjxc", 1, "amount"),
])
def test_a_posting_checks_its_account_and_amount(account: str, amount: object,
                                                 field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        Posting(account, amount)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize("period", ["2026-10", "2026-Q4", "2026-01"])
def test_an_entry_links_to_a_month_or_a_quarter(period: str) -> None:
    entry = Entry(dt.date(2026, 10, 1), "x", (Posting("assets:bank:a", Money(100)),
                                               Posting("income:parking:a", Money(-100))),
                  "p-1", period=period)
    assert entry.period == period


@pytest.mark.parametrize("period", ["2026-99", "2026-13", "2026-Q5", "26-10", "2026-10-01", ""])
def test_an_entry_refuses_a_period_that_is_no_month_or_quarter(period: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Entry(dt.date(2026, 10, 1), "x", (Posting("assets:bank:a", Money(100)),
                                           Posting("income:parking:a", Money(-100))),
              "p-1", period=period)
    assert refused.value.field == "period"


@given(entries(), st.sampled_from(["", "org-luan"]))
def test_prepared_of_gives_what_prepare_gives(built: Entry, actor: str) -> None:
    # A use case building its entries as plain legs must post what an Entry would: the same
    # values and the same content hash, so re-importing a feed meets its own entries again.
    plain = built if built.resource is None and built.compound is None else \
        attrs.evolve(built, resource=None, compound=None)
    legs = [(p.account, p.amount.fen, p.amount.currency) for p in plain.postings]
    assert prepared_of(plain.date, plain.memo, legs, plain.external_id, actor, plain.period) \
        == prepare(attrs.evolve(plain, actor=actor))


@given(st.lists(st.tuples(st.sampled_from([BANK, PARKING, "bank:no-type", "assets::x"]),
                          st.integers(min_value=-3, max_value=3),
                          st.sampled_from(["CNY", "USD", "XXX"])), max_size=5),
       st.sampled_from(["pk-1", ""]), st.sampled_from([None, "2026-10", "2026-13"]),
       st.sampled_from(["memo", "tab\there"]))
def test_prepared_of_refuses_what_an_entry_refuses(
        legs: list[tuple[str, int, str]], external_id: str, period: str | None,
        memo: str) -> None:
    def outcome(build: Any) -> tuple[str, str | None] | None:
        try:
            build()
        except InvalidInput as e:
            return (e.code, e.field)
        return None

    as_entry = outcome(lambda: Entry(DAY, memo, tuple(Posting(a, Money(f, c))
                                                      for a, f, c in legs),
                                     external_id, period=period))
    assert outcome(lambda: prepared_of(DAY, memo, legs, external_id, "", period)) == as_entry


def test_prepared_of_refuses_a_fraction_of_a_fen_after_the_account_is_known() -> None:
    prepared_of(DAY, "m", [(BANK, 100, "CNY"), (PARKING, -100, "CNY")], "pk-1", "")
    with pytest.raises(InvalidInput) as info:
        prepared_of(DAY, "m", [(BANK, 1.5, "CNY"), (PARKING, -1.5, "CNY")],  # type: ignore[list-item]
                    "pk-2", "")
    assert info.value.code == ErrorCode.INVALID_AMOUNT
