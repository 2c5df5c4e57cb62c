import BerthAPI
import Foundation
import Glibc

/// What an exec asks for, from the kubelet-style query
/// (`command=a&command=b&stdin=true&stdout=true&stderr=true&tty=false`).
struct ExecOptions: Sendable, Equatable {
    var command: [String]
    var stdin: Bool
    var stdout: Bool
    var stderr: Bool
    var tty: Bool

    /// `values(name)` gives every value of a query parameter. As the kubelet: a command and at
    /// least one stream are required, and a tty merges stderr into stdout.
    init(query values: (String) -> [String]) throws(EndpointFailure) {
        func flag(_ name: String) -> Bool { QueryParameters.bool(values(name).last) }
        command = values("command")
        stdin = flag("stdin")
        stdout = flag("stdout")
        tty = flag("tty")
        stderr = flag("stderr") && !tty
        guard !command.isEmpty else {
            throw EndpointFailure(.badRequest("you must specify at least one command for the container"))
        }
        guard stdin || stdout || stderr else {
            throw EndpointFailure(.badRequest("you must specify at least 1 of stdin, stdout, stderr"))
        }
    }
}

/// The exec'd process's stdio and our ends of it: pipes, or with `tty` a pseudo-terminal
/// whose master carries both directions (its slave is the process's 0, 1 and 2).
///
/// Every fd is close-on-exec, so the shim inherits only the three it is given as 0, 1, 2; in
/// particular not our end of the stdin pipe, or `cat` would never see end of file.
final class ExecStdio: @unchecked Sendable {
    /// fds 0, 1, 2 for the shim; -1 means /dev/null.
    let childFDs: [Int32]
    /// Our ends (nil when the stream was not asked for). With a tty, stdinWriter and
    /// stdoutReader are the same master.
    let stdinWriter: AsyncFileDescriptor?
    let stdoutReader: AsyncFileDescriptor?
    let stderrReader: AsyncFileDescriptor?
    private let master: AsyncFileDescriptor?
    private let lock = NSLock()
    private var childOpen: [Int32]

    init(_ options: ExecOptions) throws(EndpointFailure) {
        if options.tty {
            let (master, slave) = try Self.openPTY()
            let masterFD = AsyncFileDescriptor(taking: master)
            self.master = masterFD
            childFDs = [options.stdin ? slave : -1, slave, slave]
            childOpen = [slave]
            stdinWriter = options.stdin ? masterFD : nil
            stdoutReader = masterFD
            stderrReader = nil
            return
        }
        master = nil
        var child: [Int32] = [-1, -1, -1]
        var opened: [Int32] = []
        var ours: [AsyncFileDescriptor?] = [nil, nil, nil]
        for (index, wanted) in [options.stdin, options.stdout, options.stderr].enumerated() where wanted {
            var fds: [Int32] = [-1, -1]
            // pipe2 is not in Swift's Glibc module. The moment without FD_CLOEXEC is harmless
            // for the shims (berth_spawn closes every fd it is not given).
            guard pipe(&fds) == 0, fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0 else {
                let error = errno
                for fd in opened { close(fd) }
                throw EndpointFailure(.internalError("pipe2: \(String(cString: strerror(error)))"))
            }
            // stdin: the process reads fds[0], we write fds[1]; output the other way round.
            let (theirs, mine) = index == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
            child[index] = theirs
            opened.append(theirs)
            ours[index] = AsyncFileDescriptor(taking: mine)
        }
        childFDs = child
        childOpen = opened
        stdinWriter = ours[0]
        stdoutReader = ours[1]
        stderrReader = ours[2]
    }

    /// Closes the process's ends, once the shim has them (or is gone): our readers then see
    /// end of file when the last process holding them exits.
    func closeChildEnds() {
        let fds = lock.withLock { defer { childOpen = [] }; return childOpen }
        for fd in fds { close(fd) }
    }

    /// Stdin reached end of file (`ff 00`). A tty has no half-close: the process gets EOF
    /// from a ^D typed by the user instead, so this only applies to a pipe.
    func closeStdin() {
        guard master == nil else { return }
        stdinWriter?.close()
    }

    /// Applies a resize to the pty (no-op for pipes).
    func resize(_ size: TerminalSize) {
        guard let master else { return }
        var window = winsize(ws_row: size.height, ws_col: size.width, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master.fd, UInt(TIOCSWINSZ), &window)
    }

    func closeAll() {
        closeChildEnds()
        for end in [stdinWriter, stdoutReader, stderrReader, master] { end?.close() }
    }

    /// How the process's first stdio fd reads in /proc (`pipe:[123]`, `/dev/pts/4`), to find
    /// the shim that holds it.
    var childIdentity: String? {
        guard let fd = childFDs.first(where: { $0 >= 0 }) else { return nil }
        return Self.link("/proc/self/fd/\(fd)")
    }

    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A master (ours) and its slave (the process's), both close-on-exec and without making
    /// either our controlling terminal.
    private static func openPTY() throws(EndpointFailure) -> (Int32, Int32) {
        // posix_openpt and friends are not in Swift's Glibc module: what they do on Linux
        // (devpts needs no grantpt), with the ioctls' numbers (the same on x86_64 and arm64).
        let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw EndpointFailure(.internalError("open /dev/ptmx: \(String(cString: strerror(errno)))")) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            let error = errno
            close(master)
            throw EndpointFailure(.internalError("pty setup: \(String(cString: strerror(error)))"))
        }
        let name = "/dev/pts/\(number)"
        let slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            let error = errno
            close(master)
            throw EndpointFailure(.internalError("open \(name): \(String(cString: strerror(error)))"))
        }
        return (master, slave)
    }
}

/// Finds the `berth-shim exec` that holds a given stdio fd, to stop the command when the
/// client goes away (the runtime's exec does not hand out the shim's PID). The shim forwards
/// SIGTERM to the command.
enum ExecShimFinder {
    static func shimPID(holding identity: String) -> Int32? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == "berth-shim" else { continue }
            for fd in 0...2 where ExecStdio.link("/proc/\(pid)/fd/\(fd)") == identity {
                return pid
            }
        }
        return nil
    }
}
