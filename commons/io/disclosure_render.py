"""The disclosure statement (公示) as text, as one printable HTML page, and as JSON values.

Chinese labels by default (the statement is posted on a compound's notice board), English with
``lang="en"``. Pure functions: a ``Disclosure`` in, text out.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from typing import Any

from commons.revenue.disclosure import DisclosedSpending, Disclosure, purpose_label

__all__ = ["LANGUAGES", "disclosure_json", "render_html", "render_text"]

LANGUAGES = ("zh", "en")
_WORDS = {
    "zh": {"title": "公共收益公示", "period": "期间", "account": "共管账户", "to": "至",
           "opening": "期初余额", "closing": "期末余额", "income": "收入（按来源）",
           "source": "来源", "amount": "金额", "income_total": "收入合计",
           "spending": "支出（按用途）", "date": "日期", "purpose": "用途", "memo": "摘要",
           "authority": "授权依据", "entry": "凭证号", "spending_total": "支出合计",
           "by_purpose": "支出按用途汇总", "other": "其他变动", "none": "（无）",
           "unrecorded": "未记录", "committee": "业委会决定",
           "check": "期初余额 + 收入 − 支出 + 其他变动 = 期末余额",
           "head": "账本链头（凭证号、哈希）", "signature": "链头签名"},
    "en": {"title": "Public revenue disclosure", "period": "Period", "account":
           "Co-managed account", "to": "to", "opening": "Opening balance", "closing":
           "Closing balance", "income": "Income by source", "source": "Source", "amount":
           "Amount", "income_total": "Total income", "spending": "Spending by purpose",
           "date": "Date", "purpose": "Purpose", "memo": "Memo", "authority": "Authorised by",
           "entry": "Entry", "spending_total": "Total spending", "by_purpose":
           "Spending by purpose, totals", "other": "Other movements", "none": "(none)",
           "unrecorded": "not recorded", "committee": "committee decision",
           "check": "opening + income - spending + other movements = closing",
           "head": "Journal chain head (entry, hash)", "signature": "Head signature"},
}


def _words(lang: str) -> dict[str, str]:
    return _WORDS["en" if lang == "en" else "zh"]


def _authority(line: DisclosedSpending, words: dict[str, str]) -> str:
    if line.authority is None:
        return words["unrecorded"]
    a = line.authority
    signed = f" ({', '.join(a.approvers)})" if a.approvers else ""
    return (a.resolution if a.resolution else words["committee"]) + signed


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
    """The statement as aligned plain text."""
    w = _words(lang)
    lines = [f"{d.compound} {w['title']} {d.period.label}",
             f"{w['period']}: {d.period.first_day} {w['to']} {d.period.last_day}",
             f"{w['account']}: {d.account}", ""]
    lines += _table([(w["opening"], d.opening.format_symbol())], right=(1,))
    lines += ["", w["income"]]
    income = [(purpose_label(i.source, lang), i.amount.format_symbol()) for i in d.income]
    lines += _table([(w["source"], w["amount"]), *income,
                     (w["income_total"], d.income_total.format_symbol())], right=(1,))
    lines += ["", w["spending"]]
    spent = [(str(s.entry_id), str(s.date), purpose_label(s.purpose, lang), s.memo,
              s.amount.format_symbol(), _authority(s, w)) for s in d.spending]
    lines += _table([(w["entry"], w["date"], w["purpose"], w["memo"], w["amount"],
                      w["authority"]), *spent,
                     (w["spending_total"], "", "", "", d.spending_total.format_symbol(), "")],
                    right=(0, 4))
    lines += ["", w["by_purpose"]]
    lines += _table([(purpose_label(p, lang), m.format_symbol())
                     for p, m in d.spending_by_purpose().items()] or [(w["none"], "")],
                    right=(1,))
    lines.append("")
    lines += _table([(w["other"], d.other.format_symbol()),
                     (w["closing"], d.closing.format_symbol())], right=(1,))
    lines += ["", w["check"], *_head_lines(d, w)]
    return "\n".join(lines) + "\n"


def _head_lines(d: Disclosure, w: dict[str, str]) -> list[str]:
    """The chain head the statement was made at (and its signature): what a reader gives
    ``commons audit verify --head HASH --at ENTRY`` to check the books still hold it."""
    lines = [f"{w['head']}: {d.head.id} {d.head.hash}"]
    if d.signature is not None:
        lines.append(f"{w['signature']}: {d.signature}")
    return lines


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th scope=\"col\">{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class=\"num\">{html.escape(c)}</td>" if i in numeric
                         else f"<td>{html.escape(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>\n"


_CSS = ("body{font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin:0 0 1.5em;width:100%}"
        "th,td{border:1px solid #444;padding:.3em .6em;text-align:left}"
        "td.num{text-align:right;white-space:nowrap}"
        "@media print{body{margin:0}@page{size:A4;margin:15mm}table{page-break-inside:auto}"
        "tr{page-break-inside:avoid}}")


def render_html(d: Disclosure, lang: str = "zh") -> str:
    """The statement as one printable HTML page (UTF-8, ``lang`` set, tables with headers)."""
    w = _words(lang)
    title = html.escape(f"{d.compound} {w['title']} {d.period.label}")
    spent = [(str(s.entry_id), str(s.date), purpose_label(s.purpose, lang), s.memo,
              s.amount.format_symbol(), _authority(s, w)) for s in d.spending]
    parts = [
        "<!DOCTYPE html>\n", f"<html lang=\"{'en' if lang == 'en' else 'zh-CN'}\">\n<head>\n",
        "<meta charset=\"utf-8\">\n", f"<title>{title}</title>\n<style>{_CSS}</style>\n",
        "</head>\n<body>\n", f"<h1>{title}</h1>\n",
        f"<p>{html.escape(w['period'])}: {d.period.first_day} {html.escape(w['to'])} "
        f"{d.period.last_day}<br>{html.escape(w['account'])}: {html.escape(d.account)}</p>\n",
        _html_table((w["opening"], w["amount"]), [(w["opening"], d.opening.format_symbol())],
                    (1,)),
        f"<h2>{html.escape(w['income'])}</h2>\n",
        _html_table((w["source"], w["amount"]),
                    [*((purpose_label(i.source, lang), i.amount.format_symbol())
                       for i in d.income),
                     (w["income_total"], d.income_total.format_symbol())], (1,)),
        f"<h2>{html.escape(w['spending'])}</h2>\n",
        _html_table((w["entry"], w["date"], w["purpose"], w["memo"], w["amount"],
                     w["authority"]),
                    [*spent, (w["spending_total"], "", "", "",
                              d.spending_total.format_symbol(), "")], (0, 4)),
        _html_table((w["other"], w["closing"]),
                    [(d.other.format_symbol(), d.closing.format_symbol())], (0, 1)),
        f"<p>{html.escape(w['check'])}</p>\n",
        "<p><small>" + "<br>".join(html.escape(line) for line in _head_lines(d, w))
        + "</small></p>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def disclosure_json(d: Disclosure) -> dict[str, Any]:
    """The statement as JSON values (amounts as yuan strings, dates YYYY-MM-DD)."""
    return {
        "compound": d.compound, "period": d.period.label,
        "from": d.period.first_day.isoformat(), "to": d.period.last_day.isoformat(),
        "account": d.account, "opening": d.opening.format(), "closing": d.closing.format(),
        "income": [{"source": i.source, "amount": i.amount.format()} for i in d.income],
        "income_total": d.income_total.format(),
        "spending": [{"entry_id": s.entry_id, "date": s.date.isoformat(), "purpose": s.purpose,
                      "memo": s.memo, "amount": s.amount.format(),
                      "authority": None if s.authority is None else {
                          "kind": s.authority.kind, "resolution": s.authority.resolution,
                          "approvers": list(s.authority.approvers)}} for s in d.spending],
        "spending_total": d.spending_total.format(),
        "spending_by_purpose": [{"purpose": p, "amount": m.format()}
                                for p, m in d.spending_by_purpose().items()],
        "other": d.other.format(),
        "chain_head": {"id": d.head.id, "hash": d.head.hash, "signature": d.signature},
    }
