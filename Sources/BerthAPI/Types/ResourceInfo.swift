/// One served resource, as discovery publishes it (`kubectl api-resources`): the server routes,
/// stores and prints by these.
public struct ResourceInfo: Sendable, Equatable, Hashable {
    /// "" for core/v1.
    public var group: String
    public var version: String
    public var kind: String
    /// The URL segment and storage key segment: `pods`.
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    public var verbs: [String]
    public var subresources: [SubresourceInfo]

    public init(group: String, version: String, kind: String, plural: String, singular: String, namespaced: Bool,
                shortNames: [String] = [], categories: [String] = [], verbs: [String] = ResourceInfo.standardVerbs,
                subresources: [SubresourceInfo] = []) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.verbs = verbs
        self.subresources = subresources
    }

    /// `v1` or `coordination.k8s.io/v1`: the objects' `apiVersion`, and discovery's `groupVersion`.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `PodList`.
    public var listKind: String { kind + "List" }
    /// `/api/v1` or `/apis/coordination.k8s.io/v1`.
    public var pathPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    public func subresource(_ name: String) -> SubresourceInfo? { subresources.first { $0.name == name } }

    public static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}

/// A subresource (`pods/status`, `pods/log`...): its response kind and verbs, for discovery.
public struct SubresourceInfo: Sendable, Equatable, Hashable {
    public var name: String
    /// The kind of object the subresource takes and returns (`Pod` for status, `Binding`...).
    public var kind: String
    /// The response kind's group and version when they differ from the resource's.
    public var group: String?
    public var version: String?
    public var verbs: [String]

    public init(name: String, kind: String, group: String? = nil, version: String? = nil, verbs: [String]) {
        self.name = name
        self.kind = kind
        self.group = group
        self.version = version
        self.verbs = verbs
    }
}

/// The resources Berth serves, exactly as the kube-apiserver describes them in discovery.
public enum BuiltinResources {
    public static let pods = ResourceInfo(
        group: "", version: "v1", kind: "Pod", plural: "pods", singular: "pod", namespaced: true,
        shortNames: ["po"], categories: ["all"],
        subresources: [
            SubresourceInfo(name: "binding", kind: "Binding", verbs: ["create"]),
            SubresourceInfo(name: "exec", kind: "PodExecOptions", verbs: ["create", "get"]),
            SubresourceInfo(name: "log", kind: "Pod", verbs: ["get"]),
            SubresourceInfo(name: "status", kind: "Pod", verbs: ["get", "patch", "update"]),
        ])

    public static let nodes = ResourceInfo(
        group: "", version: "v1", kind: "Node", plural: "nodes", singular: "node", namespaced: false,
        shortNames: ["no"],
        subresources: [SubresourceInfo(name: "status", kind: "Node", verbs: ["get", "patch", "update"])])

    /// Namespaces have no `deletecollection`, in Kubernetes too.
    public static let namespaces = ResourceInfo(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", singular: "namespace", namespaced: false,
        shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        subresources: [SubresourceInfo(name: "status", kind: "Namespace", verbs: ["get", "patch", "update"])])

    public static let events = ResourceInfo(
        group: "", version: "v1", kind: "Event", plural: "events", singular: "event", namespaced: true,
        shortNames: ["ev"])

    public static let configmaps = ResourceInfo(
        group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", singular: "configmap", namespaced: true,
        shortNames: ["cm"])

    public static let leases = ResourceInfo(
        group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", singular: "lease", namespaced: true)

    /// In discovery order: core/v1 sorted by name, then the other groups.
    public static let all: [ResourceInfo] = [configmaps, events, namespaces, nodes, pods, leases]

    /// By plural (`pods`), singular (`pod`), short name (`po`) or kind (`Pod`), case-insensitively;
    /// `group` narrows the search when given.
    public static func lookup(_ name: String, group: String? = nil) -> ResourceInfo? {
        let lowered = name.lowercased()
        return all.first { info in
            (group == nil || info.group == group)
                && (info.plural == lowered || info.singular == lowered || info.kind.lowercased() == lowered
                    || info.shortNames.contains(lowered))
        }
    }

    /// The resource served at `group`/`version` under `plural`, as a URL names it.
    public static func resource(group: String, version: String, plural: String) -> ResourceInfo? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The API groups (`""` first) and the resources each serves, for discovery.
    public static var groups: [(group: String, version: String, resources: [ResourceInfo])] {
        var order: [String] = []
        var byGroup: [String: [ResourceInfo]] = [:]
        for info in all {
            if byGroup[info.group] == nil { order.append(info.group) }
            byGroup[info.group, default: []].append(info)
        }
        return order.map { group in
            let resources = byGroup[group] ?? []
            return (group, resources.first?.version ?? "v1", resources)
        }
    }
}
