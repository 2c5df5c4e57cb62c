import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 5: `berth agent` killed with SIGKILL and started again, with the
    /// server running on in its own process: pods keep running and their status stays accurate.
    @Suite struct AgentRestartTests {
        static func pods(gate: String) -> String {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: steady}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: [sleep, "3600"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: brief}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: gate, hostPath: {path: \(gate)}}
              containers:
              - name: main
                image: busybox
                command: [sh, -c, "until [ -e /gate/go ]; do sleep 0.05; done; exit 7"]
                volumeMounts: [{name: gate, mountPath: /gate}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: doomed}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: [sleep, "3600"]}
            """
        }

        @Test func podsKeepRunningAndStatusStaysAccurateAcrossAgentSIGKILL() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startServer()
                let node = try cluster.startAgent("n1")
                try await cluster.waitForNodesReady(["n1"])
                let gate = node.root + "/gate"
                try FileManager.default.createDirectory(atPath: gate, withIntermediateDirectories: true)
                try await cluster.apply(Self.pods(gate: gate), name: "pods.yaml")
                var before: [String: Pod] = [:]
                try await cluster.eventually("the pods to be Running and Ready") {
                    for name in ["steady", "brief", "doomed"] {
                        guard let pod = try await cluster.pod(name), pod.isReady else { return false }
                        before[name] = pod
                    }
                    return true
                }
                let steady = try #require(before["steady"]?.status?.containerStatuses?.first)
                let brief = try #require(before["brief"]?.status?.containerStatuses?.first)
                let steadyProcesses = try ContainerProcesses(node: node, containerID: try #require(steady.containerID))
                let briefProcesses = try ContainerProcesses(node: node, containerID: try #require(brief.containerID))
                let doomedProcesses = try ContainerProcesses(
                    node: node, containerID: try #require(before["doomed"]?.status?.containerStatuses?.first?.containerID))

                // Every status steady is given from now on, as a watching client sees it.
                let watcher = try cluster.control.start(program: "/usr/bin/kubectl", [
                    "--kubeconfig", cluster.kubeconfig, "--cache-dir", cluster.kubectl.cacheDirectory, "get", "pods", "steady",
                    "--watch-only", "-v=6", "-o", #"jsonpath={.status.phase} {.status.conditions[?(@.type=="Ready")].status}{"\n"}"#,
                ], name: "watch-steady")
                try await cluster.eventually("the watch to be established") {
                    cluster.control.output(of: "watch-steady").split(separator: "\n")
                        .contains { $0.contains("watch=true") && $0.contains("200 OK") }
                }

                await cluster.killAgent("n1")
                for pid in [steadyProcesses.shim, steadyProcesses.container, briefProcesses.shim, briefProcesses.container] {
                    #expect(kill(pid, 0) == 0, "process \(pid) outlives the agent")
                }
                // While no agent watches, brief's container ends with 7 (its shim records it).
                _ = FileManager.default.createFile(atPath: gate + "/go", contents: nil)
                try await cluster.eventually("brief's container to exit while the agent is away") {
                    briefProcesses.exitRecorded
                }
                #expect(try await cluster.pod("brief")?.status?.phase == "Running", "nobody has told the API yet")
                // Meanwhile the API deletes one pod (it waits for the node) and binds a new one.
                let deleting = try await cluster.kubectl.run(["delete", "pod", "doomed", "--wait=false"])
                #expect(deleting.status == 0, "\(deleting.stderr)")
                try await cluster.apply(MultiNodeTests.pod("late"), name: "late.yaml")
                try await cluster.eventually("late to be bound to n1") { try await cluster.pod("late")?.spec.nodeName == "n1" }
                #expect(try await cluster.pod("doomed")?.metadata.deletionTimestamp != nil)

                try cluster.startAgent("n1")
                try await cluster.eventually("brief to be reported Failed with exit code 7") {
                    let status = try await cluster.pod("brief")?.status
                    let terminated = status?.containerStatuses?.first?.state?.terminated
                    return status?.phase == "Failed" && terminated?.exitCode == 7
                }
                let briefAfter = try #require(try await cluster.pod("brief")?.status)
                let terminated = briefAfter.containerStatuses?.first?.state?.terminated
                #expect(terminated?.reason == "Error")
                #expect(briefAfter.containerStatuses?.first?.restartCount == 0, "restartPolicy Never: not run again")
                #expect(briefAfter.containerStatuses?.first?.containerID == brief.containerID)
                #expect(briefAfter.condition("Ready")?.status == "False")

                // steady: the same container, still Running and Ready, nothing restarted, times kept.
                let steadyPod = try #require(try await cluster.pod("steady"))
                let steadyAfter = try #require(steadyPod.status?.containerStatuses?.first)
                #expect(steadyPod.status?.phase == "Running" && steadyPod.isReady)
                #expect(steadyAfter.containerID == steady.containerID)
                #expect(steadyAfter.restartCount == 0)
                #expect(steadyAfter.state?.running?.startedAt == steady.state?.running?.startedAt)
                #expect(steadyPod.status?.startTime == before["steady"]?.status?.startTime)
                #expect(steadyPod.status?.condition("Ready")?.lastTransitionTime
                        == before["steady"]?.status?.condition("Ready")?.lastTransitionTime, "Ready did not flap")
                #expect(try ContainerProcesses(node: node, containerID: try #require(steady.containerID)) == steadyProcesses)
                #expect(watcher.isRunning)
                // kubectl's own log lines (-v=6) start like "I1127 10:41:05.899240".
                let seen = cluster.control.output(of: "watch-steady").split(separator: "\n")
                    .filter { $0.firstMatch(of: #/^[IWEF]\d{4} /#) == nil }
                #expect(seen.allSatisfy { $0 == "Running True" }, "steady never looked otherwise: \(seen)")
                #expect(kill(steadyProcesses.container, 0) == 0)

                // What happened in the API while the agent was away is carried out.
                try await cluster.eventually("doomed to be stopped and gone, late to run") {
                    let doomedGone = try await cluster.pod("doomed") == nil
                    let lateRuns = try await cluster.pod("late")?.isReady == true
                    return doomedGone && lateRuns
                }
                #expect(kill(doomedProcesses.container, 0) != 0, "doomed's container was stopped")

                // The new agent serves exec for the adopted container (its new endpoint port is in the Node).
                let exec = try await cluster.kubectl.run(["exec", "steady", "--", "cat", "/etc/hostname"])
                #expect(exec.stdout == "steady\n", "\(exec.stderr)")

                let deleted = try await cluster.kubectl.run(["delete", "pod", "steady", "brief", "late"])
                #expect(deleted.stdout.contains("pod \"steady\" deleted") && deleted.stdout.contains("pod \"brief\" deleted"),
                        "\(deleted.stdout) \(deleted.stderr)")
                #expect(try await cluster.kubectl.run(["get", "pods"]).stderr.contains("No resources found"))
                try await cluster.eventually("the pods to be gone from the node") {
                    ((try? FileManager.default.contentsOfDirectory(atPath: node.root + "/run/sandboxes")) ?? []).isEmpty
                }
                #expect(kill(steadyProcesses.container, 0) != 0, "the adopted container was stopped")
            }
        }
    }
}
