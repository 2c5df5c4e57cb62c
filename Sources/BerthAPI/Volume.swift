// core/v1 Volume. Berth interprets emptyDir and hostPath; the other sources are passed through
// as `JSONValue` so that they are accepted, stored and shown, and counted by validation.

/// Kubernetes `core/v1.Volume`: a name and exactly one source.
public struct Volume: Codable, Sendable, Equatable {
    public var name: String
    public var hostPath: HostPathVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var secret: JSONValue?
    public var configMap: JSONValue?
    public var projected: JSONValue?
    public var downwardAPI: JSONValue?
    public var persistentVolumeClaim: JSONValue?
    public var nfs: JSONValue?
    public var csi: JSONValue?
    public var ephemeral: JSONValue?
    public var image: JSONValue?

    public init(
        name: String = "",
        hostPath: HostPathVolumeSource? = nil,
        emptyDir: EmptyDirVolumeSource? = nil,
        secret: JSONValue? = nil,
        configMap: JSONValue? = nil,
        projected: JSONValue? = nil,
        downwardAPI: JSONValue? = nil,
        persistentVolumeClaim: JSONValue? = nil,
        nfs: JSONValue? = nil,
        csi: JSONValue? = nil,
        ephemeral: JSONValue? = nil,
        image: JSONValue? = nil
    ) {
        self.name = name
        self.hostPath = hostPath
        self.emptyDir = emptyDir
        self.secret = secret
        self.configMap = configMap
        self.projected = projected
        self.downwardAPI = downwardAPI
        self.persistentVolumeClaim = persistentVolumeClaim
        self.nfs = nfs
        self.csi = csi
        self.ephemeral = ephemeral
        self.image = image
    }
}

/// Kubernetes `core/v1.HostPathVolumeSource`.
public struct HostPathVolumeSource: Codable, Sendable, Equatable {
    public var path: String
    public var type: String?

    public init(
        path: String = "",
        type: String? = nil
    ) {
        self.path = path
        self.type = type
    }
}

/// Kubernetes `core/v1.EmptyDirVolumeSource`. An empty `{}` is the common case and encodes as `{}`.
public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
    public var medium: String?
    public var sizeLimit: Quantity?

    public init(
        medium: String? = nil,
        sizeLimit: Quantity? = nil
    ) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}
