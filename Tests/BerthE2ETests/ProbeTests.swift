import BerthAPI
import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 6: a failing readiness probe keeps a pod NotReady, a failing
    /// liveness probe restarts the container and kubectl shows the restart count; and the
    /// same probes under `berth run`.
    @Suite struct ProbeTests {
        /// notready: an httpGet readiness probe to a port nobody listens on (from inside the pod).
        /// web: busybox httpd passing an httpGet readiness probe on a named port.
        /// liveness: healthy for two seconds, then its exec liveness probe fails.
        static let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: notready}
            spec:
              containers:
              - name: app
                image: busybox
                command: [sleep, "3600"]
                readinessProbe:
                  httpGet: {path: /healthz, port: 8080}
                  periodSeconds: 1
                  failureThreshold: 1
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: httpd
                image: busybox
                command: [httpd, -f, -p, "8080", -h, /var/www]
                ports: [{name: http, containerPort: 8080}]
                readinessProbe:
                  httpGet: {path: /index.html, port: http}
                  periodSeconds: 1
                livenessProbe:
                  tcpSocket: {port: 8080}
                  periodSeconds: 1
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: liveness}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600"]
                livenessProbe:
                  exec: {command: [test, -f, /tmp/healthy]}
                  periodSeconds: 1
                  failureThreshold: 2
            """

        static func columns(_ row: String) -> [Substring] { row.split(separator: " ", omittingEmptySubsequences: true) }

        @Test func kubectlShowsNotReadyAndRestartsFromProbes() async throws {
            try await TestCluster.with { cluster in
                try await cluster.upWithReadyNode()
                let kubectl = cluster.kubectl
                let started = ContinuousClock.now
                let applied = try await kubectl.run(["apply", "-f", try cluster.control.manifest(Self.manifest)])
                #expect(applied.status == 0, "\(applied.stderr)")

                try await cluster.eventually("web to be Ready 1/1 through its httpGet probe", timeout: .seconds(15)) {
                    let row = try await kubectl.run(["get", "pod", "web", "--no-headers"]).stdout
                    return row.contains("1/1") && row.contains("Running")
                }
                try await cluster.eventually("the liveness container to be restarted", timeout: .seconds(30)) {
                    let row = try await kubectl.run(["get", "pod", "liveness", "--no-headers"]).stdout
                    return Int(Self.columns(row).dropFirst(3).first ?? "") ?? 0 >= 1
                }

                // notready: Running, 0/1, Ready False, never restarted.
                let row = try await kubectl.run(["get", "pod", "notready", "--no-headers"]).stdout
                let columns = Self.columns(row)
                #expect(columns.count >= 4 && columns[1] == "0/1" && columns[2] == "Running" && columns[3] == "0", "\(row)")
                let ready = try await kubectl.run(["get", "pod", "notready", "-o",
                                                   #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#]).stdout
                #expect(ready == "False")
                let notReady = try await kubectl.run(["describe", "pod", "notready"]).stdout
                #expect(notReady.contains(#"Readiness probe failed: Get "http://127.0.0.1:8080/healthz": dial tcp 127.0.0.1:8080: connect: connection refused"#),
                        "\(notReady)")
                #expect(notReady.contains("Readiness:") || notReady.contains("http-get"), "describe lists the probe")

                // liveness: the restart kubectl shows, how the last attempt ended, and the events.
                let pod = try await kubectl.run(["get", "pod", "liveness", "-o", "json"]).stdout
                let status = try JSONDecoder().decode(Pod.self, from: Data(pod.utf8)).status?.containerStatuses?.first
                #expect((status?.restartCount ?? 0) >= 1)
                #expect(status?.lastState?.terminated?.exitCode == 137, "sh ignores SIGTERM: killed after the 1 s grace")
                #expect(status?.lastState?.terminated?.reason == "Error")
                let describe = try await kubectl.run(["describe", "pod", "liveness"]).stdout
                #expect(describe.contains("Unhealthy") && describe.contains("Liveness probe failed:"), "\(describe)")
                #expect(describe.contains("Container app failed liveness probe, will be restarted"), "\(describe)")
                let events = try await kubectl.run(["get", "events", "--field-selector", "involvedObject.name=liveness"]).stdout
                #expect(events.contains("Warning") && events.contains("Unhealthy"), "\(events)")

                // web's tcpSocket liveness probe passes: no restarts there.
                let web = Self.columns(try await kubectl.run(["get", "pod", "web", "--no-headers"]).stdout)
                #expect(web.count >= 4 && web[3] == "0")
                #expect(ContinuousClock.now - started < .seconds(40))

                let deleted = try await kubectl.run(["delete", "pod", "notready", "web", "liveness", "--grace-period", "1"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
            }
        }

        @Test func berthRunHonoursProbesToo() async throws {
            try await withBerth { berth in
                let path = try berth.manifest("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: unready}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: app
                        image: busybox
                        command: [sleep, "3600"]
                        readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: once}
                    spec:
                      restartPolicy: Never
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: app
                        image: busybox
                        command: [sh, -c, "touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 3600"]
                        livenessProbe: {exec: {command: [test, -f, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}
                    """)
                let run = try berth.start(["run", "-f", path], name: "run")
                try await berth.eventually("once to fail its liveness probe and end", timeout: .seconds(20)) {
                    (try await berth.pod("once"))?.status?.phase == "Failed"
                }
                let once = try await berth.pod("once")?.status?.containerStatuses?.first
                #expect(once?.restartCount == 0, "restartPolicy Never")
                #expect(once?.state?.terminated?.exitCode == 137 && once?.state?.terminated?.reason == "Error")

                let unready = try await berth.pod("unready")
                #expect(unready?.status?.phase == "Running")
                #expect(unready?.status?.containerStatuses?.first?.ready == false)
                #expect(unready?.status?.conditions?.first { $0.type == "Ready" }?.status == "False")
                let table = try await berth.berth(["get", "pods"]).stdout
                let row = table.split(separator: "\n").first { $0.hasPrefix("unready") } ?? ""
                #expect(Self.columns(String(row)).dropFirst().first == "0/1", "\(table)")

                let output = berth.output(of: "run")
                #expect(output.contains("once/app Liveness probe failed:"), "\(output)")
                #expect(output.contains("once/app Container app failed liveness probe\n"), "\(output)")
                #expect(output.contains("unready/app Readiness probe failed:"), "\(output)")
                run.interrupt()
                try await BerthHarness.waitForExit(run)
            }
        }
    }
}
