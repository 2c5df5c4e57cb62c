/// Kubernetes' defaulting (`SetDefaults_*`) and create-time preparation (`PrepareForCreate` of the
/// registry strategies) for the kinds in this folder.
extension Namespace {
    /// The label `kubernetes.io/metadata.name` (always the name) and phase `Active` when unset.
    public func withDefaults() -> Namespace {
        var ns = self
        if ns.apiVersion?.isEmpty ?? true { ns.apiVersion = "v1" }
        if ns.kind?.isEmpty ?? true { ns.kind = "Namespace" }
        if let name = ns.metadata.name, !name.isEmpty {
            var labels = ns.metadata.labels ?? [:]
            labels[Namespace.nameLabel] = name
            ns.metadata.labels = labels
        }
        if ns.status?.phase?.isEmpty ?? true {
            var status = ns.status ?? NamespaceStatus()
            status.phase = NamespaceStatus.active
            ns.status = status
        }
        return ns
    }

    /// What the server does on create after defaulting: status is `Active` whatever the client
    /// sent, and the `kubernetes` finalizer is present (the namespace controller removes it once
    /// the namespace is empty).
    public func preparedForCreate() -> Namespace {
        var ns = withDefaults()
        ns.status = NamespaceStatus(phase: NamespaceStatus.active)
        var finalizers = ns.spec?.finalizers ?? []
        if !finalizers.contains(Namespace.kubernetesFinalizer) { finalizers.append(Namespace.kubernetesFinalizer) }
        ns.spec = NamespaceSpec(finalizers: finalizers)
        return ns
    }

    public static let nameLabel = "kubernetes.io/metadata.name"
    public static let kubernetesFinalizer = "kubernetes"
}

extension Node {
    /// `allocatable` defaults to `capacity`; `podCIDR` and `podCIDRs` mirror each other, as the
    /// v1 conversion keeps them.
    public func withDefaults() -> Node {
        var node = self
        if node.apiVersion?.isEmpty ?? true { node.apiVersion = "v1" }
        if node.kind?.isEmpty ?? true { node.kind = "Node" }
        if var status = node.status {
            if status.allocatable == nil, let capacity = status.capacity { status.allocatable = capacity }
            node.status = status
        }
        if var spec = node.spec {
            if (spec.podCIDRs ?? []).isEmpty, let cidr = spec.podCIDR, !cidr.isEmpty {
                spec.podCIDRs = [cidr]
            } else if let first = spec.podCIDRs?.first, spec.podCIDR?.isEmpty ?? true {
                spec.podCIDR = first
            }
            node.spec = spec
        }
        return node
    }
}

extension Event {
    public func withDefaults() -> Event {
        var event = self
        if event.apiVersion?.isEmpty ?? true { event.apiVersion = "v1" }
        if event.kind?.isEmpty ?? true { event.kind = "Event" }
        return event
    }
}

extension ConfigMap {
    public func withDefaults() -> ConfigMap {
        var cm = self
        if cm.apiVersion?.isEmpty ?? true { cm.apiVersion = "v1" }
        if cm.kind?.isEmpty ?? true { cm.kind = "ConfigMap" }
        return cm
    }
}

extension Lease {
    public func withDefaults() -> Lease {
        var lease = self
        if lease.apiVersion?.isEmpty ?? true { lease.apiVersion = "coordination.k8s.io/v1" }
        if lease.kind?.isEmpty ?? true { lease.kind = "Lease" }
        return lease
    }
}

extension Binding {
    public func withDefaults() -> Binding {
        var binding = self
        if binding.apiVersion?.isEmpty ?? true { binding.apiVersion = "v1" }
        if binding.kind?.isEmpty ?? true { binding.kind = "Binding" }
        return binding
    }
}
