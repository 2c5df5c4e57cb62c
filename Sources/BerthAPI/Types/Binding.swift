// core/v1 Binding and ObjectReference.

/// Kubernetes `core/v1.Binding`: posted to `pods/{name}/binding` by the scheduler to set
/// `spec.nodeName`. `target` names the node.
public struct Binding: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var target: ObjectReference

    public init(
        apiVersion: String? = "v1",
        kind: String? = "Binding",
        metadata: ObjectMeta = ObjectMeta(),
        target: ObjectReference = ObjectReference()
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.target = target
    }
}

/// Kubernetes `core/v1.ObjectReference`: enough to find one object (or a field of it, such as a
/// container: `fieldPath: spec.containers{app}`).
public struct ObjectReference: Codable, Sendable, Equatable {
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var apiVersion: String?
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(
        kind: String? = nil,
        namespace: String? = nil,
        name: String? = nil,
        uid: String? = nil,
        apiVersion: String? = nil,
        resourceVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }
}
