import BerthAPI
import Foundation

/// Where an API object or collection lives: `(group, version, resource, namespace, name,
/// subresource)`, turned into Kubernetes' REST path.
public struct ResourceRef: Sendable, Hashable, CustomStringConvertible {
    /// "" for the core group (served under /api).
    public var group: String
    public var version: String
    /// The plural resource name: pods, nodes, events, leases...
    public var resource: String
    /// nil for cluster-scoped resources and for lists across all namespaces.
    public var namespace: String?
    public var name: String?
    public var subresource: String?

    public init(group: String = "", version: String = "v1", resource: String, namespace: String? = nil,
                name: String? = nil, subresource: String? = nil) {
        self.group = group
        self.version = version
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    public static func pods(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> ResourceRef {
        ResourceRef(resource: "pods", namespace: namespace, name: name, subresource: subresource)
    }

    public static func nodes(name: String? = nil, subresource: String? = nil) -> ResourceRef {
        ResourceRef(resource: "nodes", name: name, subresource: subresource)
    }

    public static func events(namespace: String? = nil, name: String? = nil) -> ResourceRef {
        ResourceRef(resource: "events", namespace: namespace, name: name)
    }

    public static func leases(namespace: String? = nil, name: String? = nil) -> ResourceRef {
        ResourceRef(group: "coordination.k8s.io", resource: "leases", namespace: namespace, name: name)
    }

    /// The same collection with a name (and optionally a subresource).
    public func named(_ name: String, subresource: String? = nil) -> ResourceRef {
        var copy = self
        copy.name = name
        copy.subresource = subresource
        return copy
    }

    /// `/api/v1/namespaces/default/pods/web/status`, with each segment percent-escaped.
    public var path: String {
        var parts = group.isEmpty ? ["api", version] : ["apis", group, version]
        if let namespace { parts += ["namespaces", namespace] }
        parts.append(resource)
        if let name { parts.append(name) }
        if let subresource { parts.append(subresource) }
        return "/" + parts.map(Self.escape).joined(separator: "/")
    }

    public var description: String { path }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: pathSafe) ?? segment
    }

    private static let pathSafe: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~:@")
        return set
    }()
}

/// Query options of list and watch.
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var resourceVersion: String?
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool
    public var limit: Int?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
                timeoutSeconds: Int? = nil, allowWatchBookmarks: Bool = false, limit: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
        self.limit = limit
    }

    /// The query items, in a fixed order so that requests are reproducible.
    func queryItems(watch: Bool) -> [URLQueryItem] {
        var items: [URLQueryItem] = []
        if watch && allowWatchBookmarks { items.append(URLQueryItem(name: "allowWatchBookmarks", value: "true")) }
        if let fieldSelector { items.append(URLQueryItem(name: "fieldSelector", value: fieldSelector)) }
        if let labelSelector { items.append(URLQueryItem(name: "labelSelector", value: labelSelector)) }
        if let limit, !watch { items.append(URLQueryItem(name: "limit", value: String(limit))) }
        if let resourceVersion { items.append(URLQueryItem(name: "resourceVersion", value: resourceVersion)) }
        if let timeoutSeconds { items.append(URLQueryItem(name: "timeoutSeconds", value: String(timeoutSeconds))) }
        if watch { items.append(URLQueryItem(name: "watch", value: "true")) }
        return items
    }
}

/// The patch formats Kubernetes accepts, by Content-Type.
public enum PatchType: String, Sendable {
    case merge = "application/merge-patch+json"
    case strategic = "application/strategic-merge-patch+json"
    case json = "application/json-patch+json"
}
