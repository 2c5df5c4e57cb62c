import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 5 and 6: restart policy with back-off, and the grace period.
    @Suite struct LifecycleTests {
        @Test func onFailureRestartsWithGrowingBackOff() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: flaky}
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: fail
                    image: busybox
                    command: [sh, -c, 'echo attempt; exit 3']
                """)
                let run = try berth.start(["run", "--backoff-base", "0.2", "-f", path], name: "run")
                try await berth.eventually("three restarts") {
                    (try await berth.pod("flaky"))?.status?.containerStatuses?.first?.restartCount ?? 0 >= 3
                }
                let output = berth.output(of: "run")
                #expect(output.contains("flaky/fail exited with code 3 (Error), restarting in 0.2 seconds"), "\(output)")
                #expect(output.contains("restarting in 0.4 seconds"), "\(output)")
                #expect(output.contains("restarting in 0.8 seconds"), "\(output)")
                let table = try await berth.berth(["get", "pods"])
                #expect(table.stdout.contains("flaky"))
                let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("flaky") } ?? ""
                let columns = row.split(separator: " ", omittingEmptySubsequences: true)
                // RESTARTS reads "3 (1s ago)" as kubectl prints it.
                #expect(columns.count >= 5 && (Int(columns[3]) ?? 0) >= 3, "RESTARTS column: \(row)")
                let pod = try await berth.pod("flaky")
                #expect(pod?.status?.containerStatuses?.first?.lastState?.terminated?.exitCode == 3)
                run.interrupt()
                try await BerthHarness.waitForExit(run)
            }
        }

        @Test func neverDoesNotRestart() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: once}
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: fail, image: busybox, command: [sh, -c, 'exit 4']}
                """)
                let result = try await berth.berth(["run", "--backoff-base", "0.1", "-f", path])
                #expect(result.status == 1)
                #expect(result.stdout.contains("once/fail exited with code 4 (Error)"))
                #expect(!result.stdout.contains("restarting"))
                let pod = try await berth.pod("once")
                #expect(pod?.status?.containerStatuses?.first?.restartCount == 0)
                #expect(pod?.status?.phase == "Failed")
            }
        }

        @Test func gracePeriodSendsTermThenKill() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: graceful}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: polite
                    image: busybox
                    command: [sh, -c, 'trap "echo got-term; exit 0" TERM; echo ready; while true; do sleep 0.05; done']
                  - name: stubborn
                    image: busybox
                    command: [sh, -c, 'trap "echo ignoring-term" TERM; echo ready; while true; do sleep 0.05; done']
                """)
                let run = try berth.start(["run", "-f", path], name: "run")
                try await berth.eventually("both containers to run") {
                    let statuses = (try await berth.pod("graceful"))?.status?.containerStatuses ?? []
                    return statuses.count == 2 && statuses.allSatisfy { $0.state?.running != nil }
                        && berth.output(of: "run").components(separatedBy: ": ready").count == 3
                }
                let started = ContinuousClock.now
                let deleted = try await berth.berth(["delete", "pod", "graceful"])
                let elapsed = ContinuousClock.now - started
                #expect(deleted.status == 0, "\(deleted.stderr)")
                #expect(elapsed >= .seconds(2), "the stubborn container is killed only after the grace period")
                #expect(elapsed < .seconds(6), "but not much later: \(elapsed)")
                try await BerthHarness.waitForExit(run)
                let output = berth.output(of: "run")
                #expect(output.contains("graceful/polite: got-term"), "\(output)")
                #expect(output.contains("graceful/polite exited with code 0 (Completed)"), "\(output)")
                #expect(output.contains("graceful/stubborn: ignoring-term"), "\(output)")
                #expect(output.contains("graceful/stubborn exited with code 137 (Error)"), "\(output)")
            }
        }

        @Test func aFailedExecIsACreateContainerErrorNamingTheStep() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: nocmd}
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: c, image: busybox, command: [/no/such/thing]}
                    """)
                let result = try await berth.berth(["run", "-f", path])
                #expect(result.status == 1)
                #expect(result.stdout.contains("nocmd/c CreateContainerError: container \"c\": step exec failed: exec /no/such/thing: No such file or directory"), "\(result.stdout)")
                let state = try await berth.pod("nocmd")?.status?.containerStatuses?.first?.state?.terminated
                #expect(state?.reason == "CreateContainerError")
                #expect(state?.exitCode == 128)
                #expect(state?.message?.contains("step exec failed") == true)
            }
        }
    }
}
