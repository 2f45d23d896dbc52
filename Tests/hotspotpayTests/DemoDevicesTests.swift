import Testing

@testable import hotspotpay

/// The demo's pretend devices are bounded: 9,000 cookie-less visits used to make 9,000 hosts, each
/// asking RADIUS again every two seconds.
@Suite struct DemoDevicesTests {
    @Test func theOldestPretendDevicesLeaveOnceTheDemoRouterIsFull() {
        var devices = DemoDevices(capacity: 3)
        #expect(devices.join("02:00:00:00:00:01").isEmpty)
        #expect(devices.join("02:00:00:00:00:02").isEmpty)
        #expect(devices.join("02:00:00:00:00:01").isEmpty, "a device seen again is not new")
        #expect(devices.join("02:00:00:00:00:03").isEmpty)
        #expect(devices.join("02:00:00:00:00:04") == ["02:00:00:00:00:01"])
        var flood = DemoDevices(capacity: 64)
        for index in 0..<9_000 { _ = flood.join("02:00:00:00:\(index / 256):\(index % 256)") }
        #expect(flood.macs.count == 64)
    }
}
