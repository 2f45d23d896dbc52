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

    public static func refund(_ row: some ColumnReading) throws -> Refund {
        Refund(
            id: row.id, transactionID: try row.string("transaction_id"),
            amount: Money(dong: try row.int64("amount_vnd")),
            reason: try row.string("reason"), status: try row.enumerated("status"),
            providerReference: try row.optionalString("provider_reference"), failure: try row.optionalString("failure"),
            note: try row.optionalString("note"), actor: try row.string("actor"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    public static func voucherBatch(_ row: some ColumnReading) throws -> VoucherBatch {
        VoucherBatch(
            id: row.id, planID: try row.string("plan_id"), count: try row.int("count"),
            validUntil: try row.date("valid_until"), price: Money(dong: try row.int64("price")),
            devicesPerCode: try row.int("devices_per_code"), note: try row.string("note"),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
            revokedAt: try row.optionalDate("revoked_at"))
    }

    /// A voucher code (the row's key is its code).
    public static func voucher(_ row: some ColumnReading) throws -> Voucher {
        Voucher(
            code: try row.parsed("code") { try VoucherCode($0) }, batchID: try row.string("batch_id"),
            redemptions: try row.int("redemptions"))
    }

    public static func staff(_ row: some ColumnReading) throws -> Operator {
        Operator(
            id: try row.string("id"), username: try row.string("username"), displayName: try row.string("display_name"),
            isDisabled: try row.bool("disabled"), createdAt: try row.date("created_at"),
            role: try row.parsed("role") { text in
                guard let role = StaffRole(rawValue: text) else { throw UnknownRole(text: text) }
                return role
            })
    }

    /// An API token; `idColumn` and `createdColumn` name its columns where a join renamed them.
    public static func apiToken(
        _ row: some ColumnReading, idColumn: String = "id", createdColumn: String = "created_at"
    )
        throws -> APIToken
    {
        APIToken(
            id: try row.string(idColumn), operatorID: try row.string("operator_id"), name: try row.string("name"),
            prefix: try row.string("prefix"), createdAt: try row.date(createdColumn),
            revokedAt: try row.optionalDate("revoked_at"))
    }

    /// A signed-in console session (joined with its operator, so its creation time is renamed).
    public static func operatorSession(_ row: some ColumnReading) throws -> OperatorSession {
        OperatorSession(
            tokenHash: try row.string("token_hash"), operatorID: try row.string("operator_id"),
            csrfToken: try row.string("csrf_token"), createdAt: try row.date("session_created"),
            expiresAt: try row.date("expires_at"), address: try row.string("address"))
    }

    /// A delivery joined with its event's id and type (``WebhookEvent``).
    public static func webhookDelivery(_ row: some ColumnReading) throws -> WebhookDelivery {
        let attempts = try row.int("attempts")
        return WebhookDelivery(
            id: try row.int64("id"), endpointID: try row.string("endpoint_id"), eventID: try row.string("event_id"),
            eventType: WebhookEventType(rawValue: try row.string("event_type")),
            transactionID: try row.optionalString("transaction_id"), status: try row.enumerated("status"),
            attempts: attempts, attemptsThisRound: attempts - (try row.int("round_start")),
            nextAttemptAt: try row.date("next_attempt_at"),
            lastStatusCode: try row.optionalInt64("last_status_code").map(Int.init),
            lastError: try row.optionalString("last_error"), deliveredAt: try row.optionalDate("delivered_at"),
            createdAt: try row.date("created_at"))
    }

    /// An endpoint with its secret opened; without the key the row cannot be read.
    public static func webhookEndpoint(_ row: some ColumnReading, cipher: SecretCipher?) throws -> WebhookEndpoint {
        let id = try row.string("id")
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "webhook endpoint", id: id) }
        return WebhookEndpoint(
            id: id, url: try row.string("url"), events: WebhookEndpoint.events(stored: try row.string("events")),
            secret: Secret(try cipher.open(try row.string("secret_sealed"), entity: "webhook endpoint", id: id)),
            description: try row.string("description"), enabled: try row.bool("enabled"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    public static func webhookAttempt(_ row: some ColumnReading) throws -> WebhookAttempt {
        WebhookAttempt(
            deliveryID: try row.int64("delivery_id"), number: try row.int("number"), at: try row.date("at"),
            statusCode: try row.optionalInt64("status_code").map(Int.init),
            latencyMilliseconds: try row.int("latency_ms"),
            responseExcerpt: try row.string("response_excerpt"), error: try row.optionalString("error"))
    }
}

extension WebhookEndpoint {
    /// The subscribed events as stored: names, sorted, comma-separated.
    public static func storedEvents(_ events: Set<WebhookEventType>) -> String {
        events.sorted().map(\.rawValue).joined(separator: ",")
    }

    public static func events(stored: String) -> Set<WebhookEventType> {
        Set(stored.split(separator: ",").map { WebhookEventType(rawValue: String($0)) })
    }

    /// Checks the endpoint and seals its secret for storage.
    public func sealedSecret(_ cipher: SecretCipher?) throws(StoreError) -> String {
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        guard let cipher else { throw StoreError.secretKeyRequired(entity: "webhook endpoint", id: id) }
        do { return try cipher.seal(secret.reveal, entity: "webhook endpoint", id: id) } catch let error as StoreError {
            throw error
        } catch { throw StoreError.database(entity: "webhook endpoint", reason: "\(error)") }
    }
}

/// A role column holding something no version of hotspotpay writes.
struct UnknownRole: Error, CustomStringConvertible {
    let text: String
    var description: String { "'\(text)' is not owner, manager or cashier" }
}
