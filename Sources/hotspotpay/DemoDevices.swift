/// The demo router's pretend devices, oldest first, at most `capacity`: every cookie-less visit to
/// the demo's landing makes up a device, and each one on the simulated router asks RADIUS again
/// every `login-timeout`, so without a bound a few thousand visits grow the daemon without end.
struct DemoDevices: Sendable {
    let capacity: Int
    private(set) var macs: [String] = []

    init(capacity: Int) { self.capacity = capacity }

    /// Adds `mac` if new; returns the devices that leave to make room (the oldest).
    mutating func join(_ mac: String) -> [String] {
        guard !macs.contains(mac) else { return [] }
        macs.append(mac)
        let leaving = Array(macs.prefix(max(0, macs.count - capacity)))
        macs.removeFirst(leaving.count)
        return leaving
    }
}
