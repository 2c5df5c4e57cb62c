import BerthAPI
import BerthRuntime
import Foundation

/// Builds the Kubernetes PodStatus from a worker's snapshot, as the kubelet's
/// generateAPIPodStatus does. Pure: the previous status only supplies transition times.
public enum PodStatusBuilder {
    public static func status(_ snapshot: PodSnapshot, spec: PodSpec, previous: PodStatus?, now: String) -> PodStatus {
        let initStatuses = snapshot.initContainers.map { containerStatus($0) }
        let appStatuses = snapshot.containers.map { containerStatus($0) }
        // Native sidecars count for the pod's readiness, with their own probes (as in Kubernetes).
        let sidecarsReady = snapshot.initContainers.filter { $0.role == .sidecar }.allSatisfy(\.isReady)
        let containersReady = snapshot.lifecycle == .syncing && appStatuses.allSatisfy(\.ready) && sidecarsReady
        let podDone = snapshot.phase == .succeeded || snapshot.phase == .failed
        func condition(_ type: String, _ value: Bool, reason: String? = nil) -> PodCondition {
            let status = value ? "True" : "False"
            let old = previous?.conditions?.first { $0.type == type }
            let transition = old?.status == status ? (old?.lastTransitionTime ?? now) : now
            return PodCondition(type: type, status: status, lastTransitionTime: transition, reason: value ? nil : reason)
        }
        let conditions = [
            condition("PodReadyToStartContainers", snapshot.sandboxID != nil && snapshot.lifecycle != .terminated),
            condition("Initialized", snapshot.initialized, reason: "ContainersNotInitialized"),
            condition("Ready", containersReady, reason: podDone ? "PodCompleted" : "ContainersNotReady"),
            condition("ContainersReady", containersReady, reason: podDone ? "PodCompleted" : "ContainersNotReady"),
            condition("PodScheduled", true),
        ]
        return PodStatus(
            phase: snapshot.phase.rawValue, conditions: conditions, message: snapshot.message, reason: snapshot.reason,
            hostIP: "127.0.0.1", hostIPs: [HostIP(ip: "127.0.0.1")],
            startTime: snapshot.startTime.map(secondPrecision),
            initContainerStatuses: initStatuses.isEmpty ? nil : initStatuses, containerStatuses: appStatuses,
            qosClass: PodQOS.qosClass(for: spec))
    }

    static func containerStatus(_ track: ContainerTrack) -> BerthAPI.ContainerStatus {
        BerthAPI.ContainerStatus(
            name: track.name, state: state(track.state, containerID: track.containerID),
            lastState: track.lastTermination.map { ContainerState(terminated: terminated($0, containerID: nil)) } ?? ContainerState(),
            ready: track.isReady, restartCount: Int32(track.restartCount), image: track.image,
            imageID: track.imageID, containerID: track.containerID.map { "berth://" + $0 },
            started: track.role == .initContainer ? nil : track.isStarted)
    }

    static func state(_ state: ContainerTrack.State, containerID: String?) -> ContainerState {
        switch state {
        case .waiting(let reason, let message):
            return ContainerState(waiting: ContainerStateWaiting(reason: reason, message: message.isEmpty ? nil : message))
        case .running(let startedAt):
            return ContainerState(running: ContainerStateRunning(startedAt: secondPrecision(startedAt)))
        case .terminated(let exit):
            return ContainerState(terminated: terminated(exit, containerID: containerID))
        }
    }

    static func terminated(_ exit: ContainerExit, containerID: String?) -> ContainerStateTerminated {
        ContainerStateTerminated(exitCode: exit.exitCode, signal: exit.signal == 0 ? nil : exit.signal, reason: exit.reason,
                                 message: exit.message.isEmpty ? nil : exit.message,
                                 startedAt: exit.startedAt.isEmpty ? nil : secondPrecision(exit.startedAt),
                                 finishedAt: exit.finishedAt.isEmpty ? nil : secondPrecision(exit.finishedAt),
                                 containerID: containerID.map { "berth://" + $0 })
    }

    /// Kubernetes' metav1.Time has second precision: "2026-11-27T08:00:01.123456789Z" → "2026-11-27T08:00:01Z".
    static func secondPrecision(_ timestamp: String) -> String {
        guard let dot = timestamp.firstIndex(of: ".") else { return timestamp }
        return String(timestamp[..<dot]) + "Z"
    }
}
