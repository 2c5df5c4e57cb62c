import BerthAPI
import BerthClient
import Foundation
import Logging

/// Sends pod status to the API server as the kubelet's status manager does, batched: the
/// newest snapshot of a pod replaces any unsent one, at most one request per pod is in flight,
/// and requests for one pod are at least `interval` apart, except the pod's first status and
/// the first one in which it is Ready, which go at once (they are what a user waits for): a
/// pump waiting out the interval is woken by every new snapshot and sends at once if it is
/// urgent, so the batching never delays the first Ready. A per-pod version makes sure an older
/// snapshot is never sent after a newer one.
actor PodStatusManager {
    /// Where a pod's status goes: the API object (for a static pod, its mirror pod).
    struct Target: Sendable, Equatable {
        var namespace: String
        var name: String
        /// The API object's UID, sent as a precondition so a recreated pod of the same name is not written.
        var uid: String?
        var spec: PodSpec
    }

    struct PodState {
        var target: Target?
        var latest: PodSnapshot?
        var sentVersion = -1
        var lastSent: ContinuousClock.Instant?
        var pumping = false
        var readySent = false
        var previous: PodStatus?
        var failures = 0
        /// The pump's wait for the interval to pass; cancelled to make it look again.
        var sleeper: Task<Void, Never>?
    }

    let api: any ClusterAPI
    let hostIP: String
    let podIP: String
    let interval: Duration
    let logger: Logger
    var pods: [String: PodState] = [:]
    /// Requests sent, successful or not (for tests and the benchmark's curiosity).
    private(set) var requestCount = 0

    init(api: any ClusterAPI, hostIP: String, podIP: String, interval: Duration, logger: Logger) {
        self.api = api
        self.hostIP = hostIP
        self.podIP = podIP
        self.interval = interval
        self.logger = logger
    }

    /// Says where the status of a local pod goes; pending status is sent once there is a target.
    /// `current` is the status the API object has now: like the kubelet's status manager, which
    /// starts from the API's status, the conditions' transition times carry over from it, so an
    /// agent restarted under running pods does not make their Ready condition seem to flap.
    func setTarget(uid: String, _ target: Target, current: PodStatus? = nil) {
        var state = pods[uid, default: PodState()]
        if state.target?.uid != target.uid || state.target?.name != target.name {
            // A new object (or a new agent for it): send the latest status to it again.
            state.sentVersion = -1
            state.lastSent = nil
            state.readySent = false
            state.previous = current
        }
        state.target = target
        pods[uid] = state
        state.sleeper?.cancel()
        kick(uid)
    }

    func target(uid: String) -> Target? { pods[uid]?.target }

    func update(_ snapshot: PodSnapshot) {
        var state = pods[snapshot.uid, default: PodState()]
        guard snapshot.version > max(state.sentVersion, state.latest?.version ?? -1) else { return }
        state.latest = snapshot
        pods[snapshot.uid] = state
        // A sleeping pump only has to decide again if this snapshot can be urgent: the first
        // Ready one, with no failed request to back off from. Otherwise it would rebuild the
        // status and go back to sleep, for every snapshot of a crash-looping container.
        if !state.readySent && state.failures == 0 { state.sleeper?.cancel() }
        kick(snapshot.uid)
    }

    /// Stops sending status for the pod (it is being removed from the API).
    func forget(uid: String) {
        pods[uid]?.sleeper?.cancel()
        pods[uid] = nil
    }

    private func kick(_ uid: String) {
        guard let state = pods[uid], !state.pumping, state.target != nil,
              let latest = state.latest, latest.version > state.sentVersion else { return }
        pods[uid]?.pumping = true
        Task { await self.pump(uid) }
    }

    private func pump(_ uid: String) async {
        while let state = pods[uid], let target = state.target, let snapshot = state.latest, snapshot.version > state.sentVersion {
            let status = build(snapshot, target: target, previous: state.previous)
            let ready = status.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
            let urgent = state.lastSent == nil || (ready && !state.readySent)
            let wait = state.failures > 0 ? min(interval * (1 << min(state.failures, 6)), .seconds(10)) : interval
            if let last = state.lastSent, !urgent || state.failures > 0, ContinuousClock.now < last + wait {
                let sleeper = Task<Void, Never> { try? await Task.sleep(until: last + wait, clock: .continuous) }
                pods[uid]?.sleeper = sleeper
                await sleeper.value
                pods[uid]?.sleeper = nil
                continue  // a newer snapshot may have come meanwhile
            }
            pods[uid]?.sentVersion = snapshot.version
            pods[uid]?.previous = status
            let sent = await send(status, to: target)
            guard pods[uid] != nil else { return }
            pods[uid]?.lastSent = .now
            pods[uid]?.failures = sent == .retry ? state.failures + 1 : 0
            if sent == .retry, pods[uid]?.latest?.version == snapshot.version {
                pods[uid]?.sentVersion = snapshot.version - 1  // nothing newer came: send this one again
            }
            if sent == .sent, ready { pods[uid]?.readySent = true }
            if sent == .gone { pods[uid]?.target = nil }
        }
        pods[uid]?.pumping = false
    }

    enum SendResult { case sent, retry, gone }

    private func send(_ status: PodStatus, to target: Target) async -> SendResult {
        requestCount += 1
        var patch: [String: JSONValue] = [:]
        do {
            var statusJSON = try encodeObject(status).objectValue ?? [:]
            // A merge patch keeps fields it does not mention: clear the ones that went away.
            for key in ["message", "reason", "initContainerStatuses", "podIP", "podIPs", "startTime"] where statusJSON[key] == nil {
                statusJSON[key] = .null
            }
            patch["status"] = .object(statusJSON)
        } catch {
            logger.error("pod status not encodable", metadata: ["pod": "\(target.namespace)/\(target.name)", "error": "\(error)"])
            return .gone
        }
        if let uid = target.uid { patch["metadata"] = .object(["uid": .string(uid)]) }
        do {
            _ = try await api.patch(.pods(namespace: target.namespace, name: target.name, subresource: "status"),
                                    type: .merge, body: .object(patch))
            return .sent
        } catch {
            if error.isNotFound || (error.isConflict && target.uid != nil) {
                logger.debug("pod gone; status dropped", metadata: ["pod": "\(target.namespace)/\(target.name)"])
                return .gone
            }
            logger.warning("pod status not sent", metadata: ["pod": "\(target.namespace)/\(target.name)", "error": "\(error)"])
            return .retry
        }
    }

    /// The kubelet's status from a worker snapshot (readiness included), with this node's addresses.
    func build(_ snapshot: PodSnapshot, target: Target, previous: PodStatus?) -> PodStatus {
        let now = RFC3339.format(Date())
        var status = PodStatusBuilder.status(snapshot, spec: target.spec, previous: previous, now: now)
        status.hostIP = hostIP
        status.hostIPs = [HostIP(ip: hostIP)]
        if snapshot.sandboxID != nil {
            status.podIP = podIP
            status.podIPs = [PodIP(ip: podIP)]
        }
        return status
    }
}
