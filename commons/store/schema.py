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
]
