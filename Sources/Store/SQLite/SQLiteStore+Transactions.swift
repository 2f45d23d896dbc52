import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: TransactionStore {
    public func insertTransaction(_ transaction: Transaction, actor: String) async throws(StoreError) {
        try await write(entity: "transaction") { db in
            try Self.insert(transaction, db: db)
            try Self.audit(
                AuditEvent(
                    at: transaction.createdAt, kind: .transactionCreated, actor: actor, transactionID: transaction.id,
                    amount: transaction.amount,
                    detail:
                        "\(transaction.orderCode) plan \(transaction.planID) via \(transaction.provider) for \(transaction.mac)"
                ),
                db: db)
        }
    }

    public func transaction(id: String) async throws(StoreError) -> Transaction? {
        try readNow { db in try Self.fetchTransaction(db, id: id) }
    }

    public func transaction(orderCode: OrderCode) async throws(StoreError) -> Transaction? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM transactions WHERE order_code = ?"),
                arguments: [orderCode.description]
            )
            .map(Self.transaction)
        }
    }

    public func latestTransaction(mac: MACAddress) async throws(StoreError) -> Transaction? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: Self.latestTransactionSQL),
                arguments: [mac.description]
            ).map(Self.transaction)
        }
    }

    public func transactions(matching filter: TransactionFilter) async throws(StoreError) -> [Transaction] {
        var (whereClause, arguments) = Self.whereClause(filter)
        _ = arguments.append(contentsOf: [max(0, min(filter.limit, 10_000)), max(0, filter.offset)])
        let sql = "SELECT * FROM transactions \(whereClause) ORDER BY created_at DESC, id LIMIT ? OFFSET ?"
        let frozen = arguments
        return try await read(entity: "transaction") { db in
            try Row.fetchAll(db, sql: sql, arguments: frozen).map(Self.transaction)
        }
    }

    /// The filter as SQL, shared by the list and its count.
    static func whereClause(_ filter: TransactionFilter) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        func add(_ clause: String, _ value: some DatabaseValueConvertible) {
            clauses.append(clause)
            _ = arguments.append(contentsOf: [value])
        }
        if let status = filter.status { add("status = ?", status.rawValue) }
        if let provider = filter.provider { add("provider = ?", provider.rawValue) }
        if let mac = filter.mac { add("mac = ?", mac.description) }
        if let router = filter.routerID { add("router_id = ?", router) }
        if let code = filter.orderCode { add("order_code = ?", code.description) }
        if let from = filter.createdFrom { add("created_at >= ?", from.epochMilliseconds) }
        if let before = filter.createdBefore { add("created_at < ?", before.epochMilliseconds) }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    public func apply(
        _ event: TransactionStatus.Event, toTransaction id: String, at: Date, actor: String, detail: String
    ) async throws(StoreError) -> Transaction {
        try await write(entity: "transaction") { db in
            guard let current = try Self.fetchTransaction(db, id: id) else {
                throw StoreError.notFound(entity: "transaction", id: id)
            }
            let next: Transaction
            do throws(TransitionError) { next = try current.applying(event, at: at) } catch {
                throw StoreError.transition(error)
            }
            try Self.conditionalUpdate(current: current, next: next, event: event, db: db)
            try Self.audit(
                AuditEvent(
                    at: at, kind: AuditKind(transactionEvent: event), actor: actor, transactionID: id,
                    amount: current.amount,
                    detail: detail),
                db: db)
            return next
        }
    }

    public func pendingTransactions(expiredAt date: Date, limit: Int) async throws(StoreError) -> [Transaction] {
        try await read(entity: "transaction") { db in
            try Row.fetchAll(db, sql: Self.pendingPastExpirySQL, arguments: [date.epochMilliseconds, limit]).map(
                Self.transaction)
        }
    }

    public func pendingTransactions(openAt date: Date, limit: Int) async throws(StoreError) -> [Transaction] {
        try await read(entity: "transaction") { db in
            try Row.fetchAll(
                db.cachedStatement(sql: Self.pendingOpenSQL), arguments: [date.epochMilliseconds, limit]
            ).map(Self.transaction)
        }
    }

    /// The poller's query (same index as the sweeper's, the other side of the deadline).
    /// The portal's resume on every landing: the device's newest purchase, from
    /// `transactions_mac_created` (asserted in a test).
    public static let latestTransactionSQL = "SELECT * FROM transactions WHERE mac = ? ORDER BY created_at DESC LIMIT 1"

    public static let pendingOpenSQL =
        "SELECT * FROM transactions WHERE status = 'pending' AND expires_at > ? ORDER BY expires_at DESC LIMIT ?"

    /// The sweeper's query; kept here so the index test explains exactly what runs.
    public static let pendingPastExpirySQL =
        "SELECT * FROM transactions WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"

    /// Moves the row only if it is still in a state the event allows: when two writers race, the
    /// database decides, and the loser sees zero changed rows.
    static func conditionalUpdate(
        current: Transaction, next: Transaction, event: TransactionStatus.Event, db: Database
    ) throws {
        let sources = TransactionStatus.sources(for: event).map(\.rawValue).sorted()
        let placeholders = sources.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [
            next.status.rawValue, next.paidAt?.epochMilliseconds, next.providerReference,
            next.updatedAt.epochMilliseconds,
            next.id,
        ]
        _ = arguments.append(contentsOf: StatementArguments(sources))
        // One SQL text per event, so the statement is cached.
        try db.cachedStatement(
            sql: """
                UPDATE transactions SET status = ?, paid_at = ?, provider_reference = ?, updated_at = ?
                WHERE id = ? AND status IN (\(placeholders))
                """
        ).execute(arguments: arguments)
        guard db.changesCount == 1 else {
            let status = try String.fetchOne(
                db.cachedStatement(sql: "SELECT status FROM transactions WHERE id = ?"), arguments: [current.id])
            let now = status.flatMap(TransactionStatus.init(rawValue:)) ?? current.status
            do throws(TransitionError) { _ = try now.applying(event) } catch { throw StoreError.transition(error) }
            throw StoreError.notFound(entity: "transaction", id: current.id)
        }
    }

    static func fetchTransaction(_ db: Database, id: String) throws -> Transaction? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM transactions WHERE id = ?"), arguments: [id]).map(
            transaction)
    }

    static func insert(_ transaction: Transaction, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO transactions (id, order_code, plan_id, amount_vnd, mac, client_ip, router_id, provider, status,
                    provider_reference, callback_token, login_secret, created_at, expires_at, paid_at, updated_at,
                    receipt_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                transaction.id, transaction.orderCode.description, transaction.planID, transaction.amount.dong,
                transaction.mac.description, transaction.clientIP?.description, transaction.routerID,
                transaction.provider.rawValue, transaction.status.rawValue, transaction.providerReference,
                transaction.callbackToken.hex, transaction.loginSecret?.text, transaction.createdAt.epochMilliseconds,
                transaction.expiresAt.epochMilliseconds, transaction.paidAt?.epochMilliseconds,
                transaction.updatedAt.epochMilliseconds, ReceiptCode(of: transaction).digest,
            ])
    }

    static func transaction(_ row: Row) throws -> Transaction {
        try StoredRows.transaction(RowReader(row, entity: "transaction"))
    }
}
