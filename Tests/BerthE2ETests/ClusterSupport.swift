import BerthAPI
import Foundation
import Testing

/// A cluster made of real berth processes for one test: `berth up`, or `berth server` plus
/// `berth agent`s, each in a harness of its own (temp `--root`, cgroup parent, loopback ports
/// picked by the kernel), the real kubectl on a private kubeconfig and discovery cache, and one
/// teardown that kills every process by PID, removes what the pods left on each node and then
/// asserts that nothing is left.
final class TestCluster: @unchecked Sendable {
    /// The control plane's harness: its data directory (store, kubeconfig) is `<root>/lib`.
    let control: BerthHarness
    let kubectl: Kubectl
    /// Agent harnesses by node name (for `berth up`, the control harness runs the node too).
    private(set) var nodes: [String: BerthHarness] = [:]
    private var processes: [String: Process] = [:]
    private var started = 0
    /// The API server's URL, once it serves.
    private(set) var url = ""

    var kubeconfig: String { control.root + "/lib/kubeconfig" }

    private init() throws {
        control = try BerthHarness()
        kubectl = Kubectl(kubeconfig: control.root + "/lib/kubeconfig", cacheDirectory: control.root + "/kube-cache")
    }

    /// Runs `body` with a fresh cluster and always tears it down, even when the body throws.
    static func with(_ body: (TestCluster) async throws -> Void) async throws {
        let cluster = try TestCluster()
        do {
            try await body(cluster)
        } catch {
            // The berth processes' logs go with the error: the roots are removed by teardown.
            let logs = cluster.logs()
            await cluster.teardown()
            throw HarnessError("\(error)\n\(logs)")
        }
        await cluster.teardown()
    }

    // MARK: processes

    /// `berth up` on free loopback ports: control plane and a node agent in one process.
    func up(_ extra: [String] = []) async throws {
        try await startServing(["up", "--listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0", "--backoff-base", "0.2"]
            + extra, role: "up")
    }

    /// `berth up`, then waits until its node is Ready.
    func upWithReadyNode() async throws {
        try await up()
        try await eventually("the node to be Ready") {
            (try await kubectl.run(["get", "nodes"])).stdout.contains(" Ready ")
        }
    }

    /// `berth server` on a free loopback port; again after `killServer` it reopens the same store.
    func startServer(_ extra: [String] = []) async throws {
        try await startServing(["server", "--listen", "127.0.0.1:0"] + extra, role: "server")
    }

    private func startServing(_ args: [String], role: String) async throws {
        let name = nextName(role)
        try? FileManager.default.removeItem(atPath: kubeconfig)
        processes[role] = try control.start(args, name: name)
        var served = ""
        try await control.eventually("\(name) to serve the API", timeout: .seconds(30)) {
            guard let line = control.output(of: name).split(separator: "\n").first(where: { $0.contains("export KUBECONFIG=") }),
                  FileManager.default.fileExists(atPath: kubeconfig) else {
                if processes[role]?.isRunning == false { throw HarnessError("\(name) exited: \(control.output(of: name))") }
                return false
            }
            served = String(line)
            return true
        }
        let config = (try? String(contentsOfFile: kubeconfig, encoding: .utf8)) ?? ""
        guard let server = config.split(separator: "\n").first(where: { $0.contains("server:") }) else {
            throw HarnessError("no server in \(kubeconfig) (\(served))")
        }
        url = server.split(separator: " ").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) } ?? ""
    }

    /// SIGKILL for `berth server`, then the same command on the same port and store, so that
    /// agents and watches that know its URL carry on.
    func restartServer(_ extra: [String] = []) async throws {
        guard let port = URLComponents(string: url)?.port else { throw HarnessError("no server port in \(url)") }
        await kill("server")
        try await startServing(["server", "--listen", "127.0.0.1:\(port)"] + extra, role: "server")
    }

    /// SIGKILL for the server (or `berth up`): no graceful shutdown, nothing flushed.
    func killServer() async {
        for role in ["server", "up"] { await kill(role) }
    }

    /// `berth agent --server URL --node-name NAME` in its own root and cgroup parent, endpoint
    /// on a free port; a second call for the same name restarts it on the same root.
    @discardableResult
    func startAgent(_ nodeName: String, _ extra: [String] = []) throws -> BerthHarness {
        let harness = try nodes[nodeName] ?? BerthHarness()
        nodes[nodeName] = harness
        processes["agent-" + nodeName] = try harness.start(
            ["agent", "--server", url, "--node-name", nodeName, "--listen", "127.0.0.1:0", "--backoff-base", "0.2"] + extra,
            name: nextName("agent-" + nodeName))
        return harness
    }

    /// SIGKILL for one agent: the pods' shims survive it (this process is their subreaper).
    func killAgent(_ nodeName: String) async { await kill("agent-" + nodeName) }

    /// SIGKILL, then the exit polled (a blocking wait would hold a thread of the cooperative pool).
    private func kill(_ role: String) async {
        guard let process = processes.removeValue(forKey: role), process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        try? await BerthHarness.waitForExit(process, timeout: .seconds(30))
    }

    private func nextName(_ role: String) -> String {
        started += 1
        return "\(role)-\(started)"
    }

    /// Every berth process's output, for failure messages.
    func logs() -> String {
        ([control] + nodes.values).flatMap { harness in
            ((try? FileManager.default.contentsOfDirectory(atPath: harness.root)) ?? []).filter { $0.hasSuffix(".out") }.sorted()
                .map { "== \($0)\n" + harness.output(of: String($0.dropLast(4))).suffix(4000) }
        }.joined(separator: "\n")
    }

    // MARK: waiting

    /// Polls `condition` until it holds or the deadline passes (`with` adds the berth logs to
    /// the error).
    func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        try await control.eventually(what, timeout: timeout, condition)
    }

    /// Waits until `kubectl get nodes` shows every node named Ready.
    func waitForNodesReady(_ names: [String]) async throws {
        try await eventually("nodes \(names) to be Ready") {
            let rows = try await kubectl.run(["get", "nodes", "--no-headers"]).stdout.split(separator: "\n")
            return names.allSatisfy { name in rows.contains { $0.hasPrefix(name + " ") && $0.contains(" Ready ") } }
        }
    }

    /// The object as `kubectl get -o json` shows it, or nil when kubectl fails (e.g. not found).
    func object(_ args: [String]) async throws -> JSONValue? {
        let result = try await kubectl.run(["get"] + args + ["-o", "json"])
        guard result.status == 0 else { return nil }
        return try JSONValue(parsingJSON: Data(result.stdout.utf8))
    }

    /// The pod as `kubectl get pod NAME -o json` shows it.
    func pod(_ name: String) async throws -> Pod? {
        let result = try await kubectl.run(["get", "pod", name, "-o", "json"])
        guard result.status == 0 else { return nil }
        return try JSONDecoder().decode(Pod.self, from: Data(result.stdout.utf8))
    }

    /// `kubectl apply -f` of a manifest written to the control root; fails the test on error.
    func apply(_ yaml: String, name: String) async throws {
        let path = try control.manifest(yaml, name: name)
        let result = try await kubectl.run(["apply", "-f", path])
        guard result.status == 0 else { throw HarnessError("kubectl apply -f \(name): \(result.stderr)") }
    }

    // MARK: teardown

    /// Kills every process (by PID), removes the pods left on each node, reaps the shims that
    /// came to this process, then asserts that nothing is left on any node.
    func teardown() async {
        for role in Array(processes.keys) { await kill(role) }
        let harnesses = [control] + nodes.values
        for harness in harnesses { harness.stopBackground() }
        for harness in harnesses { await harness.removePods() }
        BerthHarness.reapOrphans()
        for harness in harnesses { harness.assertNothingLeft() }
    }
}

/// The host PIDs of a container's shim and process, from the state the shim wrote under the
/// node's root (`run/sandboxes/<sandbox>/containers/<id>/pid`: "<shim> <container> <startedAt>").
struct ContainerProcesses: Equatable {
    var shim: Int32
    var container: Int32
    var directory: String

    init(node: BerthHarness, containerID: String) throws {
        let id = containerID.replacingOccurrences(of: "berth://", with: "")
        let sandboxes = (try? FileManager.default.contentsOfDirectory(atPath: node.root + "/run/sandboxes")) ?? []
        for sandbox in sandboxes {
            let directory = node.root + "/run/sandboxes/\(sandbox)/containers/\(id)"
            guard let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8) else { continue }
            let fields = text.split(separator: " ")
            guard fields.count >= 2, let shim = Int32(fields[0]), let container = Int32(fields[1]) else { continue }
            (self.shim, self.container, self.directory) = (shim, container, directory)
            return
        }
        throw HarnessError("no pid file for container \(containerID) under \(node.root)")
    }

    /// The shim wrote the container's exit.
    var exitRecorded: Bool { FileManager.default.fileExists(atPath: directory + "/exit") }
}

extension Pod {
    var isReady: Bool { status?.phase == "Running" && status?.condition("Ready")?.status == "True" }
}

extension PodStatus {
    func condition(_ type: String) -> PodCondition? { conditions?.first { $0.type == type } }
}

/// The real kubectl with a private kubeconfig and discovery cache.
struct Kubectl {
    var kubeconfig: String
    var cacheDirectory: String

    func run(_ args: [String], timeout: Duration = .seconds(30)) async throws -> BerthHarness.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory] + args
        return try await BerthHarness.runToCompletion(process, timeout: timeout, what: "kubectl " + args.joined(separator: " "))
    }
}
