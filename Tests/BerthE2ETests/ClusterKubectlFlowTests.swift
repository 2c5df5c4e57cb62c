import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 1–3 beyond `ClusterTests`: a second apply with a changed label is a
    /// PATCH of the label only and `kubectl get -w` streams it; `-l` filters; `logs -f`
    /// follows; delete ends within the grace period; bad bodies change nothing.
    @Suite struct ClusterKubectlFlowTests {
        static let example = BerthHarness.packageRoot + "/examples/cluster-pod.yaml"

        @Test func applyWatchFollowDeleteAndBadBodies() async throws {
            try await TestCluster.with { cluster in
                try await cluster.upWithReadyNode()
                let kubectl = cluster.kubectl
                #expect(try await kubectl.run(["apply", "-f", Self.example]).status == 0)
                try await cluster.apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: other, labels: {app: db}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers: [{name: main, image: busybox, command: [sleep, "3600"]}]
                    """, name: "other.yaml")
                try await cluster.eventually("web to be Running 2/2") {
                    try await kubectl.run(["get", "pods", "web", "--no-headers"]).stdout.contains("2/2")
                }
                let before = try #require(try await cluster.pod("web"))

                // kubectl get -w, started before the change, must stream it.
                let watchArgs = ["--kubeconfig", kubectl.kubeconfig, "--cache-dir", kubectl.cacheDirectory,
                                 "get", "pods", "-w", "--output-watch-events"]
                let watch = try cluster.control.start(program: "/usr/bin/kubectl", watchArgs, name: "watch")
                try await cluster.eventually("the watch to list web") {
                    cluster.control.output(of: "watch").contains("web")
                }

                // The same file with one more label: kubectl sends a PATCH, only the label changes.
                let changed = try String(contentsOfFile: Self.example, encoding: .utf8)
                    .replacingOccurrences(of: "    app: web\n", with: "    app: web\n    tier: front\n")
                let path = try cluster.control.manifest(changed, name: "web-changed.yaml")
                let applied = try await kubectl.run(["apply", "-f", path, "-v=6"])
                #expect(applied.stdout.contains("pod/web configured"), "\(applied.stdout) \(applied.stderr)")
                #expect(applied.stderr.contains("PATCH ") && applied.stderr.contains("/namespaces/default/pods/web"),
                        "kubectl -v=6 shows the PATCH: \(applied.stderr)")
                let after = try #require(try await cluster.pod("web"))
                #expect(after.metadata.labels == ["app": "web", "tier": "front"])
                #expect(after.metadata.uid == before.metadata.uid)
                #expect(after.spec == before.spec, "the spec is untouched")
                try await cluster.eventually("the watch to stream the change") {
                    cluster.control.output(of: "watch").split(separator: "\n").filter { $0.contains("MODIFIED") && $0.contains("web") }.count >= 1
                }
                kill(watch.processIdentifier, SIGKILL)

                let filtered = try await kubectl.run(["get", "pods", "-l", "app=web", "-o", "name"])
                #expect(filtered.stdout == "pod/web\n", "\(filtered.stdout)")
                let notIn = try await kubectl.run(["get", "pods", "-l", "app notin (web)", "-o", "name"])
                #expect(notIn.stdout == "pod/other\n", "\(notIn.stdout) \(notIn.stderr)")

                // logs -f follows the app, which fetches the sidecar's page every second.
                let followArgs = ["--kubeconfig", kubectl.kubeconfig, "--cache-dir", kubectl.cacheDirectory,
                                  "logs", "-f", "web", "-c", "app"]
                let follow = try cluster.control.start(program: "/usr/bin/kubectl", followArgs, name: "follow")
                let seenAtStart = cluster.control.output(of: "follow").components(separatedBy: "hello from the berth sidecar").count
                try await cluster.eventually("logs -f to show new lines", timeout: .seconds(15)) {
                    cluster.control.output(of: "follow").components(separatedBy: "hello from the berth sidecar").count >= seenAtStart + 2
                }
                #expect(follow.isRunning, "logs -f keeps following")
                kill(follow.processIdentifier, SIGKILL)

                try await Self.badBodiesChangeNothing(cluster)

                // Delete waits for the node to stop the pod; grace period 5 s, both handle SIGTERM.
                let started = ContinuousClock.now
                let deleted = try await kubectl.run(["delete", "pod", "web"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
                #expect(ContinuousClock.now - started < .seconds(5), "stopped within its grace period")
                #expect(try await kubectl.run(["get", "pod", "web"]).stderr.contains(#"pods "web" not found"#))
            }
        }

        /// Unknown kind, malformed YAML and JSON, a stale resourceVersion: kubectl's usual
        /// error lines, and the pods are as they were.
        static func badBodiesChangeNothing(_ cluster: TestCluster) async throws {
            let kubectl = cluster.kubectl
            let podsBefore = try await kubectl.run(["get", "pods", "-o", "name"]).stdout
            let web = try await kubectl.run(["get", "pod", "web", "-o", "yaml"]).stdout
            let stale = try cluster.control.manifest(web, name: "stale.yaml")

            let unknownKind = try cluster.control.manifest("apiVersion: v1\nkind: Pood\nmetadata: {name: x}\n", name: "kind.yaml")
            let kind = try await kubectl.run(["apply", "-f", unknownKind])
            #expect(kind.status != 0 && kind.stderr.contains(#"no matches for kind "Pood" in version "v1""#), "\(kind.stderr)")

            let badYAML = try cluster.control.manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n", name: "bad.yaml")
            let yaml = try await kubectl.run(["apply", "-f", badYAML])
            #expect(yaml.status != 0 && yaml.stderr.contains("error converting YAML to JSON"), "\(yaml.stderr)")

            let badJSON = try cluster.control.manifest(#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"#, name: "bad.json")
            let json = try await kubectl.run(["create", "--raw", "/api/v1/namespaces/default/pods", "-f", badJSON])
            #expect(json.status != 0 && json.stderr.contains("Error from server (BadRequest)"), "\(json.stderr)")

            #expect(try await kubectl.run(["label", "pod", "web", "touched=yes"]).status == 0)
            let replaced = try await kubectl.run(["replace", "-f", stale])
            #expect(replaced.status != 0, "a stale resourceVersion must not win")
            #expect(replaced.stderr.contains("Error from server (Conflict)")
                    && replaced.stderr.contains(#"Operation cannot be fulfilled on pods "web": the object has been modified"#),
                    "\(replaced.stderr)")
            #expect(try await cluster.pod("web")?.metadata.labels?["touched"] == "yes", "the newer write stays")
            #expect(try await kubectl.run(["get", "pods", "-o", "name"]).stdout == podsBefore)
        }
    }
}
