import BerthAPI
import BerthRuntime
import Foundation
import Logging

/// The node agent: runs pods through one PodWorker each, keeps their status in the PodStore,
/// re-adopts pods an earlier process left running, and honours deletion requests.
/// `berth run` and `berth agent` both drive one of these.
public actor NodeAgent {
    public let settings: NodeSettings
    public let runtime: any ContainerRuntime
    public let store: PodStore
    let logger: Logger
    let sink: @Sendable (PodEvent) -> Void
    let statusWriter: StatusWriter

    struct Running {
        var pod: Pod
        var worker: PodWorker
        var task: Task<PodPhase, Never>
    }
    var running: [String: Running] = [:]
    var removals: [String: Task<Void, Never>] = [:]

    public init(settings: NodeSettings, runtime: any ContainerRuntime, logger: Logger = Logger(label: "berth.agent"),
                sink: @escaping @Sendable (PodEvent) -> Void = { _ in }) {
        self.settings = settings
        self.runtime = runtime
        self.store = PodStore(runDirectory: settings.paths.runDirectory)
        self.logger = logger
        self.sink = sink
        self.statusWriter = StatusWriter(store: store, logger: logger)
    }

    public var podUIDs: [String] { Array(running.keys) }

    /// Starts a pod (already defaulted and validated, with a UID), or adopts its sandbox when
    /// an earlier process left one for the same UID.
    public func start(_ pod: Pod) throws {
        guard let uid = pod.metadata.uid, running[uid] == nil else { return }
        var pod = pod
        if pod.metadata.creationTimestamp == nil { pod.metadata.creationTimestamp = RFC3339.format(Date()) }
        try store.setOwner(uid: uid)
        try store.save(pod)
        let plan = PodTranslation.plan(for: pod, uid: uid, settings: settings)
        let writer = statusWriter
        let sink = self.sink
        let saved = pod
        let worker = PodWorker(plan: plan, runtime: runtime, backOff: settings.restartBackOff, logger: logger) { event in
            if case .statusChanged(let snapshot) = event { writer.write(snapshot, pod: saved) }
            sink(event)
        }
        let existing = runtime.podSandboxID(forPodUID: uid)
        let task = Task { () -> PodPhase in
            if let existing { await worker.adopt(sandboxID: existing) }
            return await worker.run()
        }
        running[uid] = Running(pod: pod, worker: worker, task: task)
        logger.info(existing == nil ? "pod started" : "pod adopted", metadata: ["pod": "\(plan.key)", "uid": "\(uid)"])
    }

    /// Waits until the pod has finished or been terminated.
    public func wait(uid: String) async -> PodPhase? {
        guard let entry = running[uid] else { return nil }
        return await entry.task.value
    }

    /// Stops the pod gracefully; with `remove`, also deletes everything it left and its record.
    /// Concurrent calls for one pod share the same work, so a deletion request and a shutdown
    /// racing each other neither remove twice nor return before the removal is done.
    public func terminate(uid: String, gracePeriodSeconds: Double? = nil, remove: Bool) async {
        if let inFlight = removals[uid] {
            await inFlight.value
            return
        }
        guard let entry = running[uid] else { return }
        guard remove else {
            await entry.worker.terminate(gracePeriodSeconds: gracePeriodSeconds)
            _ = await entry.task.value
            return
        }
        let logDirectory = settings.paths.podLogDirectory(
            namespace: entry.pod.metadata.namespace ?? "default", name: entry.pod.metadata.name ?? "", uid: uid)
        let writer = statusWriter
        let store = self.store
        let removal = Task {
            await entry.worker.terminate(gracePeriodSeconds: gracePeriodSeconds)
            _ = await entry.task.value
            await entry.worker.remove(logDirectory: logDirectory)
            await writer.forget(uid)
            store.remove(uid: uid)
        }
        removals[uid] = removal
        await removal.value
        running[uid] = nil
        removals[uid] = nil
    }

    /// Acts on `berth delete` requests written by other berth processes.
    public func processDeletionRequests() async {
        for uid in running.keys {
            guard let request = store.deletionRequest(uid: uid) else { continue }
            await terminate(uid: uid, gracePeriodSeconds: request, remove: true)
        }
    }

    public func snapshot(uid: String) async -> PodSnapshot? {
        await running[uid]?.worker.snapshot()
    }
}
