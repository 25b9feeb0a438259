"""``commons points ...``: every command's help, a clean-up day's points from roster to order to
settlement through the command line, the JSON shapes hosts rely on, and refusals with codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Invoke, as_json, doc_example, ok, refused, refused_json
from market_helpers import marketplace, order
from points_helpers import programme_file, roster_file

from commons.errors import ErrorCode

COMMANDS = [["programme", "add"], ["programme", "show"], ["member", "add"], ["member", "list"],
            ["shelf", "restock"], ["roster", "submit"], ["roster", "confirm"], ["redeem"],
            ["transfer"], ["expire"], ["balance"], ["statement"], ["report"]]


@pytest.fixture
def books(db_path: Path, tmp_path: Path) -> Path:
    api = marketplace(db_path, tmp_path)
    order(api, "o1", day=10)
    api.close()
    return db_path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(cli: Invoke, command: list[str]) -> None:
    shown = ok(cli("points", *command, "--help")).stdout
    assert "--json" in shown and f"points {' '.join(command)}" in shown


def test_points_from_roster_to_settlement(cli: Invoke, books: Path, tmp_path: Path) -> None:
    added = as_json(cli("--json", "points", "programme", "add", programme_file(tmp_path)))
    assert (added["members"], added["fund"], added["already_recorded"]) == (4, "100.00", False)
    assert as_json(cli("points", "programme", "show", "jz", "--json"))["kinds"][0] == {
        "id": "clean-up", "name": "环境清洁", "basis": "hour", "points": 10}
    roster = roster_file(tmp_path, "cleanup-1108", ["c,clean-up,2026-11-08,r-yu,5",
                                                    "c,clean-up,2026-11-08,r-sun,1"])
    submitted = as_json(cli("--actor", "org-wang", "--json", "points", "roster", "submit",
                            roster, "--programme", "jz"))
    assert (submitted["roster"], submitted["lines"]) == ("cleanup-1108", 2)
    refused(cli("--actor", "org-wang", "points", "roster", "confirm", "cleanup-1108"),
            ErrorCode.NOT_AUTHORISED, "org-wang")
    confirmed = as_json(cli("points", "roster", "confirm", "cleanup-1108", "--by", "cw-zhao",
                            "--json"))
    assert (confirmed["issued"], confirmed["excess"]) == (60, 0)
    paid = as_json(cli("points", "redeem", "--programme", "jz", "--person", "r-yu", "--order",
                       "o1", "--points", "25", "--on", "2026-11-10", "--json"))
    assert (paid["value"], paid["provider"], paid["drawn"]) == (
        "2.50", "canteen", [{"expires_on": "2028-11-08", "points": 25}])
    settled = as_json(cli("--json", "market", "settle", "--period", "2026-11"))
    canteen = settled["providers"][0]
    # 12.00 a meal: 30% subsidy 3.60, 5% conceded 0.60, the resident's 7.80 paid 5.30 in yuan
    # and 2.50 in points; the net payable still counts the points.
    assert {k: canteen[k] for k in ("provider", "gross", "resident_paid", "subsidy",
                                    "concession", "points_value", "compound_share",
                                    "net_payable")} == {
        "provider": "canteen", "gross": "12.00", "resident_paid": "5.30", "subsidy": "3.60",
        "concession": "0.60", "points_value": "2.50", "compound_share": "1.20",
        "net_payable": "10.20"}
    assert canteen["lines"][0]["points_value"] == "2.50"
    text = ok(cli("market", "statement", "canteen", "--period", "2026-11")).stdout
    assert "residents paid 5.30" in text and "paid in points 2.50 (from sponsor funds)" in text
    statement = as_json(cli("points", "statement", "r-yu", "--as-of", "2026-11-30", "--json"))
    assert statement["balance"] == 25 and statement["lots"] == [
        {"earned_on": "2026-11-08", "points": 50, "remaining": 25, "expires_on": "2028-11-08",
         "source": "roster:cleanup-1108"}]
    assert [m["kind"] for m in statement["movements"]] == ["earned", "spent"]
    report = as_json(cli("points", "report", "--programme", "jz", "--period", "2026-Q4",
                         "--json"))
    assert (report["issued"], report["held"], report["spent"], report["fund"]) == (
        60, 35, 25, "97.50")
    assert report["buildings"] == [{"building": "jx171-1", "points": 60, "unnamed": 1,
                                    "unnamed_points": 10,
                                    "named": [{"person": "r-yu", "points": 50}]}]
    text = ok(cli("points", "report", "--programme", "jz", "--period", "2026-Q4")).stdout
    assert "r-yu 50" in text and "r-sun" not in text
    assert as_json(cli("--json", "audit", "verify"))["ok"]


def test_balance_transfer_and_expiry(cli: Invoke, books: Path, tmp_path: Path) -> None:
    ok(cli("points", "programme", "add", programme_file(tmp_path)))
    # The command line runs on the real clock: points earned long ago have expired by now.
    ok(cli("points", "roster", "submit", roster_file(tmp_path, "r1", [
        "a,clean-up,2024-01-08,r-yu,3"]), "--programme", "jz", "--by", "org-wang"))
    ok(cli("points", "roster", "confirm", "r1", "--by", "cw-zhao", "--on", "2024-01-09"))
    moved = as_json(cli("points", "transfer", "--programme", "jz", "--from", "r-yu", "--to",
                        "r-yu-son", "--points", "10", "--id", "t1", "--on", "2024-02-01",
                        "--json"))
    assert moved["points"] == 10
    refused_json(cli("--json", "points", "transfer", "--programme", "jz", "--from", "r-yu",
                     "--to", "r-jiang", "--points", "1", "--id", "t2", "--on", "2024-02-01"),
                 ErrorCode.NOT_AUTHORISED)
    assert as_json(cli("points", "balance", "r-yu", "--as-of", "2024-03-01", "--json")) == {
        "person": "r-yu", "programme": "jz", "as_of": "2024-03-01", "balance": 20,
        "spendable": 20, "value": "2.00"}
    assert as_json(cli("points", "balance", "r-yu", "--as-of", "2024-01-31", "--json")
                   )["balance"] == 30
    refused_json(cli("--json", "points", "expire", "--as-of", "2999-01-01"),
                 ErrorCode.INVALID_DATE)
    expired = as_json(cli("points", "expire", "--as-of", "2026-01-08", "--json"))
    assert expired["expired"][0]["points"] == 30
    assert as_json(cli("points", "expire", "--json"))["expired"][0]["points"] == 0


def test_members_and_the_shelf_from_the_command_line(cli: Invoke, books: Path,
                                                     tmp_path: Path) -> None:
    ok(cli("points", "programme", "add", programme_file(tmp_path)))
    added = as_json(cli("points", "member", "add", "r-sun-2", "--programme", "jz",
                        "--household", "jx171-201", "--named", "--by", "org-wang", "--json"))
    assert added == {"person": "r-sun-2", "household": "jx171-201", "named": True,
                     "programme": "jz", "already_recorded": False, "consent_changed": False}
    text = ok(cli("--actor", "org-wang", "points", "member", "add", "r-sun-2", "--programme",
                  "jz", "--household", "jx171-201", "--unnamed")).stdout
    assert "consent updated; not named" in text
    refused(cli("points", "member", "add", "r-x", "--programme", "jz", "--household",
                "jx171-201"), ErrorCode.NOT_AUTHORISED, "staff")
    listed = as_json(cli("points", "member", "list", "--programme", "jz", "--json"))
    assert listed["members"][2] == {"person": "r-sun-2", "household": "jx171-201",
                                    "named": False}
    assert "5 members" in ok(cli("points", "member", "list", "--programme", "jz")).stdout
    restocked = as_json(cli("points", "shelf", "restock", "rice", "--programme", "jz",
                            "--quantity", "5", "--id", "d-1", "--by", "cw-zhao", "--on",
                            "2026-11-21", "--json"))
    assert restocked == {"programme": "jz", "id": "d-1", "item": "rice", "quantity": 5,
                         "stock": 7, "date": "2026-11-21", "by": "cw-zhao",
                         "already_recorded": False}
    again = ok(cli("points", "shelf", "restock", "rice", "--programme", "jz", "--quantity",
                   "5", "--id", "d-1", "--by", "cw-zhao")).stdout
    assert "7 on the shelf (recorded before; nothing changed)" in again
    refused(cli("points", "shelf", "restock", "rice", "--programme", "jz", "--quantity", "0",
                "--id", "d-2", "--by", "cw-zhao"), ErrorCode.INVALID_AMOUNT, "quantity")
    shown = as_json(cli("points", "programme", "show", "jz", "--json"))
    assert shown["shelf"][0]["stock"] == 7


def test_bad_input_is_refused_with_its_code(cli: Invoke, books: Path, tmp_path: Path) -> None:
    ok(cli("points", "programme", "add", programme_file(tmp_path)))
    refused(cli("points", "roster", "submit", roster_file(tmp_path, "bad", [
        "a,clean-up,2026-11-08,nobody,1"]), "--programme", "jz", "--by", "org-wang"),
        ErrorCode.NOT_FOUND, "bad.csv:2", "nobody")
    refused(cli("points", "balance", "nobody"), ErrorCode.NOT_FOUND, "nobody")
    refused(cli("points", "expire", "--as-of", "2028-13-01"), ErrorCode.INVALID_DATE,
            "--as-of")
    refused(cli("points", "redeem", "--programme", "jz", "--person", "r-yu", "--item",
                "rice", "--id", "s1"), ErrorCode.INSUFFICIENT_FUNDS, "r-yu")
    refused(cli("points", "report", "--programme", "nope", "--period", "2026-Q4"),
            ErrorCode.NOT_FOUND, "nope")
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\nmonthly_cap = "lots"\n', encoding="utf-8")
    refused(cli("points", "programme", "add", broken), ErrorCode.INVALID_INPUT, "broken.toml")


PAGE = Path(__file__).resolve().parents[2] / "docs" / "points.md"


@pytest.mark.slow
def test_the_example_of_the_points_page_runs_on_the_demo(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib
    import io
    import re

    from click.testing import CliRunner
    from commons_cli.main import main

    text = PAGE.read_text(encoding="utf-8")
    for name, body in re.findall(r"^```csv (\S+)\n(.*?)^```$", text, re.M | re.S):
        (tmp_path / name).write_text(body, encoding="utf-8")

    def organiser_refused(runner: CliRunner, done: int) -> None:
        if done == 1:  # submitted: its organiser may not confirm it
            refused(runner.invoke(main, ["--db", "demo.db", "points", "roster", "confirm",
                                         "cleanup-2026-12-12", "--by", "org-luan"]),
                    ErrorCode.NOT_AUTHORISED, "org-luan")

    outputs = doc_example(PAGE, "points", tmp_path, monkeypatch, organiser_refused)
    assert "35 points issued to 2 people" in outputs[1]
    (python,) = re.findall(r"^```python\n(.*?)^```$", text, re.M | re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python, str(PAGE), "exec"), {"__name__": "points_page"})
    assert out.getvalue().splitlines()[0] == "True True"


@pytest.mark.parametrize(("old", "new", "field"), [
    ('basis = "hour"', 'basis = "day"', "kind[1].basis"),
    ("stock = 2", 'stock = "2"', "shelf[1].stock"),
    ('fund = "100.00"', "fund = 100.5", "fund"),
])
def test_a_programme_files_mistakes_name_their_place(cli: Invoke, books: Path, tmp_path: Path,
                                                     old: str, new: str, field: str) -> None:
    """Found trying points as a new user: a bad basis was reported as field 'kind[1].kind', a
    value inside a [[table]] without its table."""
    path = programme_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    error = refused_json(cli("--json", "points", "programme", "add", path),
                         ErrorCode.INVALID_INPUT)
    assert error["where"]["field"] == field


def test_the_trials_statement_confirmation_and_stranger(cli: Invoke, books: Path,
                                                        tmp_path: Path) -> None:
    """Found trying points as a new user: the statement's totals did not add up after a
    transfer (received and given were not shown), a received transfer was dated by its lot's
    earned day, confirming a roster again listed no capped line without saying why, and a
    stranger's statement printed empty."""
    ok(cli("points", "programme", "add", programme_file(tmp_path, cap=20)))
    ok(cli("points", "roster", "submit", roster_file(tmp_path, "r1", [
        "a,clean-up,2026-11-05,r-yu,3"]), "--programme", "jz", "--by", "org-wang"))
    first = as_json(cli("points", "roster", "confirm", "r1", "--by", "cw-zhao", "--json"))
    assert (first["excess"], len(first["capped"]), first["already_confirmed"]) == (10, 1, False)
    again = as_json(cli("points", "roster", "confirm", "r1", "--by", "cw-zhao", "--json"))
    assert (again["excess"], again["capped"], again["already_confirmed"]) == (10, [], True)
    ok(cli("points", "transfer", "--programme", "jz", "--from", "r-yu", "--to", "r-yu-son",
           "--points", "5", "--id", "t-1", "--on", "2026-11-09"))
    son = as_json(cli("points", "statement", "r-yu-son", "--as-of", "2026-11-30", "--json"))
    assert [(m["date"], m["kind"], m["points"]) for m in son["movements"]] == [
        ("2026-11-09", "received", 5)]
    yu = as_json(cli("points", "statement", "r-yu", "--as-of", "2026-11-30", "--json"))
    for s in (son, yu):
        assert s["balance"] == (s["earned"] + s["received"] - s["given"] - s["spent"]
                                - s["expired"])
    assert (yu["earned"], yu["given"], yu["balance"]) == (20, 5, 15)
    text = ok(cli("points", "statement", "r-yu", "--as-of", "2026-11-30")).stdout
    assert "received 0, given 5" in text
    before = as_json(cli("points", "statement", "r-yu", "--as-of", "2026-11-01", "--json"))
    assert (before["balance"], before["earned"], before["movements"]) == (0, 0, [])
    refused(cli("points", "statement", "ghost", "--programme", "jz"), ErrorCode.NOT_FOUND,
            "ghost")
    assert "expire after 24 months" in ok(cli("points", "programme", "show", "jz")).stdout


def test_a_programme_file_names_every_mistake_at_once(cli: Invoke, books: Path,
                                                      tmp_path: Path) -> None:
    """Found trying points as a new user: a programme file reported only its first mistake,
    and a member of an unknown household named neither the file nor the member."""
    path = programme_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text("colour = 1\n" + text.replace('basis = "hour"', 'basis = "day"', 1)
                    .replace("monthly_cap = 300", 'monthly_cap = "lots"', 1)
                    .replace("stock = 2", 'stock = "2"', 1), encoding="utf-8")
    error = refused_json(cli("--json", "points", "programme", "add", path),
                         ErrorCode.INVALID_INPUT)
    assert "4" in error["what"]
    shown = refused(cli("points", "programme", "add", path), ErrorCode.INVALID_INPUT)
    for field in ("colour", "kind[1].basis", "monthly_cap", "shelf[1].stock"):
        assert f"field '{field}'" in shown
    path.write_text(text.replace('household = "jx171-201"', 'household = "nowhere"', 1),
                    encoding="utf-8")
    error = refused_json(cli("--json", "points", "programme", "add", path),
                         ErrorCode.NOT_FOUND)
    assert error["where"]["file"] == str(path) and "r-sun" in error["what"]
    path.write_text(text + "this line is not TOML\n", encoding="utf-8")
    error = refused_json(cli("--json", "points", "programme", "add", path),
                         ErrorCode.MALFORMED_FILE)
    assert error["where"]["line"] == len(text.splitlines()) + 1
