"""The migrations after the core schema (``commons.store.schema``): bank reconciliation, bundled
contracts, the five duties over public revenue, tidal parking and property fees, then every
change made since. Migration order is the files' history: a new one is appended at the end.
"""

from __future__ import annotations

from commons.store.market_usage import MARKET_USAGE
from commons.store.points_schema import POINTS

__all__ = ["LATER"]

# The roles a co-managed account's signers hold (commons.revenue.spending.SignerRole).
_ROLES = ("'owners-committee', 'self-management-committee', 'community', 'party-organisation', "
          "'street-office', 'firm'")
_REVENUE_TABLES = ("revenue_rules", "revenue_openings", "revenue_collections", "revenue_set_asides",
                   "revenue_signers", "revenue_holders", "revenue_limits", "revenue_proposals",
                   "revenue_approvals", "revenue_disbursements")

LATER: list[tuple[str, ...]] = [
    (
        # Bank reconciliation (issue 5). Statement lines are keyed per account so re-importing
        # adds nothing; balance_fen is the bank's balance after the line. A line and a book
        # posting (entry_id, seq) are each in at most one match: the primary keys say so.
        # Undoing a match deletes it; the journal itself is never touched.
        """CREATE TABLE bank_statements (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            statement_id TEXT NOT NULL,
            source TEXT NOT NULL,
            bank_account TEXT NOT NULL,
            currency TEXT NOT NULL,
            opening_fen INTEGER NOT NULL,
            closing_fen INTEGER NOT NULL,
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE bank_lines (
            id INTEGER PRIMARY KEY,
            statement INTEGER NOT NULL REFERENCES bank_statements(id),
            account_id INTEGER NOT NULL,
            line_key TEXT NOT NULL,
            booked_on TEXT NOT NULL,
            value_on TEXT,
            amount_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            balance_fen INTEGER NOT NULL,
            reference TEXT NOT NULL,
            payment_reference TEXT NOT NULL,
            counterparty TEXT NOT NULL,
            memo TEXT NOT NULL,
            source_line INTEGER,
            UNIQUE (account_id, line_key)
        ) STRICT""",
        "CREATE INDEX bank_lines_by_date ON bank_lines (account_id, booked_on)",
        """CREATE TABLE reconcile_matches (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            kind TEXT NOT NULL,
            made_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE reconcile_match_lines (
            line_id INTEGER PRIMARY KEY REFERENCES bank_lines(id),
            match_id INTEGER NOT NULL REFERENCES reconcile_matches(id) ON DELETE CASCADE
        ) STRICT""",
        """CREATE TABLE reconcile_match_postings (
            entry_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            match_id INTEGER NOT NULL REFERENCES reconcile_matches(id) ON DELETE CASCADE,
            PRIMARY KEY (entry_id, seq)
        ) STRICT, WITHOUT ROWID""",
        "CREATE INDEX reconcile_match_lines_by_match ON reconcile_match_lines (match_id)",
        "CREATE INDEX reconcile_match_postings_by_match ON reconcile_match_postings (match_id)",
    ),
    (
        # Bundled contracts. Percentages and scores are INTEGER hundredths (7.5% is 750), money
        # INTEGER fen with its currency, dates TEXT YYYY-MM-DD. Rows are only ever inserted.
        """CREATE TABLE firms (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE bundles (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE bundle_compounds (
            bundle TEXT NOT NULL REFERENCES bundles(id),
            seq INTEGER NOT NULL,
            compound TEXT NOT NULL REFERENCES compounds(id),
            PRIMARY KEY (bundle, compound)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE bundle_contracts (
            id TEXT PRIMARY KEY,
            bundle TEXT NOT NULL REFERENCES bundles(id),
            firm TEXT NOT NULL REFERENCES firms(id),
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            regime TEXT NOT NULL CHECK (regime IN ('lump_sum', 'commission')),
            unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen > 0),
            currency TEXT NOT NULL,
            base_percent_hundredths INTEGER NOT NULL,
            commission_percent_hundredths INTEGER,
            weight_street_office INTEGER NOT NULL,
            weight_community INTEGER NOT NULL,
            weight_committee INTEGER NOT NULL
        ) STRICT""",
        """CREATE TABLE contract_items (
            contract TEXT NOT NULL REFERENCES bundle_contracts(id),
            seq INTEGER NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (contract, item)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE tenders (
            id TEXT PRIMARY KEY,
            bundle TEXT NOT NULL REFERENCES bundles(id),
            opens_on TEXT NOT NULL,
            closes_on TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE bids (
            tender TEXT NOT NULL REFERENCES tenders(id),
            firm TEXT NOT NULL REFERENCES firms(id),
            unit_price_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            bid_on TEXT NOT NULL,
            PRIMARY KEY (tender, firm)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE evaluations (
            contract TEXT NOT NULL REFERENCES bundle_contracts(id),
            period TEXT NOT NULL,
            street_office_hundredths INTEGER NOT NULL,
            community_hundredths INTEGER NOT NULL,
            committee_hundredths INTEGER NOT NULL,
            PRIMARY KEY (contract, period)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE party_scores (
            firm TEXT NOT NULL REFERENCES firms(id),
            year INTEGER NOT NULL,
            score_hundredths INTEGER NOT NULL CHECK (score_hundredths BETWEEN 0 AND 1000),
            scored_on TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (firm, year)
        ) STRICT, WITHOUT ROWID""",
    ),
    (
        # Public revenue's five duties. Everything money does is a journal entry; these tables
        # link those entries to rules, resources, resolutions and signers. Percentages are
        # INTEGER hundredths of a percent (12.5% is 1250). Rows are history: never changed.
        """CREATE TABLE revenue_rules (
            compound TEXT NOT NULL REFERENCES compounds(id),
            effective_from TEXT NOT NULL,
            commission_bp INTEGER NOT NULL CHECK (commission_bp BETWEEN 0 AND 10000),
            max_commission_bp INTEGER NOT NULL CHECK (max_commission_bp BETWEEN 0 AND 10000),
            maintenance_bp INTEGER NOT NULL CHECK (maintenance_bp BETWEEN 0 AND 10000),
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (compound, effective_from),
            CHECK (commission_bp <= max_commission_bp)
        ) STRICT""",
        """CREATE TABLE revenue_openings (
            compound TEXT PRIMARY KEY REFERENCES compounds(id),
            date TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
            currency TEXT NOT NULL,
            entry_id INTEGER REFERENCES entries(id),
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE revenue_collections (
            external_id TEXT PRIMARY KEY,
            entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id),
            compound TEXT NOT NULL REFERENCES compounds(id),
            resource TEXT NOT NULL REFERENCES resources(id),
            period TEXT NOT NULL,
            date TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            commission_fen INTEGER NOT NULL CHECK (commission_fen BETWEEN 0 AND amount_fen),
            currency TEXT NOT NULL,
            payer TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX revenue_collections_by_compound ON revenue_collections (compound, date)",
        """CREATE TABLE revenue_set_asides (
            compound TEXT NOT NULL REFERENCES compounds(id),
            quarter TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq >= 0),
            entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            currency TEXT NOT NULL,
            net_fen INTEGER NOT NULL,
            maintenance_bp INTEGER NOT NULL,
            PRIMARY KEY (compound, quarter, seq)
        ) STRICT""",
        f"""CREATE TABLE revenue_signers (
            compound TEXT NOT NULL REFERENCES compounds(id),
            signer TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ({_ROLES})),
            name TEXT NOT NULL,
            added_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (compound, signer)
        ) STRICT""",
        # The holder and the limit change only by a new row; the latest is in force.
        f"""CREATE TABLE revenue_holders (
            compound TEXT NOT NULL REFERENCES compounds(id),
            seq INTEGER NOT NULL,
            holder TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ({_ROLES}) AND role != 'firm'),
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (compound, seq)
        ) STRICT""",
        """CREATE TABLE revenue_limits (
            compound TEXT NOT NULL REFERENCES compounds(id),
            seq INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
            currency TEXT NOT NULL,
            resolution TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (compound, seq)
        ) STRICT""",
        """CREATE TABLE revenue_proposals (
            id TEXT PRIMARY KEY,
            compound TEXT NOT NULL REFERENCES compounds(id),
            purpose TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            currency TEXT NOT NULL,
            payee TEXT NOT NULL,
            memo TEXT NOT NULL,
            resolution TEXT,
            proposed_on TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL
        ) STRICT""",
        # One resolution authorises one spending, whatever the code above forgets.
        "CREATE UNIQUE INDEX revenue_proposals_one_per_resolution ON revenue_proposals "
        "(resolution) WHERE resolution IS NOT NULL",
        "CREATE INDEX revenue_proposals_by_compound ON revenue_proposals (compound, id)",
        f"""CREATE TABLE revenue_approvals (
            proposal TEXT NOT NULL REFERENCES revenue_proposals(id),
            seq INTEGER NOT NULL CHECK (seq IN (0, 1)),
            signer TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ({_ROLES})),
            approved_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            PRIMARY KEY (proposal, seq),
            UNIQUE (proposal, signer)
        ) STRICT""",
        """CREATE TABLE revenue_disbursements (
            proposal TEXT PRIMARY KEY REFERENCES revenue_proposals(id),
            entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id),
            date TEXT NOT NULL,
            authority TEXT NOT NULL CHECK (authority IN ('committee', 'resolution')),
            resolution TEXT,
            committee_signer TEXT,
            recorded_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            CHECK ((authority = 'resolution') = (resolution IS NOT NULL))
        ) STRICT""",
        "CREATE UNIQUE INDEX revenue_disbursements_one_per_resolution ON revenue_disbursements "
        "(resolution) WHERE resolution IS NOT NULL",
        *[
            f"CREATE TRIGGER {table}_history_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'commons: {table} is history and cannot be "
            f"{'changed' if verb == 'UPDATE' else 'deleted'}'); END"
            for table in _REVENUE_TABLES
            for verb in ("UPDATE", "DELETE")
        ],
    ),
    (
        # Tidal parking. A tariff is kept as the TOML it was loaded from. Instants are TEXT in
        # UTC (YYYY-MM-DDTHH:MM:SSZ, so text order is time order) with the offset they were
        # written in, in seconds, beside each. Spaces are checked against resources on import;
        # a foreign key would cost every one of a million inserts a lookup for nothing.
        """CREATE TABLE parking_tariffs (
            compound TEXT NOT NULL REFERENCES compounds(id),
            effective_from TEXT NOT NULL,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (compound, effective_from)
        ) STRICT""",
        """CREATE TABLE parking_sessions (
            id TEXT PRIMARY KEY,
            compound TEXT NOT NULL,
            space TEXT NOT NULL,
            plate TEXT NOT NULL,
            entered_at TEXT NOT NULL,
            entered_offset_s INTEGER NOT NULL,
            exited_at TEXT NOT NULL,
            exited_offset_s INTEGER NOT NULL,
            kind TEXT NOT NULL,
            CHECK (exited_at > entered_at)
        ) STRICT""",
        "CREATE INDEX parking_sessions_by_space ON parking_sessions (space, entered_at)",
        "CREATE INDEX parking_sessions_by_compound ON parking_sessions (compound, entered_at)",
        """CREATE TABLE parking_bills (
            compound TEXT NOT NULL,
            period TEXT NOT NULL,
            collections INTEGER NOT NULL,
            sessions INTEGER NOT NULL,
            total_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            billed_at TEXT NOT NULL,
            PRIMARY KEY (compound, period)
        ) STRICT""",
        *[f"CREATE TRIGGER parking_{table}_insert_only_{verb.lower()} BEFORE {verb} ON "
          f"parking_{table} BEGIN SELECT RAISE(ABORT, 'commons: parking {table} are only ever "
          f"added, never changed'); END"
          for table in ("sessions", "bills") for verb in ("UPDATE", "DELETE")],
    ),
    (
        # Property fees. Money is INTEGER fen + TEXT currency, areas INTEGER hundredths of a m²,
        # a share-plan percentage TEXT (its exact decimal). Schedules are configuration, replaced
        # whole when they change; invoices, payments and applications are only inserted. A
        # household's credit is what it paid less what was applied, so it is not stored.
        """CREATE TABLE fee_schedules (
            id TEXT PRIMARY KEY,
            regime TEXT NOT NULL CHECK (regime IN ('lump_sum', 'commission')),
            rounding TEXT NOT NULL CHECK (rounding IN ('half-up', 'half-even', 'down')),
            concession_party TEXT NOT NULL,
            prepay_months INTEGER NOT NULL CHECK (prepay_months >= 0)
        ) STRICT""",
        """CREATE TABLE fee_schedule_compounds (
            compound TEXT PRIMARY KEY REFERENCES compounds(id),
            schedule TEXT NOT NULL REFERENCES fee_schedules(id)
        ) STRICT""",
        """CREATE TABLE fee_rates (
            schedule TEXT NOT NULL REFERENCES fee_schedules(id),
            effective_from TEXT NOT NULL,
            price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
            currency TEXT NOT NULL,
            PRIMARY KEY (schedule, effective_from)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE fee_stages (
            schedule TEXT NOT NULL REFERENCES fee_schedules(id),
            seq INTEGER NOT NULL,
            party TEXT NOT NULL,
            percent TEXT,
            fixed_fen INTEGER,
            cap_fen INTEGER,
            currency TEXT NOT NULL,
            rest INTEGER NOT NULL CHECK (rest IN (0, 1)),
            base TEXT NOT NULL CHECK (base IN ('total', 'remaining')),
            PRIMARY KEY (schedule, seq)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE fee_invoices (
            id TEXT PRIMARY KEY,
            household TEXT NOT NULL REFERENCES households(id),
            compound TEXT NOT NULL,
            schedule TEXT NOT NULL,
            period TEXT NOT NULL,
            issued_on TEXT NOT NULL,
            area_hundredths_m2 INTEGER NOT NULL CHECK (area_hundredths_m2 > 0),
            price_fen INTEGER NOT NULL,
            rounding TEXT NOT NULL,
            regime TEXT NOT NULL,
            gross_fen INTEGER NOT NULL,
            due_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            line_set INTEGER NOT NULL,
            UNIQUE (household, period)
        ) STRICT""",
        "CREATE INDEX fee_invoices_by_period ON fee_invoices (period, compound)",
        # Invoices with equal fees under one schedule have equal lines: they share one set of
        # lines (a 100,000-household month has about 10,000 distinct fees).
        """CREATE TABLE fee_invoice_lines (
            line_set INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('subsidy', 'concession', 'resident')),
            party TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (line_set, seq)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE fee_payments (
            id TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            household TEXT NOT NULL REFERENCES households(id),
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            currency TEXT NOT NULL,
            invoice TEXT,
            payer TEXT NOT NULL,
            memo TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX fee_payments_by_household ON fee_payments (household)",
        # source: 'payment:ID' or 'credit:HH:YYYY-MM' (held credit applied to a new invoice)
        """CREATE TABLE fee_applications (
            source TEXT NOT NULL,
            invoice TEXT NOT NULL REFERENCES fee_invoices(id),
            household TEXT NOT NULL,
            date TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            currency TEXT NOT NULL,
            PRIMARY KEY (source, invoice)
        ) STRICT""",
        "CREATE INDEX fee_applications_by_invoice ON fee_applications (invoice, date, amount_fen)",
        "CREATE INDEX fee_applications_by_household ON fee_applications (household)",
    ),
    (
        # Issue 15. A statement's balances are 'computed' where the file gave none (a wallet
        # bill) or they were ignored (redacted), from an opening and its lines, not reported by
        # the bank. bank_accounts holds the number and currency of the bank account a books'
        # account stands for, to refuse another account's statement.
        "ALTER TABLE bank_statements ADD COLUMN balances TEXT NOT NULL DEFAULT 'reported' "
        "CHECK (balances IN ('reported', 'computed'))",
        """CREATE TABLE bank_accounts (
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
            number TEXT NOT NULL,
            currency TEXT NOT NULL
        ) STRICT""",
    ),
    (
        # Re-dating an account that has no postings yet (a chart opened with a wrong date).
        # Each re-dating is kept, with who, when, why and the chain head it was made at; the
        # account's opening date may change only to what its newest re-dating says, and only
        # while no posting names it.
        """CREATE TABLE account_redatings (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            old_opened_on TEXT,
            new_opened_on TEXT,
            reason TEXT NOT NULL,
            actor TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            head_id INTEGER NOT NULL,
            head_hash TEXT NOT NULL
        ) STRICT""",
        *[
            f"CREATE TRIGGER account_redatings_append_only_{verb.lower()} BEFORE {verb} ON "
            "account_redatings BEGIN SELECT RAISE(ABORT, 'commons: re-datings are kept; "
            f"account_redatings cannot be {'changed' if verb == 'UPDATE' else 'deleted'}'); END"
            for verb in ("UPDATE", "DELETE")
        ],
        "DROP TRIGGER accounts_only_close",
        "CREATE TRIGGER accounts_only_close BEFORE UPDATE ON accounts WHEN NEW.id IS NOT OLD.id "
        "OR NEW.name IS NOT OLD.name OR NEW.type IS NOT OLD.type OR NEW.compound IS NOT "
        "OLD.compound OR OLD.closed_on IS NOT NULL OR (NEW.opened_on IS NOT OLD.opened_on AND "
        "(EXISTS (SELECT 1 FROM postings WHERE account_id = OLD.id) OR NOT EXISTS (SELECT 1 "
        "FROM account_redatings r WHERE r.id = (SELECT MAX(id) FROM account_redatings WHERE "
        "account_id = OLD.id) AND r.old_opened_on IS OLD.opened_on AND r.new_opened_on IS "
        "NEW.opened_on))) "
        "BEGIN SELECT RAISE(ABORT, 'commons: an account can only be closed, once, or re-dated "
        "while it has no postings'); END",
    ),
    (
        # Issue 17. The bank a books' bank account is kept at, so that a disclosure (公示)
        # names the bank beside the masked account number.
        "ALTER TABLE bank_accounts ADD COLUMN bank TEXT NOT NULL DEFAULT ''",
    ),
    (
        # Issue 18, the services marketplace. Events are the append-only log, keyed by the
        # host's id with their content (the same id again must say the same); orders are their
        # projection, updated as events apply. Percentages are INTEGER hundredths (30% is
        # 3000), times ISO 8601 with their offset. Residents keep tags and a birth year only,
        # one row per date their tags changed, so eligibility is read as of the service date.
        """CREATE TABLE market_categories (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            accept_within INTEGER NOT NULL,
            done_within INTEGER NOT NULL,
            ceiling_fen INTEGER
        ) STRICT""",
        """CREATE TABLE market_providers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            areas TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
            firm TEXT,
            cancel_after_accept INTEGER NOT NULL
        ) STRICT""",
        """CREATE TABLE market_services (
            id TEXT PRIMARY KEY,
            provider TEXT NOT NULL REFERENCES market_providers(id),
            category TEXT NOT NULL REFERENCES market_categories(id),
            name TEXT NOT NULL,
            unit TEXT NOT NULL,
            price_fen INTEGER NOT NULL CHECK (price_fen > 0),
            compounds TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE market_service_reach (
            compound TEXT NOT NULL,
            service TEXT NOT NULL REFERENCES market_services(id),
            PRIMARY KEY (compound, service)
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE market_residents (
            id TEXT NOT NULL,
            since TEXT NOT NULL,
            household TEXT NOT NULL REFERENCES households(id),
            birth_year INTEGER,
            tags TEXT NOT NULL,
            PRIMARY KEY (id, since)
        ) STRICT""",
        "CREATE INDEX market_residents_by_household ON market_residents (household)",
        """CREATE TABLE market_programmes (
            id TEXT PRIMARY KEY,
            funder TEXT NOT NULL,
            tag TEXT NOT NULL,
            categories TEXT NOT NULL,
            percent_hundredths INTEGER NOT NULL,
            cap_fen INTEGER NOT NULL,
            budget_fen INTEGER NOT NULL,
            concession_hundredths INTEGER NOT NULL
        ) STRICT""",
        """CREATE TABLE market_agreements (
            id TEXT PRIMARY KEY,
            provider TEXT NOT NULL REFERENCES market_providers(id),
            compound TEXT NOT NULL REFERENCES compounds(id),
            starts_on TEXT NOT NULL,
            space TEXT REFERENCES resources(id),
            rent_fen INTEGER NOT NULL,
            share_hundredths INTEGER,
            fixed_fen INTEGER,
            earmark TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE market_orders (
            id TEXT PRIMARY KEY,
            service TEXT NOT NULL,
            provider TEXT NOT NULL,
            category TEXT NOT NULL,
            household TEXT NOT NULL,
            compound TEXT NOT NULL,
            units INTEGER NOT NULL,
            channel TEXT NOT NULL,
            placed_at TEXT NOT NULL,
            resident TEXT,
            state TEXT NOT NULL,
            accepted_at TEXT,
            started_at TEXT,
            completed_at TEXT,
            closed_at TEXT,
            period TEXT,
            price_fen INTEGER,
            subsidy_fen INTEGER,
            concession_fen INTEGER,
            resident_fen INTEGER,
            programme TEXT,
            tag TEXT,
            refund_fen INTEGER,
            stars INTEGER,
            comment TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX market_orders_by_period ON market_orders (period, provider)",
        "CREATE INDEX market_orders_by_provider ON market_orders (provider)",
        "CREATE INDEX market_orders_rated ON market_orders (stars) WHERE stars IS NOT NULL",
        "CREATE INDEX market_orders_by_programme ON market_orders (programme, period, resident)",
        """CREATE TABLE market_events (
            id TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            content TEXT NOT NULL
        ) STRICT, WITHOUT ROWID""",
        """CREATE TABLE market_settlements (
            provider TEXT NOT NULL,
            period TEXT NOT NULL,
            settled_at TEXT NOT NULL,
            figures TEXT NOT NULL,
            PRIMARY KEY (provider, period)
        ) STRICT""",
        *[
            f"CREATE TRIGGER market_{table}_append_only_{verb.lower()} BEFORE {verb} ON "
            f"market_{table} BEGIN SELECT RAISE(ABORT, 'commons: market_{table} are kept; "
            f"they cannot be {'changed' if verb == 'UPDATE' else 'deleted'}'); END"
            for table in ("events", "settlements") for verb in ("UPDATE", "DELETE")
        ],
    ),
    # Issue 18's benchmark: the marketplace's running subsidy use, in its own module.
    MARKET_USAGE,
    # Issue 19, volunteer points (嘉州积分): its SQL is in its own module.
    POINTS,
    (
        # The lots each redemption at a marketplace provider drew on, so that a refund of the
        # order gives the points back with the expiry days they were spent with.
        """CREATE TABLE points_draws (
            programme TEXT NOT NULL,
            redemption TEXT NOT NULL,
            lot INTEGER NOT NULL REFERENCES points_lots(id),
            points INTEGER NOT NULL CHECK (points > 0),
            PRIMARY KEY (programme, redemption, lot)
        ) STRICT""",
        # Subsidy use is kept as running figures (MARKET_USAGE), so no query reads this index
        # any more, and every order a feed writes paid for it: a tenth of writing the orders.
        "DROP INDEX IF EXISTS market_orders_by_programme",
    ),
]
