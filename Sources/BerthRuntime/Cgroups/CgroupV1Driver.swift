import Glibc

/// cgroup v1 (legacy and hybrid layouts): one directory per hierarchy for each cgroup.
///
/// Hierarchies used: `cpu`, `cpuacct` (only when mounted apart from `cpu`; with
/// `cpu,cpuacct` co-mounted both names resolve to one directory), `memory`, `pids`
/// (optional: skipped when not mounted). Each hierarchy's parent comes from
/// `CgroupPath.parent(for:)` under the controller's name.
public struct CgroupV1Driver: CgroupDriver {
    struct Hierarchy: Sendable, Equatable {
        /// Controller name, the key into `CgroupPath.parents`.
        var controller: String
        /// Mount directory, e.g. /sys/fs/cgroup/memory.
        var directory: String
        /// A real cgroupfs rather than a fake tree (tests): decided once, since finding out
        /// means parsing /proc/self/mountinfo, which holds every sandbox's mounts.
        var onCgroupfs = true
    }

    public let mountRoot: String
    public let layout: CgroupLayout
    public let removeTimeout: Duration
    let hierarchies: [Hierarchy]

    /// Controllers in the order their directories are created and their procs files listed.
    public static let requiredControllers = ["cpu", "memory"]
    public static let optionalControllers = ["cpuacct", "pids"]

    /// - Parameters:
    ///   - mountRoot: where the v1 hierarchies are mounted (a fake tree in tests).
    ///   - layout: `.legacy` or `.hybrid`, as detected; reported by `layout`.
    /// - Throws: `.controllerUnavailable` if cpu or memory is not mounted.
    public init(
        mountRoot: String = Cgroups.defaultMountRoot, layout: CgroupLayout = .legacy,
        removeTimeout: Duration = .seconds(5)
    ) throws(CgroupError) {
        self.mountRoot = mountRoot
        self.layout = layout
        self.removeTimeout = removeTimeout
        var found: [Hierarchy] = []
        var seen: Set<String> = []
        for controller in ["cpu", "cpuacct", "memory", "pids"] {
            let directory = mountRoot + "/" + controller
            guard CgroupFiles.isDirectory(directory) else {
                if Self.requiredControllers.contains(controller) {
                    throw .controllerUnavailable(controller: controller, mountRoot: mountRoot)
                }
                continue
            }
            let real = CgroupFiles.resolvedPath(directory)
            guard seen.insert(real).inserted else { continue }  // co-mounted, e.g. cpu,cpuacct
            found.append(Hierarchy(controller: controller, directory: directory,
                                   onCgroupfs: CgroupFiles.isCgroupFilesystem(directory)))
        }
        self.hierarchies = found
    }

    /// The controllers this driver creates directories in.
    public var controllers: [String] { hierarchies.map(\.controller) }

    /// Absolute directory of `path` in the hierarchy of `controller`.
    public func directory(_ path: CgroupPath, controller: String) -> String? {
        hierarchies.first { $0.controller == controller }.map { directory(path, in: $0) }
    }

    func directory(_ path: CgroupPath, in hierarchy: Hierarchy) -> String {
        hierarchy.directory + path.relativePath(for: hierarchy.controller)
    }

    public func create(_ path: CgroupPath, resources: CgroupResources?) throws(CgroupError) {
        try path.validate()
        var created: [String] = []
        do {
            for hierarchy in hierarchies {
                let parent = hierarchy.directory + path.parent(for: hierarchy.controller)
                let base = parent == hierarchy.directory + "/" ? hierarchy.directory : parent
                created += try CgroupFiles.makeDirectories(base: base, components: path.components)
            }
            if let resources { try update(path, resources: resources) }
        } catch {
            for dir in created.reversed() { rmdir(dir) }
            throw error
        }
        cgroupLogger.debug("cgroup created", metadata: ["cgroup": "\(path)", "driver": "v1"])
    }

    public func update(_ path: CgroupPath, resources: CgroupResources) throws(CgroupError) {
        try path.validate()
        if resources.pidsLimit != nil, !controllers.contains("pids") {
            throw .controllerUnavailable(controller: "pids", mountRoot: mountRoot)
        }
        for hierarchy in hierarchies {
            let dir = directory(path, in: hierarchy)
            switch hierarchy.controller {
            case "memory":
                try CgroupFiles.write(resources.memoryLimitBytes.map(String.init) ?? "-1", to: dir + "/memory.limit_in_bytes")
            case "cpu":
                try CgroupFiles.write(String(resources.cpuShares ?? 1024), to: dir + "/cpu.shares")
                try writeQuota(resources, dir: dir)
            case "pids":
                try CgroupFiles.write(resources.pidsMax, to: dir + "/pids.max")
            default:
                break
            }
        }
    }

    /// Period first, then quota (as runc does); if the kernel refuses the period against the
    /// current quota (EINVAL), set the quota first and the period again.
    private func writeQuota(_ resources: CgroupResources, dir: String) throws(CgroupError) {
        let quota = resources.cpuQuotaMicros.map(String.init) ?? "-1"
        let period = String(resources.cpuPeriodMicros)
        do {
            try CgroupFiles.write(period, to: dir + "/cpu.cfs_period_us")
            try CgroupFiles.write(quota, to: dir + "/cpu.cfs_quota_us")
        } catch where error.errno == EINVAL {
            try CgroupFiles.write(quota, to: dir + "/cpu.cfs_quota_us")
            try CgroupFiles.write(period, to: dir + "/cpu.cfs_period_us")
        }
    }

    public func procsFiles(_ path: CgroupPath) -> [String] {
        hierarchies.map { directory(path, in: $0) + "/cgroup.procs" }
    }

    public func oomKillFile(_ path: CgroupPath) -> String? {
        directory(path, controller: "memory").map { $0 + "/memory.oom_control" }
    }

    public func pids(_ path: CgroupPath) -> [Int32] {
        var all = Set<Int32>()
        for hierarchy in hierarchies { all.formUnion(CgroupFiles.pidsInTree(directory(path, in: hierarchy))) }
        return all.sorted()
    }

    /// SIGKILLs every listed pid. v1 has no `cgroup.kill`; a process forking at this moment
    /// may escape one round, so callers kill and then `remove`, which waits for EBUSY to clear
    /// (kill again from the caller if `remove` reports `.busy`).
    public func killAll(_ path: CgroupPath) {
        CgroupFiles.kill(pids(path))
    }

    public func remove(_ path: CgroupPath) throws(CgroupError) {
        try path.validate()
        var firstError: CgroupError?
        for hierarchy in hierarchies {
            do {
                try CgroupFiles.removeTree(directory(path, in: hierarchy), timeout: removeTimeout, onCgroupfs: hierarchy.onCgroupfs)
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        cgroupLogger.debug("cgroup removed", metadata: ["cgroup": "\(path)", "driver": "v1"])
    }

    public func readLimits(_ path: CgroupPath) throws(CgroupError) -> CgroupLimits {
        var limits = CgroupLimits()
        if let memory = directory(path, controller: "memory") {
            limits.memoryLimitBytes = try CgroupFiles.readLimitIfPresent(memory + "/memory.limit_in_bytes")
        }
        if let cpu = directory(path, controller: "cpu") {
            limits.cpuQuotaMicros = try CgroupFiles.readLimitIfPresent(cpu + "/cpu.cfs_quota_us")
            limits.cpuPeriodMicros = try CgroupFiles.readLimitIfPresent(cpu + "/cpu.cfs_period_us")
            limits.cpuShares = try CgroupFiles.readLimitIfPresent(cpu + "/cpu.shares")
        }
        if let pids = directory(path, controller: "pids") {
            limits.pidsLimit = try CgroupFiles.readLimitIfPresent(pids + "/pids.max")
        }
        return limits
    }
}
