import Console
import Foundation
import HotspotPayCore
import Store
import TestSupport
import Testing

@Suite struct SalesLedgerTests {
    @Test func searchFiltersPagesAndCounts() async throws {
        let harness = try await ConsoleHarness()
        for index in 0..<5 {
            _ = try await harness.paidSale(mac: try MACAddress(String(format: "AA:BB:CC:DD:EE:%02X", index + 16)))
        }
        let pending = Fixtures.transaction()
        try await harness.store.insertTransaction(pending, actor: "test")
        let page = try await harness.console.sales.search(
            try SalesQuery(parameters: ["status": "paid", "per_page": "2", "page": "2"]))
        #expect(page.total == 5)
        #expect(page.sales.count == 2)
        #expect(page.sales.allSatisfy { $0.status == .paid })
        let byOrder = try await harness.console.sales.search(
            try SalesQuery(parameters: ["order": pending.orderCode.description.lowercased()]))
        #expect(byOrder.sales.map(\.id) == [pending.id])
        let today = harness.console.venue.dayText(Date())
        #expect(
            try await harness.console.sales.search(try SalesQuery(parameters: ["from": today, "to": today])).total == 6)
        #expect(try await harness.console.sales.search(try SalesQuery(parameters: ["to": "2020-01-01"])).total == 0)
    }

    @Test func badSearchInputNamesEachField() {
        do {
            _ = try SalesQuery(parameters: [
                "status": "lost", "mac": "zz", "from": "28/11/2026", "page": "0", "per_page": "100000",
            ])
            Issue.record("accepted")
        } catch {
            #expect(Set(error.problems.map(\.field)) == ["status", "mac", "from", "page", "per_page"])
        }
    }

    @Test func csvQuotesFieldsAndDefusesSpreadsheetFormulas() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()
        let csv = try await harness.console.sales.csv(SalesQuery())
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first == SalesLedger.csvHeader)
        #expect(lines.count == 2)
        #expect(lines[1].contains(sale.orderCode.description))
        #expect(lines[1].contains(",paid,1h,10000,sandbox,"))
        #expect(SalesLedgerProbe.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(SalesLedgerProbe.field("-5") == "'-5")
        #expect(SalesLedgerProbe.field("a,b") == "\"a,b\"")
        #expect(SalesLedgerProbe.field("plain") == "plain")
    }

    @Test func theTimelineTellsTheSaleInOrder() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale()
        try await harness.store.savePaymentRequest(
            PaymentRequest(
                qrPayload: "x", payURL: "x", deeplink: nil, providerOrderID: "ORDER-1", expiresAt: sale.expiresAt),
            transactionID: sale.id)
        // The router reports the device's session after the payment: it is online.
        try await harness.store.recordSession(
            RadiusSession(
                routerID: "cafe", acctSessionID: "s-9", mac: sale.mac, userName: sale.mac.description,
                framedIP: try IPAddress("10.5.50.7"), startedAt: Date().addingTimeInterval(1),
                updatedAt: Date().addingTimeInterval(1)))
        let detail = try await harness.console.sales.sale(id: sale.orderCode.description)
        let steps = detail.timeline.map(\.step)
        #expect(steps.first == "created")
        for step in ["provider_request", "paid", "grant", "online"] { #expect(steps.contains(step)) }
        #expect(steps.firstIndex(of: "paid")! < steps.firstIndex(of: "online")!)
        #expect(detail.timeline.map(\.at) == detail.timeline.map(\.at).sorted())
        #expect(detail.grant?.status == .active)
        #expect(detail.refundable == sale.amount)
    }

    @Test func theDashboardCountsTodayAndFlagsStuckUnlocks() async throws {
        let harness = try await ConsoleHarness()
        let sale = try await harness.paidSale(at: Date().addingTimeInterval(-120))
        let summary = try await harness.console.dashboard.summary()
        #expect(summary.today.sales == 1)
        #expect(summary.today.net == sale.amount)
        #expect(summary.paymentsPerHour.count == 24)
        #expect(summary.paymentsPerHour.map(\.sales).reduce(0, +) == 1)
        #expect(summary.activeGrants == 1)
        // Its CoA job has been queued for two minutes without an answer.
        #expect(summary.stuckUnlocks.map(\.transactionID) == [sale.id])
    }

    @Test func venueDaysAreVietnamDays() throws {
        let venue = VenueTime()
        let day = try venue.day("2026-11-28", field: "from")
        #expect(day == Date(timeIntervalSince1970: 1_795_798_800))  // 2026-11-27T17:00:00Z
        #expect(venue.dayText(day) == "2026-11-28")
        #expect(venue.startOfDay(day.addingTimeInterval(86_399)) == day)
        #expect(venue.text(day) == "2026-11-28 00:00")
        // The hand-written calendar agrees with Foundation's over leap years and month ends.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        var generator = SeededGenerator(seed: 28)
        for _ in 0..<2000 {
            let date = Date(
                timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator).rounded(.down))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(venue.text(date, seconds: true) == expected)
        }
    }
}

/// Reaches the ledger's CSV quoting through its public output.
enum SalesLedgerProbe {
    static func field(_ text: String) -> String { SalesLedger.csvField(text) }
}
