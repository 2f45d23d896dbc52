/// A change whose fields are either given or left out. Decodable's `decodeIfPresent` reads an
/// explicit JSON `null` as "left out", which would silently change nothing; the API refuses it
/// instead, naming the field (`docs/openapi.yaml` declares none of these fields nullable).
public protocol NullRefusingBody: Decodable {
    /// The JSON keys that may not be null.
    static var fieldNames: Set<String> { get }
    /// False when the type's `CodingKeys` spell the JSON keys themselves (acronyms such as
    /// `nameVI` that `convertFromSnakeCase` cannot produce); true by default.
    static var decodesSnakeCase: Bool { get }
}

extension NullRefusingBody {
    public static var decodesSnakeCase: Bool { true }
}

extension PlanChanges: NullRefusingBody {
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue) + ["id"]) }
    public static var decodesSnakeCase: Bool { false }
}

extension RouterChanges: NullRefusingBody {
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue) + ["id"]) }
    public static var decodesSnakeCase: Bool { false }
}
