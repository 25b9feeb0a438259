"""Billing: property fees, invoices, payments, arrears and cost-sharing plans."""
