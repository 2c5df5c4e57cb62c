import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 7: a second `berth agent` joins; nodeSelector places pods, a pod no
    /// node has room for stays Pending with the scheduler's reason, and cordon is honoured.
    @Suite struct MultiNodeTests {
        static func pod(_ name: String, selector: [String: String] = [:], cpu: String? = nil) -> String {
            let selectorYAML = selector.isEmpty ? "" : "  nodeSelector: {\(selector.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", "))}\n"
            let resources = cpu.map { ", resources: {requests: {cpu: \"\($0)\"}}" } ?? ""
            return """
                apiVersion: v1
                kind: Pod
                metadata: {name: \(name)}
                spec:
                  terminationGracePeriodSeconds: 1
                \(selectorYAML)  containers:
                  - {name: main, image: busybox, command: [sleep, "3600"]\(resources)}

                """
        }

        @Test func podsLandOnTheNodeTheirSelectorNames() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startServer()
                let n1 = try cluster.startAgent("n1")
                let n2 = try cluster.startAgent("n2")
                try await cluster.waitForNodesReady(["n1", "n2"])
                let kubectl = cluster.kubectl
                let labelled = try await kubectl.run(["label", "node", "n2", "disk=ssd"])
                #expect(labelled.stdout.contains("node/n2 labeled"), "\(labelled.stderr)")

                let placed = ["on-n1": "n1", "on-n2": "n2", "on-ssd": "n2"]
                try await cluster.apply([
                    Self.pod("on-n1", selector: ["kubernetes.io/hostname": "n1"]),
                    Self.pod("on-n2", selector: ["kubernetes.io/hostname": "n2"]),
                    Self.pod("on-ssd", selector: ["disk": "ssd"]),
                    Self.pod("too-big", cpu: "1000"),
                ].joined(separator: "---\n"), name: "pods.yaml")
                try await cluster.eventually("the placed pods to run") {
                    for name in placed.keys {
                        guard let pod = try await cluster.pod(name), pod.isReady else { return false }
                    }
                    return true
                }
                for (name, node) in placed {
                    let pod = try #require(try await cluster.pod(name))
                    #expect(pod.spec.nodeName == node, "\(name) on \(pod.spec.nodeName ?? "-")")
                    // It runs on that node: its sandbox is under that agent's root, not the other's.
                    let uid = try #require(pod.metadata.uid)
                    #expect(Self.holds(node == "n1" ? n1 : n2, uid: uid), "\(name) runs on \(node)")
                    #expect(!Self.holds(node == "n1" ? n2 : n1, uid: uid))
                }
                let wide = try await kubectl.run(["get", "pods", "-o", "wide", "--no-headers"]).stdout
                #expect(wide.split(separator: "\n").contains { $0.hasPrefix("on-ssd ") && $0.contains(" n2 ") }, "\(wide)")

                // More cpu than any node has: Pending, PodScheduled=False/Unschedulable, a FailedScheduling event.
                let message = "0/2 nodes are available: 2 Insufficient cpu."
                try await cluster.eventually("too-big to be marked unschedulable") {
                    try await cluster.pod("too-big")?.status?.condition("PodScheduled")?.message == message
                }
                let tooBig = try #require(try await cluster.pod("too-big"))
                #expect(tooBig.status?.phase == "Pending")
                #expect(tooBig.spec.nodeName == nil)
                let scheduled = tooBig.status?.condition("PodScheduled")
                #expect(scheduled?.status == "False" && scheduled?.reason == "Unschedulable")
                try await cluster.eventually("the FailedScheduling event") {
                    let events = try await kubectl.run(["get", "events", "--field-selector", "involvedObject.name=too-big",
                                                        "--no-headers"]).stdout
                    return events.contains("Warning") && events.contains("FailedScheduling") && events.contains(message)
                }
                let describe = try await kubectl.run(["describe", "pod", "too-big"]).stdout
                #expect(describe.contains("FailedScheduling") && describe.contains("Insufficient cpu"), "\(describe)")

                // Cordon: n1 takes no new pod until it is uncordoned.
                #expect(try await kubectl.run(["cordon", "n1"]).stdout.contains("node/n1 cordoned"))
                #expect(try await kubectl.run(["get", "node", "n1", "--no-headers"]).stdout.contains("Ready,SchedulingDisabled"))
                try await cluster.apply(Self.pod("after-cordon", selector: ["kubernetes.io/hostname": "n1"]), name: "cordon.yaml")
                let cordoned = "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable."
                try await cluster.eventually("after-cordon to wait for n1") {
                    try await cluster.pod("after-cordon")?.status?.condition("PodScheduled")?.message == cordoned
                }
                #expect(try await kubectl.run(["uncordon", "n1"]).stdout.contains("node/n1 uncordoned"))
                try await cluster.eventually("after-cordon to run on n1") {
                    let pod = try await cluster.pod("after-cordon")
                    return pod?.spec.nodeName == "n1" && pod?.isReady == true
                }
                #expect(try await cluster.pod("after-cordon")?.status?.condition("PodScheduled")?.status == "True")

                let deleted = try await kubectl.run(["delete", "pods", "--all"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
                #expect(try await kubectl.run(["get", "pods"]).stderr.contains("No resources found"))
                for node in [n1, n2] {
                    #expect(((try? FileManager.default.contentsOfDirectory(atPath: node.root + "/run/pods")) ?? []).isEmpty)
                }
            }
        }

        /// Whether the node's agent keeps a record of the pod (it runs it).
        static func holds(_ node: BerthHarness, uid: String) -> Bool {
            FileManager.default.fileExists(atPath: node.root + "/run/pods/" + uid)
        }
    }
}
