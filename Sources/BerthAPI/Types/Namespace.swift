// core/v1 Namespace. Field names are Kubernetes' JSON names exactly; nils are omitted.

/// Kubernetes `core/v1.Namespace`.
public struct Namespace: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(
        apiVersion: String? = "v1",
        kind: String? = "Namespace",
        metadata: ObjectMeta = ObjectMeta(),
        spec: NamespaceSpec? = nil,
        status: NamespaceStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// Kubernetes `core/v1.NamespaceSpec`: the finalizers that must run before the namespace is removed.
public struct NamespaceSpec: Codable, Sendable, Equatable {
    public var finalizers: [String]?

    public init(finalizers: [String]? = nil) {
        self.finalizers = finalizers
    }
}

/// Kubernetes `core/v1.NamespaceStatus`. `phase` is `Active` or `Terminating`.
public struct NamespaceStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var conditions: [NamespaceCondition]?

    public init(phase: String? = nil, conditions: [NamespaceCondition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }

    public static let active = "Active"
    public static let terminating = "Terminating"
}

/// Kubernetes `core/v1.NamespaceCondition` (`NamespaceDeletionContentFailure`, `NamespaceContentRemaining`...).
public struct NamespaceCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(type: String = "", status: String = "", lastTransitionTime: String? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
