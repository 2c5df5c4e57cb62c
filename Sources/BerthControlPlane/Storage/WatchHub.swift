import Foundation
import Logging

/// Fans committed events out to watchers, shared by every backend.
///
/// The backend calls `publish` once per committed write, in revision order (it serialises its
/// writes, so this holds without more locking here). A watcher first gets the history after its
/// revision, then the live events, with neither a gap nor a duplicate at the boundary:
///
/// 1. Under the lock, the watcher is registered in the `catchingUp` phase and the hub notes the
///    last revision it published, `L`. From now on every published event lands in the
///    watcher's buffer.
/// 2. Without the lock, the backend's `replay` reads history in `(afterRevision, L]`. Writers
///    are not held up by this read, however long it takes.
/// 3. Under the lock, the replayed events and then the buffer go into the stream, and the
///    watcher turns `live`. `publish` yields to live watchers under the same lock, so nothing
///    overtakes.
///
/// Every event is also filtered by `revision > afterRevision`, so a watch from a revision the
/// hub has not published yet (a list that read a commit before the hub heard of it) neither
/// replays nor repeats that commit.
///
/// A slow watcher never blocks a writer: its stream buffers at most `bufferLimit` live events
/// beyond its replay; on overflow the stream ends, and the client watches again from the last
/// revision it saw (Kubernetes ends a watcher that falls behind the same way). The events
/// delivered before the end are contiguous, so re-watching from the last one loses nothing.
final class WatchHub: @unchecked Sendable {
    /// Reads the history for a watcher: events under `prefix` with `after < revision <= upTo`,
    /// in revision order; throws `compacted` when `after` is older than the history kept.
    typealias Replay = @Sendable (_ prefix: String, _ after: Int64, _ upTo: Int64) async throws(StorageError) -> [StorageEvent]

    private enum Phase {
        case catchingUp(buffer: [StorageEvent], overflowed: Bool)
        case live(AsyncStream<StorageEvent>.Continuation)
    }

    private struct Watcher {
        var prefix: String
        var afterRevision: Int64
        var phase: Phase

        func wants(_ event: StorageEvent) -> Bool {
            event.revision > afterRevision && StorageKeys.hasPrefix(event.key, prefix)
        }
    }

    private struct State {
        var lastPublished: Int64
        var watchers: [UInt64: Watcher] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let lock = NSLock()
    private var state: State
    let bufferLimit: Int
    private let logger: Logger

    init(lastPublished: Int64, bufferLimit: Int, logger: Logger) {
        state = State(lastPublished: lastPublished)
        self.bufferLimit = max(1, bufferLimit)
        self.logger = logger
    }

    var watcherCount: Int { lock.withLock { state.watchers.count } }

    /// Delivers one committed event. Call in revision order, after the commit.
    func publish(_ event: StorageEvent) {
        var overflowed: [AsyncStream<StorageEvent>.Continuation] = []
        lock.withLock {
            state.lastPublished = max(state.lastPublished, event.revision)
            for (id, watcher) in state.watchers where watcher.wants(event) {
                switch watcher.phase {
                case .live(let continuation):
                    if case .dropped = continuation.yield(event) {
                        state.watchers[id] = nil
                        overflowed.append(continuation)
                    }
                case .catchingUp(var buffer, let full):
                    guard !full else { continue }
                    if buffer.count >= bufferLimit {
                        state.watchers[id]?.phase = .catchingUp(buffer: buffer, overflowed: true)
                    } else {
                        buffer.append(event)
                        state.watchers[id]?.phase = .catchingUp(buffer: buffer, overflowed: false)
                    }
                }
            }
        }
        // Outside the lock: finishing runs `onTermination`, which takes the lock again.
        for continuation in overflowed {
            logger.notice("watcher fell behind; ending its stream so that it watches again", metadata: [
                "revision": "\(event.revision)", "buffer": "\(bufferLimit)",
            ])
            continuation.finish()
        }
    }

    func subscribe(prefix: String, afterRevision: Int64, replay: Replay) async throws(StorageError) -> AsyncStream<StorageEvent> {
        let registered: (id: UInt64, upTo: Int64)? = lock.withLock {
            guard !state.closed else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.watchers[id] = Watcher(prefix: prefix, afterRevision: afterRevision, phase: .catchingUp(buffer: [], overflowed: false))
            return (id, state.lastPublished)
        }
        guard let (id, upTo) = registered else { throw .io("storage is closed") }
        let history: [StorageEvent]
        do {
            history = afterRevision < upTo ? try await replay(prefix, afterRevision, upTo) : []
        } catch {
            lock.withLock { state.watchers[id] = nil }
            throw error
        }

        // The stream holds the replay plus `bufferLimit` live events (the catch-up buffer counts
        // against those); sized here, once the replay's length is known, so that a long replay
        // alone never overflows it.
        let (stream, continuation) = AsyncStream.makeStream(
            of: StorageEvent.self,
            bufferingPolicy: .bufferingOldest(history.count + bufferLimit))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.state.watchers.removeValue(forKey: id) }
        }
        let finishNow: Bool = lock.withLock {
            guard let watcher = state.watchers[id], case .catchingUp(let buffer, let overflowed) = watcher.phase else {
                return true  // closed meanwhile
            }
            for event in history where watcher.wants(event) { continuation.yield(event) }
            for event in buffer { continuation.yield(event) }
            if overflowed {
                logger.notice("watcher fell behind during its replay; ending its stream", metadata: [
                    "prefix": "\(prefix)", "after": "\(afterRevision)",
                ])
                state.watchers[id] = nil
                return true
            }
            state.watchers[id]?.phase = .live(continuation)
            return false
        }
        if finishNow { continuation.finish() }
        return stream
    }

    /// Ends every watch stream and refuses new ones (shutdown, or the database went away).
    func close() {
        let continuations: [AsyncStream<StorageEvent>.Continuation] = lock.withLock {
            state.closed = true
            let live = state.watchers.values.compactMap { watcher -> AsyncStream<StorageEvent>.Continuation? in
                if case .live(let continuation) = watcher.phase { return continuation }
                return nil
            }
            state.watchers.removeAll()
            return live
        }
        for continuation in continuations { continuation.finish() }
    }
}
