"""Bundled service contracts: catalogs, bundles, regimes, evaluations, settlement, simulation."""
