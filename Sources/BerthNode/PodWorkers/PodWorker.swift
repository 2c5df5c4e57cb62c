import BerthAPI
import BerthRuntime
import Foundation
import Logging

/// One pod's worker, as the kubelet has one per pod UID: it serialises everything that
/// happens to the pod — sandbox, init containers, native sidecars, app containers, restarts
/// with back-off, termination — through one actor, moving syncing → terminating → terminated.
public actor PodWorker {
    public nonisolated let plan: PodPlan
    let runtime: any ContainerRuntime
    let prober: any Prober
    let backOffTemplate: BackOff
    let onEvent: @Sendable (PodEvent) -> Void
    let logger: Logger
    /// Fired when termination is requested; cuts back-off sleeps short.
    let terminationRequested = AsyncEvent()
    /// Fired once everything has stopped.
    let terminated = AsyncEvent()
    /// Fired by `terminate` once the app and init containers it stops have stopped, so that
    /// sidecars go after them even when termination came before `run` supervised the apps.
    let appsStopped = AsyncEvent()

    var lifecycle: PodLifecycle = .syncing
    var phase: PodPhase = .pending
    var sandboxID: String?
    var startTime: String?
    var initialized = false
    var tracks: [String: ContainerTrack] = [:]
    var backOffs: [String: BackOff] = [:]
    /// Containers found running or exited when the worker adopted an existing sandbox.
    var adopted: [String: RuntimeContainerStatus] = [:]
    var sidecarsStopping = false
    var graceDeadline: ContinuousClock.Instant?
    var reason: String?
    var message: String?
    var version = 0
    var announcedPhase: PodPhase?
    /// The probe loop of each running container that has probes, by container name.
    var probeTasks: [String: Task<Void, Never>] = [:]
    /// Containers (by ID) being stopped because a liveness or startup probe failed.
    var probeKills: Set<String> = []
    /// Sidecars with a startup probe: the next init container starts once it has passed.
    var pendingStarted: [String: AsyncEvent] = [:]

    /// - Parameter prober: runs the containers' probes; the runtime's exec and the pod's
    ///   network namespace when nil.
    public init(plan: PodPlan, runtime: any ContainerRuntime, prober: (any Prober)? = nil, backOff: BackOff = BackOff(),
                logger: Logger = Logger(label: "berth.podworker"), onEvent: @escaping @Sendable (PodEvent) -> Void) {
        self.plan = plan
        self.runtime = runtime
        self.prober = prober ?? RuntimeProber(runtime: runtime)
        self.backOffTemplate = backOff
        self.onEvent = onEvent
        self.logger = logger
        // As the kubelet: every container of a pod with init containers waits in PodInitializing.
        let initialReason = plan.initContainers.isEmpty ? "ContainerCreating" : "PodInitializing"
        for planned in plan.initContainers + plan.containers {
            tracks[planned.name] = ContainerTrack(
                name: planned.name, role: planned.role, image: planned.config?.image ?? "", imageID: "",
                containerID: nil, restartCount: 0, state: .waiting(reason: initialReason, message: ""),
                lastTermination: nil, finished: false)
        }
    }

    /// Takes over a sandbox that an earlier agent process created (re-adoption after a restart).
    public func adopt(sandboxID: String) {
        self.sandboxID = sandboxID
        let statuses = runtime.listContainers(sandboxID: sandboxID)
        for status in statuses where tracks[status.name] != nil {
            if let current = adopted[status.name], current.attempt >= status.attempt {
                if status.attempt == current.attempt - 1 { tracks[status.name]?.lastTermination = status.exit }
                continue
            }
            if let previous = adopted[status.name] { tracks[status.name]?.lastTermination = previous.exit }
            adopted[status.name] = status
            tracks[status.name]?.restartCount = status.attempt
            tracks[status.name]?.containerID = status.id
            tracks[status.name]?.imageID = status.imageID
            // The first status after a restart shows what runs, not ContainerCreating: the
            // API must not see a running pod flap to Pending and NotReady and back.
            switch status.state {
            case .exited:
                if let exit = status.exit { tracks[status.name]?.state = .terminated(exit) }
            case .running:
                tracks[status.name]?.state = .running(startedAt: status.startedAt ?? "")
            default:
                break
            }
        }
        startTime = (try? runtime.podSandboxStatus(sandboxID))?.createdAt
        initialized = plan.containers.contains { adopted[$0.name] != nil }
    }

    // MARK: the main sequence

    /// Runs the pod until it has finished (all app containers done and not restarting) or has
    /// been terminated. Returns the final phase.
    @discardableResult
    public func run() async -> PodPhase {
        defer { terminated.fire() }
        publish()
        if sandboxID == nil {
            // In a task of its own, for the reason `createAndStart` is (see there).
            guard await Task(operation: { await self.createSandbox() }).value else { return finish() }
        }
        // The init phase runs in a task of its own too: this task then only waits, for as long
        // as the pod runs, and keeps none of the memory the init phase needed (see createAndStart).
        let sidecars = await Task(operation: { await self.runInitContainers() }).value
        if lifecycle == .syncing && !initContainersFailed() {
            initialized = true
            publish()
            await withTaskGroup(of: Void.self) { group in
                for planned in plan.containers {
                    group.addTask { await self.supervise(planned, started: nil) }
                }
            }
        }
        if lifecycle == .terminating { await appsStopped.wait() }
        await stopSidecars()
        for task in sidecars { await task.value }
        return finish()
    }

    /// Init containers one by one to completion; native sidecars started in order, each
    /// supervised by one of the tasks returned.
    private func runInitContainers() async -> [Task<Void, Never>] {
        var sidecars: [Task<Void, Never>] = []
        for planned in plan.initContainers {
            if lifecycle != .syncing { break }
            if planned.role == .sidecar {
                let started = AsyncEvent()
                sidecars.append(Task { await self.supervise(planned, started: started) })
                await firstOf(started, terminationRequested)
                continue
            }
            if tracks[planned.name]?.finished == true || isAdoptedSuccess(planned.name) {
                tracks[planned.name]?.finished = true
                continue
            }
            await supervise(planned, started: nil)
            guard case .terminated(let exit)? = tracks[planned.name]?.state, exit.exitCode == 0 else {
                if lifecycle == .syncing {
                    reason = "InitContainerFailed"
                    message = "init container \(planned.name) failed"
                }
                break
            }
        }
        return sidecars
    }

    private func initContainersFailed() -> Bool {
        plan.initContainers.contains { planned in
            guard planned.role == .initContainer, let track = tracks[planned.name] else { return false }
            if case .terminated(let exit) = track.state { return exit.exitCode != 0 }
            return !track.finished
        }
    }

    private func isAdoptedSuccess(_ name: String) -> Bool {
        adopted[name]?.exit?.exitCode == 0
    }

    private func finish() -> PodPhase {
        lifecycle = .terminated
        phase = PhaseRules.finalPhase(tracks: orderedTracks(plan.containers), initFailed: !initialized, current: phase,
                                      sandboxFailed: sandboxID == nil)
        publish()
        return phase
    }

    private func createSandbox() async -> Bool {
        do {
            for volume in plan.emptyDirs {
                try EmptyDir.create(path: volume.hostPath, memoryBacked: volume.memoryBacked, sizeLimitBytes: volume.sizeLimitBytes)
            }
            sandboxID = try await runtime.runPodSandbox(plan.sandbox)
            startTime = Self.now()
            return true
        } catch {
            for volume in plan.emptyDirs { EmptyDir.remove(path: volume.hostPath) }
            reason = error.reason
            message = error.description
            phase = .failed
            logger.error("pod sandbox failed", metadata: ["pod": "\(plan.key)", "error": "\(error)"])
            return false
        }
    }

    // MARK: snapshots

    func orderedTracks(_ planned: [PlannedContainer]) -> [ContainerTrack] {
        planned.compactMap { tracks[$0.name] }
    }

    public func snapshot() -> PodSnapshot {
        PodSnapshot(namespace: plan.namespace, name: plan.name, uid: plan.uid, lifecycle: lifecycle, phase: phase,
                    sandboxID: sandboxID, startTime: startTime, initialized: initialized,
                    initContainers: orderedTracks(plan.initContainers), containers: orderedTracks(plan.containers),
                    message: message, reason: reason, version: version)
    }

    /// Recomputes the phase and tells the owner.
    func publish() {
        if lifecycle == .syncing {
            let newPhase = PhaseRules.phase(initialized: initialized, initContainers: orderedTracks(plan.initContainers),
                                            containers: orderedTracks(plan.containers), restartPolicy: plan.restartPolicy)
            phase = newPhase
        }
        if lifecycle != .terminating && announcedPhase != phase {
            announcedPhase = phase
            onEvent(.phaseChanged(pod: plan.key, phase: phase))
        }
        version += 1
        onEvent(.statusChanged(snapshot()))
    }

    /// RFC 3339 in UTC to the second. Not ISO8601DateFormatter: it loads ICU's date formatting
    /// (3.5 MB more resident memory in the agent, measured) for a fixed format.
    static func now() -> String {
        RFC3339.format(Date())
    }
}

/// Waits until either event fires.
func firstOf(_ a: AsyncEvent, _ b: AsyncEvent) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await a.wait() }
        group.addTask { await b.wait() }
        await group.next()
        group.cancelAll()
    }
}
