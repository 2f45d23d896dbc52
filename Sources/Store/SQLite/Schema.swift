import GRDB
import HotspotPayCore

/// The versioned schema. Migrations are append-only: never edit one that has shipped.
enum Schema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial", migrate: v1)
        migrator.registerMigration("v2-login-secret", migrate: v2)
        migrator.registerMigration("v3-checkout-pages", migrate: v3)
        migrator.registerMigration("v4-operator-console", migrate: v4)
        migrator.registerMigration("v5-metrics-index", migrate: v5)
        migrator.registerMigration("v6-buyers-and-hotspot-address", migrate: v6)
        migrator.registerMigration("v7-unapplied-money", migrate: v7)
        migrator.registerMigration("v8-refund-notes", migrate: v8)
        migrator.registerMigration("v9-router-api-and-unlock-paths", migrate: v9)
        migrator.registerMigration("v10-idempotency-keys", migrate: v10)
        migrator.registerMigration("v11-staff-roles", migrate: v11)
        migrator.registerMigration("v12-vouchers", migrate: v12)
        migrator.registerMigration("v13-grant-moves", migrate: v13)
        migrator.registerMigration("v14-webhooks", migrate: v14)
        migrator.registerMigration("v15-provider-credentials", migrate: v15)
        migrator.registerMigration("v16-throttle-windows", migrate: v16)
        migrator.registerMigration("v17-receipts-and-give-aways", migrate: v17)
        migrator.registerMigration("v18-unlock-confirmation", migrate: v18)
        return migrator
    }()

    // Times are integer milliseconds since 1970 (UTC): cheap to index and compare.
    // Money is integer đồng.
    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE plans (
                    id TEXT PRIMARY KEY NOT NULL,
                    name_vi TEXT NOT NULL,
                    name_en TEXT NOT NULL,
                    price_vnd INTEGER NOT NULL CHECK (price_vnd > 0),
                    duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
                    data_cap_bytes INTEGER CHECK (data_cap_bytes IS NULL OR data_cap_bytes > 0),
                    download_bps INTEGER,
                    upload_bps INTEGER,
                    active INTEGER NOT NULL DEFAULT 1,
                    display_order INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE routers (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    nas_identifier TEXT NOT NULL,
                    address TEXT NOT NULL UNIQUE,
                    secret_sealed TEXT NOT NULL,
                    coa_port INTEGER NOT NULL,
                    strategy TEXT NOT NULL CHECK (strategy IN ('coa', 'login')),
                    captive_attributes TEXT NOT NULL DEFAULT '[]',
                    paid_attributes TEXT NOT NULL DEFAULT '[]',
                    require_message_authenticator INTEGER NOT NULL DEFAULT 1,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                -- router_id is not a foreign key: removing a router keeps its sales history.
                CREATE TABLE transactions (
                    id TEXT PRIMARY KEY NOT NULL,
                    order_code TEXT NOT NULL UNIQUE,
                    plan_id TEXT NOT NULL REFERENCES plans(id),
                    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0),
                    mac TEXT NOT NULL,
                    client_ip TEXT,
                    router_id TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    status TEXT NOT NULL
                        CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded')),
                    provider_reference TEXT,
                    callback_token TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    paid_at INTEGER,
                    updated_at INTEGER NOT NULL
                );
                -- One provider payment can pay one transaction only (NULLs do not collide).
                CREATE UNIQUE INDEX transactions_provider_reference ON transactions(provider, provider_reference);
                -- The sweeper: pending transactions past expiry.
                CREATE INDEX transactions_status_expires ON transactions(status, expires_at);
                -- Resuming by MAC when the captive browser comes back.
                CREATE INDEX transactions_mac_created ON transactions(mac, created_at);
                CREATE INDEX transactions_created ON transactions(created_at);

                CREATE TABLE grants (
                    id TEXT PRIMARY KEY NOT NULL,
                    mac TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'ended', 'revoked')),
                    starts_at INTEGER NOT NULL,
                    valid_until INTEGER NOT NULL,
                    download_bps INTEGER,
                    upload_bps INTEGER,
                    data_remaining_bytes INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                -- At most one active grant per device: concurrent first purchases cannot both create one.
                CREATE UNIQUE INDEX grants_one_active_per_mac ON grants(mac) WHERE status = 'active';
                -- The sweeper: active grants past their end.
                CREATE INDEX grants_status_valid_until ON grants(status, valid_until);

                CREATE TABLE grant_transactions (
                    grant_id TEXT NOT NULL REFERENCES grants(id),
                    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
                    position INTEGER NOT NULL,
                    PRIMARY KEY (grant_id, transaction_id)
                );

                CREATE TABLE unlock_jobs (
                    id TEXT PRIMARY KEY NOT NULL,
                    transaction_id TEXT REFERENCES transactions(id),
                    grant_id TEXT REFERENCES grants(id),
                    router_id TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('coa', 'disconnect')),
                    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'acked', 'nak', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                -- The unlock worker: queued jobs that are due.
                CREATE INDEX unlock_jobs_status_next ON unlock_jobs(status, next_attempt_at);
                CREATE INDEX unlock_jobs_transaction ON unlock_jobs(transaction_id);

                CREATE TABLE radius_sessions (
                    router_id TEXT NOT NULL,
                    acct_session_id TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    user_name TEXT NOT NULL,
                    framed_ip TEXT,
                    started_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    stopped_at INTEGER,
                    input_bytes INTEGER NOT NULL DEFAULT 0,
                    output_bytes INTEGER NOT NULL DEFAULT 0,
                    session_seconds INTEGER NOT NULL DEFAULT 0,
                    terminate_cause TEXT,
                    PRIMARY KEY (router_id, acct_session_id)
                );
                CREATE INDEX radius_sessions_mac_open ON radius_sessions(mac, stopped_at);

                CREATE TABLE audit_events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    transaction_id TEXT,
                    amount_vnd INTEGER,
                    detail TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX audit_events_transaction ON audit_events(transaction_id);
                CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
                CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
                """)
    }

    /// The `login` strategy's per-transaction password. Kept in clear because CHAP needs it;
    /// it opens nothing without a paid grant for the same MAC.
    private static func v2(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE transactions ADD COLUMN login_secret TEXT")
    }

    /// What the guest's pay page needs after the first request: the provider's payment request
    /// (so a reopened portal shows the same QR) and the router's login context (`login` strategy).
    private static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE payment_requests (
                    transaction_id TEXT PRIMARY KEY NOT NULL REFERENCES transactions(id),
                    qr_payload TEXT,
                    pay_url TEXT,
                    deeplink TEXT,
                    provider_order_id TEXT NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE TABLE hotspot_logins (
                    transaction_id TEXT PRIMARY KEY NOT NULL REFERENCES transactions(id),
                    login_url TEXT NOT NULL,
                    original_url TEXT,
                    chap_id TEXT,
                    chap_challenge TEXT,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX radius_sessions_framed_ip_open ON radius_sessions(framed_ip, stopped_at);
                """)
    }

    /// The operator console: operators (crypt(3) password hashes), their login sessions and API
    /// tokens (SHA-256 of the token only), refunds, and indexes for the reports.
    private static func v4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE operators (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE login_sessions (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    operator_id TEXT NOT NULL REFERENCES operators(id),
                    csrf_token TEXT NOT NULL,
                    address TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX login_sessions_operator ON login_sessions(operator_id);
                CREATE TABLE api_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    operator_id TEXT NOT NULL REFERENCES operators(id),
                    name TEXT NOT NULL,
                    prefix TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE refunds (
                    id TEXT PRIMARY KEY NOT NULL,
                    transaction_id TEXT NOT NULL REFERENCES transactions(id),
                    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0),
                    reason TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
                    provider_reference TEXT,
                    failure TEXT,
                    actor TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX refunds_transaction ON refunds(transaction_id);
                -- The revenue report and the dashboard count sales by the time they were paid.
                CREATE INDEX transactions_paid ON transactions(paid_at) WHERE paid_at IS NOT NULL;
                CREATE INDEX grants_transaction ON grant_transactions(transaction_id);
                CREATE INDEX radius_sessions_open ON radius_sessions(stopped_at, updated_at);
                """)
    }

    /// `/metrics` counts transactions by status and provider on every scrape: from this index
    /// instead of the table.
    private static func v5(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX transactions_status_provider ON transactions(status, provider)")
    }

    /// The browsers proven to be a purchase's buyer (SHA-256 of their `hp_browser` cookie): they
    /// alone see a paid purchase's details and may change its login context. And each router's
    /// hotspot address, which a login URL must point at.
    private static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE buyer_browsers (
                    transaction_id TEXT NOT NULL REFERENCES transactions(id),
                    browser_digest TEXT NOT NULL,
                    added_at INTEGER NOT NULL,
                    PRIMARY KEY (transaction_id, browser_digest)
                ) WITHOUT ROWID;
                ALTER TABLE routers ADD COLUMN hotspot_address TEXT;
                """)
    }

    /// Money received without access, and `needs_review` as a transaction status. SQLite cannot
    /// change a CHECK constraint, so the table is rebuilt as its manual prescribes: same columns
    /// and indexes, new constraint (GRDB runs migrations with foreign keys deferred).
    private static func v7(_ db: Database) throws {
        try rebuild(
            db, table: "transactions", replacing: "'cancelled', 'refunded')",
            with: "'cancelled', 'refunded', 'needs_review')")
        try db.execute(
            sql: """
                CREATE TABLE unapplied_payments (
                    id TEXT PRIMARY KEY NOT NULL,
                    transaction_id TEXT NOT NULL REFERENCES transactions(id),
                    provider TEXT NOT NULL,
                    provider_reference TEXT NOT NULL,
                    amount_vnd INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('duplicate', 'unapplied', 'mismatch')),
                    detail TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    refund_requested_at INTEGER,
                    resolution TEXT CHECK (resolution IS NULL OR resolution IN ('refunded', 'granted', 'dismissed')),
                    note TEXT,
                    resolved_by TEXT,
                    resolved_at INTEGER,
                    -- A provider delivering the same payment again records nothing new.
                    UNIQUE (provider, provider_reference)
                );
                -- The dashboard's list: open ones, newest first.
                CREATE INDEX unapplied_payments_open ON unapplied_payments(resolved_at, received_at);
                CREATE INDEX unapplied_payments_transaction ON unapplied_payments(transaction_id);
                """)
    }

    /// What is known of a refund whose outcome the provider left unknown.
    private static func v8(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE refunds ADD COLUMN note TEXT")
    }

    /// The routers' REST API (server-side login) and `login` unlock jobs with the path that
    /// brought each device online. SQLite cannot widen a CHECK, so unlock_jobs is rebuilt.
    private static func v9(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE routers ADD COLUMN api_url TEXT;
                ALTER TABLE routers ADD COLUMN api_user TEXT;
                ALTER TABLE routers ADD COLUMN api_password_sealed TEXT;
                ALTER TABLE routers ADD COLUMN api_certificate_sha256 TEXT;
                ALTER TABLE routers ADD COLUMN api_plain_http INTEGER NOT NULL DEFAULT 0;

                CREATE TABLE unlock_jobs_v9 (
                    id TEXT PRIMARY KEY NOT NULL,
                    transaction_id TEXT REFERENCES transactions(id),
                    grant_id TEXT REFERENCES grants(id),
                    router_id TEXT NOT NULL,
                    mac TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('coa', 'disconnect', 'login')),
                    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'acked', 'nak', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    unlocked_by TEXT
                        CHECK (unlocked_by IS NULL OR unlocked_by IN ('browser', 'api', 'mac-retry', 'coa', 'disconnect')),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                INSERT INTO unlock_jobs_v9 (id, transaction_id, grant_id, router_id, mac, action, status, attempts,
                    next_attempt_at, last_error, unlocked_by, created_at, updated_at)
                SELECT id, transaction_id, grant_id, router_id, mac, action, status, attempts, next_attempt_at, last_error,
                    CASE WHEN status = 'acked' THEN action END, created_at, updated_at
                FROM unlock_jobs;
                DROP TABLE unlock_jobs;
                ALTER TABLE unlock_jobs_v9 RENAME TO unlock_jobs;
                CREATE INDEX unlock_jobs_status_next ON unlock_jobs(status, next_attempt_at);
                CREATE INDEX unlock_jobs_transaction ON unlock_jobs(transaction_id);
                -- An Accounting-Start settling the device's open jobs.
                CREATE INDEX unlock_jobs_mac_status ON unlock_jobs(mac, status);
                """)
    }

    /// Idempotency-Key answers, kept a day.
    private static func v10(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_digest TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    status INTEGER,
                    content_type TEXT,
                    body BLOB,
                    PRIMARY KEY (scope, key)
                );
                CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
                """)
    }

    /// Staff roles: everyone who could sign in before keeps everything.
    private static func v11(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'
                    CHECK (role IN ('owner', 'manager', 'cashier'));
                """)
    }

    /// Voucher batches, their codes (kept readable: they are reprinted and exported) and which
    /// device each code unlocked (one row per code and device: the count's witness).
    private static func v12(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE voucher_batches (
                    id TEXT PRIMARY KEY,
                    plan_id TEXT NOT NULL,
                    count INTEGER NOT NULL CHECK (count > 0),
                    valid_until INTEGER NOT NULL,
                    price INTEGER NOT NULL CHECK (price >= 0),
                    devices_per_code INTEGER NOT NULL CHECK (devices_per_code > 0),
                    note TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE vouchers (
                    code TEXT PRIMARY KEY,
                    batch_id TEXT NOT NULL REFERENCES voucher_batches(id),
                    position INTEGER NOT NULL,
                    redemptions INTEGER NOT NULL DEFAULT 0 CHECK (redemptions >= 0)
                );
                CREATE INDEX vouchers_batch ON vouchers(batch_id, position);
                CREATE TABLE voucher_redemptions (
                    code TEXT NOT NULL REFERENCES vouchers(code),
                    mac TEXT NOT NULL,
                    transaction_id TEXT NOT NULL REFERENCES transactions(id),
                    at INTEGER NOT NULL,
                    PRIMARY KEY (code, mac)
                );
                """)
    }

    /// How often each pass has moved to its guest's new MAC.
    private static func v13(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE grants ADD COLUMN moves INTEGER NOT NULL DEFAULT 0")
    }

    /// Outbound webhooks: endpoints (secret sealed), the outbox of events written in the
    /// transaction of the change they report, one delivery per event and endpoint, and each
    /// attempt for the delivery log.
    private static func v14(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE webhook_endpoints (
                    id TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    secret_sealed TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    enabled INTEGER NOT NULL DEFAULT 1,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE webhook_events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    transaction_id TEXT,
                    body TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE webhook_deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_sequence INTEGER NOT NULL REFERENCES webhook_events(sequence),
                    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
                    transaction_id TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    -- attempts made before the last "send again": the retry schedule counts from here.
                    round_start INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    claimed_until INTEGER,
                    last_status_code INTEGER,
                    last_error TEXT,
                    delivered_at INTEGER,
                    created_at INTEGER NOT NULL,
                    UNIQUE (event_sequence, endpoint_id)
                );
                -- The sender: pending deliveries that are due.
                CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
                -- Order per sale: an earlier pending delivery about the same sale holds a later one back.
                CREATE INDEX webhook_deliveries_sale ON webhook_deliveries(endpoint_id, transaction_id, id)
                    WHERE status = 'pending';
                CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
                CREATE TABLE webhook_attempts (
                    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
                    number INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    status_code INTEGER,
                    latency_ms INTEGER NOT NULL,
                    response_excerpt TEXT NOT NULL,
                    error TEXT,
                    PRIMARY KEY (delivery_id, number)
                );
                """)
    }

    /// Payment providers' credentials entered in the console, each value sealed; the config file
    /// and the environment win over them.
    private static func v15(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE provider_credentials (
                    provider TEXT NOT NULL,
                    field TEXT NOT NULL,
                    value_sealed TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NOT NULL,
                    PRIMARY KEY (provider, field)
                );
                """)
    }

    /// Attempt counts the nodes share (several nodes on one database count one limit together).
    private static func v16(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE throttle_windows (
                    key TEXT PRIMARY KEY NOT NULL,
                    window_start INTEGER NOT NULL,
                    count INTEGER NOT NULL
                );
                CREATE INDEX throttle_windows_start ON throttle_windows(window_start);
                """)
    }

    /// Receipt codes (the buyer's secret that moves a pass) are found by their digest, and a
    /// give-away voucher's sale costs 0 đồng. SQLite cannot change a CHECK constraint, so the
    /// table is rebuilt as in v7; purchases made before get their receipt digest here.
    private static func v17(_ db: Database) throws {
        try rebuild(db, table: "transactions", replacing: "CHECK (amount_vnd > 0)", with: "CHECK (amount_vnd >= 0)")
        try db.execute(sql: "ALTER TABLE transactions ADD COLUMN receipt_digest TEXT")
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM transactions")
        let update = try db.makeStatement(sql: "UPDATE transactions SET receipt_digest = ? WHERE id = ?")
        for row in rows {
            let sale = try SQLiteStore.transaction(row)
            try update.execute(arguments: [ReceiptCode(of: sale).digest, sale.id])
        }
        try db.execute(sql: "CREATE UNIQUE INDEX transactions_receipt ON transactions(receipt_digest)")
    }

    /// An unlock is done only when the router's own state shows the device online: jobs the router
    /// acknowledged wait in `confirming`, and those its state never confirmed end `unconfirmed`.
    private static func v18(_ db: Database) throws {
        try rebuild(
            db, table: "unlock_jobs", replacing: "CHECK (status IN ('queued', 'sent', 'acked', 'nak', 'failed'))",
            with: "CHECK (status IN ('queued', 'sent', 'confirming', 'acked', 'nak', 'failed', 'unconfirmed'))")
    }

    /// SQLite cannot change a CHECK constraint, so a table is rebuilt as its manual prescribes:
    /// the same columns and indexes, `old` replaced by `new` in its definition (GRDB runs
    /// migrations with foreign keys deferred).
    private static func rebuild(_ db: Database, table: String, replacing old: String, with new: String) throws {
        guard
            let create = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw StoreError.unavailable(path: db.description, reason: "no \(table) table to migrate") }
        guard create.contains(old) else {
            throw StoreError.unavailable(path: db.description, reason: "unexpected \(table) table: \(create)")
        }
        let indexes = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            arguments: [table])
        // After a rename SQLite keeps the name quoted: `CREATE TABLE "transactions"`.
        let rebuilt = create.replacingOccurrences(of: old, with: new)
            .replacingOccurrences(of: "CREATE TABLE \"\(table)\"", with: "CREATE TABLE \(table)_rebuilt")
            .replacingOccurrences(of: "CREATE TABLE \(table) ", with: "CREATE TABLE \(table)_rebuilt ")
            .replacingOccurrences(of: "CREATE TABLE \(table)(", with: "CREATE TABLE \(table)_rebuilt(")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO \(table)_rebuilt SELECT * FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(table)_rebuilt RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
    }
}
