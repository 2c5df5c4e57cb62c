import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 1 and 2: `berth up`, then the real kubectl.
    @Suite struct ClusterTests {
        @Test func kubectlDrivesASidecarPod() async throws {
            try await TestCluster.with { cluster in
                try await cluster.upWithReadyNode()
                let kubectl = cluster.kubectl
                let example = BerthHarness.packageRoot + "/examples/cluster-pod.yaml"
                let applied = try await kubectl.run(["apply", "-f", example])
                #expect(applied.status == 0, "\(applied.stderr)")
                #expect(applied.stdout.contains("pod/web created"))
                let started = ContinuousClock.now
                try await cluster.eventually("the pod to be Running 2/2", timeout: .seconds(10)) {
                    let row = try await kubectl.run(["get", "pods", "web", "--no-headers"]).stdout
                    return row.contains("2/2") && row.contains("Running")
                }
                #expect(ContinuousClock.now - started < .seconds(2), "Running 2/2 within 2 s")

                let again = try await kubectl.run(["apply", "-f", example])
                #expect(again.stdout.contains("pod/web unchanged"), "\(again.stdout) \(again.stderr)")

                let yaml = try await kubectl.run(["get", "pod", "web", "-o", "yaml"]).stdout
                for field in ["phase: Running", "qosClass: BestEffort", "hostIP:", "podIP:", "startTime:", "containerID: berth://",
                              "type: Ready", "type: ContainersReady", "type: Initialized", "type: PodScheduled", "restartCount: 0"] {
                    #expect(yaml.contains(field), "missing \(field)")
                }
                let describe = try await kubectl.run(["describe", "pod", "web"]).stdout
                #expect(describe.contains("Successfully assigned default/web to"), "\(describe)")
                #expect(describe.contains("Started container app"))

                let logs = try await kubectl.run(["logs", "web", "-c", "sidecar"])
                #expect(logs.status == 0, "\(logs.stderr)")
                let appLogs = try await kubectl.run(["logs", "web", "-c", "app"]).stdout
                #expect(appLogs.contains("hello from the berth sidecar"))
                let exec = try await kubectl.run(["exec", "web", "-c", "app", "--", "cat", "/etc/hostname"])
                #expect(exec.stdout == "web\n", "\(exec.stdout) \(exec.stderr)")
                let failing = try await kubectl.run(["exec", "web", "-c", "app", "--", "sh", "-c", "exit 3"])
                #expect(failing.status == 3, "\(failing.stderr)")

                let labelled = try await kubectl.run(["label", "pod", "web", "tier=front"])
                #expect(labelled.stdout.contains("pod/web labeled"))
                #expect(try await kubectl.run(["get", "pods", "-l", "tier=front", "--no-headers"]).stdout.contains("web"))
                #expect(try await kubectl.run(["get", "pods", "-l", "tier=back"]).stderr.contains("No resources found"))

                let deleted = try await kubectl.run(["delete", "pod", "web"])
                #expect(deleted.stdout.contains("pod \"web\" deleted"), "\(deleted.stderr)")
                #expect(try await kubectl.run(["get", "pods"]).stderr.contains("No resources found"))
            }
        }

        @Test func badBodiesGetKubectlsErrorsAndChangeNothing() async throws {
            try await TestCluster.with { cluster in
                try await cluster.up()
                let kubectl = cluster.kubectl
                let bad = try cluster.control.manifest("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: Bad_Name}
                    spec:
                      containers: [{name: a, image: busybox, command: ["true"]}]
                    """, name: "bad.yaml")
                let invalid = try await kubectl.run(["create", "-f", bad])
                #expect(invalid.status != 0)
                #expect(invalid.stderr.contains("Invalid value: \"Bad_Name\""), "\(invalid.stderr)")
                let empty = try cluster.control.manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: empty}\nspec: {containers: []}\n", name: "empty.yaml")
                let missing = try await kubectl.run(["create", "-f", empty])
                #expect(missing.stderr.contains("spec.containers: Required value"), "\(missing.stderr)")
                #expect(try await kubectl.run(["get", "pods"]).stderr.contains("No resources found"))
            }
        }
    }
}
