import CBerth
import Foundation

/// How a child we waited for ended, with its peak RSS (ru_maxrss of wait4: the child and the
/// descendants it reaped).
struct ChildExit: Sendable {
    var status: Int32
    var maxRSSKiB: Int

    /// Exit code, or 128 + signal.
    var code: Int32 {
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }
}

enum Spawn {
    static let environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

    /// posix_spawn (through CBerth, the way Berth starts berth-shim) with fd i := stdio[i]
    /// (-1: /dev/null); every other fd is closed in the child.
    static func start(_ argv: [String], stdio: [Int32], newSession: Bool = false,
                      extraEnvironment: [String] = []) throws(BenchError) -> pid_t {
        guard let path = argv.first else { throw .spawn(command: "(empty argv)", errno: EINVAL) }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { argvPointers in
            withCStrings(environment + extraEnvironment) { envPointers in
                stdio.withUnsafeBufferPointer { fds in
                    berth_spawn(path, argvPointers, envPointers, fds.baseAddress, Int32(fds.count), newSession ? 1 : 0, &pid)
                }
            }
        }
        guard rc == 0 else { throw .spawn(command: argv.joined(separator: " "), errno: -rc) }
        return pid
    }

    /// wait4 for exactly this child (never -1: Berth reaps its shims through their pidfds).
    static func wait(_ pid: pid_t) -> ChildExit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { return ChildExit(status: 255 << 8, maxRSSKiB: 0) }
        }
        return ChildExit(status: status, maxRSSKiB: Int(usage.ru_maxrss))
    }

    /// Runs argv to completion with stdout and stderr appended to `logFD`; throws unless it
    /// exits 0. Returns the wall time from spawn to reaped, and the child's peak RSS.
    @discardableResult
    static func run(_ argv: [String], logFD: Int32, logPath: String) throws(BenchError) -> (nanoseconds: UInt64, maxRSSKiB: Int) {
        let start = Monotonic.now()
        let pid = try Spawn.start(argv, stdio: [-1, logFD, logFD])
        let exit = wait(pid)
        let elapsed = Monotonic.now() &- start
        guard exit.code == 0 else {
            throw .commandFailed(command: argv.joined(separator: " "), status: exit.code, output: tail(of: logPath))
        }
        return (elapsed, exit.maxRSSKiB)
    }

    /// `name` looked up in the PATH the children get; nil if absent.
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = environment[0].dropFirst("PATH=".count).split(separator: ":")
        return path.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The last lines of a log file, for error messages.
    static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(2000), as: UTF8.self)
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
    for (index, string) in strings.enumerated() { array[index] = strdup(string) }
    array[strings.count] = nil
    defer {
        for index in 0..<strings.count { free(array[index]) }
        array.deallocate()
    }
    return body(UnsafePointer(array))
}

/// Runs blocking work off Swift's cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

/// VmHWM (peak resident set) of a process in KiB, from /proc/<pid>/status; nil if gone.
func peakRSSKiB(pid: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}
