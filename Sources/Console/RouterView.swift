import HotspotPayCore

/// A router as the operator API and `hotspotpay routers list --json` show it: everything but the
/// secret, in the API's snake_case keys.
public struct RouterView: Encodable, Sendable {
    public var id, name, nasIdentifier, address, strategy: String
    public var coaPort: Int
    public var captiveAttributes, paidAttributes: [String]
    public var requireMessageAuthenticator: Bool
    public var hotspotAddress: String?
    /// The REST API settings without the password.
    public var apiURL, apiUser, apiCertificateSHA256: String?
    public var apiPlainHTTP: Bool

    public init(_ router: HotspotPayCore.Router) {
        id = router.id
        name = router.name
        nasIdentifier = router.nasIdentifier
        address = router.address.description
        strategy = router.strategy.rawValue
        coaPort = router.coaPort
        captiveAttributes = router.captiveAttributes.map(\.description)
        paidAttributes = router.paidAttributes.map(\.description)
        requireMessageAuthenticator = router.requireMessageAuthenticator
        hotspotAddress = router.hotspotAddress
        apiURL = router.api?.url
        apiUser = router.api?.user
        apiCertificateSHA256 = router.api?.certificateSHA256
        apiPlainHTTP = router.api?.plainHTTP ?? false
    }
}
