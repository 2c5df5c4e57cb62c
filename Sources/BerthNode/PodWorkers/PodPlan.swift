import BerthRuntime

public enum RestartPolicy: String, Sendable, Codable {
    case always = "Always", onFailure = "OnFailure", never = "Never"
}

public enum ContainerRole: String, Sendable, Codable {
    /// Runs to completion before the next one starts.
    case initContainer
    /// A native sidecar: an init container with restartPolicy Always.
    case sidecar
    case app
}

/// One container of a plan: the runtime config, or why none could be made
/// (CreateContainerConfigError, e.g. runAsNonRoot with uid 0).
public struct PlannedContainer: Sendable {
    public var name: String
    public var role: ContainerRole
    public var config: ContainerConfig?
    public var configError: String?
    public var probes: ContainerProbes

    public init(name: String, role: ContainerRole, config: ContainerConfig?, configError: String? = nil,
                probes: ContainerProbes = ContainerProbes()) {
        self.name = name
        self.role = role
        self.config = config
        self.configError = configError
        self.probes = probes
    }
}

/// What a pod worker runs: a Pod translated into runtime terms (see PodTranslation).
public struct PodPlan: Sendable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var sandbox: PodSandboxConfig
    public var initContainers: [PlannedContainer]
    public var containers: [PlannedContainer]
    public var restartPolicy: RestartPolicy
    public var gracePeriodSeconds: Double
    /// emptyDir volumes to create before the sandbox (host path, tmpfs size if medium Memory).
    public var emptyDirs: [EmptyDirVolume]

    public var key: String { "\(namespace)/\(name)" }

    public init(namespace: String, name: String, uid: String, sandbox: PodSandboxConfig,
                initContainers: [PlannedContainer], containers: [PlannedContainer],
                restartPolicy: RestartPolicy, gracePeriodSeconds: Double, emptyDirs: [EmptyDirVolume] = []) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.sandbox = sandbox
        self.initContainers = initContainers
        self.containers = containers
        self.restartPolicy = restartPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.emptyDirs = emptyDirs
    }
}

public struct EmptyDirVolume: Sendable, Equatable {
    public var name: String
    public var hostPath: String
    /// medium: Memory: a tmpfs of this size (nil: unlimited, as Kubernetes does without sizeLimit).
    public var memoryBacked: Bool
    public var sizeLimitBytes: Int64?
}
