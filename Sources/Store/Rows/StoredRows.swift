import HotspotPayCore

/// The domain values as rows read them, written once for every backend (see ``ColumnReading``).
public enum StoredRows {
    public static func plan(_ row: some ColumnReading) throws -> Plan {
        Plan(
            id: row.id, name: LocalizedText(vi: try row.string("name_vi"), en: try row.string("name_en")),
            price: Money(dong: try row.int64("price_vnd")), durationSeconds: try row.int64("duration_seconds"),
            dataCapBytes: try row.optionalInt64("data_cap_bytes"), rateLimit: try row.rateLimit(),
            isActive: try row.bool("active"), displayOrder: try row.int("display_order"))
    }

    /// A router with its secrets opened; without the key the row cannot be read.
    public static func router(_ row: some ColumnReading, cipher: SecretCipher?) throws -> Router {
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "router", id: row.id) }
        let secret = try cipher.open(try row.string("secret_sealed"), entity: "router", id: row.id)
        var api: RouterAPI?
        if let url = try row.optionalString("api_url"),
            let sealedPassword = try row.optionalString("api_password_sealed")
        {
            api = RouterAPI(
                url: url, user: try row.optionalString("api_user") ?? "",
                password: Secret(try cipher.open(sealedPassword, entity: "router", id: row.id)),
                certificateSHA256: try row.optionalString("api_certificate_sha256"),
                plainHTTP: try row.bool("api_plain_http"))
        }
        return Router(
            id: row.id, name: try row.string("name"), nasIdentifier: try row.string("nas_identifier"),
            address: try row.parsed("address") { try IPAddress($0) }, secret: Secret(secret),
            coaPort: try row.int("coa_port"), strategy: try row.enumerated("strategy"),
            captiveAttributes: try row.attributes("captive_attributes"),
            paidAttributes: try row.attributes("paid_attributes"),
            requireMessageAuthenticator: try row.bool("require_message_authenticator"),
            hotspotAddress: try row.optionalString("hotspot_address"), api: api)
    }

    public static func transaction(_ row: some ColumnReading) throws -> Transaction {
        Transaction(
            id: row.id, orderCode: try row.parsed("order_code") { try OrderCode($0) },
            planID: try row.string("plan_id"), amount: Money(dong: try row.int64("amount_vnd")),
            mac: try row.parsed("mac") { try MACAddress($0) },
            clientIP: try row.optionalParsed("client_ip") { try IPAddress($0) },
            routerID: try row.string("router_id"), provider: ProviderID(rawValue: try row.string("provider")),
            status: try row.enumerated("status"),
            providerReference: try row.optionalString("provider_reference"),
            callbackToken: try row.parsed("callback_token") { text in
                guard let token = CallbackToken(hex: text) else { throw StoreError.notFound(entity: "token", id: "") }
                return token
            },
            loginSecret: try row.optionalParsed("login_secret") { try LoginSecret($0) },
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
            paidAt: try row.optionalDate("paid_at"), updatedAt: try row.date("updated_at"))
    }

    /// A grant; its purchases (`grant_transactions`, in order) are read separately.
    public static func grant(_ row: some ColumnReading, transactionIDs: [String]) throws -> Grant {
        Grant(
            id: row.id, mac: try row.parsed("mac") { try MACAddress($0) }, status: try row.enumerated("status"),
            startsAt: try row.date("starts_at"), validUntil: try row.date("valid_until"),
            rateLimit: try row.rateLimit(), dataRemainingBytes: try row.optionalInt64("data_remaining_bytes"),
            transactionIDs: transactionIDs, createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    public static func unlockJob(_ row: some ColumnReading) throws -> UnlockJob {
        UnlockJob(
            id: row.id, transactionID: try row.string("transaction_id"), grantID: try row.string("grant_id"),
            routerID: try row.string("router_id"), mac: try row.parsed("mac") { try MACAddress($0) },
            action: try row.enumerated("action"), status: try row.enumerated("status"),
            attempts: try row.int("attempts"), nextAttemptAt: try row.date("next_attempt_at"),
            lastError: try row.optionalString("last_error"),
            unlockedBy: try row.optionalParsed("unlocked_by") { text in
                guard let path = UnlockPath(rawValue: text) else {
                    throw StoreError.notFound(entity: "unlock path", id: text)
                }
                return path
            },
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    /// A RADIUS accounting session (keyed by its Acct-Session-Id).
    public static func session(_ row: some ColumnReading) throws -> RadiusSession {
        RadiusSession(
            routerID: try row.string("router_id"), acctSessionID: row.id,
            mac: try row.parsed("mac") { try MACAddress($0) }, userName: try row.string("user_name"),
            framedIP: try row.optionalParsed("framed_ip") { try IPAddress($0) },
            startedAt: try row.date("started_at"), updatedAt: try row.date("updated_at"),
            stoppedAt: try row.optionalDate("stopped_at"), inputBytes: try row.int64("input_bytes"),
            outputBytes: try row.int64("output_bytes"), sessionSeconds: try row.int64("session_seconds"),
            terminateCause: try row.optionalString("terminate_cause"))
    }

    /// An audit line (keyed by its sequence).
    public static func auditEvent(_ row: some ColumnReading) throws -> AuditEvent {
        AuditEvent(
            sequence: try row.int64("sequence"), at: try row.date("at"),
            kind: AuditKind(rawValue: try row.string("kind")),
            actor: try row.string("actor"), transactionID: try row.optionalString("transaction_id"),
            amount: try row.optionalInt64("amount_vnd").map(Money.init(dong:)), detail: try row.string("detail"))
    }

    public static func transactionSummary(_ row: some ColumnReading) throws -> WebhookEvent.TransactionSummary {
        WebhookEvent.TransactionSummary(
            id: try row.string("id"), orderCode: try row.string("order_code"), planID: try row.string("plan_id"),
            amountVND: try row.int64("amount_vnd"), mac: try row.string("mac"), routerID: try row.string("router_id"),
            provider: try row.string("provider"), status: try row.string("status"),
            providerReference: try row.optionalString("provider_reference"), createdAt: try row.date("created_at"),
            paidAt: try row.optionalDate("paid_at"))
    }

    public static func grantSummary(_ row: some ColumnReading) throws -> WebhookEvent.GrantSummary {
        WebhookEvent.GrantSummary(
            id: try row.string("id"), mac: try row.string("mac"), status: try row.string("status"),
            startsAt: try row.date("starts_at"), validUntil: try row.date("valid_until"),
            dataRemainingBytes: try row.optionalInt64("data_remaining_bytes"))
    }

    /// Money received that could not be applied to its order.
    public static func unappliedPayment(_ row: some ColumnReading) throws -> UnappliedPayment {
        UnappliedPayment(
            id: row.id, transactionID: try row.string("transaction_id"),
            provider: ProviderID(rawValue: try row.string("provider")),
            providerReference: try row.string("provider_reference"), amount: Money(dong: try row.int64("amount_vnd")),
            kind: try row.enumerated("kind"), detail: try row.string("detail"), receivedAt: try row.date("received_at"),
            refundRequestedAt: try row.optionalDate("refund_requested_at"),
            resolution: try row.optionalParsed("resolution") { text in
                guard let resolution = UnappliedPayment.Resolution(rawValue: text) else {
                    throw StoreError.notFound(entity: "resolution", id: text)
                }
                return resolution
            },
            note: try row.optionalString("note"), resolvedBy: try row.optionalString("resolved_by"),
            resolvedAt: try row.optionalDate("resolved_at"))
    }
}
