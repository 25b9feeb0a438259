"""Issue 16 (trust) on the command line: unknown compounds, re-dating a chart, refusals that
name what was asked, and suggestions for a mistyped account."""

from __future__ import annotations

from pathlib import Path

from conftest import Invoke, ok, refused
from revenue_helpers import ESTATE

from commons.errors import ErrorCode


def test_unknown_compounds_are_refused_where_the_estate_holds_compounds(
        cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "compounds.csv").write_text(ESTATE["compounds"], encoding="utf-8")
    assert cli("estate", "import", "compounds", tmp_path / "compounds.csv").exit_code == 0
    assert cli("ledger", "chart", "wjxc").exit_code == 0
    refused(cli("ledger", "chart", "wjcx"), ErrorCode.NOT_FOUND, "'wjcx'", "'wjxc'")
    refused(cli("ledger", "balance", "--compound", "hlp"), ErrorCode.NOT_FOUND, "'hlp'")
    refused(cli("audit", "export", "--format", "csv", "--out", tmp_path / "t.csv",
                "--compound", "hlp"), ErrorCode.NOT_FOUND, "'hlp'")
    assert not (tmp_path / "t.csv").exists()
    refused(cli("ledger", "trail", "assets:bank:co-managed:wjcx"),  # the chart was not opened
            ErrorCode.UNKNOWN_ACCOUNT)


def test_a_chart_with_a_wrong_date_is_reopened_then_the_opening_balance_posts(
        cli: Invoke, tmp_path: Path) -> None:
    """Issue 16 item 6: after `ledger chart hpl --date 2026-12-31`, an opening balance dated
    2026-11-30 posts once the chart is re-dated; an account with postings is not re-dated."""
    assert cli("ledger", "chart", "hpl", "--date", "2026-12-31").exit_code == 0
    opening = tmp_path / "opening.jsonl"
    opening.write_text(
        '{"date": "2026-11-30", "memo": "opening", "external_id": "open-hpl", "postings": ['
        '{"account": "assets:bank:co-managed:hpl", "amount": "5000.00"}, '
        '{"account": "equity:opening-balance:hpl", "amount": "-5000.00"}]}\n',
        encoding="utf-8")
    # The advice names the command that re-dates it, and the date the entry needs.
    refused(cli("ledger", "post", opening), ErrorCode.ACCOUNT_CLOSED,
            "commons ledger reopen assets:bank:co-managed:hpl --date 2026-11-30")
    refused(cli("ledger", "open", "assets:bank:co-managed:hpl", "--compound", "hpl",
                "--date", "2026-11-01"),
            ErrorCode.ALREADY_RECORDED_DIFFERENTLY, "commons ledger reopen")
    reopened = cli("ledger", "reopen", "--compound", "hpl", "--date", "2026-11-01",
                   "--reason", "typed the wrong year-end")
    assert reopened.exit_code == 0, reopened.output
    assert "re-dated assets:bank:co-managed:hpl: open from 2026-11-01" in reopened.stdout
    assert cli("ledger", "post", opening).exit_code == 0
    refused(cli("ledger", "reopen", "assets:bank:co-managed:hpl", "--date", "2026-01-01"),
            ErrorCode.ACCOUNT_IN_USE, "assets:bank:co-managed:hpl")
    ok(cli("audit", "verify"))


def test_a_mistyped_account_suggests_the_nearest_open_ones_first(cli: Invoke,
                                                                 tmp_path: Path) -> None:
    """Issue 16 item 8."""
    assert cli("ledger", "chart", "hpl").exit_code == 0
    entry = tmp_path / "e.jsonl"
    entry.write_text(
        '{"date": "2026-11-30", "memo": "parking", "external_id": "pk-1", "postings": ['
        '{"account": "assets:bank:co-managed:hpl", "amount": "5.00"}, '
        '{"account": "income:parkng:hpl", "amount": "-5.00"}]}\n', encoding="utf-8")
    stderr = refused(cli("ledger", "post", entry), ErrorCode.UNKNOWN_ACCOUNT, "e.jsonl:1")
    assert "income:parking:hpl" in stderr
    assert stderr.index("income:parking:hpl") < stderr.index("commons ledger open")


def test_json_output_keeps_chinese_as_it_is(cli: Invoke, tmp_path: Path) -> None:
    """Issue 16 item 13: JSON output is written with ``ensure_ascii=False``, so a compound's
    name reads 卫技新村, not ``\\u536b\\u6280...``."""
    (tmp_path / "compounds.csv").write_text(ESTATE["compounds"], encoding="utf-8")
    ok(cli("estate", "import", "compounds", tmp_path / "compounds.csv"))
    shown = cli("--json", "estate", "show", "wjxc")
    assert shown.exit_code == 0, shown.stderr
    assert '"name": "卫技新村"' in shown.stdout
    assert "\\u" not in shown.stdout
