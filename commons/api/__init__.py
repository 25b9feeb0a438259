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
from commons.api.resolutions import BallotsImported
from commons.api.revenue import CollectSummary, SetAside
from commons.api.spending import Disbursement, SpendingStatus
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
from commons.governance import (
    PARTICIPATION,
    Ballot,
    Choice,
    Election,
    Matter,
    Measures,
    Proposal,
    ProposalRecord,
    Ratio,
    Scope,
    ScopeKind,
    Standing,
    State,
    Tally,
    Tie,
    Transition,
)
from commons.ledger.periods import parse_date
from commons.ledger.revenue import (
    ClearReport,
    Quarter,
    QuarterDue,
    ResourceEarning,
    SharingRule,
    UnattributedIncome,
)
from commons.ledger.spending import (
    SPENDING_PURPOSES,
    AccountHolder,
    Approval,
    Authority,
    RevenueBalance,
    Signer,
    SignerRole,
    SpendingLimit,
    SpendingProposal,
)
from commons.ledger.statement import IncomeLine, RevenueStatement, SpendingLine

__all__ = [
    "ESTATE_KINDS",
    "PARTICIPATION",
    "SPENDING_PURPOSES",
    "SPLIT_METHODS",
    "TARIFF_HELP",
    "AccountBalance",
    "AccountHolder",
    "Approval",
    "Authority",
    "BalanceReport",
    "Ballot",
    "BallotsImported",
    "Breach",
    "Building",
    "BuildingLine",
    "Choice",
    "ClearReport",
    "CollectSummary",
    "CollectedBill",
    "Commons",
    "Compound",
    "CompoundBill",
    "CompoundSummary",
    "ConflictingImport",
    "Disbursement",
    "Election",
    "Governance",
    "HourOccupancy",
    "Household",
    "ImportSummary",
    "IncomeLine",
    "InitReport",
    "ManagementArea",
    "Matter",
    "Measures",
    "Owner",
    "ParkingBill",
    "ParkingReport",
    "PeriodClosed",
    "PostSummary",
    "Proposal",
    "ProposalRecord",
    "Quarter",
    "QuarterDue",
    "Ratio",
    "Resource",
    "ResourceCount",
    "ResourceEarning",
    "ResourceKind",
    "RevenueBalance",
    "RevenueStatement",
    "Scope",
    "ScopeKind",
    "SessionCharge",
    "SessionImport",
    "SetAside",
    "SharingRule",
    "Signer",
    "SignerRole",
    "SpendingLimit",
    "SpendingLine",
    "SpendingProposal",
    "SpendingStatus",
    "Split",
    "Standing",
    "State",
    "Tally",
    "TariffFile",
    "TariffLoaded",
    "Tie",
    "TrailLine",
    "Transition",
    "UnattributedIncome",
    "VerifyReport",
    "connect",
    "decimal_text",
    "parse_date",
]
