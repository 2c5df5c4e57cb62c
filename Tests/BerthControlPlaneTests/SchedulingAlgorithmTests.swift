import BerthAPI
import BerthControlPlane
import Testing

/// The scheduler's decision and kube-scheduler's wording of why a pod cannot be placed.
@Suite struct SchedulingAlgorithmTests {
    static func node(_ name: String, cpu: String = "2", memory: String = "4Gi", labels: [String: String] = [:],
                     unschedulable: Bool? = nil, ready: Bool = true) throws -> Node {
        let resources: [String: Quantity] = ["cpu": try Quantity(cpu), "memory": try Quantity(memory), "pods": try Quantity("110")]
        return Node(metadata: ObjectMeta(name: name, labels: ["kubernetes.io/hostname": name].merging(labels) { _, new in new }),
                    spec: NodeSpec(unschedulable: unschedulable),
                    status: NodeStatus(capacity: resources, allocatable: resources,
                                       conditions: [NodeCondition(type: "Ready", status: ready ? "True" : "False")]))
    }

    static func pod(cpu: String? = nil, memory: String? = nil, selector: [String: String]? = nil) throws -> Pod {
        var requests: [String: Quantity] = [:]
        if let cpu { requests["cpu"] = try Quantity(cpu) }
        if let memory { requests["memory"] = try Quantity(memory) }
        let container = Container(name: "main", image: "busybox", resources: ResourceRequirements(requests: requests))
        return Pod(metadata: ObjectMeta(name: "p", namespace: "default"), spec: PodSpec(containers: [container], nodeSelector: selector))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var pod: @Sendable () throws -> Pod
        var nodes: @Sendable () throws -> [Node]
        var expected: SchedulingAlgorithm.Decision
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "selector picks the labelled node", pod: { try pod(selector: ["disk": "ssd"]) },
             nodes: { [try node("n1"), try node("n2", labels: ["disk": "ssd"])] }, expected: .bind(node: "n2")),
        Case(name: "too much cpu everywhere", pod: { try pod(cpu: "1000") }, nodes: { [try node("n1"), try node("n2")] },
             expected: .unschedulable(message: "0/2 nodes are available: 2 Insufficient cpu.")),
        Case(name: "every insufficient resource of a node is counted", pod: { try pod(cpu: "1000", memory: "1Ti") },
             nodes: { [try node("n1"), try node("n2")] },
             expected: .unschedulable(message: "0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.")),
        // Sorted as whole strings, count first, as kube-scheduler's FitError does.
        Case(name: "reasons sorted with their counts", pod: { try pod(cpu: "3", selector: ["disk": "ssd"]) },
             nodes: { [try node("n1", labels: ["disk": "ssd"]), try node("n2", labels: ["disk": "ssd"]), try node("n3")] },
             expected: .unschedulable(message: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.")),
        Case(name: "cordoned and mismatched", pod: { try pod(selector: ["kubernetes.io/hostname": "n1"]) },
             nodes: { [try node("n1", unschedulable: true), try node("n2")] },
             expected: .unschedulable(message: "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable.")),
        Case(name: "not ready", pod: { try pod() }, nodes: { [try node("n1", ready: false)] },
             expected: .unschedulable(message: "0/1 nodes are available: 1 node(s) were not ready.")),
        Case(name: "no nodes at all", pod: { try pod() }, nodes: { [] },
             expected: .unschedulable(message: "no nodes available to schedule pods")),
    ]

    @Test(arguments: cases) func decision(_ test: Case) throws {
        #expect(SchedulingAlgorithm.schedule(try test.pod(), nodes: try test.nodes(), podsOnNode: [:]) == test.expected)
    }

    @Test func leastAllocatedNodeWins() throws {
        let busy = try Self.pod(cpu: "1500m")
        let decision = SchedulingAlgorithm.schedule(try Self.pod(cpu: "100m"), nodes: [try Self.node("n1"), try Self.node("n2")],
                                                    podsOnNode: ["n1": [busy]])
        #expect(decision == .bind(node: "n2"))
    }
}
