import BerthAPI
import Foundation
import Logging

/// The generic registry (Kubernetes' `registry/generic/registry.Store`): every verb on every kind,
/// on top of a `StorageBackend`. It owns object metadata (uid, creationTimestamp, generation,
/// resourceVersion from the store's revision) and the strategies' rules; HTTP is the handlers'.
struct ObjectStore: Sendable {
    let backend: any StorageBackend
    let logger: Logger

    /// How many times an update is retried when another writer got in between its read and write.
    static let updateAttempts = 8

    // MARK: - Reading

    /// The stored object at `key` and its decoded form (with resourceVersion), or 404.
    func existing(_ key: String, _ resource: ResourceInfo, name: String) async throws(APIError) -> (StoredObject, JSONValue) {
        let stored: StoredObject?
        do {
            stored = try await backend.get(key)
        } catch {
            throw APIError.storage(error, resource, name: name)
        }
        guard let stored else { throw APIError.notFound(resource, name: name) }
        return (stored, try Self.decode(stored))
    }

    /// A stored object as the API shows it: `metadata.resourceVersion` set from the revision.
    static func decode(_ stored: StoredObject) throws(APIError) -> JSONValue {
        try decode(stored.value, revision: stored.modRevision)
    }

    static func decode(_ data: Data, revision: Int64) throws(APIError) -> JSONValue {
        var object: JSONValue
        do {
            object = try JSONValue(parsingJSON: data)
        } catch {
            throw APIError.internalError("stored object is not JSON: \(error)")
        }
        object.setMeta("resourceVersion", .string(String(revision)))
        return object
    }

    func get(_ strategy: ResourceStrategy, namespace: String?, name: String) async throws(APIError) -> JSONValue {
        let resource = strategy.resource
        let stored: StoredObject?
        do {
            stored = try await backend.get(resource.key(namespace: namespace, name: name))
        } catch {
            throw APIError.storage(error, resource, name: name)
        }
        guard let stored else { throw APIError.notFound(resource, name: name) }
        return try Self.decode(stored)
    }

    /// The objects of a collection (every namespace when `namespace` is nil) that the selection
    /// matches, and the store's revision at the time of the read.
    func list(_ strategy: ResourceStrategy, namespace: String?, selection: Selection) async throws(APIError)
        -> (items: [JSONValue], revision: Int64)
    {
        let resource = strategy.resource
        let listed: (objects: [StoredObject], revision: Int64)
        do {
            listed = try await backend.list(prefix: resource.key(namespace: namespace, name: nil))
        } catch {
            throw APIError.storage(error, resource, name: "")
        }
        var items: [JSONValue] = []
        for stored in listed.objects {
            let object = try Self.decode(stored)
            if selection.matches(object, strategy: strategy) { items.append(object) }
        }
        return (items, listed.revision)
    }

    // MARK: - Create

    /// Creates an object in `namespace` (nil for cluster-scoped kinds). Returns the stored object
    /// and the warnings for unknown fields (when `fieldValidation` is Warn).
    func create(_ strategy: ResourceStrategy, namespace: String?, body: JSONValue, options: WriteOptions)
        async throws(APIError) -> (object: JSONValue, warnings: [String])
    {
        let resource = strategy.resource
        guard body.objectValue != nil else {
            throw APIError.badRequest("the body of the request must be a JSON object")
        }
        try Self.checkTypeMeta(body, resource)
        var input = body
        if resource.namespaced {
            if let bodyNamespace = body.namespace, !bodyNamespace.isEmpty, let namespace, bodyNamespace != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            input.setMeta("namespace", namespace.map(JSONValue.string))
        } else {
            input.setMeta("namespace", nil)
        }

        let (normalized, unknown) = try strategy.normalize(input)
        let warnings = try Self.unknownFieldWarnings(unknown, strategy: strategy, options: options)
        var object = normalized
        if object.name.isEmpty, let prefix = object.metadata["generateName"]?.stringValue, !prefix.isEmpty {
            object.setMeta("name", .string(prefix + Self.randomSuffix()))
        }
        object.setMeta("uid", .string(UUID().uuidString.lowercased()))
        object.setMeta("creationTimestamp", .string(RFC3339.format(Date())))
        object.setMeta("generation", .int(1))
        object.setMeta("resourceVersion", nil)
        object.setMeta("deletionTimestamp", nil)
        object.setMeta("deletionGracePeriodSeconds", nil)
        strategy.prepareForCreate(&object)

        if resource.namespaced, let namespace {
            try await checkNamespaceAcceptsContent(namespace, resource: resource, name: object.name)
        }
        let errors = strategy.validate(object)
        if !errors.isEmpty { throw APIError.invalid(resource, name: object.name, errors: errors) }
        if options.dryRun { return (object, warnings) }

        // A generated name may collide: draw again, as the kube-apiserver's clients would retry.
        var attempts = object.metadata["generateName"] != nil && body.name.isEmpty ? 5 : 1
        while true {
            let stored: StoredObject
            do {
                stored = try await backend.create(resource.key(namespace: namespace, name: object.name), value: object.encoded())
            } catch {
                if case .alreadyExists = error, attempts > 1 {
                    attempts -= 1
                    object.setMeta("name", .string((object.metadata["generateName"]?.stringValue ?? "") + Self.randomSuffix()))
                    continue
                }
                throw APIError.storage(error, resource, name: object.name)
            }
            return (try Self.decode(stored), warnings)
        }
    }

    /// 404 for a namespace that does not exist, 403 for one being deleted (NamespaceLifecycle).
    func checkNamespaceAcceptsContent(_ namespace: String, resource: ResourceInfo, name: String) async throws(APIError) {
        let nsObject: StoredObject?
        do {
            nsObject = try await backend.get(BuiltinResources.namespaces.key(namespace: nil, name: namespace))
        } catch {
            throw APIError.storage(error, BuiltinResources.namespaces, name: namespace)
        }
        guard let nsObject else { throw APIError.notFound(BuiltinResources.namespaces, name: namespace) }
        let ns = try Self.decode(nsObject)
        if ns.metadata["deletionTimestamp"] != nil || ns["status"]?["phase"]?.stringValue == "Terminating" {
            throw APIError.forbidden(resource, name: name,
                                     message: "unable to create new content in namespace \(namespace) because it is being terminated")
        }
    }

    // MARK: - Helpers

    /// A body of another kind or version is refused, as the kube-apiserver's decoder does.
    static func checkTypeMeta(_ body: JSONValue, _ resource: ResourceInfo) throws(APIError) {
        let kind = body["kind"]?.stringValue ?? ""
        let apiVersion = body["apiVersion"]?.stringValue ?? ""
        if !kind.isEmpty && kind != resource.kind {
            throw APIError.badRequest(
                "\(kind) in version \(quote(apiVersion)) cannot be handled as a \(resource.kind): the object provided is unrecognized (must be of type \(resource.kind))")
        }
        if !apiVersion.isEmpty && apiVersion != resource.groupVersion {
            throw APIError.badRequest(
                "\(kind.isEmpty ? resource.kind : kind) in version \(quote(apiVersion)) cannot be handled as a \(resource.kind): no kind \(quote(resource.kind)) is registered for version \(quote(apiVersion))")
        }
    }

    /// Strict: unknown fields fail the request; Warn: they become warnings; Ignore: dropped.
    static func unknownFieldWarnings(_ unknown: [String], strategy: ResourceStrategy, options: WriteOptions)
        throws(APIError) -> [String]
    {
        guard !unknown.isEmpty else { return [] }
        switch options.fieldValidation {
        case .ignore: return []
        case .warn: return unknown
        case .strict:
            let kind = strategy.resource.kind
            throw APIError.badRequest(
                "\(kind) in version \(quote(strategy.resource.version)) cannot be handled as a \(kind): strict decoding error: \(unknown.joined(separator: ", "))")
        }
    }

    /// Five characters from Kubernetes' alphabet for generated names (no vowels, no look-alikes).
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }
}
