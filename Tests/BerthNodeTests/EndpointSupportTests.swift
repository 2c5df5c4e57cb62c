@testable import BerthNode
import BerthAPI
import BerthRuntime
import Foundation
import Glibc
import Logging
import Testing

/// A real pod for endpoint tests: `berth run -f` in the background under a temp `--root` and
/// its own cgroup parent, an AgentEndpoint over the same root on a free loopback port, and a
/// teardown that deletes the pod, ends what we started (by PID) and removes the directory,
/// also when the test failed.
final class EndpointWorld: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// `$BERTH_BIN_DIR`, else the directory of this test binary (the same --scratch-path).
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["BERTH_BIN_DIR"], !dir.isEmpty {
            return dir.hasPrefix("/") ? dir : packageRoot + "/" + dir
        }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var dir = me.deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.path + "/berth") {
            dir = dir.deletingLastPathComponent()
        }
        return dir.path == "/" ? packageRoot + "/.build/debug" : dir.path
    }()

    let root: String
    let cgroupParent: String
    let environment: NodeEnvironment
    let paths: BerthPaths
    private var run: Process?
    private var server: Task<Void, any Error>?
    private(set) var port = 0

    init() throws {
        guard getuid() == 0 else { throw WorldError("endpoint tests need root (namespaces, cgroups, overlayfs)") }
        for binary in ["berth", "berth-shim"] where !FileManager.default.isExecutableFile(atPath: Self.binDirectory + "/" + binary) {
            throw WorldError("\(Self.binDirectory)/\(binary) is missing: build first")
        }
        guard FileManager.default.fileExists(atPath: Self.packageRoot + "/rootfs/busybox/bin/busybox") else {
            throw WorldError("rootfs/busybox is missing: run `make rootfs` first")
        }
        let tag = UUID().uuidString.prefix(8).lowercased()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-endpoint-\(tag)").path
        cgroupParent = "berth-endpoint-\(tag)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var logger = Logger(label: "test.endpoint")
        logger.logLevel = .warning
        environment = try NodeEnvironment(root: root, images: Self.packageRoot + "/rootfs", cgroupParent: cgroupParent,
                                          logger: logger)
        paths = BerthPaths(root: root)
    }

    var flags: [String] { ["--root", root, "--images", Self.packageRoot + "/rootfs", "--cgroup-parent", cgroupParent] }

    /// Starts `berth run -f <manifest>` and waits until every container of `pod` runs.
    func runPod(_ yaml: String, name: String) async throws {
        let manifest = root + "/pod.yaml"
        try yaml.write(toFile: manifest, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binDirectory + "/berth")
        process.arguments = ["run"] + flags + ["--backoff-base", "0.1", "-f", manifest]
        process.currentDirectoryURL = URL(fileURLWithPath: Self.packageRoot)
        let out = root + "/run.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        run = process
        try await eventually("pod \(name) running") {
            let statuses = self.environment.store.find(namespace: "default", name: name)?.status?.containerStatuses ?? []
            return !statuses.isEmpty && statuses.allSatisfy { $0.state?.running != nil }
        }
    }

    /// Serves the endpoint on 127.0.0.1 (a free port).
    func startEndpoint() async throws {
        var logger = Logger(label: "test.endpoint")
        logger.logLevel = .warning
        let endpoint = AgentEndpoint(store: environment.store, runtime: environment.runtime, paths: paths, logger: logger)
        let bound = PortBox()
        server = Task { try await endpoint.run(host: "127.0.0.1", port: 0) { bound.set($0) } }
        try await eventually("endpoint listening") { bound.value != nil }
        port = bound.value ?? 0
    }

    func pod(_ name: String) -> Pod? { environment.store.find(namespace: "default", name: name) }

    /// Polls `condition` until it holds or the deadline passes.
    func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WorldError("timed out after \(timeout) waiting for \(what); berth run said:\n" +
                         ((try? String(contentsOfFile: root + "/run.out", encoding: .utf8)) ?? ""))
    }

    func teardown() async {
        server?.cancel()
        _ = await server?.result
        if let run, run.isRunning {
            // berth run stops its pods on SIGTERM (grace period 1 s in the manifests).
            kill(run.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(15)
            while run.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if run.isRunning { kill(run.processIdentifier, SIGKILL) }
            run.waitUntilExit()
        }
        // Whatever berth run did not clean up (it was killed): delete it as a user would.
        for pod in environment.store.list() {
            let delete = Process()
            delete.executableURL = URL(fileURLWithPath: Self.binDirectory + "/berth")
            delete.arguments = ["delete"] + flags + ["pod", pod.metadata.name ?? "", "-n", pod.metadata.namespace ?? "default",
                                                    "--grace-period", "0"]
            delete.standardOutput = FileHandle.nullDevice
            delete.standardError = FileHandle.nullDevice
            try? delete.run()
            delete.waitUntilExit()
        }
        rmdir("/sys/fs/cgroup/unified/" + cgroupParent)
        for controller in (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? [] {
            rmdir(cgroupDirectory(controller))
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    private func cgroupDirectory(_ controller: String) -> String {
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var parent = "/"
        for line in own.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2).map(String.init)
            if fields.count == 3, fields[1].split(separator: ",").contains(Substring(controller)) || (fields[1].isEmpty && controller == "unified") {
                parent = fields[2]
            }
        }
        return "/sys/fs/cgroup/\(controller)" + (parent == "/" ? "" : parent) + "/" + cgroupParent
    }
}

func withEndpointWorld(pod yaml: String, name: String, _ body: (EndpointWorld) async throws -> Void) async throws {
    let world = try EndpointWorld()
    do {
        try await world.runPod(yaml, name: name)
        try await world.startEndpoint()
        try await body(world)
    } catch {
        await world.teardown()
        throw error
    }
    await world.teardown()
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int? { lock.withLock { port } }
}

struct WorldError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
