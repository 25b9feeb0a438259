"""Issue 16 item 3: every value that help text, docs or an error's fix offers parses.

The values are collected mechanically, never copied here: every ``click.Choice`` of every
command (the tree walked from ``cli/main.py``'s lazy groups); every value the ``fix`` of a
closed vocabulary's refusal offers ("use one of a, b, c", "e.g. 10 or 12.5"); every value
docs/formats.md lists for a key ("`firm`, `entrusted` or `self-managed`") and every word of its
"also accepted" tables. Each is fed back through the parser that reads it. The parsers are named
here, and a collected vocabulary with no parser named fails the test, so a new one cannot be
offered unchecked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from commons_cli.main import main
from conftest import HOUSEHOLDS_CSV
from parking_helpers import TARIFF_FILE
from test_bundle_pricing import SCENARIO

import commons
from commons.billing.fees import parse_regime, parse_rounding
from commons.billing.split import SharePlan
from commons.contracts.catalog import parse_driver
from commons.contracts.contract import parse_percent as contract_percent
from commons.contracts.scenario import Scenario
from commons.errors import CommonsError
from commons.estate.compound import parse_governance
from commons.estate.importing import check_kind
from commons.estate.resource import parse_resource_kind
from commons.governance.ballots import Choice
from commons.governance.deliberation import State
from commons.governance.matters import Matter
from commons.governance.roll import Scope
from commons.io.bank_formats import resolve_profiles
from commons.io.disclosure_render import LANGUAGES
from commons.io.market_files import event_from_record
from commons.ledger.accounts import account_type_of
from commons.ledger.labels import check_language
from commons.ledger.statements import list_accounts, statement_columns
from commons.market.model import parse_channel
from commons.money import currency_of
from commons.parking.tariff import TariffFile
from commons.periods import Period, parse_date, read_date, read_datetime
from commons.points.model import parse_basis
from commons.revenue.income import parse_percent
from commons.revenue.spending import parse_purpose, parse_role

ROOT = Path(__file__).parents[2]
Parser = Callable[[str], object]


def _split_by(method: str) -> object:
    return commons.connect(":memory:").splits.split("1.00", io.StringIO(HOUSEHOLDS_CSV),
                                                    by=method)


def _export_format(fmt: str) -> object:
    with tempfile.TemporaryDirectory(prefix="offered-") as folder, \
            commons.connect(Path(folder) / "books.db") as books:
        books.ledger.chart("hpl")
        return books.audit.export(Path(folder) / "export.out", format=fmt)


def _balances(value: str) -> object:
    """The import refuses a bad ``balances`` before it reads the file; a good one gets as far
    as finding that the (missing) file is not there."""
    try:
        commons.connect(":memory:").reconcile.import_statement(
            "/nonexistent/statement.csv", account="assets:bank:co-managed:hpl", balances=value)
    except CommonsError as e:
        if e.field == "balances":
            raise
    return value


def _refused_for(field: str, call: Callable[[], object], value: str) -> object:
    """``call`` refused only for ``field``: other refusals (no such household, no books) come
    after the value was taken."""
    try:
        call()
    except CommonsError as e:
        if e.field == field:
            raise
    return value


def _export_lang(lang: str) -> object:
    with tempfile.TemporaryDirectory(prefix="offered-") as folder, \
            commons.connect(Path(folder) / "books.db") as books:
        books.ledger.chart("hpl")
        return books.audit.export(Path(folder) / "export.xlsx", format="xlsx", lang=lang)


def _market_sort(sort: str) -> object:
    return _refused_for("sort", lambda: commons.connect(":memory:").market.search(
        "h-1", sort=sort), sort)


def _event_type(kind: str) -> object:
    return _refused_for("type", lambda: event_from_record({"id": "e-1", "type": kind}), kind)


def _accounts_of(account_type: str) -> object:
    return list_accounts([], [], today=dt.date(2026, 12, 31), type=account_type)


def _grouping(grouping: str) -> object:
    return statement_columns(dt.date(2026, 1, 1), dt.date(2026, 3, 31), grouping)


def _open_as(account_type: str) -> object:
    return commons.connect(":memory:").ledger.open(f"{account_type}:test", type=account_type)


def _rendered_by_the_command(value: str) -> object:
    """An output choice the command renders itself (text, html, json, csv): click's Choice is
    its only parser, so every value it lists is handled."""
    return value


def _language(value: str) -> object:
    if value not in LANGUAGES:
        raise CommonsError(f"{value!r} is not a language of the disclosure")
    return value


def _tariff_with(key: str, old: str) -> Parser:
    """The tariff fixture with the first ``key`` set to the value: refused for that key, or
    read (a value read may still clash with the rest of the file, e.g. overlapping windows)."""
    text = TARIFF_FILE.read_text(encoding="utf-8")
    assert f'{key} = "{old}"' in text

    def parse(value: str) -> object:
        try:
            return TariffFile.parse(text.replace(f'{key} = "{old}"', f'{key} = "{value}"', 1))
        except CommonsError as e:
            if (e.field or "").endswith(f".{key}"):
                raise
            return value
    return parse


def _scenario_with(line: str, template: str) -> Parser:
    assert line in SCENARIO
    return lambda value: Scenario.from_toml(SCENARIO.replace(line, template.format(value), 1),
                                            "s.toml")


def _plan_of(value: str) -> object:
    return SharePlan.from_mapping({"stage": [
        {"party": "government", "percent": "10", "of": value.strip('"')},
        {"party": "residents", "rest": True}]})


# --- the command line's choices ------------------------------------------------------------------

CLI_PARSERS: dict[str, Parser] = {
    "audit export --format": _export_format,
    "audit disclose --format": _rendered_by_the_command,
    "audit disclose --lang": _language,
    "audit export --lang": _export_lang,
    "ledger accounts --lang": check_language,
    "ledger accounts --type": _accounts_of,
    "report balance-sheet --lang": check_language,
    "report income --lang": check_language,
    "market service search --sort": _market_sort,
    "split --by": _split_by,
    "contract sign --regime": parse_regime,
    "ledger open --type": _open_as,
    "reconcile import --balances": _balances,
    "reconcile report --format": _rendered_by_the_command,
    "resolution propose --matter": Matter.parse,
    "resolution advance STATE": State.parse,
    "resolution vote CHOICE": Choice.parse,
    "revenue vote CHOICE": Choice.parse,
}


def _commands(group: click.Group, ctx: click.Context, path: str
              ) -> Iterator[tuple[str, click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        where = f"{path} {name}".strip()
        yield where, command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, parent=ctx), where)


def _cli_choices() -> list[tuple[str, str]]:
    found = []
    for where, command in _commands(main, click.Context(main), ""):
        for param in command.params:
            if isinstance(param.type, click.Choice):
                name = param.opts[0] if isinstance(param, click.Option) \
                    else param.human_readable_name
                found += [(f"{where} {name}", str(c)) for c in param.type.choices]
    return found


CLI_CHOICES = _cli_choices()


def test_every_choice_of_the_command_line_has_its_parser_named() -> None:
    assert CLI_CHOICES, "no click.Choice found: the walk of the command tree is broken"
    assert {where for where, _ in CLI_CHOICES} == set(CLI_PARSERS)


@pytest.mark.parametrize(("where", "value"), CLI_CHOICES, ids=[" ".join(c) for c in CLI_CHOICES])
def test_every_choice_of_the_command_line_parses(where: str, value: str) -> None:
    CLI_PARSERS[where](value)


# --- the values a refusal's fix offers -----------------------------------------------------------

# Each closed vocabulary's parser, the source file whose fix lists its values, and a bad value.
FIX_PARSERS: dict[str, tuple[Parser, str, str]] = {
    "governance": (parse_governance, "commons/fields.py", "zz"),
    "resource kind": (parse_resource_kind, "commons/fields.py", "zz"),
    "regime": (parse_regime, "commons/fields.py", "zz"),
    "rounding": (parse_rounding, "commons/billing/fees.py", "zz"),
    "cost driver": (parse_driver, "commons/fields.py", "zz"),
    "signer role": (parse_role, "commons/fields.py", "zz"),
    "spending purpose": (parse_purpose, "commons/revenue/spending.py", "zz"),
    "ballot choice": (Choice.parse, "commons/governance/ballots.py", "zz"),
    "proposal state": (State.parse, "commons/governance/deliberation.py", "zz"),
    "matter": (Matter.parse, "commons/governance/matters.py", "zz"),
    "scope": (Scope.parse, "commons/governance/roll.py", "zz"),
    "account type": (lambda t: account_type_of(f"{t}:x"), "commons/ledger/accounts.py", "zz"),
    "estate kind": (check_kind, "commons/estate/importing.py", "zz"),
    "split method": (_split_by, "commons/app/splits.py", "zz"),
    "export format": (_export_format, "commons/app/audit.py", "zz"),
    "statement profile": (resolve_profiles, "commons/io/bank_formats.py", "zz"),
    "balances": (_balances, "commons/app/reconcile.py", "zz"),
    "currency": (currency_of, "commons/money.py", "ZZZ"),
    "tariff window days": (_tariff_with("days", "working"), "commons/parking/tariff.py", "zz"),
    "percentage (sharing rules)": (parse_percent, "commons/revenue/income.py", "zz"),
    "percentage (contracts)": (lambda t: contract_percent(t, "margin"),
                               "commons/contracts/contract.py", "zz"),
    "fraction for a percentage": (lambda t: contract_percent(t, "margin"),
                                  "commons/contracts/contract.py", "0.08"),
    "scenario percentage": (_scenario_with('target_margin = "5"', 'target_margin = "{}"'),
                            "commons/contracts/scenario.py", "0.3"),
    "period": (Period.parse, "commons/periods.py", "2026-13"),
    "date in a file": (read_date, "commons/periods.py", "2026-13-45"),
    "date and time": (read_datetime, "commons/periods.py", "zz"),
    "date": (parse_date, "commons/periods.py", "2026-13-45"),
    "statement account type": (_accounts_of, "commons/ledger/statements.py", "zz"),
    "statement columns": (_grouping, "commons/ledger/statements.py", "zz"),
    "report language": (check_language, "commons/ledger/labels.py", "zz"),
    "payment channel": (parse_channel, "commons/market/model.py", "zz"),
    "market sort": (_market_sort, "commons/app/market_reports.py", "zz"),
    "event type": (_event_type, "commons/io/market_files.py", "zz"),
    "points basis": (parse_basis, "commons/fields.py", "zz"),
}

# Files whose "one of" fixes list data rather than a vocabulary: the spaces and card kinds of
# one compound's tariff, the categories of the catalog being built, a points programme's
# activity kinds and shelf items.
DATA_NOT_VOCABULARY = {"commons/parking/checks.py", "commons/parking/pricing.py",
                       "commons/contracts/catalog.py", "commons/points/model.py"}

# What introduces the values a fix offers, the first of these found.
_OFFERS = [re.compile(p) for p in (r"one of (.+)", r"e\.g\. (.+)", r"such as (.+)", r"like (.+)",
                                   r"write \S+ as (.+)", r"vote (.+)", r"write (.+)")]


def offered(fix: str) -> list[str]:
    """The values a fix offers: the list after "one of", "e.g.", "like", ... up to its end,
    a parenthesis or ", or" followed by prose; a value's own "if ..." is left off."""
    match = next((m for m in (o.search(fix) for o in _OFFERS) if m), None)
    assert match, f"no values offered in {fix!r}"
    tail = re.split(r" \(|, or the |; ", match.group(1))[0]
    parts = re.split(r",\s*(?:or\s+)?|\s+or\s+|\s*\|\s*", tail)
    return [p.split(" if ")[0].strip().strip("'\"`").rstrip(".") for p in parts if p.strip()]


def _refusal(name: str) -> CommonsError:
    parse, _, bad = FIX_PARSERS[name]
    with pytest.raises(CommonsError) as caught:
        parse(bad)
    return caught.value


def test_every_file_offering_one_of_a_list_has_its_parser_named() -> None:
    building = re.compile(r"one of \{")
    offering = {str(p.relative_to(ROOT)) for p in (ROOT / "commons").rglob("*.py")
                if building.search(p.read_text(encoding="utf-8"))}
    named = {file for _, file, _ in FIX_PARSERS.values()}
    assert offering - DATA_NOT_VOCABULARY <= named


FIX_CASES = [(name, value) for name in FIX_PARSERS for value in offered(_refusal(name).fix or "")]


@pytest.mark.parametrize(("name", "value"), FIX_CASES, ids=[" ".join(c) for c in FIX_CASES])
def test_every_value_a_fix_offers_parses(name: str, value: str) -> None:
    FIX_PARSERS[name][0](value)


# --- the values docs/formats.md lists ------------------------------------------------------------

DOC_PARSERS: dict[tuple[str, str], Parser] = {
    ("Compounds", "governance"): parse_governance,
    ("Ballots CSV", "choice"): Choice.parse,
    ("Event feed (JSON Lines)", "type"): _event_type,
    ("Event feed (JSON Lines)", "channel"): parse_channel,
    ("Parking tariff TOML", "days"): _tariff_with("days", "working"),
    ("Parking tariff TOML", "holder"): _tariff_with("holder", "resident"),
    ("Parking tariff TOML", "covers"): _tariff_with("covers", "night"),
    ("Fee schedules TOML", "regime"): parse_regime,
    ("Fee schedules TOML", "rounding"): parse_rounding,
    ("Fee schedules CSV", "rounding"): parse_rounding,
    ("Bundle scenario TOML", "distribution"): _scenario_with(
        'distribution = "triangular"', 'distribution = "{}"'),
    ("Bundle scenario TOML", "per"): _scenario_with('[collection]\n', '[collection]\nper = "{}"\n'),
    ("Bundle scenario TOML", "driver"): _scenario_with(
        'id = "manager"\n', 'id = "manager"\ndriver = "{}"\n'),
    ("Cost plan TOML", "of"): _plan_of,
    ("Points programme TOML", "basis"): parse_basis,
    ("mode", "also accepted"): parse_governance,
    ("kind", "also accepted"): parse_resource_kind,
    ("role", "also accepted"): parse_role,
}
# Backticked words joined by "or" that are no vocabulary: the characters of an account's
# segments, camt.053's status codes as XML, the words a card id may not be.
NOT_A_VOCABULARY = {("Journal (JSON Lines)", "account"), ("camt.053 XML", "Ntry"),
                    ("Parking tariff TOML", "id")}

_LISTED = re.compile(r"(?:`[^`]+`(?: \([^)]*\))?, )*`[^`]+`(?: \([^)]*\))?,? or `[^`]+`")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


_CJK = re.compile(r"[\u3400-\u9fff]+")


def _aliases(note: str) -> list[str]:
    """The words of a parenthesised note that lists aliases ("also `m2`, `area`, 按面积",
    "`building`, 按楼栋"); none for a note in prose ("固定: once per contract") or one
    naming other keys ("`low`, `high`")."""
    words = [w.strip() for w in note.removeprefix("also ").split(",")]
    aliases = note.startswith("also ") or any(_CJK.fullmatch(w) for w in words)
    if aliases and all(re.fullmatch(r"`[^`]+`", w) or _CJK.fullmatch(w) for w in words):
        return [w.strip("`") for w in words]
    return []


def _listed(cell: str) -> Iterator[tuple[str, str]]:
    """(word, the code it stands for) for each value a cell lists and each alias noted."""
    for listing in _LISTED.finditer(cell):
        for code, note in re.findall(r"`([^`]+)`(?: \(([^)]*)\))?", listing.group(0)):
            yield code, code
            yield from ((alias, code) for alias in _aliases(note))


def _doc_values() -> Iterator[tuple[tuple[str, str], str, str]]:
    section, header = "", None
    for line in (ROOT / "docs" / "formats.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section = line.strip("# ")
        if not line.startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = cells
            continue
        key = re.fullmatch(r"`([^`]+)`", cells[0])
        if len(header) > 1 and header[1] == "also accepted" and not cells[0].startswith("---"):
            code = re.match(r"`([^`]+)`", cells[0])
            assert code, line
            for word in [code.group(1), *(w.strip().strip("`") for w in cells[1].split(","))]:
                yield (header[0], "also accepted"), word, code.group(1)
        elif key is not None and (section, key.group(1)) not in NOT_A_VOCABULARY:
            yield from (((section, key.group(1)), w, c) for w, c in _listed(cells[-1]))


DOC_VALUES = list(_doc_values())


def test_every_vocabulary_the_formats_page_lists_has_its_parser_named() -> None:
    assert {where for where, _, _ in DOC_VALUES} == set(DOC_PARSERS)


@pytest.mark.parametrize(("where", "value", "code"), DOC_VALUES,
                         ids=[f"{w[0]}:{w[1]}={v}" for w, v, _ in DOC_VALUES])
def test_every_value_the_formats_page_lists_parses(where: tuple[str, str], value: str,
                                                   code: str) -> None:
    """Each value parses; an alias to what its code parses to."""
    parse = DOC_PARSERS[where]
    assert parse(value) == parse(code)


def test_each_parser_refuses_what_it_should(tmp_path: Path) -> None:
    """The parsers named above refuse their bad value: a parser that accepts anything would
    make every test here pass without checking a thing."""
    for name in FIX_PARSERS:
        assert isinstance(_refusal(name), CommonsError)
    for where, parse in [*CLI_PARSERS.items(), *DOC_PARSERS.items()]:
        if parse in (_rendered_by_the_command,):
            continue
        with pytest.raises(CommonsError):
            parse("not-a-value")
        assert where
