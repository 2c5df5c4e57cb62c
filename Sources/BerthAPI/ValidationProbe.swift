/// Probe rules: exactly one handler, sane timings, valid ports.
enum ProbeValidation {
    static func validate(_ probe: Probe, path: Path, isReadiness: Bool, mustSucceedOnce: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        let handlers: [(String, Bool)] = [
            ("exec", probe.exec != nil), ("httpGet", probe.httpGet != nil),
            ("tcpSocket", probe.tcpSocket != nil), ("grpc", probe.grpc != nil),
        ]
        let set = handlers.filter(\.1).map(\.0)
        if set.isEmpty {
            errors.append(.required(path.description, "must specify a handler type"))
        }
        for extra in set.dropFirst() {
            errors.append(.forbidden(path.child(extra).description, "may not specify more than 1 handler type"))
        }
        if let exec = probe.exec, exec.command?.isEmpty ?? true {
            errors.append(.required(path.child("exec").child("command").description))
        }
        if let http = probe.httpGet {
            let httpPath = path.child("httpGet")
            errors += port(http.port, path: httpPath.child("port"))
            if let scheme = http.scheme, !["HTTP", "HTTPS"].contains(scheme) {
                errors.append(.notSupported(httpPath.child("scheme").description, scheme, supported: ["HTTP", "HTTPS"]))
            }
            for (i, header) in (http.httpHeaders ?? []).enumerated() where header.name.isEmpty || header.name.contains(":") {
                errors.append(.invalid(httpPath.child("httpHeaders").index(i).child("name").description, header.name,
                                       "a valid HTTP header must consist of alphanumeric characters or '-'"))
            }
        }
        if let tcp = probe.tcpSocket {
            errors += port(tcp.port, path: path.child("tcpSocket").child("port"))
        }
        if let grpc = probe.grpc {
            errors += NameValidation.portNumber(Int64(grpc.port)).map {
                .invalid(path.child("grpc").child("port").description, number: Int64(grpc.port), $0)
            }
        }

        if let delay = probe.initialDelaySeconds, delay < 0 {
            errors.append(.invalid(path.child("initialDelaySeconds").description, number: Int64(delay), "must be greater than or equal to 0"))
        }
        let positive: [(String, Int32?)] = [
            ("timeoutSeconds", probe.timeoutSeconds), ("periodSeconds", probe.periodSeconds),
            ("successThreshold", probe.successThreshold), ("failureThreshold", probe.failureThreshold),
        ]
        for (field, value) in positive {
            if let value, value < 1 {
                errors.append(.invalid(path.child(field).description, number: Int64(value), "must be greater than or equal to 1"))
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

    static func port(_ port: IntOrString, path: Path) -> [FieldError] {
        switch port {
        case .int(let n):
            return NameValidation.portNumber(Int64(n)).map { .invalid(path.description, number: Int64(n), $0) }
        case .string(let name):
            return NameValidation.portName(name).map { .invalid(path.description, name, $0) }
        }
    }
}
