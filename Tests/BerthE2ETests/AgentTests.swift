import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 7: the agent runs static pods and re-adopts them after being killed.
    @Suite struct AgentTests {
        @Test func agentReadoptsRunningPodsAfterSIGKILL() async throws {
            try await withBerth { berth in
                let manifests = berth.root + "/manifests"
                try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
                try """
                apiVersion: v1
                kind: Pod
                metadata: {name: static-web}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox, command: [sleep, "3600"]}
                """.write(toFile: manifests + "/web.yaml", atomically: true, encoding: .utf8)
                let agentArgs = ["agent", "--manifests", manifests, "--poll-interval", "0.1", "--backoff-base", "0.1"]
                let first = try berth.start(agentArgs, name: "agent1")
                var containerID = ""
                try await berth.eventually("the static pod to run") {
                    guard let status = (try await berth.pod("static-web"))?.status?.containerStatuses?.first,
                          status.state?.running != nil, let id = status.containerID else { return false }
                    containerID = id
                    return true
                }
                let pid = try containerPID(berth: berth, containerID: containerID)
                kill(first.processIdentifier, SIGKILL)
                first.waitUntilExit()
                #expect(kill(pid, 0) == 0, "the container outlives the agent")

                _ = try berth.start(agentArgs, name: "agent2")
                try await berth.eventually("the new agent to adopt the pod") {
                    (try? containerPIDOwner(berth: berth)) == true
                }
                let adopted = try await berth.pod("static-web")
                #expect(adopted?.status?.containerStatuses?.first?.containerID == containerID, "same container, not a new one")
                #expect(try containerPID(berth: berth, containerID: containerID) == pid)

                // Restart policy applies to the adopted container again.
                kill(pid, SIGKILL)
                try await berth.eventually("the adopted container to be restarted") {
                    let status = (try await berth.pod("static-web"))?.status?.containerStatuses?.first
                    return status?.restartCount == 1 && status?.state?.running != nil
                }

                // Removing the manifest stops and removes the pod.
                try FileManager.default.removeItem(atPath: manifests + "/web.yaml")
                try await berth.eventually("the pod to go") { try await berth.pod("static-web") == nil }
            }
        }

        /// The container's host PID from the state the shim wrote.
        func containerPID(berth: BerthHarness, containerID: String) throws -> Int32 {
            let id = containerID.replacingOccurrences(of: "berth://", with: "")
            let sandboxes = try FileManager.default.contentsOfDirectory(atPath: berth.root + "/run/sandboxes")
            for sandbox in sandboxes {
                let file = berth.root + "/run/sandboxes/\(sandbox)/containers/\(id)/pid"
                if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                    let fields = text.split(separator: " ")
                    if fields.count >= 2, let pid = Int32(fields[1]) { return pid }
                }
            }
            throw HarnessError("no pid file for \(containerID)")
        }

        /// True once a live agent owns the pod again.
        func containerPIDOwner(berth: BerthHarness) throws -> Bool {
            let pods = try FileManager.default.contentsOfDirectory(atPath: berth.root + "/run/pods")
            return pods.contains { uid in
                guard let text = try? String(contentsOfFile: berth.root + "/run/pods/\(uid)/owner", encoding: .utf8),
                      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
                return kill(pid, 0) == 0
            }
        }
    }
}
