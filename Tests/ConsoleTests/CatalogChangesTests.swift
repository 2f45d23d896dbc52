import Console
import Foundation
import HotspotPayCore
import TestSupport
import Testing

@Suite struct CatalogChangesTests {
    @Test func planFieldsAcceptWhatOperatorsTypeAndJSONNumbers() async throws {
        let harness = try await ConsoleHarness()
        let plan = try await harness.console.plans.add(
            id: "2h",
            PlanChanges(
                nameVI: "2 giờ", price: "15k", duration: "2h", dataCap: "5GB", download: "10M", upload: "2M", order: 3),
            actor: "operator:lan")
        #expect(plan.price == Money(dong: 15_000))
        #expect(plan.durationSeconds == 7200)
        #expect(plan.dataCapBytes == 5_000_000_000)
        #expect(plan.rateLimit == RateLimit(downloadBitsPerSecond: 10_000_000, uploadBitsPerSecond: 2_000_000))
        #expect(plan.name.en == "2 giờ")  // English falls back to Vietnamese
        let json =
            #"{"name_vi":"1 ngày","price":50000,"duration":86400,"data_cap":"none","download":"none","upload":"none","active":false}"#
        let changes = try JSONDecoder().decode(PlanChanges.self, from: Data(json.utf8))
        let day = try await harness.console.plans.add(id: "1d", changes, actor: "operator:lan")
        #expect(day.durationSeconds == 86_400)
        #expect(day.price == Money(dong: 50_000))
        #expect(day.rateLimit == nil && day.dataCapBytes == nil && !day.isActive)
        #expect(try await harness.console.plans.plans(includeInactive: false).map(\.id).contains("1d") == false)
    }

    @Test func everyPlanProblemIsReportedAtOnceAndNothingIsStored() async throws {
        let harness = try await ConsoleHarness()
        let error = await ConsoleErrorProbe.error {
            _ = try await harness.console.plans.add(
                id: "bad", PlanChanges(nameVI: "x", price: "cheap", duration: "90", download: "10M"),
                actor: "operator:lan")
        }
        #expect(Set(error?.problems.map(\.field) ?? []) == ["price", "duration", "download"])
        let missing = await ConsoleErrorProbe.error {
            _ = try await harness.console.plans.add(id: "bad", PlanChanges(), actor: "operator:lan")
        }
        #expect(Set(missing?.problems.map(\.field) ?? []) == ["name_vi", "price", "duration"])
        let rules = await ConsoleErrorProbe.error {
            _ = try await harness.console.plans.add(
                id: "bad", PlanChanges(nameVI: "x", price: "500", duration: "1h"), actor: "operator:lan")
        }
        #expect(rules?.problems.first?.field == "price")
        #expect(try await harness.store.plan(id: "bad") == nil)
        let duplicate = await ConsoleErrorProbe.error {
            _ = try await harness.console.plans.add(
                id: "1h", PlanChanges(nameVI: "x", price: "5000", duration: "1h"), actor: "operator:lan")
        }
        #expect(duplicate?.isConflict == true)
    }

    @Test func routerAttributesAreCheckedAgainstTheRadiusDictionary() async throws {
        let harness = try await ConsoleHarness()
        let router = try await harness.console.routers.add(
            id: "lobby",
            RouterChanges(
                address: "10.0.0.20", secret: "a-long-enough-secret-123", strategy: "login",
                captiveAttributes: ["Mikrotik-Group = portal-only", ""],
                paidAttributes: ["Mikrotik-Address-List = paid", "Acct-Interim-Interval = 300"]),
            actor: "operator:lan")
        #expect(router.name == "lobby" && router.nasIdentifier == "lobby" && router.strategy == .login)
        #expect(router.paidAttributes.count == 2)
        #expect(try await harness.store.router(id: "lobby")?.secret.reveal == "a-long-enough-secret-123")
        let error = await ConsoleErrorProbe.error {
            _ = try await harness.console.routers.update(
                id: "lobby",
                RouterChanges(
                    strategy: "magic", paidAttributes: ["Mikrotik-Nonsense = 1", "Session-Timeout = soon", "no equals"]),
                actor: "operator:lan")
        }
        let problems = error?.problems ?? []
        #expect(problems.filter { $0.field == "paid_attributes" }.count == 3)
        #expect(problems.contains { $0.field == "strategy" })
        #expect(problems.contains { $0.message.contains("Mikrotik-Nonsense") })
        #expect(try await harness.store.router(id: "lobby")?.paidAttributes.count == 2)
        let missing = await ConsoleErrorProbe.error {
            _ = try await harness.console.routers.add(id: "x", RouterChanges(name: "x"), actor: "operator:lan")
        }
        #expect(Set(missing?.problems.map(\.field) ?? []) == ["address", "secret"])
    }

    /// A manager may edit routers but must not be able to send the stored REST password elsewhere.
    @Test func movingARoutersRESTAPIElsewhereNeedsItsPasswordAgain() async throws {
        let harness = try await ConsoleHarness()
        _ = try await harness.console.routers.add(
            id: "lobby",
            RouterChanges(
                address: "10.0.0.20", secret: "a-long-enough-secret-123", strategy: "login",
                apiURL: "https://10.0.0.20", apiUser: "hotspotpay", apiPassword: "rest-password-1",
                apiCertificateSHA256: String(repeating: "ab", count: 32)),
            actor: "operator:lan")
        for change in [
            RouterChanges(apiURL: "http://attacker.example:8080"), RouterChanges(apiPlainHTTP: true),
            RouterChanges(apiCertificateSHA256: String(repeating: "cd", count: 32)),
        ] {
            let error = await ConsoleErrorProbe.error {
                _ = try await harness.console.routers.update(id: "lobby", change, actor: "operator:manager")
            }
            #expect(error?.problems.contains { $0.field == "api_password" } == true, "\(String(describing: error))")
        }
        let kept = try #require(try await harness.store.router(id: "lobby")?.api)
        #expect(kept.url == "https://10.0.0.20" && kept.password.reveal == "rest-password-1")
        // With the password typed again, the change is the operator's to make; the user alone is not a move.
        _ = try await harness.console.routers.update(
            id: "lobby", RouterChanges(apiUser: "other"), actor: "operator:manager")
        let moved = try await harness.console.routers.update(
            id: "lobby", RouterChanges(apiURL: "https://10.0.0.21", apiPassword: "rest-password-2"),
            actor: "operator:manager")
        #expect(moved.api?.url == "https://10.0.0.21" && moved.api?.password.reveal == "rest-password-2")
    }
}
