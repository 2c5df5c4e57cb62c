import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 4: an acknowledged write survives SIGKILL of `berth server`, and
    /// after the restart watches resume from their resourceVersion or get 410 Expired.
    @Suite struct DurabilityTests {
        static let window = 30

        static func configMap(_ name: String) -> String {
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), labels: {test: durability}}\ndata: {key: \(name)}\n"
        }

        @Test func acknowledgedCreateSurvivesSIGKILLAndWatchesResume() async throws {
            try await TestCluster.with { cluster in
                // ConfigMaps: no scheduler or agent touches them, so their resourceVersion stays put.
                try await cluster.startServer(["--history-window", "\(Self.window)"])
                let kubectl = cluster.kubectl
                // The list's own resourceVersion (`kubectl get -o json` blanks it in the List it prints).
                let list = try await kubectl.run(["get", "--raw", "/api/v1/namespaces/default/configmaps"])
                let before = try #require(try JSONValue(parsingJSON: Data(list.stdout.utf8))["metadata"]?["resourceVersion"]?.stringValue)

                let file = try cluster.control.manifest(Self.configMap("durable"), name: "durable.yaml")
                let created = try await kubectl.run(["create", "-f", file, "-o", "json"])
                try #require(created.status == 0, "\(created.stderr)")
                // The 201 came back (kubectl printed the created object): kill at once, no shutdown.
                await cluster.killServer()
                let acknowledged = try JSONValue(parsingJSON: Data(created.stdout.utf8))
                let uid = try #require(acknowledged["metadata"]?["uid"]?.stringValue)
                let version = try #require(acknowledged["metadata"]?["resourceVersion"]?.stringValue)

                try await cluster.startServer(["--history-window", "\(Self.window)"])
                let restored = try #require(try await cluster.object(["configmap", "durable"]), "the object is there after SIGKILL")
                #expect(restored["metadata"]?["uid"]?.stringValue == uid)
                #expect(restored["metadata"]?["resourceVersion"]?.stringValue == version)
                #expect(restored["data"]?["key"]?.stringValue == "durable")

                // A watch from before the create replays it.
                let replay = try await watch(kubectl, from: before)
                #expect(replay.contains { $0.type == "ADDED" && $0.name == "durable" && $0.resourceVersion == version },
                        "\(replay)")
                // Writes no newer revision can have been lost: the next one is past the old ones.
                let labelled = try await kubectl.run(["label", "configmap", "durable", "step=two"])
                #expect(labelled.status == 0, "\(labelled.stderr)")
                let nextVersion = try await cluster.object(["configmap", "durable"])?["metadata"]?["resourceVersion"]?.stringValue
                #expect((Int(nextVersion ?? "") ?? 0) > (Int(version) ?? .max), "after \(version): \(nextVersion ?? "-")")

                // More writes than the history window: the old resourceVersion is gone, a recent one still works.
                let many = (0..<(Self.window + 10)).map { Self.configMap("filler-\($0)") }.joined(separator: "---\n")
                let filled = try await kubectl.run(["create", "-f", try cluster.control.manifest(many, name: "many.yaml")])
                try #require(filled.status == 0, "\(filled.stderr)")
                let expired = try await watch(kubectl, from: before)
                let error = try #require(expired.first, "an ERROR event")
                #expect(error.type == "ERROR" && error.code == 410 && error.reason == "Expired", "\(expired)")
                #expect(expired.count == 1)

                let recent = try #require(try await cluster.object(["configmap", "filler-\(Self.window + 8)"])?["metadata"]?["resourceVersion"]?.stringValue)
                let tail = try await watch(kubectl, from: recent)
                #expect(tail.map(\.name) == ["filler-\(Self.window + 9)"], "\(tail)")
            }
        }

        @Test func everyAcknowledgedCreateOfABatchSurvivesSIGKILL() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startServer()
                let names = (0..<20).map { "batch-\($0)" }
                let file = try cluster.control.manifest(names.map(Self.configMap).joined(separator: "---\n"), name: "batch.yaml")
                let created = try await cluster.kubectl.run(["create", "-f", file])
                try #require(created.status == 0, "\(created.stderr)")
                await cluster.killServer()
                try await cluster.startServer()
                let listed = try await cluster.kubectl.run(["get", "configmaps", "-l", "test=durability", "-o", "name"])
                #expect(Set(listed.stdout.split(separator: "\n").map(String.init)) == Set(names.map { "configmap/" + $0 }),
                        "\(listed.stdout) \(listed.stderr)")
            }
        }

        /// Agents know the server by its URL: when it comes back on the same port after SIGKILL,
        /// their watches resume from the resourceVersion they had seen, and work goes on.
        @Test func agentCarriesOnAcrossAServerRestart() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startServer()
                try cluster.startAgent("n1")
                try await cluster.waitForNodesReady(["n1"])
                try await cluster.apply(MultiNodeTests.pod("before"), name: "before.yaml")
                try await cluster.eventually("before to run") { try await cluster.pod("before")?.isReady == true }

                try await cluster.restartServer()
                // Both directions work again: a deletion reaches the agent, a new pod is run and reported.
                let deleted = try await cluster.kubectl.run(["delete", "pod", "before", "--wait=false"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
                try await cluster.apply(MultiNodeTests.pod("after"), name: "after.yaml")
                try await cluster.eventually("after to run and before to be gone") {
                    let afterRuns = try await cluster.pod("after")?.isReady == true
                    let beforeGone = try await cluster.pod("before") == nil
                    return afterRuns && beforeGone
                }
                #expect(try await cluster.pod("after")?.spec.nodeName == "n1")
            }
        }

        struct Seen: CustomStringConvertible {
            var type: String
            var name: String?
            var resourceVersion: String?
            var code: Int?
            var reason: String?
            var description: String { "\(type) \(name ?? "") rv=\(resourceVersion ?? "") \(code.map(String.init) ?? "") \(reason ?? "")" }
        }

        /// The events of a 1-second watch of configmaps in default from `resourceVersion`, through kubectl.
        func watch(_ kubectl: Kubectl, from resourceVersion: String) async throws -> [Seen] {
            let path = "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=\(resourceVersion)"
            let result = try await kubectl.run(["get", "--raw", path])
            try #require(result.status == 0, "\(result.stderr)")
            return try result.stdout.split(separator: "\n").map { line in
                let event = try JSONValue(parsingJSON: Data(line.utf8))
                let object = event["object"]
                return Seen(type: event["type"]?.stringValue ?? "", name: object?["metadata"]?["name"]?.stringValue,
                            resourceVersion: object?["metadata"]?["resourceVersion"]?.stringValue,
                            code: object?["code"]?.intValue.map { Int($0) }, reason: object?["reason"]?.stringValue)
            }
        }
    }
}
