"""The optional parts of commons, each an install extra: ``pip install 'commons-ledger[sim]'``.

Plots need matplotlib (``plot``), the bundle simulation numpy (``sim``), and reading XLSX files
back (``check-export`` of a workbook) openpyxl (``xlsx``; commons writes XLSX itself); ``[all]``
installs the three. The core books need none of them, and each is
imported only where it is used. ``require`` refuses early, naming the extra to install, where
a missing one would otherwise end in an ImportError traceback halfway through.
"""

from __future__ import annotations

import importlib.util

from commons.errors import CommonsError, ErrorCode

__all__ = ["EXTRAS", "MissingExtra", "require"]

# extra -> (the library it installs, what needs it)
EXTRAS = {
    "plot": ("matplotlib", "drawing a plot"),
    "sim": ("numpy", "simulating a bundle"),
    "xlsx": ("openpyxl", "reading an XLSX file back"),
}


class MissingExtra(CommonsError):
    """An optional part of commons is used but its library is not installed."""

    default_code = ErrorCode.MISSING_EXTRA


def require(extra: str) -> None:
    """Refuse with ``MissingExtra`` unless the library of ``extra`` can be imported."""
    library, purpose = EXTRAS[extra]
    if importlib.util.find_spec(library) is None:
        raise MissingExtra(f"{purpose} needs {library}, which is not installed",
                           fix=f"install commons with the {extra!r} extra: pip install "
                               f"'commons-ledger[{extra}]' (or '[all]' for every extra)")
