import Foundation
import Testing
@testable import BerthAPI

/// Pod rows as the kube-apiserver prints them (`printPod`), in many states.
@Suite struct PrinterPodTests {
    static let created = "2026-03-01T10:00:00Z"
    static let now = Date(timeIntervalSince1970: 1_772_359_500) // 2026-03-01T10:05:00Z

    static func json<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONValue(parsingJSON: encodeJSON(value))) ?? .null
    }

    static func running(_ name: String = "app", ready: Bool = true, restarts: Int32 = 0, lastFinished: String? = nil) -> ContainerStatus {
        ContainerStatus(name: name, state: ContainerState(running: ContainerStateRunning(startedAt: created)),
                        lastState: lastFinished.map { ContainerState(terminated: ContainerStateTerminated(exitCode: 1, reason: "Error", finishedAt: $0)) },
                        ready: ready, restartCount: restarts, started: true)
    }
    static func waiting(_ name: String, _ reason: String, restarts: Int32 = 0, lastFinished: String? = nil) -> ContainerStatus {
        ContainerStatus(name: name, state: ContainerState(waiting: ContainerStateWaiting(reason: reason)),
                        lastState: lastFinished.map { ContainerState(terminated: ContainerStateTerminated(exitCode: 1, reason: "Error", finishedAt: $0)) },
                        restartCount: restarts)
    }
    static func terminated(_ name: String, _ code: Int32, reason: String?, signal: Int32? = nil) -> ContainerStatus {
        ContainerStatus(name: name, state: ContainerState(terminated: ContainerStateTerminated(exitCode: code, signal: signal, reason: reason)))
    }
    static func condition(_ type: String, _ status: String = "True", reason: String? = nil) -> PodCondition {
        PodCondition(type: type, status: status, reason: reason)
    }

    static let setup = Container(name: "setup", image: "busybox")
    static let setup2 = Container(name: "setup2", image: "busybox")
    static let proxy = Container(name: "proxy", image: "busybox", restartPolicy: "Always")

    static func pod(initContainers: [Container]? = nil, apps: [String] = ["app"], phase: String?, reason: String? = nil,
                    conditions: [PodCondition]? = nil, initStatuses: [ContainerStatus]? = nil, statuses: [ContainerStatus]? = nil,
                    deleting: Bool = false) -> Pod {
        Pod(metadata: ObjectMeta(name: "web", namespace: "default", creationTimestamp: created,
                                 deletionTimestamp: deleting ? "2026-03-01T10:04:00Z" : nil),
            spec: PodSpec(initContainers: initContainers, containers: apps.map { Container(name: $0, image: "busybox") }),
            status: PodStatus(phase: phase, conditions: conditions, reason: reason, initContainerStatuses: initStatuses,
                              containerStatuses: statuses))
    }

    struct RowCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var pod: Pod
        var ready: String
        var status: String
        var restarts = "0"
    }

    @Test(arguments: [
        RowCase(testDescription: "running", pod: pod(phase: "Running", statuses: [running()]), ready: "1/1", status: "Running"),
        RowCase(testDescription: "pending, no statuses", pod: pod(phase: "Pending"), ready: "0/1", status: "Pending"),
        RowCase(testDescription: "no phase at all", pod: pod(phase: nil), ready: "0/1", status: ""),
        RowCase(testDescription: "creating", pod: pod(phase: "Pending", statuses: [waiting("app", "ContainerCreating")]),
                ready: "0/1", status: "ContainerCreating"),
        RowCase(testDescription: "image pull", pod: pod(phase: "Pending", statuses: [waiting("app", "ErrImagePull")]),
                ready: "0/1", status: "ErrImagePull"),
        RowCase(testDescription: "completed", pod: pod(phase: "Succeeded", statuses: [terminated("app", 0, reason: "Completed")]),
                ready: "0/1", status: "Completed"),
        RowCase(testDescription: "error", pod: pod(phase: "Failed", statuses: [terminated("app", 1, reason: "Error")]),
                ready: "0/1", status: "Error"),
        RowCase(testDescription: "OOMKilled", pod: pod(phase: "Running", statuses: [terminated("app", 137, reason: "OOMKilled")]),
                ready: "0/1", status: "OOMKilled"),
        RowCase(testDescription: "signal without reason", pod: pod(phase: "Failed", statuses: [terminated("app", 137, reason: nil, signal: 9)]),
                ready: "0/1", status: "Signal:9"),
        RowCase(testDescription: "exit code without reason", pod: pod(phase: "Failed", statuses: [terminated("app", 3, reason: nil)]),
                ready: "0/1", status: "ExitCode:3"),
        RowCase(testDescription: "one completed, one running, pod ready",
                pod: pod(apps: ["app", "done"], phase: "Running", conditions: [condition("Ready")],
                         statuses: [running(), terminated("done", 0, reason: "Completed")]),
                ready: "1/2", status: "Running"),
        RowCase(testDescription: "one completed, one running, pod not ready",
                pod: pod(apps: ["app", "done"], phase: "Running", conditions: [condition("Ready", "False")],
                         statuses: [running(), terminated("done", 0, reason: "Completed")]),
                ready: "1/2", status: "NotReady"),
        RowCase(testDescription: "running but not ready", pod: pod(phase: "Running", statuses: [running(ready: false)]),
                ready: "0/1", status: "Running"),
        RowCase(testDescription: "crash loop with last restart time",
                pod: pod(phase: "Running", statuses: [waiting("app", "CrashLoopBackOff", restarts: 4, lastFinished: "2026-03-01T10:03:00Z")]),
                ready: "0/1", status: "CrashLoopBackOff", restarts: "4 (2m ago)"),
        RowCase(testDescription: "restarts without a finish time", pod: pod(phase: "Running", statuses: [running(restarts: 2)]),
                ready: "1/1", status: "Running", restarts: "2"),
        RowCase(testDescription: "newest restart of two containers",
                pod: pod(apps: ["a", "b"], phase: "Running",
                         statuses: [running("a", restarts: 1, lastFinished: "2026-03-01T10:01:00Z"),
                                    running("b", restarts: 2, lastFinished: "2026-03-01T10:04:30Z")]),
                ready: "2/2", status: "Running", restarts: "3 (30s ago)"),
        RowCase(testDescription: "init running",
                pod: pod(initContainers: [setup], phase: "Pending",
                         initStatuses: [ContainerStatus(name: "setup", state: ContainerState(running: ContainerStateRunning()))],
                         statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:0/1"),
        RowCase(testDescription: "second init waiting",
                pod: pod(initContainers: [setup, setup2], phase: "Pending",
                         initStatuses: [terminated("setup", 0, reason: "Completed"), waiting("setup2", "PodInitializing")],
                         statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:1/2"),
        RowCase(testDescription: "init crash loop counts init restarts",
                pod: pod(initContainers: [setup], phase: "Pending",
                         initStatuses: [waiting("setup", "CrashLoopBackOff", restarts: 2, lastFinished: "2026-03-01T10:04:00Z")],
                         statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "2 (60s ago)"),
        RowCase(testDescription: "init failed",
                pod: pod(initContainers: [setup], phase: "Failed", reason: "InitContainerFailed",
                         initStatuses: [terminated("setup", 1, reason: "Error")], statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:Error"),
        RowCase(testDescription: "init exit code",
                pod: pod(initContainers: [setup], phase: "Pending", initStatuses: [terminated("setup", 2, reason: nil)]),
                ready: "0/1", status: "Init:ExitCode:2"),
        RowCase(testDescription: "init signal",
                pod: pod(initContainers: [setup], phase: "Pending", initStatuses: [terminated("setup", 143, reason: nil, signal: 15)]),
                ready: "0/1", status: "Init:Signal:15"),
        RowCase(testDescription: "finished init restarts no longer count",
                pod: pod(initContainers: [setup], phase: "Running", conditions: [condition("Initialized")],
                         initStatuses: [ContainerStatus(name: "setup", state: ContainerState(terminated: ContainerStateTerminated(exitCode: 0, reason: "Completed")),
                                                        restartCount: 3)],
                         statuses: [running()]),
                ready: "1/1", status: "Running"),
        RowCase(testDescription: "sidecar ready counts in READY and restarts",
                pod: pod(initContainers: [proxy], phase: "Running", conditions: [condition("Initialized")],
                         initStatuses: [ContainerStatus(name: "proxy", state: ContainerState(running: ContainerStateRunning()),
                                                        lastState: ContainerState(terminated: ContainerStateTerminated(exitCode: 1, finishedAt: "2026-03-01T10:02:00Z")),
                                                        ready: true, restartCount: 1, started: true)],
                         statuses: [running()]),
                ready: "2/2", status: "Running", restarts: "1 (3m ago)"),
        RowCase(testDescription: "sidecar not ready",
                pod: pod(initContainers: [proxy], phase: "Running",
                         initStatuses: [ContainerStatus(name: "proxy", state: ContainerState(running: ContainerStateRunning()), started: true)],
                         statuses: [running()]),
                ready: "1/2", status: "Running"),
        RowCase(testDescription: "sidecar starting",
                pod: pod(initContainers: [proxy, setup], phase: "Pending",
                         initStatuses: [waiting("proxy", "ContainerCreating"), waiting("setup", "PodInitializing")],
                         statuses: [waiting("app", "PodInitializing")]),
                ready: "0/2", status: "Init:ContainerCreating"),
        RowCase(testDescription: "sidecar started, regular init running",
                pod: pod(initContainers: [proxy, setup], phase: "Pending",
                         initStatuses: [ContainerStatus(name: "proxy", state: ContainerState(running: ContainerStateRunning()), ready: true, started: true),
                                        ContainerStatus(name: "setup", state: ContainerState(running: ContainerStateRunning()))],
                         statuses: [waiting("app", "PodInitializing")]),
                ready: "1/2", status: "Init:1/2"),
        RowCase(testDescription: "terminating", pod: pod(phase: "Running", statuses: [running()], deleting: true),
                ready: "1/1", status: "Terminating"),
        RowCase(testDescription: "deleted after it finished", pod: pod(phase: "Succeeded", statuses: [terminated("app", 0, reason: "Completed")], deleting: true),
                ready: "0/1", status: "Completed"),
        RowCase(testDescription: "node lost", pod: pod(phase: "Running", reason: "NodeLost", statuses: [running()]),
                ready: "1/1", status: "NodeLost"),
        RowCase(testDescription: "node lost while deleting", pod: pod(phase: "Running", reason: "NodeLost", statuses: [running()], deleting: true),
                ready: "1/1", status: "Unknown"),
        RowCase(testDescription: "evicted", pod: pod(phase: "Failed", reason: "Evicted"), ready: "0/1", status: "Evicted"),
        RowCase(testDescription: "scheduling gated",
                pod: pod(phase: "Pending", conditions: [condition("PodScheduled", "False", reason: "SchedulingGated")]),
                ready: "0/1", status: "SchedulingGated"),
    ])
    func row(_ c: RowCase) {
        let table = TablePrinter.table(kind: "Pod", objects: [Self.json(c.pod)], now: Self.now)
        let cells = table.rows.first?.cells.prefix(5).map { $0.stringValue ?? "?" }
        #expect(cells == ["web", c.ready, c.status, c.restarts, "5m"])
    }

    @Test func columnsAreKubernetes() {
        let columns = TablePrinter.columns(kind: "pods")
        #expect(columns.map(\.name) == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(columns.map(\.priority) == [0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(columns.map(\.format) == ["name", "", "", "", "", "", "", "", ""])
        #expect(columns.allSatisfy { $0.type == "string" && !$0.description.isEmpty })
        #expect(columns[3].description == "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.")
    }

    @Test func wideCellsAndRowObject() throws {
        var pod = Self.pod(phase: "Running", conditions: [Self.condition("Ready"), Self.condition("example.com/gate")],
                           statuses: [Self.running()])
        pod.metadata.labels = ["app": "web"]
        pod.spec.nodeName = "node-1"
        pod.spec.readinessGates = [PodReadinessGate(conditionType: "example.com/gate"), PodReadinessGate(conditionType: "other")]
        pod.status?.podIP = "10.88.0.5"
        pod.status?.podIPs = [PodIP(ip: "10.88.0.5"), PodIP(ip: "fd00::5")]
        let object = Self.json(pod)
        let table = TablePrinter.table(kind: "Pod", objects: [object], now: Self.now)
        let row = try #require(table.rows.first)
        #expect(row.cells == ["web", "1/1", "Running", "0", "5m", "10.88.0.5", "node-1", "<none>", "1/2"].map(JSONValue.string))
        #expect(row.conditions == nil)
        #expect(row.object == .object(["kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
                                       "metadata": object["metadata"] ?? .null]))
        #expect(TablePrinter.table(kind: "Pod", objects: [object], now: Self.now, includeObject: .object).rows.first?.object == object)
        #expect(TablePrinter.table(kind: "Pod", objects: [object], now: Self.now, includeObject: .none).rows.first?.object == nil)
        // Without an IP or a node, the wide columns say <none>.
        let bare = TablePrinter.table(kind: "Pod", objects: [Self.json(Self.pod(phase: "Pending"))], now: Self.now)
        #expect(bare.rows.first?.cells.suffix(4) == ["<none>", "<none>", "<none>", "<none>"].map(JSONValue.string))
    }

    @Test func finishedPodsCarryTheCompletedRowCondition() throws {
        let succeeded = Self.pod(phase: "Succeeded", statuses: [Self.terminated("app", 0, reason: "Completed")])
        let failed = Self.pod(phase: "Failed", statuses: [Self.terminated("app", 1, reason: "Error")])
        let table = TablePrinter.table(kind: "Pod", objects: [Self.json(succeeded), Self.json(failed)], now: Self.now)
        #expect(table.rows.map { $0.conditions?.first?["reason"]?.stringValue } == ["Succeeded", "Failed"])
        #expect(table.rows.first?.conditions?.first == .object(["type": .string("Completed"), "status": .string("True"), "reason": .string("Succeeded"),
                                                                "message": .string("The pod has completed successfully.")]))
    }

    @Test func tableEncodesAsKubernetesDoes() throws {
        let table = TablePrinter.table(kind: "Pod", objects: [Self.json(Self.pod(phase: "Running", statuses: [Self.running()]))], now: Self.now)
        let json = try JSONValue(parsingJSON: encodeJSON(table))
        #expect(json["kind"] == .string("Table") && json["apiVersion"] == .string("meta.k8s.io/v1"))
        #expect(json["columnDefinitions"]?[0] == .object(["name": .string("Name"), "type": .string("string"), "format": .string("name"),
                                                         "description": .string(ColumnDescriptions.name), "priority": .int(0)]))
        #expect(json["rows"]?[0]?["object"]?["metadata"]?["name"] == .string("web"))
    }

    @Test func anObjectThatDoesNotDecodeStillShowsItsName() {
        let odd: JSONValue = .object(["metadata": .object(["name": .string("odd"), "creationTimestamp": .string(Self.created)]),
                                      "spec": .object(["containers": .string("not a list")])])
        let row = TablePrinter.table(kind: "Pod", objects: [odd], now: Self.now).rows.first
        #expect(row?.cells == ["odd", "", "", "", "5m", "", "", "", ""].map(JSONValue.string))
    }
}
