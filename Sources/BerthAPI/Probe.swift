// core/v1 Probe and its handlers.

/// Kubernetes `core/v1.Probe`. Exactly one handler (`exec`, `httpGet`, `tcpSocket`, `grpc`) must be set.
public struct Probe: Codable, Sendable, Equatable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var grpc: GRPCAction?
    public var initialDelaySeconds: Int32?
    public var timeoutSeconds: Int32?
    public var periodSeconds: Int32?
    public var successThreshold: Int32?
    public var failureThreshold: Int32?
    public var terminationGracePeriodSeconds: Int64?

    public init(
        exec: ExecAction? = nil,
        httpGet: HTTPGetAction? = nil,
        tcpSocket: TCPSocketAction? = nil,
        grpc: GRPCAction? = nil,
        initialDelaySeconds: Int32? = nil,
        timeoutSeconds: Int32? = nil,
        periodSeconds: Int32? = nil,
        successThreshold: Int32? = nil,
        failureThreshold: Int32? = nil,
        terminationGracePeriodSeconds: Int64? = nil
    ) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.grpc = grpc
        self.initialDelaySeconds = initialDelaySeconds
        self.timeoutSeconds = timeoutSeconds
        self.periodSeconds = periodSeconds
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
    }
}

/// Kubernetes `core/v1.ExecAction`.
public struct ExecAction: Codable, Sendable, Equatable {
    public var command: [String]?

    public init(
        command: [String]? = nil
    ) {
        self.command = command
    }
}

/// Kubernetes `core/v1.HTTPGetAction`.
public struct HTTPGetAction: Codable, Sendable, Equatable {
    public var path: String?
    public var port: IntOrString
    public var host: String?
    public var scheme: String?
    public var httpHeaders: [HTTPHeader]?

    public init(
        path: String? = nil,
        port: IntOrString = .int(0),
        host: String? = nil,
        scheme: String? = nil,
        httpHeaders: [HTTPHeader]? = nil
    ) {
        self.path = path
        self.port = port
        self.host = host
        self.scheme = scheme
        self.httpHeaders = httpHeaders
    }
}

/// Kubernetes `core/v1.HTTPHeader`.
public struct HTTPHeader: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(
        name: String = "",
        value: String = ""
    ) {
        self.name = name
        self.value = value
    }
}

/// Kubernetes `core/v1.TCPSocketAction`.
public struct TCPSocketAction: Codable, Sendable, Equatable {
    public var port: IntOrString
    public var host: String?

    public init(
        port: IntOrString = .int(0),
        host: String? = nil
    ) {
        self.port = port
        self.host = host
    }
}

/// Kubernetes `core/v1.GRPCAction`.
public struct GRPCAction: Codable, Sendable, Equatable {
    public var port: Int32
    public var service: String?

    public init(
        port: Int32 = 0,
        service: String? = nil
    ) {
        self.port = port
        self.service = service
    }
}
