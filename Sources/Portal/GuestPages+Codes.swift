import Checkout
import Foundation
import HotspotPayCore
import Hummingbird

/// What the plans page's code forms ("I have a code", "my phone shows a new address") share: the
/// posted device and router, the throttles for codes that give nothing, and the way a purchase the
/// code stood for is handed to this browser.
extension GuestPages {
    /// A code form as posted: the device, the router it came through, the caller's address.
    struct CodeForm {
        var language: Language
        var fields: [String: String]
        var visit: GuestVisit
        var demo: Bool
        var mac: MACAddress
        var router: RouterIndex.Entry
        var address: String
    }

    /// The posted form, or the answer to give when it names no device or no known router.
    func codeForm(_ request: Request, _ context: PortalRequestContext, enabled: Bool) async throws
        -> Result<CodeForm, ResponseError>
    {
        let language = Self.language(request)
        let body = try await request.body.collect(upTo: 16 * 1024)
        let fields = FormFields.decode(String(buffer: body))
        let visit = GuestVisit(fields: fields)
        guard enabled, let macText = visit.mac, let mac = try? MACAddress(macText) else {
            return .failure(
                ResponseError(
                    message(
                        request, language, status: .badRequest, heading: "badRequestHeading", text: "voucherNoDevice")))
        }
        guard let router = try routers.resolve(visit.router) else {
            return .failure(
                ResponseError(
                    message(
                        request, language, status: .notFound, heading: "unknownRouterHeading", text: "unknownRouterText"
                    )))
        }
        return .success(
            CodeForm(
                language: language, fields: fields, visit: visit, demo: isDemoDevice(request, visit), mac: mac,
                router: router, address: proxies.clientAddress(request, context)))
    }

    /// A response carried through `Result`.
    struct ResponseError: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    /// Counts one attempt on each limit; the 429 to answer when one of them is spent (the
    /// attempts counted before it are given back: they were not tried).
    func reserveCodeAttempt(
        _ form: CodeForm, _ keys: [(any AttemptCounter, String)], _ request: Request, _ context: PortalRequestContext,
        now: Date
    ) async -> Response? {
        for (index, (limit, key)) in keys.enumerated() {
            guard let wait = await limit.count(key, now: now) else { continue }
            await giveBack(keys.prefix(index), now: now)
            context.logger.notice(
                "code attempts throttled", metadata: ["mac": "\(form.mac)", "address": "\(form.address)"])
            var response = message(
                request, form.language, status: .tooManyRequests, heading: "tooManyHeading", text: "voucherTooMany")
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        return nil
    }

    /// Takes back attempts that were not guesses (a code that worked, or our own failure).
    func giveBack(_ keys: some Sequence<(any AttemptCounter, String)>, now: Date) async {
        for (limit, key) in keys { await limit.giveBack(key, now: now) }
    }

    /// The purchase the code stood for becomes this browser's: its page, its router login.
    func handOver(_ purchase: Transaction, _ form: CodeForm, _ request: Request) async throws -> Response {
        let browser = GuestBrowser(request) ?? GuestBrowser.new()
        try await store.addBuyerBrowser(digest: browser.digest, transactionID: purchase.id, at: clock())
        if let login = form.visit.hotspotLogin, form.router.serves(login) {
            try await store.saveHotspotLogin(login, transactionID: purchase.id, at: clock())
        }
        var response = Self.redirect(to: "/pay/\(purchase.id)?lang=\(form.language.rawValue)")
        if GuestBrowser(request) == nil {
            response.headers[.setCookie] = browser.setCookie(secure: secureCookies)
        }
        return response
    }
}
