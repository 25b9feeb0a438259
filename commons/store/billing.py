"""Billing tables: fee schedules, invoices and their lines, payments and their applications.

Every method runs inside the caller's transaction. Money is INTEGER fen plus a TEXT currency;
areas are INTEGER hundredths of a m²; a share-plan percentage is TEXT (its exact decimal). A
schedule's rows are replaced whole when it changes (the api refuses a change that would bill an
invoiced month differently); invoices, payments and applications are only ever inserted.

A household's credit is never stored: it is what it paid less what was applied for it, so the
two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from commons.billing.fees import FeeRate, FeeSchedule, Regime, Rounding
from commons.billing.invoices import Invoice, InvoiceLine, LineKind
from commons.billing.payments import Allocation, Applied, OpenInvoice, Payment
from commons.billing.split import SharePlan, Stage
from commons.money import Money
from commons.periods import Period
from commons.store.estate import area_from_hundredths, area_to_hundredths
from commons.store.queries import where_in

__all__ = ["BillingTables"]

_INVOICE = ("SELECT id, household, compound, schedule, period, area_hundredths_m2, price_fen, "
            "rounding, regime, gross_fen, currency, line_set FROM fee_invoices")
_PAYMENT = ("SELECT id, date, household, amount_fen, currency, invoice, payer, memo "
            "FROM fee_payments")
# What has been applied to invoice i ({} takes an extra condition on the applications)
_APPLIED = ("COALESCE((SELECT SUM(a.amount_fen) FROM fee_applications a "
            "WHERE a.invoice = i.id{}), 0)")


def _period(text: str) -> Period:
    return Period.parse(text)


def _payment(row: Sequence[Any]) -> Payment:
    return Payment(row[0], dt.date.fromisoformat(row[1]), row[2], Money(row[3], row[4]),
                   row[5], row[6], row[7])


class BillingTables:
    """The billing rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # --- schedules ------------------------------------------------------------------------

    def schedules(self) -> list[FeeSchedule]:
        """Every stored schedule, ordered by id."""
        heads = self.conn.execute("SELECT id, regime, rounding, concession_party, prepay_months "
                                  "FROM fee_schedules ORDER BY id").fetchall()
        compounds: dict[str, list[str]] = {}
        for sid, compound in self.conn.execute("SELECT schedule, compound FROM "
                                               "fee_schedule_compounds"):
            compounds.setdefault(sid, []).append(compound)
        rates: dict[str, list[FeeRate]] = {}
        for sid, day, fen, currency in self.conn.execute(
                "SELECT schedule, effective_from, price_fen, currency FROM fee_rates"):
            rates.setdefault(sid, []).append(FeeRate(dt.date.fromisoformat(day),
                                                     Money(fen, currency)))
        stages: dict[str, list[Stage]] = {}
        for row in self.conn.execute("SELECT schedule, party, percent, fixed_fen, cap_fen, "
                                     "currency, rest, base FROM fee_stages "
                                     "ORDER BY schedule, seq"):
            sid, party, percent, fixed, cap, currency, rest, base = row
            stages.setdefault(sid, []).append(Stage(
                party, Decimal(percent) if percent is not None else None,
                Money(fixed, currency) if fixed is not None else None,
                Money(cap, currency) if cap is not None else None, bool(rest), base))
        return [FeeSchedule(sid, tuple(compounds[sid]), Regime(regime), tuple(rates[sid]),
                            Rounding(rounding), SharePlan(tuple(stages[sid])), party, months)
                for sid, regime, rounding, party, months in heads]

    def put_schedule(self, schedule: FeeSchedule) -> None:
        """Store ``schedule``, replacing an earlier version of it whole."""
        s = schedule
        for table, key in (("fee_stages", "schedule"), ("fee_rates", "schedule"),
                           ("fee_schedule_compounds", "schedule"), ("fee_schedules", "id")):
            self.conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (s.id,))
        self.conn.execute("INSERT INTO fee_schedules (id, regime, rounding, concession_party, "
                          "prepay_months) VALUES (?, ?, ?, ?, ?)",
                          (s.id, s.regime.value, s.rounding.value, s.concession_party,
                           s.prepay_months))
        self.conn.executemany("INSERT INTO fee_schedule_compounds (schedule, compound) "
                              "VALUES (?, ?)", [(s.id, c) for c in s.compounds])
        self.conn.executemany(
            "INSERT INTO fee_rates (schedule, effective_from, price_fen, currency) "
            "VALUES (?, ?, ?, ?)",
            [(s.id, r.effective_from.isoformat(), r.price.fen, r.price.currency)
             for r in s.rates])
        self.conn.executemany(
            "INSERT INTO fee_stages (schedule, seq, party, percent, fixed_fen, cap_fen, "
            "currency, rest, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(s.id, seq, st.party, str(st.percent) if st.percent is not None else None,
              st.fixed.fen if st.fixed else None, st.cap.fen if st.cap else None,
              (st.fixed or st.cap or Money.zero()).currency, int(st.rest), st.of)
             for seq, st in enumerate(s.plan.stages)])

    def invoiced_periods(self, compounds: Sequence[str]) -> list[tuple[str, Period]]:
        """(compound, month) pairs that have invoices, for the compounds given."""
        rows = where_in(self.conn, "SELECT DISTINCT compound, period FROM fee_invoices "
                        "WHERE compound IN ({})", compounds)
        return sorted((c, _period(p)) for c, p in rows)

    # --- invoices -------------------------------------------------------------------------

    def _invoices(self, rows: list[Any]) -> list[Invoice]:
        lines: dict[int, list[InvoiceLine]] = {}
        for line_set, kind, party, fen, currency in where_in(
                self.conn, "SELECT line_set, kind, party, amount_fen, currency "
                "FROM fee_invoice_lines WHERE line_set IN ({}) ORDER BY line_set, seq",
                [r[-1] for r in rows]):
            lines.setdefault(line_set, []).append(InvoiceLine(LineKind(kind), party,
                                                              Money(fen, currency)))
        return [Invoice(hh, compound, schedule, _period(period), area_from_hundredths(area),
                        Money(price, cur), Rounding(rounding), Regime(regime), Money(gross, cur),
                        tuple(lines[line_set]))
                for _, hh, compound, schedule, period, area, price, rounding, regime, gross,
                cur, line_set in rows]

    def invoices_for(self, period: Period, households: Sequence[str]) -> dict[str, Invoice]:
        """The stored invoices of ``period`` for ``households``, by household."""
        rows = list(where_in(self.conn, f"{_INVOICE} WHERE household IN ({{}}) AND period = ?",
                             households, after=(str(period),)))
        return {i.household: i for i in self._invoices(rows)}

    def invoice(self, invoice_id: str) -> Invoice | None:
        """One invoice with its lines, or None."""
        found = self._invoices(self.conn.execute(f"{_INVOICE} WHERE id = ?",
                                                 (invoice_id,)).fetchall())
        return found[0] if found else None

    def insert_invoices(self, invoices: Sequence[Invoice]) -> None:
        """Insert new invoices; those with equal lines share one line set."""
        # Periods, areas and lines repeat: each is turned into its columns once, which halves
        # the time of a 100,000-household month.
        periods: dict[Period, tuple[str, str]] = {}
        areas: dict[Decimal, int] = {}
        line_sets: dict[tuple[InvoiceLine, ...], int] = {}
        row = self.conn.execute("SELECT COALESCE(MAX(line_set), 0) FROM fee_invoice_lines")
        next_set = int(row.fetchone()[0]) + 1
        invoice_rows = []
        for i in invoices:
            period = periods.get(i.period)
            if period is None:
                period = periods[i.period] = (str(i.period), i.issued_on.isoformat())
            area = areas.get(i.area_m2)
            if area is None:
                area = areas[i.area_m2] = area_to_hundredths(i.area_m2)
            line_set = line_sets.get(i.lines)
            if line_set is None:
                line_set = line_sets[i.lines] = next_set + len(line_sets)
            invoice_rows.append((i.id, i.household, i.compound, i.schedule, *period, area,
                                 i.price.fen, i.rounding.value, i.regime.value, i.gross.fen,
                                 i.due.fen, i.gross.currency, line_set))
        invoice_rows.sort()  # in key order each insert lands beside the last in the indexes
        self.conn.executemany(
            "INSERT INTO fee_invoices (id, household, compound, schedule, period, issued_on, "
            "area_hundredths_m2, price_fen, rounding, regime, gross_fen, due_fen, currency, "
            "line_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", invoice_rows)
        self.conn.executemany(
            "INSERT INTO fee_invoice_lines (line_set, seq, kind, party, amount_fen, currency) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(line_set, seq, line.kind.value, line.party, line.amount.fen, line.amount.currency)
             for lines, line_set in line_sets.items() for seq, line in enumerate(lines)])

    def open_invoices(self, household: str) -> list[OpenInvoice]:
        """The household's invoices with something still owed, oldest first."""
        rows = self.conn.execute(
            f"SELECT id, period, due_fen - {_APPLIED.format('')}, currency FROM fee_invoices i "
            "WHERE household = ? ORDER BY period", (household,))
        return [OpenInvoice(iid, _period(p), Money(owed, cur)) for iid, p, owed, cur in rows
                if owed > 0]

    # --- payments and credit --------------------------------------------------------------

    def payments(self, ids: Sequence[str]) -> dict[str, Payment]:
        """The stored payments among ``ids``, by id."""
        rows = where_in(self.conn, f"{_PAYMENT} WHERE id IN ({{}})", ids)
        return {p.id: p for p in map(_payment, rows)}

    def payment(self, payment_id: str) -> Payment | None:
        """One payment, or None."""
        return self.payments([payment_id]).get(payment_id)

    def applications_of(self, source: str) -> list[Allocation]:
        """What ``source`` (a payment, or credit) paid: the invoices and amounts, in order."""
        rows = self.conn.execute("SELECT invoice, amount_fen, currency FROM fee_applications "
                                 "WHERE source = ? ORDER BY rowid", (source,))
        return [Allocation(i, Money(f, c)) for i, f, c in rows]

    def credits(self, households: Sequence[str] | None = None) -> dict[str, Money]:
        """Households' credit (paid less applied), for those holding any."""
        sql = ("SELECT household, SUM(fen), currency FROM (SELECT household, amount_fen AS fen, "
               "currency FROM fee_payments UNION ALL SELECT household, -amount_fen, currency "
               "FROM fee_applications) moves GROUP BY household, currency HAVING SUM(fen) != 0")
        rows = self.conn.execute(sql).fetchall()
        wanted = None if households is None else set(households)
        return {h: Money(fen, cur) for h, fen, cur in rows if wanted is None or h in wanted}

    def insert_payment(self, applied: Applied) -> None:
        """Store a payment as it was applied."""
        p = applied.payment
        self.conn.execute(
            "INSERT INTO fee_payments (id, date, household, amount_fen, currency, invoice, "
            "payer, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id, p.date.isoformat(), p.household, p.amount.fen, p.amount.currency, p.invoice,
             p.payer, p.memo))
        self.insert_applications(f"payment:{p.id}", p.household, p.date, applied.allocations)

    def insert_applications(self, source: str, household: str, day: dt.date,
                            allocations: Sequence[Allocation]) -> None:
        """Store what ``source`` paid of each invoice of ``household`` on ``day``."""
        self.conn.executemany(
            "INSERT INTO fee_applications (source, invoice, household, date, amount_fen, "
            "currency) VALUES (?, ?, ?, ?, ?, ?)",
            [(source, a.invoice, household, day.isoformat(), a.amount.fen, a.amount.currency)
             for a in allocations])

    # --- reports --------------------------------------------------------------------------

    def outstanding(self, as_of: dt.date, compound: str | None
                    ) -> list[tuple[str, str, str, Period, Money, dt.date]]:
        """Invoices issued by ``as_of`` with something owed that day: id, household, compound,
        month, what is owed, issue date."""
        where = " AND compound = ?" if compound is not None else ""
        args: tuple[object, ...] = (as_of.isoformat(), as_of.isoformat(),
                                    *((compound,) if compound is not None else ()))
        rows = self.conn.execute(
            f"SELECT id, household, compound, period, "
            f"due_fen - {_APPLIED.format(' AND a.date <= ?')}, currency, issued_on "
            f"FROM fee_invoices i WHERE issued_on <= ?{where} ORDER BY compound, household, "
            "period", args)
        return [(iid, hh, c, _period(p), Money(owed, cur), dt.date.fromisoformat(day))
                for iid, hh, c, p, owed, cur, day in rows if owed > 0]

    def collection(self, period: Period, compound: str | None, as_of: dt.date | None
                   ) -> list[tuple[str, int, int, int, int, str]]:
        """Per compound for ``period``: invoices, billed fen, collected fen (by ``as_of``),
        invoices paid in full, currency."""
        date_filter = " AND a.date <= ?" if as_of is not None else ""
        where = " AND compound = ?" if compound is not None else ""
        args: list[object] = [as_of.isoformat()] if as_of is not None else []
        args += [str(period), *((compound,) if compound is not None else ())]
        rows = self.conn.execute(
            "SELECT compound, COUNT(*), SUM(due_fen), SUM(paid), "
            "SUM(CASE WHEN paid >= due_fen THEN 1 ELSE 0 END), currency "
            f"FROM (SELECT compound, due_fen, currency, {_APPLIED.format(date_filter)} AS paid "
            f"FROM fee_invoices i WHERE period = ?{where}) due GROUP BY compound, currency "
            "ORDER BY compound", args)
        return [tuple(r) for r in rows]

    def invoices_of(self, household: str) -> list[tuple[Invoice, Money]]:
        """The household's invoices, oldest first, each with what has been applied to it."""
        rows = self.conn.execute(f"{_INVOICE} WHERE household = ? ORDER BY period",
                                 (household,)).fetchall()
        applied = dict(self.conn.execute(
            "SELECT invoice, SUM(amount_fen) FROM fee_applications WHERE household = ? "
            "GROUP BY invoice", (household,)).fetchall())
        return [(i, Money(applied.get(i.id, 0), i.gross.currency)) for i in self._invoices(rows)]

    def paid(self, household: str) -> Money:
        """Everything ``household`` has paid."""
        row = self.conn.execute("SELECT COALESCE(SUM(amount_fen), 0) FROM fee_payments "
                                "WHERE household = ?", (household,)).fetchone()
        return Money(row[0])
