"""Issue 16 item 10: every importer takes a path, an open text or binary file and (for tabular
inputs) rows alike. The same content gives the same result whatever form it comes in; a refusal
names the file object (or ``<KIND rows>`` and the row's number), and a refused input stores
nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import pytest
from conftest import HOUSEHOLDS_CSV
from parking_helpers import TARIFF_FILE
from test_bundle_pricing import SCENARIO

import commons
from commons.errors import CommonsError

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")

CLOCK = commons.FixedClock.parse("2026-12-01T09:00")
ESTATE = {
    "compounds": "id,name,community,governance,built_year\n"
                 "wjxc,卫技新村,砂子塘,self-managed,1985\n",
    "buildings": "id,compound,floors,elevator\nwjxc-1,wjxc,6,no\n",
    "households": "id,building,floor,area_m2,owner\nwjxc-1-101,wjxc-1,1,56.37,王建国\n"
                  "wjxc-1-102,wjxc-1,1,71.20,李秀英\n",
    "resources": "id,compound,kind,tidal\nP1,wjxc,parking,true\nP2,wjxc,parking,true\n",
}


def _nothing(_: object) -> None:
    """Nothing to prepare (or a result to drop)."""


class Importer(NamedTuple):
    """One use case reading a host's input: its content, a bad variant (refused on its
    second row), how to call it, what it needs first, and whether it reads CSV (so rows and
    GBK apply)."""

    name: str
    text: str
    bad: str
    run: Callable[[commons.Books, Any], Any]
    tabular: bool = True
    prepare: Callable[[commons.Books], None] = _nothing


def _proposal(books: commons.Books) -> None:
    books.resolutions.propose("P1", matter="use-public-revenue", scope="compound:wjxc")
    for step in ("discussed", "consulted", "drafted"):
        books.resolutions.advance("P1", step)


SESSIONS = ("session_id,space,plate,entered_at,exited_at,kind\n"
            "s1,P1,湘A00001,2026-10-01T08:00:00,2026-10-01T10:00:00,outsider\n"
            "s2,P2,湘A00002,2026/10/2 08:00,2026/10/2 09:30,outsider\n")
SCHEDULE_CSV = ("schedule,compounds,regime,from,price,rounding\n"
                "b,wjxc,酬金制,2026-01-01,0.80,half-even\nb,wjxc,酬金制,2026-06-01,0.90,half-even\n")
PAYMENTS = ("external_id,date,household,amount,invoice,payer,memo\n"
            "P-1,2026/8/20,wjxc-1-101,100.00,,王建国,八月\nP-2,2026-08-21,wjxc-1-102,82.16,,,\n")
SCENARIO_SHORT = SCENARIO.replace("runs = 500", "runs = 40")

IMPORTERS = [
    Importer("schedules (CSV)", SCHEDULE_CSV, SCHEDULE_CSV.replace("06-01", "13-01"),
             lambda books, source: books.billing.schedule(source)),
    Importer("payments", PAYMENTS, PAYMENTS.replace("82.16", "八十"),
             lambda books, source: books.billing.pay(source),
             prepare=lambda books: _nothing(books.billing.schedule(io.StringIO(SCHEDULE_CSV)))),
    Importer("tariff", TARIFF_FILE.read_text(encoding="utf-8"), "compound = [\n",
             lambda books, source: books.parking.tariff(source), tabular=False),
    Importer("sessions", SESSIONS, SESSIONS.replace(",P2,", ",P7,"),
             lambda books, source: books.parking.import_sessions(source),
             prepare=lambda books: _nothing(books.parking.tariff(TARIFF_FILE))),
    Importer("ballots", "owner,choice\n王建国,yes\n李秀英,no\n",
             "owner,choice\n王建国,yes\n钱,no\n",
             lambda books, source: books.resolutions.import_ballots("P1", source),
             prepare=_proposal),
    Importer("votes", "candidate,votes\n王建国,10\n李秀英,8\n张伟,5\n",
             "candidate,votes\n王建国,10\n李秀英,八\n",
             lambda books, source: books.resolutions.elect(source, 2)),
    Importer("scenario", SCENARIO_SHORT, SCENARIO_SHORT.replace("months = 12", "months = 0"),
             lambda books, source: books.contracts.simulate(source, seed=3), tabular=False),
    Importer("split", HOUSEHOLDS_CSV, HOUSEHOLDS_CSV.replace("71.20,李秀英", "七十,李秀英"),
             lambda books, source: books.splits.split("1000.00", source, by="area")),
]
FORMS = ["text file", "binary file", "named binary file", "rows"]


@pytest.fixture
def books(tmp_path: Path) -> commons.Books:
    handle = commons.connect(tmp_path / "books.db", clock=CLOCK, actor="@host")
    handle.estate.import_files([(kind, io.StringIO(text)) for kind, text in ESTATE.items()])
    handle.ledger.chart("wjxc")
    return handle


def _source(importer: Importer, text: str, form: str, tmp_path: Path) -> Any:
    if form == "text file":
        return io.StringIO(text)
    encoded = text.encode("gbk" if importer.tabular else "utf-8")
    if form == "binary file":
        return io.BytesIO(encoded)
    if form == "named binary file":
        named = io.BytesIO(encoded)
        named.name = str(tmp_path / "from-the-host.csv")
        return named
    return list(csv.DictReader(io.StringIO(text)))


def _without_file(result: Any) -> Any:
    return attrs.evolve(result, file="") if "file" in attrs.fields_dict(type(result)) else result


def _snapshot(books: commons.Books) -> list[str]:
    return list(books.session.store.conn.iterdump())


def _forms(importer: Importer) -> list[str]:
    return FORMS if importer.tabular else FORMS[:-1]


CASES = [pytest.param(i, f, id=f"{i.name}-{f}") for i in IMPORTERS for f in _forms(i)]


@pytest.mark.parametrize(("importer", "form"), CASES)
def test_an_open_file_or_rows_give_what_the_path_gives(
        importer: Importer, form: str, books: commons.Books, tmp_path: Path) -> None:
    path = tmp_path / f"input.{'csv' if importer.tabular else 'toml'}"
    path.write_text(importer.text, encoding="utf-8")
    with commons.connect(tmp_path / "by-path.db", clock=CLOCK, actor="@host") as by_path:
        by_path.estate.import_files([(kind, io.StringIO(text)) for kind, text in ESTATE.items()])
        by_path.ledger.chart("wjxc")
        importer.prepare(by_path)
        expected = importer.run(by_path, path)
        stored = _snapshot(by_path)
    importer.prepare(books)
    result = importer.run(books, _source(importer, importer.text, form, tmp_path))
    assert _without_file(result) == _without_file(expected)
    if "file" in attrs.fields_dict(type(result)):
        assert expected.file == str(path)
        kind = _kind(result)
        assert result.file == {"named binary file": str(tmp_path / "from-the-host.csv"),
                               "rows": f"<{kind} rows>"}.get(form, f"<{kind} file>")
    assert _snapshot(books) == stored


def _kind(result: Any) -> str:
    return {"ScheduleImport": "schedules", "PaymentImport": "payments",
            "SessionImport": "sessions", "BallotsImported": "ballots"}[type(result).__name__]


@pytest.mark.parametrize(("importer", "form"), CASES)
def test_a_refused_open_file_or_rows_is_named_and_stores_nothing(
        importer: Importer, form: str, books: commons.Books, tmp_path: Path) -> None:
    source = _source(importer, importer.bad, form, tmp_path)
    importer.prepare(books)
    before = _snapshot(books)
    with pytest.raises(CommonsError) as caught:
        importer.run(books, source)
    places = [caught.value, *getattr(caught.value, "problems", ())]
    named = {"named binary file": str(tmp_path / "from-the-host.csv")}.get(form)
    files = {p.file for p in places} - {None}
    assert "commons-" not in str(caught.value)  # never the temporary file
    if named is not None:
        assert files == {named}
    elif form == "rows":
        (file,) = files
        assert file.startswith("<") and file.endswith(" rows>")
        assert {p.line for p in places if p.line is not None} == {2}  # the second row
    else:
        (file,) = files
        assert file.startswith("<") and file.endswith(" file>")
    assert _snapshot(books) == before


def test_a_plan_may_be_an_open_file_too(tmp_path: Path) -> None:
    plan = ('[[stage]]\nparty = "government"\npercent = "40"\n\n'
            '[[stage]]\nparty = "residents"\nrest = true\n')
    path = tmp_path / "plan.toml"
    path.write_text(plan, encoding="utf-8")
    splits = commons.connect(tmp_path / "unused.db").splits
    by_path = splits.split("1000.00", io.StringIO(HOUSEHOLDS_CSV), plan=path)
    assert splits.split("1000.00", io.StringIO(HOUSEHOLDS_CSV),
                        plan=io.BytesIO(plan.encode())) == by_path
    with pytest.raises(CommonsError) as caught:
        splits.split("1000.00", io.StringIO(HOUSEHOLDS_CSV),
                     plan=io.StringIO(plan.replace('"40"', '"140"')))
    assert caught.value.file == "<plan file>"


def test_skipping_bad_rows_of_an_unnamed_source_needs_a_reject_file(
        books: commons.Books, tmp_path: Path) -> None:
    books.parking.tariff(TARIFF_FILE)
    bad = io.StringIO(SESSIONS.replace(",P2,", ",P7,"))
    with pytest.raises(commons.InvalidInput) as caught:
        books.parking.import_sessions(bad, skip_bad=True)
    assert caught.value.field == "reject"
    imported = books.parking.import_sessions(list(csv.DictReader(bad.__class__(
        SESSIONS.replace(",P2,", ",P7,")))), skip_bad=True, reject=tmp_path / "r.csv")
    assert (imported.new, imported.refused, imported.reject_file) == (
        1, 1, str(tmp_path / "r.csv"))
    assert "P7" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
