import Foundation
import Testing
@testable import BerthControlPlane

@Suite("Storage backends: objects and revisions")
struct StorageBackendTests {
    typealias S = StorageTestSupport

    @Test("create, get, update, delete and their errors", arguments: StorageBackendKind.allCases)
    func crud(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let key = "/registry/pods/default/web"

        #expect(try await store.currentRevision() == 0)
        #expect(try await store.get(key) == nil)

        let created = try await store.create(key, value: S.data("v1"))
        #expect(created == StoredObject(key: key, value: S.data("v1"), createRevision: 1, modRevision: 1))
        #expect(try await store.get(key) == created)
        await #expect(throws: StorageError.alreadyExists(key: key)) {
            try await store.create(key, value: S.data("again"))
        }

        let updated = try await store.update(key, value: S.data("v2"), expectedRevision: 1)
        #expect(updated == StoredObject(key: key, value: S.data("v2"), createRevision: 1, modRevision: 2))
        await #expect(throws: StorageError.conflict(key: key, expected: 1, actual: 2)) {
            try await store.update(key, value: S.data("stale"), expectedRevision: 1)
        }
        let unconditional = try await store.update(key, value: S.data("v3"), expectedRevision: nil)
        #expect(unconditional.modRevision == 3 && unconditional.createRevision == 1)
        await #expect(throws: StorageError.notFound(key: key + "x")) {
            try await store.update(key + "x", value: S.data("v"), expectedRevision: nil)
        }

        await #expect(throws: StorageError.conflict(key: key, expected: 2, actual: 3)) {
            try await store.delete(key, expectedRevision: 2)
        }
        #expect(try await store.get(key)?.value == S.data("v3"), "a failed delete changes nothing")
        let deleted = try await store.delete(key, expectedRevision: 3)
        #expect(deleted == StoredObject(key: key, value: S.data("v3"), createRevision: 1, modRevision: 4))
        #expect(try await store.get(key) == nil)
        await #expect(throws: StorageError.notFound(key: key)) {
            try await store.delete(key, expectedRevision: nil)
        }
        #expect(try await store.currentRevision() == 4, "failed writes do not use up revisions")

        // A re-created key starts a new life: new create revision.
        let recreated = try await store.create(key, value: S.data("v4"))
        #expect(recreated.createRevision == 5 && recreated.modRevision == 5)
    }

    @Test("one global revision, increasing across keys", arguments: StorageBackendKind.allCases)
    func revisionsAcrossKeys(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        var last: Int64 = 0
        for index in 0..<20 {
            let key = "/registry/configmaps/ns\(index % 3)/cm\(index)"
            let object = try await store.create(key, value: S.data("\(index)"))
            #expect(object.modRevision == last + 1)
            last = object.modRevision
            if index % 2 == 0 {
                let updated = try await store.update(key, value: S.data("u"), expectedRevision: object.modRevision)
                #expect(updated.modRevision == last + 1)
                last = updated.modRevision
            }
        }
        #expect(try await store.currentRevision() == last)
        #expect(try await store.list(prefix: "/registry/").revision == last)
    }

    @Test("concurrent compare-and-swap: exactly one writer wins each round", arguments: StorageBackendKind.allCases)
    func concurrentCompareAndSwap(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let key = "/registry/leases/kube-node-lease/n1"
        var revision = try await store.create(key, value: S.data("start")).modRevision
        for round in 0..<10 {
            let seen = revision
            let winners = await withTaskGroup(of: Int64?.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        try? await store.update(key, value: S.data("\(round)-\(writer)"), expectedRevision: seen).modRevision
                    }
                }
                return await group.compactMap { $0 }.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(winners.count == 1)
            revision = winners.first ?? revision
        }
        #expect(try await store.get(key)?.modRevision == revision)
    }

    /// Many writers at once (SQLite commits them in shared transactions): every success has
    /// its own revision, failures use none, so the revisions are exactly 1...successes.
    @Test("concurrent writers: one revision per successful write, none per failed one",
          arguments: StorageBackendKind.allCases)
    func concurrentWriters(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let clock = ContinuousClock()
        let start = clock.now
        let revisions = await withTaskGroup(of: Int64?.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    // Every 10th is a duplicate create of an earlier key: alreadyExists.
                    let key = "/registry/pods/load/p\(index % 10 == 9 ? index - 1 : index)"
                    return try? await store.create(key, value: S.data("\(index)")).modRevision
                }
            }
            return await group.compactMap { $0 }.reduce(into: [Int64]()) { $0.append($1) }
        }
        let elapsed = clock.now - start
        #expect(revisions.sorted() == Array(1...900))
        #expect(try await store.currentRevision() == 900)
        let stored = try await store.list(prefix: "/registry/pods/load/").objects
        #expect(stored.count == 900)
        print("storage[\(kind)]: 1000 concurrent creates (100 duplicates) in \(elapsed)")
    }

    @Test("list by prefix: sorted, exact prefix, no neighbours", arguments: StorageBackendKind.allCases)
    func listByPrefix(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let keys = [
            "/registry/pods/default/b", "/registry/pods/default/a", "/registry/pods/defaultx/c",
            "/registry/pods/defaul", "/registry/pods/default", "/registry/podsx/default/d",
            "/registry/pods/default/a/b", "/registry/pods/de%ault/e", "/registry/pods/de_ault/f",
            "/registry/pods/default/\u{00E9}", "/registry/pods/default/\u{1F600}", "/registry/nodes/n1",
        ]
        for key in keys { _ = try await store.create(key, value: S.data(key)) }

        let cases: [(prefix: String, expected: [String])] = [
            ("/registry/pods/default/", ["/registry/pods/default/a", "/registry/pods/default/a/b", "/registry/pods/default/b",
                                         "/registry/pods/default/\u{00E9}", "/registry/pods/default/\u{1F600}"]),
            ("/registry/pods/defaultx/", ["/registry/pods/defaultx/c"]),
            // `%` and `_` are plain characters, not LIKE wildcards.
            ("/registry/pods/de%", ["/registry/pods/de%ault/e"]),
            ("/registry/pods/de_", ["/registry/pods/de_ault/f"]),
            ("/registry/nodes/", ["/registry/nodes/n1"]),
            ("/registry/secrets/", []),
            ("/registry/pods/default/\u{00E9}", ["/registry/pods/default/\u{00E9}"]),
        ]
        for (prefix, expected) in cases {
            let (objects, revision) = try await store.list(prefix: prefix)
            #expect(objects.map(\.key) == expected, "prefix \(prefix)")
            #expect(revision == Int64(keys.count))
        }
        let everything = try await store.list(prefix: "").objects.map(\.key)
        #expect(everything == keys.sorted { StorageKeys.precedes($0, $1) })
    }

    @Test("range end of a prefix in byte order", arguments: [
        ("/registry/pods/", Data("/registry/pods0".utf8)),
        ("a", Data("b".utf8)),
        ("\u{00E9}", Data([0xC3, 0xAA])),
    ])
    func rangeEnd(prefix: String, expected: Data) {
        #expect(StorageKeys.rangeEnd(ofPrefix: prefix) == expected)
    }

    @Test("no range end for the empty prefix")
    func rangeEndEmpty() {
        #expect(StorageKeys.rangeEnd(ofPrefix: "") == nil)
    }

    @Test("1000 creates then a list (timing printed, not asserted)", arguments: StorageBackendKind.allCases)
    func thousandCreates(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let value = Data(repeating: UInt8(ascii: "x"), count: 2_048)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<1_000 {
            _ = try await store.create("/registry/pods/bench/pod-\(index)", value: value)
        }
        let created = clock.now
        let (objects, revision) = try await store.list(prefix: "/registry/pods/bench/")
        let listed = clock.now
        #expect(objects.count == 1_000 && revision == 1_000)
        print("storage[\(kind)]: 1000 sequential creates of 2 KiB in \(created - start), list of 1000 in \(listed - created)")
    }
}
