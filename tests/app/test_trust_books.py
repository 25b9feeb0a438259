"""Issue 16 (trust), as a host embedding the library meets it: unknown compounds are refused,
a chart opened with a wrong date can be re-dated, refusals of built entries name the use case,
dates are read the same everywhere, and the handle's errors are the package's own."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import raises
from revenue_helpers import build_estate

import commons
from commons.errors import ErrorCode

# Each test runs on both stores: an SQLite file and a book on a PostgreSQL server.
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def books(tmp_path: Path) -> Iterator[commons.Books]:
    with commons.connect(tmp_path / "books.db", actor="@host") as handle:
        yield handle


@pytest.fixture
def estate(books: commons.Books, tmp_path: Path) -> commons.Books:
    build_estate(books, tmp_path)
    books.ledger.chart("wjxc")
    return books


def test_a_compound_outside_the_estate_is_refused_with_the_nearest_known(
        estate: commons.Books, tmp_path: Path) -> None:
    with raises(commons.NotFound, ErrorCode.NOT_FOUND) as chart:
        estate.ledger.chart("wjcx")
    assert chart.value.field == "compound"
    assert chart.value.context == {"kind": "compound", "id": "wjcx", "near": "wjxc"}
    with raises(commons.NotFound, ErrorCode.UNKNOWN_ACCOUNT):  # nothing was opened
        estate.ledger.trail("assets:bank:co-managed:wjcx")
    with raises(commons.NotFound, ErrorCode.NOT_FOUND) as balance:
        estate.ledger.balance(compound="nope")
    assert balance.value.field == "--compound"  # the option a user typed
    with raises(commons.NotFound, ErrorCode.NOT_FOUND) as export:
        estate.audit.export(tmp_path / "t.csv", format="csv", compound="nope")
    assert export.value.field == "--compound"  # the option a user typed
    assert not (tmp_path / "t.csv").exists()
    assert not (tmp_path / "t.csv.manifest.json").exists()
    estate.ledger.balance(compound="wjxc")  # the known one still works
    estate.ledger.chart("zy-1")  # a compound of the estate with no chart yet


def test_books_kept_without_an_estate_keep_working(books: commons.Books, tmp_path: Path
                                                   ) -> None:
    books.ledger.chart("hpl")
    books.ledger.balance(compound="hpl")
    assert books.audit.export(tmp_path / "t.csv", format="csv", compound="hpl").rows == 0
    with raises(commons.NotFound, ErrorCode.NOT_FOUND) as caught:
        books.ledger.balance(compound="hlp")
    assert caught.value.field == "--compound"  # the option a user typed
    assert caught.value.context == {"kind": "charted_compound", "id": "hlp", "near": "hpl"}


def test_a_chart_opened_with_a_wrong_date_is_redated_until_it_has_postings(
        books: commons.Books, tmp_path: Path) -> None:
    """Issue 16 items 6 and 7: the refusal names the use case, not a line of no file; the chart
    is re-dated (and kept: verify still passes); an account with postings is not."""
    build_estate(books, tmp_path)
    books.ledger.chart("zy-1", opened_on=dt.date(2026, 12, 31))
    with raises(commons.Problems, ErrorCode.ACCOUNT_CLOSED) as refused:
        books.revenue.clear("zy-1", as_of=dt.date(2026, 11, 30), opening="5000.00")
    (problem,) = refused.value.problems
    assert (problem.file, problem.line) == (None, None)
    assert "revenue clear zy-1" in problem.what  # the use case, with its compound
    assert problem.context == {"account": "assets:bank:co-managed:zy-1", "kind": "redate",
                               "date": "2026-11-30"}
    redated = books.ledger.redate(compound="zy-1", opened_on="2026-11-01", reason="typo")
    assert {a.opened_on for a in redated} == {dt.date(2026, 11, 1)}
    assert books.revenue.clear("zy-1", as_of=dt.date(2026, 11, 30),
                               opening="5000.00").opening_status == "posted"
    with raises(commons.RefusedByRule, ErrorCode.ACCOUNT_IN_USE) as has_postings:
        books.ledger.redate("assets:bank:co-managed:zy-1", opened_on=dt.date(2026, 1, 1))
    assert not isinstance(has_postings.value, commons.Problems)
    books.ledger.redate("income:parking:zy-1", opened_on=None)  # no postings: still movable
    with raises(commons.NotFound, ErrorCode.UNKNOWN_ACCOUNT):
        books.ledger.redate("assets:bank:nowhere", opened_on="2026-01-01")
    assert books.audit.verify().ok


def test_a_post_refused_for_one_kind_of_problem_carries_that_kind_s_code(
        books: commons.Books) -> None:
    """Issue 16 item 11: a post naming an account not open is one ``Problems`` whose code is
    its members' (``unknown_account``), so a host can tell it from other refusals."""
    books.ledger.chart("hpl")
    entry = commons.Entry(dt.date(2026, 3, 1), "parking", (
        commons.Posting("assets:bank:co-managed:hpl", commons.Money(100)),
        commons.Posting("income:parkng:hpl", commons.Money(-100))), "pk-1")
    with raises(commons.Problems, ErrorCode.UNKNOWN_ACCOUNT) as caught:
        books.ledger.post([entry])
    assert caught.value.codes == (ErrorCode.UNKNOWN_ACCOUNT,)
    (problem,) = caught.value.problems
    assert problem.field == "postings[1].account"
    # Issue 16 item 8: the nearest open account is named for the host to offer.
    assert problem.context["account"] == "income:parkng:hpl"
    assert problem.context["near"].split()[0] == "income:parking:hpl"


def test_every_date_parameter_takes_a_date_or_iso_text(books: commons.Books,
                                                        tmp_path: Path) -> None:
    """Issue 16 item 10: ``balance(as_of="2026-03-31")`` raised AttributeError."""
    books.ledger.chart("hpl", opened_on="2026-01-01")
    books.ledger.post([commons.Entry(dt.date(2026, 3, 1), "parking", (
        commons.Posting("assets:bank:co-managed:hpl", commons.Money(100)),
        commons.Posting("income:parking:hpl", commons.Money(-100))), "pk-1")])
    as_text = books.ledger.balance(as_of="2026-03-31")
    assert as_text == books.ledger.balance(as_of=dt.date(2026, 3, 31))
    assert as_text.as_of == dt.date(2026, 3, 31)
    assert books.audit.export(tmp_path / "t.csv", format="csv", date_from="2026-03-01",
                              date_to="2026-03-31").rows == 2
    with raises(commons.InvalidInput, ErrorCode.INVALID_DATE) as bad:
        books.ledger.balance(as_of="31/03/2026x")
    assert bad.value.field == "as_of"
    with raises(commons.InvalidInput, ErrorCode.INVALID_DATE) as instant:
        books.ledger.balance(as_of=dt.datetime(2026, 3, 31, 12))  # type: ignore[arg-type]
    assert instant.value.field == "as_of"
    assert books.ledger.reverse(1, reason="twice", on="2026-03-02").entry.date == dt.date(
        2026, 3, 2)


def test_a_closed_handle_refuses_use(tmp_path: Path) -> None:
    """Issue 16 item 11: a closed handle silently reopened its database."""
    books = commons.connect(tmp_path / "books.db")
    books.ledger.chart("hpl")
    books.close()
    with raises(commons.HandleError, ErrorCode.HANDLE_CLOSED):
        books.ledger.balance()
    with raises(commons.HandleError, ErrorCode.HANDLE_CLOSED):
        books.ledger.open("assets:cash:x")
    books.close()  # closing again does nothing


def test_a_handle_used_from_another_thread_raises_an_exported_error(tmp_path: Path) -> None:
    """Issue 16 item 11: the error was commons.store.sqlite.StorageError, not exported; one
    handle per thread is the model, and handles of several threads share the file."""
    caught: list[BaseException] = []

    def use(handle: commons.Books) -> None:
        try:
            handle.ledger.balance()
        except BaseException as e:  # handed back to the test's thread
            caught.append(e)

    with commons.connect(tmp_path / "books.db") as books:
        books.ledger.chart("hpl")
        thread = threading.Thread(target=use, args=(books,))
        thread.start()
        thread.join()
        assert len(caught) == 1 and isinstance(caught[0], commons.HandleError)
        assert caught[0].code == ErrorCode.WRONG_THREAD

        def own_handle() -> None:
            with commons.connect(tmp_path / "books.db") as mine:
                mine.ledger.open("assets:cash:hpl", compound="hpl")

        worker = threading.Thread(target=own_handle)
        worker.start()
        worker.join()
        assert books.ledger.trail("assets:cash:hpl") == ()


def test_the_result_types_are_exported_from_the_package() -> None:
    """Issue 16 item 10: a host annotates with ``commons.ImportSummary``, not an inner
    module's name."""
    for name in ("ImportSummary", "CompoundSummary", "RevenueBalance", "ReconciliationStatement",
                 "ExportManifest", "ExportCheck", "ClearReport", "CollectSummary",
                 "StatementImport", "MatchRun", "AccountBalance", "HandleError"):
        assert name in commons.__all__
        assert isinstance(getattr(commons, name), type)


JOURNAL_ROW = {"date": "2026-03-01", "memo": "parking", "external_id": "pk-1", "postings": [
    {"account": "assets:bank:co-managed:hpl", "amount": "1.00"},
    {"account": "income:parking:hpl", "amount": "-1.00"}]}


def test_a_journal_is_posted_from_an_open_file_or_rows(books: commons.Books) -> None:
    """Issue 16 item 10: importers took only paths."""
    books.ledger.chart("hpl")
    text = json.dumps(JOURNAL_ROW) + "\n"
    assert books.ledger.post(io.StringIO(text)).posted == 1
    assert books.ledger.post(io.BytesIO(text.encode())).already_recorded == 1
    second = {**JOURNAL_ROW, "external_id": "pk-2"}
    assert books.ledger.post([second]).posted == 1
    bad = {**JOURNAL_ROW, "external_id": "pk-3", "date": "2026-13-01"}
    with raises(commons.Problems, ErrorCode.INVALID_DATE) as caught:
        books.ledger.post([bad])
    (problem,) = caught.value.problems
    assert problem.file == "<journal rows>" and problem.line == 1
    assert "commons-" not in str(caught.value)  # never the temporary file


def test_the_estate_revenue_and_statements_import_from_open_files_and_rows(
        books: commons.Books, tmp_path: Path) -> None:
    compounds = io.BytesIO("id,name,community,governance,built_year\n"
                           "wjxc,卫技新村,砂子塘,self-managed,1985\n".encode())
    compounds.name = str(tmp_path / "compounds.csv")
    resources = [{"id": "wjxc-p1", "compound": "wjxc", "kind": "parking", "tidal": "true"}]
    summaries = books.estate.import_files([("compounds", compounds), ("resources", resources)])
    assert [(s.kind, s.new, s.file) for s in summaries] == [
        ("compounds", 1, str(tmp_path / "compounds.csv")), ("resources", 1, "<resources rows>")]
    with pytest.raises(commons.CommonsError) as caught:
        books.estate.import_files([("buildings", [{"id": "b1", "compound": "nowhere",
                                                   "floors": "6", "elevator": "no"}])])
    places = [caught.value, *getattr(caught.value, "problems", ())]
    assert "<buildings rows>" in {p.file for p in places}
    assert "commons-" not in str(caught.value)  # never the temporary file
    books.ledger.chart("wjxc")
    income = io.StringIO("external_id,date,compound,resource,period,amount\n"
                         "i-1,2026-10-02,wjxc,wjxc-p1,2026-10,120.00\n")
    assert books.revenue.collect(income).posted == 1
    rows = [{"external_id": "i-2", "date": "2026-10-03", "compound": "wjxc",
             "resource": "wjxc-p1", "period": "2026-10", "amount": "30.00"}]
    collected = books.revenue.collect(rows)
    assert (collected.posted, collected.file) == (1, "<collections rows>")
    fixture = Path(__file__).parents[1] / "fixtures" / "camt053_001_02_oct.xml"
    with fixture.open("rb") as statement:
        imported = books.reconcile.import_statement(statement,
                                                    account="assets:bank:co-managed:wjxc")
    assert imported.added and imported.source == str(fixture)
