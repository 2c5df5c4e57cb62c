import Foundation

/// A `berth server` or `berth agent` started by `berth-bench cluster`: a separate process, so
/// that its own memory can be read from /proc/<pid>/status. It runs in its own session, so a
/// Ctrl-C meant for the benchmark does not stop it halfway: the benchmark deletes its pods
/// first and then stops it with SIGTERM.
final class ClusterProcess: @unchecked Sendable {
    let name: String
    let pid: pid_t
    let logPath: String
    private let lock = NSLock()
    private var exit: ChildExit?

    private init(name: String, pid: pid_t, logPath: String) {
        self.name = name
        self.pid = pid
        self.logPath = logPath
    }

    /// Starts `argv` with stdout and stderr going to `logPath`.
    static func start(_ name: String, argv: [String], logPath: String, environment: [String] = []) throws(BenchError) -> ClusterProcess {
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw .system(operation: "open", path: logPath, errno: errno) }
        defer { close(logFD) }
        let pid = try Spawn.start(argv, stdio: [-1, logFD, logFD], newSession: true, extraEnvironment: environment)
        return ClusterProcess(name: name, pid: pid, logPath: logPath)
    }

    /// Reaps the process if it has exited; nil while it runs.
    func exited() -> ChildExit? {
        lock.withLock {
            if let exit { return exit }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                exit = ChildExit(status: status, maxRSSKiB: 0)
            } else if reaped < 0 && errno == ECHILD {
                exit = ChildExit(status: 255 << 8, maxRSSKiB: 0)
            }
            return exit
        }
    }

    /// Throws with the tail of its log if it is no longer running.
    func checkAlive() throws(BenchError) {
        if let exit = exited() {
            throw .commandFailed(command: "berth \(name) (pid \(pid)) exited during the benchmark", status: exit.code,
                                 output: Spawn.tail(of: logPath))
        }
    }

    /// The whole log, for the line that says where the server listens.
    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// SIGTERM, then SIGKILL after `timeout`; returns how it ended.
    @discardableResult
    func stop(timeout: Duration = .seconds(20)) async -> ChildExit {
        if let exit = exited() { return exit }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let exit = exited() { return exit }
            try? await Task.sleep(for: .milliseconds(10))
        }
        FileHandle.standardError.write(Data("berth-bench: berth \(name) (pid \(pid)) ignored SIGTERM for \(timeout); killing it\n".utf8))
        kill(pid, SIGKILL)
        while true {
            if let exit = exited() { return exit }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Its memory and thread count now, from /proc/<pid>/status.
    func memory() -> ProcessMemory? { ProcessMemory.read(pid: pid) }

    /// CPU time it has used so far (user + system), in seconds, from /proc/<pid>/stat.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The lines of /proc/<pid>/status the report quotes, in KiB.
struct ProcessMemory: Sendable {
    /// Resident now: anonymous + file-backed + shared memory pages.
    var rssKiB: Int
    /// Peak resident since the process started.
    var hwmKiB: Int
    var anonKiB: Int
    var fileKiB: Int
    var threads: Int

    static func read(pid: pid_t) -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var fields: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            if let value { fields[String(parts[0])] = value }
        }
        guard let rss = fields["VmRSS"] else { return nil }
        return ProcessMemory(rssKiB: rss, hwmKiB: fields["VmHWM"] ?? rss, anonKiB: fields["RssAnon"] ?? 0,
                             fileKiB: fields["RssFile"] ?? 0, threads: fields["Threads"] ?? 0)
    }

    var summary: String {
        String(format: "%.1f MiB (anon %.1f, file %.1f; peak %.1f; %d threads)", Double(rssKiB) / 1024,
               Double(anonKiB) / 1024, Double(fileKiB) / 1024, Double(hwmKiB) / 1024, threads)
    }
}

/// The load average, quoted with every figure: the machine is shared.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// CLOCK_REALTIME in nanoseconds: to line up the benchmark's instants with the timestamps the
/// agent writes to disk (sandbox and container records).
enum WallClock {
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// A file's modification time.
    static func mtime(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}
