/// A shared secret (RADIUS secret, provider key). It never prints itself, so it cannot leak into
/// a log line, a table or an error message by accident; ``reveal`` is the one way to read it.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let reveal: String

    public init(_ value: String) { reveal = value }

    public var description: String { reveal.isEmpty ? "(empty)" : "••••••" }
    public var debugDescription: String { description }
    public var isEmpty: Bool { reveal.isEmpty }
}
