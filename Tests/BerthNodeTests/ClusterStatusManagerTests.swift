import BerthAPI
import BerthClient
import BerthRuntime
import Foundation
import Logging
import Testing

@testable import BerthNode

@Suite struct ClusterStatusManagerTests {
    static func snapshot(version: Int, running: Bool, message: String? = nil, readinessProbePassed: Bool? = nil) -> PodSnapshot {
        let state: ContainerTrack.State = running ? .running(startedAt: "2026-01-02T03:04:05Z")
            : .waiting(reason: "ContainerCreating", message: "")
        let track = ContainerTrack(name: "app", role: .app, image: "busybox", imageID: "sha256:1", containerID: running ? "app-1" : nil,
                                   restartCount: 0, state: state, lastTermination: nil, finished: false,
                                   readinessProbePassed: readinessProbePassed)
        return PodSnapshot(namespace: "default", name: "web", uid: "u1", lifecycle: .syncing, phase: running ? .running : .pending,
                           sandboxID: "s1", startTime: "2026-01-02T03:04:05Z", initialized: true, initContainers: [],
                           containers: [track], message: message ?? "v\(version)", reason: nil, version: version)
    }

    func makeManager(_ api: FakeClusterAPI, interval: Duration = .milliseconds(100)) async throws -> PodStatusManager {
        let pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default"),
                      spec: PodSpec(containers: [Container(name: "app", image: "busybox")], nodeName: "n1"))
        let created = try await api.create(pod, in: .pods(namespace: "default"))
        let manager = PodStatusManager(api: api, hostIP: "10.0.0.5", podIP: "10.0.0.5", interval: interval,
                                       logger: Logger(label: "test"))
        await manager.setTarget(uid: "u1", .init(namespace: "default", name: "web", uid: created.metadata.uid, spec: pod.spec))
        return manager
    }

    static let statusPath = "/api/v1/namespaces/default/pods/web/status"

    @Test func manySnapshotsBecomeFewRequestsAndTheLastOneWins() async throws {
        let api = FakeClusterAPI()
        let manager = try await makeManager(api)
        for version in 1...200 { await manager.update(Self.snapshot(version: version, running: false)) }
        #expect(await poll { api.pod("default", "web")?.status?.message == "v200" })
        let sent = api.writes("PATCH", Self.statusPath).compactMap { $0.body?["status"]?["message"]?.stringValue }
        #expect(sent.count <= 4, "sent \(sent)")
        #expect(sent.first == "v1")
        // Never an older status after a newer one.
        let versions = sent.compactMap { Int($0.dropFirst()) }
        #expect(versions == versions.sorted())
        // A stale snapshot arriving late is dropped.
        await manager.update(Self.snapshot(version: 150, running: false))
        try await Task.sleep(for: .milliseconds(250))
        #expect(api.pod("default", "web")?.status?.message == "v200")
    }

    @Test func aSlowServerNeverGetsAStaleStatus() async throws {
        let api = FakeClusterAPI()
        api.statusPatchDelay = .milliseconds(30)
        let manager = try await makeManager(api, interval: .milliseconds(10))
        for version in 1...50 {
            await manager.update(Self.snapshot(version: version, running: false))
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(await poll { api.pod("default", "web")?.status?.message == "v50" })
        let versions = api.writes("PATCH", Self.statusPath).compactMap { $0.body?["status"]?["message"]?.stringValue }
            .compactMap { Int($0.dropFirst()) }
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        #expect(versions.count < 50)
    }

    @Test func firstReadyStatusIsNotHeldBack() async throws {
        let api = FakeClusterAPI()
        let manager = try await makeManager(api, interval: .seconds(30))
        await manager.update(Self.snapshot(version: 1, running: false))
        #expect(await poll { api.pod("default", "web")?.status?.message == "v1" })
        await manager.update(Self.snapshot(version: 2, running: true))
        // Far sooner than the 30 s interval.
        #expect(await poll(timeout: .seconds(10)) { api.pod("default", "web")?.status?.message == "v2" })
        let status = try #require(api.pod("default", "web")?.status)
        #expect(status.conditions?.first { $0.type == "Ready" }?.status == "True")
        #expect(status.hostIP == "10.0.0.5" && status.podIP == "10.0.0.5")
        // Later changes wait for the interval.
        await manager.update(Self.snapshot(version: 3, running: true))
        try await Task.sleep(for: .milliseconds(200))
        #expect(api.pod("default", "web")?.status?.message == "v2")
    }

    /// A restarted agent starts from the API's status: conditions that did not change keep
    /// their transition times (the kubelet's status manager does the same), changed ones move.
    @Test func aNewAgentKeepsTheTransitionTimesTheAPIHas() async throws {
        let api = FakeClusterAPI()
        let pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default"),
                      spec: PodSpec(containers: [Container(name: "app", image: "busybox")], nodeName: "n1"))
        let created = try await api.create(pod, in: .pods(namespace: "default"))
        let earlier = "2020-01-02T03:04:05Z"
        let current = PodStatus(phase: "Running", conditions: [
            PodCondition(type: "Ready", status: "True", lastTransitionTime: earlier),
            PodCondition(type: "Initialized", status: "False", lastTransitionTime: earlier),
        ])
        let manager = PodStatusManager(api: api, hostIP: "10.0.0.5", podIP: "10.0.0.5", interval: .milliseconds(10),
                                       logger: Logger(label: "test"))
        await manager.setTarget(uid: "u1", .init(namespace: "default", name: "web", uid: created.metadata.uid, spec: pod.spec),
                                current: current)
        await manager.update(Self.snapshot(version: 1, running: true))
        #expect(await poll { api.pod("default", "web")?.status?.message == "v1" })
        let conditions = try #require(api.pod("default", "web")?.status?.conditions)
        #expect(conditions.first { $0.type == "Ready" }?.lastTransitionTime == earlier)
        let initialized = conditions.first { $0.type == "Initialized" }
        #expect(initialized?.status == "True" && initialized?.lastTransitionTime != earlier)
    }

    /// A Ready snapshot that arrives while the manager waits out the interval after a
    /// non-urgent one goes at once, not when the interval is over.
    @Test func readyStatusCutsTheBatchingWaitShort() async throws {
        let api = FakeClusterAPI()
        let manager = try await makeManager(api, interval: .seconds(30))
        await manager.update(Self.snapshot(version: 1, running: false))
        #expect(await poll { api.pod("default", "web")?.status?.message == "v1" })
        await manager.update(Self.snapshot(version: 2, running: false))  // waits for the interval
        #expect(await poll { await manager.pods["u1"]?.sleeper != nil }, "the pump waits out the interval")
        #expect(api.pod("default", "web")?.status?.message == "v1")
        await manager.update(Self.snapshot(version: 3, running: true))
        #expect(await poll(timeout: .seconds(10)) { api.pod("default", "web")?.status?.message == "v3" })
        #expect(api.pod("default", "web")?.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
        #expect(api.writes("PATCH", Self.statusPath).count == 2, "v2 was folded into v3")
    }

    @Test func aFailingReadinessProbeKeepsThePodNotReady() async throws {
        let api = FakeClusterAPI()
        let manager = try await makeManager(api)
        await manager.update(Self.snapshot(version: 1, running: true, readinessProbePassed: false))
        #expect(await poll { api.pod("default", "web")?.status?.message == "v1" })
        let status = try #require(api.pod("default", "web")?.status)
        #expect(status.phase == "Running")
        #expect(status.containerStatuses?.first?.ready == false)
        #expect(status.conditions?.first { $0.type == "Ready" }?.status == "False")
        #expect(status.conditions?.first { $0.type == "ContainersReady" }?.reason == "ContainersNotReady")
    }

    @Test func nodeFactsParsers() {
        #expect(NodeFacts.memTotal(meminfo: "MemTotal:       16314368 kB\nMemFree: 1 kB") == Int64(16314368) * 1024)
        #expect(NodeFacts.prettyName(osRelease: "NAME=x\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n") == "Debian GNU/Linux 12 (bookworm)")
        #expect(NodeFacts.goArchitecture("x86_64") == "amd64")
        #expect(NodeFacts.goArchitecture("aarch64") == "arm64")
        let probed = NodeFacts.probe(dataDirectory: "/")
        #expect(probed.cpus > 0 && probed.memoryBytes > 0 && !probed.kernelVersion.isEmpty)
    }
}
