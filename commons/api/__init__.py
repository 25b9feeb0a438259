"""What a host system imports: ``connect`` opens a database and returns a ``Commons`` handle.

Each method of the handle is one use case, runs in one transaction, returns values and never
prints. The command line calls exactly these methods, under the same names, and takes the value
types it renders from here.
"""

from commons.api.audit import ExportCheck
from commons.api.estate import ImportSummary
from commons.api.exporting import CurrencyTotal, ExportedFile, ExportManifest
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
from commons.estate.compound import Building, Compound, Governance, ManagementArea
from commons.estate.household import Household, Owner
from commons.estate.importing import KINDS as ESTATE_KINDS
from commons.estate.importing import ConflictingImport
from commons.estate.resource import Resource, ResourceKind
from commons.estate.summary import BuildingLine, CompoundSummary, ResourceCount
from commons.ledger.disclosure import (
    Authority,
    DisclosedIncome,
    DisclosedSpending,
    Disclosure,
    DisclosurePeriod,
)
from commons.ledger.disclosure_render import LANGUAGES, disclosure_json, render_html, render_text
from commons.ledger.export import FORMATS as EXPORT_FORMATS
from commons.ledger.periods import parse_date

__all__ = [
    "ESTATE_KINDS",
    "EXPORT_FORMATS",
    "LANGUAGES",
    "SPLIT_METHODS",
    "AccountBalance",
    "Authority",
    "BalanceReport",
    "Building",
    "BuildingLine",
    "Commons",
    "Compound",
    "CompoundSummary",
    "ConflictingImport",
    "CurrencyTotal",
    "DisclosedIncome",
    "DisclosedSpending",
    "Disclosure",
    "DisclosurePeriod",
    "ExportCheck",
    "ExportManifest",
    "ExportedFile",
    "Governance",
    "Household",
    "ImportSummary",
    "InitReport",
    "ManagementArea",
    "Owner",
    "PeriodClosed",
    "PostSummary",
    "Resource",
    "ResourceCount",
    "ResourceKind",
    "Split",
    "TrailLine",
    "VerifyReport",
    "connect",
    "disclosure_json",
    "parse_date",
    "render_html",
    "render_text",
]
