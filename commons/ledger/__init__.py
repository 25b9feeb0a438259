"""The shared-revenue ledger: accounts, journal, the five duties, reconciliation, audit."""
