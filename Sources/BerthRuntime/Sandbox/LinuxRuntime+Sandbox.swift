import CBerth
import Foundation

/// What `sandbox.json` in a sandbox directory holds.
struct SandboxRecord: Codable, Sendable {
    var id: String
    var config: PodSandboxConfig
    var createdAt: String
    var state: SandboxState
    var cgroup: [String]
}

extension LinuxRuntime {
    public func runPodSandbox(_ config: PodSandboxConfig) async throws(RuntimeError) -> String {
        let id = Timestamp.randomID()
        let dir = paths.sandboxDirectory(id)
        do {
            try await createSandbox(id: id, directory: dir, config: config)
        } catch {
            // Leave nothing half-made: no pause process, no pins, no tmpfs, no cgroup, no directory.
            await teardownSandbox(id: id, directory: dir, cgroup: podCgroup(config.uid))
            throw error
        }
        return id
    }

    private func createSandbox(id: String, directory dir: String, config: PodSandboxConfig) async throws(RuntimeError) {
        try makeDirectory(dir + "/containers", mode: 0o711)
        try makeDirectory(dir + "/ns", mode: 0o700)
        try makeDirectory(dir + "/shm", mode: 0o1777)
        // Straight writes: the directory is new and nobody reads it yet, and Foundation's
        // createFile writes a temp file, fsyncs and renames (4 % of the agent's profile with
        // pods starting, counting its shims).
        for (name, content) in [("hosts", config.hostsFile), ("hostname", config.hostname + "\n"), ("resolv.conf", config.resolvConf)] {
            try FileTree.writeUnsynced(Array(content.utf8), to: dir + "/" + name)
        }
        let cgroup = podCgroup(config.uid)
        var record = SandboxRecord(id: id, config: config, createdAt: Timestamp.nowRFC3339Nano(), state: .notReady,
                                   cgroup: cgroup.components)
        try writeJSON(record, to: dir + "/sandbox.json")
        let shmRC = berth_mount_tmpfs(dir + "/shm", "mode=1777,size=\(config.shmSizeBytes)")
        guard shmRC == 0 else { throw .system(operation: "mount tmpfs", path: dir + "/shm", errno: -shmRC) }
        do {
            try cgroups.create(cgroup, resources: config.resources)
        } catch {
            throw .cgroup(error)
        }
        let launched = try await launcher.launch(mode: "pin", bootstrap: .forPin(id: id, hostname: config.hostname, pinDirectory: dir + "/ns"),
                                                 bootstrapFile: dir + "/pin.bootstrap")
        if launched.shimPIDFD >= 0 { _ = await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) }
        if case .failed(let step, let errno, let message) = launched.report {
            throw .sandbox(pod: "\(config.namespace)/\(config.name)", step: step, errno: errno, message: message)
        }
        if config.shareProcessNamespace {
            try await startPause(sandboxID: id, directory: dir, pod: "\(config.namespace)/\(config.name)")
        }
        record.state = .ready
        try writeJSON(record, to: dir + "/sandbox.json")
        rememberSandbox(id, config: config)
    }

    func podCgroup(_ podUID: String) -> CgroupPath {
        cgroupParent.appending("pod" + podUID)
    }

    func sandboxRecord(_ id: String) throws(RuntimeError) -> SandboxRecord {
        let path = paths.sandboxDirectory(id) + "/sandbox.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw .notFound(kind: "pod sandbox", id: id) }
        do {
            return try JSONDecoder().decode(SandboxRecord.self, from: data)
        } catch {
            throw .invalidState(id: id, message: "unreadable \(path): \(error)")
        }
    }

    public func stopPodSandbox(_ id: String) async throws(RuntimeError) {
        var record = try sandboxRecord(id)
        for container in listContainers(sandboxID: id) where container.state == .running {
            try await stopContainer(container.id, gracePeriodSeconds: 0)
        }
        await stopPause(sandboxID: id, directory: paths.sandboxDirectory(id))
        record.state = .notReady
        try writeJSON(record, to: paths.sandboxDirectory(id) + "/sandbox.json")
    }

    public func removePodSandbox(_ id: String) async throws(RuntimeError) {
        let record = try sandboxRecord(id)
        for container in listContainers(sandboxID: id) {
            try await removeContainer(container.id)
        }
        await teardownSandbox(id: id, directory: paths.sandboxDirectory(id), cgroup: podCgroup(record.config.uid))
    }

    /// Undoes whatever of a sandbox exists; every step tolerates the thing being absent.
    /// The pause process goes first (after the containers, which the callers removed).
    func teardownSandbox(id: String, directory dir: String, cgroup: CgroupPath) async {
        rememberSandbox(id, config: nil)
        await stopPause(sandboxID: id, directory: dir)
        for name in ["net", "ipc", "uts", "pid"] {
            _ = berth_umount_detach(dir + "/ns/" + name)
        }
        _ = berth_umount_detach(dir + "/shm")
        cgroups.killAll(cgroup)
        do { try cgroups.remove(cgroup) } catch {
            logger.warning("pod cgroup not removed", metadata: ["sandbox": "\(id)", "error": "\(error)"])
        }
        do { try FileManager.default.removeItem(atPath: dir) } catch {
            if FileManager.default.fileExists(atPath: dir) {
                logger.warning("sandbox directory not removed", metadata: ["path": "\(dir)", "error": "\(error)"])
            }
        }
    }

    public func podSandboxStatus(_ id: String) throws(RuntimeError) -> PodSandboxStatus {
        let record = try sandboxRecord(id)
        return PodSandboxStatus(id: id, config: record.config, state: record.state, createdAt: record.createdAt,
                                logDirectory: paths.podLogDirectory(namespace: record.config.namespace,
                                                                    name: record.config.name, uid: record.config.uid),
                                networkNamespace: paths.sandboxDirectory(id) + "/ns/net")
    }

    public func listPodSandboxes() -> [PodSandboxStatus] {
        sandboxIDs().compactMap { try? podSandboxStatus($0) }
    }
}
