"""``commons parking ...`` through click's CliRunner: --help of every command, text and --json
of tariff, import, bill and report, and exit 1 naming file:line:field with nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Invoke, WriteFile, as_json, ok, refused
from parking_helpers import ESTATE, TARIFF_FILE, sessions_csv
from test_parking import BAD, GOOD

from commons.errors import ErrorCode


@pytest.fixture
def ready(cli: Invoke, write_file: WriteFile) -> Path:
    """Weiji Xincun with its tidal spaces and tariff; the path of a good sessions file."""
    ok(cli("estate", "import", "compounds", write_file("c.csv", ESTATE["compounds"]),
           "resources", write_file("r.csv", ESTATE["resources"])))
    ok(cli("parking", "tariff", TARIFF_FILE))
    return write_file("sessions.csv", sessions_csv(GOOD))


@pytest.mark.parametrize("command", [["parking"], ["parking", "tariff"], ["parking", "import"],
                                     ["parking", "bill"], ["parking", "report"]])
def test_help_of_every_parking_command(cli: Invoke, command: list[str]) -> None:
    result = ok(cli(*command, "--help"))
    assert result.stdout.startswith(f"Usage: commons {' '.join(command)}")


def test_help_documents_the_files(cli: Invoke) -> None:
    assert "outside_spaces" in ok(cli("parking", "tariff", "--help")).stdout
    assert "session_id,space,plate,entered_at,exited_at,kind" in ok(
        cli("parking", "import", "--help")).stdout


def test_tariff_text_and_json(cli: Invoke, ready: Path) -> None:
    text = ok(cli("parking", "tariff", TARIFF_FILE)).stdout
    assert text.startswith("wjxc: tariff from 2026-01-01 already loaded: 2 windows, 3 cards")
    assert "hospital-day  working  07:30-18:30" in text
    data = as_json(cli("parking", "tariff", TARIFF_FILE, "--json"))
    assert data["loaded"] is False and data["daily_cap"] == "40.00"
    assert data["windows"][0] == {"name": "hospital-day", "days": "working",
                                  "span": "07:30-18:30", "outside_spaces": 30,
                                  "per_unit": "1.00", "per_hour": "3.00"}
    assert "2026-10-07" in data["holidays"] and "2026-10-10" in data["workdays"]


def test_import_text_json_and_refusal(cli: Invoke, ready: Path, write_file: WriteFile) -> None:
    bad = write_file("bad.csv", sessions_csv(GOOD[:1] + BAD[:1]))
    refused(cli("parking", "import", bad), ErrorCode.INVALID_INPUT, "bad.csv:3: field 'exited_at'")
    assert as_json(cli("--json", "parking", "import", ready)) == {
        "file": str(ready), "rows": 4, "new": 4, "already_recorded": 0, "refused": 0,
        "reject_file": None, "breaches": []}
    text = ok(cli("parking", "import", ready)).stdout
    assert text.strip().endswith("4 rows: 0 new, 4 already recorded, 0 refused")
    skipped = ok(cli("parking", "import", bad, "--skip-bad", "--reject",
                     bad.with_name("r.csv"))).stdout
    assert "1 refused (written to" in skipped and bad.with_name("r.csv").is_file()


def test_bill_text_and_json(cli: Invoke, ready: Path) -> None:
    ok(cli("parking", "import", ready))
    data = as_json(cli("parking", "bill", "--period", "2026-10", "--json"))
    assert set(data) >= {"period", "sessions", "total", "shares"}
    assert data["period"] == "2026-10" and data["total"] == "71.00"
    assert {s["session_id"]: s["amount"] for s in data["sessions"]} == {
        "s1": "5.00", "s2": "3.00", "s3": "0.00", "s4": "3.00"}
    assert set(data["sessions"][0]) >= {"session_id", "space", "amount", "days"}
    assert data["shares"] == [{"party": "owners", "amount": "35.50"},
                              {"party": "Yuhua Smart Parking", "amount": "35.50"}]
    assert data["compounds"][0]["status"] == "posted"
    assert [c["external_id"] for c in data["compounds"][0]["collections"]] == [
        "parking:wjxc:2026-10:P1", "parking:wjxc:2026-10:P2", "parking:wjxc:2026-10:P3"]
    text = ok(cli("parking", "bill", "--period", "2026-10")).stdout
    assert "already recorded" in text
    assert text.splitlines()[-1] == "total 71.00: owners 35.50, Yuhua Smart Parking 35.50"


def test_report_text_json_and_plot(cli: Invoke, ready: Path, tmp_path: Path) -> None:
    ok(cli("parking", "import", ready))
    plot = tmp_path / "month.png"
    data = as_json(cli("--json", "parking", "report", "--period", "2026-10", "--fee-bill",
                       "100.00", "--plot", plot))
    assert data["covered_percent"] == "35.50" and data["fee_bill"] == "100.00"
    assert len(data["occupancy"]) == 24 and data["occupancy"][8] == {
        "hour": 8, "residents": "0.00", "outsiders": "0.03"}
    assert data["income_by_space"][1] == {"space": "P2", "amount": "60.00"}
    assert plot.read_bytes()[:4] == b"\x89PNG"
    text = ok(cli("parking", "report", "--period", "2026-10", "--fee-bill", "100")).stdout
    assert "the owners' share covers 35.50% of their fee bill of 100.00" in text
    assert "cards: 1 sold for 60.00" in text


def test_report_plots_png_and_svg_and_refuses_other_formats(cli: Invoke, ready: Path,
                                                            tmp_path: Path) -> None:
    ok(cli("parking", "import", ready))
    for name in ("month.png", "month.svg"):
        ok(cli("parking", "report", "--period", "2026-10", "--fee-bill", "100.00", "--plot",
               tmp_path / name))
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "month.png").read_bytes()[:4] == b"\x89PNG"
    refused(cli("parking", "report", "--period", "2026-10", "--plot", tmp_path / "month.pdf"),
            ErrorCode.INVALID_INPUT, "field 'plot'", "month.pdf")


def test_usage_and_lookup_errors(cli: Invoke, ready: Path) -> None:
    assert cli("parking", "bill").exit_code == 2  # --period is required
    refused(cli("parking", "bill", "--period", "2026-13"), ErrorCode.INVALID_DATE)
    refused(cli("parking", "report", "--period", "2026-10", "--compound", "nowhere"),
            ErrorCode.NOT_FOUND, "'nowhere'")
    result = cli("parking", "report", "--period", "2026-10", "--fee-bill", "12.345")
    assert result.exit_code == 1
