import Yams

/// Walks one YAML mapping, collecting problems instead of stopping at the first, and
/// reporting keys nobody asked for (usually typos) with a suggestion.
final class NodeReader {
    let path: String
    let mapping: Node.Mapping?
    let line: Int?
    private var used: Set<String> = []
    private let sink: ProblemSink

    init(node: Node?, path: String, sink: ProblemSink) {
        self.path = path
        self.sink = sink
        self.line = node?.mark?.line
        if let node, case .mapping(let mapping) = node {
            self.mapping = mapping
        } else {
            self.mapping = nil
            if let node { sink.add(path, node.mark?.line, "expected a mapping of keys to values") }
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> Node? {
        used.insert(key)
        return mapping?[key]
    }

    func problem(_ key: String, _ message: String) {
        sink.add(child(key), node(key)?.mark?.line ?? line, message)
    }

    /// A scalar as text, or nil when absent; a list or mapping in its place is a problem.
    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key) else {
            if required { sink.add(child(key), line, "is required") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            sink.add(child(key), node.mark?.line, "expected a single value, not a list or mapping")
            return nil
        }
        if scalar.string.isEmpty, required { sink.add(child(key), node.mark?.line, "must not be empty") }
        return scalar.string
    }

    /// A value converted by `parse`; its error text becomes the problem.
    func parsed<T>(_ key: String, required: Bool = false, _ parse: (String) throws -> T) -> T? {
        guard let text = string(key, required: required) else { return nil }
        do { return try parse(text) } catch {
            sink.add(child(key), node(key)?.mark?.line, "\(error)")
            return nil
        }
    }

    func bool(_ key: String) -> Bool? {
        parsed(key) { text in
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw Message("'\(text)' is not true or false")
            }
        }
    }

    func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        parsed(key) { text in
            guard let value = Int(text), range.contains(value) else {
                throw Message("'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    func strings(_ key: String) -> [String] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else {
            sink.add(child(key), node.mark?.line, "expected a list")
            return []
        }
        return sequence.compactMap { item in
            guard case .scalar(let scalar) = item else {
                sink.add(child(key), item.mark?.line, "expected a list of single values")
                return nil
            }
            return scalar.string
        }
    }

    func sequence(_ key: String) -> [Node] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else {
            sink.add(child(key), node.mark?.line, "expected a list")
            return []
        }
        return Array(sequence)
    }

    /// Reports every key that was never read, after the caller read all it knows.
    func finish() {
        guard let mapping else { return }
        for (key, _) in mapping {
            guard let name = key.string, !used.contains(name) else { continue }
            let suggestion =
                used.min { Self.distance($0, name) < Self.distance($1, name) }
                .flatMap { Self.distance($0, name) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
            sink.add(child(name), key.mark?.line, "unknown key\(suggestion)")
        }
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Collects problems from all readers of one file.
final class ProblemSink {
    var problems: [ConfigProblem] = []
    func add(_ path: String, _ line: Int?, _ message: String) {
        problems.append(ConfigProblem(path: path, line: line, message: message))
    }
}

/// A plain error carrying its message.
struct Message: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
