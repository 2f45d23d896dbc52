import Checkout
import Foundation
import HotspotPayCore
import Hummingbird

extension GuestPages {
    /// "I have a code": the code is redeemed for this device, which then follows a paid purchase's
    /// path (its page logs it in, or the unlock worker does). Codes that give nothing count against
    /// the device and the address; a device past its limit is told when to try again.
    func redeemVoucher(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let language = Self.language(request)
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = FormFields.decode(String(buffer: body))
        let visit = GuestVisit(fields: form)
        let demo = isDemoDevice(request, visit)
        let typed = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let vouchers = options.vouchers, let macText = visit.mac, let mac = try? MACAddress(macText) else {
            return message(
                request, language, status: .badRequest, heading: "badRequestHeading", text: "voucherNoDevice")
        }
        guard let router = try routers.resolve(visit.router) else {
            return message(
                request, language, status: .notFound, heading: "unknownRouterHeading", text: "unknownRouterText")
        }
        let address = proxies.clientAddress(request, context)
        let now = clock()
        if let wait = voucherMisses.device.attempt("\(mac)", now: now)
            ?? voucherMisses.address.attempt(address, now: now)
        {
            context.logger.notice("voucher attempts throttled", metadata: ["mac": "\(mac)", "address": "\(address)"])
            var response = message(
                request, language, status: .tooManyRequests, heading: "tooManyHeading", text: "voucherTooMany")
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        let sale: Transaction
        do {
            sale = try await vouchers.redeem(
                typed, mac: mac, routerID: router.id, clientIP: visit.ip.flatMap { try? IPAddress($0) })
        } catch {
            context.logger.notice(
                "voucher refused", metadata: ["reason": "\(error)", "mac": "\(mac)", "address": "\(address)"])
            let key: String
            switch error {
            case .malformed, .refused(.unknown): key = "voucherUnknown"
            case .refused(.expired): key = "voucherExpired"
            case .refused(.revoked): key = "voucherRevoked"
            case .refused(.usedUp): key = "voucherUsed"
            case .refused(.planGone): key = "planGone"
            case .unavailable: key = "voucherUnavailable"
            }
            if case .unavailable = error {
                // Our failure, not the guest's: it does not count against them.
                voucherMisses.device.release("\(mac)", now: now)
                voucherMisses.address.release(address, now: now)
            }
            return try await plansPage(
                request, language, visit: visit, demo: demo, error: pages.text(key, language),
                status: key == "voucherUnavailable" ? .serviceUnavailable : .unprocessableContent, voucherCode: typed)
        }
        // A code that worked is not a guess.
        voucherMisses.device.release("\(mac)", now: now)
        voucherMisses.address.release(address, now: now)
        let browser = GuestBrowser(request) ?? GuestBrowser.new()
        try await store.addBuyerBrowser(digest: browser.digest, transactionID: sale.id, at: clock())
        if let login = visit.hotspotLogin, router.serves(login) {
            try await store.saveHotspotLogin(login, transactionID: sale.id, at: clock())
        }
        context.logger.info(
            "voucher redeemed", metadata: ["order": "\(sale.orderCode)", "mac": "\(mac)", "plan": "\(sale.planID)"])
        var response = Self.redirect(to: "/pay/\(sale.id)?lang=\(language.rawValue)")
        if GuestBrowser(request) == nil {
            response.headers[.setCookie] = browser.setCookie(secure: secureCookies)
        }
        return response
    }
}
