"""``commons reconcile``: import bank statements, match them to the books (or by hand), report."""

from __future__ import annotations

from typing import Any

import click

from commons.app import (
    Figure,
    MatchRun,
    OutstandingItem,
    ReconciliationStatement,
    StatementImport,
    count_text,
    csv_record,
)
from commons.money import Money

from .app import App, CommonsGroup, json_option, pass_app
from .render import display_width, echo_json, plain, table, yuan

__all__ = ["reconcile", "report_csv", "report_json", "report_text"]

MAX_ID = 2**63 - 1
SHOWN_MATCHES = 20  # matches a run lists in text; --json lists them all
LABEL_WIDTH = 58
AMOUNT_WIDTH = 14
PROFILE_HELP = ("CSV column profile: icbc, abc, boc, ccb, bocom, cmb (the banks' 明细 "
                "exports), boc-web (中国银行 网银, UTF-16 with tabs), icbc-app, abc-app, "
                "ccb-app, bocom-app, cmb-app (their phone apps' exports saved as CSV), wechat "
                "(微信支付账单), alipay (支付宝交易明细), cn-bank "
                "(交易日期,收入金额,支出金额,余额,对方户名,摘要), generic (date,amount,...), "
                "generic-debit-credit, or a TOML profile file. Default: the built-in one the "
                "header fits, the most specific if several do; the import says which.")


@click.group(cls=CommonsGroup)
def reconcile() -> None:
    """Bank reconciliation: import statements, match them to the books, report, undo."""


@reconcile.command("import")
@click.argument("statement", type=click.Path(dir_okay=False))
@click.option("--account", required=True, help="The books' bank account, e.g. "
              "assets:bank:co-managed:wjxc.")
@click.option("--profile", help=PROFILE_HELP)
@click.option("--encoding", help="Text encoding of a CSV (default: what the bytes say, a "
              "byte-order mark or valid UTF-8; else the named profile's; else GBK/GB18030).")
@click.option("--opening", metavar="AMOUNT", help="The balance before the file's first line, "
              "where the file gives none (a wallet bill) and no earlier statement is imported.")
@click.option("--balances", type=click.Choice(["check", "ignore"]), default="check",
              show_default=True, help="ignore: read a file whose balance column is missing or "
              "redacted without checking it; the books record its balances as computed.")
@json_option
@pass_app
def import_statement(app: App, statement: str, account: str, profile: str | None,
                     encoding: str | None, opening: str | None, balances: str) -> None:
    """Import STATEMENT, a bank statement as CSV or ISO 20022 camt.053 XML.

    It must add up (opening balance plus lines = closing balance) and continue the statements
    already imported. Lines already recorded are skipped; a bad file stores nothing. The
    import says which profile read a CSV and lists the rows it skipped.
    """
    done = app.api.reconcile.import_statement(statement, account=account, profile=profile,
                                              encoding=encoding, opening=opening,
                                              balances=balances)
    if app.json:
        echo_json(import_json(done))
        return
    click.echo(f"{done.source}: read as {done.format}")
    for s in done.statements:
        click.echo(f"{s.statement_id}: {s.first_day}..{s.last_day}, opening "
                   f"{s.opening.format_grouped()}, closing {s.closing.format_grouped()}; "
                   f"{count_text(s.added, 'line')} added, "
                   f"{s.already_recorded} already recorded"
                   + (f", {count_text(len(s.skipped), 'row')} skipped" if s.skipped else ""))
        for note in s.notes:
            click.echo(f"  assumed: {note}")
        for row in s.skipped[:SHOWN_MATCHES]:
            click.echo(f"  skipped line {row.source_line}: {row.reason}")
        if len(s.skipped) > SHOWN_MATCHES:
            click.echo(f"  ... and {len(s.skipped) - SHOWN_MATCHES} more (--json lists all)")


def import_json(done: StatementImport) -> dict[str, Any]:
    return {"account": done.account, "source": done.source, "format": done.format,
            "added": done.added, "already_recorded": done.already_recorded,
            "statements": [{"id": s.statement_id, "first_day": s.first_day.isoformat(),
                            "last_day": s.last_day.isoformat(), "opening": yuan(s.opening),
                            "closing": yuan(s.closing), "lines": s.lines, "added": s.added,
                            "already_recorded": s.already_recorded,
                            "skipped": [{"line": x.source_line, "reason": x.reason}
                                        for x in s.skipped],
                            "notes": list(s.notes)}
                           for s in done.statements]}


@reconcile.command("account")
@click.argument("account")
@click.option("--number", required=True, help="The bank account's number or IBAN, as its "
              "statements give it (Acct/Id).")
@click.option("--currency", default="CNY", show_default=True,
              help="The currency the account is kept in.")
@click.option("--bank", help="The bank (and branch) the account is kept at, as the "
              "disclosure (公示) names it; kept when not given again.")
@json_option
@pass_app
def account_number(app: App, account: str, number: str, currency: str,
                   bank: str | None) -> None:
    """Record the number and currency of the bank account ACCOUNT stands for, and its bank.

    Imports then refuse a statement of another account ("another account: N") or currency,
    and import only ACCOUNT's statements from a camt.053 file holding several accounts. A
    disclosure shows the bank and the number masked but for its last four digits.
    """
    done = app.api.reconcile.set_account(account, number=number, currency=currency, bank=bank)
    if app.json:
        echo_json({"account": done.account, "number": done.number, "currency": done.currency,
                   "bank": done.bank})
        return
    click.echo(f"{done.account}: bank account {done.number} in {done.currency}"
               + (f" at {done.bank}" if done.bank else ""))


@reconcile.command("run")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@click.option("--window-days", default="3", show_default=True, metavar="N|LOW:HIGH",
              help="How many days a bank date may differ from the book date (0 to 366), or a "
                   "signed range of the book date minus the bank date that then holds for "
                   "every match: -3:0 (book up to 3 days before), -2:5 (up to 5 days after).")
@json_option
@pass_app
def run(app: App, account: str, period: str, window_days: str) -> None:
    """Match unmatched statement lines to unmatched book postings and store the matches.

    Passes: exact reference or external id; same amount within the window, closest date
    first; one line for several postings (a batched deposit) or several lines for one,
    never with a posting dated after the lines (takings are banked after they are taken)
    unless --window-days is a signed range that allows it.
    """
    result = app.api.reconcile.run(account=account, period=period, window_days=window_days)
    if app.json:
        echo_json(run_json(result))
        return
    kinds = ", ".join(f"{kind} {n}" for kind, n in result.by_kind().items())
    click.echo(f"matched {len(result.matches)} ({kinds}); unmatched: "
               f"{count_text(result.unmatched_lines, 'bank line')}, "
               f"{count_text(result.unmatched_postings, 'book posting')}")
    rows = [(str(m.id), m.kind, " ".join(map(str, m.line_ids)),
             " ".join(f"{e}:{s}" for e, s in m.postings)) for m in result.matches[:SHOWN_MATCHES]]
    if rows:
        click.echo(table(("match", "kind", "bank lines", "book postings"), rows, right=(0,)))
    if len(result.matches) > SHOWN_MATCHES:
        click.echo(f"... and {len(result.matches) - SHOWN_MATCHES} more (--json lists all)")


def run_json(result: MatchRun) -> dict[str, Any]:
    return {"account": result.account, "period": str(result.period),
            "window_days": (str(result.window_days) if result.window_days.signed
                            else result.window_days.high), "matched": len(result.matches),
            "by_kind": result.by_kind(),
            "matches": [{"id": m.id, "kind": m.kind, "lines": list(m.line_ids),
                         "postings": [f"{e}:{s}" for e, s in m.postings]}
                        for m in result.matches],
            "unmatched_lines": result.unmatched_lines,
            "unmatched_postings": result.unmatched_postings}


@reconcile.command("report")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True, help="Output format (--json is the same as --format json).")
@json_option
@pass_app
def report(app: App, account: str, period: str, fmt: str) -> None:
    """The reconciliation statement (银行存款余额调节表) at the end of the period."""
    statement = app.api.reconcile.report(account=account, period=period)
    if app.json or fmt == "json":
        echo_json(report_json(statement))
    elif fmt == "csv":
        click.echo(report_csv(statement), nl=False)
    else:
        click.echo(plain(report_text(statement)))


@reconcile.command("unmatch")
@click.argument("match_id", type=click.IntRange(1, MAX_ID))
@json_option
@pass_app
def unmatch(app: App, match_id: int) -> None:
    """Undo match MATCH_ID: its lines and postings may be matched again."""
    undone = app.api.reconcile.unmatch(match_id)
    m = undone.match
    if app.json:
        echo_json({"id": m.id, "account": undone.account, "kind": m.kind,
                   "lines": list(m.line_ids), "postings": [f"{e}:{s}" for e, s in m.postings]})
    else:
        click.echo(f"undid match {m.id} ({m.kind}): {count_text(len(m.line_ids), 'bank line')} "
                   f"and {count_text(len(m.postings), 'book posting')} unmatched again")


def _posting_key(text: str) -> tuple[int, int]:
    entry, _, seq = text.partition(":")
    if not (entry.isdigit() and seq.isdigit()) or len(text) > 40:
        raise click.BadParameter(f"{text[:40]!r} is not ENTRY:SEQ, e.g. 12:0",
                                 param_hint="--posting")
    return int(entry), int(seq)


@reconcile.command("lines")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--period", help="Only lines booked in this month, YYYY-MM.")
@click.option("--unmatched", is_flag=True, help="Only lines no match holds.")
@json_option
@pass_app
def lines(app: App, account: str, period: str | None, unmatched: bool) -> None:
    """List the imported bank lines of an account: date, signed amount (negative is money
    out), counterparty, memo, reference, statement and match."""
    found = app.api.reconcile.lines(account=account, period=period, unmatched=unmatched)
    if app.json:
        echo_json([{"line_id": x.line_id, "date": x.date.isoformat(), "amount": yuan(x.amount),
                    "counterparty": x.counterparty, "memo": x.memo, "reference": x.reference,
                    "statement": x.statement, "match": x.match} for x in found])
        return
    rows = [(str(x.line_id), x.date.isoformat(), x.amount.format_grouped(), x.counterparty,
             x.memo, x.reference, x.statement, "" if x.match is None else str(x.match))
            for x in found]
    click.echo(table(("line", "date", "amount", "counterparty", "memo", "reference",
                      "statement", "match"), rows, right=(0, 2)) if rows else "no lines")


@reconcile.command("matches")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@json_option
@pass_app
def matches(app: App, account: str, period: str) -> None:
    """List the matches touching a month, with both sides' dates and amounts."""
    found = app.api.reconcile.matches(account=account, period=period)
    if app.json:
        echo_json([{"id": m.id, "kind": m.kind,
                    "lines": [{"line": x.item, "date": x.date.isoformat(),
                               "amount": yuan(x.amount)} for x in m.lines],
                    "postings": [{"posting": x.item, "date": x.date.isoformat(),
                                  "amount": yuan(x.amount)} for x in m.postings]}
                   for m in found])
        return
    rows = [(str(m.id), m.kind, side, x.item, x.date.isoformat(), x.amount.format_grouped())
            for m in found for side, items in (("bank", m.lines), ("books", m.postings))
            for x in items]
    click.echo(table(("match", "kind", "side", "item", "date", "amount"), rows,
                     right=(0, 5)) if rows else "no matches")


@reconcile.command("match")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--line", "line_ids", multiple=True, required=True,
              type=click.IntRange(1, MAX_ID), help="A bank line id (repeatable).")
@click.option("--posting", "postings", multiple=True, required=True,
              help="A book posting as ENTRY:SEQ (repeatable).")
@json_option
@pass_app
def match(app: App, account: str, line_ids: tuple[int, ...], postings: tuple[str, ...]) -> None:
    """Match bank lines to book postings by hand; their amounts must agree, otherwise the
    match is refused with the difference."""
    made = app.api.reconcile.match(account=account, lines=line_ids,
                                   postings=[_posting_key(p) for p in postings])
    if app.json:
        echo_json({"id": made.id, "kind": made.kind, "lines": list(made.line_ids),
                   "postings": [f"{e}:{s}" for e, s in made.postings]})
    else:
        click.echo(f"match {made.id}: {count_text(len(made.line_ids), 'bank line')}, "
                   f"{count_text(len(made.postings), 'book posting')}")


@reconcile.command("book")
@click.option("--account", required=True, help="The books' bank account.")
@click.option("--line", "line_id", required=True, type=click.IntRange(1, MAX_ID),
              help="The unmatched bank line (a charge, interest).")
@click.option("--against", required=True, help="The other account, e.g. expenses:bank-fees:wjxc.")
@click.option("--memo", help="The entry's memo (default: the line's counterparty and memo).")
@json_option
@pass_app
def book(app: App, account: str, line_id: int, against: str, memo: str | None) -> None:
    """Book an unmatched bank line as a journal entry against another account and match it.
    The entry is keyed by the line, so booking it again records nothing."""
    done = app.api.reconcile.book(account=account, line=line_id, against=against, memo=memo)
    if app.json:
        echo_json({"line": done.line_id, "external_id": done.external_id,
                   "match": done.match_id, "posted": done.posted})
    else:
        click.echo(f"line {done.line_id}: {'booked as' if done.posted else 'already booked as'} "
                   f"{done.external_id}, match {done.match_id}")


def _item_json(item: OutstandingItem) -> dict[str, Any]:
    return {"id": item.id, "date": item.date.isoformat(), "amount": yuan(item.amount),
            "description": item.description, "reference": item.reference,
            "match": item.match}


def report_json(s: ReconciliationStatement) -> dict[str, Any]:
    return {
        "account": s.account, "period": str(s.period), "as_of": s.as_of.isoformat(),
        "currency": s.book_balance.currency,
        "book_balance": yuan(s.book_balance), "bank_balance": yuan(s.bank_balance),
        "deposits_in_transit": [_item_json(i) for i in s.deposits_in_transit],
        "outstanding_payments": [_item_json(i) for i in s.outstanding_payments],
        "bank_not_in_books": [_item_json(i) for i in s.bank_not_in_books],
        "adjusted_book_balance": yuan(s.adjusted_book_balance),
        "adjusted_bank_balance": yuan(s.adjusted_bank_balance),
        "difference": yuan(s.difference), "reconciled": s.reconciled,
        "statements_from": s.statements_from.isoformat(),
        "bank_through": s.bank_through.isoformat() if s.bank_through else None,
        "cancelled_in_books": s.cancelled_in_books,
        "bank_balance_computed": s.bank_balance_computed,
    }


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns (Chinese characters take two)."""
    if display_width(text) <= width:
        return text + " " * (width - display_width(text))
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - display_width(out))


def _row(label: str, amount: str) -> str:
    return (_fit(label, LABEL_WIDTH) + amount.rjust(AMOUNT_WIDTH)).rstrip()


def _section(title: str, items: tuple[OutstandingItem, ...]) -> list[str]:
    lines = [f"  {title}"]
    lines += [_row(f"    {i.date}  {i.id:<12} {i.description or i.reference}",
                   i.amount.format_grouped()) for i in items]
    return lines if items else [*lines, "    (none)"]


def report_text(s: ReconciliationStatement) -> str:
    through = f", bank lines through {s.bank_through}" if s.bank_through else ""
    out = [
        "银行存款余额调节表  bank reconciliation statement",
        f"account {s.account}, period {s.period} (as of {s.as_of})",
        f"statements from {s.statements_from}{through}",
        "",
        _row("book balance 企业账面余额", s.book_balance.format_grouped()),
        *_section("add: bank credits not in the books 银行已收、企业未收", s.bank_credits),
        *_section("less: bank charges not in the books 银行已付、企业未付", s.bank_charges),
        _row("adjusted book balance 调节后企业账面余额",
             s.adjusted_book_balance.format_grouped()),
        "",
        _row("bank balance 银行对账单余额" + (" (computed)" if s.bank_balance_computed else ""),
             s.bank_balance.format_grouped()),
        *_section("add: deposits in transit 企业已收、银行未收", s.deposits_in_transit),
        *_section("less: outstanding payments 企业已付、银行未付", s.outstanding_payments),
        _row("adjusted bank balance 调节后银行余额",
             s.adjusted_bank_balance.format_grouped()),
        "",
        _row("difference 差额", s.difference.format_grouped()),
        "reconciled: both adjusted balances agree to the fen" if s.reconciled else
        f"NOT reconciled: {s.difference.format_grouped()} is unexplained",
    ]
    if s.cancelled_in_books:
        out.append(f"({s.cancelled_in_books} book postings cancel by reversal and are not listed)")
    if s.bank_balance_computed:
        out.append("(the bank balance is computed from an opening balance and the lines: a "
                   "statement gave no balances or they were ignored, so the bank did not "
                   "report it; 银行余额为推算数)")
    return "\n".join(out)


def report_csv(s: ReconciliationStatement) -> str:
    """The statement as CSV; the bank's and the books' text is neutralised (``csv_record``),
    so a counterparty named ``=HYPERLINK(...)`` never runs in a spreadsheet."""
    lines = [csv_record(("section", "id", "date", "reference", "description", "amount"),
                        end="\n")]
    as_of = Figure(s.as_of.isoformat())

    def total(section: str, amount: Money, description: str = "") -> None:
        lines.append(csv_record((section, "", as_of, "", description, Figure(yuan(amount))),
                                end="\n"))

    def items(section: str, rows: tuple[OutstandingItem, ...]) -> None:
        lines.extend(csv_record((section, Figure(i.id), Figure(i.date.isoformat()),
                                 i.reference, i.description, Figure(yuan(i.amount))),
                                end="\n") for i in rows)

    total("book_balance", s.book_balance)
    items("bank_not_in_books", s.bank_not_in_books)
    total("adjusted_book_balance", s.adjusted_book_balance)
    total("bank_balance", s.bank_balance,
          "computed (银行余额为推算数)" if s.bank_balance_computed else "")
    items("deposits_in_transit", s.deposits_in_transit)
    items("outstanding_payments", s.outstanding_payments)
    total("adjusted_bank_balance", s.adjusted_bank_balance)
    total("difference", s.difference)
    return "".join(lines)
