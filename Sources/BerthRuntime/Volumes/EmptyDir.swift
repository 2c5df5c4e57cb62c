import CBerth
import Foundation

/// emptyDir volumes: a directory in the data dir, or a tmpfs when `medium: Memory`.
public enum EmptyDir {
    public static func create(path: String, memoryBacked: Bool, sizeLimitBytes: Int64?) throws(RuntimeError) {
        try makeDirectory(path, mode: 0o777)
        // mkdir honours the umask; emptyDir is world-writable like the kubelet's.
        chmod(path, 0o777)
        guard memoryBacked else { return }
        var options = "mode=0777"
        if let sizeLimitBytes { options += ",size=\(sizeLimitBytes)" }
        let rc = berth_mount_tmpfs(path, options)
        guard rc == 0 else { throw .system(operation: "mount tmpfs", path: path, errno: -rc) }
    }

    public static func remove(path: String) {
        while isMountPoint(path) {
            if berth_umount_detach(path) != 0 { break }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    static func isMountPoint(_ path: String) -> Bool {
        guard let mountinfo = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        return mountinfo.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4] == path
        }
    }
}
