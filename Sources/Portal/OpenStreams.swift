import Synchronization

/// The status streams (`/pay/{id}/events`) open on this node, against the limit past which a page
/// is told to poll instead: each stream reads the database every second.
final class OpenStreams: Sendable {
    let count = Atomic<Int>(0)

    /// A place among the open streams, or nil when `limit` are open. The place is given back when
    /// the ticket goes, whether the stream ran to its end or was never written at all.
    func open(limit: Int) -> Ticket? {
        guard count.add(1, ordering: .relaxed).newValue <= limit else {
            count.subtract(1, ordering: .relaxed)
            return nil
        }
        return Ticket(self)
    }

    /// One open stream's place.
    final class Ticket: Sendable {
        let streams: OpenStreams
        init(_ streams: OpenStreams) { self.streams = streams }
        deinit { streams.count.subtract(1, ordering: .relaxed) }
    }
}
