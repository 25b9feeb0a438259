"""The schema as a list of forward migrations; migration N takes a file from version N to N+1.

Money is stored as INTEGER fen plus a TEXT currency; tables are STRICT so SQLite refuses a REAL
where an integer belongs.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[tuple[str, ...]] = [
    (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT""",
        "INSERT INTO meta (key, value) VALUES ('created_by', 'commons')",
    ),
    (
        # The ledger. accounts.id is a small integer so postings and their index stay compact.
        """CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            compound TEXT,
            opened_on TEXT,
            closed_on TEXT,
            description TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            memo TEXT NOT NULL,
            external_id TEXT NOT NULL UNIQUE,
            actor TEXT NOT NULL,
            resource TEXT,
            period TEXT,
            compound TEXT,
            reverses INTEGER REFERENCES entries(id),
            recorded_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT""",
        # No foreign keys here: checking two parents for each of millions of postings cost a
        # fifth of a post's time. Postings are written only with their entry, in its transaction,
        # to accounts read in that transaction; audit verify proves both links afterwards.
        """CREATE TABLE postings (
            entry_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            date TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (entry_id, seq)
        ) STRICT, WITHOUT ROWID""",
        # Covering index: a balance as of a date or an account's trail reads only this.
        "CREATE INDEX postings_by_account ON postings (account_id, currency, date, entry_id, "
        "amount_fen)",
        "CREATE INDEX entries_reverses ON entries (reverses) WHERE reverses IS NOT NULL",
        """CREATE TABLE balances (
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            currency TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            PRIMARY KEY (account_id, currency)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE closed_periods (
            period TEXT PRIMARY KEY,
            closed_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        *[
            f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'commons: the journal is append-only; {table} cannot be "
            f"{'changed' if verb == 'UPDATE' else 'deleted'}: post a reversal instead'); END"
            for table in ("entries", "postings", "closed_periods")
            for verb in ("UPDATE", "DELETE")
        ],
        # An account is never deleted, and only ever changes by being closed, once.
        "CREATE TRIGGER accounts_never_deleted BEFORE DELETE ON accounts BEGIN SELECT "
        "RAISE(ABORT, 'commons: accounts cannot be deleted; close them instead'); END",
        "CREATE TRIGGER accounts_only_close BEFORE UPDATE ON accounts WHEN NEW.id IS NOT OLD.id "
        "OR NEW.name IS NOT OLD.name OR NEW.type IS NOT OLD.type OR NEW.compound IS NOT "
        "OLD.compound OR NEW.opened_on IS NOT OLD.opened_on OR OLD.closed_on IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'commons: an account can only be closed, once'); END",
    ),
    (
        # The estate. Areas are INTEGER hundredths of a m² (56.37 m² is 5637), never a Decimal or
        # REAL; flags are 0/1. Rows are only ever inserted: an import never changes a stored one.
        """CREATE TABLE compounds (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            community TEXT NOT NULL,
            subdistrict TEXT NOT NULL DEFAULT '',
            governance TEXT NOT NULL CHECK (governance IN ('firm', 'entrusted', 'self-managed')),
            built_year INTEGER NOT NULL
        ) STRICT""",
        """CREATE TABLE buildings (
            id TEXT PRIMARY KEY,
            compound TEXT NOT NULL REFERENCES compounds(id),
            floors INTEGER NOT NULL CHECK (floors >= 1),
            elevator INTEGER NOT NULL CHECK (elevator IN (0, 1))
        ) STRICT""",
        "CREATE INDEX buildings_by_compound ON buildings (compound, id)",
        """CREATE TABLE households (
            id TEXT PRIMARY KEY,
            building TEXT NOT NULL REFERENCES buildings(id),
            floor INTEGER NOT NULL CHECK (floor != 0),
            area_hundredths_m2 INTEGER NOT NULL CHECK (area_hundredths_m2 > 0),
            owner TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX households_by_building ON households (building, id)",
        """CREATE TABLE resources (
            id TEXT PRIMARY KEY,
            compound TEXT NOT NULL REFERENCES compounds(id),
            kind TEXT NOT NULL,
            tidal INTEGER NOT NULL CHECK (tidal IN (0, 1)),
            name TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        "CREATE INDEX resources_by_compound ON resources (compound, id)",
        """CREATE TABLE management_areas (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE management_area_compounds (
            area TEXT NOT NULL REFERENCES management_areas(id),
            compound TEXT NOT NULL REFERENCES compounds(id),
            PRIMARY KEY (area, compound)
        ) STRICT, WITHOUT ROWID""",
        "CREATE INDEX management_areas_by_compound ON management_area_compounds (compound)",
    ),
    (
        # Tidal parking. A tariff is kept as the TOML it was loaded from. Instants are TEXT in
        # UTC (YYYY-MM-DDTHH:MM:SSZ, so text order is time order) with the offset they were
        # written in, in seconds, beside each. Spaces are checked against resources on import;
        # a foreign key would cost every one of a million inserts a lookup for nothing.
        """CREATE TABLE parking_tariffs (
            compound TEXT NOT NULL REFERENCES compounds(id),
            effective_from TEXT NOT NULL,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (compound, effective_from)
        ) STRICT""",
        """CREATE TABLE parking_sessions (
            id TEXT PRIMARY KEY,
            compound TEXT NOT NULL,
            space TEXT NOT NULL,
            plate TEXT NOT NULL,
            entered_at TEXT NOT NULL,
            entered_offset_s INTEGER NOT NULL,
            exited_at TEXT NOT NULL,
            exited_offset_s INTEGER NOT NULL,
            kind TEXT NOT NULL,
            CHECK (exited_at > entered_at)
        ) STRICT""",
        "CREATE INDEX parking_sessions_by_space ON parking_sessions (space, entered_at)",
        "CREATE INDEX parking_sessions_by_compound ON parking_sessions (compound, entered_at)",
        """CREATE TABLE parking_bills (
            compound TEXT NOT NULL,
            period TEXT NOT NULL,
            external_id TEXT NOT NULL,
            sessions INTEGER NOT NULL,
            total_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            billed_at TEXT NOT NULL,
            PRIMARY KEY (compound, period)
        ) STRICT""",
        *[f"CREATE TRIGGER parking_{table}_insert_only_{verb.lower()} BEFORE {verb} ON "
          f"parking_{table} BEGIN SELECT RAISE(ABORT, 'commons: parking {table} are only ever "
          f"added, never changed'); END"
          for table in ("sessions", "bills") for verb in ("UPDATE", "DELETE")],
    ),
]
