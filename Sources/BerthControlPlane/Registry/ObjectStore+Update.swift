import BerthAPI
import Foundation

extension ObjectStore {
    /// Reads the object, lets `transform` produce the new version (a PUT body, a patched copy, a
    /// binding), applies the strategy's rules for `scope`, and writes it with compare-and-swap on
    /// the revision read, retrying when another writer got in between (`GuaranteedUpdate`).
    ///
    /// A `metadata.resourceVersion` in the new version is a precondition: if it is not the
    /// current one, the update fails with 409 Conflict.
    func update(
        _ strategy: ResourceStrategy, namespace: String?, name: String, scope: WriteScope, options: WriteOptions,
        transform: (JSONValue) throws -> JSONValue
    ) async throws(APIError) -> (object: JSONValue, warnings: [String]) {
        let resource = strategy.resource
        let key = resource.key(namespace: namespace, name: name)
        var attempt = 0
        while true {
            attempt += 1
            let (stored, current) = try await existing(key, resource, name: name)
            let proposed: JSONValue
            do {
                proposed = try transform(current)
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError.badRequest("\(error)")
            }
            let (object, warnings) = try prepareUpdate(strategy, proposed: proposed, current: current,
                                                       revision: stored.modRevision, scope: scope, options: options)
            if object == current { return (current, warnings) }  // nothing changed: no write, same RV
            if options.dryRun { return (object, warnings) }
            var toStore = object
            toStore.setMeta("resourceVersion", nil)
            let written: StoredObject
            do {
                written = try await backend.update(key, value: toStore.encoded(), expectedRevision: stored.modRevision)
            } catch {
                if case .conflict = error, attempt < Self.updateAttempts { continue }
                throw APIError.storage(error, resource, name: name)
            }
            return (try Self.decode(written), warnings)
        }
    }

    /// The new version as it will be stored (with the current resourceVersion), or an error.
    func prepareUpdate(_ strategy: ResourceStrategy, proposed: JSONValue, current: JSONValue, revision: Int64,
                       scope: WriteScope, options: WriteOptions) throws(APIError) -> (JSONValue, [String]) {
        let resource = strategy.resource
        let name = current.name
        guard proposed.objectValue != nil else {
            throw APIError.badRequest("the body of the request must be a JSON object")
        }
        try Self.checkTypeMeta(proposed, resource)
        if let requested = proposed.metadata["resourceVersion"]?.stringValue, !requested.isEmpty,
           requested != String(revision) {
            throw APIError.conflict(resource, name: name)
        }
        if !proposed.name.isEmpty && proposed.name != name {
            throw APIError.badRequest("the name of the object (\(proposed.name)) does not match the name on the URL (\(name))")
        }
        if resource.namespaced, let ns = proposed.namespace, !ns.isEmpty, ns != current.namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }

        var input = proposed
        input.setMeta("name", .string(name))
        input.setMeta("namespace", current.metadata["namespace"])
        let (normalized, unknown) = try strategy.normalize(input)
        let warnings = try Self.unknownFieldWarnings(unknown, strategy: strategy, options: options)

        var object: JSONValue
        switch scope {
        case .status where strategy.hasStatusSubresource:
            // Only status changes; the rest is the current object.
            object = current
            object.set("status", normalized["status"])
        case .main where strategy.hasStatusSubresource:
            object = normalized
            object.set("status", current["status"])
        default:
            object = normalized
        }
        // Metadata the server owns (its own writes set some of it on purpose).
        for field in scope == .system ? [] : ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            object.setMeta(field, current.metadata[field])
        }
        object.setMeta("resourceVersion", .string(String(revision)))
        if scope == .status {
            object.set("metadata", current["metadata"])
        }
        if ResourceStrategy.specChanged(object, current) {
            object.setMeta("generation", .int((current.metadata["generation"]?.intValue ?? 0) + 1))
        }

        var errors = strategy.validate(object)
        if scope == .main { errors += strategy.validateUpdate(object, current) }
        if !errors.isEmpty { throw APIError.invalid(resource, name: name, errors: errors) }
        return (object, warnings)
    }
}

extension WriteScope: Equatable {}
