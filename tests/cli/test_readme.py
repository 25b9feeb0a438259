"""The README's library example runs, and prints what its comments say it prints; every command
of its tour runs on the demo's books.

In each ```python block of README.md, the comment lines right after a ``print(...)`` statement are
that print's expected output, one comment line per printed line. The ```sh tour block lists
commands a user types after ``make demo``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from commons_cli.main import main

README = Path(__file__).parents[2] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def expected_output(source: str) -> list[str]:
    """The comment lines that follow each top-level or nested ``print(...)`` statement."""
    lines = source.splitlines()
    expected: list[str] = []
    prints = [node for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Name) and node.value.func.id == "print"]
    for node in sorted(prints, key=lambda n: n.lineno):
        assert node.end_lineno is not None
        for line in lines[node.end_lineno:]:  # end_lineno is 1-based: this starts just after it
            stripped = line.strip()
            if not stripped.startswith("#"):
                break
            expected.append(stripped[1:].strip())
    return expected


def test_the_readme_has_a_library_example() -> None:
    blocks = python_blocks()
    assert blocks, "README.md should show commons used as a library"
    assert any(expected_output(block) for block in blocks)


@pytest.mark.parametrize("block", python_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_readme_block_prints_what_it_says(block: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # whatever the example writes lands here
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == expected_output(block)


def test_expected_output_reads_comments_after_prints_only() -> None:
    source = ("# a heading comment\nx = 1\nprint(x,\n      x)\n# 1 1\n#  second\ny = 2\n"
              "# not output\n")
    assert expected_output(source) == ["1 1", "second"]


TOUR = re.compile(r"^```sh tour\n(.*?)^```", re.DOTALL | re.MULTILINE)


def tour_commands() -> list[list[str]]:
    block = TOUR.search(README.read_text(encoding="utf-8"))
    assert block, "README.md should have a ```sh tour block"
    commands = [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]
    assert all(c[0] == "commons" for c in commands)
    return [c[1:] for c in commands]


@pytest.mark.slow
def test_every_command_of_the_tour_runs_on_the_demo(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMMONS_DB", raising=False)
    runner = CliRunner()
    made = runner.invoke(main, ["--db", "demo.db", "demo"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    for argv in tour_commands():
        result = runner.invoke(main, argv, catch_exceptions=False)
        assert result.exit_code == 0, f"commons {' '.join(argv)}:\n{result.output}"
    assert (tmp_path / "wjxc-parking.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "q4.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
