import BerthAPI

/// Turns a container's Kubernetes probes into what the node runs: defaults applied, ports
/// resolved by name, `$(VAR)` expanded in exec commands (from the container's plain env, as
/// the kubelet's ExpandContainerCommandOnlyStatic does). Pure, so each rule is table-tested.
public enum ProbeTranslation {
    /// Where a probe without `host` connects: the pod's own loopback, which is what the
    /// pod's IP reaches here (pods have no address of their own yet).
    public static let podAddress = "127.0.0.1"

    public static func probes(for container: Container) -> ContainerProbes {
        ContainerProbes(startup: container.startupProbe.map { spec($0, container: container) },
                        liveness: container.livenessProbe.map { spec($0, container: container) },
                        readiness: container.readinessProbe.map { spec($0, container: container) })
    }

    public static func spec(_ probe: Probe, container: Container) -> ProbeSpec {
        ProbeSpec(action: action(probe, container: container),
                  initialDelay: .seconds(Int(max(0, probe.initialDelaySeconds ?? 0))),
                  timeout: .seconds(Int(max(1, probe.timeoutSeconds ?? 1))),
                  period: .seconds(Int(max(1, probe.periodSeconds ?? 10))),
                  successThreshold: Int(max(1, probe.successThreshold ?? 1)),
                  failureThreshold: Int(max(1, probe.failureThreshold ?? 3)),
                  terminationGracePeriodSeconds: probe.terminationGracePeriodSeconds.map(Double.init))
    }

    static func action(_ probe: Probe, container: Container) -> ProbeAction {
        if let exec = probe.exec {
            var env: [String: String] = [:]
            for variable in container.env ?? [] where variable.valueFrom == nil { env[variable.name] = variable.value ?? "" }
            return .exec(command: (exec.command ?? []).map { Expansion.expand($0, { env[$0] }) })
        }
        if let http = probe.httpGet {
            if let scheme = http.scheme, scheme.uppercased() != "HTTP" {
                return .unsupported("\(scheme) probes are not supported on this node (only HTTP)")
            }
            let host: String
            switch address(http.host) {
            case .success(let resolved): host = resolved
            case .failure(let message): return .unsupported(message.text)
            }
            switch port(http.port, container: container) {
            case .success(let number):
                let path = http.path ?? "/"
                return .httpGet(HTTPProbeRequest(host: host, port: number, path: path.hasPrefix("/") ? path : "/" + path,
                                                 headers: (http.httpHeaders ?? []).map { ($0.name, $0.value) }))
            case .failure(let message):
                return .unsupported(message.text)
            }
        }
        if let tcp = probe.tcpSocket {
            let host: String
            switch address(tcp.host) {
            case .success(let resolved): host = resolved
            case .failure(let message): return .unsupported(message.text)
            }
            switch port(tcp.port, container: container) {
            case .success(let number): return .tcpSocket(host: host, port: number)
            case .failure(let message): return .unsupported(message.text)
            }
        }
        if probe.grpc != nil {
            return .unsupported("gRPC probes are not supported on this node")
        }
        return .unsupported("missing probe handler")
    }

    struct Message: Error { var text: String }

    /// The kubelet's ResolveContainerPort: a number, a named port of the container, or a
    /// number written as a string.
    static func port(_ port: IntOrString, container: Container) -> Result<Int, Message> {
        let number: Int
        switch port {
        case .int(let value):
            number = Int(value)
        case .string(let name):
            if let declared = container.ports?.first(where: { $0.name == name }) {
                number = Int(declared.containerPort)
            } else if let parsed = Int(name) {
                number = parsed
            } else {
                return .failure(Message(text: "port \"\(name)\" not found in the ports of container \(container.name)"))
            }
        }
        guard (1...65535).contains(number) else { return .failure(Message(text: "invalid port number: \(number)")) }
        return .success(number)
    }

    /// An IP literal to connect to. Names other than localhost are refused: the host's
    /// resolver would answer them, while the connection is made inside the pod.
    static func address(_ host: String?) -> Result<String, Message> {
        guard let host, !host.isEmpty else { return .success(podAddress) }
        if host == "localhost" { return .success(podAddress) }
        let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if CIDR.isIPv4(Substring(unbracketed)) || (unbracketed.contains(":") && unbracketed.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }) {
            return .success(unbracketed)
        }
        return .failure(Message(text: "host \"\(host)\": probes on this node take an IP address, not a name"))
    }

}

extension ProbeTranslation {
    /// What this node cannot run among a container's probes, as field errors (`berth run`
    /// reports them up front; on a cluster node such a probe errors at every run, as the
    /// kubelet's events show for a probe it cannot perform).
    public static func unsupportedErrors(_ container: Container, path: String) -> [String] {
        var errors: [String] = []
        let probes: [(String, Probe?)] = [("startupProbe", container.startupProbe), ("livenessProbe", container.livenessProbe),
                                          ("readinessProbe", container.readinessProbe)]
        for (field, probe) in probes {
            guard let probe else { continue }
            let probePath = "\(path).\(field)"
            if probe.grpc != nil {
                errors.append("\(probePath).grpc: Forbidden: gRPC probes are not supported on this node")
            }
            if let http = probe.httpGet {
                if let scheme = http.scheme, scheme.uppercased() != "HTTP" {
                    errors.append("\(probePath).httpGet.scheme: Unsupported value: \"\(scheme)\": supported values: \"HTTP\"")
                }
                if case .failure(let message) = address(http.host) {
                    errors.append("\(probePath).httpGet.host: Invalid value: \"\(http.host ?? "")\": \(message.text)")
                }
                if case .failure(let message) = port(http.port, container: container) {
                    errors.append("\(probePath).httpGet.port: Invalid value: \"\(http.port)\": \(message.text)")
                }
            }
            if let tcp = probe.tcpSocket {
                if case .failure(let message) = address(tcp.host) {
                    errors.append("\(probePath).tcpSocket.host: Invalid value: \"\(tcp.host ?? "")\": \(message.text)")
                }
                if case .failure(let message) = port(tcp.port, container: container) {
                    errors.append("\(probePath).tcpSocket.port: Invalid value: \"\(tcp.port)\": \(message.text)")
                }
            }
        }
        return errors
    }
}
