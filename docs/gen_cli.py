"""Write docs/cli.md, the command-line reference, from the click commands' own help.

Run ``python docs/gen_cli.py`` (``make docs`` does); ``tests/test_docs.py`` renders it again in
memory and compares, so the reference never drifts from ``commons --help``. The help is laid out
at a fixed width, so the file does not depend on the terminal it was made in.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
from commons_cli.main import main as root

WIDTH = 80
OUT = Path(__file__).with_name("cli.md")

HEAD = """\
# Command-line reference

Every command of `commons`, with the help it prints (`commons COMMAND --help`). This file is
generated from the commands by `docs/gen_cli.py` (`make docs`); a test fails when it is out of
date. The file formats the commands read are described in [formats.md](formats.md).
"""


def _walk(command: click.Command, ctx: click.Context) -> Iterator[click.Context]:
    """``ctx`` and the context of every subcommand below it, in the order help lists them."""
    yield ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(sub, _context(sub, name, ctx))


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """The context ``commons ... NAME --help`` would make: the command's own settings and those
    it inherits (``-h`` as well as ``--help``), no arguments parsed."""
    return command.make_context(name, [], parent=parent, resilient_parsing=True,
                                terminal_width=WIDTH, max_content_width=WIDTH)


def render() -> str:
    """The whole reference as Markdown."""
    top = _context(root, "commons", None)
    parts = [HEAD]
    for ctx in _walk(root, top):
        parts.append(f"\n## `{ctx.command_path}`\n\n```text\n"
                     f"{ctx.command.get_help(ctx).rstrip()}\n```\n")
    return "".join(parts)


def main() -> None:
    """Write the reference to docs/cli.md (or to the path given)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
