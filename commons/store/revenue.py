"""Public-revenue tables: sharing rules, openings, collections, set-asides, signers, holders,
spending limits, proposals, approvals and disbursements.

Every method runs inside the caller's transaction. Money crosses as INTEGER fen plus a currency;
percentages as INTEGER hundredths of a percent. Rows are history and only ever inserted (the
schema's triggers refuse UPDATE and DELETE). The journal itself is written only through the
ledger's posting path; here it is only read, to sum income and bank movements.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from commons.money import CURRENCY, Money
from commons.revenue.income import (
    COMMISSION,
    Collection,
    Quarter,
    SharingRule,
    account_of,
)
from commons.revenue.spending import (
    AccountHolder,
    Approval,
    Signer,
    SignerRole,
    SpendingLimit,
    SpendingProposal,
)
from commons.revenue.statement import IncomeLine, SpendingLine

__all__ = ["Disbursed", "RevenueTables"]

Disbursed = tuple[int, dt.date, str, str | None, str | None]  # entry, date, authority, res., signer
_PROPOSAL = ("SELECT id, compound, purpose, amount_fen, currency, payee, proposed_on, memo, "
             "resolution FROM revenue_proposals")
# Public revenue is the compound's income accounts except the firm's own (income:firm:..., a
# lump-sum contract's fees): see commons.ledger.accounts.is_firms_own.
_PUBLIC = "a.type = 'income' AND a.name NOT LIKE 'income:firm:%'"
_INCOME = f"{_PUBLIC} AND a.compound = ?"


def _bp(percent: Decimal) -> int:
    """12.5 (%) -> 1250; percentages have at most two decimals, so this is exact."""
    hundredths = percent.scaleb(2)
    assert hundredths == hundredths.to_integral_value(), percent
    return int(hundredths)


def _percent(bp: int) -> Decimal:
    return Decimal(bp) / 100


def _proposal(row: Sequence[Any]) -> SpendingProposal:
    return SpendingProposal(row[0], row[1], row[2], Money(row[3], row[4]), row[5],
                            dt.date.fromisoformat(row[6]), row[7], row[8])


class RevenueTables:
    """The five duties' rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # --- clear and collect ---------------------------------------------------------------

    def rules(self, compound: str) -> list[SharingRule]:
        """The sharing rules of ``compound``, oldest first."""
        rows = self.conn.execute(
            "SELECT effective_from, commission_bp, max_commission_bp, maintenance_bp "
            "FROM revenue_rules WHERE compound = ? ORDER BY effective_from", (compound,))
        return [SharingRule(compound, dt.date.fromisoformat(day), _percent(c), _percent(m),
                            _percent(keep)) for day, c, m, keep in rows]

    def add_rule(self, rule: SharingRule, at: str, actor: str) -> None:
        """Store a sharing rule, recorded ``at`` by ``actor``."""
        self.conn.execute(
            "INSERT INTO revenue_rules (compound, effective_from, commission_bp, "
            "max_commission_bp, maintenance_bp, recorded_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rule.compound, rule.effective_from.isoformat(), _bp(rule.commission_percent),
             _bp(rule.max_commission_percent), _bp(rule.maintenance_percent), at, actor))

    def opening(self, compound: str) -> tuple[dt.date, Money] | None:
        """The verified opening balance of ``compound`` and its date, if one was recorded."""
        row = self.conn.execute("SELECT date, amount_fen, currency FROM revenue_openings "
                                "WHERE compound = ?", (compound,)).fetchone()
        return None if row is None else (dt.date.fromisoformat(row[0]), Money(row[1], row[2]))

    def add_opening(self, compound: str, day: dt.date, amount: Money, entry_id: int | None,
                    at: str, actor: str) -> None:
        """Store ``compound``'s verified opening balance and the entry that posted it."""
        self.conn.execute(
            "INSERT INTO revenue_openings (compound, date, amount_fen, currency, entry_id, "
            "recorded_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (compound, day.isoformat(), amount.fen, amount.currency, entry_id, at, actor))

    def collected(self, external_ids: Sequence[str]) -> set[str]:
        """Those of ``external_ids`` already recorded as collections."""
        found: set[str] = set()
        for start in range(0, len(external_ids), 500):
            chunk = list(external_ids[start:start + 500])
            found.update(r[0] for r in self.conn.execute(
                "SELECT external_id FROM revenue_collections WHERE external_id IN "
                f"({','.join('?' * len(chunk))})", chunk))
        return found

    def add_collections(self, rows: Sequence[tuple[Collection, int, Money]]) -> None:
        """Record collections with their journal entry and the commission split from them."""
        self.conn.executemany(
            "INSERT INTO revenue_collections (external_id, entry_id, compound, resource, period, "
            "date, amount_fen, commission_fen, currency, payer) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.external_id, entry_id, c.compound, c.resource, str(c.period), c.date.isoformat(),
              c.amount.fen, commission.fen, c.amount.currency, c.payer)
             for c, entry_id, commission in rows])

    def last_income_date(self, compound: str) -> dt.date | None:
        """The latest date any income of ``compound`` is booked on (collected or posted)."""
        row = self.conn.execute(
            f"SELECT MAX(p.date) FROM postings p JOIN accounts a ON a.id = p.account_id "
            f"WHERE {_INCOME}", (compound,)).fetchone()
        return dt.date.fromisoformat(row[0]) if row[0] else None

    def monthly_income(self, compound: str) -> dict[str, tuple[int, int]]:
        """Per month ``YYYY-MM``: the income booked (credits, as a positive sum) and the
        operator's commission, in fen."""
        rows = self.conn.execute(
            "SELECT substr(p.date, 1, 7), "
            f"SUM(CASE WHEN {_PUBLIC} THEN -p.amount_fen ELSE 0 END), "
            "SUM(CASE WHEN a.name = ? THEN p.amount_fen ELSE 0 END) "
            "FROM postings p JOIN accounts a ON a.id = p.account_id "
            f"WHERE a.compound = ? AND ({_PUBLIC} OR a.name = ?) AND p.currency = ? "
            "GROUP BY 1", (account_of(COMMISSION, compound), compound,
                           account_of(COMMISSION, compound), CURRENCY))
        return {month: (income, commission) for month, income, commission in rows}

    def earnings(self, compound: str, since: dt.date, until: dt.date
                 ) -> list[tuple[int, str, str, str, str | None, int]]:
        """Income entries of ``compound`` dated ``since``..``until``: entry id, date, external
        id, memo, the resource it names and the income it books (positive fen)."""
        return self.conn.execute(
            "SELECT e.id, e.date, e.external_id, e.memo, e.resource, -SUM(p.amount_fen) "
            "FROM postings p JOIN accounts a ON a.id = p.account_id "
            f"JOIN entries e ON e.id = p.entry_id WHERE {_INCOME} AND p.date BETWEEN ? AND ? "
            "AND p.currency = ? GROUP BY e.id ORDER BY e.id",
            (compound, since.isoformat(), until.isoformat(), CURRENCY)).fetchall()

    def set_asides(self, compound: str) -> dict[str, int]:
        """Fen set aside per quarter ``YYYY-Qn``."""
        rows = self.conn.execute("SELECT quarter, SUM(amount_fen) FROM revenue_set_asides "
                                 "WHERE compound = ? GROUP BY quarter", (compound,))
        return dict(rows.fetchall())

    def set_aside_count(self, compound: str, quarter: Quarter) -> int:
        """How many set-asides ``compound`` has made for ``quarter`` (the first, then top-ups)."""
        row = self.conn.execute("SELECT COUNT(*) FROM revenue_set_asides WHERE compound = ? "
                                "AND quarter = ?", (compound, str(quarter))).fetchone()
        return int(row[0])

    def add_set_aside(self, compound: str, quarter: Quarter, seq: int, entry_id: int,
                      amount: Money, net: Money, percent: Decimal) -> None:
        """Store a set-aside: its entry, amount, the net revenue and the share it was made at."""
        self.conn.execute(
            "INSERT INTO revenue_set_asides (compound, quarter, seq, entry_id, amount_fen, "
            "currency, net_fen, maintenance_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (compound, str(quarter), seq, entry_id, amount.fen, amount.currency, net.fen,
             _bp(percent)))

    # --- manage ----------------------------------------------------------------------------

    def signers(self, compound: str) -> list[Signer]:
        """The signers of ``compound``'s payments, by id."""
        rows = self.conn.execute("SELECT signer, role, name FROM revenue_signers "
                                 "WHERE compound = ? ORDER BY signer", (compound,))
        return [Signer(compound, s, SignerRole(role), name) for s, role, name in rows]

    def signer(self, compound: str, signer: str) -> Signer | None:
        """One signer of ``compound``, or None."""
        row = self.conn.execute("SELECT role, name FROM revenue_signers WHERE compound = ? AND "
                                "signer = ?", (compound, signer)).fetchone()
        return None if row is None else Signer(compound, signer, SignerRole(row[0]), row[1])

    def add_signer(self, signer: Signer, at: str, actor: str) -> None:
        """Store a signer, added ``at`` by ``actor``."""
        self.conn.execute(
            "INSERT INTO revenue_signers (compound, signer, role, name, added_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (signer.compound, signer.id, signer.role.value, signer.name, at, actor))

    def holder(self, compound: str) -> AccountHolder | None:
        """Who holds ``compound``'s co-managed account now (the latest recorded), or None."""
        row = self.conn.execute("SELECT holder, role FROM revenue_holders WHERE compound = ? "
                                "ORDER BY seq DESC LIMIT 1", (compound,)).fetchone()
        return None if row is None else AccountHolder(compound, row[0], SignerRole(row[1]))

    def add_holder(self, holder: AccountHolder, at: str, actor: str) -> None:
        """Record a new holder of the account; earlier ones stay in the history."""
        self.conn.execute(
            "INSERT INTO revenue_holders (compound, seq, holder, role, recorded_at, actor) "
            "SELECT ?, COUNT(*), ?, ?, ?, ? FROM revenue_holders WHERE compound = ?",
            (holder.compound, holder.holder, holder.role.value, at, actor, holder.compound))

    def limit(self, compound: str) -> SpendingLimit | None:
        """The spending limit the owners set for ``compound``'s committee now, or None."""
        row = self.conn.execute("SELECT amount_fen, currency, resolution FROM revenue_limits "
                                "WHERE compound = ? ORDER BY seq DESC LIMIT 1",
                                (compound,)).fetchone()
        return None if row is None else SpendingLimit(compound, Money(row[0], row[1]), row[2])

    def add_limit(self, limit: SpendingLimit, at: str, actor: str) -> None:
        """Record a new spending limit; earlier ones stay in the history."""
        self.conn.execute(
            "INSERT INTO revenue_limits (compound, seq, amount_fen, currency, resolution, "
            "recorded_at, actor) SELECT ?, COUNT(*), ?, ?, ?, ?, ? FROM revenue_limits "
            "WHERE compound = ?", (limit.compound, limit.amount.fen, limit.amount.currency,
                                   limit.resolution, at, actor, limit.compound))

    def sets_limit(self, resolution: str) -> bool:
        """Whether ``resolution`` has been used to set a spending limit."""
        row = self.conn.execute("SELECT 1 FROM revenue_limits WHERE resolution = ? LIMIT 1",
                                (resolution,)).fetchone()
        return row is not None

    def earmarked(self, compound: str) -> Money:
        """Approved twice and not yet disbursed: money promised, not available again."""
        row = self.conn.execute(
            "SELECT COALESCE(SUM(p.amount_fen), 0) FROM revenue_proposals p "
            "WHERE p.compound = ? AND p.currency = ? "
            "AND (SELECT COUNT(*) FROM revenue_approvals a WHERE a.proposal = p.id) = 2 "
            "AND NOT EXISTS (SELECT 1 FROM revenue_disbursements d WHERE d.proposal = p.id)",
            (compound, CURRENCY)).fetchone()
        return Money(row[0])

    # --- use ---------------------------------------------------------------------------------

    def proposal(self, id: str) -> SpendingProposal | None:
        """One spending proposal, or None."""
        row = self.conn.execute(f"{_PROPOSAL} WHERE id = ?", (id,)).fetchone()
        return None if row is None else _proposal(row)

    def proposals(self, compound: str) -> list[SpendingProposal]:
        """The spending proposals of ``compound``, by id."""
        return [_proposal(r) for r in self.conn.execute(
            f"{_PROPOSAL} WHERE compound = ? ORDER BY id", (compound,))]

    def proposals_naming(self, resolution: str) -> tuple[str, ...]:
        """The ids of the proposals that name ``resolution`` as their authority."""
        rows = self.conn.execute("SELECT id FROM revenue_proposals WHERE resolution = ? "
                                 "ORDER BY id", (resolution,))
        return tuple(r[0] for r in rows)

    def add_proposal(self, p: SpendingProposal, at: str, actor: str) -> None:
        """Store a spending proposal."""
        self.conn.execute(
            "INSERT INTO revenue_proposals (id, compound, purpose, amount_fen, currency, payee, "
            "memo, resolution, proposed_on, recorded_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id, p.compound, p.purpose, p.amount.fen, p.amount.currency, p.payee, p.memo,
             p.resolution, p.proposed_on.isoformat(), at, actor))

    def approvals(self, proposal: str) -> list[Approval]:
        """The approvals of ``proposal``, in the order they were given."""
        rows = self.conn.execute("SELECT signer, role, approved_at FROM revenue_approvals "
                                 "WHERE proposal = ? ORDER BY seq", (proposal,))
        return [Approval(proposal, s, SignerRole(role), at) for s, role, at in rows]

    def add_approval(self, approval: Approval, seq: int, actor: str) -> None:
        """Store an approval as the ``seq``-th of its proposal."""
        self.conn.execute(
            "INSERT INTO revenue_approvals (proposal, seq, signer, role, approved_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?)", (approval.proposal, seq, approval.signer,
                                          approval.role.value, approval.approved_at, actor))

    def disbursement(self, proposal: str) -> Disbursed | None:
        """How ``proposal`` was paid (entry, date, authority), or None while it is not."""
        row = self.conn.execute(
            "SELECT entry_id, date, authority, resolution, committee_signer "
            "FROM revenue_disbursements WHERE proposal = ?", (proposal,)).fetchone()
        if row is None:
            return None
        return row[0], dt.date.fromisoformat(row[1]), row[2], row[3], row[4]

    def disbursed_by(self, resolution: str) -> str | None:
        """The proposal whose payment used ``resolution``, or None (a resolution is used once)."""
        row = self.conn.execute("SELECT proposal FROM revenue_disbursements WHERE resolution = ?",
                                (resolution,)).fetchone()
        return None if row is None else str(row[0])

    def add_disbursement(self, proposal: str, entry_id: int, day: dt.date, authority: str,
                         resolution: str | None, signer: str | None, at: str,
                         actor: str) -> None:
        """Store the payment of ``proposal``: its entry, date and the authority it was made
        under."""
        self.conn.execute(
            "INSERT INTO revenue_disbursements (proposal, entry_id, date, authority, resolution, "
            "committee_signer, recorded_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (proposal, entry_id, day.isoformat(), authority, resolution, signer, at, actor))

    # --- audit -------------------------------------------------------------------------------

    def income_lines(self, compound: str, since: dt.date, until: dt.date) -> list[IncomeLine]:
        """Income booked in ``since``..``until`` by account and the resource its entry names."""
        rows = self.conn.execute(
            "SELECT a.name, e.resource, -SUM(p.amount_fen), COUNT(DISTINCT e.id) "
            "FROM postings p JOIN accounts a ON a.id = p.account_id "
            f"JOIN entries e ON e.id = p.entry_id WHERE {_INCOME} AND p.date BETWEEN ? AND ? "
            "AND p.currency = ? GROUP BY a.name, e.resource ORDER BY a.name, e.resource",
            (compound, since.isoformat(), until.isoformat(), CURRENCY))
        return [IncomeLine(name, resource, Money(fen), n) for name, resource, fen, n in rows]

    def spending_lines(self, compound: str, since: dt.date, until: dt.date
                       ) -> list[SpendingLine]:
        """The payments of ``compound`` dated ``since``..``until``, with their authority and
        signers."""
        rows = self.conn.execute(
            "SELECT p.id, p.purpose, p.payee, p.amount_fen, d.date, d.entry_id, d.authority, "
            "d.resolution, d.committee_signer, (SELECT group_concat(a.signer || ' (' || a.role "
            "|| ')', char(31)) FROM (SELECT * FROM revenue_approvals WHERE proposal = p.id "
            "ORDER BY seq) a) FROM revenue_disbursements d JOIN revenue_proposals p "
            "ON p.id = d.proposal WHERE p.compound = ? AND d.date BETWEEN ? AND ? "
            "ORDER BY d.date, d.entry_id", (compound, since.isoformat(), until.isoformat()))
        return [SpendingLine(pid, purpose, payee, Money(fen), dt.date.fromisoformat(day), eid,
                             kind, res, signer, tuple((approvers or "").split("\x1f")))
                for pid, purpose, payee, fen, day, eid, kind, res, signer, approvers in rows]

    def moved(self, compound: str, prefix: str, since: dt.date, until: dt.date) -> Money:
        """The sum of postings to ``prefix:compound`` dated ``since``..``until``."""
        row = self.conn.execute(
            "SELECT COALESCE(SUM(p.amount_fen), 0) FROM postings p JOIN accounts a "
            "ON a.id = p.account_id WHERE a.name = ? AND p.date BETWEEN ? AND ? "
            "AND p.currency = ?", (account_of(prefix, compound), since.isoformat(),
                                   until.isoformat(), CURRENCY)).fetchone()
        return Money(row[0])
