"""The ledger through its api, against a model kept independently in the test.

A hypothesis state machine opens accounts, posts (new external ids, the same ones again, the
same ids with other content), reverses, closes months and posts into closed ones. After every step
the trial balance is zero, every balance equals the model's, ``audit.verify`` passes, and a refused
operation changed nothing. Example tests first pin the posting semantics the machine relies on.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import pg_book, raises
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from ledger_helpers import BANK, PARKING, REPAIRS, record, write_jsonl
from ledger_helpers.strategies import balanced_legs

import commons
from commons import (
    Books,
    ConflictError,
    FixedClock,
    InvalidInput,
    Money,
    NotFound,
    Problems,
    RefusedByRule,
)
from commons.errors import ErrorCode
from commons.ledger.accounts import matches_prefix
from commons.ledger.journal import Entry, Posting

CLOCK = FixedClock.parse("2026-07-15T10:30:00")
JAN = dt.date(2026, 1, 10)


def legs(*pairs: tuple[str, int]) -> tuple[Posting, ...]:
    return tuple(Posting(a, Money(f)) for a, f in pairs)


@pytest.fixture
def api(db_path: Path) -> Iterator[Books]:
    handle = commons.connect(db_path, clock=CLOCK, actor="alice")
    handle.ledger.chart("wjxc")
    yield handle
    handle.close()


def state(api: Books) -> tuple[Any, ...]:
    report = api.audit.verify()
    return api.ledger.balance().balances, report.entries, report.head_hash


# --- posting semantics, by example ---------------------------------------------------------------


def test_a_post_is_all_or_nothing(api: Books, tmp_path: Path) -> None:
    good = record("pk-1", "2026-01-10", [(BANK, 12000), (PARKING, -12000)])
    unopened = record("pk-2", "2026-01-11", [(BANK, 500), ("income:nope", -500)])
    unbalanced = record("pk-3", "2026-01-12", [(BANK, 500), (PARKING, -400)])
    path = write_jsonl(tmp_path / "j.jsonl", [good, unopened, "{not json", unbalanced])
    before = state(api)
    with pytest.raises(Problems) as info:
        api.ledger.post(path)
    assert state(api) == before
    assert info.value.code == ErrorCode.SEVERAL
    assert [(p.file, p.line) for p in info.value.problems] == [(str(path), n) for n in (2, 3, 4)]
    assert info.value.problems[0].field == "postings[1].account"
    assert info.value.problems[2].field == "postings"
    assert isinstance(info.value.problems[0], NotFound)
    assert isinstance(info.value.problems[1], InvalidInput)


def test_reposting_is_a_no_op_and_other_content_is_a_conflict(api: Books,
                                                              tmp_path: Path) -> None:
    first = [record(f"pk-{i}", "2026-01-10", [(BANK, 100 + i), (PARKING, -100 - i)])
             for i in range(3)]
    path = write_jsonl(tmp_path / "a.jsonl", first)
    summary = api.ledger.post(path)
    assert (summary.posted, summary.already_recorded, summary.refused) == (3, 0, 0)
    before = state(api)
    again = api.ledger.post(path)
    assert (again.posted, again.already_recorded, again.head_hash) == (0, 3, summary.head_hash)
    assert state(api) == before

    changed = {**first[1], "memo": "edited"}
    new = record("pk-9", "2026-01-10", [(BANK, 1), (PARKING, -1)])
    with pytest.raises(Problems) as info:
        api.ledger.post(write_jsonl(tmp_path / "b.jsonl", [first[0], changed, new]))
    assert [type(p) for p in info.value.problems] == [ConflictError]
    assert info.value.problems[0].line == 2 and info.value.problems[0].field == "external_id"
    assert state(api) == before


def test_the_same_external_id_twice_in_one_file(api: Books, tmp_path: Path) -> None:
    one = record("pk-1", "2026-01-10", [(BANK, 100), (PARKING, -100)])
    summary = api.ledger.post(write_jsonl(tmp_path / "a.jsonl", [one, one]))
    assert (summary.posted, summary.already_recorded) == (1, 1)
    other = {**one, "external_id": "pk-2"}
    clash = {**other, "memo": "other"}
    before = state(api)
    with pytest.raises(Problems) as info:
        api.ledger.post(write_jsonl(tmp_path / "b.jsonl", [other, clash]))
    assert [(type(p), p.line) for p in info.value.problems] == [(ConflictError, 2)]
    assert state(api) == before


def test_every_refused_line_is_named_however_far_apart(api: Books, tmp_path: Path) -> None:
    bad = record("bad", "2026-01-10", [(BANK, 1), ("income:nope", -1)])
    dup = record("dup", "2026-01-10", [(BANK, 1), (PARKING, -1)])
    filler = [record(f"x{i}", "2026-01-10", [(BANK, 1), (PARKING, -1)]) for i in range(2500)]
    clash = {**dup, "memo": "other content"}
    path = write_jsonl(tmp_path / "far.jsonl", [bad, dup, *filler, clash])
    with pytest.raises(Problems) as info:
        api.ledger.post(path)
    # bad, dup, 2,500 fillers (lines 3..2502), then the clash on line 2503
    assert [p.line for p in info.value.problems] == [1, 2503]


def test_entries_posted_by_a_host_carry_the_handles_actor(api: Books) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1")])
    assert api.ledger.trail(BANK)[0].actor == "alice"


def test_a_reversal_reposted_from_a_file_is_already_recorded(api: Books,
                                                              tmp_path: Path) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1")])
    stored = api.ledger.reverse(1, reason="wrong compound", on=dt.date(2026, 2, 1))
    line = as_record(stored.entry)
    assert line["reverses"] == 1
    summary = api.ledger.post(write_jsonl(tmp_path / "again.jsonl", [line]))
    assert (summary.posted, summary.already_recorded) == (0, 1)


@pytest.mark.parametrize("postings", [
    [(BANK, -7), (PARKING, 7)],  # not the amounts it names
    [(BANK, -100), (REPAIRS, 100)],  # not the accounts
    [(BANK, 100), (PARKING, -100)],  # a repeat, not a negation
])
def test_a_reversal_from_a_file_must_negate_what_it_reverses(
        api: Books, tmp_path: Path, postings: list[tuple[str, int]]) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1")])
    line = record("fake", "2026-02-01", postings) | {"reverses": 1}
    before = state(api)
    with pytest.raises(Problems) as info:
        api.ledger.post(write_jsonl(tmp_path / "fake.jsonl", [line]))
    assert "fake.jsonl:1: field 'postings'" in str(info.value)
    assert info.value.code == ErrorCode.INVALID_INPUT
    assert state(api) == before
    assert api.ledger.reverse(1, reason="the real one").id == 2  # entry 1 is still reversible
    line = record("undo", "2026-02-01", [(PARKING, 100), (BANK, -100)], reverses=1)
    with raises(Problems, ErrorCode.ALREADY_DONE):
        api.ledger.post(write_jsonl(tmp_path / "undo.jsonl", [line]))


def test_a_reversal_from_a_file_may_list_the_negation_in_any_order(api: Books,
                                                                   tmp_path: Path) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1")])
    line = record("undo", "2026-02-01", [(PARKING, 100), (BANK, -100)], reverses=1)
    assert api.ledger.post(write_jsonl(tmp_path / "undo.jsonl", [line])).posted == 1
    assert not any(b.balance for b in api.ledger.balance().balances)


def test_a_file_records_the_handles_actor(api: Books, tmp_path: Path) -> None:
    api.ledger.post(write_jsonl(tmp_path / "a.jsonl",
                                [record("pk-1", "2026-01-10", [(BANK, 100), (PARKING, -100)])]))
    assert api.ledger.trail(BANK)[0].actor == "alice"


def test_reverse_rules(api: Books) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1",
                           actor="alice")])
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        api.ledger.reverse(1, reason="  ")
    with raises(NotFound, ErrorCode.NOT_FOUND):
        api.ledger.reverse(7, reason="typo")
    stored = api.ledger.reverse(1, reason="wrong compound", on=dt.date(2026, 2, 1))
    assert stored.id == 2 and stored.entry.reverses == 1
    assert stored.entry.date == dt.date(2026, 2, 1)
    assert [p.amount.fen for p in stored.entry.postings] == [-100, 100]
    before = state(api)
    with raises(RefusedByRule, ErrorCode.ALREADY_DONE):
        api.ledger.reverse(1, reason="again")
    assert state(api) == before
    # Today by default, from the handle's clock.
    assert api.ledger.reverse(2, reason="it was right after all").entry.date == dt.date(2026, 7,
                                                                                         15)
    assert {b.account: b.balance.fen for b in api.ledger.balance().balances if b.balance} == {
        BANK: 100, PARKING: -100}


def test_reversal_into_a_closed_month_is_refused(api: Books) -> None:
    api.ledger.post([Entry(JAN, "parking", legs((BANK, 100), (PARKING, -100)), "e1")])
    api.ledger.close_period("2026-02")
    before = state(api)
    with raises(Problems, ErrorCode.CLOSED_PERIOD):
        api.ledger.reverse(1, reason="late", on=dt.date(2026, 2, 3))
    assert state(api) == before


def test_close_twice_is_a_no_op(api: Books) -> None:
    assert api.ledger.close_period("2026-01").newly_closed is True
    assert api.ledger.close_period("2026-01").newly_closed is False
    with pytest.raises(InvalidInput):
        api.ledger.close_period("2026-13")


def test_reopening_an_account_differently_is_a_conflict(api: Books) -> None:
    api.ledger.open("income:rent:wjxc", compound="wjxc")  # chart opened it just so: a no-op
    with pytest.raises(ConflictError):
        api.ledger.open("income:rent:wjxc", compound="other")
    with pytest.raises(InvalidInput):
        api.ledger.open("income:rent:x", type="assets")


def test_balance_queries_by_prefix_compound_and_date(api: Books) -> None:
    api.ledger.open("assets:bank:other", compound="other")
    api.ledger.post([
        Entry(JAN, "a", legs((BANK, 100), (PARKING, -100)), "e1"),
        Entry(dt.date(2026, 3, 1), "b", legs((BANK, 50), (REPAIRS, 25), (PARKING, -75)), "e2"),
        Entry(dt.date(2026, 3, 2), "c", legs(("assets:bank:other", 7), (PARKING, -7)), "e3"),
    ])
    by_name = {b.account: b.balance.fen for b in api.ledger.balance().balances}
    assert by_name[BANK] == 150 and by_name[PARKING] == -182 and by_name[REPAIRS] == 25
    assert [t.fen for t in api.ledger.balance().totals] == [0]
    assets = api.ledger.balance("assets")
    assert {b.account for b in assets.balances} == {BANK, "assets:bank:other"}
    assert assets.totals == (Money(157),)
    assert api.ledger.balance("assets:bank:co").balances == ()  # segments, not characters
    wjxc = api.ledger.balance(compound="wjxc")
    assert "assets:bank:other" not in {b.account for b in wjxc.balances}
    early = {b.account: b.balance.fen for b in api.ledger.balance(as_of=dt.date(2026, 2, 28))
             .balances}
    assert early == {BANK: 100, PARKING: -100}
    trail = api.ledger.trail(PARKING)
    assert [(t.entry_id, t.amount.fen, t.balance.fen) for t in trail] == [
        (1, -100, -100), (2, -75, -175), (3, -7, -182)]
    page = api.ledger.trail(PARKING, limit=1, offset=1)
    assert [(t.entry_id, t.balance.fen) for t in page] == [(2, -175)]
    with pytest.raises(NotFound):
        api.ledger.trail("income:nope")


def test_posting_before_an_account_opens_is_refused(api: Books) -> None:
    api.ledger.open("income:kiosk:wjxc", opened_on=dt.date(2026, 3, 1))
    before = state(api)
    with raises(Problems, ErrorCode.ACCOUNT_CLOSED):
        api.ledger.post([Entry(JAN, "early", legs((BANK, 1), ("income:kiosk:wjxc", -1)), "k")])
    assert state(api) == before
    api.ledger.post([Entry(dt.date(2026, 3, 1), "ok", legs((BANK, 1), ("income:kiosk:wjxc", -1)),
                           "k")])


# --- the state machine ---------------------------------------------------------------------------

POOL = (
    "assets:bank:co-managed:wjxc", "assets:receivable:wjxc", "income:parking:wjxc",
    "income:advertising:wjxc", "expenses:repairs:wjxc", "liabilities:payable:firm:wjxc",
    "equity:owners-fund:wjxc", "assets:bank:co-managed:ziyuan", "income:parking:ziyuan",
)
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
PREFIXES = ("assets", "assets:bank", "assets:bank:co-managed", "income", "income:parking",
            "expenses", "equity:owners-fund:wjxc", "liabilities")


@attrs.frozen
class Posted:
    """The model's record of one journal entry."""

    id: int
    entry: Entry
    legs: tuple[tuple[str, int, str], ...]

    @classmethod
    def of(cls, entry_id: int, entry: Entry) -> Posted:
        return cls(entry_id, entry, tuple((p.account, p.amount.fen, p.amount.currency)
                                          for p in entry.postings))


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def days_in(months: Sequence[str]) -> st.SearchStrategy[dt.date]:
    return st.sampled_from(sorted(months)).flatmap(
        lambda m: st.integers(min_value=1, max_value=28).map(
            lambda d: dt.date(int(m[:4]), int(m[5:]), d)))


def as_record(e: Entry) -> dict[str, Any]:
    return {"date": e.date.isoformat(), "memo": e.memo, "external_id": e.external_id,
            "postings": [{"account": p.account, "amount": p.amount.format(),
                          **({"currency": p.amount.currency}
                             if p.amount.currency != "CNY" else {})}
                         for p in e.postings],
            **({"reverses": e.reverses} if e.reverses is not None else {})}


class LedgerMachine(RuleBasedStateMachine):
    posted = Bundle("posted")

    def __init__(self, server: Any = None) -> None:
        """The books are an SQLite file, or with ``server`` a new book on that PostgreSQL
        server."""
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="ledger-machine-"))
        where = self.dir / "machine.db"
        self.api = commons.connect(where if server is None else pg_book(server, where),
                                   clock=CLOCK, actor="machine")
        self.api.init()  # reading a database that does not exist yet is NotFound
        self.opened: set[str] = set()
        self.closed: set[str] = set()
        self.journal: list[Posted] = []
        self.by_ext: dict[str, Posted] = {}
        self.reversed: set[int] = set()
        self.serial = 0
        self.files = 0

    def teardown(self) -> None:
        self.api.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- the model --

    def model_balances(self, prefix: str | None = None, as_of: dt.date | None = None
                       ) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for p in self.journal:
            if as_of is not None and p.entry.date > as_of:
                continue
            for account, fen, currency in p.legs:
                if prefix is None or matches_prefix(account, prefix):
                    out[account, currency] = out.get((account, currency), 0) + fen
        return {k: v for k, v in out.items() if v}

    def refused(self, e: Entry) -> bool:
        return month_of(e.date) in self.closed or any(
            p.account not in self.opened for p in e.postings)

    def fresh_entry(self, data: st.DataObject, accounts: Sequence[str],
                    months: Sequence[str]) -> Entry:
        self.serial += 1
        account = st.sampled_from(sorted(accounts))
        postings = data.draw(balanced_legs(account, max_legs=3))
        if data.draw(st.integers(min_value=0, max_value=4)) == 0:
            postings += data.draw(balanced_legs(account, "USD", max_legs=2))
        return Entry(data.draw(days_in(months)), data.draw(st.sampled_from(
            ["停车费", "广告位 ad spot", "repairs, stairwell", ""])), tuple(postings),
            f"m-{self.serial}")

    def accept(self, entries: Sequence[Entry]) -> list[Posted]:
        done = []
        for e in entries:
            p = Posted.of(len(self.journal) + 1, e)
            self.journal.append(p)
            self.by_ext[e.external_id] = p
            done.append(p)
        return done

    def post(self, entries: Sequence[Entry], as_file: bool) -> Any:
        if not as_file:
            return self.api.ledger.post(entries)
        self.files += 1
        return self.api.ledger.post(write_jsonl(self.dir / f"post-{self.files}.jsonl",
                                                [as_record(e) for e in entries]))

    def snapshot(self) -> tuple[Any, ...]:
        report = self.api.audit.verify()
        return (self.api.ledger.balance().balances, report.entries, report.head_hash,
                self.api.ledger.balance(as_of=dt.date(2026, 12, 31)).balances)

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        before = self.snapshot()
        yield
        assert self.snapshot() == before, "a refused operation changed the ledger"

    # -- rules --

    @rule(name=st.sampled_from(POOL))
    def open_account(self, name: str) -> None:
        opened = self.api.ledger.open(name)
        assert opened.name == name
        self.opened.add(name)

    @precondition(lambda self: len(self.closed) < 4)  # keep months open to post into
    @rule(month=st.sampled_from(MONTHS))
    def close_month(self, month: str) -> None:
        new = self.api.ledger.close_period(month).newly_closed
        assert new == (month not in self.closed)
        self.closed.add(month)

    @precondition(lambda self: self.opened and set(MONTHS) - self.closed)
    @rule(target=posted, data=st.data(), n=st.integers(min_value=1, max_value=4),
          as_file=st.booleans())
    def post_new(self, data: st.DataObject, n: int, as_file: bool) -> Any:
        months = sorted(set(MONTHS) - self.closed)
        batch = [self.fresh_entry(data, sorted(self.opened), months) for _ in range(n)]
        summary = self.post(batch, as_file)
        assert (summary.posted, summary.already_recorded, summary.refused) == (n, 0, 0)
        done = self.accept(batch)
        assert summary.head_hash == self.api.audit.verify().head_hash
        return done[-1].entry.external_id

    @rule(data=st.data(), n=st.integers(min_value=1, max_value=3), as_file=st.booleans())
    def post_anything(self, data: st.DataObject, n: int, as_file: bool) -> None:
        """Any accounts of the pool, any month: refused as a whole if one entry is refused."""
        batch = [self.fresh_entry(data, POOL, MONTHS) for _ in range(n)]
        refused = [i + 1 for i, e in enumerate(batch) if self.refused(e)]
        if not refused:
            self.post(batch, as_file)
            self.accept(batch)
            return
        with self.unchanged(), pytest.raises(Problems) as info:
            self.post(batch, as_file)
        assert [p.line for p in info.value.problems] == refused
        for p in info.value.problems:
            assert isinstance(p, NotFound | RefusedByRule)
            assert p.field == "date" or (p.field or "").startswith("postings[")

    @precondition(lambda self: self.closed and self.opened)
    @rule(data=st.data(), as_file=st.booleans())
    def post_into_closed_month(self, data: st.DataObject, as_file: bool) -> None:
        e = self.fresh_entry(data, sorted(self.opened), sorted(self.closed))
        with self.unchanged(), raises(Problems, ErrorCode.CLOSED_PERIOD) as info:
            self.post([e], as_file)
        assert [type(p) for p in info.value.problems] == [RefusedByRule]

    @precondition(lambda self: self.journal)
    @rule(data=st.data(), as_file=st.booleans())
    def repost_the_same(self, data: st.DataObject, as_file: bool) -> None:
        """Posting recorded entries again is a no-op, even into a month closed since."""
        pool = self.journal
        chosen = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
        with self.unchanged():
            summary = self.post([p.entry for p in chosen], as_file)
        assert (summary.posted, summary.already_recorded) == (0, len(chosen))

    @precondition(lambda self: self.journal and self.opened and set(MONTHS) - self.closed)
    @rule(data=st.data(), how=st.sampled_from(["memo", "amount", "date", "account"]),
          as_file=st.booleans())
    def repost_with_other_content(self, data: st.DataObject, how: str, as_file: bool) -> None:
        original = data.draw(st.sampled_from(self.journal)).entry
        if how == "memo":
            changed = attrs.evolve(original, memo=original.memo + " (edited)")
        elif how == "amount":
            changed = attrs.evolve(original, postings=tuple(
                Posting(p.account, p.amount * 2) for p in original.postings))
        elif how == "date":
            changed = attrs.evolve(original, date=original.date + dt.timedelta(days=1))
        else:
            # Any other account will do, open or not: a conflict is found before accounts.
            other = next(a for a in POOL if a != original.postings[0].account)
            changed = attrs.evolve(original, postings=(
                Posting(other, original.postings[0].amount), *original.postings[1:]))
        months = sorted(set(MONTHS) - self.closed)
        fresh = self.fresh_entry(data, sorted(self.opened), months)
        with self.unchanged(), pytest.raises(Problems) as info:
            self.post([fresh, changed], as_file)
        conflicts = [p for p in info.value.problems if isinstance(p, ConflictError)]
        assert [p.line for p in conflicts] == [2]
        assert conflicts[0].field == "external_id"
        assert f"entry {self.by_ext[original.external_id].id}" in str(conflicts[0])

    @rule(entry_id=st.integers(min_value=1, max_value=40), on=days_in(MONTHS))
    def reverse(self, entry_id: int, on: dt.date) -> None:
        if entry_id > len(self.journal):
            with self.unchanged(), pytest.raises(NotFound):
                self.api.ledger.reverse(entry_id, reason="no such entry", on=on)
            return
        if entry_id in self.reversed:
            with self.unchanged(), raises(RefusedByRule, ErrorCode.ALREADY_DONE):
                self.api.ledger.reverse(entry_id, reason="twice", on=on)
            return
        if month_of(on) in self.closed:
            with self.unchanged(), raises(Problems, ErrorCode.CLOSED_PERIOD):
                self.api.ledger.reverse(entry_id, reason="into a closed month", on=on)
            return
        original = self.journal[entry_id - 1]
        stored = self.api.ledger.reverse(entry_id, reason="a correction", on=on)
        # The model's reversal, computed here rather than by Entry.reversal.
        negated = tuple((a, -f, c) for a, f, c in original.legs)
        assert stored.id == len(self.journal) + 1
        assert stored.entry.reverses == entry_id and stored.entry.date == on
        assert tuple((p.account, p.amount.fen, p.amount.currency)
                     for p in stored.entry.postings) == negated
        self.accept([stored.entry])
        self.reversed.add(entry_id)

    @rule(external_id=consumes(posted))
    def reverse_the_latest_posted(self, external_id: str) -> None:
        entry_id = self.by_ext[external_id].id
        if entry_id in self.reversed or month_of(CLOCK.today()) in self.closed:
            return
        stored = self.api.ledger.reverse(entry_id, reason="reversed the same day")
        assert stored.entry.date == CLOCK.today()
        self.accept([stored.entry])
        self.reversed.add(entry_id)

    @rule(prefix=st.sampled_from(PREFIXES), as_of=st.none() | days_in(MONTHS))
    def balances_by_prefix_and_date(self, prefix: str, as_of: dt.date | None) -> None:
        report = self.api.ledger.balance(prefix, as_of=as_of)
        got = {(b.account, b.balance.currency): b.balance.fen for b in report.balances
               if b.balance}
        assert got == self.model_balances(prefix, as_of)
        totals = {t.currency: t.fen for t in report.totals if t}
        expected: dict[str, int] = {}
        for (_, cur), fen in got.items():
            expected[cur] = expected.get(cur, 0) + fen
        assert totals == {c: f for c, f in expected.items() if f}

    @precondition(lambda self: self.opened)
    @rule(data=st.data())
    def trail_runs_to_the_balance(self, data: st.DataObject) -> None:
        account = data.draw(st.sampled_from(sorted(self.opened)))
        lines = self.api.ledger.trail(account, limit=10_000)
        running: dict[str, int] = {}
        for line in lines:
            cur = line.amount.currency
            running[cur] = running.get(cur, 0) + line.amount.fen
            assert line.balance == Money(running[cur], cur)
        assert [(line.date, line.entry_id) for line in lines] == sorted(
            (line.date, line.entry_id) for line in lines)
        model = {c: f for (a, c), f in self.model_balances(account).items() if a == account}
        assert {c: f for c, f in running.items() if f} == model

    # -- after every step --

    @invariant()
    def books_agree_with_the_model(self) -> None:
        report = self.api.ledger.balance()
        got = {(b.account, b.balance.currency): b.balance.fen for b in report.balances
               if b.balance}
        assert got == self.model_balances()
        assert all(t.fen == 0 for t in report.totals), f"trial balance is {report.totals}"

    @invariant()
    def the_journal_verifies(self) -> None:
        report = self.api.audit.verify()
        assert report.ok, report.problems
        assert report.entries == len(self.journal)


LedgerMachine.TestCase.settings = settings(stateful_step_count=40)
TestLedgerMachine = LedgerMachine.TestCase


@pytest.mark.slow
def test_the_machine_on_a_postgresql_book(pg_server: Any) -> None:
    """The same machine on the server store, one new book per example: fewer examples and
    steps than on SQLite, since a new server book alone takes about half a second."""
    run_state_machine_as_test(lambda: LedgerMachine(pg_server),
                              settings=settings(max_examples=6, stateful_step_count=25,
                                                deadline=None))
