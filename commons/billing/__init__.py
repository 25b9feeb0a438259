"""Billing: property fees, invoices, tidal parking, cost-sharing plans, collections."""
