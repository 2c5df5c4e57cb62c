import Foundation
import Testing
@testable import BerthControlPlane

/// The backends every storage test runs against.
enum StorageBackendKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite

    var testDescription: String { rawValue }

    /// A fresh, empty store; the directory (for SQLite) is removed by `StorageScratch.remove`.
    func make(historyWindow: Int = 10_000, watchBufferLimit: Int = 10_000) throws -> (any StorageBackend, StorageScratch) {
        let scratch = try StorageScratch()
        switch self {
        case .memory:
            return (MemoryBackend(historyWindow: historyWindow, watchBufferLimit: watchBufferLimit), scratch)
        case .sqlite:
            let backend = try SQLiteBackend(path: scratch.databasePath, historyWindow: historyWindow,
                                            watchBufferLimit: watchBufferLimit)
            return (backend, scratch)
        }
    }
}

/// A temporary directory for one test's database.
struct StorageScratch: Sendable {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-storage-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var databasePath: String { directory.appendingPathComponent("data/state.db").path }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

enum StorageTestSupport {
    static func data(_ text: String) -> Data { Data(text.utf8) }

    /// Reads `stream` until `count` events arrived, the stream ended, or `timeout` passed
    /// (a deadline, not a synchronisation: the events are usually there at once). On timeout
    /// it returns what arrived so far, with `ended` false.
    static func collect(_ stream: AsyncStream<StorageEvent>, count: Int,
                        timeout: Duration = .seconds(10)) async -> (events: [StorageEvent], ended: Bool) {
        let received = EventBox()
        let ended = await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                guard count > 0 else { return false }
                for await event in stream {
                    if received.append(event) >= count { return false }
                }
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
        return (received.events, ended)
    }

    /// Whether `stream` ends (rather than delivering an event) within `timeout`.
    static func ends(_ stream: AsyncStream<StorageEvent>, timeout: Duration = .seconds(10)) async -> Bool {
        let result = await collect(stream, count: Int.max, timeout: timeout)
        return result.ended
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func poll(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await condition()
    }
}

final class EventBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [StorageEvent] = []

    /// Appends and returns the new count.
    func append(_ event: StorageEvent) -> Int {
        lock.withLock {
            storage.append(event)
            return storage.count
        }
    }

    var events: [StorageEvent] { lock.withLock { storage } }
}
