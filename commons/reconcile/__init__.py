"""Bank reconciliation: statements, matching them against the books, the 余额调节表."""
