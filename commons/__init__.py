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
    from commons.app.audit import ExportCheck
    from commons.app.billing import HouseholdAccount, InvoiceRun, PaymentImport, ScheduleImport
    from commons.app.contracts import PartyScoreOutcome, ScoredEvaluation, SettleReport
    from commons.app.estate import ImportSummary
    from commons.app.handle import Books, InitReport, connect
    from commons.app.ledger import AccountBalance, BalanceReport
    from commons.app.ledger_results import PeriodClosed, PostSummary, TrailLine, VerifyReport
    from commons.app.parking import ParkingBill, SessionImport, TariffLoaded
    from commons.app.reconcile import MatchRun, StatementImport, Unmatched
    from commons.app.resolutions import BallotsImported
    from commons.app.revenue import CollectSummary, SetAside
    from commons.app.spending import Disbursement, SpendingStatus
    from commons.billing.arrears import AgingReport, CollectionRate
    from commons.billing.fees import FeeSchedule
    from commons.billing.invoices import Invoice
    from commons.billing.receipts import Receipt
    from commons.billing.split import FloorCoefficients, Part, Share, SharePlan, Split, Stage
    from commons.clock import Clock, FixedClock, SystemClock
    from commons.contracts.catalog import ServiceCatalog
    from commons.contracts.contract import Bundle, BundleContract, Firm
    from commons.contracts.evaluation import Bid, BlacklistEntry, Tender
    from commons.contracts.simulation import SimulationReport
    from commons.errors import (
        CommonsError,
        ConflictError,
        CurrencyMismatch,
        HandleError,
        InvalidInput,
        NotFound,
        Problems,
        RefusedByRule,
    )
    from commons.estate.compound import Compound
    from commons.estate.household import Household, Owner
    from commons.estate.resource import Resource
    from commons.estate.summary import CompoundSummary
    from commons.governance import Election, Proposal, ProposalRecord, Tally
    from commons.io.exporting import ExportManifest
    from commons.ledger.accounts import Account
    from commons.ledger.journal import Entry, Posting, StoredEntry
    from commons.ledger.statements import BalanceSheet, IncomeStatement, ListedAccount
    from commons.money import Money
    from commons.parking.tariff import TariffFile
    from commons.parking.usage import ParkingReport
    from commons.periods import Period
    from commons.reconcile.matching import DateWindow
    from commons.reconcile.reconciliation import ReconciliationStatement
    from commons.revenue.disclosure import Disclosure
    from commons.revenue.income import ClearReport, SharingRule
    from commons.revenue.spending import (
        AccountHolder,
        RevenueBalance,
        Signer,
        SpendingLimit,
        SpendingProposal,
    )
    from commons.revenue.statement import RevenueStatement
    from commons.store.sqlite import StorageError, StoreBusy

__version__ = "0.1.0"

# Each public name and the module that defines it.
EXPORTS = {
    "Account": "commons.ledger.accounts",
    "AccountBalance": "commons.app.ledger",
    "AccountHolder": "commons.revenue.spending",
    "AgingReport": "commons.billing.arrears",
    "BalanceReport": "commons.app.ledger",
    "BalanceSheet": "commons.ledger.statements",
    "BallotsImported": "commons.app.resolutions",
    "Bid": "commons.contracts.evaluation",
    "BlacklistEntry": "commons.contracts.evaluation",
    "Books": "commons.app.handle",
    "Bundle": "commons.contracts.contract",
    "BundleContract": "commons.contracts.contract",
    "ClearReport": "commons.revenue.income",
    "Clock": "commons.clock",
    "CollectSummary": "commons.app.revenue",
    "CollectionRate": "commons.billing.arrears",
    "CommonsError": "commons.errors",
    "Compound": "commons.estate.compound",
    "CompoundSummary": "commons.estate.summary",
    "ConflictError": "commons.errors",
    "CurrencyMismatch": "commons.errors",
    "DateWindow": "commons.reconcile.matching",
    "Disbursement": "commons.app.spending",
    "Disclosure": "commons.revenue.disclosure",
    "Election": "commons.governance",
    "Entry": "commons.ledger.journal",
    "ExportCheck": "commons.app.audit",
    "ExportManifest": "commons.io.exporting",
    "FeeSchedule": "commons.billing.fees",
    "Firm": "commons.contracts.contract",
    "FixedClock": "commons.clock",
    "FloorCoefficients": "commons.billing.split",
    "HandleError": "commons.errors",
    "Household": "commons.estate.household",
    "HouseholdAccount": "commons.app.billing",
    "ImportSummary": "commons.app.estate",
    "IncomeStatement": "commons.ledger.statements",
    "InitReport": "commons.app.handle",
    "InvalidInput": "commons.errors",
    "Invoice": "commons.billing.invoices",
    "InvoiceRun": "commons.app.billing",
    "ListedAccount": "commons.ledger.statements",
    "MatchRun": "commons.app.reconcile",
    "Money": "commons.money",
    "NotFound": "commons.errors",
    "Owner": "commons.estate.household",
    "ParkingBill": "commons.app.parking",
    "ParkingReport": "commons.parking.usage",
    "Part": "commons.billing.split",
    "PartyScoreOutcome": "commons.app.contracts",
    "PaymentImport": "commons.app.billing",
    "Period": "commons.periods",
    "PeriodClosed": "commons.app.ledger_results",
    "PostSummary": "commons.app.ledger_results",
    "Posting": "commons.ledger.journal",
    "Problems": "commons.errors",
    "Proposal": "commons.governance",
    "ProposalRecord": "commons.governance",
    "Receipt": "commons.billing.receipts",
    "ReconciliationStatement": "commons.reconcile.reconciliation",
    "RefusedByRule": "commons.errors",
    "Resource": "commons.estate.resource",
    "RevenueBalance": "commons.revenue.spending",
    "RevenueStatement": "commons.revenue.statement",
    "ScheduleImport": "commons.app.billing",
    "ScoredEvaluation": "commons.app.contracts",
    "ServiceCatalog": "commons.contracts.catalog",
    "SessionImport": "commons.app.parking",
    "SetAside": "commons.app.revenue",
    "SettleReport": "commons.app.contracts",
    "Share": "commons.billing.split",
    "SharePlan": "commons.billing.split",
    "SharingRule": "commons.revenue.income",
    "Signer": "commons.revenue.spending",
    "SimulationReport": "commons.contracts.simulation",
    "SpendingLimit": "commons.revenue.spending",
    "SpendingProposal": "commons.revenue.spending",
    "SpendingStatus": "commons.app.spending",
    "Split": "commons.billing.split",
    "Stage": "commons.billing.split",
    "StatementImport": "commons.app.reconcile",
    "StorageError": "commons.store.sqlite",
    "StoreBusy": "commons.store.sqlite",
    "StoredEntry": "commons.ledger.journal",
    "SystemClock": "commons.clock",
    "Tally": "commons.governance",
    "TariffFile": "commons.parking.tariff",
    "TariffLoaded": "commons.app.parking",
    "Tender": "commons.contracts.evaluation",
    "TrailLine": "commons.app.ledger_results",
    "Unmatched": "commons.app.reconcile",
    "VerifyReport": "commons.app.ledger_results",
    "allocate": "commons.allocation",
    "connect": "commons.app.handle",
}

if not TYPE_CHECKING:  # mypy would take any misspelt name for one __getattr__ returns
    __getattr__, __dir__ = exports(globals(), EXPORTS)

__all__ = [
    "Account",
    "AccountBalance",
    "AccountHolder",
    "AgingReport",
    "BalanceReport",
    "BalanceSheet",
    "BallotsImported",
    "Bid",
    "BlacklistEntry",
    "Books",
    "Bundle",
    "BundleContract",
    "ClearReport",
    "Clock",
    "CollectSummary",
    "CollectionRate",
    "CommonsError",
    "Compound",
    "CompoundSummary",
    "ConflictError",
    "CurrencyMismatch",
    "DateWindow",
    "Disbursement",
    "Disclosure",
    "Election",
    "Entry",
    "ExportCheck",
    "ExportManifest",
    "FeeSchedule",
    "Firm",
    "FixedClock",
    "FloorCoefficients",
    "HandleError",
    "Household",
    "HouseholdAccount",
    "ImportSummary",
    "IncomeStatement",
    "InitReport",
    "InvalidInput",
    "Invoice",
    "InvoiceRun",
    "ListedAccount",
    "MatchRun",
    "Money",
    "NotFound",
    "Owner",
    "ParkingBill",
    "ParkingReport",
    "Part",
    "PartyScoreOutcome",
    "PaymentImport",
    "Period",
    "PeriodClosed",
    "PostSummary",
    "Posting",
    "Problems",
    "Proposal",
    "ProposalRecord",
    "Receipt",
    "ReconciliationStatement",
    "RefusedByRule",
    "Resource",
    "RevenueBalance",
    "RevenueStatement",
    "ScheduleImport",
    "ScoredEvaluation",
    "ServiceCatalog",
    "SessionImport",
    "SetAside",
    "SettleReport",
    "Share",
    "SharePlan",
    "SharingRule",
    "Signer",
    "SimulationReport",
    "SpendingLimit",
    "SpendingProposal",
    "SpendingStatus",
    "Split",
    "Stage",
    "StatementImport",
    "StorageError",
    "StoreBusy",
    "StoredEntry",
    "SystemClock",
    "Tally",
    "TariffFile",
    "TariffLoaded",
    "Tender",
    "TrailLine",
    "Unmatched",
    "VerifyReport",
    "__version__",
    "allocate",
    "connect",
]
