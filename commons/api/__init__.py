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
from commons.api.reconcile import ImportedStatement, MatchRun, StatementImport, Unmatched
from commons.billing.split import SPLIT_METHODS, Split
from commons.ledger.periods import parse_date
from commons.ledger.reconciliation import MatchRecord, OutstandingItem, ReconciliationStatement

__all__ = [
    "SPLIT_METHODS",
    "AccountBalance",
    "BalanceReport",
    "Commons",
    "ImportedStatement",
    "InitReport",
    "MatchRecord",
    "MatchRun",
    "OutstandingItem",
    "PeriodClosed",
    "PostSummary",
    "ReconciliationStatement",
    "Split",
    "StatementImport",
    "TrailLine",
    "Unmatched",
    "VerifyReport",
    "connect",
    "parse_date",
]
