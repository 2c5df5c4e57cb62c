import BerthAPI
import Foundation
import Testing

@testable import BerthNode

/// `get pods` columns, as kubectl prints them.
@Suite struct PodPrinterTests {
    static let created = "2026-03-01T10:00:00Z"
    static let now = RFC3339.parse("2026-03-01T10:05:00Z")!

    static func running(ready: Bool = true) -> ContainerStatus {
        ContainerStatus(name: "app", state: ContainerState(running: ContainerStateRunning(startedAt: created)), ready: ready, started: true)
    }
    static func waiting(_ name: String, _ reason: String, restarts: Int32 = 0) -> ContainerStatus {
        ContainerStatus(name: name, state: ContainerState(waiting: ContainerStateWaiting(reason: reason)), restartCount: restarts)
    }
    static func terminated(_ name: String, _ code: Int32, reason: String?, signal: Int32? = nil) -> ContainerStatus {
        ContainerStatus(name: name, state: ContainerState(terminated: ContainerStateTerminated(exitCode: code, signal: signal, reason: reason)))
    }

    static func pod(initContainers: [Container]? = nil, apps: [String] = ["app"], phase: String, reason: String? = nil,
                    initStatuses: [ContainerStatus]? = nil, statuses: [ContainerStatus]) -> Pod {
        Pod(metadata: ObjectMeta(name: "web", creationTimestamp: created),
            spec: PodSpec(initContainers: initContainers, containers: apps.map { Container(name: $0, image: "busybox") }),
            status: PodStatus(phase: phase, reason: reason, initContainerStatuses: initStatuses, containerStatuses: statuses))
    }

    static func withReady(_ pod: Pod) -> Pod {
        var pod = pod
        pod.status?.conditions = [PodCondition(type: "Ready", status: "True")]
        return pod
    }

    static let setup = Container(name: "setup", image: "busybox")
    static let setup2 = Container(name: "setup2", image: "busybox")
    static let proxy = Container(name: "proxy", image: "busybox", restartPolicy: "Always")

    struct RowCase: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: Pod
        var deleting = false
        var ready: String
        var status: String
        var restarts = "0"
        var testDescription: String { name }
    }

    @Test(arguments: [
        RowCase(name: "running", pod: pod(phase: "Running", statuses: [running()]), ready: "1/1", status: "Running"),
        RowCase(name: "completed", pod: pod(phase: "Succeeded", statuses: [terminated("app", 0, reason: "Completed")]),
                ready: "0/1", status: "Completed"),
        RowCase(name: "error", pod: pod(phase: "Failed", statuses: [terminated("app", 1, reason: "Error")]), ready: "0/1", status: "Error"),
        RowCase(name: "killed without reason", pod: pod(phase: "Failed", statuses: [terminated("app", 137, reason: nil, signal: 9)]),
                ready: "0/1", status: "Signal:9"),
        RowCase(name: "exit code without reason", pod: pod(phase: "Failed", statuses: [terminated("app", 3, reason: nil)]),
                ready: "0/1", status: "ExitCode:3"),
        RowCase(name: "one completed, one running", pod: withReady(pod(apps: ["app", "done"], phase: "Running",
                                                                       statuses: [running(), terminated("done", 0, reason: "Completed")])),
                ready: "1/2", status: "Running"),
        // kubectl ≥ 1.27: without the pod's Ready condition such a pod reads NotReady.
        RowCase(name: "one completed, one running, pod not ready", pod: pod(apps: ["app", "done"], phase: "Running",
                                                                            statuses: [running(), terminated("done", 0, reason: "Completed")]),
                ready: "1/2", status: "NotReady"),
        RowCase(name: "crash loop", pod: pod(phase: "Running", statuses: [waiting("app", "CrashLoopBackOff", restarts: 4)]),
                ready: "0/1", status: "CrashLoopBackOff", restarts: "4"),
        RowCase(name: "image pull", pod: pod(phase: "Pending", statuses: [waiting("app", "ErrImagePull")]), ready: "0/1",
                status: "ErrImagePull"),
        RowCase(name: "creating", pod: pod(phase: "Pending", statuses: [waiting("app", "ContainerCreating")]), ready: "0/1",
                status: "ContainerCreating"),
        RowCase(name: "init running", pod: pod(initContainers: [setup], phase: "Pending",
                                               initStatuses: [ContainerStatus(name: "setup", state: ContainerState(running: ContainerStateRunning()))],
                                               statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:0/1"),
        RowCase(name: "init not started", pod: pod(initContainers: [setup, setup2], phase: "Pending",
                                                   initStatuses: [terminated("setup", 0, reason: "Completed"), waiting("setup2", "PodInitializing")],
                                                   statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:1/2"),
        RowCase(name: "init crash loop", pod: pod(initContainers: [setup], phase: "Pending",
                                                  initStatuses: [waiting("setup", "CrashLoopBackOff", restarts: 2)],
                                                  statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "2"),
        RowCase(name: "init failed", pod: pod(initContainers: [setup], phase: "Failed", reason: "InitContainerFailed",
                                              initStatuses: [terminated("setup", 1, reason: "Error")],
                                              statuses: [waiting("app", "PodInitializing")]),
                ready: "0/1", status: "Init:Error"),
        RowCase(name: "sidecar counted in READY", pod: pod(initContainers: [proxy], phase: "Running",
                                                           initStatuses: [ContainerStatus(name: "proxy", state: ContainerState(running: ContainerStateRunning()),
                                                                                          ready: true, restartCount: 1, started: true)],
                                                           statuses: [running()]),
                ready: "2/2", status: "Running", restarts: "1"),
        RowCase(name: "sidecar not ready", pod: pod(initContainers: [proxy], phase: "Running",
                                                    initStatuses: [ContainerStatus(name: "proxy", state: ContainerState(running: ContainerStateRunning()),
                                                                                   ready: false, started: true)],
                                                    statuses: [running()]),
                ready: "1/2", status: "Running"),
        RowCase(name: "sidecar starting", pod: pod(initContainers: [proxy], phase: "Pending",
                                                   initStatuses: [waiting("proxy", "ContainerCreating")],
                                                   statuses: [waiting("app", "PodInitializing")]),
                ready: "0/2", status: "Init:ContainerCreating"),
        RowCase(name: "deleting", pod: pod(phase: "Running", statuses: [running()]), deleting: true, ready: "1/1", status: "Terminating"),
        RowCase(name: "no status yet", pod: Pod(metadata: ObjectMeta(name: "web", creationTimestamp: created),
                                                spec: PodSpec(containers: [Container(name: "app")])),
                ready: "0/1", status: "Pending"),
    ])
    func row(_ c: RowCase) {
        #expect(PodPrinter.row(c.pod, now: Self.now, deleting: c.deleting) == ["web", c.ready, c.status, c.restarts, "5m"])
    }

    @Test func deletionTimestampMeansTerminating() {
        var pod = Self.pod(phase: "Running", statuses: [Self.running()])
        pod.metadata.deletionTimestamp = Self.created
        #expect(PodPrinter.row(pod, now: Self.now)[2] == "Terminating")
    }

    @Test func missingCreationTimestampIsUnknownAge() {
        let pod = Pod(metadata: ObjectMeta(name: "web"), spec: PodSpec(containers: [Container(name: "app")]))
        #expect(PodPrinter.row(pod, now: Self.now)[4] == "<unknown>")
    }

    /// kubectl's duration.HumanDuration.
    @Test(arguments: [
        (-5.0, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (599, "9m59s"),
        (600, "10m"), (10_799, "179m"), (10_800, "3h"), (11_100, "3h5m"), (28_799, "7h59m"), (28_800, "8h"), (172_799, "47h"),
        (172_800, "2d"), (190_800, "2d5h"), (691_199, "7d23h"), (691_200, "8d"), (63_071_999, "729d"), (63_072_000, "2y"),
        (63_158_400, "2y1d"), (252_288_000, "8y"),
    ])
    func age(seconds: Double, expected: String) {
        #expect(PodPrinter.age(seconds) == expected)
    }

    @Test func tableAlignsColumnsThreeSpacesApart() {
        let text = PodPrinter.table([PodPrinter.header, ["web", "1/1", "Running", "0", "5m"]])
        #expect(text == "NAME   READY   STATUS    RESTARTS   AGE\nweb    1/1     Running   0          5m\n")
    }
}
