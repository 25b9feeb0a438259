"""Governance: owners, ballots and resolutions under Civil Code art. 278."""
