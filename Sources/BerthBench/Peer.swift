import ArgumentParser
import CBerth
import Foundation

/// The crun side runs in a helper process: `unshare --mount --propagation private
/// berth-bench crun-peer ...`. In that private mount namespace (never the host's) it unmounts
/// /sys/fs/cgroup/unified, without which crun 1.8 refuses this hybrid cgroup layout, and runs
/// crun on request, timing each command itself with CLOCK_MONOTONIC. Requests and replies
/// are single lines on its stdin and stdout, so Berth and crun iterations can alternate.
///
/// Requests: `true` → `ok <ns>` (one `crun run` of /bin/true); `pod` → `ok <ns>` (ip netns add,
/// lo up, two `crun run -d`; torn down before replying); `rss` → `ok <KiB>` (crun's VmHWM
/// while a container runs); `quit` or EOF → cleanup and exit. Failures: `err <message>`.
struct CrunPeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crun-peer", abstract: "Internal: the crun side of `runtime`, run inside a private mount namespace.",
        shouldDisplay: false)

    @Option var crun: String
    @Option var state: String
    @Option var bundles: String
    @Option var netns: String
    @Option var log: String
    @Option var rootfs: String
    @Option var cgroupBase: String

    func run() throws {
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let server: PeerServer
        do throws(BenchError) {
            server = try PeerServer(crun: crun, state: state, bundles: bundles, netns: netns, log: log)
            try CrunBundles(crun: crun, directory: bundles, rootfs: rootfs, cgroupBase: cgroupBase, netnsName: netns,
                            logFD: server.logFD, logPath: log).create(trueArgv: ["/bin/true"], podArgv: ["sleep", "3600"])
        } catch {
            PeerServer.reply("err " + error.description)
            throw ExitCode(1)
        }
        server.serve()
    }
}

final class PeerServer {
    let crun: String
    let ip: String
    let state: String
    let bundles: String
    let netns: String
    let logPath: String
    let logFD: Int32
    var iteration = 0
    var live: [String] = []
    var netnsLive = false

    init(crun: String, state: String, bundles: String, netns: String, log: String) throws(BenchError) {
        guard let ip = Spawn.which("ip") else { throw .missingFile(path: "ip", hint: "apt-get install iproute2") }
        self.crun = crun
        self.ip = ip
        self.state = state
        self.bundles = bundles
        self.netns = netns
        self.logPath = log
        let mine = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
        let parent = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(getppid())/ns/mnt")
        guard let mine, let parent, mine != parent else {
            throw .peer("not in a private mount namespace (\(mine ?? "?") vs parent \(parent ?? "?")): refusing to unmount anything")
        }
        let unified = "/sys/fs/cgroup/unified"
        if Mounts.isMountPoint(unified), umount2(unified, 0) != 0 {
            throw .system(operation: "umount (private mount namespace)", path: unified, errno: errno)
        }
        logFD = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw .system(operation: "open", path: log, errno: errno) }
    }

    static func reply(_ line: String) {
        let oneLine = line.replacingOccurrences(of: "\n", with: " | ")
        FileHandle.standardOutput.write(Data((oneLine + "\n").utf8))
    }

    func serve() {
        Self.reply("ready")
        while let line = readLine() {
            if line == "quit" { break }
            iteration += 1
            do {
                switch line {
                case "true": Self.reply("ok \(try runTrue())")
                case "pod": Self.reply("ok \(try runPod())")
                case "rss": Self.reply("ok \(try crunPeakRSS())")
                default: Self.reply("err unknown request \(line)")
                }
            } catch {
                teardown()
                Self.reply("err " + error.description)
            }
        }
        teardown()
    }

    private func crun(_ args: [String]) throws(BenchError) -> UInt64 {
        try Spawn.run([crun, "--root", state] + args, logFD: logFD, logPath: logPath).nanoseconds
    }

    /// `crun run` of /bin/true: state, cgroup, namespaces, mounts, exec, wait, delete.
    func runTrue() throws(BenchError) -> UInt64 {
        let start = Monotonic.now()
        _ = try crun(["run", "-b", bundles + "/" + CrunBundles.trueBundle, "true-\(iteration)"])
        return Monotonic.now() &- start
    }

    /// From nothing to both containers running: netns, loopback up, two detached runs.
    func runPod() throws(BenchError) -> UInt64 {
        let start = Monotonic.now()
        netnsLive = true
        try Spawn.run([ip, "netns", "add", netns], logFD: logFD, logPath: logPath)
        try Spawn.run([ip, "-n", netns, "link", "set", "lo", "up"], logFD: logFD, logPath: logPath)
        for bundle in CrunBundles.podBundles {
            let id = "\(bundle)-\(iteration)"
            live.append(id)
            _ = try crun(["run", "-d", "-b", bundles + "/" + bundle, id])
        }
        let elapsed = Monotonic.now() &- start
        for id in live {
            guard let status = try? String(contentsOfFile: "\(state)/\(id)/status", encoding: .utf8), !status.isEmpty else {
                throw .peer("container \(id) has no state after crun run -d")
            }
        }
        teardown()
        return elapsed
    }

    /// crun's VmHWM: one `crun run` of `sleep 0.5` (crun stays the container's parent), its
    /// /proc/<pid>/status polled every 2 ms until it exits (VmHWM only grows).
    func crunPeakRSS() throws(BenchError) -> Int {
        let argv = [crun, "--root", state, "run", "-b", bundles + "/" + CrunBundles.rssBundle, "rss-\(iteration)"]
        let pid = try Spawn.start(argv, stdio: [-1, logFD, logFD])
        var peak = 0
        var status: Int32 = 0
        while true {
            if let kib = peakRSSKiB(pid: String(pid)) { peak = max(peak, kib) }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            usleep(2_000)
        }
        let exit = ChildExit(status: status, maxRSSKiB: 0)
        guard exit.code == 0 else {
            throw .commandFailed(command: argv.joined(separator: " "), status: exit.code, output: Spawn.tail(of: logPath))
        }
        return peak
    }

    /// Untimed: kill and delete the detached containers, delete the netns.
    func teardown() {
        for id in live {
            do { _ = try crun(["delete", "-f", id]) } catch {
                FileHandle.standardError.write(Data("berth-bench crun-peer: \(error)\n".utf8))
            }
        }
        live = []
        if netnsLive {
            netnsLive = false
            if FileManager.default.fileExists(atPath: "/run/netns/" + netns) {
                do { try Spawn.run([ip, "netns", "del", netns], logFD: logFD, logPath: logPath) } catch {
                    FileHandle.standardError.write(Data("berth-bench crun-peer: \(error)\n".utf8))
                }
            }
        }
    }
}

/// The parent's handle on the helper.
final class PeerProcess: @unchecked Sendable {
    let pid: pid_t
    private var commandFD: Int32
    private let replyFD: Int32
    private var buffer: [UInt8] = []
    private var exited: ChildExit?

    private init(pid: pid_t, commandFD: Int32, replyFD: Int32) {
        self.pid = pid
        self.commandFD = commandFD
        self.replyFD = replyFD
    }

    /// Starts the helper in its own session (a Ctrl-C meant for the benchmark must not kill
    /// crun halfway: the benchmark stops it cleanly instead) and waits for its `ready`.
    static func start(unshare: String, selfPath: String, arguments: [String]) async throws(BenchError) -> PeerProcess {
        var command: [Int32] = [-1, -1]
        var reply: [Int32] = [-1, -1]
        guard pipe(&command) == 0 else { throw .system(operation: "pipe", path: "peer requests", errno: errno) }
        guard pipe(&reply) == 0 else {
            close(command[0]); close(command[1])
            throw .system(operation: "pipe", path: "peer replies", errno: errno)
        }
        for fd in command + reply { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let argv = [unshare, "--mount", "--propagation", "private", selfPath, "crun-peer"] + arguments
        let pid: pid_t
        do {
            pid = try Spawn.start(argv, stdio: [command[0], reply[1], 2], newSession: true)
        } catch {
            for fd in command + reply { close(fd) }
            throw error
        }
        close(command[0])
        close(reply[1])
        let peer = PeerProcess(pid: pid, commandFD: command[1], replyFD: reply[0])
        let first = await peer.readLine()
        guard first == "ready" else {
            _ = await peer.stop()
            throw .peer(first.map { $0.hasPrefix("err ") ? String($0.dropFirst(4)) : $0 } ?? "exited before it was ready")
        }
        return peer
    }

    /// Sends one request; the payload of `ok <payload>`.
    func request(_ command: String) async throws(BenchError) -> String {
        let line = Array((command + "\n").utf8)
        let written = line.withUnsafeBytes { write(commandFD, $0.baseAddress, $0.count) }
        guard written == line.count else { throw .peer("cannot send \(command): the helper is gone") }
        guard let answer = await readLine() else { throw .peer("the helper exited during \(command)") }
        if answer.hasPrefix("ok ") { return String(answer.dropFirst(3)) }
        throw .peer(answer.hasPrefix("err ") ? String(answer.dropFirst(4)) : answer)
    }

    func requestNanoseconds(_ command: String) async throws(BenchError) -> UInt64 {
        let payload = try await request(command)
        guard let value = UInt64(payload) else { throw .peer("unexpected reply to \(command): \(payload)") }
        return value
    }

    private func readLine() async -> String? {
        await offPool { self.blockingReadLine() }
    }

    private func blockingReadLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let n = read(replyFD, &chunk, chunk.count)
            if n > 0 { buffer += chunk[0..<n] } else if n < 0 && errno == EINTR { continue } else { return nil }
        }
    }

    /// Closes its stdin (it cleans up and exits) and reaps it.
    func stop() async -> ChildExit {
        if let exited { return exited }
        if commandFD >= 0 {
            close(commandFD)
            commandFD = -1
        }
        let pid = self.pid
        let exit = await offPool { Spawn.wait(pid) }
        close(replyFD)
        exited = exit
        return exit
    }
}
