import BerthAPI
import Foundation
import Logging

/// Writes pod status to the store (`pod.json`, what `berth get` reads) off the workers' path,
/// dropping a snapshot older than one already written (the kubelet's status manager keeps a
/// version per pod for the same reason).
///
/// Writes are coalesced: snapshots wait up to `delay` and only the newest one per pod is
/// written, from the Pod the agent runs (shared, not decoded again). A pod starting publishes four
/// or five snapshots within a few milliseconds, and each write used to read and decode
/// `pod.json`, then write a temp file and rename it over the old one: a new inode and a
/// deleted one on the run directory's filesystem for every snapshot (perf of the agent with
/// 100 pods starting at once: 6 % of its CPU in this writer, plus the file system's share).
final class StatusWriter: @unchecked Sendable {
    private let store: PodStore
    private let logger: Logger
    private let delay: DispatchTimeInterval
    private let queue = DispatchQueue(label: "berth.status-writer")
    // Everything below is only touched on `queue`.
    private var pending: [String: (snapshot: PodSnapshot, pod: Pod)] = [:]
    private var drainScheduled = false
    private var written: [String: Int] = [:]
    /// The status last written per pod: its conditions' transition times carry over.
    private var statuses: [String: PodStatus] = [:]
    private var forgotten: Set<String> = []

    init(store: PodStore, logger: Logger, delay: DispatchTimeInterval = .milliseconds(20)) {
        self.store = store
        self.logger = logger
        self.delay = delay
    }

    /// `pod`: the pod as the agent started it (its spec and metadata go to `pod.json`).
    func write(_ snapshot: PodSnapshot, pod: Pod) {
        queue.async { [self] in
            let uid = snapshot.uid
            guard !forgotten.contains(uid), (written[uid] ?? -1) < snapshot.version,
                  (pending[uid]?.snapshot.version ?? -1) < snapshot.version else { return }
            pending[uid] = (snapshot, pod)
            guard !drainScheduled else { return }
            drainScheduled = true
            queue.asyncAfter(deadline: .now() + delay) { [self] in drain() }
        }
    }

    /// Writes every pending snapshot. On `queue`.
    private func drain() {
        drainScheduled = false
        let batch = pending
        pending = [:]
        for (uid, entry) in batch {
            guard !forgotten.contains(uid), (written[uid] ?? -1) < entry.snapshot.version else { continue }
            written[uid] = entry.snapshot.version
            var pod = entry.pod
            let status = PodStatusBuilder.status(entry.snapshot, spec: pod.spec, previous: statuses[uid] ?? pod.status,
                                                 now: RFC3339.format(Date()))
            statuses[uid] = status
            pod.status = status
            do { try store.save(pod) } catch {
                if case .recordRemoved = error {
                    logger.debug("status not written: pod removed", metadata: ["uid": "\(uid)"])
                    continue
                }
                logger.warning("status not written", metadata: ["pod": "\(entry.snapshot.namespace)/\(entry.snapshot.name)",
                                                                "error": "\(error)"])
            }
        }
    }

    /// Waits for pending writes, then ignores the pod from now on (it is being removed).
    func forget(_ uid: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                drain()
                forgotten.insert(uid)
                statuses[uid] = nil
                written[uid] = nil
                continuation.resume()
            }
        }
    }

    /// Returns once every write queued so far is on disk.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                drain()
                continuation.resume()
            }
        }
    }
}
