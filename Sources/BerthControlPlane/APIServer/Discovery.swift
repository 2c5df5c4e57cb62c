import BerthAPI
import Foundation
import Hummingbird

/// Discovery documents: aggregated (apidiscovery.k8s.io/v2, which kubectl asks for first and
/// recognises only by its exact Content-Type) and the legacy APIVersions / APIGroupList /
/// APIResourceList it falls back to.
enum Discovery {
    static let groupPriority = ["": 0]

    static func version() -> JSONValue {
        .object([
            "major": "1", "minor": "32", "gitVersion": "v1.32.0-berth", "gitCommit": "berth",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "swift6",
            "compiler": "swiftc", "platform": "linux/amd64",
        ])
    }

    /// `/api` (core = true) or `/apis`, in the form the Accept asks for.
    static func root(core: Bool, negotiation: Negotiation, host: String) -> Response {
        let groups = BuiltinResources.groups.filter { ($0.group.isEmpty) == core }
        if negotiation.wantsAggregatedDiscovery {
            let items: [JSONValue] = groups.map { group in
                .object([
                    "metadata": .object(["name": .string(group.group), "creationTimestamp": .null]),
                    "versions": .array([.object([
                        "version": .string(group.version), "freshness": "Current",
                        "resources": .array(group.resources.map(aggregatedResource)),
                    ])]),
                ])
            }
            let list: JSONValue = .object([
                "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
                "metadata": .object([:]), "items": .array(items),
            ])
            return APIResponse.json(list, contentType: Negotiation.aggregatedDiscoveryContentType)
        }
        if core {
            return APIResponse.json(.object([
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": .array([.object(["clientCIDR": "0.0.0.0/0", "serverAddress": .string(host)])]),
            ]))
        }
        return APIResponse.json(.object([
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .array(groups.map { apiGroup($0.group, $0.version) }),
        ]))
    }

    static func apiGroup(_ group: String, _ version: String) -> JSONValue {
        let gv: JSONValue = .object(["groupVersion": .string("\(group)/\(version)"), "version": .string(version)])
        return .object(["kind": "APIGroup", "apiVersion": "v1", "name": .string(group), "versions": .array([gv]),
                        "preferredVersion": gv])
    }

    /// `/api/v1` or `/apis/<group>/<version>`; nil when the group version is not served.
    static func resourceList(group: String, version: String) -> JSONValue? {
        guard let entry = BuiltinResources.groups.first(where: { $0.group == group && $0.version == version }) else {
            return nil
        }
        var resources: [JSONValue] = []
        for info in entry.resources {
            var r: [String: JSONValue] = [
                "name": .string(info.plural), "singularName": .string(info.singular), "namespaced": .bool(info.namespaced),
                "kind": .string(info.kind), "verbs": .array(info.verbs.map(JSONValue.string)),
            ]
            if !info.shortNames.isEmpty { r["shortNames"] = .array(info.shortNames.map(JSONValue.string)) }
            if !info.categories.isEmpty { r["categories"] = .array(info.categories.map(JSONValue.string)) }
            resources.append(.object(r))
            for sub in info.subresources {
                var s: [String: JSONValue] = [
                    "name": .string("\(info.plural)/\(sub.name)"), "singularName": "", "namespaced": .bool(info.namespaced),
                    "kind": .string(sub.kind), "verbs": .array(sub.verbs.map(JSONValue.string)),
                ]
                if let g = sub.group { s["group"] = .string(g) }
                if let v = sub.version { s["version"] = .string(v) }
                resources.append(.object(s))
            }
        }
        return .object([
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(entry.resources.first?.groupVersion ?? version),
            "resources": .array(resources),
        ])
    }

    static func aggregatedResource(_ info: ResourceInfo) -> JSONValue {
        var r: [String: JSONValue] = [
            "resource": .string(info.plural),
            "responseKind": .object(["group": .string(info.group), "version": .string(info.version), "kind": .string(info.kind)]),
            "scope": .string(info.namespaced ? "Namespaced" : "Cluster"),
            "singularResource": .string(info.singular),
            "verbs": .array(info.verbs.map(JSONValue.string)),
        ]
        if !info.shortNames.isEmpty { r["shortNames"] = .array(info.shortNames.map(JSONValue.string)) }
        if !info.categories.isEmpty { r["categories"] = .array(info.categories.map(JSONValue.string)) }
        if !info.subresources.isEmpty {
            r["subresources"] = .array(info.subresources.map { sub in
                .object([
                    "subresource": .string(sub.name),
                    "responseKind": .object(["group": .string(sub.group ?? info.group), "version": .string(sub.version ?? info.version),
                                             "kind": .string(sub.kind)]),
                    "verbs": .array(sub.verbs.map(JSONValue.string)),
                ])
            })
        }
        return .object(r)
    }
}
