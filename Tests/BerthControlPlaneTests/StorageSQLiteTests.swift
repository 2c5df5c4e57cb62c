import Foundation
import Testing
@testable import BerthControlPlane

@Suite("Storage: SQLite file, durability and restarts")
struct StorageSQLiteTests {
    typealias S = StorageTestSupport

    @Test("WAL journal and synchronous FULL")
    func durabilitySettings() async throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        let store = try SQLiteBackend(path: scratch.databasePath)
        let settings = try await store.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2, "2 is FULL")
        try store.close()
    }

    /// The first instance is never closed, as after a crash: whatever it acknowledged must be
    /// in the file for a second connection. (kill -9 of a real server is covered by the e2e
    /// tests of `berth up`.)
    @Test("acknowledged writes are visible to a second instance opened on the same file")
    func acknowledgedWritesReachTheFile() async throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        let first = try SQLiteBackend(path: scratch.databasePath)
        var acknowledged: [StoredObject] = []
        for index in 0..<50 {
            acknowledged.append(try await first.create("/registry/pods/default/p\(index)", value: S.data("\(index)")))
        }
        let updated = try await first.update("/registry/pods/default/p0", value: S.data("changed"), expectedRevision: 1)
        let deleted = try await first.delete("/registry/pods/default/p1", expectedRevision: 2)

        let second = try SQLiteBackend(path: scratch.databasePath)
        #expect(try await second.currentRevision() == 52)
        #expect(try await second.get("/registry/pods/default/p0") == updated)
        #expect(try await second.get("/registry/pods/default/p1") == nil)
        #expect(try await second.get("/registry/pods/default/p49") == acknowledged[49])
        #expect(deleted.modRevision == 52)
        try second.close()
        try first.close()
    }

    @Test("after a reopen, objects are there and watches resume from an old revision or get compacted")
    func historySurvivesReopen() async throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        do {
            let store = try SQLiteBackend(path: scratch.databasePath, historyWindow: 100)
            for index in 0..<150 {
                _ = try await store.create("/registry/configmaps/default/c\(index)", value: S.data("\(index)"))
            }
            _ = try await store.update("/registry/configmaps/default/c149", value: S.data("last"), expectedRevision: 150)
            _ = try await store.delete("/registry/configmaps/default/c148", expectedRevision: 149)
            try store.close()
        }

        let reopened = try SQLiteBackend(path: scratch.databasePath, historyWindow: 100)
        #expect(try await reopened.currentRevision() == 152)
        let (objects, revision) = try await reopened.list(prefix: "/registry/configmaps/default/")
        #expect(objects.count == 149 && revision == 152)
        #expect(try await reopened.get("/registry/configmaps/default/c149")?.value == S.data("last"))

        // Resume from a revision seen before the restart: replay, then live on the new instance.
        let resumed = try await reopened.watch(prefix: "/registry/configmaps/", afterRevision: 149)
        _ = try await reopened.create("/registry/configmaps/default/after", value: S.data("new"))
        let (events, _) = await S.collect(resumed, count: 4)
        #expect(events.map(\.revision) == [150, 151, 152, 153])
        #expect(events.map(\.type) == [.added, .modified, .deleted, .added])
        #expect(events[2].value == S.data("148"), "a deletion carries the last stored value")

        // The window is the last 100 revisions (trimmed now and then, so up to one interval more).
        await #expect(throws: StorageError.self) {
            _ = try await reopened.watch(prefix: "/registry/configmaps/", afterRevision: 10)
        }
        let edge = try await reopened.watch(prefix: "/registry/configmaps/", afterRevision: 153 - 100)
        #expect(await S.collect(edge, count: 100).events.map(\.revision) == Array(54...153))
        try reopened.close()

        // A smaller window on the next open trims at once.
        let smaller = try SQLiteBackend(path: scratch.databasePath, historyWindow: 10)
        await #expect(throws: StorageError.compacted(requested: 140, oldest: 144)) {
            _ = try await smaller.watch(prefix: "/registry/", afterRevision: 140)
        }
        try smaller.close()
    }

    @Test("a store that cannot be opened is an io error with the path")
    func unopenable() throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        let directory = scratch.directory.appendingPathComponent("is-a-directory").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            _ = try SQLiteBackend(path: directory)
            Issue.record("opening a directory as the database must fail")
        } catch {
            guard case .io(let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(message.contains(directory))
        }
    }

    @Test("calls after close fail with io")
    func afterClose() async throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        let store = try SQLiteBackend(path: scratch.databasePath)
        try store.close()
        await #expect(throws: StorageError.self) {
            _ = try await store.create("/registry/pods/default/a", value: S.data("a"))
        }
        await #expect(throws: StorageError.self) {
            _ = try await store.get("/registry/pods/default/a")
        }
    }
}
