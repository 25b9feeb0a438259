"""The estate: domain values, CSV import through the api (validated row by row, all or nothing,
idempotent), the store's representation, and compound summaries."""

from __future__ import annotations

import csv
import itertools
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import WriteFile, raises
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import estates

import commons
from commons import CommonsError, ConflictError, InvalidInput, NotFound, Problems, RefusedByRule
from commons.app import (
    Building,
    Compound,
    ConflictingImport,
    Governance,
    Household,
    ManagementArea,
    Owner,
    Resource,
    ResourceKind,
)
from commons.clock import FixedClock
from commons.errors import ErrorCode
from commons.estate.compound import parse_governance
from commons.estate.household import owners_of
from commons.estate.resource import parse_resource_kind
from commons.fields import parse_yes_no

CLOCK = FixedClock.parse("2026-06-01T12:00:00")

COMPOUNDS = """\
id,name,community,governance,built_year,subdistrict
wjxc,卫技新村,砂子塘,自管,1985,雨花
zy-1,梓园一区,梓园,entrusted,1990,
"""
BUILDINGS = """\
id,compound,floors,elevator
wjxc-1,wjxc,6,no
wjxc-2,wjxc,7,是
zy-1-1,zy-1,5,false
"""
HOUSEHOLDS = """\
id,building,floor,area_m2,owner
wjxc-1-101,wjxc-1,1,56.37,王建国
wjxc-1-601,wjxc-1,6,71.2,王建国
wjxc-2-B01,wjxc-2,-1,20,李秀英
zy-1-1-301,zy-1-1,3,88.05,张伟
"""
RESOURCES = """\
id,compound,kind,tidal,name
wjxc-p1,wjxc,车位,yes,东门
wjxc-p2,wjxc,parking,no,
wjxc-ad1,wjxc,ad-spot,0,
zy-kiosk,zy-1,kiosk,false,报刊亭
"""
AREAS = """\
id,name,compounds
yh-1,雨花片区,zy-1;wjxc
"""
ESTATE = {"compounds": COMPOUNDS, "buildings": BUILDINGS, "households": HOUSEHOLDS,
          "resources": RESOURCES, "management-areas": AREAS}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "estate.db", clock=CLOCK) as handle:
        yield handle


@pytest.fixture
def estate_files(write_file: WriteFile) -> list[tuple[str, Path]]:
    return [(kind, write_file(f"{kind}.csv", text)) for kind, text in ESTATE.items()]


@pytest.fixture
def loaded(api: commons.Books, estate_files: list[tuple[str, Path]]) -> commons.Books:
    api.estate.import_files(estate_files)
    return api


def snapshot(api: commons.Books) -> tuple[Any, ...]:
    """Everything the estate holds, to show that a refused import changed nothing."""
    try:
        compounds = api.estate.compounds()
    except NotFound:  # no database yet: as empty as a new one
        return ((), (), (), ())
    return (compounds, api.estate.households(), api.estate.resources(),
            tuple(api.estate.show(c.id) for c in compounds))


def refusal(api: commons.Books, kind: str, path: Path) -> Problems:
    before = snapshot(api)
    with pytest.raises(Problems) as caught:
        api.estate.import_file(kind, path)
    assert snapshot(api) == before
    return caught.value


# --- domain --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "mode"), [
    ("firm", Governance.FIRM), ("专业物业", Governance.FIRM), ("物管小区", Governance.FIRM),
    ("entrusted", Governance.ENTRUSTED), ("社区托管", Governance.ENTRUSTED),
    ("Bundled", Governance.ENTRUSTED), ("self-managed", Governance.SELF_MANAGED),
    ("Self Managed", Governance.SELF_MANAGED), ("self_managed", Governance.SELF_MANAGED),
    ("自管", Governance.SELF_MANAGED), ("居民自管小区", Governance.SELF_MANAGED),
])
def test_governance_code_names_and_chinese_terms(text: str, mode: Governance) -> None:
    assert parse_governance(text) is mode


@pytest.mark.parametrize(("text", "kind"), [
    ("parking", ResourceKind.PARKING), ("停车位", ResourceKind.PARKING),
    ("ad", ResourceKind.ADVERTISING), ("广告位", ResourceKind.ADVERTISING),
    ("room", ResourceKind.ROOM), ("kiosk", ResourceKind.KIOSK), ("locker", ResourceKind.LOCKER),
    ("快递柜", ResourceKind.LOCKER), ("base-station", ResourceKind.BASE_STATION),
    ("Base Station", ResourceKind.BASE_STATION), ("基站", ResourceKind.BASE_STATION),
])
def test_resource_kinds(text: str, kind: ResourceKind) -> None:
    assert parse_resource_kind(text) is kind


@pytest.mark.parametrize(("text", "flag"), [
    ("true", True), ("YES", True), ("1", True), ("是", True), ("有", True), ("y", True),
    ("false", False), ("no", False), ("0", False), ("否", False), ("无", False), ("N", False),
])
def test_yes_no(text: str, flag: bool) -> None:
    assert parse_yes_no(text) is flag


@pytest.mark.parametrize("parser", [parse_governance, parse_resource_kind, parse_yes_no])
def test_unknown_choices_are_refused_with_the_choices(parser: Any) -> None:
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        parser("maybe")


@pytest.mark.parametrize(("floor", "area"), [(0, "1"), (201, "1"), (-201, "1"), (1, "0"),
                                             (1, "-1"), (1, "56.371"), (1, "NaN")])
def test_household_refuses_impossible_floor_or_area(floor: int, area: str) -> None:
    with pytest.raises(InvalidInput):
        Household("h", "b", floor, Decimal(area), "o")


def test_building_floors_and_tidal_only_parking() -> None:
    for floors in (0, 201):
        with pytest.raises(InvalidInput):
            Building("b", "c", floors, False)
    assert Building("b", "c", 6, False).has_floor(-1)
    assert not Building("b", "c", 6, False).has_floor(7)
    with raises(InvalidInput, ErrorCode.INVALID_INPUT):
        Resource("r", "c", ResourceKind.KIOSK, True)
    assert Resource("r", "c", ResourceKind.PARKING, True).tidal


def test_management_area_compounds_in_any_order_are_the_same_area() -> None:
    assert ManagementArea("a", "n", ("z", "a")) == ManagementArea("a", "n", ("a", "z"))


def test_owners_of_counts_an_owner_of_several_units_once() -> None:
    homes = [Household("h2", "b", 1, Decimal("71.20"), "王"),
             Household("h1", "b", 2, Decimal("56.37"), "王"),
             Household("h3", "b", 3, Decimal("20"), "李")]
    assert owners_of(homes) == (Owner("李", ("h3",), Decimal(20)),
                                Owner("王", ("h1", "h2"), Decimal("127.57")))


# --- import: success, references, idempotency ----------------------------------------------------


def test_a_batch_in_any_order_may_refer_to_its_own_rows(
        api: commons.Books, estate_files: list[tuple[str, Path]]) -> None:
    summaries = api.estate.import_files(list(reversed(estate_files)))
    assert [(s.kind, s.new, s.already_recorded) for s in summaries] == [
        ("management-areas", 1, 0), ("resources", 4, 0), ("households", 4, 0),
        ("buildings", 3, 0), ("compounds", 2, 0)]
    assert summaries[0].file.endswith("management-areas.csv")


def test_files_one_at_a_time_refer_to_stored_rows(
        api: commons.Books, estate_files: list[tuple[str, Path]]) -> None:
    for kind, path in estate_files:
        summary = api.estate.import_file(kind, path)
        assert (summary.kind, summary.already_recorded) == (kind, 0) and summary.new > 0
    assert api.estate.show("wjxc").households == 3


def test_importing_again_changes_nothing_and_says_so(
        loaded: commons.Books, estate_files: list[tuple[str, Path]]) -> None:
    before = snapshot(loaded)
    for kind, path in estate_files:
        summary = loaded.estate.import_file(kind, path)
        assert summary.new == 0 and summary.already_recorded == ESTATE[kind].count("\n") - 1
    assert snapshot(loaded) == before


def test_a_file_partly_recorded_adds_only_the_new_rows(
        loaded: commons.Books, write_file: WriteFile) -> None:
    path = write_file("more.csv", HOUSEHOLDS + "wjxc-1-102,wjxc-1,1,60.00,赵敏\n")
    summary = loaded.estate.import_file("households", path)
    assert (summary.new, summary.already_recorded) == (1, 4)
    assert loaded.estate.show("wjxc").owners == 3


def test_same_values_written_differently_are_already_recorded(
        loaded: commons.Books, write_file: WriteFile) -> None:
    """71.2 and 71.20, 是 and yes, areas' compounds in another order: the same content."""
    households = write_file("h.csv", "id,building,floor,area_m2,owner\n"
                                     "wjxc-1-601,wjxc-1,6,71.20,王建国\n")
    buildings = write_file("b.csv", "id,compound,floors,elevator\nwjxc-2,wjxc,7,yes\n")
    areas = write_file("a.csv", "id,name,compounds\nyh-1,雨花片区,wjxc;zy-1\n")
    compounds = write_file("c.csv", "id,name,community,governance,built_year,subdistrict\n"
                                    "wjxc,卫技新村,砂子塘,self-managed,1985,雨花\n")
    for kind, path in [("households", households), ("buildings", buildings),
                       ("management-areas", areas), ("compounds", compounds)]:
        assert loaded.estate.import_file(kind, path).already_recorded == 1


# --- import: every refusal names file, line and field; nothing is stored --------------------------

REFUSALS = [
    # kind, header, bad row, field, the refusal's code
    ("compounds", "id,name,community,governance,built_year", "c9,n,m,gated,1990",
     "governance", ErrorCode.INVALID_INPUT),
    ("compounds", "id,name,community,governance,built_year", "c9,n,m,firm,2027",
     "built_year", ErrorCode.INVALID_INPUT),
    ("compounds", "id,name,community,governance,built_year", "c9,n,m,firm,1799",
     "built_year", ErrorCode.INVALID_INPUT),
    ("compounds", "id,name,community,governance,built_year", "c9,n,m,firm,old",
     "built_year", ErrorCode.INVALID_INPUT),
    ("compounds", "id,name,community,governance,built_year", "c9,,m,firm,1990",
     "name", ErrorCode.INVALID_INPUT),
    ("compounds", "id,name,community,governance,built_year", "c;9,n,m,firm,1990",
     "id", ErrorCode.INVALID_INPUT),
    ("buildings", "id,compound,floors,elevator", "b9,nowhere,6,no", "compound",
     ErrorCode.INVALID_INPUT),
    ("buildings", "id,compound,floors,elevator", "b9,wjxc,0,no", "floors", ErrorCode.INVALID_INPUT),
    ("buildings", "id,compound,floors,elevator", "b9,wjxc,201,no", "floors",
     ErrorCode.INVALID_INPUT),
    ("buildings", "id,compound,floors,elevator", "b9,wjxc,six,no", "floors",
     ErrorCode.INVALID_INPUT),
    ("buildings", "id,compound,floors,elevator", "b9,wjxc,6,maybe", "elevator",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,nowhere,1,50,o", "building",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,7,50,o", "floor",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,0,50,o", "floor",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1.5,50,o", "floor",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1,0,o", "area_m2",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1,-3,o", "area_m2",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1,56.371,o", "area_m2",
     ErrorCode.INVALID_INPUT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1,big,o", "area_m2",
     ErrorCode.INVALID_AMOUNT),
    ("households", "id,building,floor,area_m2,owner", "h9,wjxc-1,1,50,", "owner",
     ErrorCode.INVALID_INPUT),
    ("resources", "id,compound,kind,tidal", "r9,nowhere,parking,no", "compound",
     ErrorCode.INVALID_INPUT),
    ("resources", "id,compound,kind,tidal", "r9,wjxc,canteen,no", "kind",
     ErrorCode.INVALID_INPUT),
    ("resources", "id,compound,kind,tidal", "r9,wjxc,advertising,yes", "tidal",
     ErrorCode.INVALID_INPUT),
    ("resources", "id,compound,kind,tidal", "r9,wjxc,parking,sometimes", "tidal",
     ErrorCode.INVALID_INPUT),
    ("management-areas", "id,name,compounds", "a9,n,wjxc;nowhere", "compounds",
     ErrorCode.INVALID_INPUT),
    ("management-areas", "id,name,compounds", "a9,n,wjxc;wjxc", "compounds",
     ErrorCode.INVALID_INPUT),
    ("management-areas", "id,name,compounds", "a9,n,;", "compounds", ErrorCode.INVALID_INPUT),
]


@pytest.mark.parametrize(("kind", "header", "row", "field", "code"), REFUSALS,
                         ids=[f"{r[0]}-{r[3]}-{n}" for n, r in enumerate(REFUSALS)])
def test_a_bad_row_is_refused_by_file_line_and_field_and_nothing_is_stored(
        loaded: commons.Commons, write_file: WriteFile, kind: str, header: str, row: str,
        field: str, code: ErrorCode) -> None:
    """The bad row sits on line 3, after a good new row that must not be stored either."""
    good = {"compounds": "c8,n,m,firm,1990", "buildings": "b8,wjxc,6,no",
            "households": "h8,wjxc-1,1,50,o", "resources": "r8,wjxc,room,no",
            "management-areas": "a8,n,wjxc"}[kind]
    path = write_file("bad.csv", f"{header}\n{good}\n{row}\n")
    error = refusal(loaded, kind, path)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 3, field)
    assert problem.code == error.code == code


def test_a_short_row_does_not_hide_an_unknown_building_after_it(
        loaded: commons.Books, write_file: WriteFile) -> None:
    """Issue 16 item 17: a row with a missing field stopped the file there, so an unknown
    building on a later line was reported only on the next try."""
    path = write_file("h.csv", "id,building,floor,area_m2,owner\nh8,wjxc-1,1,50,o\n"
                      "h9,wjxc-1,2,50\nh10,nowhere,1,50,o\nh11,wjxc-1,1,50,o,extra\n")
    error = refusal(loaded, "households", path)
    assert [(p.file, p.line, p.field) for p in error.problems] == [
        (str(path), 3, None), (str(path), 4, "building"), (str(path), 5, None)]
    assert [p.code for p in error.problems] == [
        ErrorCode.MALFORMED_FILE, ErrorCode.INVALID_INPUT, ErrorCode.MALFORMED_FILE]


def test_a_missing_column_s_fix_names_only_the_required_columns(
        api: commons.Books, write_file: WriteFile) -> None:
    """Issue 16 item 17: the fix listed the optional columns as if they were required."""
    path = write_file("c.csv", "id,name\nx,y\n")
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE) as caught:
        api.estate.import_file("compounds", path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 1,
                                                                          "community")
    assert caught.value.fix is not None
    assert "built_year" in caught.value.fix and "subdistrict" not in caught.value.fix


def test_duplicate_ids_in_one_file_name_both_lines(
        api: commons.Books, write_file: WriteFile) -> None:
    path = write_file("c.csv", "id,name,community,governance,built_year\n"
                               "c1,a,m,firm,1990\nc2,b,m,firm,1990\nc1,a,m,firm,1990\n")
    error = refusal(api, "compounds", path)
    assert [(p.line, p.field) for p in error.problems] == [(4, "id")]
    assert error.code == ErrorCode.INVALID_INPUT


def test_a_duplicate_of_a_refused_row_is_still_a_duplicate(
        api: commons.Books, write_file: WriteFile) -> None:
    path = write_file("c.csv", "id,name,community,governance,built_year\n"
                               "c1,a,m,firm,199x\nc1,a,m,firm,1990\n")
    error = refusal(api, "compounds", path)
    assert [(p.line, p.field) for p in error.problems] == [(2, "built_year"), (3, "id")]


def test_duplicates_across_files_of_a_batch_are_refused(
        api: commons.Books, write_file: WriteFile) -> None:
    one = write_file("one.csv", COMPOUNDS)
    two = write_file("two.csv", "id,name,community,governance,built_year\nwjxc,卫技新村,砂子塘,"
                                "自管,1985\n")
    with raises(Problems, ErrorCode.INVALID_INPUT):
        api.estate.import_files([("compounds", one), ("compounds", two)])
    assert snapshot(api) == ((), (), (), ())


def test_a_reference_to_a_refused_row_is_not_reported_again(
        api: commons.Books, write_file: WriteFile) -> None:
    compounds = write_file("c.csv", "id,name,community,governance,built_year\nc1,a,m,firm,1990\n"
                                    "c2,b,m,gated,1990\n")
    buildings = write_file("b.csv", "id,compound,floors,elevator\nb1,c2,6,no\n")
    with pytest.raises(Problems) as caught:
        api.estate.import_files([("compounds", compounds), ("buildings", buildings)])
    assert [(p.file, p.line) for p in caught.value.problems] == [(str(compounds), 3)]


def test_every_bad_row_is_listed_and_a_good_file_in_the_batch_is_not_stored(
        loaded: commons.Books, write_file: WriteFile) -> None:
    good = write_file("good.csv", "id,compound,floors,elevator\nnew-b,wjxc,5,no\n")
    bad = write_file("bad.csv", "id,building,floor,area_m2,owner\nh1,new-b,6,50,o\n"
                                "h2,new-b,1,50,o\nh3,wjxc-1,1,0.001,o\nh4,x,1,1,o\n")
    before = snapshot(loaded)
    with pytest.raises(Problems) as caught:
        loaded.estate.import_files([("households", bad), ("buildings", good)])
    assert [(p.line, p.field) for p in caught.value.problems] == [
        (2, "floor"), (4, "area_m2"), (5, "building")]
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert snapshot(loaded) == before


def test_a_long_list_of_problems_is_cut_and_counted(
        api: commons.Books, write_file: WriteFile) -> None:
    rows = "".join(f"c{i},n,m,firm,3000\n" for i in range(60))
    path = write_file("c.csv", "id,name,community,governance,built_year\n" + rows)
    error = refusal(api, "compounds", path)
    assert len(error.problems) == 50
    assert error.code == ErrorCode.INVALID_INPUT


def test_a_stored_id_with_other_content_is_a_conflict_naming_the_field(
        loaded: commons.Books, write_file: WriteFile) -> None:
    path = write_file("h.csv", "id,building,floor,area_m2,owner\n"
                               "wjxc-2-B01,wjxc-2,-1,20.00,李秀英\n"
                               "wjxc-1-101,wjxc-1,1,56.38,王建国\n")
    before = snapshot(loaded)
    with pytest.raises(ConflictingImport) as caught:
        loaded.estate.import_file("households", path)
    error = caught.value
    assert isinstance(error, ConflictingImport) and isinstance(error, Problems)
    (problem,) = error.problems
    assert isinstance(problem, ConflictError)
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "area_m2")
    assert error.code == ErrorCode.ALREADY_RECORDED_DIFFERENTLY
    assert snapshot(loaded) == before


def test_an_optional_column_left_out_differs_from_a_stored_value(
        loaded: commons.Books, write_file: WriteFile) -> None:
    path = write_file("c.csv", "id,name,community,governance,built_year\n"
                               "wjxc,卫技新村,砂子塘,自管,1985\n")
    with raises(ConflictingImport, ErrorCode.ALREADY_RECORDED_DIFFERENTLY):
        loaded.estate.import_file("compounds", path)


def test_conflicts_mixed_with_bad_input_are_plain_problems(
        loaded: commons.Books, write_file: WriteFile) -> None:
    path = write_file("b.csv", "id,compound,floors,elevator\nwjxc-1,wjxc,9,no\nb2,wjxc,0,no\n")
    with pytest.raises(Problems) as caught:
        loaded.estate.import_file("buildings", path)
    assert not isinstance(caught.value, ConflictError)
    assert [type(p) for p in caught.value.problems] == [ConflictError, InvalidInput]


def test_a_missing_column_is_refused_at_the_header(
        api: commons.Books, write_file: WriteFile) -> None:
    path = write_file("b.csv", "id,compound,floors\nb1,c,6\n")
    with pytest.raises(InvalidInput) as caught:
        api.estate.import_file("buildings", path)
    assert (caught.value.line, caught.value.field) == (1, "elevator")


def test_unknown_kind_and_missing_file_create_no_database(
        tmp_path: Path, write_file: WriteFile) -> None:
    db = tmp_path / "none.db"
    with commons.connect(db) as api:
        with raises(InvalidInput, ErrorCode.INVALID_INPUT):
            api.estate.import_file("flats", write_file("x.csv", "id\n"))
        with pytest.raises(NotFound):
            api.estate.import_file("compounds", tmp_path / "missing.csv")
    assert not db.exists()


def test_a_gbk_file_is_detected_as_a_bank_statement_is(
        api: commons.Books, write_file: WriteFile) -> None:
    """Issue 16 item 9: a GBK file was refused though the statement import detects GBK; every
    importer now detects it the same way, and a named encoding still rules."""
    path = write_file("c.csv", COMPOUNDS.encode("gb18030"))
    assert api.estate.import_file("compounds", path).new == 2
    assert api.estate.show("wjxc").compound.name == "卫技新村"
    with raises(InvalidInput, ErrorCode.MALFORMED_FILE) as refused:
        api.estate.import_file("compounds", path, encoding="utf-8")
    assert (refused.value.file, refused.value.line) == (str(path), 2)


def test_a_compound_built_this_year_is_possible(
        api: commons.Books, write_file: WriteFile) -> None:
    path = write_file("c.csv", "id,name,community,governance,built_year\nnew,n,m,firm,2026\n")
    assert api.estate.import_file("compounds", path).new == 1


def test_a_read_only_handle_cannot_import(
        loaded: commons.Books, estate_files: list[tuple[str, Path]]) -> None:
    with commons.connect(loaded.path, read_only=True) as reader, \
            raises(RefusedByRule, ErrorCode.READ_ONLY):
        reader.estate.import_file(*estate_files[0])


# --- reading back ------------------------------------------------------------------------------


def test_show_summarises_a_compound(loaded: commons.Books) -> None:
    summary = loaded.estate.show("wjxc")
    assert summary.compound == Compound("wjxc", "卫技新村", "砂子塘", Governance.SELF_MANAGED, 1985,
                                        "雨花")
    assert (summary.buildings, summary.elevators, summary.households, summary.owners) == (
        2, 1, 3, 2)
    assert summary.area_m2 == Decimal("147.57") and str(summary.area_m2) == "147.57"
    assert [(r.kind, r.count, r.tidal) for r in summary.resources] == [
        (ResourceKind.PARKING, 2, 1), (ResourceKind.ADVERTISING, 1, 0)]
    assert summary.tidal == 1
    assert [(b.id, b.households, str(b.area_m2)) for b in summary.building_lines] == [
        ("wjxc-1", 2, "127.57"), ("wjxc-2", 1, "20.00")]
    assert summary.management_areas == ("yh-1",)


def test_show_of_an_unknown_compound_is_not_found(loaded: commons.Books) -> None:
    with raises(NotFound, ErrorCode.NOT_FOUND):
        loaded.estate.show("nope")


def test_households_by_compound_and_building_ordered_by_id(loaded: commons.Books) -> None:
    assert [h.id for h in loaded.estate.households()] == [
        "wjxc-1-101", "wjxc-1-601", "wjxc-2-B01", "zy-1-1-301"]
    assert [h.id for h in loaded.estate.households(compound="zy-1")] == ["zy-1-1-301"]
    assert [h.id for h in loaded.estate.households(building="wjxc-2")] == ["wjxc-2-B01"]
    assert loaded.estate.households(compound="zy-1", building="wjxc-2") == ()
    assert loaded.estate.households(building="wjxc-1")[1] == Household(
        "wjxc-1-601", "wjxc-1", 6, Decimal("71.20"), "王建国")
    for kwargs in ({"compound": "nope"}, {"building": "nope"}):
        with pytest.raises(NotFound):
            loaded.estate.households(**kwargs)


def test_resources_and_owners(loaded: commons.Books) -> None:
    assert [r.id for r in loaded.estate.resources("wjxc")] == ["wjxc-ad1", "wjxc-p1", "wjxc-p2"]
    assert loaded.estate.resources("zy-1") == (
        Resource("zy-kiosk", "zy-1", ResourceKind.KIOSK, False, "报刊亭"),)
    assert len(loaded.estate.resources()) == 4
    assert loaded.estate.owners("wjxc")[1] == Owner("王建国", ("wjxc-1-101", "wjxc-1-601"),
                                                    Decimal("127.57"))
    with pytest.raises(NotFound):
        loaded.estate.resources("nope")


def test_store_methods_other_layers_build_on(loaded: commons.Books) -> None:
    with loaded.session.reader.read() as t:
        assert t.estate.compound("zy-1") is not None and t.estate.compound("x") is None
        assert [b.id for b in t.estate.buildings("wjxc")] == ["wjxc-1", "wjxc-2"]
        assert t.estate.resource("wjxc-p1") == Resource("wjxc-p1", "wjxc", ResourceKind.PARKING,
                                                        True, "东门")
        assert t.estate.resource("x") is None
        assert [a.compounds for a in t.estate.management_areas()] == [("wjxc", "zy-1")]


def test_areas_are_stored_as_integer_hundredths_of_a_m2(loaded: commons.Books) -> None:
    with closing(sqlite3.connect(loaded.path)) as conn:
        rows = conn.execute("SELECT id, area_hundredths_m2, typeof(area_hundredths_m2) "
                            "FROM households ORDER BY id").fetchall()
    assert rows[:2] == [("wjxc-1-101", 5637, "integer"), ("wjxc-1-601", 7120, "integer")]


# --- properties ----------------------------------------------------------------------------------


def write_estate(folder: Path, estate: dict[str, list[Any]]) -> list[tuple[str, Path]]:
    """One CSV per kind, written with the csv module (so names with commas are quoted)."""
    files = []
    for kind, records in estate.items():
        path = folder / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            fields = [f.name for f in attrs.fields(type(records[0]))] if records else ["id"]
            writer.writerow(fields if records else _HEADERS[kind])
            for record in records:
                writer.writerow([_cell(getattr(record, f)) for f in fields])
        files.append((kind, path))
    return files


_HEADERS = {"compounds": ["id", "name", "community", "governance", "built_year"],
            "buildings": ["id", "compound", "floors", "elevator"],
            "households": ["id", "building", "floor", "area_m2", "owner"],
            "resources": ["id", "compound", "kind", "tidal"],
            "management-areas": ["id", "name", "compounds"]}


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


@settings(max_examples=30)
@given(estates(), st.randoms(use_true_random=False))
def test_any_valid_estate_imports_once_and_again_changes_nothing(
        estate: dict[str, list[Any]], random: Any) -> None:
    with tempfile.TemporaryDirectory() as folder, \
            commons.connect(":memory:", clock=CLOCK) as api:
        files = write_estate(Path(folder), estate)
        random.shuffle(files)
        first = api.estate.import_files(files)
        assert all(s.new == len(estate[s.kind]) and s.already_recorded == 0 for s in first)
        before = snapshot(api)
        again = api.estate.import_files(files)
        assert all(s.new == 0 and s.already_recorded == len(estate[s.kind]) for s in again)
        assert snapshot(api) == before
        assert api.estate.households() == tuple(sorted(estate["households"], key=lambda h: h.id))
        assert api.estate.resources() == tuple(sorted(estate["resources"], key=lambda r: r.id))
        assert_summaries_add_up(api, estate)


def assert_summaries_add_up(api: commons.Books, estate: dict[str, list[Any]]) -> None:
    """Each compound's area is the sum of its households' areas; owners are counted once."""
    building_of = {b.id: b.compound for b in estate["buildings"]}
    for compound in estate["compounds"]:
        homes = [h for h in estate["households"] if building_of[h.building] == compound.id]
        summary = api.estate.show(compound.id)
        assert summary.area_m2 == sum((h.area_m2 for h in homes), Decimal(0))
        assert summary.households == len(homes)
        assert summary.owners == len({h.owner for h in homes})
        assert sum(line.area_m2 for line in summary.building_lines) == summary.area_m2
        assert sum(r.count for r in summary.resources) == sum(
            r.compound == compound.id for r in estate["resources"])


@settings(max_examples=25)
@given(estates(), st.data())
def test_one_changed_row_is_a_conflict_and_nothing_changes(
        estate: dict[str, list[Any]], data: st.DataObject) -> None:
    """Change one field of one stored household: reimporting names that line and field."""
    homes = estate["households"]
    if not homes:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(homes) - 1))
    changed = attrs.evolve(homes[index], owner=homes[index].owner + "x")
    with tempfile.TemporaryDirectory() as folder, \
            commons.connect(":memory:", clock=CLOCK) as api:
        api.estate.import_files(write_estate(Path(folder), estate))
        before = snapshot(api)
        edited = {**estate, "households": [*homes[:index], changed, *homes[index + 1:]]}
        files = write_estate(Path(folder), {"households": edited["households"]})
        with pytest.raises(ConflictingImport) as caught:
            api.estate.import_files(files)
        (problem,) = caught.value.problems
        assert (problem.line, problem.field) == (index + 2, "owner")
        assert snapshot(api) == before


def _lines(problems: Sequence[CommonsError]) -> list[int | None]:
    return [p.line for p in problems]


@settings(max_examples=25)
@given(estates(), st.data())
def test_rows_whose_parent_is_missing_are_each_refused(
        estate: dict[str, list[Any]], data: st.DataObject) -> None:
    """Leave the buildings file out: every household is an unknown reference, by its line."""
    if not estate["households"]:
        return
    with tempfile.TemporaryDirectory() as folder, \
            commons.connect(":memory:", clock=CLOCK) as api:
        files = [f for f in write_estate(Path(folder), estate) if f[0] != "buildings"]
        with pytest.raises(Problems) as caught:
            api.estate.import_files(data.draw(st.permutations(files)))
        assert _lines(caught.value.problems) == list(
            itertools.islice(itertools.count(2), len(estate["households"])))
        assert {p.field for p in caught.value.problems} == {"building"}
        assert snapshot(api) == ((), (), (), ())
