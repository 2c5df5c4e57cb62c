import Foundation
import Glibc
import Logging

let cgroupLogger = Logger(label: "berth.cgroups")

/// The file operations the drivers share, with errno kept for `CgroupError`.
///
/// Writes open with `O_CREAT | O_TRUNC` (as runc's `ioutil.WriteFile` long did): on cgroupfs
/// every file of an enabled controller already exists, so `O_CREAT` changes nothing there and
/// a missing file still fails with the kernel's errno; on a fake tree in a temp directory the
/// file is created, so the same driver code runs against both.
enum CgroupFiles {
    static func write(_ content: String, to path: String, createIfMissing: Bool = true) throws(CgroupError) {
        let flags = O_WRONLY | O_CLOEXEC | O_TRUNC | (createIfMissing ? O_CREAT : 0)
        let fd = retryingEINTR { open(path, flags, 0o644) }
        guard fd >= 0 else { throw .operationFailed(operation: "open for write", path: path, errno: errno) }
        defer { close(fd) }
        // One write(2) per value: cgroup files parse each write as a whole.
        let bytes = Array(content.utf8)
        let written = bytes.withUnsafeBytes { buffer in
            retryingEINTR { Glibc.write(fd, buffer.baseAddress, buffer.count) }
        }
        guard written >= 0 else {
            throw .operationFailed(operation: "write \(content.debugDescription)", path: path, errno: errno)
        }
        guard written == bytes.count else {
            throw .operationFailed(operation: "short write \(content.debugDescription)", path: path, errno: EIO)
        }
    }

    static func read(_ path: String) throws(CgroupError) -> String {
        let fd = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .operationFailed(operation: "open for read", path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                retryingEINTR { Glibc.read(fd, raw.baseAddress, raw.count) }
            }
            if count < 0 { throw .operationFailed(operation: "read", path: path, errno: errno) }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func readIfPresent(_ path: String) -> String? {
        try? read(path)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The type of the filesystem holding `path` ("cgroup2", "cgroup", "tmpfs", ...), from
    /// `/proc/self/mountinfo`: the last-mounted entry with the longest mount point that
    /// contains the resolved path. (Swift's Glibc module lacks `statfs`; mountinfo names the
    /// same filesystem type the statfs magic would.) Nil if unreadable.
    static func filesystemType(_ path: String, mountinfo: String = "/proc/self/mountinfo") -> String? {
        guard let text = readIfPresent(mountinfo) else { return nil }
        let target = resolvedPath(path)
        var best: (length: Int, type: String)?
        for line in text.split(whereSeparator: \.isNewline) {
            let halves = line.components(separatedBy: " - ")
            guard halves.count >= 2 else { continue }
            let fields = halves[0].split(separator: " ")
            let tail = halves[1].split(separator: " ")
            guard fields.count >= 5, let type = tail.first else { continue }
            let mountPoint = unescapeMountinfo(String(fields[4]))
            let contains = mountPoint == "/" || target == mountPoint || target.hasPrefix(mountPoint + "/")
            if contains, mountPoint.count >= (best?.length ?? -1) { best = (mountPoint.count, String(type)) }
        }
        return best?.type
    }

    static func isCgroupFilesystem(_ path: String) -> Bool {
        let type = filesystemType(path)
        return type == "cgroup" || type == "cgroup2"
    }

    static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// mountinfo escapes space, tab, newline and backslash as \ooo.
    private static func unescapeMountinfo(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
                let code = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(code)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Creates `base/components...` level by level; returns the directories it created,
    /// outermost first. `base` must exist.
    static func makeDirectories(base: String, components: [String]) throws(CgroupError) -> [String] {
        guard isDirectory(base) else {
            throw .operationFailed(operation: "find parent cgroup", path: base, errno: ENOENT)
        }
        var created: [String] = []
        var current = base
        for component in components {
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                created.append(current)
            } else if errno != EEXIST {
                let code = errno
                for dir in created.reversed() { rmdir(dir) }
                throw .operationFailed(operation: "mkdir", path: current, errno: code)
            }
        }
        return created
    }

    /// Names of the subdirectories of `path` (child cgroups).
    static func subdirectories(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            // kernfs and tmpfs fill d_type; a stat per entry (a memory cgroup holds ~50 files)
            // cost more than the rest of a container's removal.
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): names.append(name)
            case Int32(DT_UNKNOWN): if isDirectory(path + "/" + name) { names.append(name) }
            default: break
            }
        }
        return names.sorted()
    }

    /// `dir` and every descendant directory, deepest first.
    static func treeLeafFirst(_ dir: String) -> [String] {
        guard isDirectory(dir) else { return [] }
        return subdirectories(dir).flatMap { treeLeafFirst(dir + "/" + $0) } + [dir]
    }

    /// PIDs listed in `cgroup.procs` of `dir` and of every descendant.
    static func pidsInTree(_ dir: String) -> Set<Int32> {
        var pids = Set<Int32>()
        for cgroup in treeLeafFirst(dir) {
            guard let text = readIfPresent(cgroup + "/cgroup.procs") else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                if let pid = Int32(line.trimmingCharacters(in: .whitespaces)) { pids.insert(pid) }
            }
        }
        return pids
    }

    /// SIGKILL each pid; ESRCH (already gone) is ignored.
    static func kill(_ pids: some Sequence<Int32>) {
        for pid in pids where pid > 0 {
            if Glibc.kill(pid, SIGKILL) != 0 && errno != ESRCH {
                cgroupLogger.warning("kill failed", metadata: ["pid": "\(pid)", "errno": "\(errno)"])
            }
        }
    }

    /// Removes `dir` and its descendants, deepest first. On cgroupfs, EBUSY (tasks still
    /// exiting) and ENOTEMPTY (a child appeared) are retried every 10 ms until `deadline`.
    /// On a fake tree (not cgroupfs) the regular files the driver wrote are unlinked first;
    /// `onCgroupfs` says which (nil: found out from /proc/self/mountinfo).
    static func removeTree(_ dir: String, timeout: Duration, onCgroupfs: Bool? = nil) throws(CgroupError) {
        guard isDirectory(dir) else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let fake = !(onCgroupfs ?? isCgroupFilesystem(dir))
        while true {
            var failure: CgroupError?
            for cgroup in treeLeafFirst(dir) {
                if fake { unlinkRegularFiles(in: cgroup) }
                if rmdir(cgroup) != 0 && errno != ENOENT {
                    failure = .operationFailed(operation: "rmdir", path: cgroup, errno: errno)
                    break
                }
            }
            guard let failure else { return }
            guard failure.errno == EBUSY || failure.errno == ENOTEMPTY else { throw failure }
            guard clock.now < deadline else {
                let waited = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
                throw .busy(path: dir, waitedMilliseconds: Int(waited))
            }
            usleep(10_000)  // poll the kernel for the exiting tasks, bounded by the deadline
        }
    }

    private static func unlinkRegularFiles(in dir: String) {
        guard let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if !isDirectory(dir + "/" + name) { unlink(dir + "/" + name) }
        }
    }

    /// "key N" line value in files such as memory.events / memory.oom_control.
    static func keyedValue(_ key: String, in text: String) -> Int64? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == key { return Int64(fields[1]) }
        }
        return nil
    }

    /// Parses a number or "max"/-1/huge (unlimited → nil); throws on anything else.
    static func parseLimit(_ text: String, path: String) throws(CgroupError) -> Int64? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value == "max" || value == "-1" { return nil }
        guard let number = Int64(value) else { throw .malformedFile(path: path, content: text) }
        // v1 reports "unlimited" memory as LONG_MAX rounded down to a page.
        return number >= 1 << 62 ? nil : number
    }

    static func readLimitIfPresent(_ path: String) throws(CgroupError) -> Int64? {
        guard let text = readIfPresent(path) else { return nil }
        return try parseLimit(text, path: path)
    }

    private static func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
