"""The built-in profiles read a file written from each export's documented layout: the right
counts and sums of money in and out, the skipped rows reported, money out kept as money out,
and any profile reads a file written from random lines back to the same signed amounts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import statement_file

from commons import InvalidInput, Money
from commons.files import decode_text
from commons.io.bank_csv import CsvProfile
from commons.io.bank_formats import read_statements, resolve_profiles
from commons.io.bank_profiles import BUILTIN_PROFILES

STATEMENTS = Path(__file__).parents[2] / "fixtures" / "statements"

# profile: (lines in, money in, lines out, money out, skipped source lines)
EXPECTED = {
    "icbc": (2, "1203.50", 1, "80.00", [9]),
    "icbc-app": (2, "1203.50", 1, "80.00", [6]),
    "abc": (2, "502.10", 1, "120.00", [6]),
    "abc-app": (2, "502.10", 1, "120.00", [4]),
    "boc": (1, "800.00", 2, "180.00", [7]),
    "boc-web": (2, "800.35", 2, "180.00", [11]),
    "ccb": (2, "300.95", 1, "45.00", [6]),
    "ccb-app": (2, "300.95", 1, "45.00", [7]),
    "bocom": (2, "2001.20", 1, "500.00", [7]),
    "bocom-app": (2, "2001.20", 1, "500.00", [5]),
    "cmb": (1, "600.00", 1, "88.00", [7]),
    "cmb-app": (1, "600.00", 1, "88.00", [4]),
    "wechat": (3, "35.00", 1, "3.50", [19]),
    "alipay": (2, "25.00", 1, "3.00", [18, 19]),
}


def read(name: str, profile: str | None = None) -> list:  # type: ignore[type-arg]
    data = (STATEMENTS / f"{name}.csv").read_bytes()
    profiles = resolve_profiles(profile) if profile else None
    return read_statements(data, f"{name}.csv", profiles=profiles)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_layout_is_recognised_and_reads_with_its_sums(name: str) -> None:
    n_in, money_in, n_out, money_out, skipped = EXPECTED[name]
    for profile in (None, name):
        (statement,) = read(name, profile)
        assert statement.reader == f"csv:{name}"
        ins = [x.amount for x in statement.lines if x.amount.fen > 0]
        outs = [x.amount for x in statement.lines if x.amount.fen < 0]
        assert (len(ins), sum(ins, Money.zero())) == (n_in, Money.yuan(money_in))
        assert (len(outs), -sum(outs, Money.zero())) == (n_out, Money.yuan(money_out))
        assert [x.source_line for x in statement.skipped] == skipped


@pytest.mark.parametrize(("name", "line"), [
    ("icbc", 10), ("icbc-app", 5), ("abc", 5), ("abc-app", 3), ("boc", 5), ("boc-web", 8),
    ("ccb", 5),
    ("ccb-app", 6), ("bocom", 5),
    ("bocom-app", 3), ("cmb", 6), ("cmb-app", 3), ("wechat", 20), ("alipay", 17)])
def test_money_out_stays_money_out(name: str, line: int) -> None:
    (statement,) = read(name)
    (paid,) = [x for x in statement.lines if x.source_line == line]
    assert paid.amount.fen < 0


def test_skipped_rows_say_why() -> None:
    (alipay,) = read("alipay")
    assert [x.reason for x in alipay.skipped] == ["交易状态 退款成功", "交易状态 交易关闭"]
    (wechat,) = read("wechat")
    assert [x.reason for x in wechat.skipped] == ["收/支 /"]
    (icbc,) = read("icbc")
    assert [x.reason for x in icbc.skipped] == ["moves 0.00"]


def test_balances_and_wallet_references() -> None:
    (icbc,) = read("icbc")
    assert (icbc.opening, icbc.closing) == (Money.yuan("10000.00"), Money.yuan("11123.50"))
    (wechat,) = read("wechat")
    assert not wechat.balances_known
    assert wechat.lines[0].reference == "1000050001202610050000003"  # tab padding cleaned
    assert wechat.lines[0].booked_on == dt.date(2026, 10, 5)


@pytest.mark.parametrize(("name", "old", "new", "line", "field"), [
    ("bocom", "借 Dr,500.00", "转,500.00", 5, "借贷状态"),
    ("wechat", "支出,¥3.50", "支 出,¥3.50", 20, "收/支"),
    ("alipay", "支出,3.00", ",3.00", 17, "收/支"),
])
def test_a_direction_the_profile_cannot_tell_is_refused_with_its_line(
        name: str, old: str, new: str, line: int, field: str) -> None:
    encoding = "gb18030" if name == "alipay" else "utf-8-sig"
    text = (STATEMENTS / f"{name}.csv").read_bytes().decode(encoding)
    assert old in text
    with pytest.raises(InvalidInput) as caught:
        read_statements(text.replace(old, new).encode(encoding), "x.csv")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("x.csv", line, field)


def test_a_trailer_ends_the_table_and_ragged_rows_pass_where_the_profile_says() -> None:
    profile = CsvProfile.from_toml(
        'date = "日期"\namount = "金额"\ntrailer = "^合计"\nragged = true\n', "p.toml")
    text = "日期,金额,摘要\n2026-10-01,1.00\n2026-10-02,2.00,x,y\n合计,3.00\n"
    (statement,) = read_statements(text.encode(), "p.csv", profiles=[profile])
    assert [x.amount for x in statement.lines] == [Money.yuan("1.00"), Money.yuan("2.00")]
    strict = CsvProfile.from_toml('date = "日期"\namount = "金额"\n', "p.toml")
    with pytest.raises(InvalidInput) as caught:
        read_statements(text.encode(), "p.csv", profiles=[strict])
    assert caught.value.line == 2


@pytest.mark.parametrize(("toml", "field"), [
    ('direction = "收/支"\n', "direction"),
    ('[directions]\n"收入" = "in"\n', "direction"),
    ('direction = "收/支"\n[directions]\n"收入" = "maybe"\n', "directions"),
    ('skip_status = ["交易关闭"]\n', "status"),
    ('trailer = "(合计"\n', "trailer"),
    ("skip_zero = 1\n", "skip_zero"),
    ("[directions]\n\"收入\" = 1\n", "directions"),
])
def test_bad_direction_and_skip_settings_name_their_key(toml: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        CsvProfile.from_toml('date = "日期"\namount = "金额"\n' + toml, "p.toml")
    assert caught.value.field == field


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(sorted(BUILTIN_PROFILES)),
       fens=st.lists(st.integers(-10**9, 10**9).filter(bool), min_size=1, max_size=20),
       start=st.integers(0, 10**9))
def test_any_profile_reads_random_lines_back_to_the_same_signed_amounts(
        name: str, fens: list[int], start: int) -> None:
    profile = BUILTIN_PROFILES[name]
    data = statement_file(profile, fens, start)
    (statement,) = read_statements(data, "r.csv", profiles=[profile])
    assert [x.amount.fen for x in statement.lines] == fens
    assert statement.skipped == ()


def _fits(profile: CsvProfile, name: str) -> bool:
    """Whether some row of the fixture ``name`` names every column ``profile`` requires."""
    text = decode_text((STATEMENTS / f"{name}.csv").read_bytes(), name)
    rows = [[cell.strip() for cell in line.split(profile.delimiter)]
            for line in text.splitlines()]
    return any(all(h in row for h in profile.required()) for row in rows)


def test_where_two_profiles_fit_the_more_specific_header_wins_for_every_pair() -> None:
    """Every fixture against every other built-in profile, tried first or last: its own
    profile reads it. The pairs where both fit are listed, so a new overlap is seen here."""
    both = {(name, other) for name in EXPECTED for other in BUILTIN_PROFILES
            if other != name and _fits(BUILTIN_PROFILES[other], name)}
    assert both == {("cmb-app", "cmb")}
    own = {name: BUILTIN_PROFILES[name] for name in EXPECTED}
    for name, profile in own.items():
        for other in BUILTIN_PROFILES.values():
            for order in ([other, profile], [profile, other]):
                data = (STATEMENTS / f"{name}.csv").read_bytes()
                (statement,) = read_statements(data, f"{name}.csv", profiles=order)
                assert statement.reader == f"csv:{name}", (name, other.name)


def test_the_app_layouts_are_told_from_the_web_ones() -> None:
    """The import says which profile it used, and an app's export is never read as its
    bank's web export (nor the other way round)."""
    for bank in ("icbc", "abc", "ccb", "bocom", "cmb"):
        assert read(bank)[0].reader == f"csv:{bank}"
        assert read(f"{bank}-app")[0].reader == f"csv:{bank}-app"


def test_placeholders_in_text_cells_are_blank() -> None:
    """The BOC app fills empty cells with dashes, the ICBC app with （空）: neither names a
    counterparty."""
    (boc,) = read("boc")
    fee = next(x for x in boc.lines if x.source_line == 6)
    assert (fee.counterparty, fee.payment_reference) == ("", "")
    (icbc,) = read("icbc-app")
    interest = next(x for x in icbc.lines if x.source_line == 7)
    assert interest.counterparty == ""
    assert icbc.lines[0].counterparty == "卫技新村停车场 6222000011112222"


def test_the_alipay_app_list_in_its_other_column_order_with_padded_headers() -> None:
    """china_bean_importers shows the app's list with 收/支 first and every header cell padded
    with spaces; columns are found by name, so it reads the same."""
    header = ["收/支", "交易对方", "对方账号", "商品说明", "收/付款方式", "金额", "交易状态",
              "交易分类", "交易订单号", "商家订单号", "交易时间"]
    text = "\n".join([
        "-" * 24 + "支付宝（中国）网络技术有限公司  电子客户回单" + "-" * 24,
        ",".join(f"{h:<20}" for h in header) + ",",
        "收入,王五,wang***@163.com,停车费,,20.00,交易成功,收入,2026100822001400001\t,,"
        "2026-10-08 10:00:00,",
        "支出,联华超市,lh***@alipay.com,纸巾,余额,3.00,交易成功,日用百货,2026100722001400002\t,"
        "T20261007001\t,2026-10-07 10:00:00,",
    ]) + "\n"
    (statement,) = read_statements(text.encode("gb18030"), "alipay-app.csv")
    assert statement.reader == "csv:alipay"
    assert [x.amount for x in statement.lines] == [Money.yuan("-3.00"), Money.yuan("20.00")]


def test_the_boc_web_export_is_utf16_and_tab_separated() -> None:
    """Bank of China's web export: UTF-16LE with its byte-order mark, cells split by tabs, an
    account preamble above the header and a 合计 trailer below a blank row. It is read without
    --profile, with its counterparty and 附言; the same file saved as UTF-8 with its tabs is
    read as boc-web still; saved with commas instead of tabs, it is no boc-web file."""
    data = (STATEMENTS / "boc-web.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")
    (statement,) = read_statements(data, "boc-web.csv")
    assert (statement.opening, statement.closing) == (Money.yuan("2000.00"),
                                                      Money.yuan("2620.35"))
    first = statement.lines[0]
    # 附言, the only text the export has, is both the memo and what the payer wrote.
    assert (first.counterparty, first.memo, first.payment_reference) == ("张三", "摊位费", "摊位费")
    assert first.booked_on == dt.date(2026, 10, 5)
    (utf8,) = read_statements(data.decode("utf-16").encode("utf-8"), "boc-web.csv")
    assert (utf8.reader, utf8.lines) == (statement.reader, statement.lines)
    commas = io.StringIO()
    csv.writer(commas).writerows(csv.reader(io.StringIO(data.decode("utf-16")), delimiter="\t"))
    with pytest.raises(InvalidInput) as caught:
        read_statements(commas.getvalue().encode("utf-8"), "boc.csv",
                        profiles=resolve_profiles("boc-web"))
    assert (caught.value.code, caught.value.line) == ("malformed_file", 1)


def test_a_ragged_row_of_a_tab_separated_file_is_told_in_tabs() -> None:
    profile = CsvProfile.from_toml('date = "日期"\namount = "金额"\ndelimiter = "\\t"\n', "p.toml")
    text = "日期\t金额\n2026-10-01\t1.00\tx\ty\n"
    with pytest.raises(InvalidInput) as caught:
        read_statements(text.encode(), "t.csv", profiles=[profile])
    assert (caught.value.line, "extra tab" in (caught.value.fix or "")) == (2, True)


def test_a_utf16_profile_reads_a_file_without_its_byte_order_mark() -> None:
    """A profile's ``encoding = "utf-16"`` reads text that lost its mark (little-endian, as
    Windows writes it); detection alone would not dare."""
    text = "日期\t金额\n2026-10-01\t-1.00\n"
    profile = CsvProfile.from_toml(
        'date = "日期"\namount = "金额"\ndelimiter = "\\t"\nencoding = "utf-16"\n', "p.toml")
    (statement,) = read_statements(text.encode("utf-16-le"), "p.csv", profiles=[profile])
    assert [x.amount for x in statement.lines] == [Money.yuan("-1.00")]


@pytest.mark.parametrize(("name", "codec"), [
    ("alipay", "utf-8"), ("alipay", "utf-8-sig"), ("alipay", "utf-16"), ("alipay", "gb18030"),
    ("boc-web", "utf-16"), ("boc-web", "utf-16-le"), ("boc-web", "utf-8")])
def test_a_profiles_encoding_yields_to_what_the_bytes_say(name: str, codec: str) -> None:
    """Found by hand: the Alipay list re-saved from Excel as CSV UTF-8 (or as Unicode text)
    was refused under --profile alipay as "not valid gb18030 text", with the fix "save the
    file as UTF-8". A byte-order mark or valid UTF-8 is read as such; the profile's encoding
    serves where the bytes do not say (GB18030, UTF-16 that lost its mark)."""
    text = decode_text((STATEMENTS / f"{name}.csv").read_bytes(), name)
    n_in, money_in, _, _, _ = EXPECTED[name]
    (statement,) = read_statements(text.encode(codec), f"{name}.csv",
                                   profiles=resolve_profiles(name))
    ins = [x.amount for x in statement.lines if x.amount.fen > 0]
    assert (len(ins), sum(ins, Money.zero())) == (n_in, Money.yuan(money_in))


@pytest.mark.parametrize("delimiter", ['"|"', '"ab"', '""', "1"])
def test_a_delimiter_commons_does_not_read_is_refused_naming_the_key(delimiter: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        CsvProfile.from_toml(f'date = "日期"\namount = "金额"\ndelimiter = {delimiter}\n',
                             "p.toml")
    assert (caught.value.file, caught.value.field) == ("p.toml", "delimiter")


def test_a_semicolon_profile_reads_beside_the_comma_ones() -> None:
    """Tried among comma profiles, first or last, a semicolon profile reads its file, and a
    comma file is still read by its own."""
    semicolon = CsvProfile.from_toml(
        'name = "semi"\ndate = "Buchungstag"\namount = "Betrag"\ndelimiter = ";"\n', "p.toml")
    text = "Buchungstag;Betrag\n2026-10-01;-1,50\n".replace("-1,50", "-1.50")
    for profiles in ([semicolon, *BUILTIN_PROFILES.values()],
                     [*BUILTIN_PROFILES.values(), semicolon]):
        (statement,) = read_statements(text.encode(), "s.csv", profiles=profiles)
        assert statement.reader == "csv:semi"
        (generic,) = read_statements(b"date,amount\n2026-10-01,2.00\n", "g.csv",
                                     profiles=profiles)
        assert generic.reader == "csv:generic"
