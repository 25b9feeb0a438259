"""commons: the books of shared property (共享物业) in old residential neighbourhoods.

Host systems start with ``commons.connect(path)``; the values it returns are attrs classes
listed here. Money is whole fen (``Money``), splits are exact (``allocate``).
"""

from commons.allocate import allocate
from commons.app import (
    BalanceReport,
    Books,
    PeriodClosed,
    PostSummary,
    TrailLine,
    VerifyReport,
    connect,
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
