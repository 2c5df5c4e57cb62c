import Foundation
import Testing
@testable import BerthControlPlane

@Suite("Storage backends: watch")
struct StorageWatchTests {
    typealias S = StorageTestSupport

    @Test("watch replays history after a revision, then goes live", arguments: StorageBackendKind.allCases)
    func replayThenLive(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        _ = try await store.create("/registry/pods/default/a", value: S.data("a1"))           // 1
        _ = try await store.create("/registry/pods/kube-system/x", value: S.data("x1"))       // 2
        _ = try await store.update("/registry/pods/default/a", value: S.data("a2"), expectedRevision: 1)  // 3
        _ = try await store.create("/registry/pods/defaultx/n", value: S.data("n1"))          // 4

        let stream = try await store.watch(prefix: "/registry/pods/default/", afterRevision: 1)
        _ = try await store.delete("/registry/pods/default/a", expectedRevision: 3)           // 5
        _ = try await store.create("/registry/pods/defaultx/m", value: S.data("m1"))          // 6
        _ = try await store.create("/registry/pods/default/b", value: S.data("b1"))           // 7

        let (events, _) = await S.collect(stream, count: 3)
        #expect(events == [
            StorageEvent(type: .modified, key: "/registry/pods/default/a", value: S.data("a2"), revision: 3),
            StorageEvent(type: .deleted, key: "/registry/pods/default/a", value: S.data("a2"), revision: 5),
            StorageEvent(type: .added, key: "/registry/pods/default/b", value: S.data("b1"), revision: 7),
        ])
    }

    @Test("a watch from the current or a future revision gets only later events", arguments: StorageBackendKind.allCases)
    func fromCurrentAndFuture(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        _ = try await store.create("/registry/nodes/a", value: S.data("1"))
        let current = try await store.watch(prefix: "/registry/nodes/", afterRevision: 1)
        let future = try await store.watch(prefix: "/registry/nodes/", afterRevision: 2)
        _ = try await store.create("/registry/nodes/b", value: S.data("2"))
        _ = try await store.create("/registry/nodes/c", value: S.data("3"))
        #expect(await S.collect(current, count: 2).events.map(\.revision) == [2, 3])
        #expect(await S.collect(future, count: 1).events.map(\.revision) == [3])
    }

    /// Writers on several keys run while watchers start at different moments; each watcher
    /// must see every revision after its start exactly once, in order, whether it came from
    /// the replay or live.
    @Test("replay and live meet without a gap or a duplicate under concurrent writers",
          arguments: StorageBackendKind.allCases)
    func noGapNoDuplicate(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let writers = 4, writesPerWriter = 150
        let total = Int64(writers * writesPerWriter)

        let watches = await withTaskGroup(of: (Int64, AsyncStream<StorageEvent>)?.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let key = "/registry/configmaps/default/w\(writer)"
                    guard var object = try? await store.create(key, value: S.data("0")) else { return nil }
                    for step in 1..<writesPerWriter {
                        guard let next = try? await store.update(key, value: S.data("\(step)"), expectedRevision: object.modRevision)
                        else { return nil }
                        object = next
                    }
                    return nil
                }
            }
            for _ in 0..<12 {
                group.addTask {
                    // Start at whatever revision the store has reached by now.
                    guard let after = try? await store.currentRevision(),
                          let stream = try? await store.watch(prefix: "/registry/configmaps/", afterRevision: after)
                    else { return nil }
                    return (after, stream)
                }
            }
            var watches: [(Int64, AsyncStream<StorageEvent>)] = []
            for await case let watch? in group { watches.append(watch) }
            return watches
        }
        #expect(watches.count == 12)
        #expect(try await store.currentRevision() == total)
        for (after, stream) in watches {
            let expected = Array((after + 1)...max(after + 1, total)).filter { $0 <= total }
            let (events, _) = await S.collect(stream, count: expected.count, timeout: .seconds(20))
            #expect(events.map(\.revision) == expected, "watch after \(after)")
        }
    }

    @Test("a revision older than the history window is compacted", arguments: StorageBackendKind.allCases)
    func compacted(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make(historyWindow: 20)
        defer { scratch.remove() }
        for index in 0..<300 {
            _ = try await store.create("/registry/events/default/e\(index)", value: S.data("\(index)"))
        }
        do {
            _ = try await store.watch(prefix: "/registry/events/", afterRevision: 0)
            Issue.record("a watch from revision 0 after 300 writes with a window of 20 must fail")
        } catch {
            guard case .compacted(let requested, let oldest) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(requested == 0 && oldest > 1 && oldest <= 281)
        }
        // The last `historyWindow` revisions stay replayable.
        let stream = try await store.watch(prefix: "/registry/events/", afterRevision: 280)
        #expect(await S.collect(stream, count: 20).events.map(\.revision) == Array(281...300))
    }

    @Test("a watcher that falls behind has its stream ended; writers are not blocked",
          arguments: StorageBackendKind.allCases)
    func slowWatcher(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make(watchBufferLimit: 8)
        defer { scratch.remove() }
        let slow = try await store.watch(prefix: "/registry/", afterRevision: 0)
        for index in 0..<100 {
            _ = try await store.create("/registry/pods/default/p\(index)", value: S.data("\(index)"))
        }
        let (events, ended) = await S.collect(slow, count: 1_000)
        #expect(ended, "the stream ends so that the client watches again")
        #expect(!events.isEmpty && events.count < 100)
        #expect(events.map(\.revision) == Array(1...Int64(events.count)), "what was delivered is contiguous")

        // Watching again from the last revision seen picks up the rest.
        let again = try await store.watch(prefix: "/registry/", afterRevision: events.last?.revision ?? 0)
        let rest = await S.collect(again, count: 100 - events.count).events
        #expect(rest.map(\.revision) == Array(Int64(events.count + 1)...100))
    }

    @Test("cancelling the consumer removes the watcher", arguments: StorageBackendKind.allCases)
    func cancellation(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let stream = try await store.watch(prefix: "/registry/pods/", afterRevision: 0)
        let consumer = Task { for await _ in stream {} }
        _ = try await store.create("/registry/pods/default/a", value: S.data("a"))
        consumer.cancel()
        _ = await consumer.value
        let hubCount: @Sendable () async -> Int = {
            switch kind {
            case .memory: return await (store as? MemoryBackend)?.watcherCount ?? -1
            case .sqlite: return (store as? SQLiteBackend)?.watcherCount ?? -1
            }
        }
        #expect(await S.poll { await hubCount() == 0 })
    }

    @Test("closing the store ends its watches", arguments: StorageBackendKind.allCases)
    func closeEndsWatches(kind: StorageBackendKind) async throws {
        let (store, scratch) = try kind.make()
        defer { scratch.remove() }
        let stream = try await store.watch(prefix: "/registry/", afterRevision: 0)
        switch kind {
        case .memory: await (store as? MemoryBackend)?.close()
        case .sqlite: try (store as? SQLiteBackend)?.close()
        }
        #expect(await S.ends(stream))
        await #expect(throws: StorageError.self) {
            _ = try await store.watch(prefix: "/registry/", afterRevision: 0)
        }
    }
}
