import Foundation
import GRDB
import Logging

/// The embedded store: one SQLite file (see `SQLiteSchema` for the tables), in WAL mode with
/// `synchronous = FULL`, so a write is on disk (the WAL fsynced) before it is acknowledged and
/// survives a `kill -9` of the server, or a power cut.
///
/// Writes run on GRDB's single writer queue, in `BEGIN IMMEDIATE` transactions that read the
/// revision, check the expected revision (compare-and-swap), write the object and its event and
/// bump the revision; concurrent writes share a transaction and its fsync (`SQLiteGroupCommit`).
/// Events go to the watch hub on that same queue right after the commit, so watchers see
/// events in revision order and only committed ones. Reads run concurrently on GRDB's reader
/// connections (WAL snapshots), so `list` returns objects and the revision from one snapshot.
/// None of this blocks Swift's cooperative threads: GRDB's async entry points wait for its own
/// dispatch queues.
///
/// Watch history is the `events` table: the last `historyWindow` revisions, trimmed every
/// `historyWindow / 10` revisions (at most 1000). It survives restarts, so a watch resumes from a
/// resourceVersion seen before the restart, or gets `compacted` (410) if it is too old. Only
/// one process may use the file at a time (watchers of a second process would not hear of
/// the first one's writes).
public actor SQLiteBackend: StorageBackend {
    public nonisolated let path: String
    private nonisolated let pool: DatabasePool
    private nonisolated let hub: WatchHub
    private nonisolated let committer: SQLiteGroupCommit
    private nonisolated let historyWindow: Int64
    private nonisolated let logger: Logger

    /// Opens (creating it and its directory if needed) the store at `path`.
    /// - Parameters:
    ///   - historyWindow: how many recent revisions a watch can replay; older → `compacted`.
    ///   - watchBufferLimit: live events a watcher may fall behind by before its stream ends.
    public init(path: String, historyWindow: Int = 10_000, watchBufferLimit: Int = 10_000,
                logger: Logger = Logger(label: "berth.storage")) throws(StorageError) {
        self.path = path
        self.historyWindow = Int64(max(1, historyWindow))
        self.logger = logger
        var configuration = Configuration()
        configuration.label = "berth.storage"
        let pool: DatabasePool
        let meta: SQLiteSchema.Meta
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)  // WAL mode
            // Fsync the WAL at every commit. Only the writer connection's setting matters, and
            // it is set here rather than in `prepareDatabase` because GRDB sets NORMAL when it
            // turns WAL on, after that hook.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try SQLiteSchema.migrator.migrate(pool)
            let window = self.historyWindow
            meta = try pool.write { db in
                // A smaller window than the last run's trims at once rather than at the next write.
                var meta = try SQLiteSchema.meta(db)
                if meta.revision - window > meta.compactRevision {
                    try SQLiteSchema.compact(db, through: meta.revision - window)
                    meta.compactRevision = meta.revision - window
                }
                return meta
            }
        } catch {
            throw .io("cannot open the store \(path): \(error)")
        }
        self.pool = pool
        self.hub = WatchHub(lastPublished: meta.revision, bufferLimit: watchBufferLimit, logger: logger)
        self.committer = SQLiteGroupCommit(
            pool: pool, hub: hub, path: path, historyWindow: self.historyWindow,
            compactionInterval: Int64(max(1, min(1_000, historyWindow / 10))), logger: logger)
        logger.info("store opened", metadata: [
            "path": "\(path)", "revision": "\(meta.revision)", "compactRevision": "\(meta.compactRevision)",
        ])
    }

    public nonisolated func get(_ key: String) async throws(StorageError) -> StoredObject? {
        try await read { db in try SQLiteSchema.object(db, key: key) }
    }

    public nonisolated func list(prefix: String) async throws(StorageError) -> (objects: [StoredObject], revision: Int64) {
        let result = try await read { db in
            (objects: try SQLiteSchema.objects(db, prefix: prefix), revision: try SQLiteSchema.meta(db).revision)
        }
        return (result.objects, result.revision)
    }

    public nonisolated func create(_ key: String, value: Data) async throws(StorageError) -> StoredObject {
        try await write { db, revision in
            guard try SQLiteSchema.object(db, key: key) == nil else { throw StorageError.alreadyExists(key: key) }
            let object = StoredObject(key: key, value: value, createRevision: revision, modRevision: revision)
            try SQLiteSchema.put(db, object)
            return (object, StorageEvent(type: .added, key: key, value: value, revision: revision))
        }
    }

    public nonisolated func update(_ key: String, value: Data, expectedRevision: Int64?) async throws(StorageError) -> StoredObject {
        try await write { db, revision in
            guard var object = try SQLiteSchema.object(db, key: key) else { throw StorageError.notFound(key: key) }
            if let expectedRevision, expectedRevision != object.modRevision {
                throw StorageError.conflict(key: key, expected: expectedRevision, actual: object.modRevision)
            }
            object.value = value
            object.modRevision = revision
            try SQLiteSchema.put(db, object)
            return (object, StorageEvent(type: .modified, key: key, value: value, revision: revision))
        }
    }

    public nonisolated func delete(_ key: String, expectedRevision: Int64?) async throws(StorageError) -> StoredObject {
        try await write { db, revision in
            guard var object = try SQLiteSchema.object(db, key: key) else { throw StorageError.notFound(key: key) }
            if let expectedRevision, expectedRevision != object.modRevision {
                throw StorageError.conflict(key: key, expected: expectedRevision, actual: object.modRevision)
            }
            try SQLiteSchema.remove(db, key: key)
            object.modRevision = revision
            return (object, StorageEvent(type: .deleted, key: key, value: object.value, revision: revision))
        }
    }

    public nonisolated func currentRevision() async throws(StorageError) -> Int64 {
        try await read { db in try SQLiteSchema.meta(db).revision }
    }

    public nonisolated func watch(prefix: String, afterRevision: Int64) async throws(StorageError) -> AsyncStream<StorageEvent> {
        try await hub.subscribe(prefix: prefix, afterRevision: afterRevision) { [self] (prefix, after, upTo) async throws(StorageError) in
            // One snapshot for the compaction check and the events, so a compaction that
            // commits in between cannot cut a hole in the replay.
            try await self.read { db in
                let meta = try SQLiteSchema.meta(db)
                guard after >= meta.compactRevision else {
                    throw StorageError.compacted(requested: after, oldest: meta.compactRevision + 1)
                }
                return try SQLiteSchema.events(db, prefix: prefix, after: after, upTo: upTo)
            }
        }
    }

    /// Ends every watch stream and closes the database; later calls fail with `io`.
    public nonisolated func close() throws(StorageError) {
        hub.close()
        do {
            try pool.close()
        } catch {
            throw .io("cannot close the store \(path): \(error)")
        }
    }

    /// Watchers currently registered, for tests.
    nonisolated var watcherCount: Int { hub.watcherCount }

    /// The journal mode and synchronous level of the writer connection, for tests.
    nonisolated func durabilitySettings() async throws(StorageError) -> (journalMode: String, synchronous: Int) {
        do {
            return try await pool.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                 try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        } catch {
            throw .io("cannot read the store's settings: \(error)")
        }
    }

    private nonisolated func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as StorageError {
            throw error
        } catch {
            throw .io("store read failed (\(path)): \(error)")
        }
    }

    /// One write through the group committer (see `SQLiteGroupCommit`).
    private nonisolated func write(
        _ body: @escaping @Sendable (Database, Int64) throws -> (StoredObject, StorageEvent)
    ) async throws(StorageError) -> StoredObject {
        try await committer.write(body)
    }
}
