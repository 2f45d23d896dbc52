import Foundation
import HotspotPayCore
import PostgresNIO
import Store

extension PostgresStore: PlanStore {
    public func plans(includeInactive: Bool) async throws(StoreError) -> [Plan] {
        try await read(entity: "plans") { q in
            try await q.rows(
                "SELECT * FROM plans WHERE active OR \(includeInactive) ORDER BY display_order, price_vnd, id"
            ).map(Self.plan)
        }
    }

    public func plan(id: String) async throws(StoreError) -> Plan? {
        try await read(entity: "plans") { q in try await q.row("SELECT * FROM plans WHERE id = \(id)").map(Self.plan) }
    }

    public func addPlan(_ plan: Plan, actor: String) async throws(StoreError) {
        let plan = try Self.validated(plan)
        guard try await insertIfMissing(plan, actor: actor) else {
            throw StoreError.duplicate(entity: "plan", field: "id", value: plan.id)
        }
    }

    public func addPlanIfMissing(_ plan: Plan, actor: String) async throws(StoreError) -> Bool {
        try await insertIfMissing(try Self.validated(plan), actor: actor)
    }

    public func updatePlan(_ plan: Plan, actor: String) async throws(StoreError) {
        let plan = try Self.validated(plan)
        let now = Date()
        try await write(entity: "plan") { q in
            let changed = try await q.changed(
                """
                UPDATE plans SET name_vi = \(plan.name.vi), name_en = \(plan.name.en), price_vnd = \(plan.price.dong),
                    duration_seconds = \(plan.durationSeconds), data_cap_bytes = \(plan.dataCapBytes),
                    download_bps = \(plan.rateLimit?.downloadBitsPerSecond),
                    upload_bps = \(plan.rateLimit?.uploadBitsPerSecond), active = \(plan.isActive),
                    display_order = \(plan.displayOrder), updated_at = \(now.epochMilliseconds)
                WHERE id = \(plan.id) RETURNING id
                """)
            guard changed == 1 else { throw StoreError.notFound(entity: "plan", id: plan.id) }
            try await Self.audit(
                AuditEvent(
                    at: now, kind: .planChanged, actor: actor, amount: plan.price, detail: "updated plan \(plan.id)"),
                q)
        }
    }

    /// Inserts unless a plan has the id (`ON CONFLICT DO NOTHING`: two nodes seeding at once add it once).
    private func insertIfMissing(_ plan: Plan, actor: String) async throws(StoreError) -> Bool {
        let now = Date()
        return try await write(entity: "plan") { q in
            let inserted = try await q.changed(
                """
                INSERT INTO plans (id, name_vi, name_en, price_vnd, duration_seconds, data_cap_bytes, download_bps,
                    upload_bps, active, display_order, created_at, updated_at)
                VALUES (\(plan.id), \(plan.name.vi), \(plan.name.en), \(plan.price.dong), \(plan.durationSeconds),
                    \(plan.dataCapBytes), \(plan.rateLimit?.downloadBitsPerSecond),
                    \(plan.rateLimit?.uploadBitsPerSecond), \(plan.isActive), \(plan.displayOrder),
                    \(now.epochMilliseconds), \(now.epochMilliseconds))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """)
            guard inserted == 1 else { return false }
            try await Self.audit(
                AuditEvent(
                    at: now, kind: .planChanged, actor: actor, amount: plan.price, detail: "added plan \(plan.id)"),
                q)
            return true
        }
    }

    static func plan(_ row: PostgresRandomAccessRow) throws -> Plan {
        try StoredRows.plan(PostgresColumns(row, entity: "plan"))
    }

    private static func validated(_ plan: Plan) throws(StoreError) -> Plan {
        do { return try plan.validated() } catch { throw .invalid(error.problems) }
    }
}
