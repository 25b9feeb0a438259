"""``commons bundle simulate --price / --sweep / --max-loss / --sensitivity`` through click's
CliRunner (issue 17): the loss probability beside every price, each option's help, the sweep
table's layout (golden), the JSON shapes docs/formats.md lists, the sweep's plot, and wrong
inputs refused with their codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, WriteFile, as_json, ok, refused
from test_bundle_pricing import SCENARIO
from test_cli_reconcile import assert_golden

from commons.errors import ErrorCode

PRICE = re.compile(r"-?\d+\.\d{4}")
SHARE = re.compile(r"[01]\.\d{4}")
AMOUNT = re.compile(r"-?\d+\.\d\d")
POINT_KEYS = {"price", "unit", "loss_probability", "losses", "runs", "expected_margin",
              "months", "margin"}


@pytest.fixture
def scenario(write_file: WriteFile) -> Path:
    return write_file("s.toml", SCENARIO)


def assert_point(point: dict[str, Any]) -> None:
    assert set(point) == POINT_KEYS
    assert PRICE.fullmatch(point["price"]) and SHARE.fullmatch(point["loss_probability"])
    assert AMOUNT.fullmatch(point["expected_margin"])
    assert point["unit"] == "CNY/m2/month" and point["months"] == 12
    # The margin is over the term, the expected margin too; expected_margin is a month.
    assert set(point["margin"]) == {"expected", "p5", "p50", "p95"}
    assert all(AMOUNT.fullmatch(v) for v in point["margin"].values())
    a_month = int(point["expected_margin"].replace(".", ""))
    assert point["margin"]["expected"] == f"{a_month * 12 / 100:.2f}"


def test_every_option_has_its_help(cli: Invoke) -> None:
    text = ok(cli("bundle", "simulate", "--help")).stdout
    for option in ("--price P", "--sweep FROM:TO:STEP", "--max-loss PCT", "--sensitivity",
                   "--plot"):
        assert option in text, option
    assert "bare fraction" in text and "at most 1000" in text


def test_every_price_shown_has_its_loss_probability(cli: Invoke, scenario: Path) -> None:
    text = ok(cli("bundle", "simulate", scenario, "--runs", "400")).stdout
    for label in ("break-even price", "target price", "report price"):
        assert re.search(rf"^  {label} +\d+\.\d{{4}}  loss \d+\.\d\d%$", text, re.M), label
    assert "(the target price: the contributions and margins below are at it" in text
    assert re.search(r"^\d+ runs \(seed \d+\) at \d+\.\d{4}, margin over 12 months: expected "
                     r"[-\d,.]+ \([-\d,.]+ a month\), p5 ", text, re.M)
    assert re.search(r"^big .* \d+\.\d{4} +\d+\.\d\d%$", text, re.M)
    break_even = float(re.search(r"break-even price .* loss (\d+\.\d\d)%", text)[1])
    assert 40 < break_even < 60  # about half the runs lose at break-even
    data = as_json(cli("--json", "bundle", "simulate", scenario, "--runs", "400"))
    for key in ("break_even_loss_probability", "target_loss_probability"):
        assert SHARE.fullmatch(data[key])
    assert all(SHARE.fullmatch(c["standalone_loss_probability"]) for c in data["compounds"])
    assert not {"evaluated", "sweep", "max_loss", "sensitivity"} & set(data)


def test_the_sweep_table_layout(cli: Invoke, scenario: Path) -> None:
    text = ok(cli("bundle", "simulate", scenario, "--runs", "500", "--seed", "7",
                  "--sweep", "1.00:1.20:0.05")).stdout
    section = text[text.index("prices swept"):]
    assert_golden("bundle_sweep.txt", section)


def test_json_shapes_of_a_bid(cli: Invoke, scenario: Path) -> None:
    data = as_json(cli("--json", "bundle", "simulate", scenario, "--runs", "300", "--price",
                       "1.10", "--sweep", "1.00:1.20:0.1", "--max-loss", "5%",
                       "--sensitivity"))
    assert data["evaluated"]["price"] == "1.1000"
    assert_point(data["evaluated"])
    assert [p["price"] for p in data["sweep"]] == ["1.0000", "1.1000", "1.2000"]
    for p in data["sweep"]:
        assert_point(p)
    assert data["max_loss"]["target"] == "5%"
    assert_point({k: v for k, v in data["max_loss"].items() if k != "target"})
    assert float(data["max_loss"]["loss_probability"]) <= 0.05
    cases = [s["case"] for s in data["sensitivity"]]
    assert cases == ["bundle", "without big", "without small", "costs +10%"]
    for s in data["sensitivity"]:
        assert set(s) == {"case", "compound", "cost_rise", "break_even", "target",
                          "target_change"}
        assert_point(s["break_even"])
        assert_point(s["target"])
        assert PRICE.fullmatch(s["target_change"])
    assert data["sensitivity"][1]["compound"] == "big"
    assert data["sensitivity"][3]["cost_rise"] == "10.00"
    assert data["sensitivity"][0]["target"]["price"] == data["target_price"]


def test_a_price_evaluated_says_its_units(cli: Invoke, scenario: Path) -> None:
    text = ok(cli("bundle", "simulate", scenario, "--runs", "300", "--price", "1.10")).stdout
    # The report above stays at the target price, and says so; the price asked for is below,
    # its margins all over the term, the expected one with a month of it beside.
    assert "  report price " in text and "(the target price" in text
    assert re.search(r"^--price 1\.1000 \(CNY per m² per month\): loss probability "
                     r"\d+\.\d\d% \(\d+ of 300 runs\); margin over 12 months: expected "
                     r"[-\d,.]+ \([-\d,.]+ a month\), p5 [-\d,.]+, p50 [-\d,.]+, p95 [-\d,.]+$",
                     text, re.M)


def test_max_loss_as_text(cli: Invoke, scenario: Path) -> None:
    text = ok(cli("bundle", "simulate", scenario, "--runs", "300", "--max-loss", "5")).stdout
    found = re.search(r"lowest price with a loss probability of at most 5%: (\d+\.\d{4}) "
                      r"\(loss (\d+\.\d\d)%", text)
    assert found and float(found[2]) <= 5


def test_sensitivity_as_text(cli: Invoke, scenario: Path) -> None:
    text = ok(cli("bundle", "simulate", scenario, "--runs", "200", "--sensitivity")).stdout
    assert "sensitivity, prices needed:" in text
    assert re.search(r"^without small +\d+\.\d{4} +\d+\.\d\d% +\d+\.\d{4} +\d+\.\d\d% +"
                     r"-\d+\.\d{4}$", text, re.M)
    assert re.search(r"^costs \+10% .* \+\d+\.\d{4}$", text, re.M)


def test_a_sweep_draws_its_plot(cli: Invoke, scenario: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "sweep.png"
    ok(cli("bundle", "simulate", scenario, "--runs", "100", "--sweep", "1.00:1.20:0.05",
           "--max-loss", "5%", "--plot", png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "code"), [
    (["--sweep", "1.00:1.20"], ErrorCode.INVALID_INPUT),  # not FROM:TO:STEP
    (["--sweep", "1.00:1.20:0"], ErrorCode.INVALID_INPUT),  # step 0
    (["--sweep", "1.20:1.00:0.05"], ErrorCode.INVALID_INPUT),  # from above to
    (["--sweep", "1.00:1.20:-0.05"], ErrorCode.INVALID_AMOUNT),  # a step below 0
    (["--sweep", "0:1000:0.0001"], ErrorCode.INVALID_INPUT),  # too many prices
    (["--max-loss", "150%"], ErrorCode.INVALID_AMOUNT),  # over 100%
    (["--max-loss", "0.05"], ErrorCode.INVALID_AMOUNT),  # a bare fraction
    (["--price", "1.23456"], ErrorCode.INVALID_AMOUNT),  # finer than a hundredth of a fen
    (["--price", "-1"], ErrorCode.INVALID_AMOUNT),
])
def test_wrong_inputs_are_refused_with_their_codes(cli: Invoke, scenario: Path,
                                                   args: list[str], code: ErrorCode) -> None:
    field = args[0]
    message = refused(cli("bundle", "simulate", scenario, "--runs", "10", *args), code, field)
    if args[1] == "0.05":
        assert '"5%"' in message  # the hint names the percentage meant
