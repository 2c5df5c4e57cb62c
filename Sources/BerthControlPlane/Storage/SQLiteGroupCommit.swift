import Foundation
import GRDB
import Logging

/// Group commit for `SQLiteBackend`: writes that arrive while a commit is being fsynced are
/// committed together in the next transaction, with one fsync for all of them, each still with
/// its own revision and its own outcome. With `synchronous = FULL` a commit costs one fsync of
/// the WAL (about 7 ms on this machine's disk), so writing one by one would cap the store at
/// ~140 writes/s however many clients wait; batching is what etcd does for the same reason.
///
/// How a batch forms: a writer enqueues its request, then submits a job to GRDB's serial writer
/// queue. Each job takes every request queued at that moment. Because a request is queued
/// before its own job is submitted, by the time that job has run the request has an outcome,
/// from this job or an earlier one. While one job is in its fsync, the next writers queue up
/// and the next job commits them all.
///
/// In a batch, each request runs in a savepoint: a failed precondition (`conflict`,
/// `notFound`, `alreadyExists`) undoes only that request and uses no revision. Any other error
/// aborts the whole transaction and every request in it fails with `io`; nothing of it is
/// applied or published. Events are published after the commit, in revision order, from the
/// writer queue.
///
/// A submitted write runs to its end even if the caller's task is cancelled: GRDB interrupts
/// the connection of a cancelled task, which would fail the whole batch of other writers.
final class SQLiteGroupCommit: @unchecked Sendable {
    typealias Body = @Sendable (Database, Int64) throws -> (StoredObject, StorageEvent)

    private final class Request: @unchecked Sendable {
        let body: Body
        private let lock = NSLock()
        private var _outcome: Result<StoredObject, StorageError>?

        init(body: @escaping Body) { self.body = body }

        var outcome: Result<StoredObject, StorageError>? {
            get { lock.withLock { _outcome } }
            set { lock.withLock { _outcome = newValue } }
        }
    }

    private let pool: DatabasePool
    private let hub: WatchHub
    private let path: String
    private let historyWindow: Int64
    private let compactionInterval: Int64
    private let logger: Logger
    private let lock = NSLock()
    private var queue: [Request] = []

    init(pool: DatabasePool, hub: WatchHub, path: String, historyWindow: Int64, compactionInterval: Int64, logger: Logger) {
        self.pool = pool
        self.hub = hub
        self.path = path
        self.historyWindow = historyWindow
        self.compactionInterval = compactionInterval
        self.logger = logger
    }

    func write(_ body: @escaping Body) async throws(StorageError) -> StoredObject {
        let request = Request(body: body)
        lock.withLock { queue.append(request) }
        // An unstructured task does not inherit the caller's cancellation (see above).
        let job = Task { [self] in
            try await pool.writeWithoutTransaction { db in self.commitQueued(db) }
        }
        do {
            try await job.value
        } catch {
            // The job itself did not run (the pool is closed); maybe an earlier job took the
            // request, otherwise it fails here.
            lock.withLock { queue.removeAll { $0 === request } }
            if request.outcome == nil { request.outcome = .failure(.io("store write failed (\(path)): \(error)")) }
        }
        guard let outcome = request.outcome else {
            throw .io("store write of \(path) ended without an outcome")
        }
        return try outcome.get()
    }

    /// Runs on the writer queue: commits every queued request in one transaction.
    private func commitQueued(_ db: Database) {
        let batch: [Request] = lock.withLock {
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !batch.isEmpty else { return }
        var committed: [(Request, StoredObject, StorageEvent)] = []
        var failed: [(Request, StorageError)] = []
        do {
            try db.inTransaction(.immediate) {
                committed.removeAll()
                failed.removeAll()
                let meta = try SQLiteSchema.meta(db)
                var revision = meta.revision
                for request in batch {
                    do {
                        var result: (StoredObject, StorageEvent)?
                        try db.inSavepoint {
                            let (object, event) = try request.body(db, revision + 1)
                            try SQLiteSchema.append(db, event)
                            result = (object, event)
                            return .commit
                        }
                        if let (object, event) = result {
                            revision += 1
                            committed.append((request, object, event))
                        }
                    } catch let error as StorageError {
                        failed.append((request, error))
                    }
                }
                guard revision > meta.revision else { return .commit }
                try SQLiteSchema.setRevision(db, revision)
                try compactIfDue(db, from: meta, to: revision)
                return .commit
            }
        } catch {
            logger.error("store commit failed", metadata: ["path": "\(path)", "writes": "\(batch.count)", "error": "\(error)"])
            for request in batch { request.outcome = .failure(.io("store write failed (\(path)): \(error)")) }
            return
        }
        // Committed: publish in revision order, then let the writers go.
        for (_, _, event) in committed { hub.publish(event) }
        for (request, object, _) in committed { request.outcome = .success(object) }
        for (request, error) in failed { request.outcome = .failure(error) }
        if batch.count > 1 {
            logger.trace("group commit", metadata: ["writes": "\(batch.count)", "committed": "\(committed.count)"])
        }
    }

    /// Trims the event log to the window when the batch crossed a multiple of the interval.
    private func compactIfDue(_ db: Database, from meta: SQLiteSchema.Meta, to revision: Int64) throws {
        guard revision / compactionInterval > meta.revision / compactionInterval,
              revision - historyWindow > meta.compactRevision else { return }
        try SQLiteSchema.compact(db, through: revision - historyWindow)
        logger.debug("compacted the event log", metadata: ["path": "\(path)", "through": "\(revision - historyWindow)"])
    }
}
