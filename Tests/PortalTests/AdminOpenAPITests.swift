import Foundation
import HotspotPayCore
import Hummingbird
import TestSupport
import Testing

@testable import Portal

/// `docs/openapi.yaml` documents exactly the endpoints the API serves (the list that
/// ``AdminAuthTests`` proves are registered, since each answers 401 rather than 404).
@Suite struct AdminOpenAPITests {
    /// `METHOD /api/admin/path` for each operation in the file.
    static func documented() throws -> Set<String> {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path,
                let method = ["get", "post", "patch", "delete", "put"].first(where: {
                    line.hasPrefix("    \($0):")
                })
            {
                operations.insert("\(method.uppercased()) /api/admin\(path)")
            }
        }
        return operations
    }

    @Test func theOpenAPIFileListsEveryEndpointAndNoOther() throws {
        let served = Set(
            AdminAuthTests.apiEndpoints.map { method, path in
                // The test list uses sample ids; the file uses {templates}.
                "\(method.rawValue) "
                    + path
                    .replacingOccurrences(of: "/plans/1h", with: "/plans/{id}")
                    .replacingOccurrences(of: "/routers/cafe", with: "/routers/{id}")
                    .replacingOccurrences(of: "/transactions/x", with: "/transactions/{id}")
                    .replacingOccurrences(of: "/grants/x", with: "/grants/{id}")
                    .replacingOccurrences(of: "/operators/lan", with: "/operators/{username}")
                    .replacingOccurrences(of: "/tokens/x", with: "/tokens/{id}")
                    .replacingOccurrences(of: "/refunds/x", with: "/refunds/{id}")
                    .replacingOccurrences(of: "/unapplied-payments/x", with: "/unapplied-payments/{id}")
                    .replacingOccurrences(of: "/voucher-batches/x", with: "/voucher-batches/{id}")
                    .replacingOccurrences(of: "/webhooks/x", with: "/webhooks/{id}")
                    .replacingOccurrences(of: "/webhook-deliveries/1", with: "/webhook-deliveries/{id}")
                    .replacingOccurrences(of: "/provider-keys/momo", with: "/provider-keys/{provider}")
            })
        let documented = try Self.documented()
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented))")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served))")
        #expect(documented.count == 55)
    }

    @Test func theTableBehindThe405AnswersIsTheFilesListOfOperations() throws {
        let table = Set(
            AdminAPIRoutes.operations.flatMap { path, methods in methods.map { "\($0.rawValue) /api/admin/\(path)" } })
        #expect(table == (try Self.documented()))
    }

    /// `x-role` of each operation, as the file states it.
    static func documentedRoles() throws -> [String: String] {
        let text = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var roles: [String: String] = [:]
        var path: String?
        var operation: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, let method = ["get", "post", "patch", "delete"].first(where: { line == "    \($0):" }) {
                operation = "\(method.uppercased()) \(path.dropFirst())"
            } else if let operation, line.hasPrefix("      x-role: ") {
                roles[operation] = String(line.dropFirst("      x-role: ".count))
            }
        }
        return roles
    }

    @Test func theFileNamesTheLeastRoleEachOperationIsEnforcedWith() throws {
        let documented = try Self.documentedRoles()
        #expect(documented.count == 55)
        #expect(Set(documented.keys) == Set(StaffAccess.api.keys))
        for (operation, permission) in StaffAccess.api {
            #expect(documented[operation] == StaffRole.least(for: permission).rawValue, "\(operation)")
        }
    }
}
