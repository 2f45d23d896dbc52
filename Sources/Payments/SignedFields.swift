/// Builds the `key=value&key=value` strings that MoMo and payOS sign: keys in a-z order, values
/// raw (no URL encoding), integers as plain digits.
public struct SignedFields: Sendable, Hashable {
    public private(set) var fields: [String: String] = [:]

    public init(_ fields: [String: String] = [:]) { self.fields = fields }

    public subscript(key: String) -> String? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// The canonical string: sorted by key (byte order), joined with `&`.
    public var canonical: String {
        fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { "\($0)=\(fields[$0]!)" }.joined(separator: "&")
    }
}
