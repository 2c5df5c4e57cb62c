import Foundation
import Logging

/// The store in memory, for tests and dry runs: the same semantics as `SQLiteBackend` (one
/// global revision, compare-and-swap, prefix lists in byte order, watch with a history window),
/// nothing on disk. The actor serialises writes, so events reach the hub in revision order.
public actor MemoryBackend: StorageBackend {
    private var objects: [String: StoredObject] = [:]
    private var revision: Int64 = 0
    /// The last events, oldest first; every revision after `compactRevision` is in here.
    private var history: [StorageEvent] = []
    private var compactRevision: Int64 = 0
    private let historyWindow: Int
    private let hub: WatchHub

    /// - Parameters:
    ///   - historyWindow: how many recent events a watch can replay; older → `compacted`.
    ///   - watchBufferLimit: live events a watcher may fall behind by before its stream ends.
    public init(historyWindow: Int = 10_000, watchBufferLimit: Int = 10_000,
                logger: Logger = Logger(label: "berth.storage.memory")) {
        self.historyWindow = max(1, historyWindow)
        self.hub = WatchHub(lastPublished: 0, bufferLimit: watchBufferLimit, logger: logger)
    }

    public func get(_ key: String) async throws(StorageError) -> StoredObject? {
        objects[key]
    }

    public func list(prefix: String) async throws(StorageError) -> (objects: [StoredObject], revision: Int64) {
        let matching = objects.values
            .filter { StorageKeys.hasPrefix($0.key, prefix) }
            .sorted { StorageKeys.precedes($0.key, $1.key) }
        return (matching, revision)
    }

    public func create(_ key: String, value: Data) async throws(StorageError) -> StoredObject {
        guard objects[key] == nil else { throw .alreadyExists(key: key) }
        revision += 1
        let object = StoredObject(key: key, value: value, createRevision: revision, modRevision: revision)
        objects[key] = object
        record(StorageEvent(type: .added, key: key, value: value, revision: revision))
        return object
    }

    public func update(_ key: String, value: Data, expectedRevision: Int64?) async throws(StorageError) -> StoredObject {
        guard var object = objects[key] else { throw .notFound(key: key) }
        if let expectedRevision, expectedRevision != object.modRevision {
            throw .conflict(key: key, expected: expectedRevision, actual: object.modRevision)
        }
        revision += 1
        object.value = value
        object.modRevision = revision
        objects[key] = object
        record(StorageEvent(type: .modified, key: key, value: value, revision: revision))
        return object
    }

    public func delete(_ key: String, expectedRevision: Int64?) async throws(StorageError) -> StoredObject {
        guard var object = objects[key] else { throw .notFound(key: key) }
        if let expectedRevision, expectedRevision != object.modRevision {
            throw .conflict(key: key, expected: expectedRevision, actual: object.modRevision)
        }
        revision += 1
        objects[key] = nil
        object.modRevision = revision
        record(StorageEvent(type: .deleted, key: key, value: object.value, revision: revision))
        return object
    }

    public func currentRevision() async throws(StorageError) -> Int64 {
        revision
    }

    public func watch(prefix: String, afterRevision: Int64) async throws(StorageError) -> AsyncStream<StorageEvent> {
        try await hub.subscribe(prefix: prefix, afterRevision: afterRevision) { [self] (prefix, after, upTo) async throws(StorageError) in
            try await self.history(prefix: prefix, after: after, upTo: upTo)
        }
    }

    /// Watchers currently registered, for tests.
    var watcherCount: Int { hub.watcherCount }

    /// Ends every watch stream; later watches fail. The objects stay readable.
    public func close() {
        hub.close()
    }

    private func history(prefix: String, after: Int64, upTo: Int64) throws(StorageError) -> [StorageEvent] {
        guard after >= compactRevision else {
            throw .compacted(requested: after, oldest: compactRevision + 1)
        }
        // Revisions are contiguous in `history`, so the start is an index computation.
        let firstRevision = history.first?.revision ?? (revision + 1)
        let start = max(0, Int(after + 1 - firstRevision))
        guard start < history.count else { return [] }
        return history[start...].filter { $0.revision <= upTo && StorageKeys.hasPrefix($0.key, prefix) }
    }

    private func record(_ event: StorageEvent) {
        history.append(event)
        // Trim in batches so that the copy is amortised over many writes.
        if history.count >= historyWindow + max(64, historyWindow / 8) {
            let drop = history.count - historyWindow
            compactRevision = history[drop - 1].revision
            history.removeFirst(drop)
        }
        hub.publish(event)
    }
}
