import BerthAPI
@testable import BerthControlPlane
import Foundation
import Testing

@Suite("API server create, get, update")
struct APIServerCRUDTests {
    @Test func createFillsMetadataAndDefaults() async throws {
        try await withAPIServer { api in
            let reply = try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            #expect(reply.status == .created)
            let pod = reply.json
            #expect(pod["metadata"]?["uid"]?.stringValue?.isEmpty == false)
            #expect(pod["metadata"]?["creationTimestamp"] != nil)
            #expect(pod["metadata"]?["generation"] == .int(1))
            #expect(Int(pod["metadata"]?["resourceVersion"]?.stringValue ?? "") != nil)
            #expect(pod["metadata"]?["namespace"] == "default")
            #expect(pod["spec"]?["restartPolicy"] == "Always")
            #expect(pod["spec"]?["terminationGracePeriodSeconds"] == .int(30))
            #expect(pod["status"]?["phase"] == "Pending")
            #expect(pod["status"]?["qosClass"] == "BestEffort")

            let got = try await api.get("/api/v1/namespaces/default/pods/web")
            #expect(got.json == pod)
        }
    }

    @Test func errorsAreStatusObjects() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            let duplicate = try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["reason"] == "AlreadyExists")
            #expect(duplicate.json["message"] == "pods \"web\" already exists")
            #expect(duplicate.json["details"]?["name"] == "web")

            let missing = try await api.get("/api/v1/namespaces/default/pods/nope")
            #expect(missing.status == .notFound)
            #expect(missing.json["message"] == "pods \"nope\" not found")
            #expect(missing.json["status"] == "Failure")

            let noNamespace = try await api.post("/api/v1/namespaces/x/pods", Fixtures.pod("web"))
            #expect(noNamespace.status == .notFound)
            #expect(noNamespace.json["message"] == "namespaces \"x\" not found")

            let mismatch = try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web2", namespace: "kube-system"))
            #expect(mismatch.status == .badRequest)

            var noContainers = Fixtures.pod("Bad_Name")
            noContainers.set(path: ["spec", "containers"], .array([]))
            let invalid = try await api.post("/api/v1/namespaces/default/pods", noContainers)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.json["reason"] == "Invalid")
            let message = invalid.json["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Pod \"Bad_Name\" is invalid: ["))
            #expect(message.contains("spec.containers: Required value"))
            let fields = invalid.json["details"]?["causes"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(fields.contains("metadata.name"))
            #expect(fields.contains("spec.containers"))

            let malformed = try await api.request(.post, "/api/v1/namespaces/default/pods", rawBody: "{not json")
            #expect(malformed.status == .badRequest)
            #expect(malformed.json["kind"] == "Status")

            let protobuf = try await api.request(.post, "/api/v1/namespaces/default/pods", rawBody: "k8s\u{0}",
                                                 contentType: "application/vnd.kubernetes.protobuf")
            #expect(protobuf.status == .unsupportedMediaType)
            #expect(protobuf.json["reason"] == "UnsupportedMediaType")
        }
    }

    @Test func generateNameDryRunAndFieldValidation() async throws {
        try await withAPIServer { api in
            var generated = Fixtures.pod("")
            generated.setMeta("name", nil)
            generated.setMeta("generateName", "job-")
            let created = try await api.post("/api/v1/namespaces/default/pods", generated)
            #expect(created.status == .created)
            let name = created.json["metadata"]?["name"]?.stringValue ?? ""
            #expect(name.hasPrefix("job-") && name.count == 9)

            let dry = try await api.post("/api/v1/namespaces/default/pods?dryRun=All", Fixtures.pod("dry"))
            #expect(dry.status == .created)
            #expect(try await api.get("/api/v1/namespaces/default/pods/dry").status == .notFound)

            var unknown = Fixtures.pod("strict")
            unknown.set(path: ["spec", "foo"], "bar")
            let strict = try await api.post("/api/v1/namespaces/default/pods?fieldValidation=Strict", unknown)
            #expect(strict.status == .badRequest)
            #expect(strict.json["message"] == "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.foo\"")

            let warn = try await api.post("/api/v1/namespaces/default/pods?fieldValidation=Warn", unknown)
            #expect(warn.status == .created)
            #expect(warn.headers[.warning] == "299 - \"unknown field \\\"spec.foo\\\"\"")
            #expect(warn.json["spec"]?["foo"] == nil)
        }
    }

    @Test func updateHonoursResourceVersionStatusAndImmutability() async throws {
        try await withAPIServer { api in
            let created = try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web")).json
            let rv = created["metadata"]?["resourceVersion"]

            var changed = created
            changed.set(path: ["spec", "containers"], .array([.object(["name": "app", "image": "busybox:1.37"])]))
            changed.set(path: ["status", "phase"], "Running")
            let updated = try await api.put("/api/v1/namespaces/default/pods/web", changed)
            #expect(updated.status == .ok)
            #expect(updated.json["spec"]?["containers"]?[0]?["image"] == "busybox:1.37")
            #expect(updated.json["status"]?["phase"] == "Pending")
            #expect(updated.json["metadata"]?["generation"] == .int(2))
            #expect(updated.json["metadata"]?["resourceVersion"] != rv)

            let stale = try await api.put("/api/v1/namespaces/default/pods/web", changed)
            #expect(stale.status == .conflict)
            #expect(stale.json["reason"] == "Conflict")
            #expect(stale.json["message"] == "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again")

            var forbidden = updated.json
            forbidden.set(path: ["spec", "restartPolicy"], "Never")
            let immutable = try await api.put("/api/v1/namespaces/default/pods/web", forbidden)
            #expect(immutable.status == .unprocessableContent)
            #expect(immutable.json["message"]?.stringValue?.contains("Forbidden: pod updates may not change fields other than") == true)

            // The status subresource changes only status, without a generation bump.
            var status = updated.json
            status.set(path: ["status", "phase"], "Running")
            status.setMeta("labels", .object(["ignored": "yes"]))
            let statusReply = try await api.put("/api/v1/namespaces/default/pods/web/status", status)
            #expect(statusReply.status == .ok)
            #expect(statusReply.json["status"]?["phase"] == "Running")
            #expect(statusReply.json["metadata"]?["labels"] == nil)
            #expect(statusReply.json["metadata"]?["generation"] == .int(2))
        }
    }

    @Test func bindingSetsNodeNameOnce() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            let binding: JSONValue = .object(["apiVersion": "v1", "kind": "Binding", "metadata": .object(["name": "web"]),
                                              "target": .object(["kind": "Node", "name": "n1"])])
            let bound = try await api.post("/api/v1/namespaces/default/pods/web/binding", binding)
            #expect(bound.status == .created)
            let pod = try await api.get("/api/v1/namespaces/default/pods/web").json
            #expect(pod["spec"]?["nodeName"] == "n1")
            #expect(pod["status"]?["conditions"]?[0]?["type"] == "PodScheduled")
            let again = try await api.post("/api/v1/namespaces/default/pods/web/binding", binding)
            #expect(again.status == .conflict)
        }
    }

    @Test func clusterScopedKindsAndLeases() async throws {
        try await withAPIServer { api in
            let node = try await api.post("/api/v1/nodes", Fixtures.node("n1"))
            #expect(node.status == .created)
            #expect(node.json["metadata"]?["namespace"] == nil)
            let lease: JSONValue = .object(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                            "metadata": .object(["name": "n1"]),
                                            "spec": .object(["holderIdentity": "n1", "leaseDurationSeconds": 40])])
            let created = try await api.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease)
            #expect(created.status == .created)
            let got = try await api.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1")
            #expect(got.json["spec"]?["holderIdentity"] == "n1")
            let namespaces = try await api.get("/api/v1/namespaces").json
            let names = namespaces["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
            #expect(Set(names) == Set(APIServer.initialNamespaces))
        }
    }
}
