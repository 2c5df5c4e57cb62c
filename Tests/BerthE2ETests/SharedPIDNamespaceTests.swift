import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// `shareProcessNamespace: true`: one PID namespace for the pod with a pause process as
    /// its PID 1; the containers see each other's processes. (Without it each container is
    /// PID 1 of its own namespace: SidecarPodTests.containersShareNetworkAndHostnameButNotPIDs.)
    @Suite struct SharedPIDNamespaceTests {
        @Test func containersSeeEachOtherAndPauseIsPID1() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: pidshare}
                spec:
                  restartPolicy: Never
                  shareProcessNamespace: true
                  volumes: [{name: scratch, emptyDir: {}}]
                  initContainers:
                  - name: sidecar
                    image: busybox
                    restartPolicy: Always
                    volumeMounts: [{name: scratch, mountPath: /scratch}]
                    command: [sh, -c, 'readlink /proc/self/ns/pid > /scratch/pid; exec sleep 3600']
                  containers:
                  - name: app
                    image: busybox
                    volumeMounts: [{name: scratch, mountPath: /data}]
                    command:
                    - sh
                    - -c
                    - |
                      for i in $(seq 1 100); do ps -o args | grep -q '^sleep 360[0]' && break; sleep 0.05; done
                      ps -o args | grep -q '^sleep 360[0]' && echo sees-sidecar-sleep
                      [ "$(readlink /proc/self/ns/pid)" = "$(cat /data/pid)" ] && echo same-pidns
                      echo "pid1=$(cat /proc/1/comm)"
                      echo "cmdline1=$(tr '\\0' ' ' < /proc/1/cmdline)"
                      ps -o pid,comm | awk '$1 == 1 { print "ps-pid1=" $2 }'
                      [ "$$" != 1 ] && echo app-is-not-pid1
                      [ -d /proc/1/root/. ] && echo "pause-root-entries=$(( $(ls -A /proc/1/root | wc -l) ))"
                      kill -TERM 1; sleep 0.2; [ -d /proc/1 ] && echo pause-survives-pod-signal
                """)
                let result = try await berth.berth(["run", "--rm", "-f", path])
                #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
                for marker in ["sees-sidecar-sleep", "same-pidns", "pid1=pause", "cmdline1=pause", "ps-pid1=pause",
                               "app-is-not-pid1", "pause-root-entries=0", "pause-survives-pod-signal"] {
                    #expect(result.stdout.contains("pidshare/app: \(marker)"), "missing \(marker) in:\n\(result.stdout)")
                }
                #expect(result.stdout.contains("pidshare/app exited with code 0 (Completed)"), "\(result.stdout)")
                #expect(pauseProcesses(under: berth.root).isEmpty, "pause processes left: \(pauseProcesses(under: berth.root))")
            }
        }

        /// The pause process of this test's sandboxes: its pid file under the test's root.
        func pauseProcesses(under root: String) -> [Int32] {
            let sandboxes = root + "/run/sandboxes"
            return ((try? FileManager.default.contentsOfDirectory(atPath: sandboxes)) ?? []).compactMap { id in
                guard let text = try? String(contentsOfFile: "\(sandboxes)/\(id)/pause/pid", encoding: .utf8),
                      let pid = text.split(separator: " ").dropFirst().first.flatMap({ Int32($0) }) else { return nil }
                return kill(pid, 0) == 0 ? pid : nil
            }
        }
    }
}
