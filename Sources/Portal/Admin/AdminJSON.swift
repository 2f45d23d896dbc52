import Console
import Foundation
import HotspotPayCore
import Store

/// The shapes the operator API answers with (documented in `docs/openapi.yaml`). Money is whole
/// đồng, times are ISO 8601 UTC, secrets never appear.
enum AdminJSON {
    struct PlanJSON: Encodable {
        var id, nameVI, nameEN: String
        var price, durationSeconds: Int64
        var dataCapBytes, downloadBPS, uploadBPS: Int64?
        var order: Int
        var active: Bool

        enum CodingKeys: String, CodingKey {
            case id
            case nameVI = "name_vi"
            case nameEN = "name_en"
            case price
            case durationSeconds = "duration_seconds"
            case dataCapBytes = "data_cap_bytes"
            case downloadBPS = "download_bps"
            case uploadBPS = "upload_bps"
            case order
            case active
        }

        init(_ plan: Plan) {
            id = plan.id
            nameVI = plan.name.vi
            nameEN = plan.name.en
            price = plan.price.dong
            durationSeconds = plan.durationSeconds
            dataCapBytes = plan.dataCapBytes
            downloadBPS = plan.rateLimit?.downloadBitsPerSecond
            uploadBPS = plan.rateLimit?.uploadBitsPerSecond
            order = plan.displayOrder
            active = plan.isActive
        }
    }

    typealias RouterJSON = RouterView

    struct SaleJSON: Encodable {
        var id, orderCode, status, plan, provider, mac, router: String
        var amount: Int64
        var providerReference, clientIP: String?
        var createdAt, expiresAt: Date
        var paidAt: Date?

        enum CodingKeys: String, CodingKey {
            case id
            case orderCode = "order_code"
            case status
            case plan
            case provider
            case mac
            case router
            case amount
            case providerReference = "provider_reference"
            case clientIP = "client_ip"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case paidAt = "paid_at"
        }

        init(_ sale: Transaction) {
            id = sale.id
            orderCode = sale.orderCode.description
            status = sale.status.rawValue
            plan = sale.planID
            provider = sale.provider.rawValue
            mac = sale.mac.description
            router = sale.routerID
            amount = sale.amount.dong
            providerReference = sale.providerReference
            clientIP = sale.clientIP?.description
            createdAt = sale.createdAt
            expiresAt = sale.expiresAt
            paidAt = sale.paidAt
        }
    }

    struct SalePage: Encodable {
        var sales: [SaleJSON]
        var total, page, perPage: Int
        enum CodingKeys: String, CodingKey {

            case sales

            case total

            case page

            case perPage = "per_page"

        }
    }

    struct RefundJSON: Encodable {
        var id, status, reason, actor: String
        var amount: Int64
        var providerReference, failure, note: String?
        var createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id
            case status
            case reason
            case actor
            case amount
            case providerReference = "provider_reference"
            case failure
            case note
            case createdAt = "created_at"
        }

        init(_ refund: Refund) {
            id = refund.id
            status = refund.status.rawValue
            reason = refund.reason
            actor = refund.actor
            amount = refund.amount.dong
            providerReference = refund.providerReference
            failure = refund.failure
            note = refund.note
            createdAt = refund.createdAt
        }
    }

    struct UnlockJobJSON: Encodable {
        var id, router, mac, action, status: String
        var attempts: Int
        var lastError, transaction, unlockedBy: String?
        var createdAt, updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id
            case router
            case mac
            case action
            case status
            case attempts
            case lastError = "last_error"
            case unlockedBy = "unlocked_by"
            case transaction
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        init(_ job: UnlockJob) {
            id = job.id
            router = job.routerID
            mac = job.mac.description
            action = job.action.rawValue
            status = job.status.rawValue
            attempts = job.attempts
            lastError = job.lastError
            unlockedBy = job.unlockedBy?.rawValue
            transaction = job.transactionID
            createdAt = job.createdAt
            updatedAt = job.updatedAt
        }
    }

    /// `POST /transactions/{id}/recheck`: what the provider said and the sale's status now.
    struct RecheckJSON: Encodable {
        var answer: String
        var applied: Bool
        var summary: String
        var status: String

        init(_ recheck: SaleDesk.Recheck) {
            switch recheck.outcome {
            case .paid(let applied): (answer, self.applied) = ("paid", applied)
            case .failed(let applied): (answer, self.applied) = ("failed", applied)
            case .held: (answer, applied) = ("held", true)
            case .open: (answer, applied) = ("open", false)
            }
            summary = recheck.summary
            status = recheck.transaction.status.rawValue
        }
    }

    struct TimelineJSON: Encodable {
        var step, actor, detail: String
        var at: Date
        init(_ entry: TimelineEntry) {
            step = entry.step
            actor = entry.actor
            detail = entry.detail
            at = entry.at
        }
    }

    struct SaleDetailJSON: Encodable {
        var sale: SaleJSON
        var grant: GrantJSON?
        var refunds: [RefundJSON]
        var unlockJobs: [UnlockJobJSON]
        var timeline: [TimelineJSON]
        var refundable: Int64

        enum CodingKeys: String, CodingKey {
            case sale
            case grant
            case refunds
            case unlockJobs = "unlock_jobs"
            case timeline
            case refundable
        }

        init(_ detail: SaleDetail) {
            sale = SaleJSON(detail.transaction)
            grant = detail.grant.map { GrantJSON($0) }
            refunds = detail.refunds.map(RefundJSON.init)
            unlockJobs = detail.unlockJobs.map(UnlockJobJSON.init)
            timeline = detail.timeline.map(TimelineJSON.init)
            refundable = detail.refundable.dong
        }
    }

    struct SessionJSON: Encodable {
        var router, acctSessionID, mac, userName: String
        var framedIP: String?
        var startedAt, updatedAt: Date
        var inputBytes, outputBytes, sessionSeconds: Int64

        enum CodingKeys: String, CodingKey {
            case router
            case acctSessionID = "acct_session_id"
            case mac
            case userName = "user_name"
            case framedIP = "framed_ip"
            case startedAt = "started_at"
            case updatedAt = "updated_at"
            case inputBytes = "input_bytes"
            case outputBytes = "output_bytes"
            case sessionSeconds = "session_seconds"
        }

        init(_ session: RadiusSession) {
            router = session.routerID
            acctSessionID = session.acctSessionID
            mac = session.mac.description
            userName = session.userName
            framedIP = session.framedIP?.description
            startedAt = session.startedAt
            updatedAt = session.updatedAt
            inputBytes = session.inputBytes
            outputBytes = session.outputBytes
            sessionSeconds = session.sessionSeconds
        }
    }

    struct RevenueJSON: Encodable {
        var key: String
        var sales: Int
        var gross, refunded, net: Int64
        init(_ line: RevenueLine) {
            key = line.key
            sales = line.sales
            gross = line.gross.dong
            refunded = line.refunded.dong
            net = line.net.dong
        }
    }

    struct AuditJSON: Encodable {
        var sequence: Int64?
        var at: Date
        var kind, actor, detail: String
        var transaction: String?
        var amount: Int64?
        init(_ event: AuditEvent) {
            sequence = event.sequence
            at = event.at
            kind = event.kind.rawValue
            actor = event.actor
            detail = event.detail
            transaction = event.transactionID
            amount = event.amount?.dong
        }
    }

    struct DashboardJSON: Encodable {
        struct Hour: Encodable {
            var hour: Date
            var sales: Int
            var amount: Int64
        }
        var today: RevenueJSON
        var paymentsPerHour: [Hour]
        var liveDevices, activeGrants: Int
        var stuckUnlocks, failedUnlocks: [UnlockJobJSON]
        var closingSoon: [SaleJSON]
        var unappliedMoney: [UnappliedPaymentJSON]

        enum CodingKeys: String, CodingKey {
            case today
            case paymentsPerHour = "payments_per_hour"
            case liveDevices = "live_devices"
            case activeGrants = "active_grants"
            case stuckUnlocks = "stuck_unlocks"
            case failedUnlocks = "failed_unlocks"
            case closingSoon = "closing_soon"
            case unappliedMoney = "unapplied_money"
        }

        init(_ summary: DashboardSummary) {
            today = RevenueJSON(summary.today)
            paymentsPerHour = summary.paymentsPerHour.map {
                Hour(hour: $0.hour, sales: $0.sales, amount: $0.amount.dong)
            }
            liveDevices = summary.liveDevices
            activeGrants = summary.activeGrants
            stuckUnlocks = summary.stuckUnlocks.map(UnlockJobJSON.init)
            failedUnlocks = summary.failedUnlocks.map(UnlockJobJSON.init)
            closingSoon = summary.closingSoon.map(SaleJSON.init)
            unappliedMoney = summary.unappliedMoney.map(UnappliedPaymentJSON.init)
        }
    }

}
