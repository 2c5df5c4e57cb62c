import BerthAPI

/// What a URL under `/api` or `/apis` addresses.
enum RequestTarget: Sendable {
    /// `/api` or `/apis`.
    case discoveryRoot(core: Bool)
    /// `/apis/<group>`.
    case discoveryGroup(group: String)
    /// `/api/v1`, `/apis/<group>/<version>`.
    case discoveryVersion(group: String, version: String)
    /// A collection, an object or an object's subresource.
    case resource(ResourceTarget)
}

struct ResourceTarget: Sendable {
    var strategy: ResourceStrategy
    /// For namespaced kinds: nil means every namespace (a list or watch of `/api/v1/pods`).
    var namespace: String?
    var name: String?
    var subresource: String?
}

enum RequestPath {
    /// Parses `/api/v1/namespaces/ns/pods/x/status` and the like; nil when nothing is served there.
    static func parse(_ path: String) -> RequestTarget? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let root = segments.first else { return nil }
        let group: String
        let version: String
        let rest: ArraySlice<String>
        switch root {
        case "api":
            if segments.count == 1 { return .discoveryRoot(core: true) }
            group = ""
            version = segments[1]
            rest = segments.dropFirst(2)
        case "apis":
            if segments.count == 1 { return .discoveryRoot(core: false) }
            if segments.count == 2 { return .discoveryGroup(group: segments[1]) }
            group = segments[1]
            version = segments[2]
            rest = segments.dropFirst(3)
        default:
            return nil
        }
        guard version == "v1" else { return nil }
        let parts = Array(rest)
        if parts.isEmpty { return .discoveryVersion(group: group, version: version) }

        func strategy(_ plural: String) -> ResourceStrategy? {
            ResourceStrategy.forResource(group: group, plural: plural)
        }
        // /namespaces/<ns>/<resource>[/<name>[/<sub>]] for namespaced kinds.
        if parts[0] == "namespaces", parts.count >= 3, let s = strategy(parts[2]), s.resource.namespaced {
            guard parts.count <= 5 else { return nil }
            return .resource(ResourceTarget(strategy: s, namespace: parts[1], name: parts.count > 3 ? parts[3] : nil,
                                            subresource: parts.count > 4 ? parts[4] : nil))
        }
        // /<resource>[/<name>[/<sub>]]: cluster-scoped kinds, or every namespace of a namespaced one.
        guard let s = strategy(parts[0]), parts.count <= 3 else { return nil }
        if s.resource.namespaced && parts.count > 1 { return nil }
        return .resource(ResourceTarget(strategy: s, namespace: nil, name: parts.count > 1 ? parts[1] : nil,
                                        subresource: parts.count > 2 ? parts[2] : nil))
    }
}
