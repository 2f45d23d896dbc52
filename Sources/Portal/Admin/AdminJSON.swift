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
    }

    struct RefundJSON: Encodable {
        var id, status, reason, actor: String
        var amount: Int64
        var providerReference, failure, note: String?
        var createdAt: Date

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
        var deadWebhooks: Int

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
            deadWebhooks = summary.deadWebhooks
        }
    }

}
