"""Bundled service contracts: the catalog, firms, bundles, regimes, tenders, evaluations,
settlement, and the pricing simulation a firm runs before it bids. Pure domain: values in,
values out."""
