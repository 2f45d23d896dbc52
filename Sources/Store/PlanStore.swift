import HotspotPayCore

/// Packages on sale. Plans are never deleted, only disabled, so sales keep their history.
public protocol PlanStore: Sendable {
    /// Plans in display order; inactive ones only when asked.
    func plans(includeInactive: Bool) async throws(StoreError) -> [Plan]
    func plan(id: String) async throws(StoreError) -> Plan?
    /// Adds a new plan; ``StoreError/duplicate(entity:field:value:)`` if the id is taken.
    func addPlan(_ plan: Plan, actor: String) async throws(StoreError)
    /// Adds the plan unless one with its id exists (seeding from config never overwrites what an
    /// operator changed). Returns true when it was added.
    func addPlanIfMissing(_ plan: Plan, actor: String) async throws(StoreError) -> Bool
    /// Replaces a plan; ``StoreError/notFound(entity:id:)`` if there is none.
    func updatePlan(_ plan: Plan, actor: String) async throws(StoreError)
}
