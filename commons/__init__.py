"""commons: the books of shared property (共享物业) in old residential neighbourhoods.

Host systems start with ``commons.connect(path)``; the values it returns are attrs classes
listed here. Money is whole fen (``Money``), splits are exact (``allocate``).

Each name is imported on first use, from the module ``EXPORTS`` names, so ``import commons``
loads only this file and ``commons.lazy``.
"""

from commons.lazy import exports

# Not typing.TYPE_CHECKING: typing alone would cost ``import commons`` a few milliseconds, and
# mypy reads any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what mypy sees instead of __getattr__: the names of EXPORTS
    from commons.allocation import allocate
    from commons.app.handle import Books, connect
    from commons.app.ledger import (
        BalanceReport,
        PeriodClosed,
        PostSummary,
        TrailLine,
        VerifyReport,
    )
    from commons.billing.split import FloorCoefficients, Part, Share, SharePlan, Split, Stage
    from commons.clock import Clock, FixedClock, SystemClock
    from commons.errors import (
        CommonsError,
        ConflictError,
        CurrencyMismatch,
        InvalidInput,
        NotFound,
        Problems,
        RefusedByRule,
    )
    from commons.estate.household import Household
    from commons.ledger.accounts import Account
    from commons.ledger.journal import Entry, Posting, StoredEntry
    from commons.money import Money
    from commons.periods import Period

__version__ = "0.1.0"

# Each public name and the module that defines it.
EXPORTS = {
    "Account": "commons.ledger.accounts",
    "BalanceReport": "commons.app.ledger",
    "Clock": "commons.clock",
    "Books": "commons.app.handle",
    "CommonsError": "commons.errors",
    "ConflictError": "commons.errors",
    "CurrencyMismatch": "commons.errors",
    "Entry": "commons.ledger.journal",
    "FixedClock": "commons.clock",
    "FloorCoefficients": "commons.billing.split",
    "Household": "commons.estate.household",
    "InvalidInput": "commons.errors",
    "Money": "commons.money",
    "NotFound": "commons.errors",
    "Part": "commons.billing.split",
    "Period": "commons.periods",
    "PeriodClosed": "commons.app.ledger",
    "PostSummary": "commons.app.ledger",
    "Posting": "commons.ledger.journal",
    "Problems": "commons.errors",
    "RefusedByRule": "commons.errors",
    "Share": "commons.billing.split",
    "SharePlan": "commons.billing.split",
    "Split": "commons.billing.split",
    "Stage": "commons.billing.split",
    "StoredEntry": "commons.ledger.journal",
    "SystemClock": "commons.clock",
    "TrailLine": "commons.app.ledger",
    "VerifyReport": "commons.app.ledger",
    "allocate": "commons.allocation",
    "connect": "commons.app.handle",
}

if not TYPE_CHECKING:  # mypy would take any misspelt name for one __getattr__ returns
    __getattr__, __dir__ = exports(globals(), EXPORTS)

__all__ = [
    "Account",
    "BalanceReport",
    "Books",
    "Clock",
    "CommonsError",
    "ConflictError",
    "CurrencyMismatch",
    "Entry",
    "FixedClock",
    "FloorCoefficients",
    "Household",
    "InvalidInput",
    "Money",
    "NotFound",
    "Part",
    "Period",
    "PeriodClosed",
    "PostSummary",
    "Posting",
    "Problems",
    "RefusedByRule",
    "Share",
    "SharePlan",
    "Split",
    "Stage",
    "StoredEntry",
    "SystemClock",
    "TrailLine",
    "VerifyReport",
    "__version__",
    "allocate",
    "connect",
]
