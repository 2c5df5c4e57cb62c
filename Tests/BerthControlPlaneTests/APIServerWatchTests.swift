import BerthAPI
@testable import BerthControlPlane
import Foundation
import Testing

@Suite("API server watch")
struct APIServerWatchTests {
    static let pods = "/api/v1/namespaces/default/pods"

    @Test func replaysFromResourceVersionAndEndsAtTimeout() async throws {
        try await withAPIServer { api in
            let list = try await api.get(Self.pods).json
            let rv = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            try await api.post(Self.pods, Fixtures.pod("a"))
            try await api.patch("\(Self.pods)/a", .object(["metadata": .object(["labels": .object(["x": "y"])])]),
                                type: "application/merge-patch+json")
            try await api.delete("\(Self.pods)/a")

            let started = ContinuousClock.now
            let watch = try await api.get("\(Self.pods)?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(watch.status == .ok)
            let types = watch.frames.compactMap { $0["type"]?.stringValue }
            #expect(types == ["ADDED", "MODIFIED", "DELETED"])
            // The DELETED event carries the final object, with the revision of the deletion.
            let deleted = watch.frames[2]["object"]
            #expect(deleted?["metadata"]?["labels"]?["x"] == "y")
            let modifiedRV = Int(watch.frames[1]["object"]?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
            let deletedRV = Int(deleted?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
            #expect(deletedRV > modifiedRV)
        }
    }

    @Test func withoutResourceVersionStartsWithCurrentObjects() async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("a", labels: ["app": "web"]))
            try await api.post(Self.pods, Fixtures.pod("b"))
            let watch = try await api.get("\(Self.pods)?watch=1&labelSelector=app%3Dweb&timeoutSeconds=1")
            #expect(watch.frames.map { $0["type"] } == ["ADDED"])
            #expect(watch.frames.first?["object"]?["metadata"]?["name"] == "a")
        }
    }

    /// The Python client sends `watch=True`: the kube-apiserver takes any value but "0" and
    /// "false" as true, so this is a watch (frames), not a list.
    @Test(arguments: ["True", "TRUE", "1", "yes"]) func watchParameterIsReadAsTheKubeAPIServerDoes(_ value: String) async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("a"))
            let watch = try await api.get("\(Self.pods)?watch=\(value)&timeoutSeconds=1")
            #expect(watch.frames.map { $0["type"] } == ["ADDED"])
            let list = try await api.get("\(Self.pods)?watch=False").json
            #expect(list["kind"] == "PodList")
        }
    }

    @Test func liveEventsArriveWhileWatching() async throws {
        try await withAPIServer { api in
            let rv = try await api.get(Self.pods).json["metadata"]?["resourceVersion"]?.stringValue ?? "0"
            async let watch = api.get("\(Self.pods)?watch=true&resourceVersion=\(rv)&timeoutSeconds=2&fieldSelector=metadata.name%3Dlive")
            try await Task.sleep(for: .milliseconds(200))
            try await api.post(Self.pods, Fixtures.pod("other"))
            try await api.post(Self.pods, Fixtures.pod("live"))
            let frames = try await watch.frames
            #expect(frames.map { $0["object"]?["metadata"]?["name"] } == ["live"])
        }
    }

    @Test func tooOldResourceVersionGivesExpired() async throws {
        try await withAPIServer(historyWindow: 2) { api in
            // MemoryBackend trims its history in batches of 64 events.
            for i in 0..<70 { try await api.post(Self.pods, Fixtures.pod("p\(i)")) }
            let watch = try await api.get("\(Self.pods)?watch=true&resourceVersion=1&timeoutSeconds=5")
            #expect(watch.status == .ok)
            let frame = try #require(watch.frames.first)
            #expect(frame["type"] == "ERROR")
            #expect(frame["object"]?["code"] == .int(410))
            #expect(frame["object"]?["reason"] == "Expired")
        }
    }

    @Test func tableWatchFramesCarryOneRowTables() async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("a"))
            let watch = try await api.request(.get, "\(Self.pods)?watch=true&timeoutSeconds=1", accept: Fixtures.tableAccept)
            let object = try #require(watch.frames.first?["object"])
            #expect(object["kind"] == "Table")
            #expect(object["rows"]?.arrayValue?.count == 1)
            #expect(object["columnDefinitions"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func bookmarksAreNotSentUnlessAllowed() async throws {
        try await withAPIServer { api in
            let watch = try await api.get("\(Self.pods)?watch=true&timeoutSeconds=1&resourceVersion=0")
            #expect(watch.frames.isEmpty)
        }
    }
}
