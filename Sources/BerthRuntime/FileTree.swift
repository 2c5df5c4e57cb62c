import Foundation
import Glibc

/// State-file writes and removals on the container start/stop path, without the costs
/// Foundation adds there: `Data.write` fsyncs every file (0.2 ms median, up to 3 ms on this
/// host's ext4, per container start) and `FileManager.removeItem` stats every entry. The run
/// directory is volatile (`/run` is a tmpfs by default; its state dies with the boot), so
/// an fsync buys no durability.
package enum FileTree {
    /// Creates or truncates `path` (no fsync) and writes `bytes`.
    package static func writeUnsynced(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(RuntimeError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .system(operation: "create", path: path, errno: lastErrno()) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "write", path: path, errno: lastErrno())
            }
            offset += n
        }
    }

    /// Writes `bytes` to a sibling temp file and renames it over `path`, so that a reader sees
    /// the old or the new content, never a partial file.
    package static func replaceUnsynced(_ bytes: [UInt8], at path: String) throws(RuntimeError) {
        try writeUnsynced(bytes, to: path + ".tmp")
        guard rename(path + ".tmp", path) == 0 else {
            throw .system(operation: "rename", path: path, errno: lastErrno())
        }
    }

    /// Removes `path` and everything below it (like `rm -rf`, ENOENT is success). It does not
    /// cross into another filesystem mounted below `path` (it fails with EXDEV instead), so a
    /// stray mount never has its contents deleted.
    static func remove(_ path: String) throws(RuntimeError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .system(operation: "lstat", path: path, errno: lastErrno())
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            guard unlink(path) == 0 || errno == ENOENT else { throw .system(operation: "unlink", path: path, errno: lastErrno()) }
            return
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .system(operation: "open", path: path, errno: lastErrno()) }
        try removeContents(of: fd, path: path, device: info.st_dev)
        guard rmdir(path) == 0 || errno == ENOENT else { throw .system(operation: "rmdir", path: path, errno: lastErrno()) }
    }

    /// Empties the directory open at `fd` (consumed: closed here).
    private static func removeContents(of fd: Int32, path: String, device: dev_t) throws(RuntimeError) {
        guard let handle = fdopendir(fd) else {
            let code = lastErrno()
            close(fd)
            throw .system(operation: "fdopendir", path: path, errno: code)
        }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var info = stat()
                if fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
            }
            let child = path + "/" + name
            if isDirectory {
                let childFD = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard childFD >= 0 else { throw .system(operation: "open", path: child, errno: lastErrno()) }
                var info = stat()
                guard fstat(childFD, &info) == 0, info.st_dev == device else {
                    close(childFD)
                    throw .system(operation: "remove (a filesystem is mounted here)", path: child, errno: EXDEV)
                }
                try removeContents(of: childFD, path: child, device: device)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
                    throw .system(operation: "rmdir", path: child, errno: lastErrno())
                }
            } else {
                guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else {
                    throw .system(operation: "unlink", path: child, errno: lastErrno())
                }
            }
        }
    }
}
