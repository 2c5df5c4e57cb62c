import CBerth
import Foundation

/// The pause process of a pod with `shareProcessNamespace`: PID 1 of the pod's one PID
/// namespace (`berth-shim pause`), started with the sandbox and stopped after its containers.
/// Its shim writes `pid` and `exit` in `<sandbox>/pause/` and pins the namespace at `ns/pid`.
extension LinuxRuntime {
    static let pauseTermGrace: Duration = .seconds(2)

    func pauseDirectory(_ sandboxDirectory: String) -> String { sandboxDirectory + "/pause" }

    /// The key of the pause shim's exit wait (container IDs never contain a slash).
    func pauseWaitKey(_ sandboxID: String) -> String { "pause/" + sandboxID }

    func startPause(sandboxID id: String, directory dir: String, pod: String) async throws(RuntimeError) {
        let stateDir = pauseDirectory(dir)
        try makeDirectory(stateDir, mode: 0o700)
        let bootstrap = Bootstrap.forPause(id: id, stateDirectory: stateDir,
                                           namespaces: SandboxNamespaces(pinDirectory: dir + "/ns"),
                                           pinDirectory: dir + "/ns")
        let launched = try await launcher.launch(mode: "pause", bootstrap: bootstrap, bootstrapFile: dir + "/pause.bootstrap")
        switch launched.report {
        case .started:
            registerExitWait(containerID: pauseWaitKey(id), directory: stateDir, shimPIDFD: launched.shimPIDFD)
        case .pinned:
            if launched.shimPIDFD >= 0 { _ = await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) }
            throw .sandbox(pod: pod, step: "pause", errno: 0, message: "berth-shim answered pause with `pinned`")
        case .failed(let step, let errno, let message):
            if launched.shimPIDFD >= 0 { _ = await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) }
            throw .sandbox(pod: pod, step: "pause " + step, errno: errno, message: message)
        }
    }

    /// SIGTERM to the pause process, SIGKILL after a grace, then waits for its shim: reaped
    /// through the registered pidfd wait when this process launched it, else (a sandbox adopted
    /// from an earlier agent) watched through a pidfd only. Absent or ended already: a no-op.
    func stopPause(sandboxID id: String, directory dir: String) async {
        let stateDir = pauseDirectory(dir)
        let key = pauseWaitKey(id)
        defer { forgetExitWait(key) }
        guard let started = ContainerStateFiles.readStarted(directory: stateDir) else {
            // Never reported started: a launch that failed has been waited for already.
            return
        }
        if ContainerStateFiles.readExit(directory: stateDir) == nil {
            await terminatePause(initPID: started.containerPID)
        }
        if let wait = registeredExitWait(key) {
            _ = await wait.value()
        } else if ContainerStateFiles.readExit(directory: stateDir) != nil {
            // Ended; its shim (not ours to reap) exits right after writing `exit`. Its PID may
            // already name another shim, so there is nothing more to wait for.
        } else if Self.isShim(pid: started.shimPID) {
            _ = await ProcessWatcher.waitForExit(pid: started.shimPID)
        } else if Self.isPause(pid: started.containerPID) {
            // The shim is gone (killed): whoever inherited the init reaps it; just see it end.
            kill(started.containerPID, SIGKILL)
            _ = await ProcessWatcher.waitForExit(pid: started.containerPID)
        }
    }

    private func terminatePause(initPID: Int32) async {
        let pidfd = berth_pidfd_open(initPID)
        guard pidfd >= 0 else { return }
        defer { close(pidfd) }
        // The pidfd pins the identity: check that it still names a pause process.
        guard Self.isPause(pid: initPID) else { return }
        _ = berth_pidfd_send_signal(pidfd, SIGTERM)
        let deadline = ContinuousClock.now + Self.pauseTermGrace
        while berth_pidfd_poll(pidfd, 0) == 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if berth_pidfd_poll(pidfd, 0) == 0 {
            logger.warning("pause process ignored SIGTERM; killing it", metadata: ["pid": "\(initPID)"])
            _ = berth_pidfd_send_signal(pidfd, SIGKILL)
        }
    }

    /// A PID from a pause state file is only trusted while it still names a pause process.
    static func isPause(pid: Int32) -> Bool {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return false }
        return comm.trimmingCharacters(in: .whitespacesAndNewlines) == "pause"
    }
}
