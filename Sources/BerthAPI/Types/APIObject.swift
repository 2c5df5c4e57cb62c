/// What the server needs from every typed kind: its resource, metadata, defaulting and validation.
/// Generic code (create/update handlers, tests) can then work on `some APIObject`.
public protocol APIObject: Codable, Sendable, Equatable {
    static var resource: ResourceInfo { get }
    var metadata: ObjectMeta { get set }
    func withDefaults() -> Self
    func validate() -> [FieldError]
}

extension Pod: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.pods }
}

extension Node: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.nodes }
}

extension Namespace: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.namespaces }
}

extension Event: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.events }
}

extension ConfigMap: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.configmaps }
}

extension Lease: APIObject {
    public static var resource: ResourceInfo { BuiltinResources.leases }
}
