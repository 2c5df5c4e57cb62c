import BerthAPI

/// The scheduler's decision for one pod, as pure functions (kube-scheduler's filter then
/// score): a node is feasible when it is Ready and schedulable, matches the pod's
/// nodeSelector, has every NoSchedule taint tolerated, and has room for the pod's requests;
/// among the feasible nodes the least allocated wins.
public enum SchedulingAlgorithm {
    public enum Decision: Equatable, Sendable {
        case bind(node: String)
        /// The message kube-scheduler puts in the PodScheduled condition, e.g.
        /// "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector."
        case unschedulable(message: String)
    }

    /// What a pod asks for, summed over its containers (init containers: the largest one).
    public struct Requests: Equatable, Sendable {
        public var milliCPU: Int64 = 0
        public var memory: Int64 = 0

        public init(milliCPU: Int64 = 0, memory: Int64 = 0) {
            self.milliCPU = milliCPU
            self.memory = memory
        }

        public init(pod: Pod) {
            for container in pod.spec.containers {
                milliCPU += container.resources?.requests?["cpu"]?.milliValue ?? 0
                memory += container.resources?.requests?["memory"]?.value ?? 0
            }
            // Native sidecars run beside the app containers; plain init containers run before.
            for container in pod.spec.initContainers ?? [] where container.restartPolicy == "Always" {
                milliCPU += container.resources?.requests?["cpu"]?.milliValue ?? 0
                memory += container.resources?.requests?["memory"]?.value ?? 0
            }
        }
    }

    /// kube-scheduler's message when there is no node at all.
    public static let noNodesMessage = "no nodes available to schedule pods"

    public static func schedule(_ pod: Pod, nodes: [Node], podsOnNode: [String: [Pod]]) -> Decision {
        guard !nodes.isEmpty else { return .unschedulable(message: noNodesMessage) }
        var reasons: [String: Int] = [:]
        var feasible: [(name: String, score: Double)] = []
        let wanted = Requests(pod: pod)
        for node in nodes {
            let name = node.metadata.name ?? ""
            let unfit = filter(pod, wanted: wanted, node: node, running: podsOnNode[name] ?? [])
            if unfit.isEmpty {
                feasible.append((name, score(wanted, node: node, running: podsOnNode[name] ?? [])))
            } else {
                for reason in unfit { reasons[reason, default: 0] += 1 }
            }
        }
        if let best = feasible.max(by: { ($0.score, $1.name) < ($1.score, $0.name) }) {
            return .bind(node: best.name)
        }
        return .unschedulable(message: unschedulableMessage(nodeCount: nodes.count, reasons: reasons))
    }

    /// kube-scheduler's FitError text: "0/N nodes are available: " and the histogram of reasons,
    /// each "<count> <reason>", sorted as strings (so the count is part of the order), joined
    /// with ", " and ended with a period.
    static func unschedulableMessage(nodeCount: Int, reasons: [String: Int]) -> String {
        let histogram = reasons.map { "\($0.value) \($0.key)" }.sorted()
        return "0/\(nodeCount) nodes are available" + (histogram.isEmpty ? "." : ": \(histogram.joined(separator: ", ")).")
    }

    /// Why the node cannot take the pod (kube-scheduler's wording), empty if it can. As in
    /// kube-scheduler the first failing check decides, except that every insufficient resource
    /// is named (its NodeResourcesFit reports them all).
    static func filter(_ pod: Pod, wanted: Requests, node: Node, running: [Pod]) -> [String] {
        let ready = node.status?.conditions?.first { $0.type == "Ready" }?.status == "True"
        if !ready { return ["node(s) were not ready"] }
        if node.spec?.unschedulable == true { return ["node(s) were unschedulable"] }
        let labels = node.metadata.labels ?? [:]
        for (key, value) in pod.spec.nodeSelector ?? [:] where labels[key] != value {
            return ["node(s) didn't match Pod's node affinity/selector"]
        }
        for taint in node.spec?.taints ?? [] where taint.effect == "NoSchedule" || taint.effect == "NoExecute" {
            if !(pod.spec.tolerations ?? []).contains(where: { tolerates($0, taint) }) {
                return ["node(s) had untolerated taint {\(taint.key): \(taint.value ?? "")}"]
            }
        }
        let allocatable = node.status?.allocatable ?? [:]
        let used = running.reduce(Requests()) { sum, pod in
            let r = Requests(pod: pod)
            return Requests(milliCPU: sum.milliCPU + r.milliCPU, memory: sum.memory + r.memory)
        }
        var insufficient: [String] = []
        if let pods = allocatable["pods"]?.value, Int64(running.count) + 1 > pods { insufficient.append("Too many pods") }
        if let cpu = allocatable["cpu"]?.milliValue, wanted.milliCPU > 0, used.milliCPU + wanted.milliCPU > cpu {
            insufficient.append("Insufficient cpu")
        }
        if let memory = allocatable["memory"]?.value, wanted.memory > 0, used.memory + wanted.memory > memory {
            insufficient.append("Insufficient memory")
        }
        return insufficient
    }

    static func tolerates(_ toleration: Toleration, _ taint: Taint) -> Bool {
        if let effect = toleration.effect, !effect.isEmpty, effect != taint.effect { return false }
        if toleration.operator == "Exists" { return toleration.key == nil || toleration.key == taint.key }
        return toleration.key == taint.key && (toleration.value ?? "") == (taint.value ?? "")
    }

    /// kube-scheduler's LeastAllocated: the mean free fraction of cpu and memory after placing the pod.
    static func score(_ wanted: Requests, node: Node, running: [Pod]) -> Double {
        let allocatable = node.status?.allocatable ?? [:]
        let cpu = Double(allocatable["cpu"]?.milliValue ?? 1)
        let memory = Double(allocatable["memory"]?.value ?? 1)
        var usedCPU = Double(wanted.milliCPU), usedMemory = Double(wanted.memory)
        for pod in running {
            let r = Requests(pod: pod)
            usedCPU += Double(r.milliCPU)
            usedMemory += Double(r.memory)
        }
        return ((cpu - usedCPU) / max(cpu, 1) + (memory - usedMemory) / max(memory, 1)) / 2
    }
}
