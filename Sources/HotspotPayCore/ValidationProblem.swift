/// One thing wrong with a value an operator supplied: which field, and what was expected there.
/// Config checking prefixes the field with the key path, so the operator sees where to look.
public struct ValidationProblem: Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    /// The same problem seen from a containing object, e.g. `plans[1h]` + `price`.
    public func nested(under parent: String) -> ValidationProblem {
        ValidationProblem(field: field.isEmpty ? parent : "\(parent).\(field)", message: message)
    }
}

/// Every problem found in a value, reported together so an operator fixes them in one go.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [ValidationProblem]

    public init(_ problems: [ValidationProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }

    /// Throws when `problems` is not empty.
    public static func check(_ problems: [ValidationProblem]) throws(ValidationError) {
        if !problems.isEmpty { throw ValidationError(problems) }
    }
}
