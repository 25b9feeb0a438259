"""Contract tables: firms, bundles, bundle contracts and their items, tenders and bids, monthly
evaluations and party organisations' annual scores.

Every method runs inside the caller's transaction. Money is INTEGER fen plus a TEXT currency;
percentages and scores (Decimals with at most two places) are INTEGER hundredths (7.5% is 750);
dates are TEXT ``YYYY-MM-DD``. A record written again with the same content is a no-op; with
other content it is a ConflictError. Nothing is updated or deleted.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from commons.contracts.contract import Bundle, BundleContract, Firm, Regime
from commons.contracts.evaluation import Bid, Evaluation, PartyScore, Tender
from commons.errors import ConflictError, ErrorCode
from commons.money import Money
from commons.periods import Period

__all__ = ["ContractTables"]

_CONTRACT = ("SELECT id, bundle, firm, starts_on, ends_on, regime, unit_price_fen, currency, "
             "base_percent_hundredths, commission_percent_hundredths, weight_street_office, "
             "weight_community, weight_committee FROM bundle_contracts")
_EVALUATION = ("SELECT contract, period, street_office_hundredths, community_hundredths, "
               "committee_hundredths FROM evaluations")
_PARTY = "SELECT firm, year, score_hundredths, scored_on, reason FROM party_scores"


def _hundredths(value: Decimal) -> int:
    scaled = value.scaleb(2)
    assert scaled == scaled.to_integral_value(), value
    return int(scaled)


def _decimal(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _contract(row: Sequence[Any], items: tuple[str, ...]) -> BundleContract:
    commission = None if row[9] is None else _decimal(row[9])
    return BundleContract(row[0], row[1], row[2], _day(row[3]), _day(row[4]), Regime(row[5]),
                          Money(row[6], row[7]), _decimal(row[8]), commission, items,
                          (row[10], row[11], row[12]))


def _evaluation(row: Sequence[Any]) -> Evaluation:
    return Evaluation(row[0], Period.parse(row[1]), _decimal(row[2]), _decimal(row[3]),
                      _decimal(row[4]))


def _party(row: Sequence[Any]) -> PartyScore:
    return PartyScore(row[0], row[1], _decimal(row[2]), _day(row[3]), row[4])


class ContractTables:
    """The contracts' rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _record(self, table: str, key: dict[str, object], values: dict[str, object],
                what: str) -> bool:
        """Insert a row, True; the same row again is a no-op, False; another is a conflict."""
        where = " AND ".join(f"{k} = ?" for k in key)
        columns = [*key, *values]
        found = self.conn.execute(f"SELECT {', '.join(values) or '1'} FROM {table} "
                                  f"WHERE {where}", list(key.values())).fetchone()
        if found is None:
            self.conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                              f"({', '.join('?' * len(columns))})",
                              [*key.values(), *values.values()])
            return True
        if tuple(found) != tuple(values.values()) and values:
            raise ConflictError(f"{what} is already recorded with other content",
                                fix="give it a new id; a recorded one is never changed",
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        return False

    def firm(self, id: str) -> Firm | None:
        """One firm, or None."""
        row = self.conn.execute("SELECT id, name FROM firms WHERE id = ?", (id,)).fetchone()
        return None if row is None else Firm(row[0], row[1])

    def firms(self) -> list[Firm]:
        """Every firm, by id."""
        return [Firm(i, n) for i, n in self.conn.execute("SELECT id, name FROM firms ORDER BY id")]

    def insert_firm(self, firm: Firm) -> bool:
        """Store a firm: True if new, False if already recorded; other content is a conflict."""
        return self._record("firms", {"id": firm.id}, {"name": firm.name}, f"firm {firm.id}")

    def bundle(self, id: str) -> Bundle | None:
        """One bundle with its compounds, or None."""
        row = self.conn.execute("SELECT id, name FROM bundles WHERE id = ?", (id,)).fetchone()
        if row is None:
            return None
        compounds = [c for (c,) in self.conn.execute(
            "SELECT compound FROM bundle_compounds WHERE bundle = ? ORDER BY seq", (id,))]
        return Bundle(row[0], row[1], tuple(compounds))

    def bundles(self) -> list[Bundle]:
        """Every bundle, by id."""
        ids = [i for (i,) in self.conn.execute("SELECT id FROM bundles ORDER BY id")]
        return [b for b in map(self.bundle, ids) if b is not None]

    def insert_bundle(self, bundle: Bundle) -> bool:
        """Store a bundle: True if new, False if already recorded; other content is a conflict."""
        stored = self.bundle(bundle.id)
        if stored is not None and stored != bundle:
            raise ConflictError(f"bundle {bundle.id} is already recorded with other content",
                                fix="give the new bundle its own id",
                                code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        if stored is not None:
            return False
        self.conn.execute("INSERT INTO bundles (id, name) VALUES (?, ?)", (bundle.id, bundle.name))
        self.conn.executemany(
            "INSERT INTO bundle_compounds (bundle, seq, compound) VALUES (?, ?, ?)",
            [(bundle.id, seq, c) for seq, c in enumerate(bundle.compounds)])
        return True

    def contract(self, id: str) -> BundleContract | None:
        """One contract with its items, or None."""
        row = self.conn.execute(f"{_CONTRACT} WHERE id = ?", (id,)).fetchone()
        if row is None:
            return None
        items = tuple(i for (i,) in self.conn.execute(
            "SELECT item FROM contract_items WHERE contract = ? ORDER BY seq", (id,)))
        return _contract(row, items)

    def insert_contract(self, c: BundleContract) -> bool:
        """Store a contract: True if new, False if already recorded; other content is a conflict."""
        stored = self.contract(c.id)
        if stored is not None:
            if stored != c:
                raise ConflictError(f"contract {c.id} is already recorded with other terms",
                                    fix="sign the new terms under a new contract id",
                                    code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
            return False
        commission = None if c.commission_percent is None else _hundredths(c.commission_percent)
        self.conn.execute(
            "INSERT INTO bundle_contracts (id, bundle, firm, starts_on, ends_on, regime, "
            "unit_price_fen, currency, base_percent_hundredths, commission_percent_hundredths, "
            "weight_street_office, weight_community, weight_committee) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c.id, c.bundle, c.firm, c.starts_on.isoformat(), c.ends_on.isoformat(),
             c.regime.value, c.unit_price.fen, c.unit_price.currency,
             _hundredths(c.base_percent), commission, *c.weights))
        self.conn.executemany("INSERT INTO contract_items (contract, seq, item) VALUES (?, ?, ?)",
                              [(c.id, seq, item) for seq, item in enumerate(c.items)])
        return True

    def tender(self, id: str) -> Tender | None:
        """One tender, or None."""
        row = self.conn.execute("SELECT id, bundle, opens_on, closes_on FROM tenders WHERE id = ?",
                                (id,)).fetchone()
        return None if row is None else Tender(row[0], row[1], _day(row[2]), _day(row[3]))

    def insert_tender(self, t: Tender) -> bool:
        """Store a tender: True if new, False if already recorded; other content is a conflict."""
        return self._record("tenders", {"id": t.id},
                            {"bundle": t.bundle, "opens_on": t.opens_on.isoformat(),
                             "closes_on": t.closes_on.isoformat()}, f"tender {t.id}")

    def bids(self, tender: str) -> list[Bid]:
        """The bids on ``tender``, cheapest first."""
        rows = self.conn.execute("SELECT tender, firm, unit_price_fen, currency, bid_on FROM bids "
                                 "WHERE tender = ? ORDER BY unit_price_fen, firm", (tender,))
        return [Bid(r[0], r[1], Money(r[2], r[3]), _day(r[4])) for r in rows]

    def insert_bid(self, b: Bid) -> bool:
        """Store a firm's bid: True if new, False if already recorded; another price is a
        conflict."""
        return self._record("bids", {"tender": b.tender, "firm": b.firm},
                            {"unit_price_fen": b.unit_price.fen, "currency": b.unit_price.currency,
                             "bid_on": b.bid_on.isoformat()},
                            f"the bid of {b.firm} on tender {b.tender}")

    def evaluation(self, contract: str, period: Period) -> Evaluation | None:
        """The evaluation of ``contract`` for ``period``, or None."""
        row = self.conn.execute(f"{_EVALUATION} WHERE contract = ? AND period = ?",
                                (contract, str(period))).fetchone()
        return None if row is None else _evaluation(row)

    def insert_evaluation(self, e: Evaluation) -> bool:
        """Store a month's evaluation: True if new, False if already recorded; other scores are a
        conflict."""
        return self._record("evaluations", {"contract": e.contract, "period": str(e.period)},
                            {"street_office_hundredths": _hundredths(e.street_office),
                             "community_hundredths": _hundredths(e.community),
                             "committee_hundredths": _hundredths(e.committee)},
                            f"the evaluation of contract {e.contract} for {e.period}")

    def party_scores(self, firm: str | None = None) -> list[PartyScore]:
        """The party organisation's annual scores, of ``firm`` or of every firm, by firm and
        year."""
        if firm is None:
            rows = self.conn.execute(f"{_PARTY} ORDER BY firm, year")
        else:
            rows = self.conn.execute(f"{_PARTY} WHERE firm = ? ORDER BY year", (firm,))
        return [_party(r) for r in rows]

    def insert_party_score(self, s: PartyScore) -> bool:
        """Store a year's score: True if new, False if already recorded; another score is a
        conflict."""
        return self._record("party_scores", {"firm": s.firm, "year": s.year},
                            {"score_hundredths": _hundredths(s.score),
                             "scored_on": s.scored_on.isoformat(), "reason": s.reason},
                            f"the party organisation's {s.year} score of firm {s.firm}")
