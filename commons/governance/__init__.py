"""Governance: owners, ballots and resolutions under Civil Code art. 278.

Pure values and functions, nothing stored: a ``Roll`` of exclusive units in a ``Scope`` (a
compound or one building), ``Ballot``s per owner, ``tally`` counting them for a ``Proposal`` of
some ``Matter``, the six-step deliberation (``advance``, ``cast``, ``resolve``) and committee
elections with alternates (``elect``). ``ProposalRecord`` and ``Transition`` are how a
proposal and its steps are kept on the books.
"""

from commons.governance.tally import tally
from commons.lazy import exports

# ``tally`` above is bound now, not on first use: it names both a submodule and its function,
# and importing the submodule (as the store does) would bind the package's ``tally`` to the
# module before a lazy lookup could.

TYPE_CHECKING = False  # not typing's: see commons/__init__.py
if TYPE_CHECKING:  # what mypy sees instead of __getattr__: the names of EXPORTS
    from commons.governance.ballots import Ballot, Choice, admit
    from commons.governance.deliberation import Proposal, State, advance, cast, resolve
    from commons.governance.election import Election, Standing, Tie, elect
    from commons.governance.history import ProposalRecord, Transition
    from commons.governance.matters import PARTICIPATION, SPECIAL, Matter, Rule
    from commons.governance.roll import Roll, Scope, ScopeKind
    from commons.governance.tally import Measures, Ratio, Tally

# Each public name and the module that defines it ("module:name" when renamed).
EXPORTS = {
    "PARTICIPATION": "commons.governance.matters",
    "SPECIAL": "commons.governance.matters",
    "Ballot": "commons.governance.ballots",
    "Choice": "commons.governance.ballots",
    "Election": "commons.governance.election",
    "Matter": "commons.governance.matters",
    "Measures": "commons.governance.tally",
    "Proposal": "commons.governance.deliberation",
    "ProposalRecord": "commons.governance.history",
    "Ratio": "commons.governance.tally",
    "Roll": "commons.governance.roll",
    "Rule": "commons.governance.matters",
    "Scope": "commons.governance.roll",
    "ScopeKind": "commons.governance.roll",
    "Standing": "commons.governance.election",
    "State": "commons.governance.deliberation",
    "Tally": "commons.governance.tally",
    "Tie": "commons.governance.election",
    "Transition": "commons.governance.history",
    "admit": "commons.governance.ballots",
    "advance": "commons.governance.deliberation",
    "cast": "commons.governance.deliberation",
    "elect": "commons.governance.election",
    "resolve": "commons.governance.deliberation",
}

if not TYPE_CHECKING:  # mypy would take any misspelt name for one __getattr__ returns
    __getattr__, __dir__ = exports(globals(), EXPORTS)

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
