import Foundation
import GRDB
import HotspotPayCore

extension SQLiteStore: PlanStore {
    public func plans(includeInactive: Bool) async throws(StoreError) -> [Plan] {
        try await read(entity: "plans") { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM plans \(includeInactive ? "" : "WHERE active = 1") ORDER BY display_order, price_vnd, id"
            ).map(Self.plan)
        }
    }

    public func plan(id: String) async throws(StoreError) -> Plan? {
        try await read(entity: "plans") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM plans WHERE id = ?"), arguments: [id]).map(
                Self.plan)
        }
    }

    public func addPlan(_ plan: Plan, actor: String) async throws(StoreError) {
        let plan = try Self.validated(plan)
        try await write(entity: "plan") { db in
            if try Self.planExists(db, id: plan.id) {
                throw StoreError.duplicate(entity: "plan", field: "id", value: plan.id)
            }
            try Self.insert(plan, db: db, actor: actor)
        }
    }

    public func addPlanIfMissing(_ plan: Plan, actor: String) async throws(StoreError) -> Bool {
        let plan = try Self.validated(plan)
        return try await write(entity: "plan") { db in
            if try Self.planExists(db, id: plan.id) { return false }
            try Self.insert(plan, db: db, actor: actor)
            return true
        }
    }

    public func updatePlan(_ plan: Plan, actor: String) async throws(StoreError) {
        let plan = try Self.validated(plan)
        try await write(entity: "plan") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE plans SET name_vi = ?, name_en = ?, price_vnd = ?, duration_seconds = ?, data_cap_bytes = ?,
                        download_bps = ?, upload_bps = ?, active = ?, display_order = ?, updated_at = ?
                    WHERE id = ?
                    """
            ).execute(
                arguments: [
                    plan.name.vi, plan.name.en, plan.price.dong, plan.durationSeconds, plan.dataCapBytes,
                    plan.rateLimit?.downloadBitsPerSecond, plan.rateLimit?.uploadBitsPerSecond, plan.isActive,
                    plan.displayOrder, Date().epochMilliseconds, plan.id,
                ])
            guard db.changesCount == 1 else { throw StoreError.notFound(entity: "plan", id: plan.id) }
            try Self.audit(
                AuditEvent(
                    at: Date(), kind: .planChanged, actor: actor, amount: plan.price, detail: "updated plan \(plan.id)"),
                db: db)
        }
    }

    private static func planExists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM plans WHERE id = ?)"), arguments: [id])
            ?? false
    }

    private static func insert(_ plan: Plan, db: Database, actor: String) throws {
        let now = Date().epochMilliseconds
        try db.cachedStatement(
            sql: """
                INSERT INTO plans (id, name_vi, name_en, price_vnd, duration_seconds, data_cap_bytes, download_bps,
                    upload_bps, active, display_order, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                plan.id, plan.name.vi, plan.name.en, plan.price.dong, plan.durationSeconds, plan.dataCapBytes,
                plan.rateLimit?.downloadBitsPerSecond, plan.rateLimit?.uploadBitsPerSecond, plan.isActive,
                plan.displayOrder, now, now,
            ])
        try audit(
            AuditEvent(
                at: Date(), kind: .planChanged, actor: actor, amount: plan.price, detail: "added plan \(plan.id)"),
            db: db)
    }

    static func plan(_ row: Row) throws -> Plan { try StoredRows.plan(RowReader(row, entity: "plan")) }

    private static func validated(_ plan: Plan) throws(StoreError) -> Plan {
        do { return try plan.validated() } catch { throw .invalid(error.problems) }
    }
}
