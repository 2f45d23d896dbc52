import Foundation
import Hummingbird
import HummingbirdCore

/// The hotspot's own web pages (the `www` servlet on the hotspot address), as the manual's
/// "Hotspot customisation" describes them: `GET /login` serves `login.html` with its `$(name)` and
/// `$(name-esc)` variables filled in (a fresh CHAP id and challenge each time), `POST /login`
/// takes `username`, `password` and `dst`, logs the device in by the method `login-by` allows
/// (`http-chap`: the password is the hex MD5 answer to the page's challenge; `http-pap`: the
/// password itself), redirects to `dst` on success and shows `login.html` again with `$(error)`
/// when refused. The device is the one whose browser the test opened (a real router knows it by
/// its address).
struct SimulatedLoginPage: Sendable {
    let port: Int
    let task: Task<Void, any Error>

    static func start(for hotspot: SimulatedHotspot) async throws -> SimulatedLoginPage {
        let router = Router()
        router.get("/login") { [weak hotspot] request, _ -> Response in
            guard let hotspot else { return Self.html("router stopping", status: .serviceUnavailable) }
            let dst = request.uri.queryParameters["dst"].map(String.init)
            return Self.html(hotspot.loginPageHTML(error: nil, originalURL: dst))
        }
        router.post("/login") { [weak hotspot] request, _ -> Response in
            guard let hotspot else { return Self.html("router stopping", status: .serviceUnavailable) }
            let body = try await request.body.collect(upTo: 16_384)
            let form = Self.form(String(buffer: body))
            let outcome = await hotspot.formLogin(
                username: form["username"] ?? "", password: form["password"] ?? "")
            switch outcome {
            case .loggedIn:
                let target = form["dst"].flatMap { $0.isEmpty ? nil : $0 } ?? "/status"
                return Response(status: .found, headers: [.location: target])
            case .refused(let error):
                return Self.html(hotspot.loginPageHTML(error: error, originalURL: form["dst"]))
            }
        }
        router.get("/status") { [weak hotspot] _, _ -> Response in
            Self.html(hotspot?.browserIsLoggedIn == true ? "<p>You are logged in</p>" : "<p>Not logged in</p>")
        }
        let (port, task) = try await LoopbackServer.start(router, name: "simulated RouterOS hotspot")
        return SimulatedLoginPage(port: port, task: task)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `application/x-www-form-urlencoded`, as a browser posts a form.
    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let name = parts.first { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// RouterOS's `$(name-esc)`: the value URL-escaped for a link.
    static func escaped(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Fills `$(name)` and `$(name-esc)` in a servlet page.
    static func render(_ template: String, _ variables: [String: String]) -> String {
        var page = template
        for (name, value) in variables {
            page = page.replacingOccurrences(of: "$(\(name)-esc)", with: escaped(value))
                .replacingOccurrences(of: "$(\(name))", with: value)
        }
        return page
    }

    /// A plain `login.html` when the test gives none: the form a factory router shows.
    static let factoryTemplate = """
        <!doctype html><html><body><p id="error">$(error)</p>
        <form name="login" action="$(link-login-only)" method="post">
        <input name="username"><input name="password" type="password">
        <input type="hidden" name="dst" value="$(link-orig)"><input type="submit" value="OK"></form>
        <p id="chap">$(chap-id)|$(chap-challenge)</p></body></html>
        """
}
