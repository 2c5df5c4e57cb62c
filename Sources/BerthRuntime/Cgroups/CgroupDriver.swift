/// Creates, limits, inspects and removes cgroups: one implementation per cgroup version.
/// Paths handed to the shim (`procsFiles`) are absolute.
public protocol CgroupDriver: Sendable {
    var layout: CgroupLayout { get }
    /// Creates the cgroup (and missing intermediate levels) in every controller used, then
    /// applies `resources` if given.
    func create(_ path: CgroupPath, resources: CgroupResources?) throws(CgroupError)
    /// Applies `resources` as a whole: a `nil` field resets that limit to unlimited.
    func update(_ path: CgroupPath, resources: CgroupResources) throws(CgroupError)
    /// The `cgroup.procs` files a new process must be written to: one per v1 hierarchy,
    /// or one for v2.
    func procsFiles(_ path: CgroupPath) -> [String]
    /// v1 `memory.oom_control`, v2 `memory.events`; both contain a line "oom_kill N".
    func oomKillFile(_ path: CgroupPath) -> String?
    /// The `oom_kill` count of the cgroup (0 if unknown).
    func oomKillCount(_ path: CgroupPath) -> Int
    /// Every process in the cgroup and its descendants, sorted, without duplicates.
    func pids(_ path: CgroupPath) -> [Int32]
    /// Sends SIGKILL to every process in the cgroup and its descendants (teardown).
    func killAll(_ path: CgroupPath)
    /// Removes the cgroup and its descendants leaf-first in every controller, retrying
    /// while the kernel still reports EBUSY for exiting tasks; a missing cgroup is fine.
    func remove(_ path: CgroupPath) throws(CgroupError)
    /// The limits currently set, read back from the cgroup files.
    func readLimits(_ path: CgroupPath) throws(CgroupError) -> CgroupLimits
}

extension CgroupDriver {
    public func create(_ path: CgroupPath) throws(CgroupError) {
        try create(path, resources: nil)
    }

    public func oomKillCount(_ path: CgroupPath) -> Int {
        guard let file = oomKillFile(path), let text = CgroupFiles.readIfPresent(file) else { return 0 }
        return CgroupFiles.keyedValue("oom_kill", in: text).flatMap { Int(exactly: $0) } ?? 0
    }
}
