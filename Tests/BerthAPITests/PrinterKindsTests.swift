import Foundation
import Testing
@testable import BerthAPI

/// Rows of the other kinds, and kubectl's duration strings.
@Suite struct PrinterKindsTests {
    static let now = PrinterPodTests.now
    static let created = "2026-02-27T08:05:00Z" // 2d2h before now

    static func cells(_ kind: String, _ objects: [some Encodable]) -> [[JSONValue]] {
        TablePrinter.table(kind: kind, objects: objects.map { PrinterPodTests.json($0) }, now: now).rows.map(\.cells)
    }

    static func node(_ name: String, ready: String?, unschedulable: Bool? = nil, labels: [String: String]? = nil) -> Node {
        Node(metadata: ObjectMeta(name: name, creationTimestamp: created, labels: labels),
             spec: NodeSpec(unschedulable: unschedulable),
             status: NodeStatus(
                conditions: [NodeCondition(type: "MemoryPressure", status: "False")]
                    + (ready.map { [NodeCondition(type: "Ready", status: $0)] } ?? []),
                addresses: [NodeAddress(type: "Hostname", address: name), NodeAddress(type: "InternalIP", address: "10.0.0.7")],
                nodeInfo: NodeSystemInfo(kernelVersion: "6.1.0-28-amd64", osImage: "Debian GNU/Linux 12 (bookworm)",
                                         containerRuntimeVersion: "berth://0.3.0", kubeletVersion: "v1.32.0-berth")))
    }

    @Test(arguments: [
        ("ready worker", node("n1", ready: "True"), "Ready", "<none>"),
        ("not ready", node("n1", ready: "False"), "NotReady", "<none>"),
        ("unknown heartbeat", node("n1", ready: "Unknown"), "NotReady", "<none>"),
        ("no Ready condition", node("n1", ready: nil), "Unknown", "<none>"),
        ("cordoned", node("n1", ready: "True", unschedulable: true), "Ready,SchedulingDisabled", "<none>"),
        ("roles", node("n1", ready: "True", labels: ["node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "",
                                                     "node-role.kubernetes.io/": "x", "kubernetes.io/role": "edge"]),
         "Ready", "control-plane,edge,worker"),
    ])
    func nodeRow(_ name: String, _ node: Node, _ status: String, _ roles: String) {
        #expect(Self.cells("nodes", [node]) == [[
            "n1", status, roles, "2d2h", "v1.32.0-berth", "10.0.0.7", "<none>", "Debian GNU/Linux 12 (bookworm)",
            "6.1.0-28-amd64", "berth://0.3.0",
        ].map(JSONValue.string)])
    }

    @Test func nodeColumns() {
        let columns = TablePrinter.columns(kind: "Node")
        #expect(columns.map(\.name) == ["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
                                        "Kernel-Version", "Container-Runtime"])
        #expect(columns.map(\.priority) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        // A node that has not reported yet.
        #expect(Self.cells("Node", [Node(metadata: ObjectMeta(name: "new"))]) == [[
            "new", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>",
        ].map(JSONValue.string)])
    }

    @Test func namespaces() {
        let active = Namespace(metadata: ObjectMeta(name: "default", creationTimestamp: Self.created), status: NamespaceStatus(phase: "Active"))
        let leaving = Namespace(metadata: ObjectMeta(name: "old", creationTimestamp: "2026-03-01T10:04:15Z"),
                                status: NamespaceStatus(phase: "Terminating"))
        #expect(TablePrinter.columns(kind: "ns").map(\.name) == ["Name", "Status", "Age"])
        #expect(Self.cells("namespaces", [active, leaving]) == [
            ["default", "Active", "2d2h"].map(JSONValue.string), ["old", "Terminating", "45s"].map(JSONValue.string),
        ])
    }

    @Test func events() {
        let backOff = Event(metadata: ObjectMeta(name: "web.181a", namespace: "default"),
                            involvedObject: ObjectReference(kind: "Pod", namespace: "default", name: "web", fieldPath: "spec.containers{app}"),
                            reason: "BackOff", message: "Back-off restarting failed container app\n",
                            source: EventSource(component: "kubelet", host: "node-1"),
                            firstTimestamp: "2026-03-01T09:05:00Z", lastTimestamp: "2026-03-01T10:04:00Z", count: 12, type: "Warning")
        let newStyle = Event(metadata: ObjectMeta(name: "n1.1", namespace: "default"),
                             involvedObject: ObjectReference(kind: "Node", name: "n1"), reason: "RegisteredNode", message: "registered",
                             type: "Normal", eventTime: "2026-03-01T10:04:50.123456Z", reportingComponent: "node-controller")
        let series = Event(metadata: ObjectMeta(name: "s", namespace: "default"), involvedObject: ObjectReference(kind: "Node"),
                           reason: "Unhealthy", type: "Warning", eventTime: "2026-03-01T09:00:00.000000Z",
                           series: EventSeries(count: 7, lastObservedTime: "2026-03-01T10:00:00.000000Z"),
                           reportingComponent: "kubelet", reportingInstance: "node-1")
        #expect(TablePrinter.columns(kind: "events").map(\.name) == ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source",
                                                                     "Message", "First Seen", "Count", "Name"])
        #expect(TablePrinter.columns(kind: "events").map(\.priority) == [0, 0, 0, 0, 1, 1, 0, 1, 1, 1])
        #expect(Self.cells("Event", [backOff, newStyle, series]) == [
            [.string("60s"), .string("Warning"), .string("BackOff"), .string("pod/web"), .string("spec.containers{app}"),
             .string("kubelet, node-1"), .string("Back-off restarting failed container app"), .string("60m"), .int(12), .string("web.181a")],
            [.string("9s"), .string("Normal"), .string("RegisteredNode"), .string("node/n1"), .string(""),
             .string("node-controller"), .string("registered"), .string("9s"), .int(1), .string("n1.1")],
            [.string("5m"), .string("Warning"), .string("Unhealthy"), .string("node"), .string(""),
             .string("kubelet, node-1"), .string(""), .string("65m"), .int(7), .string("s")],
        ])
    }

    @Test func configMapsCountBothMaps() {
        let cm = ConfigMap(metadata: ObjectMeta(name: "settings", namespace: "default", creationTimestamp: Self.created),
                           data: ["a": "1", "b": "2"], binaryData: ["c": "AA=="])
        #expect(TablePrinter.columns(kind: "cm").map(\.name) == ["Name", "Data", "Age"])
        #expect(Self.cells("ConfigMap", [cm, ConfigMap(metadata: ObjectMeta(name: "empty"))]) == [
            [.string("settings"), .int(3), .string("2d2h")], [.string("empty"), .int(0), .string("<unknown>")],
        ])
    }

    @Test func leases() {
        let lease = Lease(metadata: ObjectMeta(name: "n1", namespace: "kube-node-lease", creationTimestamp: Self.created),
                          spec: LeaseSpec(holderIdentity: "n1", leaseDurationSeconds: 40))
        #expect(TablePrinter.columns(kind: "leases").map(\.name) == ["Name", "Holder", "Age"])
        #expect(Self.cells("Lease", [lease, Lease(metadata: ObjectMeta(name: "free"))]) == [
            ["n1", "n1", "2d2h"].map(JSONValue.string), ["free", "", "<unknown>"].map(JSONValue.string),
        ])
    }

    @Test func unknownKindsGetNameAndAge() {
        let object: JSONValue = .object(["metadata": .object(["name": .string("x"), "creationTimestamp": .string(Self.created)])])
        let table = TablePrinter.table(kind: "Widget", objects: [object], now: Self.now)
        #expect(table.columnDefinitions.map(\.name) == ["Name", "Age"])
        #expect(table.rows.map(\.cells) == [["x", "2d2h"].map(JSONValue.string)])
        #expect(TablePrinter.table(kind: "pods", objects: [], now: Self.now).rows.isEmpty)
    }

    @Test(arguments: [TablePrinter.IncludeObject.none, .metadata, .object])
    func includeObjectQuery(_ policy: TablePrinter.IncludeObject) {
        #expect(TablePrinter.IncludeObject(query: policy.rawValue) == policy)
    }

    @Test func includeObjectDefaultsToMetadata() {
        #expect(TablePrinter.IncludeObject(query: nil) == .metadata)
        #expect(TablePrinter.IncludeObject(query: "") == .metadata)
        #expect(TablePrinter.IncludeObject(query: "Everything") == nil)
    }

    /// apimachinery's duration.HumanDuration, boundaries included.
    @Test(arguments: [
        (-5.0, "<invalid>"), (-1.5, "0s"), (-1, "0s"), (0, "0s"), (59, "59s"), (119.9, "119s"), (120, "2m"), (150, "2m30s"),
        (599, "9m59s"), (600, "10m"), (10_799, "179m"), (10_800, "3h"), (11_100, "3h5m"), (28_799, "7h59m"), (28_800, "8h"),
        (172_799, "47h"), (172_800, "2d"), (190_800, "2d5h"), (691_199, "7d23h"), (691_200, "8d"), (63_071_999, "729d"),
        (63_072_000, "2y"), (63_158_400, "2y1d"), (252_287_999, "7y364d"), (252_288_000, "8y"),
    ])
    func humanDuration(seconds: Double, expected: String) {
        #expect(HumanDuration.string(seconds) == expected)
    }

    @Test func since() {
        #expect(HumanDuration.since("2026-03-01T10:04:00Z", now: Self.now) == "60s")
        #expect(HumanDuration.since(nil, now: Self.now) == "<unknown>")
        #expect(HumanDuration.since("yesterday", now: Self.now) == "<unknown>")
        // A little clock skew reads as now, more as invalid, as in kubectl.
        #expect(HumanDuration.since("2026-03-01T10:05:01Z", now: Self.now) == "0s")
        #expect(HumanDuration.since("2026-03-01T10:06:00Z", now: Self.now) == "<invalid>")
    }
}
