"""The disclosure statement (公示) as text, as one printable HTML page, and as JSON values.

Chinese labels by default (the statement is posted on a compound's notice board), English with
``lang="en"``. Pure functions: a ``Disclosure`` in, text out. The three show the same sections,
in the order of ``SECTIONS``: ``statement_rows`` lays each out once, as (label, value) rows or
a table, and each renderer only formats them.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from typing import Any

import attrs

from commons.money import Money
from commons.revenue.disclosure import (
    SECTIONS,
    DisclosedSpending,
    Disclosure,
    DisclosureNotice,
    purpose_label,
    role_label,
)

__all__ = ["LANGUAGES", "Section", "Table", "authority_text", "disclosure_json", "render_html",
           "render_text", "statement_rows"]

LANGUAGES = ("zh", "en")
_WORDS = {
    "zh": {"title": "公共收益公示", "period": "期间", "to": "至", "subdistrict": "街道",
           "community": "社区", "publication": "公示信息", "published": "公示日期",
           "objection_period": "公示期", "days": "天", "contact": "异议联系人",
           "how": "异议方式", "how_default": "公示期内书面或当面向联系人提出，写明对哪一笔、"
           "什么异议及理由",
           "unstated": "（未填写）", "bank": "共管账户", "bank_name": "开户银行",
           "number": "账号", "ledger": "账本科目", "opening_balance": "期初余额",
           "opening": "期初余额", "opening_recorded": "本期入账的核实期初余额",
           "income": "收入（按来源）", "source": "来源", "amount": "金额",
           "income_total": "收入合计", "spending": "支出明细及授权依据", "date": "日期",
           "purpose": "用途", "memo": "摘要", "authority": "授权依据", "entry": "凭证号",
           "spending_total": "支出合计", "spending_by_purpose": "支出按用途汇总",
           "set_asides": "提取与留存", "set_aside": "本期提取维修资金",
           "maintenance_fund": "维修资金期末结存", "closing_balance": "期末余额",
           "other": "其他变动（本小区账户间划转）", "closing": "期末余额",
           "free": "其中可支配（期末余额 − 维修资金）", "none": "（无）",
           "check": "期初余额 + 核实期初余额 + 收入 − 支出 + 其他变动 = 期末余额",
           "signatures": "签章", "committee": "业主委员会（自管会）",
           "firm": "物业服务企业", "community_sign": "社区居民委员会",
           "sign_line": "签字（盖章）：__________  日期：__________",
           "verification": "核验", "head": "账本链头（凭证号、哈希）",
           "signature": "链头签名", "figures_hash": "公示内容哈希（sha256）",
           "how_to_check": "核验方法", "unrecorded": "未记录",
           "assembly": "业主大会决议", "building_owners": "楼栋业主决议", "passed": "通过",
           "failed": "未通过", "owners": "户数", "area": "面积",
           "committee_decision": "业委会在业主大会授权限额内决定", "signed": "签批",
           "bank-account-agreement": "银行账户协议约定的收费（常设规则）", "sep": "；",
           "list": "、", "colon": "："},
    "en": {"title": "Public revenue disclosure", "period": "Period", "to": "to",
           "subdistrict": "Subdistrict", "community": "Community",
           "publication": "Publication", "published": "Published on",
           "objection_period": "Objection period", "days": "days",
           "contact": "Objections to", "how": "How to object",
           "how_default": "in writing or in person to the contact within the objection "
           "period, naming the line, the objection and why", "unstated": "(not given)",
           "bank": "Co-managed account", "bank_name": "Bank", "number": "Account number",
           "ledger": "Ledger account", "opening_balance": "Opening balance",
           "opening": "Opening balance", "opening_recorded":
           "Verified opening balance recorded in the period", "income": "Income by source",
           "source": "Source", "amount": "Amount", "income_total": "Total income",
           "spending": "Spending and its authority", "date": "Date", "purpose": "Purpose",
           "memo": "Memo", "authority": "Authorised by", "entry": "Entry",
           "spending_total": "Total spending", "spending_by_purpose": "Spending by purpose",
           "set_asides": "Set-asides", "set_aside": "Set aside for the maintenance fund",
           "maintenance_fund": "Maintenance fund at the end", "closing_balance":
           "Closing balance", "other": "Other movements (transfers between the compound's "
           "accounts)", "closing": "Closing balance", "free":
           "of which free to spend (closing less the maintenance fund)", "none": "(none)",
           "check": "opening + verified opening + income - spending + other movements = "
           "closing", "signatures": "Signatures", "committee": "Owners' committee",
           "firm": "Property-service firm", "community_sign": "Community committee",
           "sign_line": "signature (seal): __________  date: __________",
           "verification": "Verification", "head": "Journal chain head (entry, hash)",
           "signature": "Head signature", "figures_hash": "Statement hash (sha256)",
           "how_to_check": "How to check", "unrecorded": "not recorded",
           "assembly": "owners' assembly resolution", "building_owners":
           "building owners' resolution", "passed": "passed", "failed": "failed",
           "owners": "owners", "area": "area", "committee_decision":
           "committee decision within the limit the owners' assembly set",
           "signed": "signed by", "bank-account-agreement":
           "charges under the bank account agreement (standing rule)", "sep": "; ",
           "list": ", ", "colon": ": "},
}

Row = tuple[str, str]


@attrs.frozen
class Table:
    """A section's table: header, rows (the last may be a total) and its numeric columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    labels: bool = False  # rows are (label, value) pairs, no header printed


@attrs.frozen
class Section:
    """One section of the statement: its id (one of ``SECTIONS``), title, table and notes."""

    id: str
    title: str
    table: Table
    notes: tuple[str, ...] = ()


def _words(lang: str) -> dict[str, str]:
    return _WORDS["en" if lang == "en" else "zh"]


def _percent(text: str) -> str:
    """``78.00`` -> ``78%``, ``66.67`` -> ``66.67%``."""
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def authority_text(line: DisclosedSpending, lang: str = "zh") -> str:
    """Who authorised a spending, in words a resident reads: the resolution's title, date and
    result, the committee within its limit, or the standing rule; and who signed."""
    w = _words(lang)
    a = line.authority
    if a is None:
        return w["unrecorded"]
    if a.kind == "standing":
        return w.get(a.rule or "", a.rule or w["unrecorded"])
    if a.kind == "resolution":
        body = " ".join(part for part in (
            w["building_owners"] if a.building else w["assembly"],
            "" if a.decided_on is None else a.decided_on.isoformat(),
            "" if a.passed is None else w["passed"] if a.passed else w["failed"]) if part)
        if a.owners_percent and a.area_percent:
            body += (f" ({w['owners']} {_percent(a.owners_percent)}, "
                     f"{w['area']} {_percent(a.area_percent)})")
        text = f"{a.title or a.resolution}{w['colon']}{body}"
    else:
        text = w["committee_decision"]
    if a.approvers:
        signers = w["list"].join(f"{who} ({role_label(role, lang)})" for who, role in a.signed_by)
        text += f"{w['sep']}{w['signed']} {signers}"
    return text


def _publication(d: Disclosure, w: dict[str, str], n: DisclosureNotice | None) -> Table:
    rows: list[Row] = [(w["period"], f"{d.period.first_day} {w['to']} {d.period.last_day}")]
    if n is not None:
        rows += [(w["published"], n.published_on.isoformat()),
                 (w["objection_period"], f"{n.published_on} {w['to']} {n.objection_until} "
                                         f"({n.objection_days} {w['days']})"),
                 (w["contact"], n.contact or w["unstated"]),
                 (w["how"], n.how_to_object or w["how_default"])]
    return Table((), tuple(rows), labels=True)


def _memo(s: DisclosedSpending) -> str:
    """The memo as the page shows it: without the ``cleaning: `` a disbursement's memo starts
    with, since the purpose has its own column (in the residents' words)."""
    return s.memo.removeprefix(f"{s.purpose}: ") or s.memo


def _spending(d: Disclosure, w: dict[str, str], lang: str) -> Table:
    rows = [(str(s.entry_id), str(s.date), purpose_label(s.purpose, lang), _memo(s),
             s.amount.format_symbol(), authority_text(s, lang)) for s in d.spending]
    return Table((w["entry"], w["date"], w["purpose"], w["memo"], w["amount"], w["authority"]),
                 (*rows, (w["spending_total"], "", "", "", d.spending_total.format_symbol(),
                          "")), (0, 4))


def _signatures(d: Disclosure, w: dict[str, str]) -> Table:
    s = d.notice.signatories if d.notice is not None else None
    names = (s.committee, s.firm, s.community) if s is not None else ("", "", "")
    return Table((), tuple((f"{party}{w['colon'] + name if name else ''}", w["sign_line"])
                           for party, name in zip((w["committee"], w["firm"],
                                                   w["community_sign"]), names, strict=True)),
                 labels=True)


def _verification(d: Disclosure, w: dict[str, str]) -> Table:
    rows = [(w["head"], f"{d.head.id} {d.head.hash}")]
    if d.signature is not None:
        rows.append((w["signature"], d.signature))
    rows += [(w["figures_hash"], d.figures_hash),
             (w["how_to_check"], f"commons audit verify --head {d.head.hash}")]
    return Table((), tuple(rows), labels=True)


def statement_rows(d: Disclosure, lang: str = "zh") -> tuple[Section, ...]:
    """The statement's sections, each laid out once for all three renderings."""
    w = _words(lang)
    m = Money.format_symbol
    opening = [(w["opening"], m(d.opening))]
    if d.opening_recorded:
        opening.append((w["opening_recorded"], m(d.opening_recorded)))
    income = [(purpose_label(i.source, lang), m(i.amount)) for i in d.income]
    by_purpose = [(purpose_label(p, lang), m(v)) for p, v in d.spending_by_purpose().items()]
    p = d.place
    tables = {
        "publication": _publication(d, w, d.notice),
        "bank": Table((), ((w["bank_name"], p.bank or w["unstated"]),
                           (w["number"], p.number_masked or w["unstated"]),
                           (w["ledger"], d.account)), labels=True),
        "opening_balance": Table((w["opening_balance"], w["amount"]), tuple(opening), (1,),
                                 labels=True),
        "income": Table((w["source"], w["amount"]),
                        (*income, (w["income_total"], m(d.income_total))), (1,)),
        "spending": _spending(d, w, lang),
        "spending_by_purpose": Table((w["purpose"], w["amount"]),
                                     tuple(by_purpose) or ((w["none"], ""),), (1,)),
        "set_asides": Table((), ((w["set_aside"], m(d.set_aside)),
                                 (w["maintenance_fund"], m(d.maintenance_fund))), (1,),
                            labels=True),
        "closing_balance": Table((), ((w["other"], m(d.other)), (w["closing"], m(d.closing)),
                                      (w["free"], m(d.free_balance))), (1,), labels=True),
        "signatures": _signatures(d, w),
        "verification": _verification(d, w),
    }
    notes = {"closing_balance": (w["check"],)}
    return tuple(Section(key, w[key], tables[key], notes.get(key, ())) for key in SECTIONS)


def _title(d: Disclosure, lang: str) -> tuple[str, str]:
    """The page's title (the compound's name) and the line under it (subdistrict, community)."""
    w = _words(lang)
    p = d.place
    where = "  ".join(f"{w[k]}: {v}" for k, v in (("subdistrict", p.subdistrict),
                                                   ("community", p.community)) if v)
    return f"{p.name or d.compound} {w['title']} {d.period.label}", where


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [(" " * (w - _width(c)) + c) if i in right else (c + " " * (w - _width(c)))
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append(("  " + "  ".join(cells)).rstrip())
    return out


def render_text(d: Disclosure, lang: str = "zh") -> str:
    """The statement as aligned plain text: the title, then each section under its heading."""
    title, where = _title(d, lang)
    lines = [title, *([where] if where else [])]
    for section in statement_rows(d, lang):
        t = section.table
        lines += ["", f"【{section.title}】" if lang != "en" else f"[{section.title}]"]
        lines += _table(t.rows if t.labels else (t.headers, *t.rows), t.numeric)
        lines += [f"  {note}" for note in section.notes]
    return "\n".join(lines) + "\n"


def _html_table(t: Table) -> str:
    def cell(i: int, c: str) -> str:
        label = f" data-label=\"{html.escape(t.headers[i])}\"" if t.headers else ""
        kind = " class=\"num\"" if i in t.numeric else ""
        return f"<td{kind}{label}>{html.escape(c)}</td>"

    body = "".join("<tr>" + "".join(f"<th scope=\"row\">{html.escape(row[0])}</th>"
                                     if t.labels and i == 0 else cell(i, c)
                                     for i, c in enumerate(row)) + "</tr>" for row in t.rows)
    if t.labels:
        return f"<table class=\"kv\"><tbody>{body}</tbody></table>\n"
    num = " class=\"num\""
    head = "".join(f"<th scope=\"col\"{num if i in t.numeric else ''}>{html.escape(h)}</th>"
                   for i, h in enumerate(t.headers))
    return (f"<table class=\"rows\">\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n"
            "</table>\n")


# One self-contained page: no external fonts, scripts or images. On a phone (below 600 px) the
# wide tables turn into one card per row, each cell labelled from its column, so nothing needs
# sideways scrolling; long hashes and numbers may break anywhere. In print, A4 at a size that
# keeps a small compound's quarter on one sheet, the short sections two abreast.
_CSS = (
    "*{box-sizing:border-box}"
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "'WenQuanYi Micro Hei',sans-serif;font-size:14px;line-height:1.4;color:#111;"
    "margin:0 auto;max-width:60em;padding:10px}"
    "h1{font-size:1.35em;margin:0 0 .2em}h2{font-size:1.05em;margin:.7em 0 .25em;"
    "border-bottom:1px solid #666}p{margin:.2em 0}"
    "table{border-collapse:collapse;width:100%;margin:0 0 .3em}"
    "th,td{border:1px solid #999;padding:.15em .45em;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere;word-break:break-word}"
    "thead th{background:#eee}table.kv th{font-weight:normal;width:38%;background:#f6f6f6}"
    ".num{text-align:right;white-space:nowrap}"
    "#verification td{font-family:monospace;font-size:.85em;word-break:break-all}"
    "@media (max-width:600px){body{font-size:15px;padding:8px}"
    "table.rows thead{display:none}table.rows tr{display:block;border:1px solid #999;"
    "margin:0 0 .4em}table.rows td{display:block;border:0;text-align:left;white-space:normal}"
    "table.rows td[data-label]::before{content:attr(data-label) ': ';color:#555}"
    "table.rows td:empty{display:none}"
    "table.kv th{width:42%}}"
    "table.rows td:nth-child(-n+3),table.rows th{white-space:nowrap}"
    "@media print{@page{size:A4;margin:12mm}body{font-size:8.5pt;line-height:1.3;"
    "max-width:none;padding:0;display:grid;grid-template-columns:1fr 1fr;column-gap:5mm;"
    "grid-auto-flow:row dense}"
    "h1,body>p,#publication,#spending,#signatures,#verification{grid-column:1/-1}"
    "h2{margin:.45em 0 .1em}section{break-inside:avoid}#spending{break-inside:auto}"
    "#spending td:nth-child(4){min-width:12em}tr{break-inside:avoid}}")


def render_html(d: Disclosure, lang: str = "zh") -> str:
    """The statement as one self-contained HTML page (UTF-8, ``lang`` set, inline CSS, tables
    with headers) that prints on A4 and reads on a phone."""
    title, where = _title(d, lang)
    parts = [
        "<!DOCTYPE html>\n", f"<html lang=\"{'en' if lang == 'en' else 'zh-CN'}\">\n<head>\n",
        "<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{html.escape(title)}</h1>\n", f"<p>{html.escape(where)}</p>\n" if where else "",
    ]
    for s in statement_rows(d, lang):
        parts += [f"<section id=\"{s.id}\" data-section=\"{s.id}\">\n",
                  f"<h2>{html.escape(s.title)}</h2>\n", _html_table(s.table),
                  *(f"<p>{html.escape(note)}</p>\n" for note in s.notes), "</section>\n"]
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _authority_json(s: DisclosedSpending) -> dict[str, Any] | None:
    a = s.authority
    if a is None:
        return None
    return {"kind": a.kind, "resolution": a.resolution, "title": a.title or None,
            "decided_on": None if a.decided_on is None else a.decided_on.isoformat(),
            "passed": a.passed, "owners_percent": a.owners_percent or None,
            "area_percent": a.area_percent or None, "building": a.building, "rule": a.rule,
            "approvers": [f"{who} ({role})" for who, role in a.approvers],
            "signers": [{"id": who, "role": role, "name": name or None}
                        for who, role, name in a.named_approvers],
            "text": authority_text(s, "zh"), "text_en": authority_text(s, "en")}


def _notice_json(n: DisclosureNotice | None) -> dict[str, Any]:
    if n is None:
        return {"published_on": None, "objection_until": None, "objection_days": None,
                "contact": None, "how_to_object": None}
    return {"published_on": n.published_on.isoformat(),
            "objection_until": n.objection_until.isoformat(),
            "objection_days": n.objection_days, "contact": n.contact or None,
            "how_to_object": n.how_to_object or None}


def disclosure_json(d: Disclosure) -> dict[str, Any]:
    """The statement as JSON values (amounts as yuan strings, dates YYYY-MM-DD). Each name of
    ``sections`` is also a key; the keys of earlier versions stay."""
    p, s = d.place, (d.notice.signatories if d.notice is not None else None)
    head = {"id": d.head.id, "hash": d.head.hash, "signature": d.signature}
    return {
        "sections": list(SECTIONS),
        "compound": d.compound, "compound_name": p.name, "community": p.community,
        "subdistrict": p.subdistrict, "period": d.period.label,
        "from": d.period.first_day.isoformat(), "to": d.period.last_day.isoformat(),
        "publication": _notice_json(d.notice),
        "bank": {"name": p.bank or None, "number_masked": p.number_masked or None,
                 "ledger_account": d.account},
        "account": d.account, "opening": d.opening.format(), "closing": d.closing.format(),
        "opening_balance": {"opening": d.opening.format(),
                            "opening_recorded": d.opening_recorded.format()},
        "income": [{"source": i.source, "amount": i.amount.format()} for i in d.income],
        "income_total": d.income_total.format(),
        "spending": [{"entry_id": x.entry_id, "date": x.date.isoformat(), "purpose": x.purpose,
                      "memo": x.memo, "amount": x.amount.format(),
                      "authority": _authority_json(x)} for x in d.spending],
        "spending_total": d.spending_total.format(),
        "spending_by_purpose": [{"purpose": k, "amount": v.format()}
                                for k, v in d.spending_by_purpose().items()],
        "set_asides": {"maintenance_fund_set_aside": d.set_aside.format(),
                       "maintenance_fund": d.maintenance_fund.format()},
        "other": d.other.format(),
        "closing_balance": {"other": d.other.format(), "closing": d.closing.format(),
                            "free": d.free_balance.format()},
        "signatures": [{"party": party, "name": (getattr(s, party) if s else "") or None}
                       for party in ("committee", "firm", "community")],
        "verification": {"chain_head": head, "figures_hash": d.figures_hash,
                         "command": f"commons audit verify --head {d.head.hash}"},
        "chain_head": head,
    }
