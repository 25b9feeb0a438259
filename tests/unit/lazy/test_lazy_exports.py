"""The lazy packages (``commons.lazy``): each name of a package's ``EXPORTS`` table is what its
``TYPE_CHECKING`` imports say (what mypy sees is what runs), and ``import commons`` loads no
more than the package itself."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

LAZY_PACKAGES = ["commons", "commons.app", "commons.governance", "commons.store"]


def imported(statements: list[ast.stmt]) -> dict[str, str]:
    """Name -> "module" or "module:original" of the ``from ... import`` statements."""
    found: dict[str, str] = {}
    for statement in statements:
        if isinstance(statement, ast.ImportFrom) and statement.module is not None:
            for alias in statement.names:
                renamed = alias.asname not in (None, alias.name)
                found[alias.asname or alias.name] = (
                    statement.module + (f":{alias.name}" if renamed else ""))
    return found


def package_imports(package: ModuleType) -> tuple[dict[str, str], dict[str, str]]:
    """What the package's ``if TYPE_CHECKING:`` block imports, and what it imports at once."""
    assert package.__file__ is not None
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    blocks = [node for node in tree.body
              if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"]
    assert len(blocks) == 1
    return imported(blocks[0].body), imported(tree.body)


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_the_table_names_what_mypy_sees_and_all_lists(name: str) -> None:
    package = importlib.import_module(name)
    imports, at_once = package_imports(package)
    assert set(package.EXPORTS) == set(imports)
    assert set(package.__all__) - {"__version__"} == set(package.EXPORTS) | (
        set(at_once) - {"exports"})
    for exported, where in package.EXPORTS.items():
        module, _, original = where.partition(":")
        value = getattr(importlib.import_module(module), original or exported)
        # the type-checking import may go through a lazy package; it is the same object
        via, _, via_name = imports[exported].partition(":")
        assert getattr(importlib.import_module(via), via_name or exported) is value, exported
        assert getattr(package, exported) is value
        assert exported in dir(package)


def test_a_function_named_like_its_submodule_stays_the_function() -> None:
    module = importlib.import_module("commons.governance.tally")
    from commons.governance import tally

    assert callable(tally)
    assert tally is module.tally


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    import commons

    with pytest.raises(AttributeError, match="module 'commons' has no attribute 'Ledger'"):
        _ = commons.Ledger  # type: ignore[attr-defined]


def loaded_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(*sys.modules)"],
                          capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.slow
def test_import_commons_loads_only_the_package() -> None:
    loaded = loaded_after("import commons")
    assert {m for m in loaded if m.startswith("commons")} == {"commons", "commons.lazy"}
    assert not loaded & {"attrs", "typing", "sqlite3", "click", "pendulum", "decimal", "json"}


@pytest.mark.slow
def test_one_name_loads_its_module_and_not_its_neighbours() -> None:
    loaded = loaded_after("from commons import Money")
    assert "commons.money" in loaded
    assert not {m for m in loaded if m.startswith(("commons.app", "commons.store"))}
