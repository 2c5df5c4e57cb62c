import Foundation
import Testing

extension EndToEnd {
    /// Issue 3, acceptance 8: Debian's python3-kubernetes lists and watches pods on `berth up`
    /// (Scripts/python_client.py; its models refuse objects that lack required fields).
    @Suite struct PythonClientTests {
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scripts/python_client.py"
        /// Debian's interpreter: the package installs the module for it, not for another python3 on the PATH.
        static let python = "/usr/bin/python3"

        static func pod(_ name: String) -> String {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: \(name), labels: {app: python}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: [sh, -c, "echo hello from \(name); exec sleep 3600"]}
            """
        }

        @Test func pythonClientListsAndWatchesPods() async throws {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: Self.python)
            probe.arguments = ["-c", "import kubernetes"]
            let imported = try await BerthHarness.runToCompletion(probe, timeout: .seconds(60), what: "import kubernetes")
            try #require(imported.status == 0, "python3-kubernetes is missing: apt-get install python3-kubernetes (make deps does)")

            try await TestCluster.with { cluster in
                try await cluster.up()
                try await cluster.apply(Self.pod("listed"), name: "listed.yaml")
                try await cluster.eventually("listed to run") { try await cluster.pod("listed")?.isReady == true }

                let client = try cluster.control.start(program: Self.python, ["-u", Self.script, cluster.kubeconfig, "watched", "listed", "30"],
                                                       name: "python")
                let output = { cluster.control.output(of: "python") }
                try await cluster.eventually("the Python client to list and start watching") {
                    if !client.isRunning { throw HarnessError("python_client.py exited: \(output())") }
                    return output().contains("WATCHING ")
                }
                #expect(output().contains("LISTED listed Running"), "\(output())")
                #expect(output().split(separator: "\n").contains { $0.hasPrefix("NODE ") && $0.hasSuffix(" True") },
                        "the node is listed Ready: \(output())")
                #expect(output().contains("EVENTS "), "\(output())")
                // timestamps=True (the client's spelling of a boolean) puts each line's time first.
                #expect(output().split(separator: "\n").contains { $0.hasPrefix("LOG 20") && $0.hasSuffix("Z hello from listed") },
                        "\(output())")
                #expect(output().contains("FOLLOW hello from listed\n"), "\(output())")

                try await cluster.apply(Self.pod("watched"), name: "watched.yaml")
                try await cluster.eventually("the Python client to see watched Running") {
                    output().contains("EVENT MODIFIED watched Running ready")
                }
                let deleted = try await cluster.kubectl.run(["delete", "pod", "watched"])
                #expect(deleted.status == 0, "\(deleted.stderr)")
                try await cluster.eventually("the Python client to finish") { !client.isRunning }
                #expect(client.terminationStatus == 0, "\(output())")
                let lines = output().split(separator: "\n").map(String.init)
                #expect(lines.first { $0.hasPrefix("EVENT ") && $0.contains(" watched ") } == "EVENT ADDED watched Pending not-ready",
                        "\(output())")
                #expect(lines.contains { $0.hasPrefix("EVENT DELETED watched ") }, "\(output())")
                #expect(lines.last == "DONE added deleted running", "\(output())")
                #expect(!lines.contains { $0.hasPrefix("EVENT") && $0.contains(" listed ") }, "listed did not change: \(output())")
            }
        }
    }
}
