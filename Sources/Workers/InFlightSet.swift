import Synchronization

/// The job ids a worker is busy with, so a poll does not start the same job twice.
final class InFlightSet: Sendable {
    private let ids = Mutex<Set<String>>([])

    var count: Int { ids.withLock { $0.count } }

    var all: [String] { ids.withLock { Array($0) } }

    /// False when the id was already there.
    func insert(_ id: String) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func remove(_ id: String) { _ = ids.withLock { $0.remove(id) } }
}
