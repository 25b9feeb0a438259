"""Build the API reference from the docstrings into docs/api/ with pdoc (``make docs``).

Every module of ``commons`` gets a page. pdoc follows a package's ``__all__``, which names the
values a package re-exports rather than the modules that hold them, so the modules are named
here: each one that its package's page would not already bring in.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import sys
from pathlib import Path

import pdoc
import pdoc.render

import commons

OUT = Path(__file__).with_name("api")


def modules() -> list[str]:
    """``commons`` and every module below it that pdoc would not reach from its package."""
    names = ["commons"]
    for info in pkgutil.walk_packages(commons.__path__, "commons."):
        parent, _, leaf = info.name.rpartition(".")
        exported = getattr(importlib.import_module(parent), "__all__", None)
        if exported is not None and leaf not in exported:
            names.append(info.name)
    return names


def main() -> None:
    """Write the reference to docs/api/ (or to the folder given)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    shutil.rmtree(out, ignore_errors=True)
    pdoc.render.configure(docformat="restructuredtext", footer_text="commons")
    pdoc.pdoc(*modules(), output_directory=out)


if __name__ == "__main__":
    main()
