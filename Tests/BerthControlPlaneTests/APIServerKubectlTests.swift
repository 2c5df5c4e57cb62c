import BerthAPI
@testable import BerthControlPlane
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// Runs the real kubectl against the API server on a free loopback port: the strongest check that
/// discovery, OpenAPI, tables, patches and errors are what kubectl 1.32 expects.
@Suite("real kubectl", .enabled(if: FileManager.default.isExecutableFile(atPath: KubectlRunner.binary)))
struct APIServerKubectlTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          containers:
          - name: app
            image: nginx:1.27
            ports:
            - containerPort: 80
        """

    static let appliedPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: applied
          labels:
            app: applied
        spec:
          containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
            env:
            - name: A
              value: "1"
            ports:
            - containerPort: 8080
          - name: sidecar
            image: busybox:1.36
            command: ["sleep", "3600"]
        """

    static let badPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bad
        spec:
          foo: bar
          containers:
          - name: app
            image: busybox
        """

    @Test func kubectlDrivesTheServer() async throws {
        try await withLiveServer { kubectl in
            let version = try await kubectl.run("version")
            #expect(version.stdout.contains("Server Version: v1.32.0-berth"), "\(version)")

            let resources = try await kubectl.run("api-resources")
            #expect(resources.status == 0, "\(resources)")
            let podLine = resources.stdout.split(separator: "\n").first { $0.hasPrefix("pods ") }
            #expect(podLine?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) == ["pods", "po", "v1", "true", "Pod"])
            #expect(resources.stdout.contains("coordination.k8s.io/v1"))

            let created = try await kubectl.run("create", "-f", kubectl.write("pod.yaml", Self.pod))
            #expect(created.stdout == "pod/web created\n", "\(created)")

            let pods = try await kubectl.run("get", "pods")
            let lines = pods.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(lines.first == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], "\(pods)")
            #expect(lines.dropFirst().first?.prefix(4) == ["web", "0/1", "Pending", "0"], "\(pods)")

            let yaml = try await kubectl.run("get", "pod", "web", "-o", "yaml")
            #expect(yaml.stdout.contains("name: web"))
            #expect(yaml.stdout.contains("uid: "))
            #expect(yaml.stdout.contains("phase: Pending"))

            let applyFile = try kubectl.write("applied.yaml", Self.appliedPod)
            let firstApply = try await kubectl.run("apply", "-f", applyFile)
            #expect(firstApply.stdout == "pod/applied created\n", "\(firstApply)")
            let secondApply = try await kubectl.run("apply", "-f", applyFile)
            #expect(secondApply.stdout == "pod/applied unchanged\n", "\(secondApply)")
            let changed = try kubectl.write("applied.yaml", Self.appliedPod.replacingOccurrences(of: "app: applied", with: "app: applied2"))
            let thirdApply = try await kubectl.run("apply", "-f", changed)
            #expect(thirdApply.stdout == "pod/applied configured\n", "\(thirdApply)")
            let fourthApply = try await kubectl.run("apply", "-f", changed)
            #expect(fourthApply.stdout == "pod/applied unchanged\n", "\(fourthApply)")

            let labeled = try await kubectl.run("label", "pod", "web", "env=prod")
            #expect(labeled.stdout == "pod/web labeled\n", "\(labeled)")
            let selected = try await kubectl.run("get", "pods", "-l", "env=prod", "-o", "name")
            #expect(selected.stdout == "pod/web\n", "\(selected)")
            let wide = try await kubectl.run("get", "pods", "-A", "--show-labels")
            #expect(wide.stdout.contains("NAMESPACE"))
            #expect(wide.stdout.contains("default     web"), "\(wide)")
            #expect(wide.stdout.contains("env=prod"), "\(wide)")

            let bad = try await kubectl.run("create", "-f", kubectl.write("bad.yaml", Self.badPod))
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("strict decoding error: unknown field \"spec.foo\""), "\(bad)")

            let watched = try await kubectl.run("get", "pods", "-w", "--request-timeout=2s")
            #expect(watched.stdout.contains("web "), "\(watched)")

            let described = try await kubectl.run("describe", "pod", "applied")
            #expect(described.status == 0, "\(described)")
            #expect(described.stdout.hasPrefix("Name:         applied\n"), "\(described)")

            let patched = try await kubectl.run("patch", "pod", "applied", "-p", #"{"metadata":{"labels":{"x":"y"}}}"#)
            #expect(patched.stdout == "pod/applied patched\n", "\(patched)")

            let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"
            #expect(try await kubectl.run("create", "-f", kubectl.write("ns.yaml", namespace)).status == 0)
            #expect(try await kubectl.run("create", "-f", kubectl.write("pod.yaml", Self.pod), "-n", "team").status == 0)
            let nsDeleted = try await kubectl.run("delete", "namespace", "team", "--timeout=20s")
            #expect(nsDeleted.stdout == "namespace \"team\" deleted\n", "\(nsDeleted)")
            #expect(try await kubectl.run("get", "namespace", "team").status != 0)

            let deleted = try await kubectl.run("delete", "pod", "web")
            #expect(deleted.stdout == "pod \"web\" deleted\n", "\(deleted)")
            let gone = try await kubectl.run("get", "pod", "web")
            #expect(gone.status != 0)
            #expect(gone.stderr.contains("Error from server (NotFound): pods \"web\" not found"), "\(gone)")
        }
    }
}

/// Starts the API server's application on 127.0.0.1 with a free port and hands a kubectl runner
/// pointed at it to `body`; shuts the server down afterwards.
func withLiveServer(_ body: (KubectlRunner) async throws -> Void) async throws {
    let logger = Logger(label: "test.kubectl")
    let server = APIServer(backend: MemoryBackend(), logger: logger)
    try await server.bootstrap()
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = server.makeApplication(host: "127.0.0.1", port: 0) { port in portContinuation.yield(port) }
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    let running = Task { try await group.run() }
    do {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw KubectlRunner.Failure("server did not start") }
        let kubectl = try KubectlRunner(port: port)
        defer { kubectl.cleanUp() }
        try await body(kubectl)
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
    await group.triggerGracefulShutdown()
    try await running.value
}

/// kubectl with its own kubeconfig and discovery cache in a temp directory.
struct KubectlRunner: Sendable {
    static let binary = "/usr/bin/kubectl"

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    let directory: URL
    let kubeconfig: URL

    init(port: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfig = directory.appendingPathComponent("kubeconfig")
        let config = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                server: http://127.0.0.1:\(port)
              name: berth
            contexts:
            - context:
                cluster: berth
                user: berth
                namespace: default
              name: berth
            current-context: berth
            users:
            - name: berth
              user: {}
            """
        try config.write(to: kubeconfig, atomically: true, encoding: .utf8)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func run(_ arguments: String...) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        let timeout = arguments.contains { $0.hasPrefix("--request-timeout") } ? [] : ["--request-timeout", "20s"]
        process.arguments = arguments + ["--cache-dir", directory.appendingPathComponent("cache").path] + timeout
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig.path
        environment["HOME"] = directory.path
        process.environment = environment
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent("\(id).out"), errURL = directory.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let started = ContinuousClock.now
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? out.close()
        try? err.close()
        let result = Result(status: status, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        // A transcript in the test log, for diagnosing a failure.
        print("$ kubectl \(arguments.joined(separator: " "))  [exit \(status), \(ContinuousClock.now - started)]\n\(result.stdout)\(result.stderr)")
        return result
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// "real kubectl" skips where kubectl is missing; this turns that into a failure, so that CI
/// cannot pass by skipping it.
@Suite struct KubectlPrerequisite {
    @Test func kubectlIsPresent() {
        #expect(FileManager.default.isExecutableFile(atPath: KubectlRunner.binary),
                "the real-kubectl tests need kubectl 1.32 at \(KubectlRunner.binary)")
    }
}
