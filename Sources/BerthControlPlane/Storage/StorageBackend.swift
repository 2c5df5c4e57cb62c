import Foundation

/// One stored object: its key (`/registry/<resource>/<namespace>/<name>`, or without the
/// namespace for cluster-scoped resources), its JSON, and the revisions of its creation and
/// last change. The JSON never carries `metadata.resourceVersion`: the API layer sets it from
/// `modRevision` on the way out, so the revision is assigned in one place, the backend.
public struct StoredObject: Sendable, Equatable {
    public var key: String
    public var value: Data
    public var createRevision: Int64
    public var modRevision: Int64

    public init(key: String, value: Data, createRevision: Int64, modRevision: Int64) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
    }
}

public enum StorageEventType: String, Sendable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
}

/// A change, in the order of the one global revision. For a deletion `value` is the object as
/// it was last stored and `revision` the revision of the deletion itself.
public struct StorageEvent: Sendable, Equatable {
    public var type: StorageEventType
    public var key: String
    public var value: Data
    public var revision: Int64

    public init(type: StorageEventType, key: String, value: Data, revision: Int64) {
        self.type = type
        self.key = key
        self.value = value
        self.revision = revision
    }
}

public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(key: String)
    case alreadyExists(key: String)
    /// Optimistic concurrency: the object moved on since `expected`.
    case conflict(key: String, expected: Int64, actual: Int64)
    /// A watch from a revision older than the history kept (Kubernetes: 410 Gone, Expired).
    case compacted(requested: Int64, oldest: Int64)
    case io(String)

    public var description: String {
        switch self {
        case .notFound(let key): return "\(key) not found"
        case .alreadyExists(let key): return "\(key) already exists"
        case .conflict(let key, let expected, let actual):
            return "\(key): the object has been modified (resourceVersion \(expected), now \(actual))"
        case .compacted(let requested, let oldest):
            return "too old resource version: \(requested) (\(oldest))"
        case .io(let message): return message
        }
    }
}

/// A small revisioned key-value store, shaped like kine's view of etcd: one global revision
/// that every write increases, compare-and-swap on the revision, and watches that replay
/// history from a revision. SQLite is the embedded default; an etcd driver can come later
/// behind the same protocol without touching the handlers.
public protocol StorageBackend: Sendable {
    func get(_ key: String) async throws(StorageError) -> StoredObject?
    /// Every object whose key starts with `prefix`, sorted by key, and the store's revision at
    /// the moment of the read.
    func list(prefix: String) async throws(StorageError) -> (objects: [StoredObject], revision: Int64)
    /// Fails with `alreadyExists` if the key is present.
    func create(_ key: String, value: Data) async throws(StorageError) -> StoredObject
    /// With `expectedRevision`, fails with `conflict` unless it equals the stored modRevision.
    func update(_ key: String, value: Data, expectedRevision: Int64?) async throws(StorageError) -> StoredObject
    /// Returns the object as it was before the deletion (with the deletion's revision).
    func delete(_ key: String, expectedRevision: Int64?) async throws(StorageError) -> StoredObject
    func currentRevision() async throws(StorageError) -> Int64
    /// Events for keys under `prefix` with a revision greater than `afterRevision`, first
    /// replayed from history, then live, in revision order, until the consumer stops iterating.
    /// Throws `compacted` when `afterRevision` is older than the history kept.
    func watch(prefix: String, afterRevision: Int64) async throws(StorageError) -> AsyncStream<StorageEvent>
}
