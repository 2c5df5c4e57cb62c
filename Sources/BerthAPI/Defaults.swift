/// Kubernetes' defaulting for Pods (what the API server fills in before validation and storage).
extension Pod {
    public func withDefaults() -> Pod {
        var pod = self
        if pod.apiVersion?.isEmpty ?? true { pod.apiVersion = "v1" }
        if pod.kind?.isEmpty ?? true { pod.kind = "Pod" }
        if pod.metadata.namespace?.isEmpty ?? true { pod.metadata.namespace = "default" }
        pod.spec = pod.spec.withDefaults()
        return pod
    }
}

extension PodSpec {
    public func withDefaults() -> PodSpec {
        var spec = self
        spec.restartPolicy = spec.restartPolicy.nonEmpty ?? "Always"
        spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds ?? 30
        spec.dnsPolicy = spec.dnsPolicy.nonEmpty ?? "ClusterFirst"
        spec.schedulerName = spec.schedulerName.nonEmpty ?? "default-scheduler"
        spec.securityContext = spec.securityContext ?? PodSecurityContext()
        spec.enableServiceLinks = spec.enableServiceLinks ?? true
        let hostNetwork = spec.hostNetwork ?? false
        spec.containers = spec.containers.map { $0.withDefaults(hostNetwork: hostNetwork) }
        spec.initContainers = spec.initContainers?.map { $0.withDefaults(hostNetwork: hostNetwork) }
        spec.volumes = spec.volumes?.map { $0.withDefaults() }
        return spec
    }
}

extension Container {
    func withDefaults(hostNetwork: Bool) -> Container {
        var c = self
        c.terminationMessagePath = c.terminationMessagePath.nonEmpty ?? "/dev/termination-log"
        c.terminationMessagePolicy = c.terminationMessagePolicy.nonEmpty ?? "File"
        if c.imagePullPolicy?.isEmpty ?? true, let image = c.image {
            c.imagePullPolicy = Container.defaultPullPolicy(forImage: image)
        }
        c.ports = c.ports?.map { port in
            var port = port
            port.protocol = port.protocol.nonEmpty ?? "TCP"
            // With the host's network the container port is the host port; Kubernetes records it.
            if hostNetwork, (port.hostPort ?? 0) == 0 { port.hostPort = port.containerPort }
            return port
        }
        c.livenessProbe = c.livenessProbe?.withDefaults()
        c.readinessProbe = c.readinessProbe?.withDefaults()
        c.startupProbe = c.startupProbe?.withDefaults()
        if let limits = c.resources?.limits, !limits.isEmpty {
            var requests = c.resources?.requests ?? [:]
            for (name, limit) in limits where requests[name] == nil { requests[name] = limit }
            c.resources?.requests = requests
        }
        return c
    }

    /// `Always` for `:latest` or an untagged image (which means latest), else `IfNotPresent`.
    /// A digest pins the content, so it counts as a tag.
    public static func defaultPullPolicy(forImage image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        guard let colon = lastComponent.lastIndex(of: ":") else { return "Always" }
        return lastComponent[lastComponent.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }
}

extension Probe {
    func withDefaults() -> Probe {
        var p = self
        // Go's zero value means unset: an explicit 0 gets the default too, as in Kubernetes.
        p.timeoutSeconds = p.timeoutSeconds.nonZero ?? 1
        p.periodSeconds = p.periodSeconds.nonZero ?? 10
        p.successThreshold = p.successThreshold.nonZero ?? 1
        p.failureThreshold = p.failureThreshold.nonZero ?? 3
        if var http = p.httpGet {
            http.path = http.path.nonEmpty ?? "/"
            http.scheme = http.scheme.nonEmpty ?? "HTTP"
            p.httpGet = http
        }
        return p
    }
}

extension Volume {
    func withDefaults() -> Volume {
        var v = self
        // 0644, as Kubernetes writes it (decimal 420) for files projected from API objects.
        v.secret = v.secret.map { Volume.withDefaultMode($0) }
        v.configMap = v.configMap.map { Volume.withDefaultMode($0) }
        v.projected = v.projected.map { Volume.withDefaultMode($0) }
        v.downwardAPI = v.downwardAPI.map { Volume.withDefaultMode($0) }
        if var hostPath = v.hostPath, hostPath.type == nil {
            hostPath.type = ""
            v.hostPath = hostPath
        }
        return v
    }

    private static func withDefaultMode(_ source: JSONValue) -> JSONValue {
        guard case .object(var fields) = source else { return source }
        if fields["defaultMode"] == nil { fields["defaultMode"] = .int(420) }
        return .object(fields)
    }
}

extension Optional where Wrapped == String {
    /// The string unless it is nil or empty: Go's zero value and a missing field mean the same.
    var nonEmpty: String? {
        guard let s = self, !s.isEmpty else { return nil }
        return s
    }
}

extension Optional where Wrapped == Int32 {
    /// The number unless it is nil or 0 (Go's zero value, which Kubernetes' defaulting treats as unset).
    var nonZero: Int32? {
        guard let n = self, n != 0 else { return nil }
        return n
    }
}
