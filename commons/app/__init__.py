"""What a host system imports: ``connect`` opens a database and returns a ``Books`` handle.

The handle holds one service per area (``books.ledger``, ``books.revenue``, ...); each method of
a service is one use case, runs in one transaction, returns values and never prints. The command
line calls exactly these methods and takes the value types it renders from here.
"""

from commons.lazy import exports

TYPE_CHECKING = False  # not typing's: see commons/__init__.py
if TYPE_CHECKING:  # what mypy sees instead of __getattr__: the names of EXPORTS
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
    from commons.app.ledger import AccountBalance, BalanceReport
    from commons.app.ledger_results import (
        PeriodClosed,
        PostSummary,
        RecordedHead,
        TrailLine,
        VerifyReport,
    )
    from commons.app.market import ConfiguredCategory, OrderOutcome
    from commons.app.market_orders import EventBatch, Quote
    from commons.app.market_reports import SORTS as MARKET_SORTS
    from commons.app.market_reports import MarketStatement, ProviderCard, SearchHit
    from commons.app.market_settle import SettlementRun
    from commons.app.parking import (
        CollectedBill,
        ParkingBill,
        SessionImport,
        TariffLoaded,
    )
    from commons.app.points import ProgrammeRecorded, RosterConfirmed, RosterSubmitted
    from commons.app.points_admin import MemberEnrolled, Restocked
    from commons.app.points_reports import PointsBalance, PointsReport
    from commons.app.points_spending import Expiry, Payout, Redemption, Transfer
    from commons.app.reconcile import (
        BankAccount,
        ImportedStatement,
        MatchRun,
        StatementImport,
        Unmatched,
    )
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
    from commons.contracts.bidding import Sensitivity
    from commons.contracts.catalog import CostDriver, ServiceCatalog, ServiceItem, ServiceLevel
    from commons.contracts.contract import Bundle, BundleContract, Firm, Regime
    from commons.contracts.evaluation import (
        Bid,
        BlacklistEntry,
        Evaluation,
        MarketRecord,
        PartyScore,
        Tender,
    )
    from commons.contracts.pricing import unit_price_text
    from commons.contracts.settlement import Settlement
    from commons.contracts.simulation import CompoundResult, PricePoint, SimulationReport
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
    from commons.io.points_files import PROGRAMME_HELP as POINTS_PROGRAMME_HELP
    from commons.io.statement_files import (
        accounts_csv,
        accounts_json,
        accounts_text,
        statement_csv,
        statement_json,
        statement_text,
    )
    from commons.l10n import count_text, fraction_text
    from commons.ledger.export import FORMATS as EXPORT_FORMATS
    from commons.ledger.export import Figure, csv_record
    from commons.ledger.rules import ChainHead
    from commons.ledger.signing import head_signature
    from commons.ledger.statements import (
        GROUPINGS,
        BalanceSheet,
        IncomeRow,
        IncomeStatement,
        ListedAccount,
        StatementColumn,
        StatementLine,
        StatementSection,
    )
    from commons.market.model import CHANNELS as MARKET_CHANNELS
    from commons.market.model import (
        Agreement,
        Category,
        Provider,
        ProviderKind,
        Resident,
        SubsidyProgramme,
    )
    from commons.market.model import Service as ListedService
    from commons.market.orders import Order, OrderState
    from commons.market.settlement import MarketReport, ProviderFigures, SubsidyClaim
    from commons.market.settlement import Settlement as MarketSettlement
    from commons.parking.month import OWNERS as PARKING_OWNERS
    from commons.parking.month import CompoundBill, SessionCharge
    from commons.parking.tariff import TARIFF_HELP, Tariff, TariffFile, WindowDays
    from commons.parking.usage import Breach, HourOccupancy, ParkingReport
    from commons.periods import parse_date
    from commons.points.earning import Award, RosterLine
    from commons.points.lots import Lot
    from commons.points.model import BASES as POINTS_BASES
    from commons.points.model import UNIT as POINTS_UNIT
    from commons.points.model import ActivityKind, Member, ShelfItem, Staff
    from commons.points.model import Programme as PointsProgramme
    from commons.points.reports import BuildingPoints, Liability, NamedPoints
    from commons.points.reports import Movement as PointsMovement
    from commons.points.reports import Statement as PointsStatement
    from commons.reconcile.reconciliation import (
        MatchRecord,
        OutstandingItem,
        ReconciliationStatement,
    )
    from commons.revenue.disclosure import (
        DisclosedIncome,
        DisclosedPlace,
        DisclosedSpending,
        Disclosure,
        DisclosureNotice,
        DisclosurePeriod,
        Signatories,
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

# Each public name and the module that defines it ("module:name" when renamed).
EXPORTS = {
    "AGING_BUCKETS": "commons.billing.arrears:BUCKETS",
    "AccountBalance": "commons.app.ledger",
    "AccountHolder": "commons.revenue.spending",
    "AgingReport": "commons.billing.arrears",
    "Approval": "commons.revenue.spending",
    "Authority": "commons.revenue.spending",
    "BalanceReport": "commons.app.ledger",
    "Ballot": "commons.governance",
    "BallotsImported": "commons.app.resolutions",
    "BankAccount": "commons.app.reconcile",
    "Bid": "commons.contracts.evaluation",
    "BlacklistEntry": "commons.contracts.evaluation",
    "Books": "commons.app.handle",
    "Breach": "commons.parking.usage",
    "Building": "commons.estate.compound",
    "BuildingLine": "commons.estate.summary",
    "Bundle": "commons.contracts.contract",
    "BundleContract": "commons.contracts.contract",
    "ChainHead": "commons.ledger.rules",
    "Choice": "commons.governance",
    "ClearReport": "commons.revenue.income",
    "CollectSummary": "commons.app.revenue",
    "CollectedBill": "commons.app.parking",
    "CollectionRate": "commons.billing.arrears",
    "Compound": "commons.estate.compound",
    "CompoundBill": "commons.parking.month",
    "CompoundResult": "commons.contracts.simulation",
    "CompoundSummary": "commons.estate.summary",
    "ConflictingImport": "commons.estate.importing",
    "CostDriver": "commons.contracts.catalog",
    "CurrencyTotal": "commons.io.exporting",
    "Disbursement": "commons.app.spending",
    "DisclosedIncome": "commons.revenue.disclosure",
    "DisclosedPlace": "commons.revenue.disclosure",
    "DisclosureNotice": "commons.revenue.disclosure",
    "Signatories": "commons.revenue.disclosure",
    "RecordedHead": "commons.app.ledger_results",
    "DisclosedSpending": "commons.revenue.disclosure",
    "Disclosure": "commons.revenue.disclosure",
    "DisclosurePeriod": "commons.revenue.disclosure",
    "ESTATE_KINDS": "commons.estate.importing:KINDS",
    "EXPORT_FORMATS": "commons.ledger.export:FORMATS",
    "Election": "commons.governance",
    "Evaluation": "commons.contracts.evaluation",
    "ExportCheck": "commons.app.audit",
    "ExportManifest": "commons.io.exporting",
    "ExportedFile": "commons.io.exporting",
    "FeeRate": "commons.billing.fees",
    "Figure": "commons.ledger.export",
    "FeeSchedule": "commons.billing.fees",
    "Firm": "commons.contracts.contract",
    "Governance": "commons.estate.compound",
    "HourOccupancy": "commons.parking.usage",
    "Household": "commons.estate.household",
    "HouseholdAccount": "commons.app.billing",
    "ImportSummary": "commons.app.estate",
    "ImportedStatement": "commons.app.reconcile",
    "IncomeLine": "commons.revenue.statement",
    "InitReport": "commons.app.handle",
    "Invoice": "commons.billing.invoices",
    "InvoiceRun": "commons.app.billing",
    "InvoiceStanding": "commons.app.billing",
    "LANGUAGES": "commons.io.disclosure_render",
    "ManagementArea": "commons.estate.compound",
    "MatchRecord": "commons.reconcile.reconciliation",
    "MatchRun": "commons.app.reconcile",
    "Matter": "commons.governance",
    "Measures": "commons.governance",
    "OutstandingItem": "commons.reconcile.reconciliation",
    "Owner": "commons.estate.household",
    "PARKING_OWNERS": "commons.parking.month:OWNERS",
    "PARTICIPATION": "commons.governance",
    "ParkingBill": "commons.app.parking",
    "ParkingReport": "commons.parking.usage",
    "PartyScore": "commons.contracts.evaluation",
    "PartyScoreOutcome": "commons.app.contracts",
    "Payment": "commons.billing.payments",
    "PaymentImport": "commons.app.billing",
    "PeriodClosed": "commons.app.ledger_results",
    "PostSummary": "commons.app.ledger_results",
    "Proposal": "commons.governance",
    "ProposalRecord": "commons.governance",
    "Quarter": "commons.revenue.income",
    "QuarterDue": "commons.revenue.income",
    "Ratio": "commons.governance",
    "Receipt": "commons.billing.receipts",
    "ReconciliationStatement": "commons.reconcile.reconciliation",
    "Regime": "commons.contracts.contract",
    "Resource": "commons.estate.resource",
    "ResourceCount": "commons.estate.summary",
    "ResourceEarning": "commons.revenue.income",
    "ResourceKind": "commons.estate.resource",
    "RevenueBalance": "commons.revenue.spending",
    "RevenueStatement": "commons.revenue.statement",
    "SPENDING_PURPOSES": "commons.revenue.spending",
    "SPLIT_METHODS": "commons.billing.split",
    "ScheduleImport": "commons.app.billing",
    "Scope": "commons.governance",
    "ScopeKind": "commons.governance",
    "ScoredEvaluation": "commons.app.contracts",
    "ServiceCatalog": "commons.contracts.catalog",
    "ServiceItem": "commons.contracts.catalog",
    "ServiceLevel": "commons.contracts.catalog",
    "SessionCharge": "commons.parking.month",
    "SessionImport": "commons.app.parking",
    "SetAside": "commons.app.revenue",
    "SettleReport": "commons.app.contracts",
    "Settlement": "commons.contracts.settlement",
    "SharePlan": "commons.billing.split",
    "SharingRule": "commons.revenue.income",
    "Signer": "commons.revenue.spending",
    "SignerRole": "commons.revenue.spending",
    "SimulationReport": "commons.contracts.simulation",
    "PricePoint": "commons.contracts.simulation",
    "Sensitivity": "commons.contracts.bidding",
    "SpendingAuthority": "commons.revenue.disclosure",
    "SpendingLimit": "commons.revenue.spending",
    "SpendingLine": "commons.revenue.statement",
    "SpendingProposal": "commons.revenue.spending",
    "SpendingStatus": "commons.app.spending",
    "Split": "commons.billing.split",
    "Stage": "commons.billing.split",
    "Standing": "commons.governance",
    "State": "commons.governance",
    "StatementImport": "commons.app.reconcile",
    "TARIFF_HELP": "commons.parking.tariff",
    "Tally": "commons.governance",
    "Tariff": "commons.parking.tariff",
    "TariffFile": "commons.parking.tariff",
    "TariffLoaded": "commons.app.parking",
    "Tender": "commons.contracts.evaluation",
    "Tie": "commons.governance",
    "TrailLine": "commons.app.ledger_results",
    "Transition": "commons.governance",
    "UnattributedIncome": "commons.revenue.income",
    "Unmatched": "commons.app.reconcile",
    "VerifyReport": "commons.app.ledger_results",
    "WindowDays": "commons.parking.tariff",
    "connect": "commons.app.handle",
    "csv_record": "commons.ledger.export",
    "disclosure_json": "commons.io.disclosure_render",
    "count_text": "commons.l10n",
    "fraction_text": "commons.l10n",
    "head_signature": "commons.ledger.signing",
    "parse_date": "commons.periods",
    "render_html": "commons.io.disclosure_render",
    "render_text": "commons.io.disclosure_render",
    "unit_price_text": "commons.contracts.pricing",
    "BalanceSheet": "commons.ledger.statements",
    "IncomeRow": "commons.ledger.statements",
    "IncomeStatement": "commons.ledger.statements",
    "ListedAccount": "commons.ledger.statements",
    "StatementColumn": "commons.ledger.statements",
    "StatementLine": "commons.ledger.statements",
    "StatementSection": "commons.ledger.statements",
    "GROUPINGS": "commons.ledger.statements",
    "accounts_csv": "commons.io.statement_files",
    "accounts_json": "commons.io.statement_files",
    "accounts_text": "commons.io.statement_files",
    "statement_csv": "commons.io.statement_files",
    "statement_json": "commons.io.statement_files",
    "statement_text": "commons.io.statement_files",
    "Agreement": "commons.market.model",
    "Category": "commons.market.model",
    "EventBatch": "commons.app.market_orders",
    "ListedService": "commons.market.model:Service",
    "MARKET_CHANNELS": "commons.market.model:CHANNELS",
    "MARKET_SORTS": "commons.app.market_reports:SORTS",
    "MarketRecord": "commons.contracts.evaluation",
    "MarketReport": "commons.market.settlement",
    "MarketSettlement": "commons.market.settlement:Settlement",
    "MarketStatement": "commons.app.market_reports",
    "Order": "commons.market.orders",
    "OrderOutcome": "commons.app.market",
    "ConfiguredCategory": "commons.app.market",
    "OrderState": "commons.market.orders",
    "Provider": "commons.market.model",
    "ProviderCard": "commons.app.market_reports",
    "ProviderFigures": "commons.market.settlement",
    "ProviderKind": "commons.market.model",
    "Quote": "commons.app.market_orders",
    "Resident": "commons.market.model",
    "SearchHit": "commons.app.market_reports",
    "SettlementRun": "commons.app.market_settle",
    "SubsidyClaim": "commons.market.settlement",
    "SubsidyProgramme": "commons.market.model",
    # Volunteer points (issue 19).
    "POINTS_BASES": "commons.points.model:BASES",
    "POINTS_PROGRAMME_HELP": "commons.io.points_files:PROGRAMME_HELP",
    "POINTS_UNIT": "commons.points.model:UNIT",
    "ActivityKind": "commons.points.model",
    "Award": "commons.points.earning",
    "BuildingPoints": "commons.points.reports",
    "Expiry": "commons.app.points_spending",
    "Liability": "commons.points.reports",
    "Lot": "commons.points.lots",
    "Member": "commons.points.model",
    "MemberEnrolled": "commons.app.points_admin",
    "NamedPoints": "commons.points.reports",
    "Payout": "commons.app.points_spending",
    "PointsBalance": "commons.app.points_reports",
    "PointsMovement": "commons.points.reports:Movement",
    "PointsProgramme": "commons.points.model:Programme",
    "PointsReport": "commons.app.points_reports",
    "PointsStatement": "commons.points.reports:Statement",
    "ProgrammeRecorded": "commons.app.points",
    "Redemption": "commons.app.points_spending",
    "Restocked": "commons.app.points_admin",
    "RosterConfirmed": "commons.app.points",
    "RosterLine": "commons.points.earning",
    "RosterSubmitted": "commons.app.points",
    "ShelfItem": "commons.points.model",
    "Staff": "commons.points.model",
    "Transfer": "commons.app.points_spending",
}

if not TYPE_CHECKING:  # mypy would take any misspelt name for one __getattr__ returns
    __getattr__, __dir__ = exports(globals(), EXPORTS)

__all__ = [
    "AGING_BUCKETS", "ESTATE_KINDS", "EXPORT_FORMATS", "LANGUAGES", "PARKING_OWNERS",
    "PARTICIPATION", "SPENDING_PURPOSES", "SPLIT_METHODS", "TARIFF_HELP", "AccountBalance",
    "AccountHolder", "AgingReport", "Approval", "Authority", "BalanceReport", "Ballot",
    "BallotsImported", "BankAccount", "Bid", "BlacklistEntry", "Books", "Breach", "Building",
    "BuildingLine", "Bundle", "BundleContract", "ChainHead", "Choice", "ClearReport",
    "CollectSummary", "CollectedBill", "CollectionRate", "Compound", "CompoundBill",
    "CompoundResult", "CompoundSummary", "ConflictingImport", "CostDriver", "CurrencyTotal",
    "Disbursement", "DisclosedIncome", "DisclosedPlace", "DisclosedSpending", "Disclosure",
    "DisclosureNotice", "DisclosurePeriod",
    "Election", "Evaluation", "ExportCheck", "ExportManifest", "ExportedFile", "FeeRate",
    "FeeSchedule", "Figure", "Firm", "Governance", "HourOccupancy", "Household",
    "HouseholdAccount", "ImportSummary", "ImportedStatement", "IncomeLine", "InitReport",
    "Invoice", "InvoiceRun", "InvoiceStanding", "ManagementArea", "MatchRecord", "MatchRun",
    "Matter", "Measures", "OutstandingItem", "Owner", "ParkingBill", "ParkingReport", "PartyScore",
    "PartyScoreOutcome", "Payment", "PaymentImport", "PeriodClosed", "PostSummary",
    "PricePoint", "Proposal",
    "ProposalRecord", "Quarter", "QuarterDue", "Ratio", "Receipt", "ReconciliationStatement",
    "RecordedHead", "Regime", "Resource", "ResourceCount", "ResourceEarning", "ResourceKind",
    "RevenueBalance",
    "RevenueStatement", "ScheduleImport", "Scope", "ScopeKind", "ScoredEvaluation",
    "Sensitivity",
    "ServiceCatalog", "ServiceItem", "ServiceLevel", "SessionCharge", "SessionImport", "SetAside",
    "SettleReport", "Settlement", "SharePlan", "SharingRule", "Signatories", "Signer", "SignerRole",
    "SimulationReport", "SpendingAuthority", "SpendingLimit", "SpendingLine", "SpendingProposal",
    "SpendingStatus", "Split", "Stage", "Standing", "State", "StatementImport", "Tally", "Tariff",
    "TariffFile", "TariffLoaded", "Tender", "Tie", "TrailLine", "Transition", "UnattributedIncome",
    "Unmatched", "VerifyReport", "WindowDays", "connect", "count_text", "csv_record",
    "disclosure_json", "fraction_text", "head_signature", "parse_date", "render_html",
    "render_text", "unit_price_text",
]
__all__ += [  # the financial statements
    "GROUPINGS", "BalanceSheet", "IncomeRow", "IncomeStatement", "ListedAccount",
    "StatementColumn", "StatementLine", "StatementSection", "accounts_csv", "accounts_json",
    "accounts_text",
    "statement_csv", "statement_json", "statement_text",
]
# The services marketplace (issue 18).
__all__ += [
    "MARKET_CHANNELS", "MARKET_SORTS", "Agreement", "Category", "ConfiguredCategory",
    "EventBatch", "ListedService",
    "MarketRecord", "MarketReport", "MarketSettlement", "MarketStatement", "Order",
    "OrderOutcome", "OrderState", "Provider", "ProviderCard", "ProviderFigures", "ProviderKind",
    "Quote", "Resident", "SearchHit", "SettlementRun", "SubsidyClaim", "SubsidyProgramme",
]
# Volunteer points (issue 19).
__all__ += [
    "POINTS_BASES", "POINTS_PROGRAMME_HELP",
    "POINTS_UNIT",
    "ActivityKind",
    "Award",
    "BuildingPoints",
    "Expiry",
    "Liability",
    "Lot",
    "Member",
    "MemberEnrolled",
    "NamedPoints",
    "Payout",
    "PointsBalance",
    "PointsMovement",
    "PointsProgramme",
    "PointsReport",
    "PointsStatement",
    "ProgrammeRecorded",
    "Redemption",
    "Restocked",
    "RosterConfirmed",
    "RosterLine",
    "RosterSubmitted",
    "ShelfItem",
    "Staff",
    "Transfer",
]
