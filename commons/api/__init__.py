"""What a host system imports: ``connect`` opens a database and returns a ``Commons`` handle.

Each method of the handle is one use case, runs in one transaction, returns values and never
prints. The command line calls exactly these methods, under the same names, and takes the value
types it renders from here.
"""

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
from commons.api.parking import (
    CollectedBill,
    ParkingBill,
    SessionImport,
    TariffLoaded,
)
from commons.billing.parking_month import CompoundBill, SessionCharge
from commons.billing.parking_tariff import TARIFF_HELP, TariffFile
from commons.billing.parking_usage import Breach, HourOccupancy, ParkingReport, decimal_text
from commons.billing.split import SPLIT_METHODS, Split
from commons.estate.compound import Building, Compound, Governance, ManagementArea
from commons.estate.household import Household, Owner
from commons.estate.importing import KINDS as ESTATE_KINDS
from commons.estate.importing import ConflictingImport
from commons.estate.resource import Resource, ResourceKind
from commons.estate.summary import BuildingLine, CompoundSummary, ResourceCount
from commons.ledger.periods import parse_date

__all__ = [
    "ESTATE_KINDS",
    "SPLIT_METHODS",
    "TARIFF_HELP",
    "AccountBalance",
    "BalanceReport",
    "Breach",
    "Building",
    "BuildingLine",
    "CollectedBill",
    "Commons",
    "Compound",
    "CompoundBill",
    "CompoundSummary",
    "ConflictingImport",
    "Governance",
    "HourOccupancy",
    "Household",
    "ImportSummary",
    "InitReport",
    "ManagementArea",
    "Owner",
    "ParkingBill",
    "ParkingReport",
    "PeriodClosed",
    "PostSummary",
    "Resource",
    "ResourceCount",
    "ResourceKind",
    "SessionCharge",
    "SessionImport",
    "Split",
    "TariffFile",
    "TariffLoaded",
    "TrailLine",
    "VerifyReport",
    "connect",
    "decimal_text",
    "parse_date",
]
