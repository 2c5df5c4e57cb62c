import BerthAPI
import CBerth
import Foundation
import Testing

/// A private Berth world for one test: a temp `--root`, its own cgroup parent, the built
/// `berth` binary, and a teardown that removes everything and then asserts that nothing is
/// left (processes, mounts, cgroups, files) — also when the test failed.
final class BerthHarness: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// The built binaries: `.build/debug`, or `$BERTH_BIN_DIR` (e.g. another --scratch-path).
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["BERTH_BIN_DIR"], !dir.isEmpty {
            return dir.hasPrefix("/") ? dir : packageRoot + "/" + dir
        }
        return packageRoot + "/.build/debug"
    }()

    let root: String
    let cgroupParent: String
    private var background: [Process] = []
    private let lock = NSLock()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    init() throws {
        guard getuid() == 0 else { throw HarnessError("these tests need root (real namespaces, cgroups, overlayfs)") }
        for binary in ["berth", "berth-shim"] where !FileManager.default.isExecutableFile(atPath: Self.binDirectory + "/" + binary) {
            throw HarnessError("\(Self.binDirectory)/\(binary) is missing: run `swift build` first (make test does)")
        }
        guard FileManager.default.fileExists(atPath: Self.packageRoot + "/rootfs/busybox/bin/busybox") else {
            throw HarnessError("rootfs/busybox is missing: run `make rootfs` first (make test does)")
        }
        // Shims orphaned by a killed agent come to us, and we reap them by PID.
        _ = berth_set_child_subreaper()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-e2e-\(UUID().uuidString.prefix(8))").path
        cgroupParent = "berth-e2e-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    var commonFlags: [String] { ["--root", root, "--images", Self.packageRoot + "/rootfs", "--cgroup-parent", cgroupParent] }

    /// Runs `berth <args>` to completion (with a deadline) and returns what it printed.
    @discardableResult
    func berth(_ args: [String], timeout: Duration = .seconds(60)) async throws -> Result {
        try await Self.runToCompletion(try makeProcess(args), timeout: timeout, what: "berth " + args.joined(separator: " "))
    }

    /// Runs `process` to completion with a deadline (SIGKILL after it) and returns its output.
    /// Pipes are read on dispatch threads and the exit is polled, so no thread of the
    /// cooperative pool waits for the child.
    static func runToCompletion(_ process: Process, timeout: Duration, what: String) async throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        async let stdoutData = readToEnd(out.fileHandleForReading)
        async let stderrData = readToEnd(err.fileHandleForReading)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw HarnessError("\(what) did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: await stdoutData, as: UTF8.self),
                      stderr: String(decoding: await stderrData, as: UTF8.self))
    }

    /// Starts `berth <args>` in the background; its output goes to `<root>/<name>.out`.
    func start(_ args: [String], name: String) throws -> Process {
        try startInBackground(try makeProcess(args), name: name)
    }

    /// Starts any program in the background (killed by PID at teardown); output as for `start`.
    func start(program: String, _ args: [String], name: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        return try startInBackground(process, name: name)
    }

    private func startInBackground(_ process: Process, name: String) throws -> Process {
        let path = root + "/\(name).out"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        lock.withLock { background.append(process) }
        return process
    }

    func output(of name: String) -> String {
        (try? String(contentsOfFile: root + "/\(name).out", encoding: .utf8)) ?? ""
    }

    private func makeProcess(_ args: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binDirectory + "/berth")
        let command = args.first.map { [$0] } ?? []
        process.arguments = command + commonFlags + Array(args.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: Self.packageRoot)
        return process
    }

    /// Reads on a dispatch thread: a blocking read in a Task would hold one of the cooperative
    /// pool's threads (one per core) for the life of the child, stalling every other test.
    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }

    /// Writes a manifest into the test's root and returns its path.
    func manifest(_ yaml: String, name: String = "pod.yaml") throws -> String {
        let path = root + "/" + name
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The pod as `berth get pod NAME -o json` shows it.
    func pod(_ name: String) async throws -> Pod? {
        let result = try await berth(["get", "pods", name, "-o", "json"])
        guard result.status == 0 else { return nil }
        return try JSONDecoder().decode(Pod.self, from: Data(result.stdout.utf8))
    }

    /// Polls `condition` until it holds or the deadline passes.
    func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("timed out after \(timeout) waiting for \(what)")
    }

    /// The absolute directory of a cgroup below Berth's parent, for a v1 controller.
    func cgroupDirectory(controller: String, components: [String]) -> String {
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var parent = "/"
        for line in own.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2).map(String.init)
            if fields.count == 3, fields[1].split(separator: ",").contains(Substring(controller)) { parent = fields[2] }
        }
        let base = "/sys/fs/cgroup/\(controller)" + (parent == "/" ? "" : parent)
        return ([base, cgroupParent] + components).joined(separator: "/")
    }

    /// Removes everything, then reports whatever could not be removed as a test failure.
    func teardown() async {
        stopBackground()
        await removePods()
        Self.reapOrphans()
        assertNothingLeft()
    }

    /// Waits for `process` to end without blocking a thread. Swift's cooperative pool has one
    /// thread per core (two on the CI machine): a test blocked in `waitUntilExit` while a pod
    /// stops gracefully stalls the unit tests running beside it (seen as their 5 s timeouts).
    static func waitForExit(_ process: Process, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("process \(process.processIdentifier) still running after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Kills every process this harness started that still runs (by PID) and waits for it.
    func stopBackground() {
        for process in lock.withLock({ background }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops and removes every pod left under this root (no agent runs any more).
    func removePods() async {
        let pods = (try? await berth(["get", "pods", "-A", "-o", "name"]).stdout) ?? ""
        for line in pods.split(separator: "\n") where line.hasPrefix("pod/") {
            _ = try? await berth(["delete", "pod", String(line.dropFirst(4)), "--grace-period", "0"])
        }
    }

    /// Reports mounts, cgroups and sandboxes still there as a test failure, then removes the root.
    func assertNothingLeft() {
        var left: [String] = []
        let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        left += mountinfo.split(separator: "\n").filter { $0.contains(root) }.map { "mount: \($0)" }
        let hierarchies = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? []
        for controller in hierarchies where controller != "unified" {
            let dir = cgroupDirectory(controller: controller, components: [])
            let children = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasPrefix("pod") } ?? []
            left += children.map { "cgroup: \(dir)/\($0)" }
            rmdir(dir)
        }
        let sandboxes = (try? FileManager.default.contentsOfDirectory(atPath: root + "/run/sandboxes")) ?? []
        left += sandboxes.map { "sandbox: " + $0 }
        if !left.isEmpty {
            Issue.record("left behind:\n\(left.joined(separator: "\n"))")
            for line in mountinfo.split(separator: "\n") where line.contains(root) {
                let fields = line.split(separator: " ")
                if fields.count > 4 { _ = berth_umount_detach(String(fields[4])) }
            }
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Shims orphaned by a killed agent were re-parented to this (subreaper) process: reap
    /// each by its PID (they end once their containers have been deleted).
    static func reapOrphans() {
        let me = getpid()
        var shims: [Int32] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, Int32(fields[1]) == me, stat.contains("(berth-shim)") { shims.append(pid) }
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while !shims.isEmpty && ContinuousClock.now < deadline {
            shims.removeAll { pid in
                var status: Int32 = 0
                return waitpid(pid, &status, WNOHANG) != 0
            }
            if !shims.isEmpty { usleep(10_000) }
        }
        if !shims.isEmpty { Issue.record("berth-shim processes still running: \(shims)") }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` in a fresh harness and always tears it down.
func withBerth(_ body: (BerthHarness) async throws -> Void) async throws {
    let harness = try BerthHarness()
    do {
        try await body(harness)
    } catch {
        await harness.teardown()
        throw error
    }
    await harness.teardown()
}

/// Every end-to-end suite runs inside this one, one test at a time: they share the machine's
/// two cores and time grace periods, and a killed agent's shims come to this process.
@Suite(.serialized) enum EndToEnd {}
