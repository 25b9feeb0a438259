"""What a host system imports: ``connect`` opens a database and returns a ``Books`` handle.

The handle holds one service per area (``books.ledger``, ``books.revenue``, ...); each method of
a service is one use case, runs in one transaction, returns values and never prints. The command
line calls exactly these methods and takes the value types it renders from here.
"""

from commons.app.audit import ExportCheck
from commons.app.billing import (
    HouseholdAccount,
    InvoiceRun,
    InvoiceStanding,
    PaymentImport,
    ScheduleImport,
)
from commons.app.contracts import PartyScoreOutcome, ScoredEvaluation, SettleReport
from commons.app.estate import ImportSummary
from commons.app.handle import Books, InitReport, connect
from commons.app.ledger import (
    AccountBalance,
    BalanceReport,
    PeriodClosed,
    PostSummary,
    TrailLine,
    VerifyReport,
)
from commons.app.parking import (
    CollectedBill,
    ParkingBill,
    SessionImport,
    TariffLoaded,
)
from commons.app.reconcile import ImportedStatement, MatchRun, StatementImport, Unmatched
from commons.app.resolutions import BallotsImported
from commons.app.revenue import CollectSummary, SetAside
from commons.app.spending import Disbursement, SpendingStatus
from commons.billing.arrears import BUCKETS as AGING_BUCKETS
from commons.billing.arrears import AgingReport, CollectionRate
from commons.billing.fees import FeeRate, FeeSchedule
from commons.billing.invoices import Invoice
from commons.billing.payments import Payment
from commons.billing.receipts import Receipt
from commons.billing.split import SPLIT_METHODS, SharePlan, Split, Stage
from commons.contracts.catalog import CostDriver, ServiceCatalog, ServiceItem, ServiceLevel
from commons.contracts.contract import Bundle, BundleContract, Firm, Regime
from commons.contracts.evaluation import Bid, BlacklistEntry, Evaluation, PartyScore, Tender
from commons.contracts.settlement import Settlement
from commons.contracts.simulation import CompoundResult, SimulationReport
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
from commons.io.disclosure_render import LANGUAGES, disclosure_json, render_html, render_text
from commons.io.exporting import CurrencyTotal, ExportedFile, ExportManifest
from commons.l10n import fraction_text
from commons.ledger.export import FORMATS as EXPORT_FORMATS
from commons.ledger.export import Figure, csv_record
from commons.ledger.rules import ChainHead
from commons.ledger.signing import head_signature
from commons.parking.month import OWNERS as PARKING_OWNERS
from commons.parking.month import CompoundBill, SessionCharge
from commons.parking.tariff import TARIFF_HELP, Tariff, TariffFile, WindowDays
from commons.parking.usage import Breach, HourOccupancy, ParkingReport
from commons.periods import parse_date
from commons.reconcile.reconciliation import MatchRecord, OutstandingItem, ReconciliationStatement
from commons.revenue.disclosure import (
    DisclosedIncome,
    DisclosedSpending,
    Disclosure,
    DisclosurePeriod,
    SpendingAuthority,
)
from commons.revenue.income import (
    ClearReport,
    Quarter,
    QuarterDue,
    ResourceEarning,
    SharingRule,
    UnattributedIncome,
)
from commons.revenue.spending import (
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
from commons.revenue.statement import IncomeLine, RevenueStatement, SpendingLine

__all__ = [
    "AGING_BUCKETS",
    "ESTATE_KINDS",
    "EXPORT_FORMATS",
    "LANGUAGES",
    "PARKING_OWNERS",
    "PARTICIPATION",
    "SPENDING_PURPOSES",
    "SPLIT_METHODS",
    "TARIFF_HELP",
    "AccountBalance",
    "AccountHolder",
    "AgingReport",
    "Approval",
    "Authority",
    "BalanceReport",
    "Ballot",
    "BallotsImported",
    "Bid",
    "BlacklistEntry",
    "Books",
    "Breach",
    "Building",
    "BuildingLine",
    "Bundle",
    "BundleContract",
    "ChainHead",
    "Choice",
    "ClearReport",
    "CollectSummary",
    "CollectedBill",
    "CollectionRate",
    "Compound",
    "CompoundBill",
    "CompoundResult",
    "CompoundSummary",
    "ConflictingImport",
    "CostDriver",
    "CurrencyTotal",
    "Disbursement",
    "DisclosedIncome",
    "DisclosedSpending",
    "Disclosure",
    "DisclosurePeriod",
    "Election",
    "Evaluation",
    "ExportCheck",
    "ExportManifest",
    "ExportedFile",
    "FeeRate",
    "FeeSchedule",
    "Figure",
    "Firm",
    "Governance",
    "HourOccupancy",
    "Household",
    "HouseholdAccount",
    "ImportSummary",
    "ImportedStatement",
    "IncomeLine",
    "InitReport",
    "Invoice",
    "InvoiceRun",
    "InvoiceStanding",
    "ManagementArea",
    "MatchRecord",
    "MatchRun",
    "Matter",
    "Measures",
    "OutstandingItem",
    "Owner",
    "ParkingBill",
    "ParkingReport",
    "PartyScore",
    "PartyScoreOutcome",
    "Payment",
    "PaymentImport",
    "PeriodClosed",
    "PostSummary",
    "Proposal",
    "ProposalRecord",
    "Quarter",
    "QuarterDue",
    "Ratio",
    "Receipt",
    "ReconciliationStatement",
    "Regime",
    "Resource",
    "ResourceCount",
    "ResourceEarning",
    "ResourceKind",
    "RevenueBalance",
    "RevenueStatement",
    "ScheduleImport",
    "Scope",
    "ScopeKind",
    "ScoredEvaluation",
    "ServiceCatalog",
    "ServiceItem",
    "ServiceLevel",
    "SessionCharge",
    "SessionImport",
    "SetAside",
    "SettleReport",
    "Settlement",
    "SharePlan",
    "SharingRule",
    "Signer",
    "SignerRole",
    "SimulationReport",
    "SpendingAuthority",
    "SpendingLimit",
    "SpendingLine",
    "SpendingProposal",
    "SpendingStatus",
    "Split",
    "Stage",
    "Standing",
    "State",
    "StatementImport",
    "Tally",
    "Tariff",
    "TariffFile",
    "TariffLoaded",
    "Tender",
    "Tie",
    "TrailLine",
    "Transition",
    "UnattributedIncome",
    "Unmatched",
    "VerifyReport",
    "WindowDays",
    "connect",
    "csv_record",
    "disclosure_json",
    "fraction_text",
    "head_signature",
    "parse_date",
    "render_html",
    "render_text",
]
