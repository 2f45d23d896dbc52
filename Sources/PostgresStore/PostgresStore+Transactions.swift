import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: TransactionStore {
    public func insertTransaction(_ transaction: Transaction, actor: String) async throws(StoreError) {
        try await write(entity: "transaction") { q in
            try await Self.insert(transaction, q)
            try await Self.audit(
                AuditEvent(
                    at: transaction.createdAt, kind: .transactionCreated, actor: actor, transactionID: transaction.id,
                    amount: transaction.amount,
                    detail:
                        "\(transaction.orderCode) plan \(transaction.planID) via \(transaction.provider) for \(transaction.mac)"
                ), q)
        }
    }

    public func transaction(id: String) async throws(StoreError) -> Transaction? {
        try await read(entity: "transaction") { q in try await Self.fetchTransaction(q, id: id) }
    }

    public func transaction(orderCode: OrderCode) async throws(StoreError) -> Transaction? {
        try await read(entity: "transaction") { q in
            try await q.row("SELECT * FROM transactions WHERE order_code = \(orderCode.description)").map(
                Self.transaction)
        }
    }

    public func latestTransaction(mac: MACAddress) async throws(StoreError) -> Transaction? {
        try await read(entity: "transaction") { q in
            try await q.row(Self.latestTransaction(mac)).map(Self.transaction)
        }
    }

    public func transactions(matching filter: TransactionFilter) async throws(StoreError) -> [Transaction] {
        try await read(entity: "transaction") { q in
            try await q.rows(
                Self.filtered(
                    "SELECT * FROM transactions", filter,
                    then: "ORDER BY created_at DESC, id LIMIT \(max(0, min(filter.limit, 10_000))) "
                        + "OFFSET \(max(0, filter.offset))")
            ).map(Self.transaction)
        }
    }

    /// `select` narrowed by the filter, as one fixed statement: an absent criterion is a NULL
    /// parameter that matches everything (PostgreSQL plans each call with its values, so the
    /// indexes still serve). `then`: literal SQL after the condition (ordering, numbers).
    static func filtered(_ select: String, _ filter: TransactionFilter, then tail: String = "") -> PostgresQuery {
        """
        \(unescaped: select)
        WHERE (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
        AND (\(filter.provider?.rawValue)::text IS NULL OR provider = \(filter.provider?.rawValue))
        AND (\(filter.mac?.description)::text IS NULL OR mac = \(filter.mac?.description))
        AND (\(filter.routerID)::text IS NULL OR router_id = \(filter.routerID))
        AND (\(filter.orderCode?.description)::text IS NULL OR order_code = \(filter.orderCode?.description))
        AND (\(filter.createdFrom?.epochMilliseconds)::bigint IS NULL
            OR created_at >= \(filter.createdFrom?.epochMilliseconds))
        AND (\(filter.createdBefore?.epochMilliseconds)::bigint IS NULL
            OR created_at < \(filter.createdBefore?.epochMilliseconds))
        \(unescaped: tail)
        """
    }

    public func apply(
        _ event: TransactionStatus.Event, toTransaction id: String, at: Date, actor: String, detail: String
    ) async throws(StoreError) -> Transaction {
        try await write(entity: "transaction") { q in
            guard let current = try await Self.fetchTransaction(q, id: id) else {
                throw StoreError.notFound(entity: "transaction", id: id)
            }
            let next: Transaction
            do throws(TransitionError) { next = try current.applying(event, at: at) } catch {
                throw StoreError.transition(error)
            }
            try await Self.conditionalUpdate(current: current, next: next, event: event, q)
            try await Self.audit(
                AuditEvent(
                    at: at, kind: AuditKind(transactionEvent: event), actor: actor, transactionID: id,
                    amount: current.amount, detail: detail), q)
            return next
        }
    }

    public func pendingTransactions(expiredAt date: Date, limit: Int) async throws(StoreError) -> [Transaction] {
        try await read(entity: "transaction") { q in
            try await q.rows(Self.pendingPastExpiry(date, limit: limit)).map(Self.transaction)
        }
    }

    public func pendingTransactions(openAt date: Date, limit: Int) async throws(StoreError) -> [Transaction] {
        try await read(entity: "transaction") { q in
            try await q.rows(Self.pendingOpen(date, limit: limit)).map(Self.transaction)
        }
    }

    /// The poller's query (same index as the sweeper's, the other side of the deadline).
    /// The portal's resume on every landing: the device's newest purchase, from
    /// `transactions_mac_created` (asserted in a test).
    static func latestTransaction(_ mac: MACAddress) -> PostgresQuery {
        "SELECT * FROM transactions WHERE mac = \(mac.description) ORDER BY created_at DESC LIMIT 1"
    }

    static func pendingOpen(_ date: Date, limit: Int) -> PostgresQuery {
        """
        SELECT * FROM transactions WHERE status = 'pending' AND expires_at > \(date.epochMilliseconds)
        ORDER BY expires_at DESC LIMIT \(limit)
        """
    }

    /// The sweeper's query (the query-plan test reads it from here).
    static func pendingPastExpiry(_ date: Date, limit: Int) -> PostgresQuery {
        """
        SELECT * FROM transactions WHERE status = 'pending' AND expires_at <= \(date.epochMilliseconds)
        ORDER BY expires_at LIMIT \(limit)
        """
    }

    /// Moves the row only if it is still in a state the event allows: when two nodes race, the
    /// database decides (the second waits for the first's row lock, then finds the state moved).
    static func conditionalUpdate(
        current: Transaction, next: Transaction, event: TransactionStatus.Event, _ q: PostgresQueries
    ) async throws {
        let sources = TransactionStatus.sources(for: event).map(\.rawValue)
        let changed = try await q.changed(
            """
            UPDATE transactions SET status = \(next.status.rawValue), paid_at = \(next.paidAt?.epochMilliseconds),
                provider_reference = \(next.providerReference), updated_at = \(next.updatedAt.epochMilliseconds)
            WHERE id = \(next.id) AND status = ANY(\(sources)) RETURNING id
            """)
        guard changed == 1 else {
            let status = try await q.scalar("SELECT status FROM transactions WHERE id = \(current.id)", as: String.self)
            let now = status.flatMap(TransactionStatus.init(rawValue:)) ?? current.status
            do throws(TransitionError) { _ = try now.applying(event) } catch { throw StoreError.transition(error) }
            throw StoreError.notFound(entity: "transaction", id: current.id)
        }
    }

    /// `lock`: take the row's lock for the rest of the transaction (`FOR UPDATE`).
    static func fetchTransaction(_ q: PostgresQueries, id: String, lock: Bool = false) async throws -> Transaction? {
        let row =
            lock
            ? try await q.row("SELECT * FROM transactions WHERE id = \(id) FOR UPDATE")
            : try await q.row("SELECT * FROM transactions WHERE id = \(id)")
        return try row.map(transaction)
    }

    static func insert(_ transaction: Transaction, _ q: PostgresQueries) async throws {
        try await q.execute(
            """
            INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, client_ip, router_id, provider, status,
                provider_reference, callback_token, login_secret, created_at, expires_at, paid_at, updated_at,
                receipt_digest)
            VALUES (\(transaction.id), \(transaction.orderCode.description), \(transaction.planID),
                \(transaction.amount.dong), \(transaction.mac.description), \(transaction.clientIP?.description),
                \(transaction.routerID), \(transaction.provider.rawValue), \(transaction.status.rawValue),
                \(transaction.providerReference), \(transaction.callbackToken.hex), \(transaction.loginSecret?.text),
                \(transaction.createdAt.epochMilliseconds), \(transaction.expiresAt.epochMilliseconds),
                \(transaction.paidAt?.epochMilliseconds), \(transaction.updatedAt.epochMilliseconds),
                \(ReceiptCode(of: transaction).digest))
            """)
    }

    static func transaction(_ row: PostgresRandomAccessRow) throws -> Transaction {
        try StoredRows.transaction(PostgresColumns(row, entity: "transaction"))
    }
}
