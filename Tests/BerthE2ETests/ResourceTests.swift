import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 3: limits are enforced by real cgroups.
    @Suite struct ResourceTests {
        @Test func memoryLimitKillsWithOOMKilled() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hungry}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: eat
                    image: busybox
                    resources: {limits: {memory: 32Mi}}
                    # The shell itself (PID 1) holds 100 MiB, so the OOM killer ends the container.
                    command: [sh, -c, 'x=$(head -c 104857600 /dev/zero | tr "\\\\0" a); echo survived ${#x}']
                """)
                let result = try await berth.berth(["run", "-f", path])
                #expect(result.status == 1, "stdout: \(result.stdout)")
                #expect(result.stdout.contains("hungry/eat exited with code 137 (OOMKilled)"), "\(result.stdout)")
                let pod = try await berth.pod("hungry")
                let terminated = pod?.status?.containerStatuses?.first?.state?.terminated
                #expect(terminated?.reason == "OOMKilled")
                #expect(terminated?.exitCode == 137)
                #expect(pod?.status?.phase == "Failed")
            }
        }

        @Test func cpuAndPidsLimitsAreInTheContainerCgroup() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: limited}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: idle
                    image: busybox
                    resources:
                      requests: {cpu: 250m}
                      limits: {cpu: 500m, memory: 64Mi}
                    command: [sleep, "3600"]
                """)
                let run = try berth.start(["run", "-f", path], name: "run")
                var uid = ""
                try await berth.eventually("the container to run") {
                    guard let pod = try await berth.pod("limited"), pod.status?.containerStatuses?.first?.state?.running != nil else { return false }
                    uid = pod.metadata.uid ?? ""
                    return true
                }
                let components = ["pod" + uid, "idle-0"]
                let cpu = berth.cgroupDirectory(controller: "cpu", components: components)
                let read = { (file: String) in (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) }
                #expect(read(cpu + "/cpu.cfs_quota_us") == "50000")
                #expect(read(cpu + "/cpu.cfs_period_us") == "100000")
                #expect(read(cpu + "/cpu.shares") == "256")
                #expect(read(berth.cgroupDirectory(controller: "memory", components: components) + "/memory.limit_in_bytes") == "67108864")
                #expect(read(berth.cgroupDirectory(controller: "pids", components: components) + "/pids.max") == "4096")
                let procs = read(cpu + "/cgroup.procs") ?? ""
                #expect(!procs.isEmpty, "the container's process is in its cgroup")
                let deleted = try await berth.berth(["delete", "pod", "limited"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
                run.interrupt()
                try await BerthHarness.waitForExit(run)
                #expect(!FileManager.default.fileExists(atPath: cpu))
            }
        }
    }
}
