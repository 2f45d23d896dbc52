import Checkout
import HotspotPayCore
import Hummingbird
import Payments
import Store

/// The sandbox's pretend wallet: `GET /sandbox/wallet/<transaction id>` shows the amount with
/// Pay and Decline buttons; pressing one makes the sandbox produce its signed callback, which is
/// handled by ``CallbackService`` exactly like a real provider's.
struct SandboxWalletRoutes: Sendable {
    let store: any HotspotStore
    let sandbox: SandboxProvider
    let callbacks: CallbackService

    func register(on router: Hummingbird.Router<PortalRequestContext>) {
        router.get("/sandbox/wallet/{id}") { _, context -> Response in
            let transaction = try await load(context)
            return Self.page(
                title: "Ví thử nghiệm · Sandbox wallet",
                body: """
                    <p>Đơn <b>\(transaction.orderCode)</b> · \(HTMLText.escape(transaction.amount.formatted(.vi)))</p>
                    <p>Trạng thái / status: \(transaction.status.rawValue)</p>
                    <form method="post"><button name="action" value="pay">Thanh toán · Pay</button>
                    <button name="action" value="decline">Từ chối · Decline</button></form>
                    <p><small>Không có tiền thật nào được chuyển. No real money moves.</small></p>
                    """)
        }
        router.post("/sandbox/wallet/{id}") { request, context -> Response in
            let transaction = try await load(context)
            let form = try await request.body.collect(upTo: 1024)
            let fields = FormFields.decode(String(buffer: form))
            guard let action = fields["action"], action == "pay" || action == "decline" else {
                throw HTTPError(.badRequest, message: "action must be pay or decline")
            }
            let callback = await sandbox.walletCallback(for: transaction, pay: action == "pay")
            let reply = await callbacks.handle(callback)
            context.logger.info(
                "sandbox wallet",
                metadata: [
                    "order": "\(transaction.orderCode)", "action": "\(action)", "callback": "\(reply?.status ?? 0)",
                ])
            // Like a real wallet: back to the shop's page for this order, which shows the outcome.
            return Response(status: .seeOther, headers: [.location: "/pay/\(transaction.id)"])
        }
    }

    private func load(_ context: PortalRequestContext) async throws -> Transaction {
        let id = try context.parameters.require("id")
        guard let transaction = try await store.transaction(id: id), transaction.provider == .sandbox else {
            throw HTTPError(.notFound, message: "no sandbox transaction '\(id)'")
        }
        return transaction
    }

    static func page(title: String, body: String) -> Response {
        let html = """
            <!doctype html><html lang="vi"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width,initial-scale=1"><title>\(title)</title>
            <style>body{font:16px system-ui,sans-serif;max-width:30rem;margin:1rem auto;padding:0 1rem}
            button{font-size:1.1rem;padding:.6rem 1rem;margin:.3rem}</style></head>
            <body><h1>\(title)</h1>\(body)</body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
