import Crypto
import HotspotPayCore

/// The password the success page posts to the router's `link-login-only`: the one-time secret
/// itself for HTTP-PAP, or RouterOS's HTTP-CHAP form `hex(MD5(chap-id ‖ secret ‖ chap-challenge))`,
/// computed here so the page needs no MD5 script and the secret never reaches the browser in clear.
enum HotspotLoginPassword {
    static func password(secret: LoginSecret, login: HotspotLogin) -> String {
        guard let id = login.chapID, let challenge = login.chapChallenge else { return secret.text }
        let digest = Insecure.MD5.hash(data: id + Array(secret.text.utf8) + challenge)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
