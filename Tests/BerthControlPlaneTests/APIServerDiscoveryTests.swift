import BerthAPI
@testable import BerthControlPlane
import Foundation
import Testing

@Suite("API server discovery")
struct APIServerDiscoveryTests {
    @Test func versionSaysMinor32() async throws {
        try await withAPIServer { api in
            let reply = try await api.get("/version?timeout=32s")
            #expect(reply.status == .ok)
            #expect(reply.json["major"] == "1")
            #expect(reply.json["minor"] == "32")
            for path in ["/healthz", "/livez", "/readyz"] {
                #expect(try await api.get(path).text == "ok")
            }
        }
    }

    @Test func aggregatedDiscoveryHasItsExactContentType() async throws {
        try await withAPIServer { api in
            let core = try await api.get("/api", accept: Fixtures.discoveryAccept)
            #expect(core.contentType == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
            #expect(core.json["kind"] == "APIGroupDiscoveryList")
            let resources = core.json["items"]?[0]?["versions"]?[0]?["resources"]?.arrayValue ?? []
            let pods = try #require(resources.first { $0["resource"] == "pods" })
            #expect(pods["scope"] == "Namespaced")
            #expect(pods["responseKind"]?["kind"] == "Pod")
            #expect(pods["categories"] == ["all"])
            let subresources = pods["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue } ?? []
            #expect(Set(subresources) == ["binding", "exec", "log", "status"])

            let groups = try await api.get("/apis", accept: Fixtures.discoveryAccept)
            #expect(groups.json["items"]?[0]?["metadata"]?["name"] == "coordination.k8s.io")
            let leases = groups.json["items"]?[0]?["versions"]?[0]?["resources"]?[0]
            #expect(leases?["resource"] == "leases")
        }
    }

    @Test func legacyDiscovery() async throws {
        try await withAPIServer { api in
            let core = try await api.get("/api", accept: "application/json")
            #expect(core.contentType == "application/json")
            #expect(core.json["kind"] == "APIVersions")
            #expect(core.json["versions"] == ["v1"])

            let groups = try await api.get("/apis")
            #expect(groups.json["kind"] == "APIGroupList")
            #expect(groups.json["groups"]?[0]?["name"] == "coordination.k8s.io")
            #expect(groups.json["groups"]?[0]?["preferredVersion"]?["groupVersion"] == "coordination.k8s.io/v1")

            let v1 = try await api.get("/api/v1")
            #expect(v1.json["kind"] == "APIResourceList")
            let names = v1.json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            for name in ["pods", "pods/status", "pods/log", "pods/exec", "pods/binding", "nodes", "nodes/status",
                         "namespaces", "events", "configmaps"] {
                #expect(names.contains(name), "missing \(name)")
            }
            let coordination = try await api.get("/apis/coordination.k8s.io/v1")
            #expect(coordination.json["groupVersion"] == "coordination.k8s.io/v1")
            #expect(try await api.get("/apis/apps/v1").status == .notFound)
        }
    }

    @Test func openAPIv3HasPatchOperationsWithFieldValidation() async throws {
        try await withAPIServer { api in
            let index = try await api.get("/openapi/v3")
            let url = try #require(index.json["paths"]?["api/v1"]?["serverRelativeURL"]?.stringValue)
            #expect(index.json["paths"]?["apis/coordination.k8s.io/v1"] != nil)
            let document = try await api.get(url)
            #expect(document.status == .ok)
            let patch = document.json["paths"]?["/api/v1/namespaces/{namespace}/pods/{name}"]?["patch"]
            #expect(patch?["x-kubernetes-group-version-kind"] == .object(["group": "", "version": "v1", "kind": "Pod"]))
            #expect(patch?["parameters"]?[0]?["name"] == "fieldValidation")
            // v2: an empty document in gnostic's protobuf form (swagger "2.0", info, no paths).
            let v2 = try await api.get("/openapi/v2")
            #expect(v2.status == .ok)
            #expect(Array(v2.text.utf8.prefix(5)) == [0x0A, 3] + Array("2.0".utf8))
            #expect(v2.text.contains("Kubernetes") && v2.text.contains("v1.32.0"))
        }
    }

    @Test func unknownPathsAreStatus404() async throws {
        try await withAPIServer { api in
            let reply = try await api.get("/api/v1/widgets")
            #expect(reply.status == .notFound)
            #expect(reply.json["kind"] == "Status")
        }
    }
}
