"""The migration that keeps the marketplace's subsidy use running (issue 18's benchmark).

What each programme has paid in a month, in all and to each resident, was summed over the
month's orders whenever an order was quoted, completed or searched for; with a city's orders
that sum is the slow part of a search. ``market_subsidy_usage`` keeps the figure as orders
complete and are refunded; the migration fills it from the orders already recorded. The
resident ``''`` (no resident id is empty) holds the programme's total, so that the key has no
NULL (PostgreSQL allows none in a primary key).
"""

from __future__ import annotations

__all__ = ["MARKET_USAGE"]

_COUNTED = ("FROM market_orders WHERE programme IS NOT NULL AND subsidy_fen > 0 AND "
            "(refund_fen IS NULL OR refund_fen < subsidy_fen + resident_fen)")

MARKET_USAGE: tuple[str, ...] = (
    """CREATE TABLE market_subsidy_usage (
        programme TEXT NOT NULL,
        period TEXT NOT NULL,
        resident TEXT NOT NULL,
        used_fen INTEGER NOT NULL,
        PRIMARY KEY (programme, period, resident)
    ) STRICT, WITHOUT ROWID""",
    "INSERT INTO market_subsidy_usage (programme, period, resident, used_fen) "
    f"SELECT programme, period, '', SUM(subsidy_fen) {_COUNTED} GROUP BY programme, period",
    "INSERT INTO market_subsidy_usage (programme, period, resident, used_fen) "
    f"SELECT programme, period, resident, SUM(subsidy_fen) {_COUNTED} AND resident IS NOT NULL "
    "GROUP BY programme, period, resident",
)
