import Foundation

/// An untyped JSON tree, used for passthrough fields that Berth stores but does not interpret
/// (affinity, lifecycle, valueFrom, configMap volumes...) and as the intermediate form that
/// manifests are decoded from.
///
/// Integers and floating-point numbers are kept apart so that a value like `9007199254740993`
/// survives a round trip exactly.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[key]
    }

    public subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as an integer when it is one exactly (a double with no fraction counts).
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// A short rendering for error messages: strings quoted, scalars as-is, containers by kind.
    var errorRendering: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.render(d)
        case .string(let s): return quoted(s)
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Renders a double the way a JSON number is written, without a trailing ".0" for integers.
    static func render(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}

extension JSONValue {
    /// Parses JSON text. Integers that fit in `Int64` stay integers.
    public init(parsingJSON data: Data) throws(ManifestError) {
        do {
            self = try JSONParser.parse(data)
        } catch {
            throw ManifestError(kind: .syntax, message: "invalid JSON: \(error.message) at byte \(error.offset)")
        }
    }

    /// Parses one YAML document (a stream with several documents is an error).
    public init(parsingYAMLDocument yaml: String) throws(ManifestError) {
        let documents = try ManifestDecoder.parseDocuments(yaml: yaml)
        let nonEmpty = documents.filter { !$0.value.isNull }
        guard nonEmpty.count <= 1 else {
            throw ManifestError(kind: .syntax, message: "expected one YAML document, found \(nonEmpty.count)")
        }
        self = nonEmpty.first?.value ?? .null
    }

}

extension JSONValue: Codable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // Our own decoder hands the tree over as it is; other decoders are probed kind by kind.
        if let valueDecoder = decoder as? ValueDecoder {
            self = valueDecoder.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let fields):
            // Sorted so that output is stable from one run to the next.
            var container = encoder.container(keyedBy: AnyKey.self)
            for key in fields.keys.sorted() {
                if let value = fields[key] {
                    try container.encode(value, forKey: AnyKey(stringValue: key))
                }
            }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case .int(let i):
            var container = encoder.singleValueContainer()
            try container.encode(i)
        case .double(let d):
            var container = encoder.singleValueContainer()
            try container.encode(d)
        case .string(let s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        }
    }
}

/// Go's %q for the strings we print: double quotes, with quotes and backslashes escaped.
func quoted(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}
