import BerthAPI
@testable import BerthControlPlane
import Foundation
import Testing

@Suite("API server patch and selectors")
struct APIServerPatchTests {
    static let path = "/api/v1/namespaces/default/pods/web"

    @Test func mergeAndJSONPatch() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web", labels: ["app": "web"]))
            let merged = try await api.patch(Self.path, .object(["metadata": .object(["labels": .object(["env": "prod", "app": .null])])]),
                                             type: "application/merge-patch+json")
            #expect(merged.status == .ok)
            #expect(merged.json["metadata"]?["labels"] == .object(["env": "prod"]))
            #expect(merged.json["metadata"]?["generation"] == .int(1))

            let ops: JSONValue = .array([.object(["op": "replace", "path": "/spec/containers/0/image", "value": "busybox:2"])])
            let patched = try await api.patch(Self.path, ops, type: "application/json-patch+json")
            #expect(patched.status == .ok)
            #expect(patched.json["spec"]?["containers"]?[0]?["image"] == "busybox:2")
            #expect(patched.json["metadata"]?["generation"] == .int(2))

            let apply = try await api.patch(Self.path, .object([:]), type: "application/apply-patch+yaml")
            #expect(apply.status == .unsupportedMediaType)
            #expect(apply.json["reason"] == "UnsupportedMediaType")
        }
    }

    @Test func strategicMergeKeepsContainersByName() async throws {
        try await withAPIServer { api in
            var pod = Fixtures.pod("web", containers: [("app", "nginx:1"), ("sidecar", "busybox:1")])
            pod.set(path: ["spec", "containers"], .array([
                .object(["name": "app", "image": "nginx:1", "ports": .array([.object(["containerPort": 80])])]),
                .object(["name": "sidecar", "image": "busybox:1"]),
            ]))
            try await api.post("/api/v1/namespaces/default/pods", pod)
            let patch: JSONValue = .object(["spec": .object(["containers": .array([.object(["name": "app", "image": "nginx:2"])])])])
            let reply = try await api.patch(Self.path, patch, type: "application/strategic-merge-patch+json")
            #expect(reply.status == .ok)
            let containers = reply.json["spec"]?["containers"]?.arrayValue ?? []
            #expect(containers.count == 2)
            #expect(containers.first?["image"] == "nginx:2")
            #expect(containers.first?["ports"]?[0]?["containerPort"] == .int(80))
        }
    }

    @Test func staleResourceVersionInPatchConflicts() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            let patch: JSONValue = .object(["metadata": .object(["resourceVersion": "1", "labels": .object(["a": "b"])])])
            let reply = try await api.patch(Self.path, patch, type: "application/merge-patch+json")
            #expect(reply.status == .conflict)
        }
    }

    @Test func labelAndFieldSelectors() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("a", labels: ["app": "web", "tier": "front"], nodeName: "n1"))
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("b", labels: ["app": "web", "tier": "back"]))
            try await api.post("/api/v1/namespaces/kube-system/pods", Fixtures.pod("c", labels: ["app": "dns"]))

            func names(_ uri: String) async throws -> [String] {
                let reply = try await api.get(uri)
                #expect(reply.status == .ok, "\(uri): \(reply.text)")
                #expect(reply.json["metadata"]?["resourceVersion"]?.stringValue != nil)
                return reply.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue }.sorted() ?? []
            }
            #expect(try await names("/api/v1/pods") == ["a", "b", "c"])
            #expect(try await names("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb%2Ctier%21%3Dfront") == ["b"])
            #expect(try await names("/api/v1/pods?labelSelector=tier%20in%20(front,back)") == ["a", "b"])
            #expect(try await names("/api/v1/pods?labelSelector=!tier") == ["c"])
            // Form encoding as kubectl sends `-l 'tier notin (front)'`: a space is `+`.
            #expect(try await names("/api/v1/pods?labelSelector=tier+notin+%28front%29") == ["b", "c"])
            #expect(try await names("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1") == ["a"])
            #expect(try await names("/api/v1/pods?fieldSelector=metadata.namespace%3Dkube-system") == ["c"])
            #expect(try await names("/api/v1/pods?fieldSelector=status.phase!%3DFailed,status.phase!%3DSucceeded") == ["a", "b", "c"])

            let bad = try await api.get("/api/v1/pods?fieldSelector=spec.foo%3Dx")
            #expect(bad.status == .badRequest)
            #expect(bad.json["message"] == "field label not supported: spec.foo")
        }
    }

    @Test func eventsSelectOnInvolvedObject() async throws {
        try await withAPIServer { api in
            let event: JSONValue = .object([
                "apiVersion": "v1", "kind": "Event", "metadata": .object(["name": "web.1"]),
                "involvedObject": .object(["kind": "Pod", "name": "web", "namespace": "default", "uid": "u1"]),
                "reason": "Scheduled", "message": "assigned", "type": "Normal",
            ])
            #expect(try await api.post("/api/v1/namespaces/default/events", event).status == .created)
            let hit = try await api.get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.namespace%3Ddefault,involvedObject.uid%3Du1")
            #expect(hit.json["items"]?.arrayValue?.count == 1)
            let miss = try await api.get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3Du2")
            #expect(miss.json["items"]?.arrayValue?.count == 0)
        }
    }
}
