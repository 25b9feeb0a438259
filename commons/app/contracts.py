"""Use cases of bundled contracts: firms, bundles, contracts, tenders and bids, evaluations,
the blacklist, monthly settlement, and the bundle pricing simulation.

Each runs in one transaction. Recording the same firm, bundle, contract, tender, bid, evaluation
or score again is a no-op; with other content it is a ConflictError. Settlement posts through the
ledger's own path inside its transaction, under the external id ``contract:<id>:settle:<month>``,
so settling a month again is already recorded and the books never count it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, TYPE_CHECKING

import attrs

from commons.app.contract_market import market_record
from commons.app.ledger import LedgerService
from commons.app.session import Service, Session, recorded
from commons.contracts.bidding import (
    Sensitivity,
    evaluate_price,
    lowest_price,
    parse_max_loss,
    parse_price,
    parse_sweep,
    sensitivity,
    sweep,
)
from commons.contracts.catalog import DEFAULT_CATALOG, ServiceCatalog
from commons.contracts.contract import (
    Bundle,
    BundleContract,
    Firm,
    Regime,
    parse_percent,
    parse_regime,
)
from commons.contracts.evaluation import (
    Bid,
    BlacklistEntry,
    Evaluation,
    MarketRecord,
    PartyScore,
    Tender,
    blacklisting,
    check_bid,
    market_adjusted,
    parse_score,
)
from commons.contracts.settlement import SETTLEMENT_ACCOUNTS, Settlement, settle
from commons.contracts.simulation import PricePoint, SimulationReport, simulate
from commons.errors import CommonsError, InvalidInput, NotFound, RefusedByRule
from commons.io.scenario_files import read_scenario
from commons.io.sources import through
from commons.ledger.accounts import Account
from commons.money import Money, money_field
from commons.periods import Period, as_date

if TYPE_CHECKING:
    from commons.ledger.journal import Entry
    from commons.store import Tables

__all__ = ["ContractService", "PartyScoreOutcome", "ScoredEvaluation", "SettleReport"]

Progress = Callable[[int, int], None]  # runs done in this step, runs in all


@attrs.frozen
class ScoredEvaluation:
    """A month's evaluation with the contract's weights and its score out of 100: the three
    scores weighted, less what the firm's marketplace record (``market``, where the firm serves
    on the marketplace) takes off."""

    evaluation: Evaluation
    weights: tuple[int, int, int]
    score: Fraction
    market: MarketRecord | None = None

    @property
    def weighted(self) -> Fraction:
        """The three scores weighted, before the marketplace record."""
        return self.evaluation.score(self.weights)


@attrs.frozen
class PartyScoreOutcome:
    """A recorded annual score, and the blacklist entry it made (None at 6 or above)."""

    score: PartyScore
    blacklisted: BlacklistEntry | None


@attrs.frozen
class SettleReport:
    """A month's settlement and what posting it did (``posted`` 0 when already recorded)."""

    settlement: Settlement
    posted: int
    already_recorded: int


def _percent(value: Decimal | str | None, field: str) -> Decimal | None:
    try:
        return value if value is None or isinstance(value, Decimal) else parse_percent(value,
                                                                                       field)
    except CommonsError as e:
        raise e.located(field=field) from None


def _score(value: Decimal | str, field: str, out_of: int) -> Decimal:
    try:
        return parse_score(str(value), f"the {field} score", out_of=out_of)
    except CommonsError as e:
        raise e.located(field=field) from None


def _weights(value: tuple[int, int, int] | str) -> tuple[int, int, int]:
    if not isinstance(value, str):
        return value
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InvalidInput(f"weights {value!r} are not three whole percentages", field="weights",
                           fix="write street office, community and committee weights, e.g. "
                           "40,30,30")
    return int(parts[0]), int(parts[1]), int(parts[2])


class ContractService(Service):
    """The contracts' use cases; each runs in one transaction."""

    def __init__(self, session: Session, ledger: LedgerService) -> None:
        super().__init__(session)
        self.ledger = ledger  # the one posting path: ``ledger.post_in`` inside a transaction

    def catalog(self) -> ServiceCatalog:
        """The shipped service list: 7 categories, 23 items (Qingdao Shinan's service list)."""
        return DEFAULT_CATALOG

    def add_firm(self, id: str, *, name: str) -> Firm:
        """Record a property-service firm; again with the same name is a no-op."""
        firm = Firm(id.strip(), name.strip())
        with self.store.write() as t:
            t.contracts.insert_firm(firm)
        return firm

    def firms(self) -> tuple[Firm, ...]:
        """Every property-service firm recorded."""
        with self.reader.read() as t:
            return tuple(t.contracts.firms())

    def add_bundle(self, id: str, *, compounds: Sequence[str], name: str = "") -> Bundle:
        """Record a bundle of recorded compounds (连片打包)."""
        bundle = Bundle(id.strip(), name.strip() or id.strip(), tuple(c.strip() for c in compounds))
        with self.store.write() as t:
            for compound in bundle.compounds:
                if t.estate.compound(compound) is None:
                    raise NotFound(f"compound {compound!r} of bundle {bundle.id} is not recorded",
                                   field="compounds", fix="import the compound first, or check the "
                                   "spelling", context={"kind": "compound", "id": compound})
            t.contracts.insert_bundle(bundle)
        return bundle

    def bundles(self) -> tuple[Bundle, ...]:
        """Every bundle of compounds recorded."""
        with self.reader.read() as t:
            return tuple(t.contracts.bundles())

    def sign(self, id: str, *, bundle: str, firm: str, starts_on: dt.date | str,
             ends_on: dt.date | str, regime: Regime | str, unit_price: Money | str,
             base_percent: Decimal | str = Decimal(70),
             commission_percent: Decimal | str | None = None,
             items: Sequence[str] | None = None,
             weights: tuple[int, int, int] | str = (40, 30, 30)) -> BundleContract:
        """Record a bundle contract; items default to the whole catalog. Percentages and
        weights may be given as text ("7.5", "40,30,30")."""
        starts_on = as_date(starts_on, "starts_on")
        ends_on = as_date(ends_on, "ends_on")
        chosen = (DEFAULT_CATALOG.items if items is None else DEFAULT_CATALOG.select(items))
        kind = regime if isinstance(regime, Regime) else parse_regime(regime)
        contract = BundleContract(id.strip(), bundle, firm, starts_on, ends_on, kind,
                                  money_field(unit_price, "unit_price"),
                                  _percent(base_percent, "base_percent") or Decimal(0),
                                  _percent(commission_percent, "commission_percent"),
                                  tuple(i.id for i in chosen), _weights(weights))
        with self.store.write() as t:
            self._bundle(t, bundle)
            self._firm(t, firm)
            listed = self._listed(t, firm)
            if listed is not None and listed.listed_on <= starts_on:
                raise RefusedByRule(f"firm {firm} is on the blacklist since {listed.listed_on} "
                                    f"({listed.reason})", fix="contract a firm not blacklisted")
            t.contracts.insert_contract(contract)
        return contract

    def show(self, id: str) -> BundleContract:
        """One bundled contract by its id; NotFound if there is none."""
        with self.reader.read() as t:
            return self._contract(t, id)

    def tender(self, id: str, *, bundle: str, closes_on: dt.date | str,
               opens_on: dt.date | str | None = None) -> Tender:
        """Put a bundle out to tender until ``closes_on``."""
        closes_on = as_date(closes_on, "closes_on")
        opens_on = None if opens_on is None else as_date(opens_on, "opens_on")
        tender = Tender(id.strip(), bundle, opens_on or self.clock.today(), closes_on)
        with self.store.write() as t:
            self._bundle(t, bundle)
            t.contracts.insert_tender(tender)
        return tender

    def bid(self, tender: str, *, firm: str, unit_price: Money | str,
            on: dt.date | str | None = None) -> Bid:
        """A firm's bid; refused when the firm is blacklisted or the tender is not open."""
        on = None if on is None else as_date(on, "on")
        bid = Bid(tender, firm, money_field(unit_price, "unit_price"), on or self.clock.today())
        with self.store.write() as t:
            found = t.contracts.tender(tender)
            if found is None:
                raise NotFound(f"tender {tender!r} is not recorded",
                               fix="open the tender first, or check the id",
                               context={"kind": "tender", "id": tender})
            self._firm(t, firm)
            check_bid(found, bid, self._listed(t, firm))
            t.contracts.insert_bid(bid)
        return bid

    def bids(self, tender: str) -> tuple[Bid, ...]:
        """The bids on a tender, lowest price first."""
        with self.reader.read() as t:
            if t.contracts.tender(tender) is None:
                raise NotFound(f"tender {tender!r} is not recorded",
                               fix="open the tender first, or check the id",
                               context={"kind": "tender", "id": tender})
            return tuple(t.contracts.bids(tender))

    def evaluate(self, contract: str, period: Period | str, *,
                 street_office: Decimal | str, community: Decimal | str,
                 committee: Decimal | str) -> ScoredEvaluation:
        """Record a month's three scores (0-100) and return the weighted score, less what the
        firm's marketplace record in the bundle's compounds takes off (see ``MarketRecord``)."""
        month = period if isinstance(period, Period) else Period.parse(period)
        evaluation = Evaluation(contract, month, _score(street_office, "street_office", 100),
                                _score(community, "community", 100),
                                _score(committee, "committee", 100))
        with self.store.write() as t:
            found = self._contract(t, contract)
            if not found.covers(month):
                raise RefusedByRule(f"contract {contract} does not run in {month}",
                                    fix=f"evaluate a month from {found.starts_on} to "
                                    f"{found.ends_on}")
            t.contracts.insert_evaluation(evaluation)
            market = market_record(t, found, self._bundle(t, found.bundle).compounds, month)
        return ScoredEvaluation(evaluation, found.weights,
                                market_adjusted(evaluation.score(found.weights), market), market)

    def party_score(self, firm: str, *, year: int, score: Decimal | str,
                    reason: str = "", on: dt.date | str | None = None) -> PartyScoreOutcome:
        """Record a party organisation's annual score of a firm (0-10); below 6 blacklists."""
        on = None if on is None else as_date(on, "on")
        scored = PartyScore(firm, year, _score(score, "party", 10), on or self.clock.today(),
                            reason.strip())
        with self.store.write() as t:
            self._firm(t, firm)
            t.contracts.insert_party_score(scored)
        return PartyScoreOutcome(scored, blacklisting(scored))

    def blacklist(self) -> tuple[BlacklistEntry, ...]:
        """Every blacklisted firm, with the date and reason of its first score below 6."""
        with self.reader.read() as t:
            firms = [f.id for f in t.contracts.firms()]
            return tuple(e for e in (self._listed(t, f) for f in firms) if e is not None)

    def settle(self, contract: str, period: Period | str, *,
               costs: Money | str | None = None,
               fees_collected: Money | str | None = None) -> SettleReport:
        """Settle a month by the contract's regime and post it to the ledger, in one
        transaction; the month must have been evaluated. The performance pay follows the
        month's score after the firm's marketplace record."""
        month = period if isinstance(period, Period) else Period.parse(period)
        spent = None if costs is None else money_field(costs, "costs")
        fees = None if fees_collected is None else money_field(fees_collected, "fees_collected")
        with self.store.write() as t:
            found = self._contract(t, contract)
            evaluation = t.contracts.evaluation(contract, month)
            if evaluation is None:
                raise RefusedByRule(f"contract {contract} has no evaluation for {month}, so "
                                    "its performance pay is unknown",
                                    fix="record the month's evaluation first",
                                    context={"kind": "evaluation", "contract": contract,
                                             "month": str(month)})
            compounds = self._bundle(t, found.bundle).compounds
            areas = {c: sum((h.area_m2 for h in t.estate.households(compound=c)), Decimal(0))
                     for c in compounds}
            result = settle(found, month, areas=areas, evaluation=evaluation, costs=spent,
                            fees_collected=fees, actor=self.actor,
                            market=market_record(t, found, compounds, month))
            if result.entry is None:
                return SettleReport(result, 0, 0)
            self._open_settlement_accounts(t, result.entry)
            summary = self.ledger.post_in(t, [result.entry], None, None,
                                          origin=f"contract settle {contract} {month}")
        return SettleReport(result, summary.posted, summary.already_recorded)

    def simulate(self, scenario: str | Path | IO[str] | IO[bytes], *, runs: int | None = None,
                 seed: int | None = None,
                 on_progress: Progress | None = None) -> SimulationReport:
        """Price and simulate the bundle of a scenario file (TOML: a path, or an open text or
        binary file); no database is touched."""
        parsed = through(scenario, lambda file, _: read_scenario(file), kind="scenario",
                         fmt="toml")
        total = parsed.runs if runs is None else runs
        step = None if on_progress is None else (lambda n: on_progress(n, total))
        return simulate(parsed, runs=runs, seed=seed, on_progress=step)

    def evaluate_price(self, scenario: str | Path, price: Fraction | str, *,
                       runs: int | None = None, seed: int | None = None) -> PricePoint:
        """The bundle of a scenario file at ``price`` (yuan per m² per month, text or exact,
        at most four decimals): its loss probability and margin p5/p50/p95."""
        given = parse_price(price) if isinstance(price, str) else price
        return evaluate_price(read_scenario(scenario), given, runs=runs, seed=seed)

    def sweep_prices(self, scenario: str | Path,
                     prices: str | tuple[Fraction, Fraction, Fraction], *,
                     runs: int | None = None, seed: int | None = None
                     ) -> tuple[PricePoint, ...]:
        """The bundle at every price of ``prices`` (``"FROM:TO:STEP"`` or three prices),
        lowest first, each simulated from the same seed."""
        start, stop, step = parse_sweep(prices) if isinstance(prices, str) else prices
        return sweep(read_scenario(scenario), start, stop, step, runs=runs, seed=seed)

    def lowest_price(self, scenario: str | Path, max_loss: Fraction | str | int, *,
                     runs: int | None = None, seed: int | None = None) -> PricePoint:
        """The lowest price whose simulated loss probability is at most ``max_loss``: a
        percentage as text or a number ("5%", 5), or a share as a Fraction (1/20)."""
        share = max_loss if isinstance(max_loss, Fraction) else parse_max_loss(max_loss)
        return lowest_price(read_scenario(scenario), share, runs=runs, seed=seed)

    def sensitivity(self, scenario: str | Path, *, runs: int | None = None,
                    seed: int | None = None) -> tuple[Sensitivity, ...]:
        """The break-even and target prices if each compound leaves the bundle, and if every
        cost rises 10%, beside the bundle's own."""
        return sensitivity(read_scenario(scenario), runs=runs, seed=seed)

    @staticmethod
    def _open_settlement_accounts(t: Tables, entry: Entry) -> None:
        opened = t.ledger.accounts()
        described = dict(SETTLEMENT_ACCOUNTS)
        for posting in entry.postings:
            if posting.account not in opened:
                prefix, _, compound = posting.account.rpartition(":")
                t.ledger.open_account(Account(posting.account, compound, None, None,
                                              described[prefix]))

    @staticmethod
    def _listed(t: Tables, firm: str) -> BlacklistEntry | None:
        entries = [e for e in map(blacklisting, t.contracts.party_scores(firm)) if e is not None]
        return min(entries, key=lambda e: e.listed_on, default=None)

    @staticmethod
    def _firm(t: Tables, firm: str) -> Firm:
        return recorded(t.contracts.firm(firm), "firm", firm,
                        first="record the firm first")

    @staticmethod
    def _bundle(t: Tables, bundle: str) -> Bundle:
        return recorded(t.contracts.bundle(bundle), "bundle", bundle,
                        first="record the bundle first")

    @staticmethod
    def _contract(t: Tables, contract: str) -> BundleContract:
        return recorded(t.contracts.contract(contract), "contract", contract,
                        first="sign the contract first")
