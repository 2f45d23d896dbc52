import Testing

@testable import HotspotPayCore

@Suite struct UnitsTests {
    @Test(arguments: [
        ("90s", Int64(90)), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("1d", 86_400), ("7d", 604_800),
        ("2w", 1_209_600),
    ])
    func durationsParse(text: String, seconds: Int64) throws {
        #expect(try DurationText.seconds(text) == seconds)
        #expect(try DurationText.seconds(DurationText.format(seconds: seconds)) == seconds)
    }

    @Test(arguments: ["", "10", "h", "1x", "-1h", "1.5h", "1h 30m"])
    func durationsWithoutUnitsOrWithJunkAreRefused(text: String) {
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds(text) }
    }

    @Test func durationsFormatShortest() {
        #expect(DurationText.format(seconds: 3600) == "1h")
        #expect(DurationText.format(seconds: 90_061) == "1d1h1m1s")
    }

    @Test(arguments: [
        ("5GB", Int64(5_000_000_000)), ("500MB", 500_000_000), ("1.5GB", 1_500_000_000), ("2GiB", 2_147_483_648),
        ("1024", 1024), ("10 KB", 10_000),
    ])
    func byteCountsParse(text: String, bytes: Int64) throws {
        #expect(try ByteCount.bytes(text) == bytes)
    }

    @Test(arguments: ["", "GB", "5XB", "1.2345GB", "-5GB", "5..0GB"])
    func badByteCountsAreRefused(text: String) {
        #expect(throws: ByteCount.ParseError.self) { try ByteCount.bytes(text) }
    }

    @Test func mikrotikRateLimitPutsUploadFirst() throws {
        let rate = RateLimit(
            downloadBitsPerSecond: try RateLimit.bitsPerSecond("10M"),
            uploadBitsPerSecond: try RateLimit.bitsPerSecond("512k"))
        #expect(rate.mikrotikRateLimit == "512k/10M")
        #expect(rate.summary == "↓10M ↑512k")
        #expect(throws: RateLimit.ParseError.self) { try RateLimit.bitsPerSecond("10 Mbps") }
        #expect(throws: RateLimit.ParseError.self) { try RateLimit.bitsPerSecond("0") }
    }

    @Test func ipAddressesAreNormalised() throws {
        #expect(try IPAddress(" 10.5.50.1 ").description == "10.5.50.1")
        #expect(try IPAddress("2001:DB8:0:0::1").description == "2001:db8::1")
        #expect(throws: IPAddress.ParseError.self) { try IPAddress("10.5.50") }
        #expect(throws: IPAddress.ParseError.self) { try IPAddress("router.local") }
    }

    @Test func radiusAttributesParseWithOrWithoutQuotes() throws {
        #expect(
            try RadiusAttribute(parsing: "Mikrotik-Group = portal-only")
                == RadiusAttribute(name: "Mikrotik-Group", value: "portal-only"))
        #expect(try RadiusAttribute(parsing: "Mikrotik-Rate-Limit=\"2M/10M 4M/20M\"").value == "2M/10M 4M/20M")
        for bad in ["Mikrotik-Group", "= x", "1Bad = x", "Name =", "Na me = x"] {
            #expect(throws: RadiusAttribute.ParseError.self) { try RadiusAttribute(parsing: bad) }
        }
    }
}
