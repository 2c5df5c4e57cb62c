import BerthRuntime
import Foundation
import Testing

@testable import BerthNode

/// Waits until `condition` holds or `timeout` has passed; returns whether it held. The
/// default deadline is generous: Swift Testing starts hundreds of tests at once on a 2-core
/// machine, and under load a worker's dozen actor hops can take seconds there.
func poll(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return await condition()
}

/// Every event a worker reported, in order.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PodEvent] = []

    func append(_ event: PodEvent) { lock.withLock { events.append(event) } }
    var all: [PodEvent] { lock.withLock { events } }

    /// The back-off announced after each exit of `container` that leads to a restart.
    func restartDelays(_ container: String) -> [Duration] {
        all.compactMap { event in
            guard case .containerExited(_, container, _, let restartIn?) = event else { return nil }
            return restartIn
        }
    }

    /// The back-off announced after each failed create or start of `container`.
    func failureDelays(_ container: String) -> [Duration?] {
        all.compactMap { event in
            guard case .containerFailed(_, container, _, _, let restartIn) = event else { return nil }
            return .some(restartIn)
        }
    }

    /// Every state `container` was published in (from the status snapshots), repeats removed.
    func states(_ container: String) -> [ContainerTrack.State] {
        var out: [ContainerTrack.State] = []
        for case .statusChanged(let snapshot) in all {
            guard let track = (snapshot.initContainers + snapshot.containers).first(where: { $0.name == container }) else { continue }
            if out.last != track.state { out.append(track.state) }
        }
        return out
    }

    func waitingReasons(_ container: String) -> [String] {
        states(container).compactMap { if case .waiting(let reason, _) = $0 { reason } else { nil } }
    }

    var phases: [PodPhase] {
        all.compactMap { if case .phaseChanged(_, let phase) = $0 { phase } else { nil } }
    }
}

extension BackOff {
    /// 1 ms doubling to 8 ms: restarts happen at once, the sequence is still visible.
    static let fast = BackOff(base: .milliseconds(1), cap: .milliseconds(8), resetAfter: .seconds(600))
    /// So long that a test sees the worker sitting in back-off.
    static let hour = BackOff(base: .seconds(3600), cap: .seconds(3600), resetAfter: .seconds(36000))
}

/// Builds a plan of containers that run "busybox sh" with the given roles.
func makePlan(initContainers: [(String, ContainerRole)] = [], apps: [String] = ["app"],
              restartPolicy: RestartPolicy = .always, grace: Double = 30, uid: String = "uid-1") -> PodPlan {
    func planned(_ name: String, _ role: ContainerRole) -> PlannedContainer {
        PlannedContainer(name: name, role: role, config: ContainerConfig(name: name, image: "busybox", argv: ["sh"]))
    }
    let sandbox = PodSandboxConfig(name: "pod", namespace: "default", uid: uid, hostname: "pod", hostsFile: "", resolvConf: "")
    return PodPlan(namespace: "default", name: "pod", uid: uid, sandbox: sandbox,
                   initContainers: initContainers.map { planned($0.0, $0.1) }, containers: apps.map { planned($0, .app) },
                   restartPolicy: restartPolicy, gracePeriodSeconds: grace)
}

/// A worker on a fake runtime, its events, and the task running it.
final class WorkerHarness: @unchecked Sendable {
    let fake: FakeRuntime
    let events = EventLog()
    let worker: PodWorker
    private let lock = NSLock()
    private var result: PodPhase?
    private var task: Task<Void, Never>?

    init(_ plan: PodPlan, backOff: BackOff = .fast, fake: FakeRuntime = FakeRuntime(), prober: (any Prober)? = nil) {
        self.fake = fake
        let events = self.events
        worker = PodWorker(plan: plan, runtime: fake, prober: prober, backOff: backOff) { events.append($0) }
    }

    /// Starts `run()` (after adopting `sandboxID` when given).
    func start(adopting sandboxID: String? = nil) {
        task = Task {
            if let sandboxID { await worker.adopt(sandboxID: sandboxID) }
            let phase = await worker.run()
            lock.withLock { result = phase }
        }
    }

    var finishedPhase: PodPhase? { lock.withLock { result } }

    /// The phase `run()` returned, or nil if it has not returned within `timeout`.
    func phase(within timeout: Duration = .seconds(30)) async -> PodPhase? {
        _ = await poll(timeout: timeout) { finishedPhase != nil }
        return finishedPhase
    }

    func track(_ name: String) async -> ContainerTrack? {
        let snapshot = await worker.snapshot()
        return (snapshot.initContainers + snapshot.containers).first { $0.name == name }
    }

    func isRunning(_ name: String) async -> Bool {
        guard case .running? = await track(name)?.state else { return false }
        return fake.isRunning(name)
    }

    /// Waits until the worker shows `name` running (restarted `restarts` times).
    func waitRunning(_ name: String, restarts: Int = 0, timeout: Duration = .seconds(30)) async -> Bool {
        await poll(timeout: timeout) {
            guard await isRunning(name) else { return false }
            return await track(name)?.restartCount == restarts
        }
    }

    /// Terminates the pod with no grace and returns the final phase, nil if it hung.
    @discardableResult
    func stop(grace: Double = 0) async -> PodPhase? {
        let terminate = Task { await worker.terminate(gracePeriodSeconds: grace) }
        let phase = await phase()
        if phase != nil { await terminate.value }
        return phase
    }
}

extension ContainerTrack.State {
    var exitCode: Int32? { if case .terminated(let exit) = self { exit.exitCode } else { nil } }
    var waitingReason: String? { if case .waiting(let reason, _) = self { reason } else { nil } }
}
