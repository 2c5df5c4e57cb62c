import CBerth
import Dispatch
import Foundation

/// What berth-shim said on its report pipe.
public enum ShimReport: Sendable, Equatable {
    case started(shimPID: Int32, containerPID: Int32)
    case pinned
    case failed(step: String, errno: Int32, message: String)
}

/// Starts berth-shim from the multithreaded agent with posix_spawn (never fork in Swift),
/// hands it the bootstrap on fd 3 and reads its report from fd 4.
public struct ShimLauncher: Sendable {
    public var shimPath: String

    public init(shimPath: String) { self.shimPath = shimPath }

    /// The shim beside the running executable, or `$BERTH_SHIM`.
    public static func locate() -> String {
        if let path = ProcessInfo.processInfo.environment["BERTH_SHIM"], !path.isEmpty { return path }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "berth").resolvingSymlinksInPath()
        var candidates = [executable.deletingLastPathComponent().appendingPathComponent("berth-shim").path]
        // Test bundles live one level deeper than the products on Linux (.build/debug/X.xctest).
        candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("berth-shim").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// A started shim: its PID and the pidfd the caller now owns, plus the report it sent.
    public struct Launched: Sendable {
        public var shimPID: Int32
        public var shimPIDFD: Int32
        public var report: ShimReport
    }

    /// Runs `berth-shim <mode>` with `bootstrap`. `stdio` are the caller's fds for 0, 1, 2, or nil
    /// for /dev/null. Returns once the shim has reported (started, pinned or failed).
    public func launch(mode: String, bootstrap: Bootstrap, bootstrapFile: String, stdio: [Int32]? = nil) async throws(RuntimeError) -> Launched {
        guard FileManager.default.isExecutableFile(atPath: shimPath) else { throw .shimMissing(path: shimPath) }
        try FileTree.writeUnsynced(Array(bootstrap.encoded.utf8), to: bootstrapFile, mode: 0o600)
        let bootstrapFD = open(bootstrapFile, O_RDONLY | O_CLOEXEC)
        guard bootstrapFD >= 0 else { throw .system(operation: "open", path: bootstrapFile, errno: lastErrno()) }
        defer { close(bootstrapFD) }
        var report: [Int32] = [-1, -1]
        guard pipe(&report) == 0 else { throw .system(operation: "pipe", path: "report pipe", errno: lastErrno()) }
        _ = fcntl(report[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(report[1], F_SETFD, FD_CLOEXEC)
        let io = stdio ?? [-1, -1, -1]
        let fds: [Int32] = [io[0], io[1], io[2], bootstrapFD, report[1]]
        var pid: pid_t = 0
        let argv = ["berth-shim", mode]
        let rc = withCStrings(argv) { argvPointers in
            withCStrings(["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]) { envPointers in
                fds.withUnsafeBufferPointer { fdBuffer in
                    berth_spawn(shimPath, argvPointers, envPointers, fdBuffer.baseAddress, Int32(fds.count), 1, &pid)
                }
            }
        }
        close(report[1])
        guard rc == 0 else {
            close(report[0])
            throw .system(operation: "posix_spawn", path: shimPath, errno: -rc)
        }
        let pidfd = berth_pidfd_open(pid)
        let line = await Self.readAll(fd: report[0])
        let parsed = Self.parse(line)
        return Launched(shimPID: pid, shimPIDFD: pidfd, report: parsed ?? .failed(
            step: "report", errno: 0, message: "berth-shim exited without a report (\(line.isEmpty ? "no output" : line))"))
    }

    static func parse(_ text: String) -> ShimReport? {
        guard let line = text.split(separator: "\n").first else { return nil }
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        switch fields.first {
        case "started" where fields.count >= 3:
            guard let shim = Int32(fields[1]), let container = Int32(fields[2]) else { return nil }
            return .started(shimPID: shim, containerPID: container)
        case "pinned":
            return .pinned
        case "error" where fields.count >= 3:
            let message = fields.count > 3 ? percentDecode(fields[3]) : ""
            return .failed(step: fields[1], errno: Int32(fields[2]) ?? 0, message: message)
        default:
            return nil
        }
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a pipe to EOF without holding a thread while the shim works: `Readiness` (epoll)
    /// runs the read when there is data. A blocking read held one of dispatch's worker threads,
    /// which Swift's global executor shares, for as long as the shim took; with a few pods
    /// starting at once every worker sat in `read` and nothing else in the agent ran until a
    /// shim answered. Takes ownership of `fd` (closes it).
    static func readAll(fd: Int32) async -> String {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return await withCheckedContinuation { continuation in
            ReportReader(fd: fd) { continuation.resume(returning: String(decoding: $0, as: UTF8.self)) }.arm()
        }
    }
}

/// Reads a shim's report pipe whenever it is readable until EOF, then closes it and hands
/// over what came. Only one read runs at a time: the next wait is armed after a read.
private final class ReportReader: @unchecked Sendable {
    private let fd: Int32
    private let done: @Sendable ([UInt8]) -> Void
    private let bytes = ReportBytes()

    init(fd: Int32, done: @escaping @Sendable ([UInt8]) -> Void) {
        self.fd = fd
        self.done = done
    }

    func arm() {
        if Readiness.shared.onReadable(fd, { self.readable() }) == nil {
            // Not watchable: read it blocking on a thread of its own.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            Thread.detachNewThread { self.readable() }
        }
    }

    private func readable() {
        guard bytes.drain(fd) else { return arm() }
        close(fd)
        done(bytes.data)
    }
}

/// What a shim wrote on its report pipe so far; used from one serial queue only.
private final class ReportBytes: @unchecked Sendable {
    var data: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: 4096)

    /// Reads what is there; true at EOF (or an error: what came so far is the report).
    func drain(_ fd: Int32) -> Bool {
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                data += buffer[0..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            }
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
