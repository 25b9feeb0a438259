"""The services marketplace: providers, services, subsidies, agreements, orders, settlement.

Residents order a canteen meal, an hour of childcare or a repair call-out from providers (firms,
social organisations, the state-owned fallback firm, merchants, volunteer teams); subsidy
programmes and the provider's concession pay part of each order; an agreement gives the compound
a share of what its providers earn, credited to its public revenue. Everything here is pure:
values and ``now`` in, values out.
"""
