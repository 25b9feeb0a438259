"""commons: the books of shared property (共享物业) in old residential neighbourhoods.

Host systems start with ``commons.connect(path)``; the values it returns are attrs classes
listed here. Money is whole fen (``Money``), splits are exact (``allocate``).
"""

from commons.api import Commons, connect
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
from commons.money import Money, allocate

__version__ = "0.1.0"

__all__ = [
    "Clock",
    "Commons",
    "CommonsError",
    "ConflictError",
    "CurrencyMismatch",
    "FixedClock",
    "FloorCoefficients",
    "Household",
    "InvalidInput",
    "Money",
    "NotFound",
    "Part",
    "Problems",
    "RefusedByRule",
    "Share",
    "SharePlan",
    "Split",
    "Stage",
    "SystemClock",
    "__version__",
    "allocate",
    "connect",
]
