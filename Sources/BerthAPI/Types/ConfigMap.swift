// core/v1 ConfigMap.

/// Kubernetes `core/v1.ConfigMap`. `binaryData` values are base64 text, as on the wire.
public struct ConfigMap: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var immutable: Bool?
    public var data: [String: String]?
    public var binaryData: [String: String]?

    public init(
        apiVersion: String? = "v1",
        kind: String? = "ConfigMap",
        metadata: ObjectMeta = ObjectMeta(),
        immutable: Bool? = nil,
        data: [String: String]? = nil,
        binaryData: [String: String]? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.immutable = immutable
        self.data = data
        self.binaryData = binaryData
    }
}
