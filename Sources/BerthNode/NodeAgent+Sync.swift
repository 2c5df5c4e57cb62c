import BerthAPI
import BerthRuntime
import Foundation

extension NodeAgent {
    /// Makes the running pods match `desired` (static pods): starts new ones (adopting what an
    /// earlier agent left running) and stops and removes those no longer asked for.
    public func sync(desired: [String: Pod], source: String) async {
        for (uid, pod) in desired where running[uid] == nil && store.deletionRequest(uid: uid) == nil {
            do { try start(pod) } catch {
                logger.error("pod not started", metadata: ["uid": "\(uid)", "error": "\(error)"])
            }
        }
        for (uid, entry) in running where desired[uid] == nil && isFromSource(entry.pod, source) {
            await terminate(uid: uid, remove: true)
        }
        // Pods an earlier agent ran from this source whose manifest has gone meanwhile.
        for pod in store.list() {
            guard let uid = pod.metadata.uid, running[uid] == nil, desired[uid] == nil, isFromSource(pod, source),
                  store.liveOwner(uid: uid) == nil else { continue }
            await removeOrphan(pod)
        }
    }

    func isFromSource(_ pod: Pod, _ source: String) -> Bool {
        guard let manifest = pod.metadata.annotations?["berth.dev/manifest"] else { return false }
        return manifest.hasPrefix(source + "/")
    }

    /// Stops and removes a pod no live berth process owns, without restarting anything.
    public func removeOrphan(_ pod: Pod, gracePeriodSeconds: Double? = nil) async {
        guard let uid = pod.metadata.uid else { return }
        let plan = PodTranslation.plan(for: pod, uid: uid, settings: settings)
        let worker = PodWorker(plan: plan, runtime: runtime, logger: logger) { _ in }
        if let sandbox = runtime.podSandboxID(forPodUID: uid) {
            await worker.adopt(sandboxID: sandbox)
            await worker.stopAdopted(gracePeriodSeconds: gracePeriodSeconds)
        }
        await worker.remove(logDirectory: settings.paths.podLogDirectory(
            namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? "", uid: uid))
        store.remove(uid: uid)
    }

    /// Stops every pod this agent runs (used by `berth run` on SIGINT/SIGTERM).
    public func terminateAll(remove: Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for uid in running.keys {
                group.addTask { await self.terminate(uid: uid, remove: remove) }
            }
        }
    }

    public func flushStatus() async { await statusWriter.flush() }
}
