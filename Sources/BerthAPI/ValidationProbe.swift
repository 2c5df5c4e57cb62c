import Foundation

/// Probe rules: exactly one handler, sane timings, valid ports.
enum ProbeValidation {
    static func validate(_ probe: Probe, path: Path, isReadiness: Bool, mustSucceedOnce: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        let handlers: [(String, Bool)] = [
            ("exec", probe.exec != nil), ("httpGet", probe.httpGet != nil),
            ("tcpSocket", probe.tcpSocket != nil), ("grpc", probe.grpc != nil),
        ]
        // As Kubernetes' validateHandler: the first handler set is validated, each further one is forbidden.
        let set = handlers.filter(\.1).map(\.0)
        if set.isEmpty {
            errors.append(.required(path.description, "must specify a handler type"))
        }
        for extra in set.dropFirst() {
            errors.append(.forbidden(path.child(extra).description, "may not specify more than 1 handler type"))
        }
        switch set.first {
        case "exec":
            if probe.exec?.command?.isEmpty ?? true {
                errors.append(.required(path.child("exec").child("command").description))
            }
        case "httpGet":
            if let http = probe.httpGet { errors += httpGet(http, path: path.child("httpGet")) }
        case "tcpSocket":
            if let tcp = probe.tcpSocket { errors += port(tcp.port, path: path.child("tcpSocket").child("port")) }
        case "grpc":
            if let grpc = probe.grpc {
                errors += NameValidation.portNumber(Int64(grpc.port)).map {
                    .invalid(path.child("grpc").child("port").description, number: Int64(grpc.port), $0)
                }
            }
        default:
            break
        }

        // Defaulting has turned 0 into Kubernetes' defaults already; only negative values are left to catch.
        let nonNegative: [(String, Int32?)] = [
            ("initialDelaySeconds", probe.initialDelaySeconds), ("timeoutSeconds", probe.timeoutSeconds),
            ("periodSeconds", probe.periodSeconds), ("successThreshold", probe.successThreshold),
            ("failureThreshold", probe.failureThreshold),
        ]
        for (field, value) in nonNegative {
            if let value, value < 0 {
                errors.append(.invalid(path.child(field).description, number: Int64(value), "must be greater than or equal to 0"))
            }
        }
        // Liveness and startup probes end at the first success; more would never be counted.
        if mustSucceedOnce, let success = probe.successThreshold, success > 1 {
            errors.append(.invalid(path.child("successThreshold").description, number: Int64(success), "must be 1"))
        }
        if let grace = probe.terminationGracePeriodSeconds {
            if isReadiness {
                errors.append(.invalid(path.child("terminationGracePeriodSeconds").description, number: grace,
                                       "must not be set for readinessProbes"))
            } else if grace <= 0 {
                errors.append(.invalid(path.child("terminationGracePeriodSeconds").description, number: grace, "must be greater than 0"))
            }
        }
        return errors
    }

    static let headerNameDetail = "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"

    static func httpGet(_ http: HTTPGetAction, path: Path) -> [FieldError] {
        var errors = port(http.port, path: path.child("port"))
        if let scheme = http.scheme, !["HTTP", "HTTPS"].contains(scheme) {
            errors.append(.notSupported(path.child("scheme").description, scheme, supported: ["HTTP", "HTTPS"]))
        }
        // Kubernetes reports a bad header name on the list, not on the entry.
        for header in http.httpHeaders ?? [] where !isHTTPHeaderName(header.name) {
            errors.append(.invalid(path.child("httpHeaders").description, header.name, headerNameDetail))
        }
        return errors
    }

    static func isHTTPHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "-" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }

    static func port(_ port: IntOrString, path: Path) -> [FieldError] {
        switch port {
        case .int(let n):
            return NameValidation.portNumber(Int64(n)).map { .invalid(path.description, number: Int64(n), $0) }
        case .string(let name):
            return NameValidation.portName(name).map { .invalid(path.description, name, $0) }
        }
    }
}
