import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 1 and 2: a native sidecar serving on localhost, an app fetching from it, an
    /// emptyDir between them; shared network and hostname, separate PID namespaces.
    @Suite struct SidecarPodTests {
        @Test func exampleSidecarPodServesTheAppOverLocalhost() async throws {
            try await withBerth { berth in
                let result = try await berth.berth(["run", "--rm", "-f", BerthHarness.packageRoot + "/examples/sidecar-pod.yaml"])
                #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
                #expect(result.stdout.contains("web/app: hello from the berth sidecar"))
                #expect(result.stdout.contains("web/app exited with code 0 (Completed)"))
                #expect(result.stdout.contains("pod/web Succeeded"))
            }
        }

        @Test func containersShareNetworkAndHostnameButNotPIDs() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: shared}
                spec:
                  restartPolicy: Never
                  volumes: [{name: scratch, emptyDir: {}}]
                  initContainers:
                  - name: sidecar
                    image: busybox
                    restartPolicy: Always
                    volumeMounts: [{name: scratch, mountPath: /scratch}]
                    command: [sh, -c, 'hostname > /scratch/host; readlink /proc/self/ns/net > /scratch/net; readlink /proc/self/ns/pid > /scratch/pid; echo written-by-sidecar > /scratch/note; trap "exit 0" TERM; httpd -f -p 127.0.0.1:8080 -h /var/www & wait']
                  containers:
                  - name: app
                    image: busybox
                    volumeMounts: [{name: scratch, mountPath: /data}]
                    command:
                    - sh
                    - -c
                    - |
                      for i in $(seq 1 100); do [ -f /data/pid ] && wget -q -O /dev/null http://127.0.0.1:8080/ && break; sleep 0.05; done
                      [ "$(hostname)" = "$(cat /data/host)" ] && echo same-hostname
                      [ "$(readlink /proc/self/ns/net)" = "$(cat /data/net)" ] && echo same-netns
                      [ "$(readlink /proc/self/ns/pid)" != "$(cat /data/pid)" ] && echo different-pidns
                      ps -o comm | grep -q httpd || echo no-httpd-in-ps
                      echo "pid1=$(cat /proc/1/comm)"
                      cat /data/note
                """)
                let result = try await berth.berth(["run", "--rm", "-f", path])
                #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
                for marker in ["same-hostname", "same-netns", "different-pidns", "no-httpd-in-ps", "pid1=sh", "written-by-sidecar"] {
                    #expect(result.stdout.contains("shared/app: \(marker)"), "missing \(marker) in:\n\(result.stdout)")
                }
            }
        }
    }
}
