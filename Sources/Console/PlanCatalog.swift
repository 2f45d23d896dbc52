import Foundation
import HotspotPayCore
import Store

/// The packages on sale, as operators change them. Plans are disabled, never deleted.
public struct PlanCatalog: Sendable {
    let store: any PlanStore

    public init(store: any PlanStore) { self.store = store }

    public func plans(includeInactive: Bool = true) async throws(ConsoleError) -> [Plan] {
        try await ConsoleError.wrap { try await store.plans(includeInactive: includeInactive) }
    }

    public func plan(id: String) async throws(ConsoleError) -> Plan {
        guard let plan = try await ConsoleError.wrap({ try await store.plan(id: id) }) else {
            throw .notFound(entity: "plan", id: id)
        }
        return plan
    }

    /// Adds a plan; name (Vietnamese), price and duration are required.
    public func add(id: String, _ changes: PlanChanges, actor: String) async throws(ConsoleError) -> Plan {
        var missing: [ValidationProblem] = []
        if (changes.nameVI ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            missing.append(.init(field: "name_vi", message: "required"))
        }
        if changes.price == nil { missing.append(.init(field: "price", message: "required, e.g. 10000 or 10k")) }
        if changes.duration == nil { missing.append(.init(field: "duration", message: "required, e.g. 1h or 1d")) }
        var plan = Plan(
            id: id.trimmingCharacters(in: .whitespacesAndNewlines), name: LocalizedText(vi: "", en: ""), price: .zero,
            durationSeconds: 0, isActive: true)
        do throws(ConsoleError) { try changes.apply(to: &plan) } catch {
            // Every problem at once: what is missing and what did not parse.
            guard case .invalid(let found) = error else { throw error }
            throw .invalid(missing + found.filter { problem in !missing.contains { $0.field == problem.field } })
        }
        guard missing.isEmpty else { throw .invalid(missing) }
        let added = plan
        try await ConsoleError.wrap { try await store.addPlan(added, actor: actor) }
        return plan
    }

    public func update(id: String, _ changes: PlanChanges, actor: String) async throws(ConsoleError) -> Plan {
        var plan = try await plan(id: id)
        try changes.apply(to: &plan)
        let updated = plan
        try await ConsoleError.wrap { try await store.updatePlan(updated, actor: actor) }
        return plan
    }
}
