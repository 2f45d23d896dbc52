/// The schema on PostgreSQL: versioned migrations like the SQLite store's, applied in order, each
/// recorded in `schema_migrations`, all under one advisory lock so that nodes starting together
/// apply each step once. The baseline is the SQLite schema at its v15, in PostgreSQL's types
/// (`BIGINT` times in epoch milliseconds and money in đồng as on SQLite, `BOOLEAN` flags,
/// identity columns); `PostgresSchemaTests` keeps the two schemas' tables and columns in step.
/// Append-only: never edit a migration that has shipped.
enum PostgresSchema {
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "v15-baseline", statements: baseline),
        Migration(name: "v16-access-notify", statements: accessNotify),
        Migration(
            name: "v17-throttle-windows",
            statements: [
                """
                CREATE TABLE throttle_windows (
                    key TEXT PRIMARY KEY NOT NULL,
                    window_start BIGINT NOT NULL,
                    count BIGINT NOT NULL
                )
                """,
                "CREATE INDEX throttle_windows_start ON throttle_windows(window_start)",
            ]),
        // Receipt codes found by their digest (purchases made before get theirs from
        // `PostgresStore.migrate`, which knows how a code is derived), and 0-đồng give-away sales.
        Migration(
            name: receiptMigration,
            statements: [
                "ALTER TABLE transactions ADD COLUMN receipt_digest TEXT",
                "CREATE UNIQUE INDEX transactions_receipt ON transactions(receipt_digest)",
                "ALTER TABLE transactions DROP CONSTRAINT transactions_amount_vnd_check",
                "ALTER TABLE transactions ADD CONSTRAINT transactions_amount_vnd_check CHECK (amount_vnd >= 0)",
            ]),
        // An unlock is done only when the router's own state shows the device online.
        Migration(
            name: "v19-unlock-confirmation",
            statements: [
                "ALTER TABLE unlock_jobs DROP CONSTRAINT unlock_jobs_status_check",
                """
                ALTER TABLE unlock_jobs ADD CONSTRAINT unlock_jobs_status_check
                    CHECK (status IN ('queued', 'sent', 'confirming', 'acked', 'nak', 'failed', 'unconfirmed'))
                """,
            ]),
    ]

    static let receiptMigration = "v18-receipts-and-give-aways"

    /// The channel every node's access view listens on (``PostgresAccessView``).
    static let accessChannel = "hotspotpay_access"

    /// One advisory lock key for migrating (`pg_advisory_lock`): "hotspotpay" in ASCII, truncated.
    static let lockKey: Int64 = 0x686F_7473_706F_7470

    static let baseline: [String] = [
        """
        CREATE TABLE plans (
            id TEXT PRIMARY KEY NOT NULL,
            name_vi TEXT NOT NULL,
            name_en TEXT NOT NULL,
            price_vnd BIGINT NOT NULL CHECK (price_vnd > 0),
            duration_seconds BIGINT NOT NULL CHECK (duration_seconds > 0),
            data_cap_bytes BIGINT CHECK (data_cap_bytes IS NULL OR data_cap_bytes > 0),
            download_bps BIGINT,
            upload_bps BIGINT,
            active BOOLEAN NOT NULL DEFAULT TRUE,
            display_order BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE routers (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            nas_identifier TEXT NOT NULL,
            address TEXT NOT NULL UNIQUE,
            secret_sealed TEXT NOT NULL,
            coa_port BIGINT NOT NULL,
            strategy TEXT NOT NULL CHECK (strategy IN ('coa', 'login')),
            captive_attributes TEXT NOT NULL DEFAULT '[]',
            paid_attributes TEXT NOT NULL DEFAULT '[]',
            require_message_authenticator BOOLEAN NOT NULL DEFAULT TRUE,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            hotspot_address TEXT, api_url TEXT, api_user TEXT, api_password_sealed TEXT, api_certificate_sha256 TEXT, api_plain_http BOOLEAN NOT NULL DEFAULT FALSE)
        """,
        """
        CREATE TABLE "transactions" (
            id TEXT PRIMARY KEY NOT NULL,
            order_code TEXT NOT NULL UNIQUE,
            plan_id TEXT NOT NULL REFERENCES plans(id),
            amount_vnd BIGINT NOT NULL CHECK (amount_vnd > 0),
            mac TEXT NOT NULL,
            client_ip TEXT,
            router_id TEXT NOT NULL,
            provider TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded', 'needs_review')),
            provider_reference TEXT,
            callback_token TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            paid_at BIGINT,
            updated_at BIGINT NOT NULL,
            login_secret TEXT)
        """,
        """
        CREATE UNIQUE INDEX transactions_provider_reference ON transactions(provider, provider_reference)
        """,
        """
        CREATE INDEX transactions_status_expires ON transactions(status, expires_at)
        """,
        """
        CREATE INDEX transactions_mac_created ON transactions(mac, created_at)
        """,
        """
        CREATE INDEX transactions_created ON transactions(created_at)
        """,
        """
        CREATE INDEX transactions_paid ON transactions(paid_at) WHERE paid_at IS NOT NULL
        """,
        """
        CREATE INDEX transactions_status_provider ON transactions(status, provider)
        """,
        """
        CREATE TABLE grants (
            id TEXT PRIMARY KEY NOT NULL,
            mac TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'ended', 'revoked')),
            starts_at BIGINT NOT NULL,
            valid_until BIGINT NOT NULL,
            download_bps BIGINT,
            upload_bps BIGINT,
            data_remaining_bytes BIGINT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            moves BIGINT NOT NULL DEFAULT 0)
        """,
        """
        CREATE UNIQUE INDEX grants_one_active_per_mac ON grants(mac) WHERE status = 'active'
        """,
        """
        CREATE INDEX grants_status_valid_until ON grants(status, valid_until)
        """,
        """
        CREATE TABLE grant_transactions (
            grant_id TEXT NOT NULL REFERENCES grants(id),
            transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
            position BIGINT NOT NULL,
            PRIMARY KEY (grant_id, transaction_id)
        )
        """,
        """
        CREATE INDEX grants_transaction ON grant_transactions(transaction_id)
        """,
        """
        CREATE TABLE "unlock_jobs" (
            id TEXT PRIMARY KEY NOT NULL,
            transaction_id TEXT REFERENCES transactions(id),
            grant_id TEXT REFERENCES grants(id),
            router_id TEXT NOT NULL,
            mac TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('coa', 'disconnect', 'login')),
            status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'acked', 'nak', 'failed')),
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            last_error TEXT,
            unlocked_by TEXT
                CHECK (unlocked_by IS NULL OR unlocked_by IN ('browser', 'api', 'mac-retry', 'coa', 'disconnect')),
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE INDEX unlock_jobs_status_next ON unlock_jobs(status, next_attempt_at)
        """,
        """
        CREATE INDEX unlock_jobs_transaction ON unlock_jobs(transaction_id)
        """,
        """
        CREATE INDEX unlock_jobs_mac_status ON unlock_jobs(mac, status)
        """,
        """
        CREATE TABLE radius_sessions (
            router_id TEXT NOT NULL,
            acct_session_id TEXT NOT NULL,
            mac TEXT NOT NULL,
            user_name TEXT NOT NULL,
            framed_ip TEXT,
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            stopped_at BIGINT,
            input_bytes BIGINT NOT NULL DEFAULT 0,
            output_bytes BIGINT NOT NULL DEFAULT 0,
            session_seconds BIGINT NOT NULL DEFAULT 0,
            terminate_cause TEXT,
            PRIMARY KEY (router_id, acct_session_id)
        )
        """,
        """
        CREATE INDEX radius_sessions_mac_open ON radius_sessions(mac, stopped_at)
        """,
        """
        CREATE INDEX radius_sessions_framed_ip_open ON radius_sessions(framed_ip, stopped_at)
        """,
        """
        CREATE INDEX radius_sessions_open ON radius_sessions(stopped_at, updated_at)
        """,
        """
        CREATE TABLE audit_events (
            sequence BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            transaction_id TEXT,
            amount_vnd BIGINT,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        """
        CREATE INDEX audit_events_transaction ON audit_events(transaction_id)
        """,
        """
        CREATE TABLE payment_requests (
            transaction_id TEXT PRIMARY KEY NOT NULL REFERENCES transactions(id),
            qr_payload TEXT,
            pay_url TEXT,
            deeplink TEXT,
            provider_order_id TEXT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE hotspot_logins (
            transaction_id TEXT PRIMARY KEY NOT NULL REFERENCES transactions(id),
            login_url TEXT NOT NULL,
            original_url TEXT,
            chap_id TEXT,
            chap_challenge TEXT,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE operators (
            id TEXT PRIMARY KEY NOT NULL,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled BOOLEAN NOT NULL DEFAULT FALSE,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            role TEXT NOT NULL DEFAULT 'owner'
            CHECK (role IN ('owner', 'manager', 'cashier')))
        """,
        """
        CREATE TABLE login_sessions (
            token_hash TEXT PRIMARY KEY NOT NULL,
            operator_id TEXT NOT NULL REFERENCES operators(id),
            csrf_token TEXT NOT NULL,
            address TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        """
        CREATE INDEX login_sessions_operator ON login_sessions(operator_id)
        """,
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY NOT NULL,
            operator_id TEXT NOT NULL REFERENCES operators(id),
            name TEXT NOT NULL,
            prefix TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT
        )
        """,
        """
        CREATE TABLE refunds (
            id TEXT PRIMARY KEY NOT NULL,
            transaction_id TEXT NOT NULL REFERENCES transactions(id),
            amount_vnd BIGINT NOT NULL CHECK (amount_vnd > 0),
            reason TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
            provider_reference TEXT,
            failure TEXT,
            actor TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            note TEXT)
        """,
        """
        CREATE INDEX refunds_transaction ON refunds(transaction_id)
        """,
        """
        CREATE TABLE buyer_browsers (
            transaction_id TEXT NOT NULL REFERENCES transactions(id),
            browser_digest TEXT NOT NULL,
            added_at BIGINT NOT NULL,
            PRIMARY KEY (transaction_id, browser_digest)
        )
        """,
        """
        CREATE TABLE unapplied_payments (
            id TEXT PRIMARY KEY NOT NULL,
            transaction_id TEXT NOT NULL REFERENCES transactions(id),
            provider TEXT NOT NULL,
            provider_reference TEXT NOT NULL,
            amount_vnd BIGINT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('duplicate', 'unapplied', 'mismatch')),
            detail TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            refund_requested_at BIGINT,
            resolution TEXT CHECK (resolution IS NULL OR resolution IN ('refunded', 'granted', 'dismissed')),
            note TEXT,
            resolved_by TEXT,
            resolved_at BIGINT,
            UNIQUE (provider, provider_reference)
        )
        """,
        """
        CREATE INDEX unapplied_payments_open ON unapplied_payments(resolved_at, received_at)
        """,
        """
        CREATE INDEX unapplied_payments_transaction ON unapplied_payments(transaction_id)
        """,
        """
        CREATE TABLE idempotency_keys (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            request_digest TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            status BIGINT,
            content_type TEXT,
            body BYTEA,
            PRIMARY KEY (scope, key)
        )
        """,
        """
        CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at)
        """,
        """
        CREATE TABLE voucher_batches (
            id TEXT PRIMARY KEY,
            plan_id TEXT NOT NULL,
            count BIGINT NOT NULL CHECK (count > 0),
            valid_until BIGINT NOT NULL,
            price BIGINT NOT NULL CHECK (price >= 0),
            devices_per_code BIGINT NOT NULL CHECK (devices_per_code > 0),
            note TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            revoked_at BIGINT
        )
        """,
        """
        CREATE TABLE vouchers (
            code TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES voucher_batches(id),
            position BIGINT NOT NULL,
            redemptions BIGINT NOT NULL DEFAULT 0 CHECK (redemptions >= 0)
        )
        """,
        """
        CREATE INDEX vouchers_batch ON vouchers(batch_id, position)
        """,
        """
        CREATE TABLE voucher_redemptions (
            code TEXT NOT NULL REFERENCES vouchers(code),
            mac TEXT NOT NULL,
            transaction_id TEXT NOT NULL REFERENCES transactions(id),
            at BIGINT NOT NULL,
            PRIMARY KEY (code, mac)
        )
        """,
        """
        CREATE TABLE webhook_endpoints (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret_sealed TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            enabled BOOLEAN NOT NULL DEFAULT TRUE,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_events (
            sequence BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            transaction_id TEXT,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_deliveries (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            event_sequence BIGINT NOT NULL REFERENCES webhook_events(sequence),
            endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
            transaction_id TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
            attempts BIGINT NOT NULL DEFAULT 0,
            round_start BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            claimed_until BIGINT,
            last_status_code BIGINT,
            last_error TEXT,
            delivered_at BIGINT,
            created_at BIGINT NOT NULL,
            UNIQUE (event_sequence, endpoint_id)
        )
        """,
        """
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'
        """,
        """
        CREATE INDEX webhook_deliveries_sale ON webhook_deliveries(endpoint_id, transaction_id, id)
            WHERE status = 'pending'
        """,
        """
        CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id)
        """,
        """
        CREATE TABLE webhook_attempts (
            delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id),
            number BIGINT NOT NULL,
            at BIGINT NOT NULL,
            status_code BIGINT,
            latency_ms BIGINT NOT NULL,
            response_excerpt TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY (delivery_id, number)
        )
        """,
        """
        CREATE TABLE provider_credentials (
            provider TEXT NOT NULL,
            field TEXT NOT NULL,
            value_sealed TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            updated_by TEXT NOT NULL,
            PRIMARY KEY (provider, field)
        )
        """,
        """
        CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only';
        END
        $$
        """,
        """
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
        """,
        """
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
        """,
    ]

    /// Each node answers Access-Requests from memory; these triggers tell every node, at commit,
    /// which device's grant changed (`g:<MAC>`: a grant started, extended, ended, moved, its data
    /// used, a purchase added with its login secret) or that the routers changed (`r`).
    static let accessNotify: [String] = [
        """
        CREATE FUNCTION notify_access_grant() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('\(accessChannel)', 'g:' || NEW.mac);
            IF TG_OP = 'UPDATE' AND OLD.mac <> NEW.mac THEN
                PERFORM pg_notify('\(accessChannel)', 'g:' || OLD.mac);
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER grants_notify_access AFTER INSERT OR UPDATE ON grants
            FOR EACH ROW EXECUTE FUNCTION notify_access_grant()
        """,
        """
        CREATE FUNCTION notify_access_purchase() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('\(accessChannel)', 'g:' || (SELECT mac FROM grants WHERE id = NEW.grant_id));
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER grant_transactions_notify_access AFTER INSERT ON grant_transactions
            FOR EACH ROW EXECUTE FUNCTION notify_access_purchase()
        """,
        """
        CREATE FUNCTION notify_access_routers() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('\(accessChannel)', 'r');
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER routers_notify_access AFTER INSERT OR UPDATE OR DELETE ON routers
            FOR EACH STATEMENT EXECUTE FUNCTION notify_access_routers()
        """,
    ]
}
