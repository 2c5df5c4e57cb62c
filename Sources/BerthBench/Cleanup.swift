import BerthRuntime
import Foundation

enum Mounts {
    /// Mount points at or below `prefix` in this mount namespace, deepest first.
    static func points(under prefix: String) -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        var result: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            let point = unescape(String(fields[4]))
            if point == prefix || point.hasPrefix(prefix + "/") { result.append(point) }
        }
        return result.sorted { $0.count > $1.count }
    }

    static func isMountPoint(_ path: String) -> Bool { points(under: path).contains(path) }

    /// Detaches every mount left below `prefix` (only after a failed removal).
    static func detachAll(under prefix: String) {
        for point in points(under: prefix) {
            if umount2(point, Int32(MNT_DETACH)) != 0 {
                FileHandle.standardError.write(Data("berth-bench: umount \(point): \(String(cString: strerror(errno)))\n".utf8))
            }
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as \ooo.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The cgroups crun creates for the peer: one absolute cgroupsPath used in every v1 hierarchy
/// (crun has no per-controller parents), below this process's own memory cgroup, so that the
/// memory hierarchy (the only nested one here) gets nothing at its root. Intermediate
/// directories that did not exist before are remembered and removed at the end.
struct CrunCgroups {
    var base: String
    var hierarchies: [String]
    var createdAncestors: [String] = []

    init(name: String) {
        let own = Cgroups.ownCgroupParent(controller: "memory")
        base = (own == "/" ? "" : own) + "/" + name
        var seen = Set<String>()
        var found: [String] = []
        let mountRoot = Cgroups.defaultMountRoot
        for entry in ((try? FileManager.default.contentsOfDirectory(atPath: mountRoot)) ?? []).sorted() where entry != "unified" {
            let dir = mountRoot + "/" + entry
            guard FileManager.default.fileExists(atPath: dir + "/cgroup.procs"),
                  let real = realpath(dir, nil) else { continue }
            defer { free(real) }
            if seen.insert(String(cString: real)).inserted { found.append(dir) }
        }
        hierarchies = found
        let parts = base.split(separator: "/").map(String.init)
        for hierarchy in hierarchies {
            var path = hierarchy
            for part in parts.dropLast() {
                path += "/" + part
                if !FileManager.default.fileExists(atPath: path) { createdAncestors.append(path) }
            }
        }
    }

    /// Removes the peer's cgroup tree and the ancestors crun had to create, leaf first.
    func remove() {
        for hierarchy in hierarchies { Self.removeTree(hierarchy + base) }
        for dir in createdAncestors.sorted(by: { $0.count > $1.count }) where FileManager.default.fileExists(atPath: dir) {
            if rmdir(dir) != 0 {
                FileHandle.standardError.write(Data("berth-bench: rmdir \(dir): \(String(cString: strerror(errno)))\n".utf8))
            }
        }
    }

    static func removeTree(_ dir: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + entry, isDirectory: &sub), sub.boolValue {
                removeTree(dir + "/" + entry)
            }
        }
        for _ in 0..<100 {
            if rmdir(dir) == 0 || errno == ENOENT { return }
            guard errno == EBUSY else { break }
            usleep(10_000)  // exiting tasks still listed
        }
        FileHandle.standardError.write(Data("berth-bench: rmdir \(dir): \(String(cString: strerror(errno)))\n".utf8))
    }
}
