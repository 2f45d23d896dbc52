import Crypto
import HotspotPayCore

/// Checks the password a device presented in an Access-Request (PAP or CHAP) against a
/// secret the server knows. libfreeradius has already undone User-Password's hiding.
extension AccessRequest {
    /// True when the request carries a PAP or CHAP password.
    public var presentsPassword: Bool { password != nil || chapPassword != nil }

    /// True when this is the router authenticating a device by its MAC (`login-by=mac`): the
    /// User-Name is the device's MAC (the one in Calling-Station-Id) and the password is absent,
    /// empty, or the MAC again (`mac-as-username-and-password`; RouterOS's exact choice is not
    /// documented, so both are taken).
    public func isMACAuthentication(of mac: String) -> Bool {
        guard chapPassword == nil, Self.sameMAC(userName, mac) else { return false }
        guard let password, !password.isEmpty else { return true }
        return Self.sameMAC(password, mac)
    }

    static func sameMAC(_ a: String, _ b: String) -> Bool {
        let digits = { (text: String) in String(text.lowercased().filter(\.isHexDigit)) }
        let left = digits(a)
        return left.count == 12 && left == digits(b)
    }

    /// True when the PAP password equals `secret`, or the CHAP response is
    /// MD5(ident ‖ secret ‖ challenge) (RFC 1994 §4.1, RFC 2865 §5.3).
    public func presents(secret: String) -> Bool {
        if let password { return ConstantTime.equal(password, secret) }
        guard let chapPassword, chapPassword.count == 17, let challenge = chapChallenge else { return false }
        let expected = CHAPResponse.digest(identifier: [chapPassword[0]], secret: secret, challenge: challenge)
        return ConstantTime.equal(expected, Array(chapPassword[1...]))
    }
}
