import BerthRuntime
import Foundation

extension PodWorker {
    /// Runs one container for as long as its role and the restart policy say: starts it, waits
    /// for it, and restarts it with back-off (or at once after a failed probe killed it).
    /// `started` fires the first time it is running, for a sidecar with a startup probe once
    /// that has passed (or when it gives up): what the next init container waits for.
    ///
    /// Only what must survive a suspension lives in this function; the bookkeeping between
    /// suspensions is in synchronous helpers. This task waits for as long as its container runs
    /// and keeps the memory of its largest async frame for all that time (4.7 KB per container
    /// when everything was inline: heaptrack of an agent with 100 pods).
    func supervise(_ planned: PlannedContainer, started: AsyncEvent?) async {
        defer { started?.fire() }
        var existing = adopted.removeValue(forKey: planned.name)
        attempts: while keepsRunning(planned) {
            let runningSince = ContinuousClock.now
            let exit: ContainerExit
            var runningID: String?
            switch resumeAdopted(existing, planned, started) {
            case .exited(let recorded):
                exit = recorded
            case .running(let id):
                runningID = id
                exit = await runtime.waitContainer(id) ?? Self.lostExit()
            case .start:
                switch await Task(operation: { await self.createAndStart(planned) }).value {
                case .started(let id):
                    runningID = id
                    announceStarted(planned, started)
                    // Stopping began while it was being created: the pod, or (for a sidecar) the apps ended.
                    if !keepsRunning(planned) { await stopOwn(id) }
                    exit = await runtime.waitContainer(id) ?? Self.lostExit()
                case .failed(let retryIn):
                    if await terminationRequested.sleep(for: retryIn) || lifecycle != .syncing { break attempts }
                    continue attempts
                case .cannotStart(let failure):
                    exit = failure
                }
            }
            existing = nil
            switch containerEnded(planned, exit: exit, runningID: runningID, ranFor: ContinuousClock.now - runningSince) {
            case .finished:
                break attempts
            case .restartNow:
                break
            case .restartAfter(let delay):
                if await terminationRequested.sleep(for: delay) { break attempts }
                if planned.role == .sidecar && sidecarsStopping { break attempts }
            }
            tracks[planned.name]?.restartCount += 1
            await pruneAttempts(of: planned.name)
        }
        tracks[planned.name]?.finished = true
    }

    /// Whether the container should (still) run: the pod is syncing, and a sidecar's apps have
    /// not ended.
    private func keepsRunning(_ planned: PlannedContainer) -> Bool {
        lifecycle == .syncing && !(planned.role == .sidecar && sidecarsStopping)
    }

    enum Resumption {
        case exited(ContainerExit)
        case running(String)
        case start
    }

    /// What a container adopted from an earlier agent needs: its recorded exit, a wait (it is
    /// tracked, probed and announced here), or a new start.
    @inline(never)
    private func resumeAdopted(_ existing: RuntimeContainerStatus?, _ planned: PlannedContainer,
                               _ started: AsyncEvent?) -> Resumption {
        guard let status = existing else { return .start }
        if status.state == .exited, let recorded = status.exit { return .exited(recorded) }
        guard status.state == .running else { return .start }
        tracks[planned.name]?.state = .running(startedAt: status.startedAt ?? "")
        startProbing(planned, containerID: status.id, startedAt: Self.instant(ofRFC3339: status.startedAt))
        publish()
        announceStarted(planned, started)
        return .running(status.id)
    }

    enum AfterExit {
        case finished
        /// A failed liveness or startup probe killed it: as the kubelet, which starts it again
        /// in the same sync that killed it, no back-off.
        case restartNow
        case restartAfter(Duration)
    }

    /// Records an exit, tells the owner, and says whether and when the container restarts.
    @inline(never)
    private func containerEnded(_ planned: PlannedContainer, exit: ContainerExit, runningID: String?,
                                ranFor: Duration) -> AfterExit {
        stopProbing(planned.name)
        let killedByProbe = runningID.map { probeKills.remove($0) != nil } ?? false
        tracks[planned.name]?.state = .terminated(exit)
        let restart = keepsRunning(planned)
            && (killedByProbe ? PhaseRules.shouldRestartAfterProbeKill(role: planned.role, policy: plan.restartPolicy)
                              : PhaseRules.shouldRestart(role: planned.role, exitCode: exit.exitCode, policy: plan.restartPolicy))
        if !restart {
            tracks[planned.name]?.finished = true
            onEvent(.containerExited(pod: plan.key, container: planned.name, exit: exit, restartIn: nil))
            publish()
            return .finished
        }
        tracks[planned.name]?.lastTermination = exit
        if killedByProbe {
            onEvent(.containerExited(pod: plan.key, container: planned.name, exit: exit, restartIn: .zero))
            publish()
            return .restartNow
        }
        let delay = nextDelay(planned.name, ranFor: ranFor)
        tracks[planned.name]?.state = .waiting(reason: "CrashLoopBackOff",
            message: "back-off \(Self.format(delay)) restarting failed container=\(planned.name) pod=\(plan.name)_\(plan.namespace)(\(plan.uid))")
        onEvent(.containerExited(pod: plan.key, container: planned.name, exit: exit, restartIn: delay))
        publish()
        return .restartAfter(delay)
    }

    enum StartOutcome: Sendable {
        case started(String)
        /// Not started (the waiting reason is recorded); try again after this back-off.
        case failed(retryIn: Duration)
        /// A step between fork and exec failed and the restart policy allows no retry: the
        /// container ends with exit code 128 and the shim's message, so the pod can finish.
        case cannotStart(ContainerExit)
    }

    /// Creates and starts the next attempt; on failure records the waiting reason and the back-off.
    /// `supervise` runs it in a task of its own, which ends once the container has started: a
    /// task keeps the memory its deepest call chain needed until it ends (Swift's task allocator
    /// keeps its slabs), and the supervising task then waits for as long as the container runs.
    private func createAndStart(_ planned: PlannedContainer) async -> StartOutcome {
        guard let sandboxID, var config = planned.config else {
            let message = planned.configError ?? "no sandbox"
            return failed(planned, reason: "CreateContainerConfigError", message: message)
        }
        config.attempt = tracks[planned.name]?.restartCount ?? 0
        var createdID: String?
        do {
            let id = try await runtime.createContainer(sandboxID: sandboxID, config: config)
            createdID = id
            try await runtime.startContainer(id)
            let status = try? runtime.containerStatus(id)
            tracks[planned.name]?.containerID = id
            tracks[planned.name]?.imageID = status?.imageID ?? ""
            tracks[planned.name]?.state = .running(startedAt: status?.startedAt ?? Self.now())
            startProbing(planned, containerID: id, startedAt: .now)
            onEvent(.containerStarted(pod: plan.key, container: planned.name, attempt: config.attempt,
                                      logPath: status?.logPath ?? ""))
            publish()
            return .started(id)
        } catch {
            if let createdID { try? await runtime.removeContainer(createdID) }
            if case .createContainer = error,
               !PhaseRules.shouldRestart(role: planned.role, exitCode: 128, policy: plan.restartPolicy) {
                onEvent(.containerFailed(pod: plan.key, container: planned.name, reason: error.reason,
                                         message: error.description, restartIn: nil))
                return .cannotStart(ContainerExit(exitCode: 128, signal: 0, reason: error.reason, message: error.description,
                                                  startedAt: "", finishedAt: Self.now()))
            }
            return failed(planned, reason: error.reason, message: error.description)
        }
    }

    /// Records why a container could not be started and the back-off before the next try
    /// (the restart count stays: nothing ran).
    private func failed(_ planned: PlannedContainer, reason: String, message: String) -> StartOutcome {
        let delay = nextDelay(planned.name, ranFor: .zero)
        tracks[planned.name]?.state = .waiting(reason: reason, message: message)
        onEvent(.containerFailed(pod: plan.key, container: planned.name, reason: reason, message: message, restartIn: delay))
        publish()
        return .failed(retryIn: delay)
    }

    private func nextDelay(_ name: String, ranFor: Duration) -> Duration {
        var backOff = backOffs[name] ?? backOffTemplate
        let delay = backOff.next(ranFor: ranFor)
        backOffs[name] = backOff
        return delay
    }

    /// Keeps the current and the previous attempt of a container (for `logs --previous`).
    private func pruneAttempts(of name: String) async {
        guard let sandboxID, let current = tracks[name]?.restartCount else { return }
        for status in runtime.listContainers(sandboxID: sandboxID) where status.name == name && status.attempt < current - 1 {
            try? await runtime.removeContainer(status.id)
        }
    }

    func stopOwn(_ id: String) async {
        try? await runtime.stopContainer(id, gracePeriodSeconds: remainingGrace())
    }

    func remainingGrace() -> Double {
        guard let graceDeadline else { return plan.gracePeriodSeconds }
        let remaining = graceDeadline - ContinuousClock.now
        return max(0, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
    }

    static func lostExit() -> ContainerExit {
        ContainerExit(exitCode: 137, signal: 9, reason: "Error", message: "container state lost", startedAt: "",
                      finishedAt: now())
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
    }
}
