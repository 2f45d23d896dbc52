/// The languages the portal and the console speak; Vietnamese first.
public enum Language: String, CaseIterable, Sendable, Codable {
    case vi
    case en
}

/// A text an operator writes once per language, such as a plan's name.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .vi: vi
        case .en: en.isEmpty ? vi : en
        }
    }
}
