"""The schema as a list of forward migrations; migration N takes a file from version N to N+1.

Money is stored as INTEGER fen plus a TEXT currency; tables are STRICT so SQLite refuses a REAL
where an integer belongs. The first four (the database's meta data, the ledger, the estate and
owners' resolutions) are here; the areas built on them, and every migration added since, are in
``commons.store.migrations``, where a new one is appended.
"""

from __future__ import annotations

from commons.store.migrations import LATER

__all__ = ["MIGRATIONS"]

_CORE: list[tuple[str, ...]] = [
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
        # Owners' resolutions. Instants are ISO 8601 text in UTC. A proposal's row changes only
        # in its state (and when it last changed); its ballots, stored tally and state history
        # are only ever appended, like the journal, so a closed vote cannot be rewritten.
        """CREATE TABLE proposals (
            id TEXT PRIMARY KEY,
            matter TEXT NOT NULL,
            scope_kind TEXT NOT NULL CHECK (scope_kind IN ('compound', 'building')),
            scope_id TEXT NOT NULL,
            compound TEXT NOT NULL REFERENCES compounds(id),
            title TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('proposed', 'discussed', 'consulted', 'drafted',
                                                 'voted', 'resolved')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX proposals_by_compound ON proposals (compound, id)",
        """CREATE TABLE proposal_affected (
            proposal TEXT NOT NULL REFERENCES proposals(id),
            unit TEXT NOT NULL,
            PRIMARY KEY (proposal, unit)
        ) STRICT, WITHOUT ROWID""",
        # seq keeps the order ballots were cast in; one ballot per owner, enforced here too.
        """CREATE TABLE ballots (
            seq INTEGER PRIMARY KEY,
            proposal TEXT NOT NULL REFERENCES proposals(id),
            owner TEXT NOT NULL,
            choice TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
            cast_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            UNIQUE (proposal, owner)
        ) STRICT""",
        """CREATE TABLE tallies (
            proposal TEXT PRIMARY KEY REFERENCES proposals(id),
            passes INTEGER NOT NULL CHECK (passes IN (0, 1)),
            tally_json TEXT NOT NULL,
            resolved_at TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE proposal_history (
            seq INTEGER PRIMARY KEY,
            proposal TEXT NOT NULL REFERENCES proposals(id),
            from_state TEXT,
            to_state TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX proposal_history_by_proposal ON proposal_history (proposal, seq)",
        *[
            f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'commons: {table} are append-only and cannot be "
            f"{'changed' if verb == 'UPDATE' else 'deleted'}: a resolution is decided again by "
            "a new proposal'); END"
            for table in ("proposal_affected", "ballots", "tallies", "proposal_history")
            for verb in ("UPDATE", "DELETE")
        ],
        "CREATE TRIGGER proposals_never_deleted BEFORE DELETE ON proposals BEGIN SELECT "
        "RAISE(ABORT, 'commons: proposals cannot be deleted'); END",
        "CREATE TRIGGER proposals_only_advance BEFORE UPDATE ON proposals WHEN NEW.id IS NOT "
        "OLD.id OR NEW.matter IS NOT OLD.matter OR NEW.scope_kind IS NOT OLD.scope_kind OR "
        "NEW.scope_id IS NOT OLD.scope_id OR NEW.compound IS NOT OLD.compound OR NEW.title IS "
        "NOT OLD.title OR NEW.created_at IS NOT OLD.created_at OR NEW.actor IS NOT OLD.actor OR "
        "OLD.state = 'resolved' BEGIN SELECT RAISE(ABORT, 'commons: a proposal only changes "
        "its state, until it is resolved'); END",
    ),
]

MIGRATIONS: list[tuple[str, ...]] = [*_CORE, *LATER]
