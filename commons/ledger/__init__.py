"""The ledger core: accounts, the journal, posting rules and the hash chain. Pure values only."""
