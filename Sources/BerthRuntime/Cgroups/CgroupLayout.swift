/// How cgroups are mounted on this host, detected as systemd does
/// (`src/basic/cgroup-util.c`, `cg_unified_cached`).
public enum CgroupLayout: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// `/sys/fs/cgroup` is cgroup2: one hierarchy holds every controller.
    case unified
    /// `/sys/fs/cgroup` is a tmpfs of v1 hierarchies plus a cgroup2 mount at
    /// `/sys/fs/cgroup/unified` (used by systemd for process tracking only).
    /// Resource controllers come from v1.
    case hybrid
    /// `/sys/fs/cgroup` is a tmpfs of v1 hierarchies only.
    case legacy

    public var description: String { rawValue }

    /// Whether resource controllers live in v1 hierarchies.
    public var usesV1Controllers: Bool { self != .unified }
}
