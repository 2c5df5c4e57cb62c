/// A patch that cannot be applied (or computed). `op` and `path` name the JSON Patch operation or
/// the strategic-merge field that failed, when there is one.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var op: String?
    public var path: String?
    public var message: String

    public init(op: String? = nil, path: String? = nil, message: String) {
        self.op = op
        self.path = path
        self.message = message
    }

    public var description: String {
        switch (op, path) {
        case let (op?, path?): return "\(op) operation at \(quoted(path)): \(message)"
        case let (op?, nil): return "\(op) operation: \(message)"
        case let (nil, path?): return "\(path): \(message)"
        case (nil, nil): return message
        }
    }
}

extension JSONValue {
    /// Equality as Go's `reflect.DeepEqual` sees decoded JSON: all numbers are one kind, so
    /// `1` and `1.0` are equal.
    func isJSONEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
            if case .int(let a) = self, case .int(let b) = other { return a == b }
            return doubleValue == other.doubleValue
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isJSONEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let theirs = b[key], value.isJSONEqual(to: theirs) else { return false }
            }
            return true
        default:
            return self == other
        }
    }

    /// The kind of value as Go's `reflect.TypeOf` tells decoded JSON apart (numbers are one kind).
    var jsonKind: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }

    /// Go's `fmt.Sprintf("%v")` of a scalar, which Kubernetes uses to sort and compare merge keys.
    var goString: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.render(d)
        case .string(let s): return s
        case .array: return "array"
        case .object: return "object"
        }
    }
}
