import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments

extension AdminAPIRoutes {
    /// `PATCH /provider-keys/{provider}`: keys by their config name (`secret_key`).
    struct ProviderKeysBody: Decodable {
        var set: [String: String]?
        var remove: [String]?
    }

    struct ProviderKeysJSON: Encodable {
        struct Credential: Encodable {
            var key, environmentVariable: String
            var secret: Bool
            var inUse: String?
            var storedAt: Date?
            var storedBy: String?
        }
        var provider: String
        var enabled: Bool
        var credentials: [Credential]
    }

    struct ProviderKeysChangeJSON: Encodable {
        var set, removed: [String]
        var applied: Bool
        var problem: String?
    }

    func registerProviderKeys(on api: RouterGroup<PortalRequestContext>) {
        let desk = console.providerKeys
        api.get("provider-keys") { _, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                AdminResponses.json(
                    try await desk.lines().map { group in
                        ProviderKeysJSON(
                            provider: group.provider.rawValue, enabled: group.enabled,
                            credentials: group.lines.map { line in
                                .init(
                                    key: line.credential.key, environmentVariable: line.credential.environmentVariable,
                                    secret: line.credential.isSecret, inUse: line.inUse?.rawValue,
                                    storedAt: line.stored?.updatedAt, storedBy: line.stored?.updatedBy)
                            })
                    })
            }
        }
        api.patch("provider-keys/{provider}") { request, context in
            await Self.answer(context) { () async throws(ConsoleError) in
                let provider = ProviderID(rawValue: try Self.parameter(context, "provider"))
                let known = ProviderCredential.all.filter { $0.provider == provider }
                guard !known.isEmpty else { throw .notFound(entity: "payment provider", id: provider.rawValue) }
                let body = try await Self.decode(ProviderKeysBody.self, request)
                var problems: [ValidationProblem] = []
                func variable(_ key: String) -> String? {
                    guard let credential = known.first(where: { $0.key == key }) else {
                        problems.append(
                            .init(
                                field: key,
                                message: "not a \(provider) key: one of \(known.map(\.key).joined(separator: ", "))"))
                        return nil
                    }
                    return credential.variable
                }
                var values: [String: String] = [:]
                for (key, value) in body.set ?? [:] {
                    if let name = variable(key) {
                        if value.isEmpty { problems.append(.init(field: key, message: "is blank")) }
                        values[name] = value
                    }
                }
                let remove = Set((body.remove ?? []).compactMap(variable))
                guard problems.isEmpty else { throw .invalid(problems) }
                let outcome = try await desk.change(
                    provider: provider, values: values, remove: remove, actor: Self.actor(context))
                let names = Dictionary(uniqueKeysWithValues: known.map { ($0.variable, $0.key) })
                return AdminResponses.json(
                    ProviderKeysChangeJSON(
                        set: outcome.set.compactMap { names[$0] }, removed: outcome.removed.compactMap { names[$0] },
                        applied: outcome.applied, problem: outcome.problem))
            }
        }
    }
}

extension AdminAPIRoutes.ProviderKeysBody: NullRefusingBody {
    static var fieldNames: Set<String> { ["set", "remove"] }
}
