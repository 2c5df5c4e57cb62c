import Glibc

/// cgroup v2 (unified layout): one directory per cgroup in one hierarchy.
///
/// `create` enables the controllers (`cpu`, `memory`, `pids`, those the parent offers) in
/// `cgroup.subtree_control` of the parent and of every intermediate level it creates, and,
/// when the parent itself lacks one, in the ancestors above it (best effort: a delegated
/// parent may not let us). Files are written whether or not they exist (see `CgroupFiles`),
/// so a fake tree in a temp directory behaves like the kernel for the values written.
///
/// The "no internal processes" rule: a non-root cgroup that has processes cannot enable
/// domain controllers for its children (EBUSY). When that happens on the parent, and
/// `agentLeafName` is set, the driver does what crun/podman do (podman's
/// `MoveUnderCgroupSubtree`, the docker-in-docker entrypoint): it creates the leaf
/// `<parent>/<agentLeafName>`, moves every process listed in the parent's `cgroup.procs`
/// there, and retries once. Berth's own cgroups are then siblings of that leaf.
public struct CgroupV2Driver: CgroupDriver {
    public typealias Writer = @Sendable (_ content: String, _ path: String) throws(CgroupError) -> Void

    public let mountRoot: String
    public var layout: CgroupLayout { .unified }
    /// The controllers Berth enables and limits.
    public let controllers: [String]
    public let agentLeafName: String?
    public let removeTimeout: Duration
    let writer: Writer
    /// A real cgroup2 mount rather than a fake tree (tests), decided once (see CgroupV1Driver).
    let onCgroupfs: Bool

    public init(
        mountRoot: String = Cgroups.defaultMountRoot, agentLeafName: String? = "berth-agent",
        removeTimeout: Duration = .seconds(5)
    ) {
        self.init(mountRoot: mountRoot, agentLeafName: agentLeafName, removeTimeout: removeTimeout) {
            (content, path) throws(CgroupError) in try CgroupFiles.write(content, to: path)
        }
    }

    /// With an injected writer, for tests that simulate kernel refusals on a fake tree.
    init(mountRoot: String, agentLeafName: String?, removeTimeout: Duration, writer: @escaping Writer) {
        self.mountRoot = mountRoot
        self.controllers = ["cpu", "memory", "pids"]
        self.agentLeafName = agentLeafName
        self.removeTimeout = removeTimeout
        self.writer = writer
        self.onCgroupfs = CgroupFiles.isCgroupFilesystem(mountRoot)
    }

    /// Absolute directory of `path`.
    public func directory(_ path: CgroupPath) -> String {
        mountRoot + path.relativePath(for: CgroupPath.unifiedKey)
    }

    func parentDirectory(_ path: CgroupPath) -> String {
        let parent = path.parent(for: CgroupPath.unifiedKey)
        return parent == "/" ? mountRoot : mountRoot + parent
    }

    public func create(_ path: CgroupPath, resources: CgroupResources?) throws(CgroupError) {
        try path.validate()
        let parent = parentDirectory(path)
        guard CgroupFiles.isDirectory(parent) else {
            throw .operationFailed(operation: "find parent cgroup", path: parent, errno: ENOENT)
        }
        try enableInAncestors(of: parent)
        let wanted = available(in: parent)
        try enableOnParent(parent, wanted)
        let created = try CgroupFiles.makeDirectories(base: parent, components: path.components)
        do {
            var level = parent
            for component in path.components.dropLast() {
                level += "/" + component
                try enable(wanted, in: level)
            }
            if let resources { try update(path, resources: resources) }
        } catch {
            for dir in created.reversed() { rmdir(dir) }
            throw error
        }
        cgroupLogger.debug("cgroup created", metadata: ["cgroup": "\(path)", "driver": "v2"])
    }

    public func update(_ path: CgroupPath, resources: CgroupResources) throws(CgroupError) {
        try path.validate()
        let dir = directory(path)
        let enabled = available(in: dir)
        func set(_ controller: String, _ file: String, _ value: String, limited: Bool) throws(CgroupError) {
            guard enabled.contains(controller) else {
                if limited { throw .controllerUnavailable(controller: controller, mountRoot: dir) }
                return
            }
            try writer(value, dir + "/" + file)
        }
        try set("cpu", "cpu.weight", String(resources.cpuWeight), limited: resources.cpuShares != nil)
        try set("cpu", "cpu.max", resources.cpuMax, limited: resources.cpuQuotaMicros != nil)
        try set("memory", "memory.max", resources.memoryMax, limited: resources.memoryLimitBytes != nil)
        try set("pids", "pids.max", resources.pidsMax, limited: resources.pidsLimit != nil)
    }

    public func procsFiles(_ path: CgroupPath) -> [String] {
        [directory(path) + "/cgroup.procs"]
    }

    public func oomKillFile(_ path: CgroupPath) -> String? {
        directory(path) + "/memory.events"
    }

    public func pids(_ path: CgroupPath) -> [Int32] {
        CgroupFiles.pidsInTree(directory(path)).sorted()
    }

    /// Writes `cgroup.kill` (Linux 5.14+), which kills the whole subtree atomically; without
    /// it (older kernels, fake trees) SIGKILLs every listed pid.
    public func killAll(_ path: CgroupPath) {
        let dir = directory(path)
        if CgroupFiles.exists(dir + "/cgroup.kill"),
            (try? CgroupFiles.write("1", to: dir + "/cgroup.kill", createIfMissing: false)) != nil
        {
            return
        }
        CgroupFiles.kill(pids(path))
    }

    public func remove(_ path: CgroupPath) throws(CgroupError) {
        try path.validate()
        try CgroupFiles.removeTree(directory(path), timeout: removeTimeout, onCgroupfs: onCgroupfs)
        cgroupLogger.debug("cgroup removed", metadata: ["cgroup": "\(path)", "driver": "v2"])
    }

    public func readLimits(_ path: CgroupPath) throws(CgroupError) -> CgroupLimits {
        let dir = directory(path)
        var limits = CgroupLimits()
        limits.memoryLimitBytes = try CgroupFiles.readLimitIfPresent(dir + "/memory.max")
        limits.pidsLimit = try CgroupFiles.readLimitIfPresent(dir + "/pids.max")
        limits.cpuWeight = try CgroupFiles.readLimitIfPresent(dir + "/cpu.weight")
        if let text = CgroupFiles.readIfPresent(dir + "/cpu.max") {
            let fields = text.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2 else { throw .malformedFile(path: dir + "/cpu.max", content: text) }
            limits.cpuQuotaMicros = try CgroupFiles.parseLimit(String(fields[0]), path: dir + "/cpu.max")
            limits.cpuPeriodMicros = try CgroupFiles.parseLimit(String(fields[1]), path: dir + "/cpu.max")
        }
        return limits
    }

    // MARK: controllers

    /// Wanted controllers offered to `dir` (its `cgroup.controllers`); a directory without
    /// that file (a level created in a fake tree) is taken to offer all of them.
    func available(in dir: String) -> [String] {
        guard let text = CgroupFiles.readIfPresent(dir + "/cgroup.controllers") else { return controllers }
        let offered = Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
        return controllers.filter(offered.contains)
    }

    func enabled(in dir: String) -> Set<String> {
        let text = CgroupFiles.readIfPresent(dir + "/cgroup.subtree_control") ?? ""
        return Set(text.split(whereSeparator: \.isWhitespace).map { String($0.drop { $0 == "+" }) })
    }

    /// Writes "+a +b" for the controllers of `wanted` not yet in `cgroup.subtree_control`.
    func enable(_ wanted: [String], in dir: String) throws(CgroupError) {
        let current = enabled(in: dir)
        let missing = wanted.filter { !current.contains($0) }
        guard !missing.isEmpty else { return }
        try writer(missing.map { "+" + $0 }.joined(separator: " "), dir + "/cgroup.subtree_control")
    }

    /// Enables on the parent, moving its processes to the agent leaf on EBUSY.
    private func enableOnParent(_ parent: String, _ wanted: [String]) throws(CgroupError) {
        do {
            try enable(wanted, in: parent)
        } catch where error.errno == EBUSY {
            guard let leafName = agentLeafName else { throw error }
            let leaf = parent + "/" + leafName
            _ = try CgroupFiles.makeDirectories(base: parent, components: [leafName])
            let procs = CgroupFiles.readIfPresent(parent + "/cgroup.procs") ?? ""
            var moved = 0
            for line in procs.split(whereSeparator: \.isNewline) {
                guard let pid = Int32(line) else { continue }
                do {
                    try writer(String(pid), leaf + "/cgroup.procs")
                    moved += 1
                } catch where error.errno == ESRCH {
                    continue  // exited meanwhile
                }
            }
            cgroupLogger.notice(
                "moved processes out of the parent cgroup to enable controllers",
                metadata: ["parent": "\(parent)", "leaf": "\(leaf)", "moved": "\(moved)"])
            try enable(wanted, in: parent)
        }
    }

    /// If the parent is not offered a wanted controller, enable it top-down in the ancestors
    /// that offer it (best effort; failures are logged, `update` then reports what is missing).
    private func enableInAncestors(of parent: String) throws(CgroupError) {
        let missing = controllers.filter { !available(in: parent).contains($0) }
        guard !missing.isEmpty, parent != mountRoot else { return }
        let relative = parent.dropFirst(mountRoot.count).split(separator: "/").map(String.init)
        var level = mountRoot
        for component in relative {
            let offered = available(in: level).filter(missing.contains)
            do {
                try enable(offered, in: level)
            } catch {
                cgroupLogger.warning("cannot enable controllers", metadata: ["cgroup": "\(level)", "error": "\(error)"])
                return
            }
            level += "/" + component
        }
    }
}
