"""What a host system imports: ``connect`` opens a database and returns a ``Commons`` handle.

Each method of the handle is one use case, runs in one transaction, returns values and never
prints. The command line calls exactly these methods, under the same names, and takes the value
types it renders from here.
"""

from commons.api.handle import Commons, InitReport, connect
from commons.api.ledger import (
    AccountBalance,
    BalanceReport,
    PeriodClosed,
    PostSummary,
    TrailLine,
    VerifyReport,
)
from commons.billing.split import SPLIT_METHODS, Split
from commons.ledger.periods import parse_date

__all__ = [
    "SPLIT_METHODS",
    "AccountBalance",
    "BalanceReport",
    "Commons",
    "InitReport",
    "PeriodClosed",
    "PostSummary",
    "Split",
    "TrailLine",
    "VerifyReport",
    "connect",
    "parse_date",
]
