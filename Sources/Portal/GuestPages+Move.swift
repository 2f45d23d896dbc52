import Checkout
import Foundation
import HotspotPayCore
import Hummingbird

extension GuestPages {
    /// "Paid already, but this phone shows a new address": the purchase's receipt code moves its
    /// remaining pass to this device. Codes that find nothing count against the device and the
    /// address; there is no venue-wide count, which a flood from a few addresses would spend for
    /// every guest (a 30¹² code needs none: see docs/OPERATIONS.md).
    func movePass(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let form: CodeForm
        switch try await codeForm(request, context, enabled: options.moves != nil) {
        case .success(let posted): form = posted
        case .failure(let answer): return answer.response
        }
        guard let mover = options.moves else { return Self.redirect(to: "/") }
        let typed = (form.fields["receipt"] ?? "").trimmingCharacters(in: .whitespaces)
        let now = clock()
        let keys: [(any AttemptCounter, String)] = [
            (codeLimits.missesPerDevice, "\(form.mac)"),
            (codeLimits.missesPerAddress, "\(form.address)@\(form.router.id)"),
        ]
        if let refused = await reserveCodeAttempt(form, keys, request, context, now: now) { return refused }
        let purchase: Transaction
        do {
            purchase = try await mover.move(receipt: typed, to: form.mac, routerID: form.router.id)
        } catch {
            context.logger.notice(
                "pass not moved", metadata: ["reason": "\(error)", "mac": "\(form.mac)", "address": "\(form.address)"])
            let key: String
            switch error {
            case .malformed, .refused(.unknownReceipt): key = "moveUnknown"
            case .refused(.noActiveAccess): key = "moveEnded"
            case .refused(.tooManyMoves): key = "moveTooMany"
            case .refused(.deviceHasAccess): key = "moveHasAccess"
            case .unavailable: key = "voucherUnavailable"
            }
            if case .unavailable = error { await giveBack(keys, now: now) }
            return try await plansPage(
                request, form.language, visit: form.visit, demo: form.demo, error: pages.text(key, form.language),
                status: key == "voucherUnavailable" ? .serviceUnavailable : .unprocessableContent)
        }
        await giveBack(keys, now: now)
        context.logger.notice("pass moved", metadata: ["order": "\(purchase.orderCode)", "mac": "\(form.mac)"])
        return try await handOver(purchase, form, request)
    }
}
