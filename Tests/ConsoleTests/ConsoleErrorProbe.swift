import Console
import HotspotPayCore

/// Runs a console operation and returns the error it threw (nil if it succeeded).
enum ConsoleErrorProbe {
    static func error(_ body: () async throws -> Void) async -> ConsoleError? {
        do {
            try await body()
            return nil
        } catch { return error as? ConsoleError }
    }
}

extension ConsoleError {
    var problems: [ValidationProblem] {
        if case .invalid(let problems) = self { return problems }
        return []
    }

    var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}
