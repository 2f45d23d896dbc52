import Crypto
import HotspotPayCore

/// Checks the password a device presented in an Access-Request (PAP or CHAP) against a
/// secret the server knows. libfreeradius has already undone User-Password's hiding.
extension AccessRequest {
    /// True when the request carries a PAP or CHAP password.
    public var presentsPassword: Bool { password != nil || chapPassword != nil }

    /// True when the PAP password equals `secret`, or the CHAP response is
    /// MD5(ident ‖ secret ‖ challenge) (RFC 1994 §4.1, RFC 2865 §5.3).
    public func presents(secret: String) -> Bool {
        if let password { return ConstantTime.equal(password, secret) }
        guard let chapPassword, chapPassword.count == 17, let challenge = chapChallenge else { return false }
        var md5 = Insecure.MD5()
        md5.update(data: [chapPassword[0]])
        md5.update(data: Array(secret.utf8))
        md5.update(data: challenge)
        return ConstantTime.equal(Array(md5.finalize()), Array(chapPassword[1...]))
    }
}
