import CBerth
import Foundation

extension LinuxRuntime {
    public func createContainer(sandboxID: String, config: ContainerConfig) async throws(RuntimeError) -> String {
        let sandbox = (config: try sandboxConfig(sandboxID), id: sandboxID)
        let image: ResolvedImage
        do {
            image = try images.resolve(config.image)
        } catch {
            throw .image(reference: config.image, message: "\(error)")
        }
        let id = Timestamp.randomID()
        let dir = paths.containerDirectory(sandbox: sandboxID, container: id)
        let logPath = paths.podLogDirectory(namespace: sandbox.config.namespace, name: sandbox.config.name,
                                            uid: sandbox.config.uid) + "/\(config.name)/\(config.attempt).log"
        let cgroup = podCgroup(sandbox.config.uid).appending(config.name + "-" + String(config.attempt))
        do throws(RuntimeError) {
            for sub in ["upper", "work", "rootfs"] { try makeDirectory(dir + "/" + sub, mode: 0o755) }
            try makeDirectory((logPath as NSString).deletingLastPathComponent)
            do {
                try cgroups.create(cgroup, resources: config.resources)
            } catch {
                throw RuntimeError.cgroup(error)
            }
            let record = ContainerRecord(id: id, sandboxID: sandboxID, config: config, imageID: image.imageID,
                                         imageRootfs: image.rootfs, logPath: logPath, cgroup: cgroup.components,
                                         createdAt: Timestamp.nowRFC3339Nano())
            try writeJSON(record, to: dir + "/meta.json")
            remember(record, directory: dir)
        } catch {
            try? cgroups.remove(cgroup)
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        return id
    }

    public func startContainer(_ id: String) async throws(RuntimeError) {
        let (record, dir) = try record(id)
        let sandboxDir = paths.sandboxDirectory(record.sandboxID)
        let sharesPID = try sandboxConfig(record.sandboxID).shareProcessNamespace
        let cgroup = cgroupParent.withComponents(record.cgroup)
        let containerPaths = ContainerPaths(stateDirectory: dir, rootfs: dir + "/rootfs", imageRootfs: record.imageRootfs,
                                            upperDirectory: dir + "/upper", workDirectory: dir + "/work",
                                            logPath: record.logPath, sandboxDirectory: sandboxDir)
        let bootstrap = Bootstrap.forContainer(id: id, config: record.config, paths: containerPaths,
                                               namespaces: SandboxNamespaces(pinDirectory: sandboxDir + "/ns", sharesPID: sharesPID),
                                               cgroupProcs: cgroups.procsFiles(cgroup), oomFile: cgroups.oomKillFile(cgroup))
        let launched = try await launcher.launch(mode: "run", bootstrap: bootstrap, bootstrapFile: dir + "/bootstrap")
        switch launched.report {
        case .started:
            registerExitWait(containerID: id, directory: dir, shimPIDFD: launched.shimPIDFD)
        case .pinned:
            throw .invalidState(id: id, message: "berth-shim answered a run with `pinned`")
        case .failed(let step, let errno, let message):
            if launched.shimPIDFD >= 0 { _ = await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) }
            throw .createContainer(container: record.config.name, step: step, errno: errno, message: message)
        }
    }

    public func stopContainer(_ id: String, gracePeriodSeconds: Double) async throws(RuntimeError) {
        let (_, dir) = try record(id)
        guard ContainerStateFiles.readExit(directory: dir) == nil,
              let started = ContainerStateFiles.readStarted(directory: dir) else { return }
        let pidfd = berth_pidfd_open(started.containerPID)
        if pidfd >= 0 {
            defer { close(pidfd) }
            if gracePeriodSeconds > 0 {
                _ = berth_pidfd_send_signal(pidfd, SIGTERM)
                // Waited for on a pidfd read source: a thread that polled for the grace period
                // was one of dispatch's workers, which Swift's global executor shares; a few
                // pods stopping at once held all of them.
                _ = await ProcessWatcher.exited(pidfd: pidfd, within: .milliseconds(Int(gracePeriodSeconds * 1000)))
            }
            _ = berth_pidfd_send_signal(pidfd, SIGKILL)
        }
        _ = await waitContainer(id)
    }

    public func removeContainer(_ id: String) async throws(RuntimeError) {
        let (record, dir) = try record(id)
        if ContainerStateFiles.readExit(directory: dir) == nil, ContainerStateFiles.readStarted(directory: dir) != nil {
            try await stopContainer(id, gracePeriodSeconds: 0)
        }
        forgetExitWait(id)
        forgetRecord(id)
        let cgroup = cgroupParent.withComponents(record.cgroup)
        cgroups.killAll(cgroup)
        do { try cgroups.remove(cgroup) } catch {
            logger.warning("container cgroup not removed", metadata: ["container": "\(id)", "error": "\(error)"])
        }
        try? FileTree.remove(record.logPath)
        try FileTree.remove(dir)
    }

    public func containerStatus(_ id: String) throws(RuntimeError) -> RuntimeContainerStatus {
        let (record, dir) = try record(id)
        return status(record: record, directory: dir)
    }

    func status(record: ContainerRecord, directory: String) -> RuntimeContainerStatus {
        let started = ContainerStateFiles.readStarted(directory: directory)
        let exit = ContainerStateFiles.readExit(directory: directory)
        let state: RuntimeContainerState = exit != nil ? .exited : (started != nil ? .running : .created)
        return RuntimeContainerStatus(id: record.id, sandboxID: record.sandboxID, name: record.config.name,
                               attempt: record.config.attempt, image: record.config.image, imageID: record.imageID,
                               state: state, createdAt: record.createdAt, startedAt: started?.startedAt,
                               pid: started?.containerPID, shimPID: started?.shimPID, exit: exit,
                               logPath: record.logPath, labels: record.config.labels,
                               annotations: record.config.annotations)
    }

    public func listContainers(sandboxID: String?) -> [RuntimeContainerStatus] {
        let sandboxes = sandboxID.map { [$0] } ?? sandboxIDs()
        var result: [RuntimeContainerStatus] = []
        for sandbox in sandboxes {
            let base = paths.sandboxDirectory(sandbox) + "/containers"
            for id in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
                let dir = base + "/" + id
                guard let data = FileManager.default.contents(atPath: dir + "/meta.json"),
                      let record = try? JSONDecoder().decode(ContainerRecord.self, from: data) else { continue }
                result.append(status(record: record, directory: dir))
            }
        }
        return result.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func exec(_ id: String, argv: [String], stdio: [Int32]) async throws(RuntimeError) -> Int32 {
        let (record, dir) = try record(id)
        guard ContainerStateFiles.readExit(directory: dir) == nil,
              let started = ContainerStateFiles.readStarted(directory: dir) else {
            throw .invalidState(id: record.config.name, message: "container is not running")
        }
        let launched = try await launchExec(record: record, directory: dir, targetPID: started.containerPID, argv: argv,
                                            stdio: stdio)
        let status = launched.shimPIDFD >= 0 ? await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) : nil
        if case .failed(let step, let errno, let message) = launched.report {
            throw .createContainer(container: record.config.name, step: "exec " + step, errno: errno, message: message)
        }
        return status ?? 255
    }
}
