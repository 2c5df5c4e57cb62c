import BerthAPI
import Foundation

/// Small editing helpers for objects held as JSON trees: the registry works on JSON so that one
/// code path serves every kind, and only defaulting and validation go through the typed structs.
extension JSONValue {
    /// Sets (or with nil removes) `key` of an object; a non-object becomes an object.
    mutating func set(_ key: String, _ value: JSONValue?) {
        var fields = objectValue ?? [:]
        fields[key] = value
        self = .object(fields)
    }

    /// Sets a nested field, creating intermediate objects (`["metadata", "labels", "app"]`).
    mutating func set(path: [String], _ value: JSONValue?) {
        guard let first = path.first else { return }
        if path.count == 1 {
            set(first, value)
            return
        }
        var child = self[first] ?? .object([:])
        if child.objectValue == nil { child = .object([:]) }
        child.set(path: Array(path.dropFirst()), value)
        set(first, child)
    }

    func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// A dotted field path (`spec.nodeName`) rendered as a string, as field selectors see it.
    func fieldString(_ dotted: String) -> String? {
        guard let value = value(at: dotted.split(separator: ".").map(String.init)) else { return nil }
        switch value {
        case .string(let s): return s
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        default: return nil
        }
    }

    var metadata: JSONValue { self["metadata"] ?? .object([:]) }
    var name: String { metadata["name"]?.stringValue ?? "" }
    var namespace: String? { metadata["namespace"]?.stringValue }
    var labels: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in metadata["labels"]?.objectValue ?? [:] {
            if let s = value.stringValue { result[key] = s }
        }
        return result
    }

    mutating func setMeta(_ key: String, _ value: JSONValue?) {
        set(path: ["metadata", key], value)
    }

    /// Compact JSON, keys sorted (what the store keeps).
    func encoded() -> Data { encodeJSON(self) }

    /// Encodes a Codable value and reads it back as a tree.
    static func from<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONValue(parsingJSON: encodeJSON(value))) ?? .object([:])
    }
}
