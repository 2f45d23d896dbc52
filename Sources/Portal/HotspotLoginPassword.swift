import HotspotPayCore
import Radius

/// The password the success page posts to the router's `link-login-only`: the one-time secret
/// itself for HTTP-PAP, or RouterOS's HTTP-CHAP form `hex(MD5(chap-id ‖ secret ‖ chap-challenge))`,
/// computed here so the page needs no MD5 script and the secret never reaches the browser in clear.
enum HotspotLoginPassword {
    static func password(secret: LoginSecret, login: HotspotLogin) -> String {
        guard let id = login.chapID, let challenge = login.chapChallenge else { return secret.text }
        return ASCIIHex.lowercase(CHAPResponse.digest(identifier: id, secret: secret.text, challenge: challenge))
    }
}
