import BerthAPI
import BerthRuntime
import Foundation
import Testing

@testable import BerthNode

/// The agent over the fake runtime, with its pod store in a temp root.
@Suite struct NodeAgentTests {
    let root: String
    let fake = FakeRuntime()
    let agent: NodeAgent
    /// The agent's store, read as `berth get` does.
    let store: PodStore

    init() {
        root = FileManager.default.temporaryDirectory.path + "/berth-agent-\(UUID().uuidString)"
        var settings = NodeSettings(paths: BerthPaths(root: root))
        settings.restartBackOff = .fast
        agent = NodeAgent(settings: settings, runtime: fake)
        store = PodStore(runDirectory: settings.paths.runDirectory)
    }

    static func pod(uid: String, policy: String = "Never", manifest: String? = nil) -> Pod {
        Pod(metadata: ObjectMeta(name: "web", uid: uid, annotations: manifest.map { ["berth.dev/manifest": $0] }),
            spec: PodSpec(containers: [Container(name: "app", image: "busybox", command: ["true"])], restartPolicy: policy))
            .withDefaults()
    }

    @Test func startRunsThePodAndWritesItsStatus() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        fake.script("app", [.exits(0)])
        try await agent.start(Self.pod(uid: "u1"))
        #expect(await agent.wait(uid: "u1") == .succeeded)
        await agent.flushStatus()

        let stored = try #require(store.load(uid: "u1"))
        #expect(stored.metadata.creationTimestamp != nil)
        #expect(stored.status?.phase == "Succeeded")
        let app = try #require(stored.status?.containerStatuses?.first)
        #expect(app.state?.terminated?.reason == "Completed")
        #expect(app.containerID?.hasPrefix("berth://app-") == true)
        #expect(fake.callNames.prefix(3) == ["runSandbox web", "create app#0", "start app#0"])
    }

    @Test func startAdoptsTheSandboxAnEarlierAgentLeftForTheSameUID() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sandbox = fake.seedSandbox(uid: "u2", name: "web")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        try await agent.start(Self.pod(uid: "u2"))

        #expect(await poll { await agent.snapshot(uid: "u2")?.containers.first?.state == .running(startedAt: "2026-01-02T03:04:06.5Z") })
        #expect(fake.calls.isEmpty)
        fake.finish("app", code: 0)
        #expect(await agent.wait(uid: "u2") == .succeeded)
        // The last status write lands before the defer removes the root, not while it does.
        await agent.flushStatus()
    }

    @Test func terminateWithRemoveDeletesSandboxAndRecord() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await agent.start(Self.pod(uid: "u3", policy: "Always"))
        #expect(await poll { fake.isRunning("app") })

        await agent.terminate(uid: "u3", gracePeriodSeconds: 0, remove: true)
        #expect(fake.listPodSandboxes().isEmpty)
        #expect(store.load(uid: "u3") == nil)
        #expect(await agent.podUIDs.isEmpty)
        #expect(fake.callNames.contains("stop app#0"))
    }

    @Test func syncStartsNewPodsAndRemovesThoseWhoseManifestWent() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = root + "/manifests"
        let pod = Self.pod(uid: "u4", policy: "Always", manifest: source + "/web.yaml")
        await agent.sync(desired: ["u4": pod], source: source)
        #expect(await agent.podUIDs == ["u4"])
        #expect(await poll { fake.isRunning("app") })

        await agent.sync(desired: [:], source: root + "/elsewhere")  // another source's pods are not touched
        #expect(await agent.podUIDs == ["u4"])

        await agent.sync(desired: [:], source: source)
        #expect(await agent.podUIDs.isEmpty)
        #expect(!fake.isRunning("app"))
        #expect(store.load(uid: "u4") == nil)
    }
}
