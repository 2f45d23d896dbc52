import Crypto

/// The CHAP response to a challenge: MD5(identifier ‖ secret ‖ challenge) (RFC 1994 §4.1). The
/// RADIUS server checks it in a CHAP-Password; the success page posts it (hex) to RouterOS's
/// login page for HTTP-CHAP. One definition for both.
public enum CHAPResponse {
    public static func digest(identifier: [UInt8], secret: String, challenge: [UInt8]) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(data: identifier)
        md5.update(data: Array(secret.utf8))
        md5.update(data: challenge)
        return Array(md5.finalize())
    }
}
