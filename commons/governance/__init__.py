"""Governance: owners, ballots and resolutions under Civil Code art. 278.

Pure values and functions, nothing stored: a ``Roll`` of exclusive units in a ``Scope`` (a
compound or one building), ``Ballot``s per owner, ``tally`` counting them for a ``Proposal`` of
some ``Matter``, the six-step deliberation (``advance``, ``cast``, ``resolve``) and committee
elections with alternates (``elect``). ``ProposalRecord`` and ``Transition`` are how a
proposal and its steps are kept on the books.
"""

from commons.governance.ballots import Ballot, Choice, admit
from commons.governance.deliberation import Proposal, State, advance, cast, resolve
from commons.governance.election import Election, Standing, Tie, elect
from commons.governance.history import ProposalRecord, Transition
from commons.governance.matters import PARTICIPATION, SPECIAL, Matter, Rule
from commons.governance.roll import Roll, Scope, ScopeKind
from commons.governance.tally import Measures, Ratio, Tally, tally

__all__ = [
    "PARTICIPATION",
    "SPECIAL",
    "Ballot",
    "Choice",
    "Election",
    "Matter",
    "Measures",
    "Proposal",
    "ProposalRecord",
    "Ratio",
    "Roll",
    "Rule",
    "Scope",
    "ScopeKind",
    "Standing",
    "State",
    "Tally",
    "Tie",
    "Transition",
    "admit",
    "advance",
    "cast",
    "elect",
    "resolve",
    "tally",
]
