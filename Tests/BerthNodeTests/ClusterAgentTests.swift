import BerthAPI
import BerthClient
import BerthRuntime
import Foundation
import Testing

@testable import BerthNode

/// The cluster agent over the fake runtime and the in-memory API.
@Suite struct ClusterAgentTests {
    let root: String
    let fake = FakeRuntime()
    let api = FakeClusterAPI()
    let settings: NodeSettings

    static let facts = NodeFacts(cpus: 4, memoryBytes: 8 << 30, ephemeralStorageBytes: 100 << 30, kernelVersion: "6.1.0-test",
                                 osImage: "Debian GNU/Linux 12 (bookworm)", architecture: "amd64", machineID: "m1",
                                 bootID: "b1", hostname: "host")

    init() {
        root = FileManager.default.temporaryDirectory.path + "/berth-cluster-\(UUID().uuidString)"
        var settings = NodeSettings(paths: BerthPaths(root: root))
        settings.restartBackOff = .fast
        self.settings = settings
    }

    func makeAgent(heartbeat: Duration = .seconds(10), staticDirectory: String? = nil) -> ClusterAgent {
        var options = ClusterAgent.Options()
        options.facts = Self.facts
        options.heartbeatInterval = heartbeat
        options.initialBackOff = .milliseconds(10)
        options.staticPods = staticDirectory.map { StaticPodSource(directory: $0) }
        options.staticPollInterval = .milliseconds(50)
        return ClusterAgent(client: api, nodeName: "n1", settings: settings, runtime: fake, endpointPort: 10250, options: options)
    }

    /// Runs `body` while the agent runs, then stops the agent and waits until it has stopped,
    /// so that nothing it does lands in the test's root after the test removed it.
    func running(_ agent: ClusterAgent, _ body: () async throws -> Void) async throws {
        let task = Task { try await agent.run() }
        do {
            try await body()
        } catch {
            task.cancel()
            _ = try? await task.value
            throw error
        }
        task.cancel()
        _ = try? await task.value
    }

    static func pod(_ name: String, grace: Int64 = 30, policy: String = "Always") -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: "default"),
            spec: PodSpec(containers: [Container(name: "app", image: "busybox", command: ["sleep", "1000"])],
                          restartPolicy: policy, terminationGracePeriodSeconds: grace, nodeName: "n1")).withDefaults()
    }

    @Test func registersNodeAndLease() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let agent = makeAgent()
        try await running(agent) {
            #expect(await poll { api.object(.leases(namespace: "kube-node-lease", name: "n1")) != nil })

            let node = try decodeObject(Node.self, from: try #require(api.object(.nodes(name: "n1"))))
            #expect(node.metadata.labels?["kubernetes.io/hostname"] == "n1")
            #expect(node.metadata.labels?["kubernetes.io/os"] == "linux")
            #expect(node.metadata.labels?["kubernetes.io/arch"] == "amd64")
            let status = try #require(node.status)
            #expect(status.capacity?["cpu"]?.string == "4")
            #expect(status.capacity?["memory"]?.string == "8388608Ki")
            #expect(status.capacity?["pods"]?.string == "110")
            #expect(status.allocatable?["ephemeral-storage"] != nil)
            #expect(status.addresses == [NodeAddress(type: "InternalIP", address: "127.0.0.1"), NodeAddress(type: "Hostname", address: "n1")])
            #expect(status.daemonEndpoints?.kubeletEndpoint.port == 10250)
            let ready = try #require(status.conditions?.first { $0.type == "Ready" })
            #expect(ready.status == "True" && ready.reason == "KubeletReady" && ready.message == "kubelet is posting ready status")
            #expect(Set(status.conditions?.filter { $0.status == "False" }.map(\.type) ?? []) == ["MemoryPressure", "DiskPressure", "PIDPressure"])
            #expect(status.nodeInfo?.kubeletVersion == "v1.32.0-berth")
            #expect(status.nodeInfo?.containerRuntimeVersion == "berth://0.1.0")
            #expect(status.nodeInfo?.osImage == "Debian GNU/Linux 12 (bookworm)")
            #expect(status.nodeInfo?.operatingSystem == "linux")

            let lease = try decodeObject(Lease.self, from: try #require(api.object(.leases(namespace: "kube-node-lease", name: "n1"))))
            #expect(lease.spec?.holderIdentity == "n1")
            #expect(lease.spec?.leaseDurationSeconds == 40)
            let renew = try #require(lease.spec?.renewTime)
            #expect(renew.count == "2026-01-02T03:04:05.123456Z".count && renew.hasSuffix("Z"))
        }
    }

    @Test func reregistrationKeepsTheExistingNodeAndItsSpec() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await api.create(Node(metadata: ObjectMeta(name: "n1", labels: ["disk": "ssd"]), spec: NodeSpec(unschedulable: true)),
                                 in: .nodes())
        let agent = makeAgent()
        try await running(agent) {
            #expect(await poll { api.object(.leases(namespace: "kube-node-lease", name: "n1")) != nil })
            let node = try decodeObject(Node.self, from: try #require(api.object(.nodes(name: "n1"))))
            #expect(node.metadata.labels?["disk"] == "ssd")
            #expect(node.metadata.labels?["kubernetes.io/hostname"] == "n1")
            #expect(node.spec?.unschedulable == true)
            #expect(node.status?.conditions?.count == 4)
        }
    }

    @Test func renewsLeaseAndHeartbeat() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let agent = makeAgent(heartbeat: .milliseconds(30))
        try await running(agent) {
            let leasePath = ResourceRef.leases(namespace: "kube-node-lease", name: "n1").path
            #expect(await poll { api.writes("PATCH", leasePath).count >= 3 })
            #expect(await poll { api.writes("PATCH", "/api/v1/nodes/n1/status").count >= 3 })
            let patches = api.writes("PATCH", leasePath).compactMap { $0.body?["spec"]?["renewTime"]?.stringValue }
            #expect(Set(patches).count == patches.count)
        }
    }

    @Test func boundPodIsStartedAndItsStatusReported() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let agent = makeAgent()
        try await running(agent) {
            let created = try await api.create(Self.pod("web"), in: .pods(namespace: "default"))

            #expect(await poll { fake.callNames.contains("start app#0") })
            #expect(await poll { api.pod("default", "web")?.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } == true })
            let status = try #require(api.pod("default", "web")?.status)
            #expect(status.phase == "Running")
            #expect(status.hostIP == "127.0.0.1" && status.podIP == "127.0.0.1")
            #expect(status.podIPs == [PodIP(ip: "127.0.0.1")])
            #expect(status.qosClass == "BestEffort")
            let app = try #require(status.containerStatuses?.first)
            #expect(app.ready && app.started == true && app.containerID?.hasPrefix("berth://") == true)
            #expect(fake.callNames.first == "runSandbox web")
            #expect(api.writes("PATCH", "/api/v1/namespaces/default/pods/web/status").allSatisfy {
                $0.body?["metadata"]?["uid"]?.stringValue == created.metadata.uid
            })

            let reasons = { api.objects(under: "/api/v1/namespaces/default/events").compactMap { $0["reason"]?.stringValue } }
            #expect(await poll { Set(reasons()).isSuperset(of: ["Pulled", "Created", "Started"]) })
            let started = try #require(api.objects(under: "/api/v1/namespaces/default/events").first { $0["reason"] == .string("Started") })
            #expect(started["message"] == .string("Started container app"))
            #expect(started["involvedObject"]?["fieldPath"] == .string("spec.containers{app}"))
            #expect(started["involvedObject"]?["uid"]?.stringValue == created.metadata.uid)
            #expect(started["source"]?["component"] == .string("kubelet") && started["source"]?["host"] == .string("n1"))
        }
    }

    @Test func deletionStopsGracefullyThenFinalizesWithGraceZero() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let agent = makeAgent()
        try await running(agent) {
            let created = try await api.create(Self.pod("web", grace: 20), in: .pods(namespace: "default"))
            #expect(await poll { fake.isRunning("app") })

            _ = try await api.delete(.pods(namespace: "default", name: "web"), options: DeleteOptions(gracePeriodSeconds: 7))
            #expect(await poll { api.pod("default", "web") == nil })
            #expect(fake.stopGraces("app").first.map { $0 <= 7 && $0 > 6 } == true)
            #expect(fake.callNames.contains { $0.hasPrefix("removeSandbox") })
            let deletes = api.writes("DELETE", "/api/v1/namespaces/default/pods/web")
            #expect(deletes.count == 2)
            let final = try #require(deletes.last?.body)
            #expect(final["gracePeriodSeconds"] == .int(0))
            #expect(final["preconditions"]?["uid"]?.stringValue == created.metadata.uid)
            #expect(await poll { await agent.agent.podUIDs.isEmpty })
            let killing = api.objects(under: "/api/v1/namespaces/default/events").first { $0["reason"] == .string("Killing") }
            #expect(killing?["message"] == .string("Stopping container app"))
        }
    }

    /// The final delete (grace 0) is retried until the API takes it: nothing else would end
    /// the deletion, and `kubectl delete` waits for the object to go.
    @Test func aFailedFinalDeleteIsRetried() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let agent = makeAgent()
        try await running(agent) {
            _ = try await api.create(Self.pod("web", grace: 1), in: .pods(namespace: "default"))
            #expect(await poll { fake.isRunning("app") })
            api.failNextFinalDeletes(2)
            _ = try await api.delete(.pods(namespace: "default", name: "web"), options: DeleteOptions(gracePeriodSeconds: 1))
            #expect(await poll { api.pod("default", "web") == nil })
            #expect(api.writes("DELETE", "/api/v1/namespaces/default/pods/web").count == 4, "1 graceful + 2 failed + 1 final")
        }
    }

    @Test func podsTheAPINoLongerHasAreRemovedOnRestart() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A pod an earlier agent ran, deleted from the API while no agent watched.
        let store = PodStore(runDirectory: settings.paths.runDirectory)
        var stale = Self.pod("old")
        stale.metadata.uid = "stale-uid"
        try store.setOwner(uid: "stale-uid", pid: 1)
        try store.save(stale)
        let sandbox = fake.seedSandbox(uid: "stale-uid", name: "old")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        let agent = makeAgent()
        try await running(agent) {
            #expect(await poll { store.load(uid: "stale-uid") == nil })
            #expect(fake.callNames.contains("removeSandbox \(sandbox)"))
        }
    }

    /// Orphans whose apps ignore SIGTERM: each waits out its grace period, all at the same time.
    func seedOrphans(_ names: [String], grace: Int64) throws {
        let store = PodStore(runDirectory: settings.paths.runDirectory)
        for name in names {
            var orphan = Self.pod(name, grace: grace)
            orphan.metadata.uid = "uid-\(name)"
            try store.setOwner(uid: "uid-\(name)", pid: 1)
            try store.save(orphan)
            let sandbox = fake.seedSandbox(uid: "uid-\(name)", name: name)
            _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0, behaviour: .ignoresTerm)
        }
    }

    @Test func orphansAreRemovedConcurrently() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try seedOrphans(["a", "b"], grace: 1)
        let agent = makeAgent()
        try await running(agent) {
            #expect(await poll { fake.listPodSandboxes().isEmpty })
            // Serially it would be stop, kill, stop, kill.
            let stopsAndKills = fake.callNames.filter { $0.hasPrefix("stop") || $0.hasPrefix("kill") }
            #expect(stopsAndKills.filter { $0.hasPrefix("kill") }.count == 2)
            #expect(stopsAndKills.prefix(2).allSatisfy { $0.hasPrefix("stop") }, "both grace periods ran together: \(stopsAndKills)")
        }
    }

    @Test func stoppingTheAgentDoesNotWaitForOrphansGracePeriods() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try seedOrphans(["c"], grace: 300)
        let agent = makeAgent()
        let task = Task { try await agent.run() }
        #expect(await poll { fake.callNames.contains { $0.hasPrefix("stop") } })
        task.cancel()
        let stoppedFirst = await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = try? await task.value; return true }
            group.addTask { try? await Task.sleep(for: .seconds(20)); return false }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
        #expect(stoppedFirst, "the agent stopped although a pod was still in its 300 s grace period")
        #expect(PodStore(runDirectory: settings.paths.runDirectory).load(uid: "uid-c") != nil, "the next agent removes it")
    }

    @Test func staticPodGetsAMirrorThatComesBackWhenDeleted() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifests = root + "/manifests"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        try """
        apiVersion: v1
        kind: Pod
        metadata: {name: etcd, namespace: kube-system}
        spec:
          containers: [{name: app, image: busybox, command: [sleep, "1000"]}]
        """.write(toFile: manifests + "/etcd.yaml", atomically: true, encoding: .utf8)
        let agent = makeAgent(staticDirectory: manifests)
        try await running(agent) {

            #expect(await poll { api.pod("kube-system", "etcd-n1")?.status?.phase == "Running" })
            let mirror = try #require(api.pod("kube-system", "etcd-n1"))
            #expect(mirror.metadata.annotations?["kubernetes.io/config.mirror"] != nil)
            #expect(mirror.spec.nodeName == "n1")
            _ = try await api.delete(.pods(namespace: "kube-system", name: "etcd-n1"), options: DeleteOptions(gracePeriodSeconds: 30))
            #expect(await poll { api.pod("kube-system", "etcd-n1").map { $0.metadata.uid != mirror.metadata.uid && $0.metadata.deletionTimestamp == nil } == true })
            #expect(await poll { api.pod("kube-system", "etcd-n1")?.status?.phase == "Running" })
            #expect(fake.callNames.filter { $0.hasPrefix("runSandbox") }.count == 1)
            #expect(fake.isRunning("app"))
        }
    }
}
