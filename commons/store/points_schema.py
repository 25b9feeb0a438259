"""The migration of volunteer points (issue 19), appended to ``LATER``.

Programmes keep their kinds, staff, shelf and members in tables of their own; rosters and their
lines as submitted (a line is keyed by programme, activity and person, so it is posted once);
lots with what remains of each; the movements that are not lots (spent, given, expired); and
redemptions and transfers keyed by the host's id with their content. Points are INTEGER counts;
yuan are INTEGER fen with their currency.
"""

from __future__ import annotations

__all__ = ["POINTS"]

POINTS: tuple[str, ...] = (
    """CREATE TABLE points_programmes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        operator TEXT NOT NULL,
        monthly_cap INTEGER NOT NULL CHECK (monthly_cap > 0),
        points_per_yuan INTEGER NOT NULL CHECK (points_per_yuan > 0),
        expiry_months INTEGER NOT NULL CHECK (expiry_months > 0),
        sponsor TEXT NOT NULL,
        fund_fen INTEGER NOT NULL CHECK (fund_fen >= 0),
        currency TEXT NOT NULL,
        cross_household INTEGER NOT NULL,
        content TEXT NOT NULL
    ) STRICT""",
    """CREATE TABLE points_kinds (
        programme TEXT NOT NULL REFERENCES points_programmes(id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        basis TEXT NOT NULL CHECK (basis IN ('hour', 'task')),
        points INTEGER NOT NULL CHECK (points > 0),
        PRIMARY KEY (programme, id)
    ) STRICT""",
    """CREATE TABLE points_staff (
        programme TEXT NOT NULL REFERENCES points_programmes(id),
        person TEXT NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (programme, person)
    ) STRICT""",
    """CREATE TABLE points_shelf (
        programme TEXT NOT NULL REFERENCES points_programmes(id),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        points INTEGER NOT NULL CHECK (points > 0),
        stock INTEGER NOT NULL CHECK (stock >= 0),
        PRIMARY KEY (programme, id)
    ) STRICT""",
    """CREATE TABLE points_members (
        programme TEXT NOT NULL REFERENCES points_programmes(id),
        person TEXT NOT NULL,
        household TEXT NOT NULL REFERENCES households(id),
        named INTEGER NOT NULL,
        PRIMARY KEY (programme, person)
    ) STRICT""",
    "CREATE INDEX points_members_by_household ON points_members (household)",
    """CREATE TABLE points_rosters (
        programme TEXT NOT NULL REFERENCES points_programmes(id),
        id TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        content TEXT NOT NULL,
        lines INTEGER NOT NULL,
        confirmed_by TEXT,
        confirmed_at TEXT,
        issued INTEGER,
        excess INTEGER,
        people INTEGER,
        PRIMARY KEY (programme, id)
    ) STRICT""",
    # Kept in the order a confirmation reads them (date, then as submitted); the unique index
    # keeps a line once per activity and person.
    """CREATE TABLE points_roster_lines (
        programme TEXT NOT NULL,
        roster TEXT NOT NULL,
        day TEXT NOT NULL,
        seq INTEGER NOT NULL,
        activity TEXT NOT NULL,
        person TEXT NOT NULL,
        kind TEXT NOT NULL,
        quantity_hundredths INTEGER NOT NULL CHECK (quantity_hundredths > 0),
        PRIMARY KEY (programme, roster, day, seq)
    ) STRICT, WITHOUT ROWID""",
    "CREATE UNIQUE INDEX points_roster_lines_once ON points_roster_lines (programme, activity, "
    "person)",
    """CREATE TABLE points_lots (
        id INTEGER PRIMARY KEY,
        programme TEXT NOT NULL,
        person TEXT NOT NULL,
        earned_on TEXT NOT NULL,
        expires_on TEXT NOT NULL,
        points INTEGER NOT NULL CHECK (points > 0),
        remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
        received INTEGER NOT NULL,
        source TEXT NOT NULL
    ) STRICT""",
    # Expiry scans a programme's lots (a batch job); an index of them would slow every issue.
    "CREATE INDEX points_lots_by_person ON points_lots (programme, person, earned_on)",
    """CREATE TABLE points_movements (
        id INTEGER PRIMARY KEY,
        programme TEXT NOT NULL,
        person TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        points INTEGER NOT NULL,
        reference TEXT NOT NULL
    ) STRICT""",
    "CREATE INDEX points_movements_by_person ON points_movements (programme, person)",
    """CREATE TABLE points_acts (
        programme TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        content TEXT NOT NULL,
        provider TEXT,
        period TEXT,
        value_fen INTEGER NOT NULL,
        currency TEXT NOT NULL,
        PRIMARY KEY (programme, kind, id)
    ) STRICT""",
    "CREATE INDEX points_acts_by_provider ON points_acts (provider, period)",
)
