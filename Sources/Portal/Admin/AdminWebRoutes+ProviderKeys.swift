import Console
import Foundation
import HotspotPayCore
import Hummingbird
import Payments

extension AdminWebRoutes {
    func registerProviderKeys(on admin: RouterGroup<PortalRequestContext>) {
        admin.get("payments") { request, context in
            await providerKeysPage(request, context, error: nil)
        }
        admin.post("payments/{provider}") { request, context in
            let form = await Self.form(request)
            do throws(ConsoleError) {
                let provider = ProviderID(rawValue: try AdminAPIRoutes.parameter(context, "provider"))
                guard [ProviderID.momo, .vnpay, .vietqr].contains(provider) else {
                    throw .notFound(entity: "payment provider", id: provider.rawValue)
                }
                var values: [String: String] = [:]
                var remove: Set<String> = []
                for (name, value) in form {
                    if name.hasPrefix("value_") { values[String(name.dropFirst("value_".count))] = value }
                    if name.hasPrefix("remove_") { remove.insert(String(name.dropFirst("remove_".count))) }
                }
                let outcome = try await console.providerKeys.change(
                    provider: provider, values: values, remove: remove, actor: AdminAPIRoutes.actor(context))
                if let problem = outcome.problem {
                    return await providerKeysPage(request, context, error: .conflict(problem))
                }
                return Self.redirect(
                    "/admin/payments?ok=\(outcome.applied ? "providerKeysApplied" : "providerKeysSaved")")
            } catch { return await providerKeysPage(request, context, error: error) }
        }
    }

    func providerKeysPage(_ request: Request, _ context: PortalRequestContext, error: ConsoleError?) async -> Response {
        let groups = (try? await console.providerKeys.lines()) ?? []
        let values: [String: Any] = [
            "providers": groups.map { group in
                [
                    "id": group.provider.rawValue, "name": Self.providerName(group.provider), "enabled": group.enabled,
                    "lines": group.lines.map { line in
                        [
                            "key": line.credential.key, "variable": line.credential.variable,
                            "environment": line.credential.environmentVariable, "secret": line.credential.isSecret,
                            "fromEnvironment": line.inUse == .environment, "fromFile": line.inUse == .file,
                            "fromConsole": line.inUse == .database, "missing": line.inUse == nil && line.stored == nil,
                            "stored": line.stored.map { "\(time($0.updatedAt)) · \($0.updatedBy)" } ?? false,
                            "overridden": line.stored != nil && (line.inUse == .environment || line.inUse == .file),
                        ] as [String: Any]
                    },
                ] as [String: Any]
            }
        ]
        return page(
            "payments", request, context, nav: "payments", title: text("navPayments", request), values: values,
            status: error.map { AdminResponses.status(for: $0) } ?? .ok, error: error)
    }

    static func providerName(_ provider: ProviderID) -> String {
        switch provider {
        case .momo: "MoMo"
        case .vnpay: "VNPay"
        case .vietqr: "VietQR (payOS, SePay, Casso)"
        default: provider.rawValue
        }
    }
}
