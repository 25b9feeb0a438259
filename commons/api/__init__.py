"""What a host system imports: ``connect`` opens a database and returns a ``Commons`` handle.

Each method of the handle is one use case, runs in one transaction, returns values and never
prints. The command line calls exactly these methods, under the same names, and takes the value
types it renders from here.
"""

from commons.api.billing import (
    HouseholdAccount,
    InvoiceRun,
    InvoiceStanding,
    PaymentImport,
    ScheduleImport,
)
from commons.api.estate import ImportSummary
from commons.api.handle import Commons, InitReport, connect
from commons.api.ledger import (
    AccountBalance,
    BalanceReport,
    PeriodClosed,
    PostSummary,
    TrailLine,
    VerifyReport,
)
from commons.billing.arrears import BUCKETS as AGING_BUCKETS
from commons.billing.arrears import AgingReport, CollectionRate
from commons.billing.fees import FeeSchedule
from commons.billing.invoices import Invoice
from commons.billing.receipts import Receipt
from commons.billing.split import SPLIT_METHODS, Split
from commons.estate.compound import Building, Compound, Governance, ManagementArea
from commons.estate.household import Household, Owner
from commons.estate.importing import KINDS as ESTATE_KINDS
from commons.estate.importing import ConflictingImport
from commons.estate.resource import Resource, ResourceKind
from commons.estate.summary import BuildingLine, CompoundSummary, ResourceCount
from commons.ledger.periods import parse_date

__all__ = [
    "AGING_BUCKETS",
    "ESTATE_KINDS",
    "SPLIT_METHODS",
    "AccountBalance",
    "AgingReport",
    "BalanceReport",
    "Building",
    "BuildingLine",
    "CollectionRate",
    "Commons",
    "Compound",
    "CompoundSummary",
    "ConflictingImport",
    "FeeSchedule",
    "Governance",
    "Household",
    "HouseholdAccount",
    "ImportSummary",
    "InitReport",
    "Invoice",
    "InvoiceRun",
    "InvoiceStanding",
    "ManagementArea",
    "Owner",
    "PaymentImport",
    "PeriodClosed",
    "PostSummary",
    "Receipt",
    "Resource",
    "ResourceCount",
    "ResourceKind",
    "ScheduleImport",
    "Split",
    "TrailLine",
    "VerifyReport",
    "connect",
    "parse_date",
]
