"""Entry point: the root group, with every command registered by name and imported only when it
runs (``COMMANDS``), so a command pays only for its own modules."""

from __future__ import annotations

from .app import main

__all__ = ["COMMANDS", "main"]

# Each command: where it is ("module:attribute") and its one line in `commons --help`, kept here
# so listing the commands imports none of them (a test checks each against the command's help).
COMMANDS = {
    "audit": ("commons_cli.audit:audit",
              "Auditors' tools: verify the chain, export trails, check exports, disclose (公示)."),
    "billing": ("commons_cli.billing:billing",
                "Property fees: schedules, monthly invoices, payments, arrears, receipts."),
    "bundle": ("commons_cli.contracts:bundle",
               "Price a bundle of compounds before bidding on it."),
    "contract": ("commons_cli.contracts:contract",
                 "Bundled service contracts: catalog, firms, bundles, tenders, evaluations, "
                 "settlement."),
    "db": ("commons_cli.db:db",
           "The database: its schema version (status), migrating it forward (migrate) and "
           "copying it between SQLite and PostgreSQL (copy)."),
    "demo": ("commons_cli.commands:demo",
             "Build a sample district (Changsha Yuhua's Ziyuan and Weiji Xincun) and walk it "
             "through every duty."),
    "estate": ("commons_cli.estate:estate",
               "Compounds, buildings, households, revenue resources and management areas."),
    "init": ("commons_cli.commands:init",
             "Create the database, or upgrade it to this version's schema."),
    "ledger": ("commons_cli.ledger:ledger",
               "The shared-revenue journal: accounts, postings, balances, reversals, closed "
               "months."),
    "market": ("commons_cli.market:market",
               "The services marketplace: providers, services, subsidies, orders, settlement."),
    "parking": ("commons_cli.parking:parking",
                "Tidal parking (潮汐车位): tariffs, sessions, monthly bills and reports."),
    "points": ("commons_cli.points:points",
               "Volunteer points (积分): earned for service, spent in the marketplace, kept in "
               "the books."),
    "reconcile": ("commons_cli.reconcile:reconcile",
                  "Bank reconciliation: import statements, match them to the books, report, "
                  "undo."),
    "report": ("commons_cli.report:report",
               "Financial statements: the balance sheet (资产负债表) and the income statement "
               "(收支表)."),
    "resolution": ("commons_cli.resolution:resolution",
                   "Owners' resolutions (业主共同决定) under Civil Code art. 278, and committee "
                   "elections."),
    "revenue": ("commons_cli.revenue:revenue",
                "Public revenue: clear, collect, manage, use and audit (清、收、管、用、审)."),
    "split": ("commons_cli.commands:split", "Split TOTAL yuan exactly over the rows of FILE."),
}

for name, (where, summary) in COMMANDS.items():
    main.add_lazy(name, where, summary)

if __name__ == "__main__":
    main()
