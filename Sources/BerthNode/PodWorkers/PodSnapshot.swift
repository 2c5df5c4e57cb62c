import BerthRuntime

/// The worker's view of one container, from which the Kubernetes container status is built.
public struct ContainerTrack: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case waiting(reason: String, message: String)
        case running(startedAt: String)
        case terminated(ContainerExit)
    }
    public var name: String
    public var role: ContainerRole
    public var image: String
    public var imageID: String
    public var containerID: String?
    public var restartCount: Int
    public var state: State
    public var lastTermination: ContainerExit?
    /// True once it will not be started again.
    public var finished: Bool
    /// The current attempt's startup probe has succeeded; nil when the container has none.
    /// Until it has, the container is not `started` and its other probes wait.
    public var startupProbePassed: Bool? = nil
    /// The current attempt's readiness probe result; nil when the container has none (then
    /// running and started means ready).
    public var readinessProbePassed: Bool? = nil

    /// What the container status reports as `started`: running, and past its startup probe.
    public var isStarted: Bool {
        guard case .running = state else { return false }
        return startupProbePassed ?? true
    }

    /// What the container status reports as `ready` (init containers that run to completion never are).
    public var isReady: Bool {
        role != .initContainer && isStarted && (readinessProbePassed ?? true)
    }
}

public enum PodLifecycle: String, Sendable {
    /// Running or trying to run the pod's containers.
    case syncing
    /// Asked to stop: containers are being stopped.
    case terminating
    /// Nothing runs any more.
    case terminated
}

public enum PodPhase: String, Sendable {
    case pending = "Pending", running = "Running", succeeded = "Succeeded", failed = "Failed", unknown = "Unknown"
}

/// Everything a status writer needs to know about a pod at one moment.
public struct PodSnapshot: Sendable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var lifecycle: PodLifecycle
    public var phase: PodPhase
    public var sandboxID: String?
    public var startTime: String?
    public var initialized: Bool
    public var initContainers: [ContainerTrack]
    public var containers: [ContainerTrack]
    public var message: String?
    public var reason: String?
    /// Increases with every change, so a stale snapshot is never written over a newer one.
    public var version: Int
}

/// What a pod worker tells its owner as it goes (for `berth run`'s output and status files).
public enum PodEvent: Sendable {
    case containerStarted(pod: String, container: String, attempt: Int, logPath: String)
    case containerExited(pod: String, container: String, exit: ContainerExit, restartIn: Duration?)
    case containerFailed(pod: String, container: String, reason: String, message: String, restartIn: Duration?)
    case phaseChanged(pod: String, phase: PodPhase)
    case statusChanged(PodSnapshot)
    /// A probe run failed or could not run (the kubelet's `Unhealthy` event).
    case containerUnhealthy(pod: String, container: String, probe: ProbeKind, outcome: ProbeOutcome)
    /// The worker stops a container on its own account: a failed liveness or startup probe
    /// (the kubelet's `Killing` event, e.g. "Container app failed liveness probe, will be restarted").
    case containerKilling(pod: String, container: String, message: String)
}

extension ProbeOutcome {
    /// The kubelet's event message for a run that did not succeed ("Liveness probe failed: ..."),
    /// nil for a success.
    public func eventMessage(_ kind: ProbeKind) -> String? {
        switch self {
        case .success: return nil
        case .failure(let output): return "\(kind.rawValue) probe failed: \(output)"
        case .error(let message): return "\(kind.rawValue) probe errored: \(message)"
        }
    }
}
