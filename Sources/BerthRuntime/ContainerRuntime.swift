/// The runtime as the node agent sees it, shaped like CRI's RuntimeService so that the agent's
/// logic can be tested against a fake and a CRI front can be added later.
public protocol ContainerRuntime: Sendable {
    func runPodSandbox(_ config: PodSandboxConfig) async throws(RuntimeError) -> String
    /// Stops every container of the sandbox (SIGKILL: callers stop them gracefully first).
    func stopPodSandbox(_ id: String) async throws(RuntimeError)
    /// Removes the containers, the pinned namespaces, the pod cgroup and the sandbox's files.
    func removePodSandbox(_ id: String) async throws(RuntimeError)
    func podSandboxStatus(_ id: String) throws(RuntimeError) -> PodSandboxStatus
    func listPodSandboxes() -> [PodSandboxStatus]
    /// The sandbox of the pod with this UID, if there is one (left by an earlier agent, say).
    func podSandboxID(forPodUID uid: String) -> String?

    func createContainer(sandboxID: String, config: ContainerConfig) async throws(RuntimeError) -> String
    func startContainer(_ id: String) async throws(RuntimeError)
    /// SIGTERM, then SIGKILL once `gracePeriodSeconds` have passed; returns when it has exited.
    func stopContainer(_ id: String, gracePeriodSeconds: Double) async throws(RuntimeError)
    func removeContainer(_ id: String) async throws(RuntimeError)
    func containerStatus(_ id: String) throws(RuntimeError) -> RuntimeContainerStatus
    func listContainers(sandboxID: String?) -> [RuntimeContainerStatus]
    /// Suspends until the container has exited and returns how; nil if it never started.
    func waitContainer(_ id: String) async -> ContainerExit?
    /// Runs argv inside a running container with the given stdio fds; returns the exit status.
    func exec(_ id: String, argv: [String], stdio: [Int32]) async throws(RuntimeError) -> Int32
    /// Runs argv inside a running container and collects what it writes, as CRI's ExecSync
    /// (used by exec probes): stdout and stderr together, at most `outputLimit` bytes kept,
    /// the process killed when `timeout` has passed.
    func execSync(_ id: String, argv: [String], timeout: Duration, outputLimit: Int) async throws(RuntimeError) -> ExecSyncResult
}

/// How an `execSync` ended.
public struct ExecSyncResult: Sendable, Equatable {
    /// The exit code, or 128+signal; 137 after a timeout kill.
    public var exitCode: Int32
    /// stdout and stderr interleaved as written, cut at the output limit.
    public var output: [UInt8]
    public var timedOut: Bool

    public init(exitCode: Int32, output: [UInt8], timedOut: Bool) {
        self.exitCode = exitCode
        self.output = output
        self.timedOut = timedOut
    }
}

extension ContainerRuntime {
    public func podSandboxID(forPodUID uid: String) -> String? {
        listPodSandboxes().first { $0.config.uid == uid }?.id
    }
}
