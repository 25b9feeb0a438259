"""Every public class, function and method of the library has a docstring, so that the API
reference (``make docs``) says what each does. The CLI documents itself through its help."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "commons"
NOT_COVERED: tuple[str, ...] = ()


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if not any(p.startswith("_") and p != "__init__.py" for p in parts):
            yield path


def _undocumented(body: list[ast.stmt], prefix: str) -> Iterator[str]:
    """Public classes and functions of ``body`` (and of the classes in it) without one."""
    for node in body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if node.name.startswith("_"):
            continue
        if ast.get_docstring(node) is None:
            yield f"{prefix}{node.name} (line {node.lineno})"
        if isinstance(node, ast.ClassDef):
            yield from _undocumented(node.body, f"{prefix}{node.name}.")


def test_the_check_sees_the_library() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert {"money.py", "ledger/journal.py", "store/sqlite.py"} <= names
    assert {"app/handle.py", "demo/district.py"} <= names


def test_every_module_says_what_it_holds() -> None:
    bare = [p.relative_to(ROOT).as_posix() for p in _modules()
            if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert not bare, f"modules without a docstring: {bare}"


def test_every_public_class_and_function_has_a_docstring() -> None:
    missing = [f"{p.relative_to(ROOT).as_posix()}: {name}" for p in _modules()
               for name in _undocumented(ast.parse(p.read_text(encoding="utf-8")).body, "")]
    assert not missing, "public names without a docstring:\n" + "\n".join(missing)
