import CBerth
import Foundation
import Logging

/// The runtime on this host: pinned namespaces for sandboxes, berth-shim for containers,
/// overlayfs over image root filesystems, cgroups under a configurable parent.
/// All state lives on disk under `paths.runDirectory`, so any `berth` process sees the same
/// containers and a restarted agent re-adopts them.
public final class LinuxRuntime: ContainerRuntime, @unchecked Sendable {
    public let paths: BerthPaths
    public let images: ImageStore
    public let cgroups: any CgroupDriver
    /// Every pod cgroup is created below this one.
    public let cgroupParent: CgroupPath
    let launcher: ShimLauncher
    let logger: Logger

    /// Exit waits of containers whose shim is our child: the single place each is reaped.
    private let lock = NSLock()
    private var exitWaits: [String: ExitWait] = [:]
    /// Records read or written so far: a container's `meta.json` and a sandbox's config never
    /// change, and finding and decoding them was a scan of every sandbox directory plus a JSON
    /// decode for each step of every container.
    private var containerRecords: [String: (record: ContainerRecord, directory: String)] = [:]
    private var sandboxConfigs: [String: PodSandboxConfig] = [:]

    public init(paths: BerthPaths, images: ImageStore, cgroups: any CgroupDriver, cgroupParent: CgroupPath,
                shimPath: String = ShimLauncher.locate(), logger: Logger = Logger(label: "berth.runtime")) {
        self.paths = paths
        self.images = images
        self.cgroups = cgroups
        self.cgroupParent = cgroupParent
        self.launcher = ShimLauncher(shimPath: shimPath)
        self.logger = logger
    }

    // MARK: exit waits

    /// Registers the wait for a shim that we just launched (our child: reaped through its pidfd).
    /// No task waits: `Readiness` sees the pidfd and completes an `ExitWait`, since every task kept
    /// alive for as long as its container runs holds its own memory.
    func registerExitWait(containerID: String, directory: String, shimPIDFD: Int32) {
        let wait = ExitWait()
        lock.withLock { exitWaits[containerID] = wait }
        complete(wait, whenExited: shimPIDFD, directory: directory)
    }

    /// Completes `wait` with the container's recorded exit once the process behind `pidfd` has
    /// ended (at once when there is no pidfd). Takes ownership of the pidfd.
    private func complete(_ wait: ExitWait, whenExited pidfd: Int32, directory: String) {
        let finish: @Sendable () -> Void = {
            wait.complete(ContainerStateFiles.readExit(directory: directory) ?? Self.vanished(directory: directory))
        }
        guard pidfd >= 0 else { return finish() }
        ProcessWatcher.onExit(pidfd: pidfd) { _ in finish() }
    }

    public func waitContainer(_ id: String) async -> ContainerExit? {
        if let wait = lock.withLock({ exitWaits[id] }) { return await wait.value() }
        guard let directory = containerDirectory(id) else { return nil }
        if let exit = ContainerStateFiles.readExit(directory: directory) { return exit }
        guard let started = ContainerStateFiles.readStarted(directory: directory) else { return nil }
        // Re-adopted: the shim is not our child. Its exit (after writing `exit`) is what we wait for.
        let wait = ExitWait()
        let registered = lock.withLock { () -> ExitWait in
            if let existing = exitWaits[id] { return existing }
            exitWaits[id] = wait
            return wait
        }
        if registered === wait {
            // No task waits here either (see registerExitWait): the shim's pidfd, or the
            // container's when the shim is gone, completes the wait.
            let pid: Int32? = Self.isShim(pid: started.shimPID) ? started.shimPID
                : ProcessWatcher.isAlive(pid: started.containerPID) ? started.containerPID : nil
            complete(wait, whenExited: pid.map { berth_pidfd_open($0) } ?? -1, directory: directory)
        }
        return await registered.value()
    }

    func forgetExitWait(_ id: String) { _ = lock.withLock { exitWaits.removeValue(forKey: id) } }

    /// The registered exit wait under `key`, if this process launched that shim.
    func registeredExitWait(_ key: String) -> ExitWait? { lock.withLock { exitWaits[key] } }

    /// A container whose shim died without writing `exit` (killed with the agent's process
    /// group, say) is recorded as failed, so that restart policy can act on it.
    static func vanished(directory: String) -> ContainerExit? {
        guard let started = ContainerStateFiles.readStarted(directory: directory) else { return nil }
        if ProcessWatcher.isAlive(pid: started.containerPID) { kill(started.containerPID, SIGKILL) }
        let exit = ContainerExit(exitCode: 137, signal: SIGKILL, reason: "Error",
                                 message: "berth-shim ended before the container (pid \(started.containerPID))",
                                 startedAt: started.startedAt, finishedAt: Timestamp.nowRFC3339Nano())
        try? ContainerStateFiles.writeExit(directory: directory, exit)
        return exit
    }

    /// A PID from a state file is only trusted while it still names a berth-shim.
    static func isShim(pid: Int32) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let argv0 = data.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return argv0.hasSuffix("berth-shim")
    }

    // MARK: paths

    func containerDirectory(_ id: String) -> String? {
        for sandbox in sandboxIDs() {
            let dir = paths.containerDirectory(sandbox: sandbox, container: id)
            if FileManager.default.fileExists(atPath: dir + "/meta.json") { return dir }
        }
        return nil
    }

    /// Decodes only sandboxes it has not seen before (`sandboxConfig` remembers them): the agent
    /// asks for every pod it starts, and decoding every sandbox record each time made starting N
    /// pods cost O(N²) decodes. A sandbox being created or removed has no readable record yet.
    public func podSandboxID(forPodUID uid: String) -> String? {
        sandboxIDs().first { (try? sandboxConfig($0))?.uid == uid }
    }

    func sandboxIDs() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: paths.sandboxesDirectory))?.sorted() ?? []
    }

    func record(_ id: String) throws(RuntimeError) -> (ContainerRecord, String) {
        if let known = lock.withLock({ containerRecords[id] }),
           FileManager.default.fileExists(atPath: known.directory + "/meta.json") {
            return (known.record, known.directory)
        }
        guard let dir = containerDirectory(id) else { throw .notFound(kind: "container", id: id) }
        let record: ContainerRecord
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/meta.json"))
            record = try JSONDecoder().decode(ContainerRecord.self, from: data)
        } catch {
            throw .invalidState(id: id, message: "unreadable \(dir)/meta.json: \(error)")
        }
        remember(record, directory: dir)
        return (record, dir)
    }

    func remember(_ record: ContainerRecord, directory: String) {
        lock.withLock { containerRecords[record.id] = (record, directory) }
    }

    func forgetRecord(_ id: String) { _ = lock.withLock { containerRecords.removeValue(forKey: id) } }

    /// A sandbox's config (it never changes), from memory once read.
    func sandboxConfig(_ id: String) throws(RuntimeError) -> PodSandboxConfig {
        if let known = lock.withLock({ sandboxConfigs[id] }) { return known }
        let config = try sandboxRecord(id).config
        rememberSandbox(id, config: config)
        return config
    }

    func rememberSandbox(_ id: String, config: PodSandboxConfig?) {
        lock.withLock { sandboxConfigs[id] = config }
    }
}

func writeJSON<T: Encodable>(_ value: T, to path: String) throws(RuntimeError) {
    let data: Data
    do {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        data = try encoder.encode(value)
    } catch {
        throw .file(operation: "encode", path: path, message: "\(error)")
    }
    try FileTree.replaceUnsynced(Array(data), at: path)
}

/// `mkdir -p` with `mode` on every directory it creates (not masked by the umask), as
/// FileManager.createDirectory(withIntermediateDirectories:attributes:) did. Straight
/// syscalls: FileManager.createDirectory stats every component and sets attributes with
/// extra calls, for each of the several directories every container start makes.
func makeDirectory(_ path: String, mode: Int = 0o755) throws(RuntimeError) {
    if mkdir(path, mode_t(mode)) == 0 {
        guard chmod(path, mode_t(mode)) == 0 else { throw .system(operation: "chmod", path: path, errno: errno) }
        return
    }
    switch errno {
    case EEXIST:
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw .file(operation: "mkdir", path: path, message: "exists and is not a directory")
        }
    case ENOENT:
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw .system(operation: "mkdir", path: path, errno: ENOENT) }
        try makeDirectory(parent, mode: mode)
        try makeDirectory(path, mode: mode)
    default:
        throw .system(operation: "mkdir", path: path, errno: errno)
    }
}
