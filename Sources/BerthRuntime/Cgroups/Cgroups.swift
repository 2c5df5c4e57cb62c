/// Entry points: layout detection, the default driver, and the cgroups Berth runs in.
public enum Cgroups {
    public static let defaultMountRoot = "/sys/fs/cgroup"

    /// The layout of the cgroup mounts at `root`, as systemd decides it (there with statfs
    /// magic numbers, here with the mountinfo type names): `root` is cgroup2 → unified;
    /// `root` is a tmpfs and `root/unified` is cgroup2 → hybrid; anything else → legacy.
    public static func detect(root: String = defaultMountRoot) -> CgroupLayout {
        detect(root: root, filesystemType: { CgroupFiles.filesystemType($0) })
    }

    /// Detection with an injected probe returning the filesystem type name of a path
    /// ("cgroup2", "tmpfs", "cgroup"; nil: unknown).
    public static func detect(root: String, filesystemType: (String) -> String?) -> CgroupLayout {
        let rootType = filesystemType(root)
        if rootType == "cgroup2" { return .unified }
        if rootType == "tmpfs", filesystemType(root + "/unified") == "cgroup2" {
            return .hybrid
        }
        return .legacy
    }

    /// The filesystem type name of the mount holding `path` (from /proc/self/mountinfo).
    public static func filesystemType(of path: String) -> String? {
        CgroupFiles.filesystemType(path)
    }

    /// The v2 driver on a unified host, the v1 driver otherwise (hybrid: v1 controllers).
    public static func defaultDriver(mountRoot: String = defaultMountRoot) throws(CgroupError) -> any CgroupDriver {
        let layout = detect(root: mountRoot)
        switch layout {
        case .unified:
            return CgroupV2Driver(mountRoot: mountRoot)
        case .hybrid, .legacy:
            return try CgroupV1Driver(mountRoot: mountRoot, layout: layout)
        }
    }

    /// The cgroup this process runs in for `controller` (a v1 controller name such as
    /// "memory", or "" for cgroup2), relative to that hierarchy's root; "/" if not listed.
    public static func ownCgroupParent(controller: String, procSelfCgroup: String = "/proc/self/cgroup") -> String {
        ownCgroups(procSelfCgroup: procSelfCgroup)[controller] ?? "/"
    }

    /// Every controller's own cgroup, from `/proc/self/cgroup` (empty if unreadable).
    public static func ownCgroups(procSelfCgroup: String = "/proc/self/cgroup") -> [String: String] {
        guard let text = CgroupFiles.readIfPresent(procSelfCgroup) else { return [:] }
        return parseProcCgroup(text)
    }

    /// Parses `/proc/<pid>/cgroup` ("ID:controller[,controller...]:path" per line) into
    /// controller → path. Co-mounted controllers ("cpu,cpuacct") each get the path;
    /// "name=systemd" keeps its name; the cgroup2 line ("0::/path") has the key "".
    public static func parseProcCgroup(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = CgroupPath.normalize(String(fields[2]))
            if fields[1].isEmpty {
                result[CgroupPath.unifiedKey] = path
            } else {
                for controller in fields[1].split(separator: ",") { result[String(controller)] = path }
            }
        }
        return result
    }
}
