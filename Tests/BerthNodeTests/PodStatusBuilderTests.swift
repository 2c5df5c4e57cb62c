import BerthAPI
import BerthRuntime
import Testing

@testable import BerthNode

@Suite struct PodStatusBuilderTests {
    static let now = "2026-03-01T10:00:00Z"
    static let spec = PodSpec(containers: [Container(name: "app", image: "busybox")])

    static func track(_ name: String, _ state: ContainerTrack.State, role: ContainerRole = .app, restarts: Int = 0,
                      id: String? = "abc123", last: ContainerExit? = nil) -> ContainerTrack {
        ContainerTrack(name: name, role: role, image: "busybox", imageID: "sha256:busybox", containerID: id,
                       restartCount: restarts, state: state, lastTermination: last, finished: false)
    }

    static func snapshot(phase: PodPhase = .running, lifecycle: PodLifecycle = .syncing, initialized: Bool = true,
                         initContainers: [ContainerTrack] = [], containers: [ContainerTrack]) -> PodSnapshot {
        PodSnapshot(namespace: "default", name: "pod", uid: "uid-1", lifecycle: lifecycle, phase: phase, sandboxID: "sandbox-1",
                    startTime: "2026-03-01T09:59:58.123456Z", initialized: initialized, initContainers: initContainers,
                    containers: containers, message: nil, reason: nil, version: 1)
    }

    static let running = ContainerTrack.State.running(startedAt: "2026-03-01T09:59:59.987654321Z")

    static func conditions(_ status: PodStatus) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (status.conditions ?? []).map { ($0.type, $0.status) })
    }

    struct ConditionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var snapshot: PodSnapshot
        var expected: [String: String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        ConditionCase(name: "running and ready", snapshot: snapshot(containers: [track("app", running)]),
                      expected: ["PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True",
                                 "ContainersReady": "True", "PodScheduled": "True"]),
        ConditionCase(name: "initializing",
                      snapshot: snapshot(phase: .pending, initialized: false,
                                         initContainers: [track("setup", running, role: .initContainer)],
                                         containers: [track("app", .waiting(reason: "PodInitializing", message: ""), id: nil)]),
                      expected: ["PodReadyToStartContainers": "True", "Initialized": "False", "Ready": "False",
                                 "ContainersReady": "False", "PodScheduled": "True"]),
        ConditionCase(name: "sidecar in crash loop",
                      snapshot: snapshot(initContainers: [track("proxy", .waiting(reason: "CrashLoopBackOff", message: ""), role: .sidecar)],
                                         containers: [track("app", running)]),
                      expected: ["PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "False",
                                 "ContainersReady": "False", "PodScheduled": "True"]),
        ConditionCase(name: "terminating", snapshot: snapshot(lifecycle: .terminating, containers: [track("app", running)]),
                      expected: ["PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "False",
                                 "ContainersReady": "False", "PodScheduled": "True"]),
        ConditionCase(name: "terminated", snapshot: snapshot(phase: .succeeded, lifecycle: .terminated,
                                                              containers: [track("app", .terminated(exit(0)))]),
                      expected: ["PodReadyToStartContainers": "False", "Initialized": "True", "Ready": "False",
                                 "ContainersReady": "False", "PodScheduled": "True"]),
    ])
    func conditions(_ c: ConditionCase) {
        let status = PodStatusBuilder.status(c.snapshot, spec: Self.spec, previous: nil, now: Self.now)
        #expect(Self.conditions(status) == c.expected)
        #expect(status.conditions?.map(\.type) == ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"])
    }

    @Test func notReadyReasonIsPodCompletedOnceThePodIsDone() {
        let done = PodStatusBuilder.status(Self.snapshot(phase: .succeeded, lifecycle: .terminated,
                                                          containers: [Self.track("app", .terminated(Self.exit(0)))]),
                                           spec: Self.spec, previous: nil, now: Self.now)
        #expect(done.conditions?.first { $0.type == "Ready" }?.reason == "PodCompleted")
        let waiting = PodStatusBuilder.status(Self.snapshot(phase: .pending, containers: [Self.track("app", .waiting(reason: "ErrImagePull", message: ""))]),
                                              spec: Self.spec, previous: nil, now: Self.now)
        #expect(waiting.conditions?.first { $0.type == "Ready" }?.reason == "ContainersNotReady")
        #expect(waiting.conditions?.first { $0.type == "PodScheduled" }?.reason == nil)
    }

    @Test func transitionTimesChangeOnlyWithTheStatus() {
        let earlier = "2026-03-01T09:00:00Z"
        let readySnapshot = Self.snapshot(containers: [Self.track("app", Self.running)])
        let first = PodStatusBuilder.status(readySnapshot, spec: Self.spec, previous: nil, now: earlier)
        let same = PodStatusBuilder.status(readySnapshot, spec: Self.spec, previous: first, now: Self.now)
        #expect(same.conditions?.allSatisfy { $0.lastTransitionTime == earlier } == true)

        let notReady = Self.snapshot(containers: [Self.track("app", .waiting(reason: "CrashLoopBackOff", message: ""))])
        let changed = PodStatusBuilder.status(notReady, spec: Self.spec, previous: first, now: Self.now)
        let times = Dictionary(uniqueKeysWithValues: (changed.conditions ?? []).map { ($0.type, $0.lastTransitionTime) })
        #expect(times["Ready"] == Self.now)
        #expect(times["ContainersReady"] == Self.now)
        #expect(times["Initialized"] == earlier)
        #expect(times["PodScheduled"] == earlier)
    }

    static func exit(_ code: Int32, signal: Int32 = 0) -> ContainerExit {
        ContainerExit(exitCode: code, signal: signal, reason: code == 0 ? "Completed" : "Error", message: "",
                      startedAt: "2026-03-01T09:59:59.5Z", finishedAt: "2026-03-01T10:00:00.25Z")
    }

    @Test func runningContainerStatus() {
        let status = PodStatusBuilder.status(Self.snapshot(containers: [Self.track("app", Self.running, restarts: 3,
                                                                                   last: Self.exit(137, signal: 9))]),
                                             spec: Self.spec, previous: nil, now: Self.now)
        #expect(status.phase == "Running")
        #expect(status.startTime == "2026-03-01T09:59:58Z")
        #expect(status.hostIP == "127.0.0.1")
        #expect(status.qosClass == "BestEffort")
        #expect(status.initContainerStatuses == nil)
        let app = status.containerStatuses?.first
        #expect(app?.state == ContainerState(running: ContainerStateRunning(startedAt: "2026-03-01T09:59:59Z")))
        #expect(app?.ready == true)
        #expect(app?.started == true)
        #expect(app?.restartCount == 3)
        #expect(app?.containerID == "berth://abc123")
        #expect(app?.image == "busybox")
        #expect(app?.imageID == "sha256:busybox")
        #expect(app?.lastState?.terminated == ContainerStateTerminated(exitCode: 137, signal: 9, reason: "Error",
                                                                      startedAt: "2026-03-01T09:59:59Z",
                                                                      finishedAt: "2026-03-01T10:00:00Z"))
    }

    @Test func waitingAndTerminatedContainerStatuses() {
        let snapshot = Self.snapshot(
            initContainers: [Self.track("setup", .terminated(Self.exit(0)), role: .initContainer),
                             Self.track("proxy", Self.running, role: .sidecar)],
            containers: [Self.track("app", .waiting(reason: "CrashLoopBackOff", message: "back-off 10s"), last: Self.exit(1))])
        let status = PodStatusBuilder.status(snapshot, spec: Self.spec, previous: nil, now: Self.now)

        let setup = status.initContainerStatuses?[0]
        #expect(setup?.state?.terminated == ContainerStateTerminated(exitCode: 0, reason: "Completed", startedAt: "2026-03-01T09:59:59Z",
                                                                    finishedAt: "2026-03-01T10:00:00Z", containerID: "berth://abc123"))
        #expect(setup?.ready == false)
        #expect(setup?.started == nil)
        #expect(setup?.lastState == ContainerState())

        let proxy = status.initContainerStatuses?[1]
        #expect(proxy?.ready == true)
        #expect(proxy?.started == true)

        let app = status.containerStatuses?[0]
        #expect(app?.state == ContainerState(waiting: ContainerStateWaiting(reason: "CrashLoopBackOff", message: "back-off 10s")))
        #expect(app?.ready == false)
        #expect(app?.started == false)
        #expect(app?.lastState?.terminated?.exitCode == 1)
    }

    @Test func emptyWaitingMessageAndNoContainerIDAreOmitted() {
        let status = PodStatusBuilder.status(Self.snapshot(phase: .pending, containers: [
            Self.track("app", .waiting(reason: "ContainerCreating", message: ""), id: nil),
        ]), spec: Self.spec, previous: nil, now: Self.now)
        #expect(status.containerStatuses?[0].state?.waiting == ContainerStateWaiting(reason: "ContainerCreating"))
        #expect(status.containerStatuses?[0].containerID == nil)
    }

    @Test(arguments: [
        ("2026-11-27T08:00:01.123456789Z", "2026-11-27T08:00:01Z"),
        ("2026-11-27T08:00:01Z", "2026-11-27T08:00:01Z"),
        ("2026-11-27T08:00:01.5Z", "2026-11-27T08:00:01Z"),
    ])
    func timestampsHaveSecondPrecision(input: String, expected: String) {
        #expect(PodStatusBuilder.secondPrecision(input) == expected)
    }
}
