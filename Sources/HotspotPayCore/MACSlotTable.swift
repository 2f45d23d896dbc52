import Synchronization

import struct Foundation.Date

/// A note per device kept for a while in a fixed table with one slot per MAC hash: it costs the
/// same whatever a flood of made-up MACs does (a note overwrites its slot; a lost note is only a
/// note lost), and never grows. What the daemon remembers in memory about devices it only needs
/// to recognise for a few minutes or hours.
public final class MACSlotTable<Value: Sendable>: Sendable {
    // Inlinable so each user (the RADIUS path's RecentLogins) gets a copy specialised for its value.
    @usableFromInline struct Entry {
        @usableFromInline var mac: UInt64
        @usableFromInline var value: Value
        @usableFromInline var at: Date

        @inlinable init(mac: UInt64, value: Value, at: Date) {
            self.mac = mac
            self.value = value
            self.at = at
        }
    }

    @usableFromInline let slots: Mutex<[Entry?]>
    @usableFromInline let mask: Int
    /// How long a note counts.
    public let keepSeconds: Double

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int, keepSeconds: Double) {
        var size = 1
        while size < capacity { size <<= 1 }
        slots = Mutex(Array(repeating: nil, count: size))
        mask = size - 1
        self.keepSeconds = keepSeconds
    }

    @inlinable func slot(_ mac: MACAddress) -> Int {
        // Fibonacci hashing spreads sequential MACs (one vendor's range) over the table.
        Int(truncatingIfNeeded: (mac.value &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    @inlinable public func note(_ value: Value, for mac: MACAddress, at now: Date) {
        let index = slot(mac)
        slots.withLock { $0[index] = Entry(mac: mac.value, value: value, at: now) }
    }

    /// The note for `mac` if it is recent and `accept` takes it; `forget` clears the slot then.
    @inlinable public func value(
        for mac: MACAddress, at now: Date, forget: Bool = false, accept: (Value) -> Bool = { _ in true }
    ) -> Value? {
        let index = slot(mac)
        return slots.withLock { slots -> Value? in
            guard let entry = slots[index], entry.mac == mac.value, now.timeIntervalSince(entry.at) <= keepSeconds,
                accept(entry.value)
            else { return nil }
            if forget { slots[index] = nil }
            return entry.value
        }
    }
}
