import Foundation

/// Remembers, for every object the decoded types opened, which keys they asked for, so that
/// the keys nobody asked for can be reported as unknown fields afterwards.
final class FieldRecorder {
    private struct Object {
        var order: Int
        var keys: [String]
        var used: Set<String> = []
    }

    private var objects: [String: Object] = [:]

    func register(path: String, keys: some Sequence<String>) {
        if objects[path] == nil {
            objects[path] = Object(order: objects.count, keys: Array(keys))
        }
    }

    func use(path: String, key: String) {
        objects[path]?.used.insert(key)
    }

    /// Unknown field paths in the order their objects were opened, keys sorted within one.
    func unknownFields() -> [String] {
        objects.sorted { $0.value.order < $1.value.order }.flatMap { path, object in
            object.keys.filter { !object.used.contains($0) }.sorted().map { FieldPath.child(path, $0) }
        }
    }
}

/// A decoding failure at a field path, with Kubernetes' "Invalid value" wording.
struct ValueDecodingError: Error {
    var codingPath: [any CodingKey]
    var message: String

    static func mismatch(_ value: JSONValue, expected: String, at path: [any CodingKey]) -> ValueDecodingError {
        ValueDecodingError(codingPath: path, message: "Invalid value: \(value.errorRendering): expected \(expected)")
    }
}

/// A `Decoder` over a `JSONValue` tree. It differs from `JSONDecoder` in two ways that matter
/// for manifests: it records which keys were read (for unknown-field reports), and a missing or
/// null non-optional field decodes as its zero value, as Go's encoding/json does, so that
/// validation, not decoding, reports `Required value`.
struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let recorder: FieldRecorder
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let fields: [String: JSONValue]
        switch value {
        case .object(let object): fields = object
        case .null: fields = [:]
        default: throw ValueDecodingError.mismatch(value, expected: "an object", at: codingPath)
        }
        let path = FieldPath.format(codingPath)
        recorder.register(path: path, keys: fields.keys)
        return KeyedDecodingContainer(KeyedValueContainer<Key>(
            fields: fields, codingPath: codingPath, path: path, recorder: recorder))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let items): return UnkeyedValueContainer(items: items, codingPath: codingPath, recorder: recorder)
        case .null: return UnkeyedValueContainer(items: [], codingPath: codingPath, recorder: recorder)
        default: throw ValueDecodingError.mismatch(value, expected: "a list", at: codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath, recorder: recorder)
    }
}

/// Decodes one value of type `T`; primitives directly, everything else through its `init(from:)`.
func unbox<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey], _ recorder: FieldRecorder) throws -> T {
    if T.self == JSONValue.self, let same = value as? T { return same }
    if T.self == String.self {
        switch value {
        case .string(let s): if let r = s as? T { return r }
        case .null: if let r = "" as? T { return r }
        default: throw ValueDecodingError.mismatch(value, expected: "a string", at: path)
        }
    }
    if T.self == Bool.self {
        switch value {
        case .bool(let b): if let r = b as? T { return r }
        case .null: if let r = false as? T { return r }
        default: throw ValueDecodingError.mismatch(value, expected: "a boolean", at: path)
        }
    }
    if let integer = T.self as? any FixedWidthInteger.Type {
        if let r = try unboxInteger(integer, value, path) as? T { return r }
    }
    if T.self == Double.self || T.self == Float.self {
        let d: Double
        switch value {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        case .null: d = 0
        default: throw ValueDecodingError.mismatch(value, expected: "a number", at: path)
        }
        if let r = d as? T { return r }
        if let r = Float(d) as? T { return r }
    }
    return try T(from: ValueDecoder(value: value, codingPath: path, recorder: recorder))
}

private func unboxInteger<I: FixedWidthInteger>(_ type: I.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> I {
    let expected = "an integer (\(I.self))"
    switch value {
    case .null:
        return 0
    case .int(let i):
        guard let r = I(exactly: i) else { throw ValueDecodingError.mismatch(value, expected: expected, at: path) }
        return r
    case .double(let d):
        guard let r = I(exactly: d) else { throw ValueDecodingError.mismatch(value, expected: expected, at: path) }
        return r
    default:
        throw ValueDecodingError.mismatch(value, expected: expected, at: path)
    }
}

struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: JSONValue]
    let codingPath: [any CodingKey]
    let path: String
    let recorder: FieldRecorder

    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        recorder.use(path: path, key: key.stringValue)
        return fields[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        recorder.use(path: path, key: key.stringValue)
        return (fields[key.stringValue] ?? .null).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        recorder.use(path: path, key: key.stringValue)
        return try unbox(type, fields[key.stringValue] ?? .null, codingPath + [key], recorder)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        recorder.use(path: path, key: key.stringValue)
        guard let value = fields[key.stringValue], !value.isNull else { return nil }
        return try unbox(type, value, codingPath + [key], recorder)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try decode(type, forKey: key) as T
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try superDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(fields), codingPath: codingPath, recorder: recorder)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        recorder.use(path: path, key: key.stringValue)
        return ValueDecoder(value: fields[key.stringValue] ?? .null, codingPath: codingPath + [key], recorder: recorder)
    }
}

struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    let recorder: FieldRecorder
    private(set) var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey], recorder: FieldRecorder) {
        self.items = items
        self.codingPath = codingPath
        self.recorder = recorder
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private func current() throws -> JSONValue {
        guard !isAtEnd else {
            throw ValueDecodingError(codingPath: codingPath + [IndexKey(currentIndex)], message: "Invalid value: list ended early")
        }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard try current().isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeAny(type) }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeAny(type) }
    mutating func decode(_ type: String.Type) throws -> String { try decodeAny(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeAny(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeAny(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeAny(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeAny(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeAny(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeAny(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeAny(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeAny(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeAny(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeAny(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeAny(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeAny(type) }

    private mutating func decodeAny<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try unbox(type, try current(), codingPath + [IndexKey(currentIndex)], recorder)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try superDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = ValueDecoder(value: try current(), codingPath: codingPath + [IndexKey(currentIndex)], recorder: recorder)
        currentIndex += 1
        return decoder
    }
}

struct SingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let recorder: FieldRecorder

    func decodeNil() -> Bool { value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try unbox(type, value, codingPath, recorder)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: String.Type) throws -> String { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Double.Type) throws -> Double { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Float.Type) throws -> Float { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Int.Type) throws -> Int { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: UInt.Type) throws -> UInt { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unbox(type, value, codingPath, recorder) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unbox(type, value, codingPath, recorder) }
}
