"""Lazy package exports (PEP 562): a package names the module of each public name in one table,
and the module is imported the first time the name is used.

So ``import commons`` costs almost nothing, and a command that needs the ledger never pays for
the parking tariffs or the audit export. The package's ``TYPE_CHECKING`` block imports the same
names eagerly for mypy (tests check that block against the table).
"""

from __future__ import annotations

import sys

# typing costs a few milliseconds that ``import commons`` should not pay; mypy reads any name
# TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = ["exports"]


def exports(namespace: dict[str, Any], table: Mapping[str, str]
            ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for ``table``: public name -> the module that
    defines it, or ``"module:name"`` when the package exports it under another name.

    ``namespace`` is the package's ``globals()``; a name once loaded is stored there, so its
    next use is a plain attribute lookup that never reaches ``__getattr__`` again.
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = where.partition(":")
        # __import__, not importlib.import_module: only imports made this way are timed by
        # ``python -X importtime``, which is how start-up is measured (bench/bench_startup.py).
        __import__(module)
        value = getattr(sys.modules[module], attribute or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *table})

    return __getattr__, __dir__
