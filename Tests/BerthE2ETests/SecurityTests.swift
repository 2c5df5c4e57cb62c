import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 4: what a default container sees.
    @Suite struct SecurityTests {
        @Test func defaultContainerIsConfined() async throws {
            try await withBerth { berth in
                let marker = "berth-overlay-\(UUID().uuidString.prefix(8))"
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: confined}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: probe
                    image: busybox
                    securityContext: {allowPrivilegeEscalation: false}
                    command:
                    - sh
                    - -c
                    - |
                      grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status
                      mkdir -p /tmp/m; mount -t tmpfs none /tmp/m 2>&1; echo "mount-exit=$?"
                      unshare -n true 2>&1; echo "unshare-exit=$?"
                      echo "kcore=$([ -e /proc/kcore ] && wc -c < /proc/kcore || echo absent)"
                      echo "timer-list-bytes=$(wc -c < /proc/timer_list)"
                      echo data > /\(marker) && echo wrote-root
                """)
                let result = try await berth.berth(["run", "--rm", "-f", path])
                #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
                let out = result.stdout
                #expect(out.contains("confined/probe: CapEff:\t00000000a80425fb"), "\(out)")
                #expect(out.contains("confined/probe: CapBnd:\t00000000a80425fb"), "\(out)")
                #expect(out.contains("confined/probe: NoNewPrivs:\t1"), "\(out)")
                #expect(out.contains("confined/probe: Seccomp:\t2"), "\(out)")
                #expect(out.contains("Operation not permitted"), "\(out)")
                #expect(out.contains("mount-exit=1") || out.contains("mount-exit=255"), "\(out)")
                #expect(!out.contains("unshare-exit=0"), "\(out)")
                // This kernel has no /proc/kcore; where one exists it must read as empty.
                #expect(out.contains("kcore=0") || out.contains("kcore=absent"), "\(out)")
                #expect((FileHandle(forReadingAtPath: "/proc/timer_list")?.readDataToEndOfFile().count ?? 0) > 0, "the host's is not empty")
                #expect(out.contains("timer-list-bytes=0"), "masked: \(out)")
                #expect(out.contains("wrote-root"), "\(out)")
                #expect(!FileManager.default.fileExists(atPath: BerthHarness.packageRoot + "/rootfs/busybox/" + marker))
            }
        }

        @Test func privilegedLiftsTheDefaults() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: privileged}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: probe
                    image: busybox
                    securityContext: {privileged: true}
                    command: [sh, -c, 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted']
                """)
                let result = try await berth.berth(["run", "--rm", "-f", path])
                #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
                #expect(result.stdout.contains("privileged/probe: Seccomp:\t0"))
                #expect(result.stdout.contains("privileged/probe: mounted"))
            }
        }
    }
}
