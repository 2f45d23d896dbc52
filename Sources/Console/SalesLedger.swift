import Foundation
import HotspotPayCore
import Store

/// What was sold: search, CSV export and one sale's full story.
public struct SalesLedger: Sendable {
    public typealias Stores = TransactionStore & ReportStore & AuditLog & UnlockJobStore & RefundStore & GrantStore
        & CheckoutPageStore & PlanStore
    let store: any Stores
    let venue: VenueTime

    public init(store: any Stores, venue: VenueTime = VenueTime()) {
        self.store = store
        self.venue = venue
    }

    /// One page of matching sales, newest first, and how many match in all.
    public func search(_ query: SalesQuery) async throws(ConsoleError) -> (sales: [Transaction], total: Int) {
        try await ConsoleError.wrap {
            async let sales = store.transactions(matching: query.filter)
            async let total = store.countTransactions(matching: query.filter)
            return try await (sales, total)
        }
    }

    public static let csvHeader =
        "created_at,order_code,status,plan,amount_vnd,provider,provider_reference,mac,client_ip,router,paid_at,id"

    /// Every matching sale (up to `limit`) as CSV, venue times, one header line.
    public func csv(_ query: SalesQuery, limit: Int = 100_000) async throws(ConsoleError) -> String {
        var lines = [Self.csvHeader]
        var filter = query.filter
        filter.offset = 0
        filter.limit = 10_000  // the store's largest page: fewer OFFSET rescans
        while lines.count - 1 < limit {
            let page = try await ConsoleError.wrap { [filter] in try await store.transactions(matching: filter) }
            for sale in page {
                lines.append(
                    [
                        venue.text(sale.createdAt, seconds: true), sale.orderCode.description, sale.status.rawValue,
                        sale.planID, "\(sale.amount.dong)", sale.provider.rawValue, sale.providerReference ?? "",
                        sale.mac.description, sale.clientIP?.description ?? "", sale.routerID,
                        sale.paidAt.map { venue.text($0, seconds: true) } ?? "", sale.id,
                    ].map(Self.csvField).joined(separator: ","))
            }
            if page.count < filter.limit { break }
            filter.offset += filter.limit
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
    /// does not run a provider-supplied reference as a formula.
    public static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public func sale(id: String) async throws(ConsoleError) -> SaleDetail {
        try await ConsoleError.wrap {
            guard let transaction = try await store.transaction(reference: id) else {
                throw ConsoleError.notFound(entity: "sale", id: id)
            }
            async let plan = store.plan(id: transaction.planID)
            async let grant = store.grant(transactionID: transaction.id)
            async let refunds = store.refunds(transactionID: transaction.id)
            async let jobs = store.unlockJobs(transactionID: transaction.id)
            async let audit = store.auditEvents(transactionID: transaction.id)
            async let payment = store.paymentRequest(transactionID: transaction.id)
            async let sessions = store.sessions(mac: transaction.mac, since: transaction.createdAt, limit: 20)
            let (foundJobs, foundAudit, foundPayment, foundSessions) = try await (jobs, audit, payment, sessions)
            return SaleDetail(
                transaction: transaction, plan: try await plan, grant: try await grant, refunds: try await refunds,
                unlockJobs: foundJobs, payment: foundPayment,
                timeline: SaleDetail.timeline(
                    transaction: transaction, audit: foundAudit, jobs: foundJobs, sessions: foundSessions,
                    payment: foundPayment))
        }
    }
}
