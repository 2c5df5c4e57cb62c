/// How a strategic merge patch treats one field: Kubernetes' `patchStrategy` / `patchMergeKey`
/// struct tags from k8s.io/api.
struct PatchMeta: Sendable, Equatable {
    /// Lists: merged rather than replaced. With a merge key the elements are maps matched by that
    /// key; without one they are primitives merged as a set (finalizers).
    var mergeList = false
    var mergeKey: String?
    /// `retainKeys`: the map (or each element of a list of maps) keeps only the keys the patch names.
    var retainKeys = false

    static func merge(_ key: String, retainKeys: Bool = false) -> PatchMeta {
        PatchMeta(mergeList: true, mergeKey: key, retainKeys: retainKeys)
    }

    static let primitiveSet = PatchMeta(mergeList: true, mergeKey: nil)
    static let retainKeysMap = PatchMeta(retainKeys: true)
}

/// The merge-key tables, keyed by kind and then by field path. A path names map keys joined by
/// "." and skips list indices, so `spec.containers.ports` is the ports of every container.
///
/// The tables copy the struct tags of k8s.io/api exactly, on purpose: kubectl computes its
/// patches from its compiled-in copy of the same tags, so a field that Berth merged where
/// Kubernetes replaces (or the reverse) would make patches from kubectl lose or keep the wrong
/// elements. That is why `spec.taints` (Node) and `status.containerStatuses` (Pod) are replaced
/// wholesale: they carry no patch strategy in Kubernetes. Fields not listed here are merged if
/// they are maps and replaced if they are lists.
enum PatchSchema {
    static func table(forKind kind: String) -> [String: PatchMeta] {
        tables[kind] ?? tables[""] ?? [:]
    }

    private static let tables: [String: [String: PatchMeta]] = {
        var byKind: [String: [String: PatchMeta]] = [:]
        let common = objectMeta("metadata")
        byKind[""] = common
        byKind["Pod"] = common
            .merging(podSpec("spec")) { a, _ in a }
            .merging(podStatus) { a, _ in a }
        let template = objectMeta("spec.template.metadata").merging(podSpec("spec.template.spec")) { a, _ in a }
        let conditions = ["status.conditions": PatchMeta.merge("type")]
        for kind in ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController"] {
            byKind[kind] = common.merging(template) { a, _ in a }.merging(conditions) { a, _ in a }
        }
        byKind["Deployment"]?["spec.strategy"] = .retainKeysMap
        byKind["CronJob"] = common
            .merging(objectMeta("spec.jobTemplate.spec.template.metadata")) { a, _ in a }
            .merging(podSpec("spec.jobTemplate.spec.template.spec")) { a, _ in a }
        byKind["PodTemplate"] = common
            .merging(objectMeta("template.metadata")) { a, _ in a }
            .merging(podSpec("template.spec")) { a, _ in a }
        byKind["Node"] = common.merging([
            "spec.podCIDRs": .primitiveSet,
            "status.conditions": .merge("type"),
            "status.addresses": .merge("type"),
        ]) { a, _ in a }
        byKind["Namespace"] = common.merging(conditions) { a, _ in a }
        byKind["Service"] = common.merging([
            "spec.ports": .merge("port"),
            "status.conditions": .merge("type"),
        ]) { a, _ in a }
        return byKind
    }()

    private static func objectMeta(_ prefix: String) -> [String: PatchMeta] {
        [
            prefix + ".ownerReferences": .merge("uid"),
            prefix + ".finalizers": .primitiveSet,
        ]
    }

    private static func podSpec(_ prefix: String) -> [String: PatchMeta] {
        var table: [String: PatchMeta] = [
            prefix + ".volumes": .merge("name", retainKeys: true),
            prefix + ".imagePullSecrets": .merge("name"),
            prefix + ".hostAliases": .merge("ip"),
            prefix + ".topologySpreadConstraints": .merge("topologyKey"),
            prefix + ".schedulingGates": .merge("name"),
            prefix + ".resourceClaims": .merge("name", retainKeys: true),
        ]
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            let path = prefix + "." + list
            table[path] = .merge("name")
            table[path + ".ports"] = .merge("containerPort")
            table[path + ".env"] = .merge("name")
            table[path + ".volumeMounts"] = .merge("mountPath")
            table[path + ".volumeDevices"] = .merge("devicePath")
        }
        return table
    }

    private static let podStatus: [String: PatchMeta] = [
        "status.conditions": .merge("type"),
        "status.podIPs": .merge("ip"),
        "status.hostIPs": .merge("ip"),
    ]
}
