import Crypto
import HotspotPayCore

extension ReceiptCode {
    /// A purchase's receipt code, derived from its callback token (128 random bits the store
    /// already keeps, never shown to a browser): nothing new to keep secret at rest, and the page
    /// can show the buyer the code again on every visit.
    public init(callbackToken: CallbackToken) {
        var hash = SHA256()
        hash.update(data: Array("hotspotpay receipt v1:".utf8))
        hash.update(data: Array(callbackToken.hex.utf8))
        self.init(digest: hash.finalize())
    }

    public init(of transaction: Transaction) { self.init(callbackToken: transaction.callbackToken) }

    /// What the store keeps to find a purchase by its receipt code: the SHA-256 of the code,
    /// in hex. The code itself is never stored.
    public var digest: String {
        ASCIIHex.lowercase(SHA256.hash(data: Array(value.utf8)))
    }
}
