import Checkout
import Foundation
import HotspotPayCore
import Hummingbird

extension GuestPages {
    /// "Paid already, but this phone shows a new address": the purchase's receipt code moves its
    /// remaining pass to this device. Codes that find nothing count against the device, the
    /// address and the whole venue.
    func movePass(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let language = Self.language(request)
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = FormFields.decode(String(buffer: body))
        let visit = GuestVisit(fields: form)
        let demo = isDemoDevice(request, visit)
        let typed = (form["receipt"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let mover = options.moves, let macText = visit.mac, let mac = try? MACAddress(macText) else {
            return message(
                request, language, status: .badRequest, heading: "badRequestHeading", text: "voucherNoDevice")
        }
        guard let router = try routers.resolve(visit.router) else {
            return message(
                request, language, status: .notFound, heading: "unknownRouterHeading", text: "unknownRouterText")
        }
        let address = proxies.clientAddress(request, context)
        let now = clock()
        let keys: [(RequestThrottle, String)] = [
            (voucherMisses.device, "\(mac)"), (voucherMisses.address, address), (moveMissesEverywhere, "venue"),
        ]
        for (throttle, key) in keys {
            guard let wait = throttle.attempt(key, now: now) else { continue }
            context.logger.notice("pass moves throttled", metadata: ["mac": "\(mac)", "address": "\(address)"])
            var response = message(
                request, language, status: .tooManyRequests, heading: "tooManyHeading", text: "voucherTooMany")
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        let purchase: Transaction
        do {
            purchase = try await mover.move(receipt: typed, to: mac, routerID: router.id)
        } catch {
            context.logger.notice(
                "pass not moved", metadata: ["reason": "\(error)", "mac": "\(mac)", "address": "\(address)"])
            let key: String
            switch error {
            case .malformed, .refused(.unknownReceipt): key = "moveUnknown"
            case .refused(.noActiveAccess): key = "moveEnded"
            case .refused(.tooManyMoves): key = "moveTooMany"
            case .refused(.deviceHasAccess): key = "moveHasAccess"
            case .unavailable: key = "voucherUnavailable"
            }
            if case .unavailable = error { for (throttle, key) in keys { throttle.release(key, now: now) } }
            return try await plansPage(
                request, language, visit: visit, demo: demo, error: pages.text(key, language),
                status: key == "voucherUnavailable" ? .serviceUnavailable : .unprocessableContent)
        }
        for (throttle, key) in keys { throttle.release(key, now: now) }
        let browser = GuestBrowser(request) ?? GuestBrowser.new()
        try await store.addBuyerBrowser(digest: browser.digest, transactionID: purchase.id, at: clock())
        if let login = visit.hotspotLogin, router.serves(login) {
            try await store.saveHotspotLogin(login, transactionID: purchase.id, at: clock())
        }
        context.logger.notice("pass moved", metadata: ["order": "\(purchase.orderCode)", "mac": "\(mac)"])
        var response = Self.redirect(to: "/pay/\(purchase.id)?lang=\(language.rawValue)")
        if GuestBrowser(request) == nil {
            response.headers[.setCookie] = browser.setCookie(secure: secureCookies)
        }
        return response
    }
}
