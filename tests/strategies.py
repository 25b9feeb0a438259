"""Hypothesis strategies shared by the test modules: fen, Money, yuan text, weights, share plans,
rolls of households with the owners' votes, election results, valid estates (compounds,
buildings, households, resources, management areas), bundle pricing scenarios, and fee prices,
areas and rounding rules, and bank statement files written in a profile's layout."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from commons import Money, SharePlan, Stage
from commons.app import (
    Building,
    Compound,
    Governance,
    Household,
    ManagementArea,
    Resource,
    ResourceKind,
    SharingRule,
)
from commons.billing.fees import Rounding
from commons.contracts.catalog import CostDriver
from commons.contracts.evaluation import MarketRecord
from commons.contracts.scenario import Collection, CostItem, Scenario, ScenarioCompound
from commons.governance import Ballot, Choice, Matter, Proposal, Roll, Scope, State, resolve
from commons.io.bank_csv import CsvProfile
from commons.market.settlement import SettlementLine
from commons.points.earning import RosterLine
from commons.points.lots import Lot
from commons.points.model import ActivityKind, Programme, Staff

# Up to a hundred billion yuan either way: well past any compound's budget.
MAX_FEN = 10**13

fen = st.integers(min_value=-MAX_FEN, max_value=MAX_FEN)
non_negative_fen = st.integers(min_value=0, max_value=MAX_FEN)
currencies = st.sampled_from(["CNY", "USD", "HKD"])


@st.composite
def money(draw: st.DrawFn, *, currency: str | None = "CNY", min_fen: int = -MAX_FEN,
          max_fen: int = MAX_FEN) -> Money:
    amount = draw(st.integers(min_value=min_fen, max_value=max_fen))
    return Money(amount, currency if currency is not None else draw(currencies))


_FULL_WIDTH = str.maketrans("0123456789.,-+", "０１２３４５６７８９．，－＋")


@st.composite
def yuan_text(draw: st.DrawFn) -> tuple[str, int]:
    """Text an accountant might type or paste for an amount, with the fen it means.

    Covers "1234.5", "1234", "1,234.50", "¥1,234.50", "￥…", "-3.00", "-¥3.00", "¥-3.00",
    "+3", "CNY12.00", full-width digits and surrounding blanks.
    """
    value = draw(fen)
    whole, cents = divmod(abs(value), 100)
    decimals = draw(st.sampled_from(["two", "short", "none"]) if cents % 10 == 0 or cents == 0
                    else st.just("two"))
    if decimals == "none" and cents != 0:
        decimals = "short"
    grouped = draw(st.booleans())
    body = f"{whole:,}" if grouped else str(whole)
    if decimals == "two":
        body += f".{cents:02d}"
    elif decimals == "short":
        body += f".{cents // 10}"
    symbol = draw(st.sampled_from(["", "", "¥", "￥", "CNY"]))
    if value < 0:
        sign_first = draw(st.booleans()) or not symbol
        text = f"-{symbol}{body}" if sign_first else f"{symbol}-{body}"
    else:
        text = draw(st.sampled_from(["", "+"])) + symbol + body
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    text = draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))
    return text, value


# Weights: each kind of exact number commons accepts.
int_weights = st.integers(min_value=0, max_value=10**6)
# Two decimals, like floor areas on a deed (56.37 m2), including trailing zeros (71.20).
decimal_weights = st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n).scaleb(-2))
fraction_weights = st.builds(
    Fraction, st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=60)
)
any_weight = st.one_of(int_weights, decimal_weights, fraction_weights)
# A small range makes equal weights (and so ties between remainders) common.
tied_weights = st.one_of(
    st.integers(min_value=0, max_value=4),
    st.sampled_from([Decimal("56.37"), Decimal("71.20"), Decimal("71.2"), Fraction(1, 3)]),
)
# One value written several ways (71.2, 71.20, 7.12E+1; 0, -0, 0.00): only the value may matter.
decimal_forms = st.sampled_from([
    Decimal("71.2"), Decimal("71.20"), Decimal("7.12E+1"), Decimal("56.37"), Decimal("1E+2"),
    Decimal("100"), Decimal("0"), Decimal("-0"), Decimal("0.00"),
])
str_keys = st.text(alphabet="abcdefghij0123456789-", min_size=1, max_size=6)
int_keys = st.integers(min_value=-1000, max_value=1000)


@st.composite
def weight_maps(
    draw: st.DrawFn, *, keys: st.SearchStrategy[Any] | None = None,
    values: st.SearchStrategy[Any] | None = None, min_size: int = 1, max_size: int = 25,
) -> dict[Any, Any]:
    """A mapping of unique keys (all str or all int) to weights, at least one of them positive."""
    key_strategy = keys if keys is not None else draw(st.sampled_from([str_keys, int_keys]))
    value_strategy = values if values is not None else draw(
        st.sampled_from([int_weights, decimal_weights, fraction_weights, any_weight, tied_weights,
                         decimal_forms]))
    mapping = draw(st.dictionaries(key_strategy, value_strategy, min_size=min_size,
                                   max_size=max_size))
    if all(w == 0 for w in mapping.values()):
        key = draw(st.sampled_from(sorted(mapping)))
        mapping[key] = draw(st.integers(min_value=1, max_value=10**6))
    return mapping


percents = st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n).scaleb(-2))
plan_amounts = st.integers(min_value=0, max_value=10**9).map(Money)


@st.composite
def share_plans(draw: st.DrawFn) -> SharePlan:
    """Zero to four stages of percent (of the total or of what remains) or fixed, some capped,
    then the rest."""
    stages = []
    for index in range(draw(st.integers(min_value=0, max_value=4))):
        cap = draw(st.none() | plan_amounts)
        if draw(st.booleans()):
            stage = Stage(f"party{index}", percent=draw(percents), cap=cap,
                          of=draw(st.sampled_from(["total", "remaining"])))
        else:
            stage = Stage(f"party{index}", fixed=draw(plan_amounts), cap=cap)
        stages.append(stage)
    stages.append(Stage("residents", rest=True))
    return SharePlan(tuple(stages))


# --- governance: rolls of exclusive units and the owners' votes on them ----------------------

# A small pool of owners, so that one owner of several units (counted once) is common.
owner_names = st.sampled_from(["王建国", "李秀英", "张伟", "赵敏", "刘洋", "陈静", "杨帆", "周杰"])
# 0.01 to 200.00 m², always written with two decimals, as on a deed.
unit_areas = st.integers(min_value=1, max_value=20000).map(lambda n: Decimal(n).scaleb(-2))
# None stands for an owner who did not vote.
choices_or_absent = st.sampled_from([Choice.YES, Choice.NO, Choice.ABSTAIN, None])


@st.composite
def rolls(draw: st.DrawFn, *, building: str = "B1", min_units: int = 1,
          max_units: int = 12) -> Roll:
    """A building's roll: up to ``max_units`` flats, two a floor, areas all equal (so that
    thresholds are hit exactly) or drawn freely, owners from a small pool."""
    count = draw(st.integers(min_value=min_units, max_value=max_units))
    areas = st.just(draw(unit_areas)) if draw(st.booleans()) else unit_areas
    units = [Household(f"{building}-{n:02d}", building, n // 2 + 1, draw(areas), draw(owner_names))
             for n in range(count)]
    return Roll(Scope.building(building), units)


@st.composite
def votes_on(draw: st.DrawFn, roll: Roll) -> dict[str, Choice | None]:
    """Every owner on ``roll`` with their choice, or None for not voting."""
    return {owner: draw(choices_or_absent) for owner in roll.owners}


def ballots_of(votes: dict[str, Choice | None]) -> list[Ballot]:
    return [Ballot(owner, choice) for owner, choice in votes.items() if choice is not None]


@st.composite
def proposals(draw: st.DrawFn, *, compound: str = "C1", building: str = "B1") -> Proposal:
    """A proposal in any of the six steps, decided by the owners of ``building`` or of the whole
    ``compound`` (whose units are the building's), with affected units, ballots once the vote is
    open and the tally once resolved: anything the store must give back unchanged."""
    roll = draw(rolls(building=building))
    matter = draw(st.sampled_from(list(Matter)))
    scope = (Scope.building(building) if matter.building_only or draw(st.booleans())
             else Scope.compound(compound))
    roll = Roll(scope, roll.units)
    state = draw(st.sampled_from(list(State)))
    unit_ids = [u.id for u in roll.units]
    proposal = Proposal(
        draw(st.text(alphabet="PLS-3电梯ab", min_size=1, max_size=8).filter(
            lambda s: s == s.strip())),
        matter, scope, draw(st.sampled_from(["", "加装电梯", "Clean the yard, weekly"])),
        draw(st.lists(st.sampled_from(unit_ids), unique=True, max_size=3)),
        State.VOTED if state is State.RESOLVED else state)
    if proposal.state is State.VOTED:
        # Shuffled: the store must keep the order ballots were cast in, not sort them.
        cast_order = draw(st.permutations(ballots_of(draw(votes_on(roll)))))
        proposal = attrs.evolve(proposal, ballots=cast_order)
    return resolve(proposal, roll) if state is State.RESOLVED else proposal


# Candidate names as on a ballot paper, and vote counts small enough to tie often.
candidate_votes = st.dictionaries(
    st.text(alphabet="甲乙丙丁戊己庚辛壬癸", min_size=1, max_size=2),
    st.integers(min_value=0, max_value=6), min_size=1, max_size=10)


# --- the estate ----------------------------------------------------------------------------------
# An estate is a mapping of CSV kind -> domain records that refer only to each other: what a
# valid batch of `commons estate import` files holds.

estate_ids = st.text(alphabet="abcxyz0129-_卫技梓园", min_size=1, max_size=6)
# A compound's id names its accounts, so it cannot begin with '-' (parse_compound_id).
compound_ids = estate_ids.filter(lambda s: not s.startswith("-"))
# Names as typed in spreadsheets: Chinese, commas and quotes (the CSV must quote them), no
# blanks at either end (the reader strips those).
estate_names = st.text(alphabet='卫技新村梓园小区 ,"abc1', min_size=1, max_size=8).filter(
    lambda s: s == s.strip())
areas_m2 = st.integers(min_value=1, max_value=30000).map(lambda n: Decimal(n).scaleb(-2))
owner_ids = st.sampled_from(["王建国", "李秀英", "张伟", "o-1", "o-2", "o-3"])


@st.composite
def estates(draw: st.DrawFn, *, this_year: int = 2026) -> dict[str, list[Any]]:
    """Compounds with buildings, households (owners repeat across units), resources and
    management areas, all valid and referring only to each other."""
    estate: dict[str, list[Any]] = {k: [] for k in ("compounds", "buildings", "households",
                                                    "resources", "management-areas")}
    compounds = draw(st.lists(compound_ids, min_size=1, max_size=3, unique=True))
    for cid in compounds:
        estate["compounds"].append(Compound(
            cid, draw(estate_names), draw(estate_names), draw(st.sampled_from(list(Governance))),
            draw(st.integers(min_value=1800, max_value=this_year)),
            draw(st.sampled_from(["", "雨花", "市南"]))))
        for b in range(draw(st.integers(min_value=0, max_value=3))):
            building = Building(f"{cid}/b{b}", cid, draw(st.integers(min_value=1, max_value=30)),
                                draw(st.booleans()))
            estate["buildings"].append(building)
            for h in range(draw(st.integers(min_value=0, max_value=5))):
                floor = draw(st.integers(min_value=1, max_value=building.floors)
                             | st.integers(min_value=-2, max_value=-1))
                estate["households"].append(Household(
                    f"{building.id}/{h}", building.id, floor, draw(areas_m2), draw(owner_ids)))
        for r in range(draw(st.integers(min_value=0, max_value=4))):
            kind = draw(st.sampled_from(list(ResourceKind)))
            tidal = kind is ResourceKind.PARKING and draw(st.booleans())
            estate["resources"].append(Resource(f"{cid}/r{r}", cid, kind, tidal,
                                                draw(st.sampled_from(["", "东门车位"]))))
    for a in range(draw(st.integers(min_value=0, max_value=2))):
        joined = draw(st.lists(st.sampled_from(compounds), min_size=1, unique=True))
        estate["management-areas"].append(ManagementArea(f"area-{a}", draw(estate_names),
                                                         tuple(joined)))
    return estate
# --- bank reconciliation (issue 5) ---------------------------------------------------------------

MONTH_DAYS = 28  # a month's postings fall on days 1..28, so shifted bank dates stay near it


def _sums_to(items: list[tuple[int, int]], target: tuple[int, int], own: set[int]) -> bool:
    """Whether items (group, fen) other than exactly the ``own`` group's sum to the target's
    fen in a subset of 2..4, or in one day's worth (all of a group's or several groups')."""
    fen = target[1]
    same_sign = [(g, f) for g, f in items if f * fen > 0]
    for size in range(2, 5):
        for combo in combinations(same_sign, size):
            if sum(f for _, f in combo) == fen and {g for g, _ in combo} != own:
                return True
    return False


@st.composite
def bank_view_of_books(draw: st.DrawFn, *, window: int = 3) -> dict[str, Any]:
    """Book postings of one bank account over a month, and the lines a bank would print for
    them: each single posting as one line shifted by up to ``window`` days, a few same-day
    postings of one sign batched into one line, a few postings paid in two or three lines,
    and the lines shuffled.

    Returns ``{"postings": [(day, fen)], "lines": [(day, fen)], "window": window}``; days are
    day numbers (1 = the month's first), ``fen`` signed as the books see the account. Draws in
    which a batch or split could be explained by other items than its own (equal amounts
    across groups, or another subset with the same sum) are rejected: for those no engine
    could know which explanation is the true one.
    """
    postings: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []
    shift = st.integers(min_value=-window, max_value=window)
    fen = st.integers(min_value=1, max_value=10**7)
    signed = st.tuples(fen, st.sampled_from([1, -1])).map(lambda t: t[0] * t[1])
    singles = draw(st.lists(st.tuples(st.integers(1, MONTH_DAYS),
                                      st.one_of(signed, st.sampled_from([12000, -5000]))),
                            max_size=25))
    for day, amount in singles:
        postings.append((day, amount))
        lines.append((day + draw(shift), amount))
    # (group, fen) of the postings and of the lines that only pass 3 can match.
    grouped_postings: list[tuple[int, int]] = []
    grouped_lines: list[tuple[int, int]] = []
    for group in range(draw(st.integers(0, 2))):  # batched deposits or payments
        day, sign = draw(st.integers(1, MONTH_DAYS)), draw(st.sampled_from([1, -1]))
        members = [sign * m for m in draw(st.lists(fen, min_size=2, max_size=4))]
        postings += [(day, m) for m in members]
        grouped_postings += [(group, m) for m in members]
        lines.append((day + draw(st.integers(0, window)), sum(members)))
        grouped_lines.append((group, sum(members)))
    for group in range(10, 10 + draw(st.integers(0, 2))):  # one posting, several lines
        day, sign = draw(st.integers(1, MONTH_DAYS)), draw(st.sampled_from([1, -1]))
        parts = [sign * p for p in draw(st.lists(fen, min_size=2, max_size=3))]
        postings.append((day, sum(parts)))
        grouped_postings.append((group, sum(parts)))
        lines += [(day + draw(st.integers(0, window)), p) for p in parts]
        grouped_lines += [(group, p) for p in parts]
    single_amounts = {amount for _, amount in singles}
    assume(not ({f for _, f in grouped_postings} | {f for _, f in grouped_lines})
           & single_amounts)
    assume(len({f for _, f in grouped_postings + grouped_lines})
           == len(grouped_postings) + len(grouped_lines))
    for line in grouped_lines:
        assume(not _sums_to(grouped_postings, line, {line[0]} if line[0] < 10 else set()))
    for posting in grouped_postings:
        assume(not _sums_to(grouped_lines, posting, {posting[0]} if posting[0] >= 10
                            else set()))
    lines = draw(st.permutations(lines))
    return {"postings": postings, "lines": lines, "window": window}


# --- bundle pricing scenarios --------------------------------------------------------------------


@st.composite
def scenario_compounds(draw: st.DrawFn, id: str) -> ScenarioCompound:
    households = draw(st.integers(0, 600))
    area_hundredths = draw(st.integers(1, 5_000_000))
    return ScenarioCompound(
        id, households, Decimal(area_hundredths).scaleb(-2), draw(st.integers(0, 20)),
        draw(st.integers(0, 4)), draw(st.integers(0, 6)), draw(st.integers(0, 60)),
        Money(draw(st.integers(0, 500_000))), Money(draw(st.integers(0, 100_000))),
        Money(draw(st.integers(0, 300_000))))


@st.composite
def cost_items(draw: st.DrawFn, id: str, *, driver: CostDriver | None = None,
               min_fen: int = 0) -> CostItem:
    return CostItem(id, driver or draw(st.sampled_from(list(CostDriver))),
                    Money(draw(st.integers(min_fen, 1_000_000))),
                    draw(st.none() | st.integers(1, 300)),
                    Fraction(draw(st.integers(0, 300)), 10_000))


@st.composite
def scenarios(draw: st.DrawFn, *, min_compounds: int = 1, max_compounds: int = 6,
              shared: bool = False) -> Scenario:
    """A valid scenario; ``shared`` adds a fixed item (a manager) of at least 100.00 a month."""
    n = draw(st.integers(min_compounds, max_compounds))
    compounds = tuple(draw(scenario_compounds(f"c{i}")) for i in range(n))
    items = [draw(cost_items(f"i{i}")) for i in range(draw(st.integers(0, 5)))]
    if shared:
        items.append(draw(cost_items("manager", driver=CostDriver.FIXED, min_fen=10_000)))
    low = Fraction(draw(st.integers(1, 100)), 100)
    high = max(low, Fraction(draw(st.integers(1, 100)), 100))
    collection = Collection(draw(st.sampled_from(["triangular", "uniform", "fixed"])), low,
                            (low + high) / 2, high, draw(st.sampled_from(["month", "term"])))
    tax = Fraction(draw(st.integers(0, 1300)), 10_000)
    return Scenario("b", "", draw(st.integers(1, 24)), draw(st.integers(1, 300)),
                    draw(st.integers(0, 2**32)), Fraction(draw(st.integers(0, 2000)), 10_000),
                    tax, Fraction(draw(st.integers(0, 1500)), 10_000),
                    Money(draw(st.integers(0, 200_000))), Money(draw(st.integers(0, 500_000))),
                    None, collection, tuple(items), compounds)
# --- public revenue ------------------------------------------------------------------------------

income_fen = st.integers(min_value=1, max_value=MAX_FEN)


@st.composite
def sharing_rules(draw: st.DrawFn, *, compound: str = "wjxc") -> SharingRule:
    """Any valid sharing rule: a commission within its cap, any maintenance share."""
    cap = draw(percents)
    commission = draw(percents.filter(lambda p: p <= cap))
    return SharingRule(compound, dt.date(2026, 1, 1), commission, cap, draw(percents))


# --- property fees -------------------------------------------------------------------------------
# Prices per m2 per month: 0.00 to 20.00 yuan (fen per m2); building areas 0.01 to 500.00 m2.
fee_prices = st.integers(min_value=0, max_value=2000).map(Money)
fee_areas = st.integers(min_value=1, max_value=50000).map(lambda n: Decimal(n).scaleb(-2))
fee_roundings = st.sampled_from(list(Rounding))
# Tidal parking: a session as (entry minute, duration minutes) within a few days of a month
# that holds the National Day holidays and a make-up working day, and a kind.
parking_kinds = st.sampled_from(["outsider", "outsider", "resident", "resident-night",
                                 "staff-monthly", "nurse-night"])
parking_entries = st.integers(min_value=0, max_value=12 * 24 * 60)  # minutes after Oct 1st
parking_durations = st.integers(min_value=1, max_value=4 * 24 * 60)


@st.composite
def parking_space_sessions(draw: st.DrawFn, spaces: int = 3, max_size: int = 12
                           ) -> list[tuple[str, int, int, str]]:
    """Non-overlapping sessions (space, entry minute, exit minute, kind) on a few spaces."""
    out: list[tuple[str, int, int, str]] = []
    for s in range(spaces):
        minute = draw(st.integers(min_value=0, max_value=600))
        for _ in range(draw(st.integers(min_value=0, max_value=max_size // spaces))):
            length = draw(st.integers(min_value=1, max_value=30 * 60))
            out.append((f"P{s + 1}", minute, minute + length, draw(parking_kinds)))
            minute += length + draw(st.integers(min_value=0, max_value=300))
    return out


def statement_file(profile: CsvProfile, fens: list[int], start: int) -> bytes:
    """A file in ``profile``'s layout holding ``fens`` in order, a day apart."""
    headers = list(profile.columns().values())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=profile.delimiter)
    writer.writerow(headers)
    ways = {way: value for value, way in profile.directions}
    balance = start
    for day, fen in enumerate(fens):
        balance += fen
        cells = dict.fromkeys(headers, "x")
        text = f"{abs(fen) // 100}.{abs(fen) % 100:02d}"
        cells[profile.date] = (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat()
        if profile.credit is not None and profile.debit is not None:
            cells[profile.credit], cells[profile.debit] = (text, "") if fen > 0 else ("", text)
        elif profile.direction is not None and profile.amount is not None:
            cells[profile.amount] = text
            cells[profile.direction] = ways["in" if fen > 0 else "out"]
        elif profile.amount is not None:
            cells[profile.amount] = ("-" if fen < 0 else "") + text
        for role, value in (("balance", f"{balance / 100:.2f}"), ("currency_column", "CNY"),
                            ("status", "交易成功"), ("value_date", "")):
            header = getattr(profile, role)
            if header is not None:
                cells[header] = value
        writer.writerow([cells[h] for h in headers])
    return out.getvalue().encode(profile.encoding or "utf-8")


@st.composite
def market_records(draw: st.DrawFn) -> MarketRecord:
    """A bundle firm's month on the marketplace: met within measured within orders, and
    complaints within orders."""
    orders = draw(st.integers(0, 500))
    measured = draw(st.integers(0, orders))
    return MarketRecord(orders, measured, draw(st.integers(0, measured)),
                        draw(st.integers(0, orders)))


# --- volunteer points ----------------------------------------------------------------------

points_people = st.sampled_from(["p-a", "p-b", "p-c", "p-d"])
points_rates = st.integers(min_value=1, max_value=1000)
points_counts = st.integers(min_value=0, max_value=10**9)


@st.composite
def points_programmes(draw: st.DrawFn) -> Programme:
    """A programme with a clean-up kind by the hour, a help kind by the task, and a cap."""
    return Programme("pp", "points", "community",
                     (ActivityKind("clean", "clean-up", "hour",
                                   draw(st.integers(min_value=1, max_value=50))),
                      ActivityKind("help", "help", "task",
                                   draw(st.integers(min_value=1, max_value=50)))),
                     draw(st.integers(min_value=1, max_value=200)),
                     draw(points_rates), draw(st.integers(min_value=1, max_value=36)),
                     "sponsor", Money(0),
                     staff=(Staff("o-1", "organiser"), Staff("o-2", "organiser"),
                            Staff("c-1", "community")))


@st.composite
def roster_lines(draw: st.DrawFn, *, size: int = 12) -> list[RosterLine]:
    """Lines of one or more activities over a few days of two months."""
    lines = []
    for n in range(draw(st.integers(min_value=1, max_value=size))):
        kind = draw(st.sampled_from(["clean", "help"]))
        quantity = Decimal(draw(st.integers(min_value=1, max_value=800))).scaleb(-2) \
            if kind == "clean" else Decimal(draw(st.integers(min_value=1, max_value=5)))
        day = dt.date(2026, 11, 20) + dt.timedelta(days=draw(st.integers(0, 20)))
        lines.append(RosterLine(f"act-{n}", kind, day, draw(points_people), quantity, n + 2))
    return lines


@st.composite
def points_lots(draw: st.DrawFn) -> list[Lot]:
    """A person's lots: some partly spent, some expiring before others."""
    lots = []
    for n in range(draw(st.integers(min_value=0, max_value=8))):
        earned = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400)))
        points = draw(st.integers(min_value=1, max_value=500))
        lots.append(Lot(n + 1, "p-a", earned,
                        earned + dt.timedelta(days=draw(st.integers(1, 800))), points,
                        draw(st.integers(min_value=0, max_value=points)), "roster:r"))
    return lots


@st.composite
def paid_in_points(draw: st.DrawFn, *, max_lines: int = 8
                   ) -> tuple[list[tuple[SettlementLine, dt.date]], dict[str, Money]]:
    """Settlement lines of one compound's orders (each with the day it was placed) and, for
    some of them, the yuan value of points redeemed on them, at most the resident's part."""
    lines, points = [], {}
    for i in range(draw(st.integers(0, max_lines))):
        resident, subsidy, concession = (draw(st.integers(0, 10_000)) for _ in range(3))
        line = SettlementLine(f"o{i}", "jx171", "jx171-101", dt.date(2026, 11, 3), 1,
                              Money(resident + subsidy + concession), Money(resident),
                              Money(subsidy), Money(concession), Money.zero())
        lines.append((line, dt.date(2026, 11, draw(st.integers(1, 28)))))
        if draw(st.booleans()):
            points[line.order] = Money(draw(st.integers(0, resident)))
    return lines, points


# A marketplace order's later events: each a kind, minutes after the order was placed (some
# before it, which is refused), a refund in fen (None: in full) and stars.
order_moves = st.lists(st.tuples(
    st.sampled_from(["accept", "start", "complete", "cancel", "dispute", "resolve", "rate",
                     "place"]),
    st.integers(min_value=-5, max_value=600),
    st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
    st.integers(min_value=1, max_value=5)), max_size=8)
