/// One mistake in a config file: where (key path and line) and what was expected.
public struct ConfigProblem: Hashable, Sendable, CustomStringConvertible {
    /// Dotted key path, e.g. `plans[1h].price` or `http.listen`.
    public var path: String
    /// 1-based line in the file, when known.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { " (line \($0))" } ?? ""
        return "\(path.isEmpty ? "(top level)" : path)\(location): \(message)"
    }
}

/// Every mistake found in a config file, so the operator fixes them all in one pass.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problems: [ConfigProblem]

    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        "\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
