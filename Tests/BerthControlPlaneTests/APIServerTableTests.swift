import BerthAPI
@testable import BerthControlPlane
import Foundation
import Testing

@Suite("API server tables")
struct APIServerTableTests {
    @Test func listAndGetAsTable() async throws {
        try await withAPIServer { api in
            try await api.post("/api/v1/namespaces/default/pods", Fixtures.pod("web", labels: ["app": "web"]))
            let list = try await api.get("/api/v1/namespaces/default/pods?limit=500", accept: Fixtures.tableAccept)
            #expect(list.contentType == "application/json;as=Table;v=v1;g=meta.k8s.io")
            #expect(list.json["kind"] == "Table")
            #expect(list.json["metadata"]?["resourceVersion"]?.stringValue != nil)
            let columns = list.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(Array(columns.prefix(5)) == ["Name", "Ready", "Status", "Restarts", "Age"])
            let row = try #require(list.json["rows"]?[0])
            #expect(row["cells"]?[0] == "web")
            #expect(row["object"]?["kind"] == "PartialObjectMetadata")
            #expect(row["object"]?["metadata"]?["labels"]?["app"] == "web")

            let full = try await api.get("/api/v1/namespaces/default/pods?includeObject=Object", accept: Fixtures.tableAccept)
            #expect(full.json["rows"]?[0]?["object"]?["kind"] == "Pod")

            let one = try await api.get("/api/v1/namespaces/default/pods/web", accept: Fixtures.tableAccept)
            #expect(one.json["rows"]?.arrayValue?.count == 1)

            let plain = try await api.get("/api/v1/namespaces/default/pods", accept: "application/vnd.kubernetes.protobuf,application/json")
            #expect(plain.contentType == "application/json")
            #expect(plain.json["kind"] == "PodList")
        }
    }
}
