/// A change whose fields are either given or left out. Decodable's `decodeIfPresent` reads an
/// explicit JSON `null` as "left out", which would silently change nothing; the API refuses it
/// instead, naming the field (`docs/openapi.yaml` declares none of these fields nullable).
public protocol NullRefusingBody: Decodable {
    /// The JSON keys that may not be null.
    static var fieldNames: Set<String> { get }
}

extension PlanChanges: NullRefusingBody {
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue) + ["id"]) }
}

extension RouterChanges: NullRefusingBody {
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue) + ["id"]) }
}
