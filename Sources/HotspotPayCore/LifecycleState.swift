/// A status with a fixed table of allowed moves. Each event names the states it may start from
/// and the one it leads to; everything else is forbidden. The same table drives the pure
/// ``applying(_:)`` and the store's conditional `UPDATE … WHERE status IN (sources)`, so memory
/// and database can never disagree about what is allowed.
public protocol LifecycleState: Hashable, CaseIterable, Sendable, RawRepresentable where RawValue == String {
    associatedtype Event: Hashable, CaseIterable, Sendable, RawRepresentable where Event.RawValue == String

    /// Which states `event` may start from, and where it leads.
    static func rule(for event: Event) -> (from: Set<Self>, to: Self)

    /// The entity's name in messages, e.g. "transaction".
    static var entityName: String { get }
}

extension LifecycleState {
    /// The states `event` may be applied in; the store's `WHERE status IN (…)`.
    public static func sources(for event: Event) -> Set<Self> { rule(for: event).from }

    /// The state after `event`, or the reason it cannot happen. Repeating an event that already
    /// happened (a duplicate callback) is reported as ``TransitionError/Kind/alreadyApplied`` so
    /// callers can answer "already confirmed" instead of failing.
    public func applying(_ event: Event) throws(TransitionError) -> Self {
        let rule = Self.rule(for: event)
        if rule.from.contains(self) { return rule.to }
        let kind: TransitionError.Kind = self == rule.to ? .alreadyApplied : .forbidden
        throw TransitionError(
            entity: Self.entityName, event: event.rawValue, from: rawValue,
            allowedFrom: rule.from.map(\.rawValue).sorted(), kind: kind)
    }
}

/// A move the state table forbids, with what is needed to understand why.
public struct TransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The entity is already where the event would take it (a duplicate).
        case alreadyApplied
        /// The event makes no sense in the current state.
        case forbidden
    }

    public let entity: String
    public let event: String
    public let from: String
    public let allowedFrom: [String]
    public let kind: Kind

    public init(entity: String, event: String, from: String, allowedFrom: [String], kind: Kind) {
        self.entity = entity
        self.event = event
        self.from = from
        self.allowedFrom = allowedFrom
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .alreadyApplied: "\(entity) is already \(from): '\(event)' was applied before"
        case .forbidden:
            "cannot apply '\(event)' to a \(entity) that is \(from) (allowed only from: \(allowedFrom.joined(separator: ", ")))"
        }
    }
}
