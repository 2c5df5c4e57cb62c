import BerthAPI
import Foundation

extension ObjectStore {
    enum DeleteOutcome: Sendable {
        /// Gone from the store; the object as it was last (with the deletion's revision).
        case deleted(JSONValue)
        /// Marked with a deletionTimestamp: a node agent, finalizer or controller finishes it.
        case pending(JSONValue)

        var object: JSONValue {
            switch self {
            case .deleted(let o), .pending(let o): return o
            }
        }
    }

    /// Deletes like the kube-apiserver: pods bound to a node get a deletionTimestamp and grace
    /// period (the agent stops them, then deletes them with grace 0); namespaces turn Terminating
    /// and the namespace controller empties and removes them; objects with finalizers wait for
    /// them; the rest goes at once.
    func delete(_ strategy: ResourceStrategy, namespace: String?, name: String, options: DeletionOptions)
        async throws(APIError) -> DeleteOutcome
    {
        let resource = strategy.resource
        let key = resource.key(namespace: namespace, name: name)
        var attempt = 0
        while true {
            attempt += 1
            let (stored, current) = try await existing(key, resource, name: name)
            try Self.checkPreconditions(options, current, resource)

            let marked = Self.markedForDeletion(current, resource: resource, options: options)
            if let marked, marked == current || options.dryRun { return .pending(marked) }
            if marked == nil, options.dryRun { return .deleted(current) }
            let written: StoredObject
            do {
                if var toStore = marked {
                    toStore.setMeta("resourceVersion", nil)
                    written = try await backend.update(key, value: toStore.encoded(), expectedRevision: stored.modRevision)
                } else {
                    written = try await backend.delete(key, expectedRevision: stored.modRevision)
                }
            } catch {
                if case .conflict = error, attempt < Self.updateAttempts { continue }
                throw APIError.storage(error, resource, name: name)
            }
            let object = try Self.decode(written)
            return marked == nil ? .deleted(object) : .pending(object)
        }
    }

    /// The object with its deletion recorded, or nil when it is to be removed now.
    static func markedForDeletion(_ current: JSONValue, resource: ResourceInfo, options: DeletionOptions) -> JSONValue? {
        let now = Date()
        var object = current
        let alreadyDeleting = current.metadata["deletionTimestamp"] != nil

        if resource == BuiltinResources.namespaces {
            if alreadyDeleting { return current }
            object.setMeta("deletionTimestamp", .string(RFC3339.format(now)))
            object.setMeta("deletionGracePeriodSeconds", .int(0))
            object.set(path: ["status", "phase"], .string(NamespaceStatus.terminating))
            return object
        }

        var grace: Int64 = 0
        if resource == BuiltinResources.pods {
            let bound = !(current["spec"]?["nodeName"]?.stringValue ?? "").isEmpty
            let phase = current["status"]?["phase"]?.stringValue ?? ""
            if bound && phase != "Succeeded" && phase != "Failed" {
                grace = options.gracePeriodSeconds ?? current["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
                grace = max(0, grace)
            }
        }
        let finalizers = current.metadata["finalizers"]?.arrayValue ?? []
        if grace == 0 && finalizers.isEmpty { return nil }

        if alreadyDeleting {
            // A second delete may only shorten the grace period.
            let existing = current.metadata["deletionGracePeriodSeconds"]?.intValue ?? 0
            guard grace < existing else { return current }
        }
        object.setMeta("deletionTimestamp", .string(RFC3339.format(now.addingTimeInterval(TimeInterval(grace)))))
        object.setMeta("deletionGracePeriodSeconds", .int(grace))
        if !alreadyDeleting {
            object.setMeta("generation", .int((current.metadata["generation"]?.intValue ?? 0) + 1))
        }
        return object
    }

    static func checkPreconditions(_ options: DeletionOptions, _ current: JSONValue, _ resource: ResourceInfo) throws(APIError) {
        let uid = current.metadata["uid"]?.stringValue ?? ""
        if let expected = options.preconditionUID, !expected.isEmpty, expected != uid {
            throw APIError.conflict(resource, name: current.name,
                                    message: "Precondition failed: UID in precondition: \(expected), UID in object meta: \(uid)")
        }
        let rv = current.metadata["resourceVersion"]?.stringValue ?? ""
        if let expected = options.preconditionResourceVersion, !expected.isEmpty, expected != rv {
            throw APIError.conflict(resource, name: current.name,
                                    message: "Precondition failed: ResourceVersion in precondition: \(expected), ResourceVersion in meta: \(rv)")
        }
    }
}
