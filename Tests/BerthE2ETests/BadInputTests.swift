import Foundation
import Testing

extension EndToEnd {
    /// Acceptance 9: bad input gets a clear error naming the field, a non-zero exit, and leaves
    /// nothing behind (the harness's teardown checks mounts, cgroups and sandboxes).
    @Suite struct BadInputTests {
        struct Case: CustomStringConvertible, Sendable {
            var name: String
            var yaml: String
            var expected: [String]
            var description: String { name }
        }

        static func pod(_ container: String) -> String {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec:
              restartPolicy: Never
              containers:
            \(container)
            """
        }

        static let cases: [Case] = [
            Case(name: "invalid YAML", yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: bad\n", expected: ["line"]),
            Case(name: "unknown kind", yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\n",
                 expected: ["kind \"Deployment\" is not supported here"]),
            Case(name: "invalid name", yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: Web_1}\nspec:\n  containers: [{name: a, image: busybox, command: [\"true\"]}]\n",
                 expected: ["metadata.name: Invalid value: \"Web_1\""]),
            Case(name: "duplicate container names", yaml: pod("  - {name: a, image: busybox, command: [\"true\"]}\n  - {name: a, image: busybox, command: [\"true\"]}"),
                 expected: ["spec.containers[1].name: Duplicate value: \"a\""]),
            Case(name: "missing image", yaml: pod("  - {name: a, command: [\"true\"]}"), expected: ["spec.containers[0].image: Required value"]),
            Case(name: "missing command", yaml: pod("  - {name: a, image: busybox}"), expected: ["spec.containers[0].command: Required value"]),
            Case(name: "garbage quantity", yaml: pod("  - {name: a, image: busybox, command: [\"true\"], resources: {limits: {memory: 12Zi}}}"),
                 expected: ["spec.containers[0].resources.limits.memory", "12Zi"]),
            Case(name: "unknown field", yaml: pod("  - {name: a, imagee: busybox, image: busybox, command: [\"true\"]}"),
                 expected: ["unknown field \"spec.containers[0].imagee\""]),
            Case(name: "missing image directory", yaml: pod("  - {name: a, image: nginx:1.25, command: [\"true\"]}"),
                 expected: ["spec.containers[0].image", "nginx"]),
            Case(name: "no containers", yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: []}\n",
                 expected: ["spec.containers: Required value"]),
        ]

        @Test(arguments: cases)
        func rejectsWithFieldPathAndLeavesNothing(_ bad: Case) async throws {
            try await withBerth { berth in
                let path = try berth.manifest(bad.yaml)
                let result = try await berth.berth(["run", "-f", path])
                #expect(result.status != 0)
                for text in bad.expected {
                    #expect(result.stderr.contains(text), "expected \(text) in: \(result.stderr)")
                }
                let pods = (try? FileManager.default.contentsOfDirectory(atPath: berth.root + "/run/pods")) ?? []
                #expect(pods.isEmpty, "no pod record left")
            }
        }

        @Test func unknownFieldIsOnlyAWarningWhenNotStrict() async throws {
            try await withBerth { berth in
                let path = try berth.manifest(Self.pod("  - {name: a, imagee: busybox, image: busybox, command: [\"true\"]}"))
                let result = try await berth.berth(["run", "--rm", "--validate", "warn", "-f", path])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("Warning: unknown field \"spec.containers[0].imagee\""), "\(result.stderr)")
            }
        }
    }
}
