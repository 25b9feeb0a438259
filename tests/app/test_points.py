"""Volunteer points against real books, on both stores: a roster confirmed by a second person of
another role issues points in the journal under the cap; redemptions on an order are paid from
the sponsor fund at the provider's settlement; shelf stock, transfers, expiry and the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from market_helpers import clock, order
from points_helpers import earn, points_books, programme_file, refused, roster_file

import commons
from commons.errors import ErrorCode
from commons.money import Money

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def api(tmp_path: Path) -> commons.Books:
    return points_books(tmp_path / "p.db", tmp_path)


def pts(api: commons.Books, prefix: str) -> dict[str, Money]:
    return {b.account: b.balance for b in api.ledger.balance(prefix).balances}


def test_a_confirmed_roster_issues_points_into_the_journal(api: commons.Books,
                                                          tmp_path: Path) -> None:
    issued = earn(api, tmp_path, "cleanup-1108", ["c-1108,clean-up,2026-11-08,r-yu,2.5",
                                                  "c-1108,clean-up,2026-11-08,r-jiang,2",
                                                  "h-1109,help-elderly,2026-11-09,r-yu,1"])
    assert issued == 25 + 20 + 15
    assert pts(api, "liabilities:points:jz") == {
        "liabilities:points:jz:held:r-jiang": Money(-20, "PTS"),
        "liabilities:points:jz:held:r-yu": Money(-40, "PTS")}
    s = api.points.statement("r-yu")
    assert s.balance == 40 and [lot.expires_on.isoformat() for lot in s.lots] == [
        "2028-11-08", "2028-11-09"]
    assert api.audit.verify().ok


def test_the_organiser_cannot_confirm_nor_one_of_the_same_role(api: commons.Books,
                                                              tmp_path: Path) -> None:
    api.points.submit("jz", roster_file(tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,1"]),
                      by="org-wang")
    refused(ErrorCode.NOT_AUTHORISED, api.points.confirm, "r1", by="org-wang")
    refused(ErrorCode.NOT_AUTHORISED, api.points.confirm, "r1", by="org-li")
    refused(ErrorCode.NOT_AUTHORISED, api.points.confirm, "r1", by="r-jiang")
    assert pts(api, "liabilities:points") == {}
    assert api.points.confirm("r1", by="cw-zhao").issued == 10


def test_an_organiser_cannot_award_themselves(api: commons.Books, tmp_path: Path) -> None:
    api.points.enrol("jz", [commons.app.Member("org-wang", "jx171-201")])
    refused(ErrorCode.NOT_AUTHORISED, api.points.submit, "jz",
           roster_file(tmp_path, "self", ["a,clean-up,2026-11-08,org-wang,1"]), by="org-wang")


def test_a_roster_posts_once_and_a_line_once(api: commons.Books, tmp_path: Path) -> None:
    rows = ["a,clean-up,2026-11-08,r-yu,1"]
    assert earn(api, tmp_path, "r1", rows) == 10
    head = api.audit.verify().head_hash
    again = api.points.submit("jz", tmp_path / "r1.csv", by="org-wang")
    assert again.already_recorded
    assert api.points.confirm("r1", by="cw-zhao").already_recorded
    assert api.audit.verify().head_hash == head
    refused(ErrorCode.CONFLICT, api.points.submit, "jz", roster_file(tmp_path, "r2", rows),
           by="org-wang")
    refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.submit, "jz",
           roster_file(tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,2"]), by="org-wang")


def test_the_cap_holds_and_the_excess_is_reported(tmp_path: Path) -> None:
    api = points_books(tmp_path / "p.db", tmp_path, cap=30)
    api.points.submit("jz", roster_file(tmp_path, "r1", [
        "a,clean-up,2026-11-08,r-yu,2", "b,clean-up,2026-11-09,r-yu,2",
        "c,clean-up,2026-12-01,r-yu,1"]), by="org-wang")
    done = api.points.confirm("r1", by="cw-zhao")
    assert [(a.line.line, a.points, a.issued) for a in done.capped] == [(3, 20, 10)]
    assert (done.issued, done.excess, done.people) == (40, 10, 1)
    again = api.points.confirm("r1", by="cw-zhao")
    assert again.already_recorded and (again.issued, again.excess) == (40, 10)
    assert api.points.balance("r-yu", as_of="2026-12-01").balance == 40
    assert api.points.balance("r-yu", as_of="2026-11-30").balance == 30  # before the 12-01 lot


def test_bad_roster_lines_are_named_and_nothing_is_recorded(api: commons.Books,
                                                             tmp_path: Path) -> None:
    bad = roster_file(tmp_path, "bad", ["a,clean-up,2026-11-08,r-yu,1",
                                        "a,sweeping,2026-11-08,r-jiang,1",
                                        "b,help-elderly,2026-11-08,r-jiang,1.5",
                                        "c,clean-up,2026-11-08,nobody,1"])
    problems: Any = refused(ErrorCode.SEVERAL, api.points.submit, "jz", bad, by="org-wang")
    assert [(p.where.line, p.code) for p in problems.problems] == [
        (3, ErrorCode.NOT_FOUND), (4, ErrorCode.INVALID_AMOUNT), (5, ErrorCode.NOT_FOUND)]
    refused(ErrorCode.NOT_FOUND, api.points.confirm, "bad", by="cw-zhao")
    wrong = roster_file(tmp_path, "wrong", ["a,clean-up,2026-13-08,r-yu,1"])
    error: Any = refused(ErrorCode.INVALID_DATE, api.points.submit, "jz", wrong,
                         by="org-wang")
    assert [(p.where.line, p.where.field) for p in error.problems] == [(2, "date")]
    refused(ErrorCode.INVALID_AMOUNT, api.points.submit, "jz",
           roster_file(tmp_path, "neg", ["a,clean-up,2026-11-08,r-yu,-1"]), by="org-wang")


def test_points_pay_part_of_an_order_and_the_fund_pays_the_provider(
        api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,5"])
    order(api, "o1", day=10)  # 12.00 a meal, the resident pays 7.80
    refused(ErrorCode.INVALID_AMOUNT, api.points.redeem, "jz", "r-yu", order="o1", points=80)
    refused(ErrorCode.NOT_AUTHORISED, api.points.redeem, "jz", "r-jiang", order="o1", points=1)
    paid = api.points.redeem("jz", "r-yu", order="o1", points=33, on="2026-11-10")
    assert paid.value == Money.yuan("3.30") and paid.provider == "canteen"
    assert api.points.redeem("jz", "r-yu", order="o1", points=33).already_recorded
    refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.redeem, "jz", "r-yu",
           order="o1", points=34)
    assert pts(api, "assets:receivable:points-fund") == {
        "assets:receivable:points-fund:jz": Money.yuan("3.30")}
    order(api, "o2", day=12)
    preview = api.market.statement("canteen", "2026-11").settlement
    api.market.settle("2026-11")
    s = api.market.statement("canteen", "2026-11").settlement
    assert s == preview
    # Residents paid 2 x 7.80 less the 3.30 in points, in yuan; the fund pays the 3.30.
    assert (s.resident_paid, s.points_value) == (Money.yuan("12.30"), Money.yuan("3.30"))
    assert [x.points_value for x in s.lines] == [Money.yuan("3.30"), Money.zero()]
    assert s.gross == s.resident_paid + s.subsidy + s.concession + s.points_value
    assert s.net_payable == s.resident_paid + s.subsidy + s.points_value - s.compound_share
    assert pts(api, "assets:receivable:points-fund") == {
        "assets:receivable:points-fund:jz": Money.zero()}
    assert pts(api, "assets:points-fund") == {"assets:points-fund:jz": Money.yuan("96.70")}
    api.market.settle("2026-11")
    assert pts(api, "assets:points-fund") == {"assets:points-fund:jz": Money.yuan("96.70")}
    refused(ErrorCode.CLOSED_PERIOD, api.points.redeem, "jz", "r-yu", order="o2", points=1)


def test_the_shelf_keeps_stock_and_balances_never_go_negative(api: commons.Books,
                                                              tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,10"])
    api.points.redeem("jz", "r-yu", item="rice", quantity=2, id="shelf-1", on="2026-11-20")
    assert api.points.balance("r-yu", as_of="2026-11-20").balance == 20
    refused(ErrorCode.REFUSED, api.points.redeem, "jz", "r-yu", item="rice", id="shelf-2")
    refused(ErrorCode.INSUFFICIENT_FUNDS, api.points.transfer, "jz", "r-yu", "r-yu-son", 21,
           id="t1")
    assert api.points.programme("jz").item("rice").stock == 0


def test_transfers_within_a_household_only_unless_allowed(api: commons.Books,
                                                          tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3"])
    moved = api.points.transfer("jz", "r-yu", "r-yu-son", 12, id="t1", on="2026-11-20")
    assert not moved.already_recorded
    son = api.points.statement("r-yu-son", as_of="2026-11-20")
    assert son.balance == 12 and son.lots[0].expires_on.isoformat() == "2028-11-08"
    refused(ErrorCode.NOT_AUTHORISED, api.points.transfer, "jz", "r-yu", "r-jiang", 1, id="t2")


def test_expiry_moves_what_is_left_once(api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3"])
    refused(ErrorCode.INSUFFICIENT_FUNDS, api.points.redeem, "jz", "r-yu", item="rice",
           id="late", on="2028-11-08")
    api.close()
    api = commons.connect(tmp_path / "p.db", clock=clock("2028-11-08T09:00:00"))
    (run,) = api.points.expire("2028-11-08")
    assert (run.lots, run.points) == (1, 30)
    (again,) = api.points.expire("2028-11-08")
    assert again.points == 0
    report = api.points.report("jz", "2028-Q4")
    assert (report.liability.issued, report.liability.held, report.liability.expired) == (
        30, 0, 30)


def test_the_report_names_only_those_who_agreed(api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3",
                               "a,clean-up,2026-11-08,r-sun,1",
                               "a,clean-up,2026-11-08,r-jiang,2"])
    report = api.points.report("jz", "2026-Q4")
    (building,) = report.buildings
    assert building.points == 60 and building.unnamed == 1 and building.unnamed_points == 10
    assert [(n.person, n.points) for n in building.named] == [("r-yu", 30), ("r-jiang", 20)]
    assert report.liability.value == Money.yuan("6.00") and report.liability.covered


def test_the_report_warns_when_the_fund_cannot_cover(tmp_path: Path) -> None:
    api = points_books(tmp_path / "p.db", tmp_path, fund="1.00")
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3"])
    liability = api.points.report("jz", "2026-Q4").liability  # confirmed today, 1 December
    assert not liability.covered and "2.00 short" in liability.warning


def test_a_programme_again_is_a_no_op_and_other_details_conflict(api: commons.Books,
                                                                 tmp_path: Path) -> None:
    assert api.points.add_programme(programme_file(tmp_path)).already_recorded
    refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.add_programme,
           programme_file(tmp_path, cap=5))
    assert pts(api, "assets:points-fund") == {"assets:points-fund:jz": Money.yuan("100.00")}


@pytest.mark.parametrize("fmt", ["jsonl", "beancount"])
def test_every_export_carries_the_points_and_checks_out(api: commons.Books, tmp_path: Path,
                                                        fmt: str) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3"])
    out = tmp_path / f"books.{fmt}"
    manifest = api.audit.export(out, format=fmt, account="liabilities:points")
    assert "PTS" in out.read_text(encoding="utf-8")
    assert {t.currency for t in manifest.totals} == {"PTS"}
    assert api.audit.check_export(out).ok


@pytest.mark.sqlite_only
def test_verify_finds_points_changed_behind_the_books_back(api: commons.Books,
                                                           tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,3"])
    assert api.audit.verify().ok
    with closing(sqlite3.connect(tmp_path / "p.db")) as conn:
        triggers = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'postings'")]
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE postings SET amount_fen = amount_fen * 10 WHERE currency = 'PTS'")
        conn.commit()
    assert not api.audit.verify().ok


def test_staff_enrol_members_once_and_members_keep_their_household(api: commons.Books) -> None:
    added = api.points.add_member("jz", "r-sun-2", household="jx171-201", by="org-wang")
    assert (added.member.named, added.already_recorded) == (False, False)
    assert api.points.add_member("jz", "r-sun-2", household="jx171-201",
                                 by="org-wang").already_recorded
    # Their consent to be named is theirs to change; their household is not.
    again = api.points.add_member("jz", "r-sun-2", household="jx171-201", named=True,
                                  by="cw-zhao")
    assert (again.already_recorded, again.consent_changed, again.member.named) == (
        False, True, True)
    refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.add_member, "jz", "r-sun-2",
            household="jx171-101", by="org-wang")
    refused(ErrorCode.NOT_AUTHORISED, api.points.add_member, "jz", "r-x",
            household="jx171-101", by="r-yu")
    refused(ErrorCode.NOT_FOUND, api.points.add_member, "jz", "r-x", household="nowhere",
            by="org-wang")
    refused(ErrorCode.INVALID_INPUT, api.points.add_member, "jz", "r x",
            household="jx171-101", by="org-wang")
    members = api.points.members("jz")
    assert [m.person for m in members] == ["r-jiang", "r-sun", "r-sun-2", "r-yu", "r-yu-son"]
    assert next(m for m in members if m.person == "r-sun-2").named
    refused(ErrorCode.NOT_FOUND, api.points.members, "nope")


def test_staff_restock_the_shelf_once_per_id(api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,12"])
    api.points.redeem("jz", "r-yu", item="rice", quantity=2, id="shelf-1", on="2026-11-20")
    done = api.points.restock("jz", "rice", 3, id="delivery-1", by="cw-zhao", on="2026-11-21")
    assert (done.stock, done.already_recorded) == (3, False)
    again = api.points.restock("jz", "rice", 3, id="delivery-1", by="cw-zhao")
    assert again.already_recorded and api.points.programme("jz").item("rice").stock == 3
    refused(ErrorCode.ALREADY_RECORDED_DIFFERENTLY, api.points.restock, "jz", "rice", 4,
            id="delivery-1", by="cw-zhao")
    refused(ErrorCode.NOT_AUTHORISED, api.points.restock, "jz", "rice", 1, id="d2", by="r-yu")
    refused(ErrorCode.NOT_FOUND, api.points.restock, "jz", "oil", 1, id="d2", by="cw-zhao")
    for bad in (0, -1):
        refused(ErrorCode.INVALID_AMOUNT, api.points.restock, "jz", "rice", bad, id="d2",
                by="cw-zhao")
    assert api.points.programme("jz").item("rice").stock == 3
    api.points.redeem("jz", "r-yu", item="rice", quantity=1, id="shelf-2", on="2026-11-22")
    assert api.points.programme("jz").item("rice").stock == 2


def test_points_of_two_programmes_never_pay_more_than_the_residents_share(
        api: commons.Books, tmp_path: Path) -> None:
    """Found trying points as a new user: each programme checked its own redemption against
    the whole resident's share, so two programmes together could pay more than it."""
    second = tmp_path / "second"
    second.mkdir()
    text = programme_file(second).read_text(encoding="utf-8")
    (second / "jz.toml").write_text(text.replace('id = "jz"', 'id = "jz2"', 1),
                                    encoding="utf-8")
    api.points.add_programme(second / "jz.toml")
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,10"])
    api.points.submit("jz2", roster_file(tmp_path, "r2", ["b,clean-up,2026-11-08,r-yu,10"]),
                      by="org-wang")
    api.points.confirm("r2", programme="jz2", by="cw-zhao")
    order(api, "o1", day=10)  # the resident pays 7.80
    api.points.redeem("jz", "r-yu", order="o1", points=50, on="2026-11-10")  # 5.00
    error = refused(ErrorCode.INVALID_AMOUNT, api.points.redeem, "jz2", "r-yu", order="o1",
                    points=30, on="2026-11-10")
    assert "at most 28 points" in error.fix
    api.points.redeem("jz2", "r-yu", order="o1", points=28, on="2026-11-10")
    s = api.market.statement("canteen", "2026-11").settlement
    assert (s.resident_paid, s.points_value) == (Money.zero(), Money.yuan("7.80"))


def test_the_trials_refusals_say_what_to_do(api: commons.Books, tmp_path: Path) -> None:
    """Found trying points as a new user: an empty shelf offered "take at most 0", a transfer
    to oneself was blamed on the household rule, and a malformed person named no field."""
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-08,r-yu,10"])
    api.points.redeem("jz", "r-yu", item="rice", quantity=2, id="shelf-1", on="2026-11-20")
    empty = refused(ErrorCode.REFUSED, api.points.redeem, "jz", "r-yu", item="rice",
                    id="shelf-2")
    assert "points shelf restock" in (empty.fix or "")
    refused(ErrorCode.INVALID_INPUT, api.points.transfer, "jz", "r-yu", "r-yu", 1, id="t1")
    bad = refused(ErrorCode.INVALID_INPUT, api.points.add_member, "jz", "r yu",
                  household="jx171-101", by="org-wang")
    assert bad.where.field == "person"
    stranger = refused(ErrorCode.NOT_FOUND, api.points.redeem, "jz", "r-x", item="rice",
                       id="shelf-3")
    assert "points member add" in (stranger.fix or "")


def test_points_on_a_withheld_order_are_not_paid(api: commons.Books, tmp_path: Path) -> None:
    earn(api, tmp_path, "r1", ["a,clean-up,2026-11-01,r-yu,5"])
    order(api, "o1", service="fix", resident=None, day=5)
    api.points.redeem("jz", "r-yu", order="o1", points=20, on="2026-11-06")
    api.contracts.party_score("shinan-pm", year=2026, score="4", on="2026-11-04")
    (s,) = [x for x in api.market.settle("2026-11").settlements if x.provider == "repairs"]
    assert s.withheld == ("o1",) and s.points_value == Money.zero()
    assert pts(api, "assets:points-fund") == {"assets:points-fund:jz": Money.yuan("100.00")}
    assert pts(api, "assets:receivable:points-fund") == {
        "assets:receivable:points-fund:jz": Money.yuan("2.00")}


@pytest.mark.sqlite_only
def test_a_settlement_recorded_before_points_showed_reads_as_recorded(
        api: commons.Books, tmp_path: Path) -> None:
    """A settlement stored before its lines kept the points' value (one column fewer) reads
    back as it was recorded: points_value zero, resident_paid as then."""
    import json
    import sqlite3
    from contextlib import closing

    order(api, "o1", day=10)
    api.market.settle("2026-11")
    before = api.market.statement("canteen", "2026-11").settlement
    with closing(sqlite3.connect(tmp_path / "p.db")) as conn:
        (figures,) = conn.execute("SELECT figures FROM market_settlements WHERE "
                                  "provider = 'canteen'").fetchone()
        old = json.loads(figures)
        old["lines"] = [line[:-1] for line in old["lines"]]
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'market_settlements'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")  # as the record was written then
        conn.execute("UPDATE market_settlements SET figures = ? WHERE provider = 'canteen'",
                     (json.dumps(old),))
        conn.commit()
    after = api.market.statement("canteen", "2026-11").settlement
    assert after == before and after.points_value == Money.zero()
