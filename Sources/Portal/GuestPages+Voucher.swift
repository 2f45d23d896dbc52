import Checkout
import Foundation
import HotspotPayCore
import Hummingbird

extension GuestPages {
    /// "I have a code": the code is redeemed for this device, which then follows a paid purchase's
    /// path (its page logs it in, or the unlock worker does). Codes that give nothing count against
    /// the device and the address; a device past its limit is told when to try again.
    func redeemVoucher(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let form: CodeForm
        switch try await codeForm(request, context, enabled: options.vouchers != nil) {
        case .success(let posted): form = posted
        case .failure(let answer): return answer.response
        }
        guard let vouchers = options.vouchers else { return Self.redirect(to: "/") }
        let typed = (form.fields["code"] ?? "").trimmingCharacters(in: .whitespaces)
        let now = clock()
        let keys: [(any AttemptCounter, String)] = [
            (codeLimits.missesPerDevice, "\(form.mac)"),
            (codeLimits.missesPerAddress, "\(form.address)@\(form.router.id)"),
        ]
        if let refused = await reserveCodeAttempt(form, keys, request, context, now: now) { return refused }
        let redeemed: VoucherRedeemer.Redeemed
        do {
            redeemed = try await vouchers.redeem(
                typed, mac: form.mac, routerID: form.router.id, clientIP: form.visit.ip.flatMap { try? IPAddress($0) })
        } catch {
            context.logger.notice(
                "voucher refused", metadata: ["reason": "\(error)", "mac": "\(form.mac)", "address": "\(form.address)"])
            let key: String
            switch error {
            case .malformed, .refused(.unknown): key = "voucherUnknown"
            case .refused(.expired): key = "voucherExpired"
            case .refused(.revoked): key = "voucherRevoked"
            case .refused(.usedUp): key = "voucherUsed"
            case .refused(.planGone): key = "planGone"
            case .unavailable: key = "voucherUnavailable"
            }
            // Our failure, not the guest's: it does not count against them.
            if case .unavailable = error { await giveBack(keys, now: now) }
            return try await plansPage(
                request, form.language, visit: form.visit, demo: form.demo, error: pages.text(key, form.language),
                status: key == "voucherUnavailable" ? .serviceUnavailable : .unprocessableContent, voucherCode: typed)
        }
        // A code that worked is not a guess.
        await giveBack(keys, now: now)
        let sale = redeemed.sale
        context.logger.info(
            "voucher redeemed",
            metadata: ["order": "\(sale.orderCode)", "mac": "\(form.mac)", "plan": "\(sale.planID)"])
        // Only the request that made the sale becomes its buyer: a code redeemed by this MAC before
        // (a code printed for every table, typed again with a guest's MAC) proves nothing.
        guard redeemed.isNew else {
            return Self.redirect(to: "/pay/\(sale.id)?lang=\(form.language.rawValue)")
        }
        return try await handOver(sale, form, request)
    }
}
