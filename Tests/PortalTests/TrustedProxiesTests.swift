import Portal
import Testing

@Suite struct TrustedProxiesTests {
    let proxies = TrustedProxies(["127.0.0.1", "10.0.0.5"])

    @Test func aTrustedProxysForwardedAddressIsTheClient() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "203.0.113.9") == "203.0.113.9")
        // Chained proxies: the nearest hop that is not one of ours.
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "198.51.100.1, 203.0.113.9, 10.0.0.5")
                == "203.0.113.9")
    }

    @Test func anyoneElseCannotChooseTheirAddress() {
        #expect(proxies.clientAddress(peer: "192.0.2.7", forwardedFor: "203.0.113.9") == "192.0.2.7")
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: "203.0.113.9") == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: " , 10.0.0.5") == "127.0.0.1")
    }
}
