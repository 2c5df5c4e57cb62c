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
}
