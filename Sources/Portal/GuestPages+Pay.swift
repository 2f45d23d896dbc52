import Foundation
import HotspotPayCore
import Hummingbird
import QR
import ServiceLifecycle

extension GuestPages {
    /// `/pay/{id}`: the page for one purchase in whatever state it is in. Providers send the
    /// browser back here, and reopening the portal from the same device lands here again.
    func payPage(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let language = Self.language(request)
        let id = try context.parameters.require("id")
        guard let transaction = try await store.transaction(id: id) else {
            return message(
                request, language, status: .notFound, heading: "notFoundHeading", text: "notFoundText",
                link: ("/?lang=\(language.rawValue)", pages.text("backToPlans", language)))
        }
        let (progress, grant, unlockTrouble) = try await progress(of: transaction)
        let query = Self.query(request)
        let router = try routers.entries().first { $0.id == transaction.routerID }
        // The buyer is the browser that checked out, or one that typed the receipt code in.
        let browser = GuestBrowser(request)
        var buyer = try await isBuyer(browser, of: transaction)
        var newBrowser: GuestBrowser?
        // Ten codes per purchase per ten minutes against a 30¹² code.
        if !buyer, let typed = query["receipt"],
            await codeLimits.receiptPerPurchase.count(transaction.id, now: clock()) == nil,
            Self.receiptMatches(typed, ReceiptCode(of: transaction))
        {
            let proven = browser ?? GuestBrowser.new()
            if browser == nil { newBrowser = proven }
            try await store.addBuyerBrowser(digest: proven.digest, transactionID: transaction.id, at: clock())
            buyer = true
        }
        // Only the buyer gets a login: the link's context (the router's fresh one, when the portal
        // was reopened) or the stored one. Anyone else could add a challenge of their choosing to
        // the link and take the CHAP answer (or, over HTTPS, the password) for the guest's MAC.
        var login: HotspotLogin?
        if buyer {
            login = GuestVisit(fields: query).hotspotLogin.flatMap { router?.serves($0) == true ? $0 : nil }
            if login == nil { login = try await store.hotspotLogin(transactionID: transaction.id) }
        }
        let visit = GuestVisit(transaction: transaction, login: login, mac: grant?.mac)
        let planName = try await store.plan(id: transaction.planID)?.name[language] ?? transaction.planID
        var values: [String: Any] = [
            "orderCode": transaction.orderCode.description, "amount": transaction.amount.formatted(language),
            "planName": planName, "eventsURL": "/pay/\(id)/events", "stateURL": "/pay/\(id)/state",
        ]
        switch progress {
        case .awaitingPayment:
            values["title"] = pages.text("titlePay", language)
            values["refresh"] = 5
            values["expiresAtMillis"] = Int64(transaction.expiresAt.timeIntervalSince1970 * 1000)
            values["expiresAtText"] = PortalText.remaining(
                seconds: Int64(transaction.expiresAt.timeIntervalSince(clock())), language, pages)
            values["otherPlanURL"] = visit.landingURL(language: language, fresh: true)
            // Shown to the buyer before they leave for the banking app: a captive mini-browser
            // often closes meanwhile, and a reopened one has no cookie to prove the buyer. (Not put
            // in the providers' payment messages: they echo them into return-URL query strings,
            // and so into every proxy's access log.)
            if buyer { values["receiptCode"] = ReceiptCode(of: transaction).description }
            if let payment = try await store.paymentRequest(transactionID: id) {
                values["payment"] = true
                if let payload = payment.qrPayload, let code = try? QRCode(payload) {
                    values["qrSVG"] = code.svg(title: "QR \(transaction.orderCode)")
                }
                if let url = payment.payURL { values["payURL"] = url }
                if let link = payment.deeplink { values["deeplink"] = link }
            }
            return html(request, language, template: "pay", values: values)
        case .paid, .online:
            values["title"] = pages.text("titleDone", language)
            values["state"] = progress.state
            values["online"] = progress == .online
            values["trouble"] = unlockTrouble
            values["moreURL"] = visit.landingURL(language: language, fresh: true)
            if progress != .online { values["refresh"] = 5 }
            if buyer {
                values["details"] = true
                values["receiptCode"] = ReceiptCode(of: transaction).description
                if let grant {
                    values["timeLeft"] = PortalText.remaining(seconds: grant.secondsLeft(at: clock()), language, pages)
                    if let bytes = grant.dataRemainingBytes { values["dataLeft"] = ByteCount.format(bytes) }
                    values["low"] = grant.isRunningLow(at: clock())
                    // One tap per plan: a purchase that extends this grant (and the live session by CoA).
                    let offers = try await topUps(visit: visit, language: language)
                    values["topUps"] = offers ?? []
                    values["hasTopUps"] = offers != nil
                }
            } else {
                // The receipt code proves the buyer; the page's login context comes along.
                values["receiptForm"] = [
                    "action": "/pay/\(id)",
                    "hidden": ([("lang", language.rawValue)] + GuestVisit(fields: query).loginFields).map {
                        ["name": $0.name, "value": $0.value]
                    },
                ]
            }
            if let original = login?.originalURL, original.lowercased().hasPrefix("http") {
                values["originalURL"] = original
            }
            if progress != .online,
                var form = try await loginForm(transaction, device: grant?.mac, login: login, router: router)
            {
                let routerError = query["router_error"]
                form["auto"] = routerError == nil ? "1" : "0"
                values["login"] = form
                if let routerError { values["routerError"] = routerError }
            }
            var response = html(request, language, template: "done", values: values)
            if let newBrowser { response.headers[.setCookie] = newBrowser.setCookie(secure: secureCookies) }
            return response
        case .closed(let reason):
            values["title"] = pages.text("titleClosed", language)
            values["heading"] = pages.text("\(reason.rawValue)Heading", language)
            values["explanation"] = pages.text("\(reason.rawValue)Text", language)
            values["retryURL"] = visit.landingURL(language: language, fresh: true)
            return html(request, language, template: "closed", values: values)
        }
    }

    /// For the `login` strategy: the form that logs the browser in at the router, username = MAC.
    /// With the router's CHAP challenge the password is the CHAP response, useless to any other
    /// device; the one-time secret itself is sent (HTTP-PAP) only when the portal is on HTTPS.
    /// `device`: the MAC holding the pass now (another than the purchase's after a move).
    func loginForm(
        _ transaction: Transaction, device: MACAddress?, login: HotspotLogin?, router: RouterIndex.Entry?
    ) async throws -> [String: String]? {
        guard let login, let secret = transaction.loginSecret, let router, router.strategy == .login,
            router.serves(login), login.usesCHAP || secureCookies
        else { return nil }
        return [
            "action": login.loginURL, "username": (device ?? transaction.mac).description,
            "password": HotspotLoginPassword.password(secret: secret, login: login), "dst": login.originalURL ?? "",
        ]
    }

    /// The receipt code as a guest types it (any case, spaces or dashes) against the purchase's.
    static func receiptMatches(_ typed: String, _ code: ReceiptCode) -> Bool {
        let cleaned = String(typed.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(32))
        return ConstantTime.equal(cleaned, code.value)
    }

    /// Reads what decides the page: the transaction, and once paid its grant, unlock jobs and sessions.
    func progress(of transaction: Transaction) async throws -> (CheckoutProgress, Grant?, Bool) {
        guard transaction.status == .paid else {
            return (
                CheckoutProgress.of(transaction, grant: nil, unlockJobs: [], sessions: [], now: clock()), nil, false
            )
        }
        // The grant this purchase paid for, wherever it is now: a pass moved to a phone's new MAC
        // is that phone's.
        let grant = try await store.grant(transactionID: transaction.id)
        let jobs = try await store.unlockJobs(transactionID: transaction.id)
        let sessions = try await store.openSessions(mac: grant?.mac ?? transaction.mac)
        let progress = CheckoutProgress.of(
            transaction, grant: grant, unlockJobs: jobs, sessions: sessions, now: clock())
        if case .paid(let trouble) = progress { return (progress, grant, trouble) }
        return (progress, grant, false)
    }

    /// `/pay/{id}/state`: what the page's polling fallback asks for.
    func stateJSON(context: PortalRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let transaction = try await store.transaction(id: id) else {
            throw HTTPError(.notFound, message: "no transaction '\(id)'")
        }
        let (progress, _, _) = try await progress(of: transaction)
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.stateDocument(transaction, progress))))
    }

    static func stateDocument(_ transaction: Transaction, _ progress: CheckoutProgress) -> String {
        #"{"state":"\#(progress.state)","status":"\#(transaction.status.rawValue)"}"#
    }

    /// `/pay/{id}/events`: server-sent events, one `data:` line whenever the page state changes,
    /// read from the database each second so that it works whichever node applied the payment.
    func events(context: PortalRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await store.transaction(id: id) != nil else {
            throw HTTPError(.notFound, message: "no transaction '\(id)'")
        }
        let seconds = options.eventStreamSeconds
        guard let ticket = openStreams.open(limit: options.eventStreamLimit) else {
            // The page's script falls back to polling /state when the stream fails.
            throw HTTPError(
                .serviceUnavailable, headers: [.retryAfter: "5"],
                message: "too many status streams open: poll /pay/\(id)/state instead")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                var last = ""
                // Tell the browser to wait 3 s before reconnecting after a drop.
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                for tick in 0..<seconds {
                    guard let transaction = try await store.transaction(id: id) else { break }
                    let (progress, _, _) = try await progress(of: transaction)
                    let document = Self.stateDocument(transaction, progress)
                    if document != last {
                        try await writer.write(ByteBuffer(string: "data: \(document)\n\n"))
                        last = document
                    } else if tick % 15 == 14 {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                    if progress == .online || progress.state == "closed" { break }
                    // A stopping daemon ends its streams (the page polls, then reconnects to a
                    // node that runs): the server waits for open responses before it exits.
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                    if Task.isShuttingDownGracefully || Task.isCancelled { break }
                }
                try await writer.finish(nil)
                // The place among open streams is held until here (and given back if never written).
                withExtendedLifetime(ticket) {}
            })
    }
}

extension GuestPages {
    /// The plans as one-tap purchases from the connected page, with the first provider and the
    /// device's visit fields; nil when nothing is on sale.
    func topUps(visit: GuestVisit, language: Language) async throws -> [[String: Any]]? {
        let router = try routers.resolve(visit.router)?.address
        guard let provider = checkout.providers(at: router).first?.id.rawValue else { return nil }
        let plans = try await store.plans(includeInactive: false)
        guard !plans.isEmpty else { return nil }
        let hidden = visit.fields.map { ["name": $0.name, "value": $0.value] }
        return plans.map { plan in
            [
                "plan": plan.id, "provider": provider, "label": plan.name[language],
                "price": plan.price.formatted(language), "hidden": hidden,
            ]
        }
    }
}
