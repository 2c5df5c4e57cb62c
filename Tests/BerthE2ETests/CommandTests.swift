import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// `berth get`, `describe`, `logs` and `exec` on a pod started by another berth process.
    @Suite struct CommandTests {
        static let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: talker, labels: {app: talk}}
            spec:
              terminationGracePeriodSeconds: 1
              restartPolicy: OnFailure
              containers:
              - name: main
                image: busybox
                env: [{name: GREETING, value: hello}, {name: MESSAGE, value: "$(GREETING) world"}]
                command: [sh, -c, 'echo "$MESSAGE"; echo to-stderr >&2; if [ ! -f /data/second ]; then touch /data/second; echo first-run; exit 1; fi; echo second-run; exec sleep 3600']
                volumeMounts: [{name: data, mountPath: /data}]
              - name: helper
                image: busybox
                command: [sleep, "3600"]
              volumes: [{name: data, emptyDir: {medium: Memory, sizeLimit: 1Mi}}]
            """

        @Test func getDescribeLogsExecOnARunningPod() async throws {
            try await withBerth { berth in
                let path = try berth.manifest(Self.manifest)
                let run = try berth.start(["run", "--backoff-base", "0.1", "-f", path], name: "run")
                try await berth.eventually("main to run its second attempt") {
                    let statuses = (try await berth.pod("talker"))?.status?.containerStatuses ?? []
                    return statuses.count == 2 && statuses.allSatisfy { $0.state?.running != nil }
                        && statuses.first?.restartCount == 1
                }

                let table = try await berth.berth(["get", "pods"])
                #expect(table.stdout.hasPrefix("NAME"), "\(table.stdout)")
                #expect(table.stdout.contains("talker") && table.stdout.contains("2/2") && table.stdout.contains("Running"))

                let yaml = try await berth.berth(["get", "pod", "talker", "-o", "yaml"])
                #expect(yaml.stdout.contains("kind: Pod"))
                #expect(yaml.stdout.contains("qosClass: BestEffort"))
                #expect(yaml.stdout.contains("restartCount: 1"))

                let describe = try await berth.berth(["describe", "pod", "talker"])
                #expect(describe.stdout.contains("Name:") && describe.stdout.contains("talker"))
                #expect(describe.stdout.contains("Last State:") && describe.stdout.contains("Exit Code:    1"), "\(describe.stdout)")
                #expect(describe.stdout.contains("Ready") && describe.stdout.contains("True"))

                // stdout and stderr are two pipes: their relative order is not defined.
                let logs = try await berth.berth(["logs", "talker", "-c", "main"])
                #expect(logs.stdout.split(separator: "\n").sorted() == ["hello world", "second-run", "to-stderr"], "\(logs.stdout)")
                let previous = try await berth.berth(["logs", "talker", "-c", "main", "--previous"])
                #expect(previous.stdout.split(separator: "\n").sorted() == ["first-run", "hello world", "to-stderr"], "\(previous.stdout)")
                let tail = try await berth.berth(["logs", "talker", "-c", "main", "--tail", "1"])
                #expect(tail.stdout == "second-run\n" || tail.stdout == "to-stderr\n", "\(tail.stdout)")
                let defaulted = try await berth.berth(["logs", "talker"])
                #expect(defaulted.stderr.contains("Defaulted container \"main\" out of: main, helper"))

                let exec = try await berth.berth(["exec", "talker", "-c", "helper", "--", "sh", "-c", "hostname; ls /proc | grep -c '^[0-9]'; echo $HOSTNAME"])
                #expect(exec.status == 0, "\(exec.stderr)")
                #expect(exec.stdout.hasPrefix("talker\n"), "\(exec.stdout)")
                let failing = try await berth.berth(["exec", "talker", "--", "sh", "-c", "exit 3"])
                #expect(failing.status == 3)
                #expect(failing.stderr.contains("command terminated with exit code 3"))
                let tmpfs = try await berth.berth(["exec", "talker", "-c", "main", "--", "sh", "-c", "grep ' /data ' /proc/mounts"])
                #expect(tmpfs.stdout.contains("tmpfs") && tmpfs.stdout.contains("size=1024k"), "\(tmpfs.stdout)")

                let missing = try await berth.berth(["logs", "nosuch"])
                #expect(missing.status != 0 && missing.stderr.contains("pods \"nosuch\" not found"))

                let deleted = try await berth.berth(["delete", "pod", "talker"])
                #expect(deleted.stdout.contains("pod \"talker\" deleted"))
                try await BerthHarness.waitForExit(run)
                let after = try await berth.berth(["get", "pods"])
                #expect(after.stderr.contains("No resources found"))
            }
        }

        @Test func logsFollowStreamsUntilTheContainerEnds() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: ticker}
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: tick, image: busybox, command: [sh, -c, 'for i in 1 2 3; do echo tick-$i; sleep 0.2; done']}
                    """)
                let run = try berth.start(["run", "-f", path], name: "run")
                try await berth.eventually("the container to start") {
                    (try await berth.pod("ticker"))?.status?.containerStatuses?.first?.containerID != nil
                }
                let followed = try await berth.berth(["logs", "-f", "ticker"], timeout: .seconds(20))
                #expect(followed.stdout == "tick-1\ntick-2\ntick-3\n", "\(followed.stdout)")
                try await BerthHarness.waitForExit(run)
                #expect(run.terminationStatus == 0)
            }
        }
    }

    /// hostPath volumes, subPath and readOnly mounts.
    @Suite struct VolumeTests {
        @Test func hostPathSubPathAndReadOnly() async throws {
            try await withBerth { berth in
                let host = berth.root + "/hostdir"
                try FileManager.default.createDirectory(atPath: host + "/sub", withIntermediateDirectories: true)
                try "from-host\n".write(toFile: host + "/sub/file", atomically: true, encoding: .utf8)
                let path = try berth.manifest("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: vols}
                    spec:
                      restartPolicy: Never
                      volumes: [{name: host, hostPath: {path: \(host)}}]
                      containers:
                      - name: c
                        image: busybox
                        volumeMounts:
                        - {name: host, mountPath: /rw}
                        - {name: host, mountPath: /ro, readOnly: true}
                        - {name: host, mountPath: /only-sub, subPath: sub}
                        command: [sh, -c, 'cat /only-sub/file; echo written > /rw/out; echo x > /ro/nope 2>/dev/null || echo ro-refused']
                    """)
                let result = try await berth.berth(["run", "--rm", "-f", path])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("vols/c: from-host"))
                #expect(result.stdout.contains("vols/c: ro-refused"))
                #expect((try? String(contentsOfFile: host + "/out", encoding: .utf8)) == "written\n")
            }
        }
    }
}
