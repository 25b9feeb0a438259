"""Tidal-parking tables: tariffs, sessions, the months billed, and the import's batch.

Every method runs inside the caller's transaction. Instants cross this boundary as whole
seconds since the epoch and are stored as UTC text (``YYYY-MM-DDTHH:MM:SSZ``) with the offset
they were written in; SQLite converts between the two itself, which is what lets a million
sessions move without a Python datetime each.

An import first fills a temporary batch table, in which the checks that involve many rows at
once are set operations: ids repeated in the file, ids already stored, and sessions that
overlap on a space, among the file's or with stored ones. Only the rows still ``new`` after the
checks are copied into ``parking_sessions``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from commons.errors import ConflictError, ErrorCode
from commons.parking.month import CompoundBill, StoredSession
from commons.parking.pricing import SessionFields
from commons.parking.tariff import TariffFile

__all__ = ["BatchRow", "Overlap", "ParkingTables"]

UTC_TEXT = "'%Y-%m-%dT%H:%M:%SZ'"
# A row of the batch: (line, compound, *SessionFields).
BatchRow = tuple[int, str, str, str, str, int, int, int, int, str]
# An overlapping row: (line, session_id, space, the other session's id or None).
Overlap = tuple[int, str, str, str | None]
_SHIFT = 10**11  # makes every instant from year 1 to 9999 a positive 12-digit number

_BATCH = """CREATE TEMP TABLE IF NOT EXISTS parking_batch (
    line INTEGER PRIMARY KEY,
    compound TEXT NOT NULL,
    id TEXT NOT NULL,
    space TEXT NOT NULL,
    plate TEXT NOT NULL,
    entered_s INTEGER NOT NULL,
    entered_offset_s INTEGER NOT NULL,
    exited_s INTEGER NOT NULL,
    exited_offset_s INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
)"""

# Each fresh row with the stored or fresh session on its space that ends last among those
# entering before it (ties by id), and the next one to enter: it overlaps one of the two or
# none. The latest end is found as the greatest "shifted end + id" text, padded to sort.
_OVERLAPS = f"""
WITH fresh AS (
    SELECT line, id, space, entered_s, exited_s FROM temp.parking_batch WHERE status = 'new'),
span AS (SELECT strftime({UTC_TEXT}, min(entered_s), 'unixepoch') AS low,
                strftime({UTC_TEXT}, max(exited_s), 'unixepoch') AS high FROM fresh),
kept AS (
    SELECT CAST(NULL AS INTEGER) AS line, s.id, s.space, unixepoch(s.entered_at) AS entered_s,
           unixepoch(s.exited_at) AS exited_s
    FROM parking_sessions s, span
    WHERE s.space IN (SELECT space FROM fresh) AND s.entered_at < span.high
      AND s.exited_at > span.low),
every AS (SELECT * FROM fresh UNION ALL SELECT * FROM kept),
ordered AS (
    SELECT line, id, space, entered_s, exited_s,
           MAX(printf('%012d %s', exited_s + {_SHIFT}, id)) OVER before AS latest,
           LEAD(entered_s) OVER by_entry AS next_entered, LEAD(id) OVER by_entry AS next_id
    FROM every
    WINDOW by_entry AS (PARTITION BY space ORDER BY entered_s, id),
           before AS (PARTITION BY space ORDER BY entered_s, id
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
SELECT line, id, space,
       CASE WHEN CAST(substr(latest, 1, 12) AS INTEGER) - {_SHIFT} > entered_s
            THEN substr(latest, 14) ELSE next_id END
FROM ordered
WHERE line IS NOT NULL AND (CAST(substr(latest, 1, 12) AS INTEGER) - {_SHIFT} > entered_s
                            OR next_entered < exited_s)
ORDER BY line"""

_SAME = f"""s.space = b.space AND s.plate = b.plate AND s.kind = b.kind
    AND s.entered_at = strftime({UTC_TEXT}, b.entered_s, 'unixepoch')
    AND s.exited_at = strftime({UTC_TEXT}, b.exited_s, 'unixepoch')
    AND s.entered_offset_s = b.entered_offset_s AND s.exited_offset_s = b.exited_offset_s"""


class ParkingTables:
    """Tidal parking's rows in one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- tariffs ---------------------------------------------------------------------------

    def tariff_files(self, compound: str | None = None) -> list[TariffFile]:
        """The tariffs loaded, of one compound if given, by compound and effective date."""
        sql = "SELECT source FROM parking_tariffs"
        args: tuple[str, ...] = ()
        if compound is not None:
            sql, args = sql + " WHERE compound = ?", (compound,)
        rows = self.conn.execute(sql + " ORDER BY compound, effective_from", args)
        return [TariffFile.parse(source) for (source,) in rows]

    def add_tariff(self, tariff: TariffFile, loaded_at: str) -> bool:
        """Store a tariff; the same file again is a no-op (False), another one for the same
        compound and date a conflict."""
        t = tariff.tariff
        row = self.conn.execute(
            "SELECT content_hash, loaded_at FROM parking_tariffs WHERE compound = ? AND "
            "effective_from = ?", (t.compound, t.effective_from.isoformat())).fetchone()
        if row is not None:
            if row[0] == tariff.content_hash:
                return False
            raise ConflictError(
                f"{t.compound} already has another tariff from {t.effective_from} (loaded "
                f"{row[1]})", field="effective_from",
                fix="a tariff in force is never changed: give the new one a later "
                "effective_from", code=ErrorCode.ALREADY_RECORDED_DIFFERENTLY)
        self.conn.execute(
            "INSERT INTO parking_tariffs (compound, effective_from, source, content_hash, "
            "loaded_at) VALUES (?, ?, ?, ?, ?)",
            (t.compound, t.effective_from.isoformat(), tariff.source, tariff.content_hash,
             loaded_at))
        return True

    # -- bills -----------------------------------------------------------------------------

    def billed(self, compound: str | None = None) -> set[tuple[str, str]]:
        """(compound, period) of every month billed."""
        sql = "SELECT compound, period FROM parking_bills"
        rows = (self.conn.execute(sql + " WHERE compound = ?", (compound,)) if compound
                else self.conn.execute(sql))
        return {(c, p) for c, p in rows}

    def record_bill(self, bill: CompoundBill, billed_at: str) -> None:
        """Record a compound's bill for a month (once: billing the month again keeps the first)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO parking_bills (compound, period, collections, sessions, "
            "total_fen, currency, billed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bill.compound, str(bill.period), len(bill.collections()), bill.session_count,
             bill.total.fen, bill.total.currency, billed_at))

    # -- sessions --------------------------------------------------------------------------

    def sessions(self, compound: str, start_s: int, end_s: int) -> Iterator[StoredSession]:
        """Sessions of ``compound`` that touch [start_s, end_s), in order of entry."""
        yield from self.conn.execute(
            "SELECT id, space, plate, unixepoch(entered_at), unixepoch(exited_at), kind "
            f"FROM parking_sessions WHERE compound = ? AND entered_at < strftime({UTC_TEXT}, "
            f"?, 'unixepoch') AND exited_at > strftime({UTC_TEXT}, ?, 'unixepoch') "
            "ORDER BY entered_at", (compound, end_s, start_s))

    def stored_fields(self, ids: Sequence[str]) -> dict[str, SessionFields]:
        """The stored sessions among ``ids``, as plain values, by id."""
        found: dict[str, SessionFields] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.conn.execute(
                "SELECT id, space, plate, unixepoch(entered_at), entered_offset_s, "
                "unixepoch(exited_at), exited_offset_s, kind FROM parking_sessions WHERE id "
                f"IN ({','.join('?' * len(chunk))})", chunk)
            found.update((row[0], row) for row in rows)
        return found

    def count(self, compound: str | None = None) -> int:
        """How many sessions are stored, of ``compound`` or of all."""
        sql = "SELECT count(*) FROM parking_sessions"
        row = (self.conn.execute(sql + " WHERE compound = ?", (compound,)) if compound
               else self.conn.execute(sql)).fetchone()
        return int(row[0])

    # -- the import's batch ----------------------------------------------------------------

    def batch_start(self) -> None:
        """Start an import's batch: an empty temporary table of rows to check."""
        self.conn.execute(_BATCH)
        self.conn.execute("DELETE FROM temp.parking_batch")

    def batch_add(self, rows: Iterable[BatchRow]) -> None:
        """Add rows read from the file to the batch."""
        self.conn.executemany(
            "INSERT INTO temp.parking_batch (line, compound, id, space, plate, entered_s, "
            "entered_offset_s, exited_s, exited_offset_s, kind) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def batch_repeats(self) -> list[tuple[str, list[int], bool]]:
        """Ids on several lines of the batch: (id, lines in order, all with the same content)."""
        rows = self.conn.execute(
            "SELECT id, group_concat(line), count(DISTINCT json_array(space, plate, entered_s, "
            "entered_offset_s, exited_s, exited_offset_s, kind)) FROM temp.parking_batch "
            "GROUP BY id HAVING count(*) > 1")
        return [(sid, sorted(int(n) for n in lines.split(",")), versions == 1)
                for sid, lines, versions in rows]

    def batch_known(self) -> list[tuple[int, str, bool]]:
        """New rows whose id is stored: (line, id, stored with the same content)."""
        if self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM parking_sessions)").fetchone()[0]:
            return []
        return [(line, sid, bool(same)) for line, sid, same in self.conn.execute(
            f"SELECT b.line, b.id, {_SAME} FROM temp.parking_batch b JOIN parking_sessions s "
            "ON s.id = b.id WHERE b.status = 'new' ORDER BY b.line")]

    def batch_overlaps(self) -> list[Overlap]:
        """New rows that overlap another new or stored session on the same space."""
        return [(line, sid, space, other) for line, sid, space, other
                in self.conn.execute(_OVERLAPS)]

    def batch_mark(self, lines: Iterable[int], status: str) -> None:
        """Give the batch rows on ``lines`` the status ``status``."""
        self.conn.executemany("UPDATE temp.parking_batch SET status = ? WHERE line = ?",
                              ((status, line) for line in lines))

    def batch_spans(self) -> list[tuple[str, int, int]]:
        """(compound, first entry, last exit) of the new rows, by compound."""
        return self.conn.execute(
            "SELECT compound, min(entered_s), max(exited_s) FROM temp.parking_batch WHERE "
            "status = 'new' GROUP BY compound ORDER BY compound").fetchall()

    def batch_store(self) -> int:
        """Copy the new rows into the sessions; how many."""
        cursor = self.conn.execute(
            "INSERT INTO parking_sessions (id, compound, space, plate, entered_at, "
            "entered_offset_s, exited_at, exited_offset_s, kind) SELECT id, compound, space, "
            f"plate, strftime({UTC_TEXT}, entered_s, 'unixepoch'), entered_offset_s, "
            f"strftime({UTC_TEXT}, exited_s, 'unixepoch'), exited_offset_s, kind "
            "FROM temp.parking_batch WHERE status = 'new' ORDER BY line")
        return cursor.rowcount
