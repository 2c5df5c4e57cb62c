import BerthAPI
import Foundation

/// The REST verbs of the Kubernetes API, on JSON. `KubeClient` implements them over HTTP;
/// tests implement them in memory. Typed helpers (`get(Pod.self, ...)`) are built on top.
public protocol ClusterAPI: Sendable {
    func get(_ ref: ResourceRef) async throws(KubeError) -> JSONValue
    /// The list object: `{kind: XList, metadata: {resourceVersion}, items: [...]}`.
    func list(_ ref: ResourceRef, options: ListOptions) async throws(KubeError) -> JSONValue
    func create(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue
    func update(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue
    func patch(_ ref: ResourceRef, type: PatchType, body: JSONValue) async throws(KubeError) -> JSONValue
    func delete(_ ref: ResourceRef, options: DeleteOptions?) async throws(KubeError) -> JSONValue
    func watch(_ ref: ResourceRef, options: ListOptions) -> AsyncThrowingStream<WatchEvent, any Error>
}

/// A decoded list: its items and the resourceVersion to watch from.
public struct ObjectList<Object: Sendable>: Sendable {
    public var items: [Object]
    public var resourceVersion: String

    public init(items: [Object], resourceVersion: String) {
        self.items = items
        self.resourceVersion = resourceVersion
    }
}

extension ClusterAPI {
    public func get<T: Decodable>(_ type: T.Type, _ ref: ResourceRef) async throws(KubeError) -> T {
        try decodeObject(type, from: try await get(ref))
    }

    public func list<T: Decodable & Sendable>(_ type: T.Type, _ ref: ResourceRef, options: ListOptions = ListOptions())
        async throws(KubeError) -> ObjectList<T>
    {
        let value = try await list(ref, options: options)
        var items: [T] = []
        for item in value["items"]?.arrayValue ?? [] { items.append(try decodeObject(type, from: item)) }
        return ObjectList(items: items, resourceVersion: value["metadata"]?["resourceVersion"]?.stringValue ?? "")
    }

    public func create<T: Codable>(_ object: T, in ref: ResourceRef) async throws(KubeError) -> T {
        try decodeObject(T.self, from: try await create(ref, body: try encodeObject(object)))
    }

    public func update<T: Codable>(_ object: T, at ref: ResourceRef) async throws(KubeError) -> T {
        try decodeObject(T.self, from: try await update(ref, body: try encodeObject(object)))
    }

    public func patch<T: Decodable>(_ type: T.Type, _ ref: ResourceRef, patchType: PatchType, body: JSONValue)
        async throws(KubeError) -> T
    {
        try decodeObject(type, from: try await patch(ref, type: patchType, body: body))
    }
}

/// JSON tree → typed object, ignoring fields the type does not know (the server may be newer).
public func decodeObject<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(KubeError) -> T {
    do { return try ManifestDecoder.decode(type, from: value, strict: false).value } catch {
        throw KubeError(code: 0, reason: "Decoding", message: "\(T.self): \(error)")
    }
}

/// Typed object → JSON tree.
public func encodeObject<T: Encodable>(_ object: T) throws(KubeError) -> JSONValue {
    do { return try JSONValue(parsingJSON: encodeJSON(object)) } catch {
        throw KubeError(code: 0, reason: "Decoding", message: "\(T.self): \(error)")
    }
}
