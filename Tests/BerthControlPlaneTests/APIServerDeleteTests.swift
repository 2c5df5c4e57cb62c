import BerthAPI
@testable import BerthControlPlane
import Foundation
import Logging
import Testing

@Suite("API server deletion")
struct APIServerDeleteTests {
    static let pods = "/api/v1/namespaces/default/pods"

    @Test func unboundPodGoesAtOnce() async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("web"))
            let reply = try await api.delete("\(Self.pods)/web", .object(["propagationPolicy": "Background"]))
            #expect(reply.status == .ok)
            #expect(reply.json["metadata"]?["name"] == "web")
            #expect(try await api.get("\(Self.pods)/web").status == .notFound)
            #expect(try await api.delete("\(Self.pods)/web").status == .notFound)
        }
    }

    @Test func boundPodIsDeletedGracefullyThenByTheAgent() async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("web", nodeName: "n1"))
            let before = ContinuousClock.now
            let first = try await api.delete("\(Self.pods)/web", .object(["propagationPolicy": "Background"]))
            #expect(first.status == .ok)
            #expect(first.json["metadata"]?["deletionGracePeriodSeconds"] == .int(30))
            let deadline = try #require(RFC3339.parse(first.json["metadata"]?["deletionTimestamp"]?.stringValue ?? ""))
            #expect(deadline.timeIntervalSinceNow > 25)
            _ = before
            // Still there, marked.
            let marked = try await api.get("\(Self.pods)/web")
            #expect(marked.status == .ok)
            #expect(marked.json["metadata"]?["deletionTimestamp"] != nil)
            // A longer grace period does not move it; the agent's grace 0 removes it.
            let rv = marked.json["metadata"]?["resourceVersion"]?.stringValue ?? "0"
            try await api.delete("\(Self.pods)/web", .object(["gracePeriodSeconds": 60]))
            #expect(try await api.get("\(Self.pods)/web").json["metadata"]?["resourceVersion"]?.stringValue == rv)
            let final = try await api.delete("\(Self.pods)/web", .object(["gracePeriodSeconds": 0]))
            #expect(final.status == .ok)
            #expect(try await api.get("\(Self.pods)/web").status == .notFound)

            let watch = try await api.get("\(Self.pods)?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
            #expect(watch.frames.map { $0["type"] } == ["DELETED"])
            #expect(watch.frames.first?["object"]?["metadata"]?["deletionTimestamp"] != nil)
        }
    }

    @Test func preconditionsAndDeleteCollection() async throws {
        try await withAPIServer { api in
            try await api.post(Self.pods, Fixtures.pod("a", labels: ["app": "x"]))
            try await api.post(Self.pods, Fixtures.pod("b", labels: ["app": "x"]))
            try await api.post(Self.pods, Fixtures.pod("c"))
            let wrong = try await api.delete("\(Self.pods)/a", .object(["preconditions": .object(["uid": "nope"])]))
            #expect(wrong.status == .conflict)
            let reply = try await api.delete("\(Self.pods)?labelSelector=app%3Dx")
            #expect(reply.status == .ok)
            let left = try await api.get(Self.pods).json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue }
            #expect(left == ["c"])
        }
    }

    @Test func namespaceDeletionEmptiesThenRemovesIt() async throws {
        try await withAPIServer { api in
            let ns: JSONValue = .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": "team"])])
            #expect(try await api.post("/api/v1/namespaces", ns).status == .created)
            try await api.post("/api/v1/namespaces/team/pods", Fixtures.pod("web"))
            try await api.post("/api/v1/namespaces/team/configmaps", Fixtures.configMap("cfg"))

            let deleted = try await api.delete("/api/v1/namespaces/team")
            #expect(deleted.status == .ok)
            #expect(deleted.json["status"]?["phase"] == "Terminating")
            #expect(deleted.json["metadata"]?["deletionTimestamp"] != nil)
            let refused = try await api.post("/api/v1/namespaces/team/pods", Fixtures.pod("late"))
            #expect(refused.status == .forbidden)

            let controller = NamespaceController(store: api.server.store, logger: Logger(label: "test"))
            #expect(try await controller.finish("team"))
            #expect(try await api.get("/api/v1/namespaces/team").status == .notFound)
            #expect(try await api.get("/api/v1/namespaces/team/configmaps/cfg").status == .notFound)
            #expect(try await api.get("/api/v1/namespaces/team/pods/web").status == .notFound)
        }
    }
}
