import Foundation

/// The column sets and cells of the kube-apiserver's printers (`printPod`, `printNode`,
/// `printNamespace`, `printEvent`, `printConfigMap`, `printLease`).
extension TablePrinter.Printer {
    private static func column(_ name: String, _ description: String, priority: Int32 = 0,
                               type: String = "string", format: String = "") -> TableColumnDefinition {
        TableColumnDefinition(name: name, type: type, format: format, description: description, priority: priority)
    }

    private static func none(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "<none>" }
        return s
    }

    private static func unknown(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "<unknown>" }
        return s
    }

    static let pods = typed(Pod.self, [
        name,
        column("Ready", ColumnDescriptions.podReady),
        column("Status", ColumnDescriptions.podStatus),
        column("Restarts", ColumnDescriptions.podRestarts),
        age,
        column("IP", ColumnDescriptions.podIP, priority: 1),
        column("Node", ColumnDescriptions.podNode, priority: 1),
        column("Nominated Node", ColumnDescriptions.podNominatedNode, priority: 1),
        column("Readiness Gates", ColumnDescriptions.podReadinessGates, priority: 1),
    ]) { pod, now in
        let summary = PodSummary(pod)
        let status = pod.status ?? PodStatus()
        let ip = status.podIPs?.first?.ip ?? status.podIP
        var gates = "<none>"
        if let readinessGates = pod.spec.readinessGates, !readinessGates.isEmpty {
            let conditions = status.conditions ?? []
            let passed = readinessGates.filter { gate in
                conditions.first { $0.type == gate.conditionType }?.status == "True"
            }.count
            gates = "\(passed)/\(readinessGates.count)"
        }
        var conditions: [JSONValue]?
        switch status.phase {
        case "Succeeded": conditions = [rowCompleted(reason: "Succeeded", message: "The pod has completed successfully.")]
        case "Failed": conditions = [rowCompleted(reason: "Failed", message: "The pod failed.")]
        default: break
        }
        let cells: [String] = [
            pod.metadata.name ?? "", summary.ready, summary.status, summary.restartsText(now: now),
            HumanDuration.since(pod.metadata.creationTimestamp, now: now),
            none(ip), none(pod.spec.nodeName), none(status.nominatedNodeName), gates,
        ]
        return TableRow(cells: cells.map(JSONValue.string), conditions: conditions)
    }

    /// `metav1.TableRowCondition` of a finished pod.
    private static func rowCompleted(reason: String, message: String) -> JSONValue {
        .object(["type": .string("Completed"), "status": .string("True"), "reason": .string(reason), "message": .string(message)])
    }

    static let nodes = typed(Node.self, [
        name,
        column("Status", ColumnDescriptions.nodeStatus),
        column("Roles", ColumnDescriptions.nodeRoles),
        age,
        column("Version", ColumnDescriptions.nodeVersion),
        column("Internal-IP", ColumnDescriptions.nodeAddresses, priority: 1),
        column("External-IP", ColumnDescriptions.nodeAddresses, priority: 1),
        column("OS-Image", ColumnDescriptions.nodeOSImage, priority: 1),
        column("Kernel-Version", ColumnDescriptions.nodeKernel, priority: 1),
        column("Container-Runtime", ColumnDescriptions.nodeRuntime, priority: 1),
    ]) { node, now in
        let info = node.status?.nodeInfo ?? NodeSystemInfo()
        let addresses = node.status?.addresses ?? []
        let cells: [String] = [
            node.metadata.name ?? "", nodeStatus(node), nodeRoles(node).joined(separator: ",").nonEmptyOr("<none>"),
            HumanDuration.since(node.metadata.creationTimestamp, now: now), info.kubeletVersion,
            none(addresses.first { $0.type == "InternalIP" }?.address),
            none(addresses.first { $0.type == "ExternalIP" }?.address),
            unknown(info.osImage), unknown(info.kernelVersion), unknown(info.containerRuntimeVersion),
        ]
        return TableRow(cells: cells.map(JSONValue.string))
    }

    /// `Ready`, `NotReady` or `Unknown` (no Ready condition), then `SchedulingDisabled` when cordoned.
    static func nodeStatus(_ node: Node) -> String {
        var parts: [String] = []
        if let ready = (node.status?.conditions ?? []).last(where: { $0.type == "Ready" }) {
            parts.append(ready.status == "True" ? "Ready" : "NotReady")
        } else {
            parts.append("Unknown")
        }
        if node.spec?.unschedulable == true { parts.append("SchedulingDisabled") }
        return parts.joined(separator: ",")
    }

    /// Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted.
    static func nodeRoles(_ node: Node) -> [String] {
        var roles: Set<String> = []
        for (key, value) in node.metadata.labels ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", !value.isEmpty {
                roles.insert(value)
            }
        }
        return roles.sorted()
    }

    static let namespaces = typed(Namespace.self, [
        name, column("Status", ColumnDescriptions.namespaceStatus), age,
    ]) { ns, now in
        TableRow(cells: [
            .string(ns.metadata.name ?? ""), .string(ns.status?.phase ?? ""),
            .string(HumanDuration.since(ns.metadata.creationTimestamp, now: now)),
        ])
    }

    static let events = typed(Event.self, [
        column("Last Seen", ColumnDescriptions.eventLastSeen),
        column("Type", ColumnDescriptions.eventType),
        column("Reason", ColumnDescriptions.eventReason),
        column("Object", ColumnDescriptions.eventObject),
        column("Subobject", ColumnDescriptions.eventSubobject, priority: 1),
        column("Source", ColumnDescriptions.eventSource, priority: 1),
        column("Message", ColumnDescriptions.eventMessage),
        column("First Seen", ColumnDescriptions.eventFirstSeen, priority: 1),
        column("Count", ColumnDescriptions.eventCount, priority: 1),
        column("Name", ColumnDescriptions.name, priority: 1, format: "name"),
    ]) { event, now in
        var firstSeen = HumanDuration.since(event.firstTimestamp, now: now)
        if event.firstTimestamp?.isEmpty ?? true { firstSeen = HumanDuration.since(event.eventTime, now: now) }
        var lastSeen = HumanDuration.since(event.lastTimestamp, now: now)
        if event.lastTimestamp?.isEmpty ?? true { lastSeen = firstSeen }
        var count = Int64(event.count ?? 0)
        if let series = event.series {
            lastSeen = HumanDuration.since(series.lastObservedTime, now: now)
            count = Int64(series.count ?? 0)
        } else if count == 0 {
            // Singleton events of the new API carry no count.
            count = 1
        }
        let kind = (event.involvedObject.kind ?? "").lowercased()
        let target = (event.involvedObject.name ?? "").isEmpty ? kind : "\(kind)/\(event.involvedObject.name ?? "")"
        let component = (event.source?.component).nonEmpty ?? event.reportingComponent ?? ""
        let host = (event.source?.host).nonEmpty ?? event.reportingInstance ?? ""
        return TableRow(cells: [
            .string(lastSeen), .string(event.type ?? ""), .string(event.reason ?? ""), .string(target),
            .string(event.involvedObject.fieldPath ?? ""), .string(host.isEmpty ? component : "\(component), \(host)"),
            .string((event.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)),
            .string(firstSeen), .int(count), .string(event.metadata.name ?? ""),
        ])
    }

    static let configmaps = typed(ConfigMap.self, [
        name, column("Data", ColumnDescriptions.configMapData), age,
    ]) { cm, now in
        TableRow(cells: [
            .string(cm.metadata.name ?? ""), .int(Int64((cm.data?.count ?? 0) + (cm.binaryData?.count ?? 0))),
            .string(HumanDuration.since(cm.metadata.creationTimestamp, now: now)),
        ])
    }

    static let leases = typed(Lease.self, [
        name, column("Holder", ColumnDescriptions.leaseHolder), age,
    ]) { lease, now in
        TableRow(cells: [
            .string(lease.metadata.name ?? ""), .string(lease.spec?.holderIdentity ?? ""),
            .string(HumanDuration.since(lease.metadata.creationTimestamp, now: now)),
        ])
    }
}

extension String {
    fileprivate func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}
