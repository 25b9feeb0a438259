"""The documentation under docs/ stays true: the CLI reference matches the commands' help,
every link to a repository file resolves, and every example of formats.md is read by commons."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import Invoke

from commons.io.bank_csv import CsvProfile
from commons.io.bank_formats import read_statements
from commons.io.bank_profiles import BUILTIN_PROFILES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```(\w+) (\S+)\n(.*?)^```$", re.M | re.S)
_HEADING = re.compile(r"^#+ (.+)$", re.M)


def _gen_cli() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", DOCS / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_what_the_commands_print() -> None:
    written = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert written == _gen_cli().render(), "docs/cli.md is stale: run `make docs`"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, blanks as -."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_to_a_repository_file_resolves(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address, not a repository file
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or ROOT not in file.parents:
            broken.append(target)
        elif anchor and file.suffix == ".md":
            anchors = {_slug(h) for h in _HEADING.findall(file.read_text(encoding="utf-8"))}
            if anchor not in anchors:
                broken.append(target)
    assert not broken, f"{page.name} links to what is not there: {broken}"


def test_the_readme_links_only_to_files_in_the_repository() -> None:
    assert "DESIGN.md" not in (ROOT / "README.md").read_text(encoding="utf-8")


# Files a bank saves in GB18030 or UTF-16, as the profiles in formats.md say; the rest
# are UTF-8.
_ENCODING = {"mybank-2611.csv": "gb18030", "icbc-2610.csv": "gb18030",
             "layout-alipay.csv": "gb18030", "layout-boc-web.csv": "utf-16"}
# The built-in layouts' examples, read on their own: each must fit its profile by its header.
_LAYOUTS = ("icbc", "icbc-app", "abc", "abc-app", "boc", "boc-web", "ccb", "ccb-app", "bocom",
            "bocom-app", "cmb", "cmb-app", "wechat", "alipay")
_OWN_LAYOUTS = {"cn-bank", "generic", "generic-debit-credit"}  # commons' own, no bank's


def test_every_built_in_layout_has_an_example_and_a_source() -> None:
    """Issue 15: formats.md shows one example per layout and names, for each built-in
    profile, the public description it was checked against (or says none was found)."""
    page = (DOCS / "formats.md").read_text(encoding="utf-8")
    assert set(_LAYOUTS) == set(BUILTIN_PROFILES) - _OWN_LAYOUTS
    for name in _LAYOUTS:
        assert f"```csv layout-{name}.csv" in page, name
        assert re.search(rf"^\| `{re.escape(name)}` \| (none found|[^|]*(importers|generator))",
                         page, re.M), name

# formats.md's examples through the commands that read them, in the order of the page.
_RUNS = [
    ("estate", "import", "compounds", "compounds.csv", "buildings", "buildings.csv",
     "households", "households.csv", "resources", "resources.csv", "management-areas",
     "areas.csv"),
    ("ledger", "chart", "wjxc"),
    ("ledger", "chart", "zy-1"),
    ("ledger", "post", "october.jsonl"),
    ("revenue", "rule", "wjxc", "--commission", "10", "--max-commission", "15", "--from",
     "2026-12-01"),
    ("revenue", "collect", "income.csv"),
    ("resolution", "propose", "R1", "--matter", "use-public-revenue", "--scope", "compound:wjxc"),
    *(("resolution", "advance", "R1", step) for step in ("discussed", "consulted", "drafted")),
    ("resolution", "ballots", "R1", "ballots.csv"),
    ("resolution", "elect", "votes.csv", "--seats", "5"),
    ("parking", "tariff", "tariff.toml"),
    ("parking", "import", "sessions.csv"),
    ("parking", "bill", "--period", "2026-11"),
    ("billing", "schedule", "fees.toml"),
    ("billing", "schedule", "fees.csv"),
    ("billing", "invoice", "--period", "2026-10"),
    ("billing", "pay", "payments.csv"),
    ("reconcile", "import", "generic.csv", "--account", "assets:bank:co-managed:wjxc",
     "--profile", "generic"),
    ("reconcile", "import", "mybank-2611.csv", "--account", "assets:bank:co-managed:wjxc",
     "--profile", "mybank.toml"),
    ("reconcile", "import", "december.xml", "--account", "assets:bank:co-managed:wjxc"),
    ("reconcile", "import", "icbc-2610.csv", "--account", "assets:bank:co-managed:zy-1"),
    ("ledger", "open", "assets:wallet:wechat:wjxc", "--compound", "wjxc"),
    ("reconcile", "import", "layout-wechat.csv", "--account", "assets:wallet:wechat:wjxc",
     "--profile", "wechat-wallet.toml", "--opening", "100.00"),
    ("reconcile", "lines", "--account", "assets:wallet:wechat:wjxc"),
    ("bundle", "simulate", "bundle.toml", "--runs", "50"),
    ("split", "580000", "--by", "floor", "ls-3.csv", "--plan", "elevator.toml"),
    ("split", "100", "weights.csv"),
    ("audit", "disclose", "--compound", "wjxc", "--period", "2026-11", "--notice",
     "wjxc-notice.toml"),
    ("market", "provider", "add", "canteen", "--name", "长者食堂", "--kind", "社会组织",
     "--areas", "wjxc"),
    ("market", "service", "add", "meal", "--provider", "canteen", "--category", "canteen-meal",
     "--name", "午餐", "--unit", "meal", "--price", "12.00", "--compounds", "wjxc"),
    ("market", "import", "market-events.jsonl"),
    ("points", "programme", "add", "points.toml"),
    ("points", "roster", "submit", "roster-2026-12-05.csv", "--programme", "wjxc-points",
     "--by", "org-wang"),
    ("points", "roster", "confirm", "roster-2026-12-05", "--by", "cw-li"),
]


def test_every_example_of_the_formats_page_is_read(cli: Invoke, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    examples = _FENCE.findall((DOCS / "formats.md").read_text(encoding="utf-8"))
    names = [name for _, name, _ in examples]
    assert len(names) == len(set(names)), "two examples of formats.md share a file name"
    for _, name, body in examples:
        (tmp_path / name).write_bytes(body.encode(_ENCODING.get(name, "utf-8")))
    used = {arg for run in _RUNS for arg in run} | {f"layout-{x}.csv" for x in _LAYOUTS}
    assert set(names) <= used, f"examples no command reads: {set(names) - used}"
    for layout in _LAYOUTS:
        (statement,) = read_statements((tmp_path / f"layout-{layout}.csv").read_bytes(), layout)
        assert statement.reader == f"csv:{layout}"
        assert any(line.amount.fen < 0 for line in statement.lines), layout
    monkeypatch.chdir(tmp_path)
    for run in _RUNS:
        result = cli(*run)
        assert result.exit_code == 0, (run, result.output)


def test_the_wallet_profile_of_the_formats_page_keeps_a_withdrawal_as_money_out() -> None:
    """Found by hand: the built-in wechat profile skips 零钱提现 (the bill's `/`), so a
    wallet's balance drifts; the page's own profile reads it as money out."""
    examples = {name: body for _, name, body in
                _FENCE.findall((DOCS / "formats.md").read_text(encoding="utf-8"))}
    wallet = CsvProfile.from_toml(examples["wechat-wallet.toml"], "wechat-wallet.toml")
    (statement,) = read_statements(examples["layout-wechat.csv"].encode(), "layout-wechat.csv",
                                   profiles=[wallet])
    assert [str(x.amount) for x in statement.lines] == ["10.00", "-3.50", "-6.00"]
    assert statement.skipped == ()


def test_python_examples_import_only_the_public_names() -> None:
    """Issue 16 item 12: the README imported ``Entry`` from ``commons.ledger.journal``. A
    host's examples use ``commons`` (and ``commons.app``, and ``commons.errors`` for the error
    codes), never an inner module."""
    inner = re.compile(r"^\s*(?:from|import) commons\.(?!app\b|errors\b)[\w.]+", re.M)
    found = [f"{page.name}: {m.group(0).strip()}" for page in PAGES
             for block in re.findall(r"^```python\n(.*?)^```$", page.read_text(encoding="utf-8"),
                                     re.M | re.S)
             for m in inner.finditer(block)]
    assert not found, found
