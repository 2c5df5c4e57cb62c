/// The three kinds of container probe. The raw value is how the kubelet names them in
/// events ("Liveness probe failed: ...").
public enum ProbeKind: String, Sendable, CaseIterable {
    case startup = "Startup"
    case liveness = "Liveness"
    case readiness = "Readiness"

    /// A startup or liveness failure ends the container; a readiness failure only marks it not ready.
    public var killsOnFailure: Bool { self != .readiness }
}

/// What a probe does, resolved from the Kubernetes handler (ports by name, `$(VAR)` in commands).
public enum ProbeAction: Sendable, Equatable {
    case exec(command: [String])
    case httpGet(HTTPProbeRequest)
    case tcpSocket(host: String, port: Int)
    /// A probe this node cannot run (gRPC, HTTPS, a port name the container does not declare):
    /// each run errors with this message, which the kubelet throws away (it counts neither
    /// way) after an `Unhealthy` "probe errored" event.
    case unsupported(String)
}

/// An HTTP GET to send from inside the pod's network namespace.
public struct HTTPProbeRequest: Sendable, Equatable {
    /// An IP address (the pod's loopback when the probe names no host).
    public var host: String
    public var port: Int
    /// Path and query, as given (a leading "/" is added when missing).
    public var path: String
    /// httpHeaders in order; a `Host` among them replaces the default one.
    public var headers: [(name: String, value: String)]

    public init(host: String, port: Int, path: String, headers: [(name: String, value: String)] = []) {
        self.host = host
        self.port = port
        self.path = path
        self.headers = headers
    }

    public static func == (a: HTTPProbeRequest, b: HTTPProbeRequest) -> Bool {
        a.host == b.host && a.port == b.port && a.path == b.path
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// One probe of a container with its timings (Kubernetes' defaults already applied).
public struct ProbeSpec: Sendable, Equatable {
    public var action: ProbeAction
    public var initialDelay: Duration
    public var timeout: Duration
    public var period: Duration
    public var successThreshold: Int
    public var failureThreshold: Int
    /// Overrides the pod's grace period when this probe's failure kills the container.
    public var terminationGracePeriodSeconds: Double?

    public init(action: ProbeAction, initialDelay: Duration = .zero, timeout: Duration = .seconds(1),
                period: Duration = .seconds(10), successThreshold: Int = 1, failureThreshold: Int = 3,
                terminationGracePeriodSeconds: Double? = nil) {
        self.action = action
        self.initialDelay = initialDelay
        self.timeout = timeout
        self.period = period
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
    }
}

/// A container's probes; all nil for most containers.
public struct ContainerProbes: Sendable, Equatable {
    public var startup: ProbeSpec?
    public var liveness: ProbeSpec?
    public var readiness: ProbeSpec?

    public init(startup: ProbeSpec? = nil, liveness: ProbeSpec? = nil, readiness: ProbeSpec? = nil) {
        self.startup = startup
        self.liveness = liveness
        self.readiness = readiness
    }

    public var isEmpty: Bool { startup == nil && liveness == nil && readiness == nil }

    public subscript(kind: ProbeKind) -> ProbeSpec? {
        switch kind {
        case .startup: return startup
        case .liveness: return liveness
        case .readiness: return readiness
        }
    }
}
