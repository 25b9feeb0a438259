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
from commons.api.resolutions import BallotsImported
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

__all__ = [
    "ESTATE_KINDS",
    "PARTICIPATION",
    "SPLIT_METHODS",
    "AccountBalance",
    "BalanceReport",
    "Ballot",
    "BallotsImported",
    "Building",
    "BuildingLine",
    "Choice",
    "Commons",
    "Compound",
    "CompoundSummary",
    "ConflictingImport",
    "Election",
    "Governance",
    "Household",
    "ImportSummary",
    "InitReport",
    "ManagementArea",
    "Matter",
    "Measures",
    "Owner",
    "PeriodClosed",
    "PostSummary",
    "Proposal",
    "ProposalRecord",
    "Ratio",
    "Resource",
    "ResourceCount",
    "ResourceKind",
    "Scope",
    "ScopeKind",
    "Split",
    "Standing",
    "State",
    "Tally",
    "Tie",
    "TrailLine",
    "Transition",
    "VerifyReport",
    "connect",
    "parse_date",
]
