import BerthAPI

extension ResourceInfo {
    /// `pods`, or `leases.coordination.k8s.io`, as Kubernetes names a resource in messages.
    var qualifiedResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The storage key of one object, or with `name` nil the prefix of a collection
    /// (`/registry/pods/ns/`, or `/registry/pods/` for every namespace).
    func key(namespace: String?, name: String?) -> String {
        var key = "/registry/\(plural)/"
        if namespaced, let namespace, !namespace.isEmpty { key += namespace + "/" }
        if let name { key += name }
        return key
    }
}
